"""A list entry as read from any format, and the normalising every importer shares."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, BinaryIO

from tocsin.core.countries import COUNTRY_CODES
from tocsin.core.errors import ValidationFailed

PERSON, ORGANISATION = "person", "organisation"
SCHEMAS = (PERSON, ORGANISATION)
LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,59}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_RANGE = re.compile(r"^(\d{4})/(\d{4})$")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_PAREN = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^\w\s]+")

# Official UN names that differ from the short English names Babel knows.
_COUNTRY_ALIASES = {
    "syrian arab republic": "SY", "russian federation": "RU", "viet nam": "VN",
    "democratic people s republic of korea": "KP", "republic of korea": "KR",
    "lao people s democratic republic": "LA", "united republic of tanzania": "TZ",
    "state of palestine": "PS", "republic of moldova": "MD", "turkiye": "TR",
    "united kingdom of great britain and northern ireland": "GB", "united kingdom": "GB",
    "united states of america": "US", "democratic republic of the congo": "CD",
    "congo": "CG", "cote d ivoire": "CI", "kosovo": "XK",
}  # fmt: skip


@dataclass
class ListEntry:
    """What one list says about one person or organisation, before it is stored."""

    external_id: str
    schema: str
    caption: str
    names: list[dict[str, Any]] = field(default_factory=list)  # {"name", "weak"}
    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[dict[str, str]] = field(default_factory=list)  # {"type", "number"}
    properties: dict[str, Any] = field(default_factory=dict)

    def add_name(self, name: str, weak: bool = False) -> None:
        name = " ".join(name.split())
        if not name:
            return
        for known in self.names:
            if known["name"] == name:
                known["weak"] = known["weak"] and weak
                return
        self.names.append({"name": name, "weak": weak})

    def add_identifier(self, kind: str, number: str) -> None:
        number = " ".join(number.split())
        if identifier_key(number) and not any(
            i["number"] == number for i in self.identifiers
        ):
            self.identifiers.append({"type": kind.strip() or "id", "number": number})

    def add_nationality(self, value: str) -> None:
        code = country_code(value)
        if code and code not in self.nationalities:
            self.nationalities.append(code)
        elif not code and value.strip():
            # Kept as stated: nothing the source said is dropped, even if not recognised.
            self.properties.setdefault("unrecognised_countries", []).append(value.strip())

    def add_birth_date(self, value: str, where: str) -> None:
        value = value.strip()
        if value and value not in self.birth_dates:
            self.birth_dates.append(birth_date(value, where))


@dataclass
class Parsed:
    """Every entry of a file, and how many records of other kinds it held (by kind)."""

    entries: list[ListEntry] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def add(self, entry: ListEntry, where: str, seen: set[str]) -> None:
        if entry.external_id in seen:
            raise ValidationFailed.on(where, f"id {entry.external_id!r} appears twice")
        if not entry.names:
            raise ValidationFailed.on(where, "has no name")
        seen.add(entry.external_id)
        self.entries.append(entry)


def clean_text(value: Any, where: str, limit: int = 2000) -> str:
    """Text from a file: no NUL (PostgreSQL cannot store it), of a sane length, trimmed."""
    if not isinstance(value, str):
        raise ValidationFailed.on(where, f"must be text, not {type(value).__name__}")
    if "\x00" in value:
        raise ValidationFailed.on(where, "contains a NUL character")
    if len(value) > limit:
        raise ValidationFailed.on(where, f"is longer than {limit} characters")
    return value.strip()


def byte_lines(stream: BinaryIO, chunk: int = 1 << 16) -> Iterator[bytes]:
    """Lines of a stream that offers only ``read`` (an upload spool is not iterable)."""
    rest = b""
    while block := stream.read(chunk):
        rest += block
        *done, rest = rest.split(b"\n")
        for line in done:
            yield line + b"\n"
    if rest:
        yield rest


def check_list_name(name: str) -> str:
    if not isinstance(name, str) or not LIST_NAME.match(name):
        raise ValidationFailed.on(
            "list", "use 1 to 60 lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )  # fmt: skip
    return name


def identifier_key(number: str) -> str:
    """Passport and ID numbers are written with and without spaces, dashes and dots."""
    return _NOT_ALNUM.sub("", number).upper()


def birth_date(value: str, where: str) -> str:
    """A full date, a month, a year, or a range of years written ``1965/1969``."""
    value = value.strip()
    m = _DATE.match(value)
    if m:
        _, month, day = m.groups()
        if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
            raise ValidationFailed.on(where, f"{value!r} is not a date")
        return value
    r = _RANGE.match(value)
    if r and int(r.group(1)) <= int(r.group(2)):
        return value
    raise ValidationFailed.on(where, f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY or "
                                     "YYYY/YYYY)")  # fmt: skip


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", _PAREN.sub(" ", text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from babel import Locale  # loads its locale data only when a country is named in words

    names: dict[str, str] = {}
    for lang in ("fr", "en"):  # English last: it wins where both name a territory
        for code, label in Locale(lang).territories.items():
            if code in COUNTRY_CODES:
                names[_folded(label)] = code
    names.update(_COUNTRY_ALIASES)
    return names


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 for a code or a country's name in English or French, if known."""
    text = value.strip()
    if len(text) == 2 and text.upper() in COUNTRY_CODES:
        return text.upper()
    return _country_names().get(_folded(text))
