"""What the ranking, horizon-scan and country pages share: the words for risk levels, figures
formatted in the reader's language, the world map's data, and the links to recommended actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.numbers import format_decimal, format_percent

from tocsin.risk.country_codes import numeric_for_iso
from tocsin.risk.horizon_levels import FORECAST_BANDS, forecast_level
from tocsin.risk.ranking import RankedCountry
from tocsin.web.pages.dashboard import country_names
from tocsin.web.pages.library_words import terms as library_terms
from tocsin.web.pages.risk_assessments_words import LEVELS, STATUSES


@dataclass(frozen=True)
class ActionLink:
    """A recommended action of the action library, as a page links to it."""

    title: str
    href: str


def recommended_actions(
    country: str, area: str | None = None, factors: Sequence[str] = (), lang: str = "en"
) -> list[ActionLink]:
    """Where the action library's recommended actions for a place's serious risk factors are:
    one search of the library per factor (``RF1``..``RF14``), named in the reader's language.
    The library does not file actions by country, so the place itself adds nothing; the search
    page applies the reader's clearance and audits as the API does."""
    terms = library_terms(lang)
    return [
        ActionLink(
            title=terms.of("risk_factor", code),
            href=f"/library?{urlencode({'risk_factor': code})}",
        )
        for code in dict.fromkeys(factors)  # in the order given, once each
        if code
    ]


def percent(value: float | None, lang: str, digits: int = 1) -> str:
    """A probability as a percentage in the reader's locale (12.3 %)."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(value, pattern, locale=Locale.parse(lang))


def points(value: float | None, lang: str, signed: bool = True) -> str:
    """A change of probability in percentage points, signed (+1.2, \u22120.4) or not."""
    if value is None:
        return ""
    tenths = round(abs(value) * 1000)
    text = format_decimal(tenths / 10, "#,##0.0", locale=Locale.parse(lang))
    if not signed:
        return text
    return ("\u00b1" if tenths == 0 else "+" if value > 0 else "\u2212") + text


def reasons(row: RankedCountry, direction: str, n: int = 2) -> list[dict[str, Any]]:
    """The ``n`` strongest predictors pushing the country's risk ``direction`` (up, down)."""
    return [r for r in row.explanation if r.get("direction") == direction][:n]


def band_floors() -> list[tuple[str, float]]:
    """(level code, lowest probability), highest first: the map's legend."""
    return [(level.code, floor) for floor, level in FORECAST_BANDS]


def map_figures(rows: Sequence[RankedCountry], lang: str) -> dict[str, dict[str, Any]]:
    """The choropleth's data, keyed by the world map's country ids (ISO numeric)."""
    names = country_names(lang)
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        numeric = numeric_for_iso(row.country) if row.country else None
        if numeric is None or numeric in out:
            continue
        out[numeric] = {
            "name": names.get(row.country or "", row.name),
            "probability": percent(row.probability, lang),
            "rank": row.rank,
            "band": forecast_level(row.probability).code,
            "href": f"/risk/countries/{row.country}",
        }
    return out


def page_words(lang: str) -> dict[str, Any]:
    """What every template of these pages gets: level words and the formatters."""
    names = country_names(lang)
    return {
        "level_words": LEVELS,  # the assessment pages' words: a level reads the same everywhere
        "status_words": STATUSES,
        "band": lambda p: forecast_level(p).code,
        "pct": lambda p, digits=1: percent(p, lang, digits),
        "pts": lambda p, signed=True: points(p, lang, signed),
        "country_name": lambda code: names.get(code or "", code or ""),
        "reasons": reasons,
        "actions_for": lambda country, area=None, factors=(): recommended_actions(
            country, area, factors, lang
        ),
    }
