"""Event data: ACLED and UCDP GED exports and the project's own events in one DuckDB table, and
the indicators drawn from it (violence against civilians by area, by perpetrator type, against
the area's own baseline). Rules and layouts: docs/risk-events.md.

Names load on first use, so the command line can offer these options without importing DuckDB,
SQLAlchemy and the case models (`tocsin --help` stays fast).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.risk.events.area_indicators import Scope, indicators, latest_date, series, spikes
    from tocsin.risk.events.importer import import_events
    from tocsin.risk.events.layouts import LAYOUTS, Layout
    from tocsin.risk.events.models import (
        Area,
        AreaIndicator,
        AreaSeries,
        Breakdown,
        ImportReport,
        Level,
        Perpetrator,
        SeriesPoint,
        SyncReport,
        Tally,
        Trend,
        Window,
    )
    from tocsin.risk.events.own_events import sync_own_events
    from tocsin.risk.events.staging import Progress
    from tocsin.risk.events.store import default_path

_WHERE = {
    "importer": ("import_events",),
    "staging": ("Progress",),
    "area_indicators": ("Scope", "indicators", "latest_date", "series", "spikes"),
    "layouts": ("LAYOUTS", "Layout"),
    "models": ("Area", "AreaIndicator", "AreaSeries", "Breakdown", "ImportReport", "Level",
               "Perpetrator", "SeriesPoint", "SyncReport", "Tally", "Trend", "Window"),
    "own_events": ("sync_own_events",),
    "store": ("default_path",),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "LAYOUTS", "Area", "AreaIndicator", "AreaSeries", "Breakdown", "ImportReport", "Layout",
    "Level", "Perpetrator", "Progress", "Scope", "SeriesPoint", "SyncReport", "Tally", "Trend",
    "Window", "default_path", "import_events", "indicators", "latest_date", "series", "spikes",
    "sync_own_events",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
