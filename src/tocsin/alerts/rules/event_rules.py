"""Spikes in the event data (ACLED, UCDP GED and our own documented events in one DuckDB file):
the areas ``risk.events.spikes`` finds, window by window. Nothing is recounted here; this module
only asks, and names what it was told. The documented events behind a spike are our own events
of that place and window, within the sharing level counted (an ACLED or UCDP spike has none)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from tocsin.alerts.rules.act_counts import MAX_LINKS
from tocsin.alerts.rules.params import EventSpike
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec, area_key
from tocsin.alerts.rules.windows import Span, calendar_span, calendar_spans
from tocsin.cases.models import Event
from tocsin.cases.workflow import Status
from tocsin.core.tlp import TLP
from tocsin.risk.events.area_indicators import Scope, spikes
from tocsin.risk.events.baseline import shift, window_start
from tocsin.risk.events.models import Level, Window


def run_spans(params: EventSpike, today: date) -> list[Span]:
    window = Window(params.window)
    now = window_start(today, window)
    return [calendar_span(shift(now, window, -1), window), calendar_span(now, window)]


def dry_spans(params: EventSpike, start: date, end: date) -> list[Span]:
    return calendar_spans(start, end, Window(params.window))


def hits(reading: Reading, spec: RuleSpec, spans: list[Span]) -> list[Hit]:
    p = spec.params
    assert isinstance(p, EventSpike)
    if not reading.events_path.exists():
        return []  # no event data imported yet: nothing can spike
    scope = Scope(max_tlp=TLP(reading.ceiling), country=p.country, admin1=p.admin1)
    found = []
    for span in spans:
        end = min(span.end, reading.now.date())
        if end < span.start:
            continue
        for row in spikes(reading.events_path, level=Level(p.level), window=Window(p.window),
                          end=end, scope=scope, baseline_windows=p.baseline_windows,
                          min_events=p.min_count, min_ratio=p.factor, max_p=p.max_p):  # fmt: skip
            area = row.area
            admin = " / ".join(a for a in (area.admin1, area.admin2) if a) or None
            key = f"{area_key(area.country, area.admin1, area.admin2)}:{span.start}+{p.window}"
            t = row.trend
            found.append(Hit(
                key, area.country_alpha2, admin, span, row.latest.total.events, "events",
                baseline_mean=t.baseline_mean, baseline_windows=t.baseline_windows,
                expected=t.expected, ratio=t.ratio, p_value=t.p_value,
                fatalities=row.latest.total.fatalities,
                extra={"admin1": area.admin1, "level": p.level},
            ))  # fmt: skip
    return found


def events_of(reading: Reading, spec: RuleSpec, hit: Hit) -> tuple[list[str], int]:
    if hit.country is None:
        return [], 0
    where = [Event.country == hit.country, Event.tlp <= reading.ceiling,
             Event.status != Status.REJECTED.value, Event.start_date >= hit.span.start,
             Event.start_date < hit.span.end + timedelta(days=1)]  # fmt: skip
    admin1 = hit.extra.get("admin1")
    if admin1:
        where.append(func.lower(Event.admin_area) == str(admin1).lower())
    query = select(Event.id).where(*where)
    total = reading.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ids = list(reading.session.scalars(query.order_by(Event.id).limit(MAX_LINKS)))
    return ids, int(total)
