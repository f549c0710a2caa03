"""Watchlists and screening: imported sanctions and perpetrator lists, and the match API."""

from tocsin.crosscheck.watchlists.entries import ListEntry, Parsed
from tocsin.crosscheck.watchlists.scoring import Feature
from tocsin.crosscheck.watchlists.screen import Hit, Screener, ScreenQuery, screen, screen_many
from tocsin.crosscheck.watchlists.screen_file import FileReport, screen_file
from tocsin.crosscheck.watchlists.store import (
    FORMATS,
    ImportReport,
    ListSummary,
    import_list,
    list_watchlists,
    read_list,
)

__all__ = [
    "FORMATS", "Feature", "FileReport", "Hit", "ImportReport", "ListEntry", "ListSummary",
    "Parsed", "ScreenQuery", "Screener", "import_list", "list_watchlists", "read_list", "screen",
    "screen_file", "screen_many",
]
