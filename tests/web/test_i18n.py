"""Languages: catalogues complete and well-formed, formatting per locale, negotiation."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tocsin.web import i18n

WEB = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _extracted() -> set[str]:
    """Every message the pages mark for translation, read from the source as translators do."""
    found: set[str] = set()
    method_map = [("templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, options, keywords={"_": None, "N_": None, "ngettext": (1, 2)}
    ):
        for text in message if isinstance(message, tuple) else (message,):
            if text:
                found.add(text)
    return found


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    messages = _extracted()
    assert len(messages) > 20  # the extractor really read the templates
    return messages


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_every_page_message_is_translated(code: str, extracted: set[str]) -> None:
    with open(i18n.catalogue_path(code), "rb") as po:
        catalog = read_po(po, locale=code)
    translated: set[str] = set()
    for entry in catalog:
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.id and all(forms) and not entry.fuzzy:
            # A plural entry is filed under its singular; its plural id is translated with it.
            translated.update(entry.id if isinstance(entry.id, tuple) else (entry.id,))
    missing = sorted(extracted - translated)
    assert not missing, (
        f"{len(missing)} messages have no {code} translation (run scripts/update-catalogues.sh "
        f"and translate them): {missing[:10]}"
    )


@pytest.mark.parametrize("code", [c for c in i18n.LANGUAGES if c != i18n.DEFAULT])
def test_translations_keep_their_placeholders(code: str) -> None:
    with open(i18n.catalogue_path(code), "rb") as po:
        catalog = read_po(po, locale=code)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == wanted, (code, message.id, text)


def test_untranslated_language_falls_back_to_english() -> None:
    assert i18n.gettext_for("en", "Sign in") == "Sign in"
    assert i18n.gettext_for("xx", "Sign in") == "Sign in"
    assert i18n.gettext_for("fr", "a message nobody wrote") == "a message nobody wrote"


def test_dates_keep_their_precision_in_every_language() -> None:
    march = date(2019, 3, 1)
    assert i18n.fuzzy_day(march, "year", "en") == "2019"
    assert i18n.fuzzy_day(march, "approx_year", "fr") == "~2019"
    assert i18n.fuzzy_day(march, "month", "en") == "Mar 2019"
    assert i18n.fuzzy_day(march, "month", "fr") == "mars 2019"
    assert i18n.fuzzy_day(march, "approx_month", "ar") == "~مارس 2019"
    assert i18n.fuzzy_day(date(2019, 3, 5), "day", "fr") == "5 mars 2019"
    assert i18n.fuzzy_day(date(2019, 3, 5), "approximate", "en") == "~Mar 5, 2019"
    assert i18n.fuzzy_day(None, "day", "en") == ""


def test_numbers_follow_the_locale() -> None:
    assert i18n.number(1234567, "en") == "1,234,567"
    assert i18n.number(1234567, "fr").replace("\u202f", " ") == "1 234 567"
    assert i18n.number(None, "en") == ""


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        ("ar", "fr-FR,fr;q=0.9", "ar"),
        (None, "fr-CA,fr;q=0.9,en;q=0.5", "fr"),
        (None, "de-DE,de;q=0.9,ar;q=0.8", "ar"),
        ("xx", "de", "en"),
        (None, None, "en"),
    ],
)
def test_language_is_the_readers_choice_then_the_browsers(
    cookie: str | None, header: str | None, expected: str
) -> None:
    assert i18n.negotiate(cookie, header) == expected


def test_arabic_is_right_to_left() -> None:
    assert i18n.LANGUAGES["ar"].direction == "rtl"
    assert {lang.direction for c, lang in i18n.LANGUAGES.items() if c != "ar"} == {"ltr"}
