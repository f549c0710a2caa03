"""Alert rules for the demo country, Qaranthia (XQ): killings by province each week, a spike of
attacks on civilians against each province's own months, and harm to children. They make drafts
(nothing is issued or sent) for a coordinator to review; a dry run over 2019-2025 shows what
each would have raised."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tocsin.alerts.rules.schemas import RuleCreate
from tocsin.alerts.rules.service import create_rule
from tocsin.core.access import Actor

COUNTRY = "XQ"
DEMO_RULES: tuple[dict[str, Any], ...] = (
    {"name": "Qaranthia: killings in a province this week", "kind": "act_threshold",
     "params": {"country": COUNTRY, "act_types": ["violence_against_life"],
                "group_by": "admin_area", "window_days": 7, "threshold": 3},
     "category": "community_threat", "severity": "severe", "urgency": "immediate",
     "certainty": "likely", "tlp": "AMBER"},
    {"name": "Qaranthia: attacks on civilians well above a province's usual month",
     "kind": "act_spike",
     "params": {"country": COUNTRY, "act_types": ["attack_on_civilians",
                                                  "indiscriminate_attack", "killing"],
                "group_by": "admin_area", "window_days": 30, "baseline_windows": 6,
                "min_count": 4, "factor": 3.0, "max_p": 0.01},
     "category": "community_threat", "severity": "severe", "urgency": "expected",
     "certainty": "likely", "tlp": "AMBER"},
    {"name": "Qaranthia: children harmed in a province this month", "kind": "act_threshold",
     "params": {"country": COUNTRY, "children": True, "group_by": "admin_area",
                "window_days": 30, "threshold": 3},
     "category": "school_or_hospital_attack", "severity": "severe", "urgency": "expected",
     "certainty": "likely", "tlp": "AMBER"},
)  # fmt: skip


def load_demo_rules(session: Session, coordinator_actor: Actor) -> int:
    """Make the demo rules as the coordinator; returns how many were made."""
    for spec in DEMO_RULES:
        create_rule(session, coordinator_actor, RuleCreate.model_validate(spec))
    return len(DEMO_RULES)
