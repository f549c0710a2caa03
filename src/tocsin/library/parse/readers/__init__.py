"""Readers turn a file's bytes into numbered lines; a new format is a new module registered here.

Each reader is found by what the bytes start with (a PDF is a PDF whatever its name), then by
the file's suffix; plain text is the fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tocsin.library.errors import DocumentUnreadable
from tocsin.library.parse.source import SourceText


@dataclass(frozen=True)
class Reader:
    name: str
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes], SourceText]


READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    READERS[reader.name] = reader
    return reader


def reader_for(source_name: str, data: bytes, name: str | None = None) -> Reader:
    """The reader named, else the one whose signature the bytes carry, else by suffix."""
    _load()
    if name is not None:
        if name not in READERS:
            known = ", ".join(sorted(READERS))
            raise DocumentUnreadable(f"no reader for the format {name!r} (known: {known})")
        return READERS[name]
    for reader in READERS.values():
        if reader.sniff(data):
            return reader
    suffix = source_name.lower().rsplit(".", 1)[-1] if "." in source_name else ""
    for reader in READERS.values():
        if suffix in reader.suffixes:
            return reader
    return READERS["text"]


def _load() -> None:
    # Importing a reader module registers it; PDF support loads pypdf only when a PDF is read.
    from tocsin.library.parse.readers import html, pdf, text  # noqa: F401
