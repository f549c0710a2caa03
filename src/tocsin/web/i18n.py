"""Languages of the pages: gettext catalogues compiled at start-up, locale-aware formatting.

Translators edit `web/locale/<lang>/LC_MESSAGES/messages.po` (see docs/translating.md); the
catalogues are compiled in memory when first used, so there is no build step and no .mo file to
forget to regenerate.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANG_COOKIE = "tocsin_lang"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself, so a reader can find their own
    rtl: bool = False

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English"),
    "fr": Language("fr", "Français"),
    "ar": Language("ar", "العربية", rtl=True),
}
DEFAULT = "en"


def catalogue_path(code: str) -> str:
    return str(resources.files("tocsin.web") / "locale" / code / "LC_MESSAGES" / "messages.po")


@cache
def translations(code: str) -> gettext.NullTranslations:
    if code == DEFAULT or code not in LANGUAGES:
        return gettext.NullTranslations()
    with open(catalogue_path(code), "rb") as po:
        catalog = read_po(po, locale=code)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(code: str, message: str) -> str:
    return translations(code).gettext(message)


def ngettext_for(code: str, singular: str, plural: str, n: int) -> str:
    return translations(code).ngettext(singular, plural, n)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The reader's choice first, then the browser's preference, then English."""
    if cookie in LANGUAGES:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        primary = tag.split("-")[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code if code in LANGUAGES else DEFAULT)


def number(value: float | int | None, code: str) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=_locale(code))


def day(value: date | datetime | None, code: str, style: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format=style, locale=_locale(code), tzinfo=None)
    return format_date(value, format=style, locale=_locale(code))


def fuzzy_day(value: date | None, precision: str | None, code: str) -> str:
    """A date as precisely as it is known: a day, a month or a year, with "~" when approximate."""
    if value is None:
        return ""
    kind = (precision or "day").removeprefix("approx_")
    approximate = precision in ("approximate", "approx_month", "approx_year")
    if kind == "year":
        text = str(value.year)
    elif kind == "month":
        text = format_skeleton("yMMM", value, locale=_locale(code))
    else:
        text = format_date(value, format="medium", locale=_locale(code))
    return f"~{text}" if approximate else text


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated later, where it is shown."""
    return message
