"""Times on the alert pages in human units and the reader's language: "2 hours and 5 minutes",
"3 hours ago", "in 40 minutes". The unit words come from CLDR through Babel, so they need no
catalogue entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import format_timedelta
from babel.lists import format_list

from tocsin.core.clock import utcnow
from tocsin.web.i18n import DEFAULT, LANGUAGES

Unit = Literal["day", "hour", "minute"]
UNITS: tuple[tuple[Unit, int], ...] = (("day", 86_400), ("hour", 3_600), ("minute", 60))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGUAGES else DEFAULT)


def duration(seconds: float | None, lang: str) -> str:
    """A delay in its two largest units, e.g. "1 day and 3 hours"; under a minute, seconds."""
    if seconds is None:
        return ""
    left = round(abs(seconds))
    if left < 60:
        return format_timedelta(timedelta(seconds=left), threshold=1, locale=_locale(lang))
    parts: list[str] = []
    for unit, size in UNITS:
        count, left = divmod(left, size)
        if count and len(parts) < 2:
            # threshold: keep each part in its own unit (14 days, not "2 weeks").
            parts.append(format_timedelta(timedelta(seconds=count * size), granularity=unit,
                                          threshold=1e9, locale=_locale(lang)))  # fmt: skip
        elif parts:
            break  # "1 day and 3 minutes" would read as more precise than it is
    # "standard", not "unit": Babel's Arabic unit lists repeat their last item.
    return format_list(parts, style="standard", locale=_locale(lang))


def ago(at: datetime | None, lang: str, now: datetime | None = None) -> str:
    """How long ago, e.g. "3 hours ago" (one unit: a list is glanced at, not read)."""
    if at is None:
        return ""
    gap = at - (now or utcnow())
    return format_timedelta(gap, add_direction=True, locale=_locale(lang))


@dataclass(frozen=True)
class Deadline:
    at: datetime
    overdue: bool  # passed with nothing done, while the alert is live
    met: bool  # done, in time or late
    relative: str  # "in 40 minutes", "2 hours ago"


def deadline(at: datetime | None, done_at: datetime | None, live: bool, lang: str,
             now: datetime | None = None) -> Deadline | None:  # fmt: skip
    if at is None:
        return None
    now = now or utcnow()
    relative = format_timedelta(at - now, add_direction=True, locale=_locale(lang))
    return Deadline(at, overdue=live and done_at is None and at < now,
                    met=done_at is not None, relative=relative)  # fmt: skip
