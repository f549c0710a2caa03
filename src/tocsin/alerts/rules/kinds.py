"""The kinds of rule, as a registry: each says which windows a run and a dry run look at, how
it finds its hits, and which documented events stand behind one. A new kind is a new entry here
with its params model (``params.PARAMS``) and its words (``text``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tocsin.alerts.rules import act_rules, event_rules, risk_rules
from tocsin.alerts.rules.spec import Hit, Reading, RuleSpec
from tocsin.alerts.rules.windows import Span
from tocsin.alerts.vocab import RuleKind


@dataclass(frozen=True)
class KindSpec:
    run_spans: Callable[[Any, date], list[Span]]  # (params, today): the windows a run checks
    dry_spans: Callable[[Any, date, date], list[Span]]  # (params, from, to)
    hits: Callable[[Reading, RuleSpec, list[Span]], list[Hit]]
    events_of: Callable[[Reading, RuleSpec, Hit], tuple[list[str], int]]
    chunk: int  # windows asked about at once in a dry run (one query, one step of progress)


KINDS: dict[RuleKind, KindSpec] = {
    RuleKind.ACT_THRESHOLD: KindSpec(act_rules.run_spans, act_rules.dry_spans,
                                     act_rules.threshold_hits, act_rules.events_of, 52),
    RuleKind.ACT_SPIKE: KindSpec(act_rules.run_spans, act_rules.dry_spans,
                                 act_rules.spike_hits, act_rules.events_of, 52),
    RuleKind.EVENT_SPIKE: KindSpec(event_rules.run_spans, event_rules.dry_spans,
                                   event_rules.hits, event_rules.events_of, 1),
    RuleKind.RISK_LEVEL: KindSpec(risk_rules.run_spans, risk_rules.dry_spans,
                                  risk_rules.hits, risk_rules.events_of, 1),
}  # fmt: skip
