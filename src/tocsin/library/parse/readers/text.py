"""Plain text: UTF-8, UTF-16 with a byte-order mark, or Windows-1252; form feeds end pages."""

from __future__ import annotations

from tocsin.library.parse.readers import Reader, register
from tocsin.library.parse.source import SourceText, decode_text, text_to_lines


def read_text(data: bytes) -> SourceText:
    return text_to_lines(decode_text(data))


READER = register(Reader("text", ("txt", "text", "md"), lambda data: False, read_text))
