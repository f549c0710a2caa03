"""From a rule's hits to findings: the events behind each, its words, and whether it fired
already. Shared by the dry run and the worker's run, so what a dry run shows is what a run
raises."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from tocsin.alerts.rule_models import AlertRuleFiring
from tocsin.alerts.rules.kinds import KINDS
from tocsin.alerts.rules.params import ActFilters, EventSpike
from tocsin.alerts.rules.schemas import Finding
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec
from tocsin.alerts.rules.text import place, words
from tocsin.alerts.rules.windows import Span
from tocsin.core.tlp import TLP

Progress = Callable[[int, int], None]  # (windows done, windows in all)


def fired_keys(reading: Reading, rule_id: str | None, keys: list[str]) -> set[str]:
    if rule_id is None or not keys:
        return set()
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found |= set(reading.session.scalars(select(AlertRuleFiring.key).where(
            AlertRuleFiring.rule_id == rule_id,
            AlertRuleFiring.key.in_(keys[start : start + 500]))))  # fmt: skip
    return found


def _by_area(spec: RuleSpec) -> bool:
    p = spec.params
    if isinstance(p, ActFilters):
        return p.group_by == "admin_area"
    if isinstance(p, EventSpike):
        return p.level != "country"
    return False


def finding(reading: Reading, spec: RuleSpec, hit: Hit, fired: bool = False) -> Finding:
    event_ids, total = KINDS[spec.kind].events_of(reading, spec, hit)
    title, description = words(reading, spec, hit)
    return Finding(
        rule_id=spec.id, kind=spec.kind.value, key=hit.key, country=hit.country,
        admin_area=hit.admin_area, area=place(hit, _by_area(spec)),
        window_start=hit.span.start, window_end=hit.span.end, count=hit.count,
        measure=hit.measure, threshold=hit.threshold, baseline_mean=hit.baseline_mean,
        baseline_windows=hit.baseline_windows, ratio=hit.ratio, p_value=hit.p_value,
        level_before=hit.level_before, level_after=hit.level_after, source=hit.source,
        record_id=hit.record_id, events=total,
        event_ids=event_ids, title=title, description=description,
        tlp=TLP(reading.ceiling).label, already_fired=fired,
    )  # fmt: skip


def replay(
    reading: Reading, spec: RuleSpec, spans: list[Span], progress: Progress | None = None
) -> list[Finding]:
    """Every finding of ``spans``, oldest window first, asked a chunk of windows at a time."""
    kind = KINDS[spec.kind]
    hits: list[Hit] = []
    for start in range(0, len(spans), kind.chunk):
        hits += kind.hits(reading, spec, spans[start : start + kind.chunk])
        if progress:
            progress(min(start + kind.chunk, len(spans)), len(spans))
    hits.sort(key=lambda h: (h.span.start, h.country or "", h.admin_area or "", h.key))
    fired = fired_keys(reading, spec.id, [h.key for h in hits])
    return [finding(reading, spec, h, h.key in fired) for h in hits]
