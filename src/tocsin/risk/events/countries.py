"""Country codes of event datasets, resolved to ISO 3166-1 alpha-3.

ACLED gives the ISO numeric code (``iso``) and a name; UCDP GED gives a Gleditsch-Ward state
number (``country_id``) and a name; Tocsin's own records give ISO alpha-2. A code wins over a
name; a name is read after folding case, accents, "&" and any parenthesis ("Myanmar (Burma)").
Resolution runs once per distinct (code, number, name) of a file, never once per event.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry

from tocsin.risk.country_codes import COW_TO_ISO

# Gleditsch-Ward state numbers (as UCDP keys countries) to ISO alpha-2. They are the Correlates of
# War numbers but for a few states: Germany is 260 throughout, Serbia 340, unified Yemen 678.
# States that no longer exist have no entry; their events keep the dataset's country name only.
GW_TO_ALPHA2: dict[int, str] = {
    **{number: code for number, code in COW_TO_ISO.items() if code and number not in (255, 679)},
    340: "RS",
    678: "YE",
}

# Kosovo has no ISO code; XK / XKX is the convention most data providers follow.
_EXTRA_ALPHA3 = {"XK": "XKX"}

# Names the datasets use that ISO does not (keys already folded by name_key).
_NAME_ALIASES: dict[str, str] = {
    "dr congo": "COD",
    "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD",
    "republic of congo": "COG",
    "republic of the congo": "COG",
    "congo": "COG",
    "ivory coast": "CIV",
    "russia": "RUS",
    "turkey": "TUR",
    "czech republic": "CZE",
    "swaziland": "SWZ",
    "kingdom of eswatini": "SWZ",
    "cape verde": "CPV",
    "east timor": "TLS",
    "macedonia": "MKD",
    "micronesia": "FSM",
    "brunei": "BRN",
    "palestine": "PSE",
    "bosnia-herzegovina": "BIH",
    "bosnia": "BIH",
    "kosovo": "XKX",
    "united states": "USA",
    "vatican": "VAT",
    "yemen": "YEM",
    "north yemen": "YEM",
    "serbia": "SRB",
    "yugoslavia": "SRB",
    "myanmar": "MMR",
    "burma": "MMR",
    "cambodia": "KHM",
    "kampuchea": "KHM",
    "zimbabwe": "ZWE",
    "rhodesia": "ZWE",
    "madagascar": "MDG",
    "malagasy": "MDG",
    "gambia": "GMB",
    "bahamas": "BHS",
    "laos": "LAO",
    "syria": "SYR",
    "iran": "IRN",
    "vietnam": "VNM",
    "south korea": "KOR",
    "north korea": "PRK",
    "moldova": "MDA",
    "tanzania": "TZA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "taiwan": "TWN",
}

_PARENS = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """A country name folded for lookup: lower case, no accents, no parenthesis."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PARENS.sub(" ", text.replace("&", " and ")).lower()
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[int, str], dict[str, str]]:
    to3: dict[str, str] = dict(_EXTRA_ALPHA3)
    by_numeric: dict[int, str] = {}
    by_name: dict[str, str] = {}
    for c in pycountry.countries:
        to3[c.alpha_2] = c.alpha_3
        by_numeric[int(c.numeric)] = c.alpha_3
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                by_name[name_key(value)] = c.alpha_3
    by_name.update(_NAME_ALIASES)
    return to3, by_numeric, by_name


def alpha3_of(alpha2: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 code; a user-assigned code without one is kept as given."""
    if not alpha2:
        return None
    code = alpha2.strip().upper()
    return _tables()[0].get(code, code)


def normalise_country(code: str) -> str:
    """A country filter as the table stores it: alpha-2 or alpha-3 in, alpha-3 where known."""
    code = code.strip().upper()
    if len(code) == 2:
        return alpha3_of(code) or code
    return code


@lru_cache(maxsize=1)
def _alpha2_by_alpha3() -> dict[str, str]:
    return {a3: a2 for a2, a3 in _tables()[0].items()}


def alpha2_of(alpha3: str | None) -> str | None:
    if not alpha3:
        return None
    return _alpha2_by_alpha3().get(alpha3, alpha3 if len(alpha3) == 2 else None)


def resolve(numeric: int | None, gw: int | None, name: str | None) -> str | None:
    """ISO alpha-3 from whatever a dataset gives; None when nothing is recognised."""
    to3, by_numeric, by_name = _tables()
    if numeric is not None and numeric in by_numeric:
        return by_numeric[numeric]
    if gw is not None and gw in GW_TO_ALPHA2:
        return to3.get(GW_TO_ALPHA2[gw])
    if name:
        return by_name.get(name_key(name))
    return None
