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

# Gleditsch-Ward state numbers (as UCDP keys countries) to ISO alpha-2. They differ from the
# Correlates of War numbers in a few places (Germany 260, Serbia 340, Yemen 678). States that no
# longer exist have no entry; their events keep the dataset's country name only.
GW_TO_ALPHA2: dict[int, str] = {
    2: "US", 20: "CA", 31: "BS", 40: "CU", 41: "HT", 42: "DO", 51: "JM", 52: "TT", 53: "BB",
    54: "DM", 55: "GD", 56: "LC", 57: "VC", 58: "AG", 60: "KN", 70: "MX", 80: "BZ", 90: "GT",
    91: "HN", 92: "SV", 93: "NI", 94: "CR", 95: "PA", 100: "CO", 101: "VE", 110: "GY",
    115: "SR", 130: "EC", 135: "PE", 140: "BR", 145: "BO", 150: "PY", 155: "CL", 160: "AR",
    165: "UY", 200: "GB", 205: "IE", 210: "NL", 211: "BE", 212: "LU", 220: "FR", 221: "MC",
    223: "LI", 225: "CH", 230: "ES", 232: "AD", 235: "PT", 260: "DE", 290: "PL", 305: "AT",
    310: "HU", 316: "CZ", 317: "SK", 325: "IT", 331: "SM", 338: "MT", 339: "AL", 340: "RS",
    341: "ME", 343: "MK", 344: "HR", 345: "RS", 346: "BA", 347: "XK", 349: "SI", 350: "GR",
    352: "CY", 355: "BG", 359: "MD", 360: "RO", 365: "RU", 366: "EE", 367: "LV", 368: "LT",
    369: "UA", 370: "BY", 371: "AM", 372: "GE", 373: "AZ", 375: "FI", 380: "SE", 385: "NO",
    390: "DK", 395: "IS", 402: "CV", 403: "ST", 404: "GW", 411: "GQ", 420: "GM", 432: "ML",
    433: "SN", 434: "BJ", 435: "MR", 436: "NE", 437: "CI", 438: "GN", 439: "BF", 450: "LR",
    451: "SL", 452: "GH", 461: "TG", 471: "CM", 475: "NG", 481: "GA", 482: "CF", 483: "TD",
    484: "CG", 490: "CD", 500: "UG", 501: "KE", 510: "TZ", 516: "BI", 517: "RW", 520: "SO",
    522: "DJ", 530: "ET", 531: "ER", 540: "AO", 541: "MZ", 551: "ZM", 552: "ZW", 553: "MW",
    560: "ZA", 565: "NA", 570: "LS", 571: "BW", 572: "SZ", 580: "MG", 581: "KM", 590: "MU",
    591: "SC", 600: "MA", 615: "DZ", 616: "TN", 620: "LY", 625: "SD", 626: "SS", 630: "IR",
    640: "TR", 645: "IQ", 651: "EG", 652: "SY", 660: "LB", 663: "JO", 666: "IL", 670: "SA",
    678: "YE", 690: "KW", 692: "BH", 694: "QA", 696: "AE", 698: "OM", 700: "AF", 701: "TM",
    702: "TJ", 703: "KG", 704: "UZ", 705: "KZ", 710: "CN", 712: "MN", 713: "TW", 731: "KP",
    732: "KR", 740: "JP", 750: "IN", 760: "BT", 770: "PK", 771: "BD", 775: "MM", 780: "LK",
    781: "MV", 790: "NP", 800: "TH", 811: "KH", 812: "LA", 816: "VN", 820: "MY", 830: "SG",
    835: "BN", 840: "PH", 850: "ID", 860: "TL", 900: "AU", 910: "PG", 920: "NZ", 935: "VU",
    940: "SB", 946: "KI", 947: "TV", 950: "FJ", 955: "TO", 970: "NR", 983: "MH", 986: "PW",
    987: "FM", 990: "WS",
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
