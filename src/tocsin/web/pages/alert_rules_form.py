"""A rule's form as posted fields and back. Fields are named as the service names its problems
(``name``, ``params.threshold``), so each message lands next to its field. The form shows the
fields of every kind (the page hides those of the kinds not chosen); only the chosen kind's
``params`` are read back, and a field left empty takes the kind's default."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from tocsin.alerts.rules.params import PARAMS
from tocsin.alerts.rules.schemas import RulePublic
from tocsin.alerts.vocab import RuleKind
from tocsin.web.forms import FormState
from tocsin.web.i18n import N_

TOP = ("name", "kind", "category", "severity", "urgency", "certainty", "tlp",
       "escalation_chain_id")  # fmt: skip
CHECKBOXES = ("issue", "children")  # params that are a tick
LISTS = ("act_types", "sources")  # params that are several values
DRY_RUN_DAYS = 365
_LIST_ITEM = re.compile(r"^(params\.\w+)\[\d+\]$")
KINDS: dict[str, str] = {
    RuleKind.ACT_THRESHOLD: N_("Documented acts reach a threshold"),
    RuleKind.ACT_SPIKE: N_("Documented acts well above the area's usual level"),
    RuleKind.EVENT_SPIKE: N_("Spike in the event data (ACLED, UCDP, our events)"),
    RuleKind.RISK_LEVEL: N_("Risk level rises to a level"),
}


def param_names(kind: str) -> list[str]:
    try:
        return list(PARAMS[RuleKind(kind)].model_fields)
    except ValueError:
        return []


def period(today: date) -> dict[str, str]:
    return {"from": (today - timedelta(days=DRY_RUN_DAYS)).isoformat(), "to": today.isoformat()}


def blank(today: date) -> dict[str, Any]:
    """A new rule's form: a weekly threshold, its alerts drafts at TLP:AMBER."""
    return {"kind": RuleKind.ACT_THRESHOLD.value, "category": "community_threat",
            "severity": "severe", "urgency": "expected", "certainty": "likely", "tlp": "AMBER",
            "enabled": True, **period(today)}  # fmt: skip


def values_of(rule: RulePublic, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(rule, k) or "" for k in TOP}
    values["enabled"] = rule.enabled
    for key, value in rule.params.items():
        if isinstance(value, bool | list):
            values[f"params.{key}"] = value
        else:
            values[f"params.{key}"] = "" if value is None else str(value)
    return {**values, **period(today)}


def posted(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """The values as typed, for showing back and for reading."""
    values: dict[str, Any] = {k: v.strip() for k, v in form.items() if k != "csrf"}
    values["enabled"] = "enabled" in form
    for name in CHECKBOXES:
        values[f"params.{name}"] = f"params.{name}" in form
    for name in LISTS:
        values[f"params.{name}"] = [v for v in lists.get(f"params.{name}", []) if v.strip()]
    return values


def payload(values: Mapping[str, Any]) -> dict[str, Any]:
    """The rule as ``RuleCreate`` takes it: the chosen kind's params only, blanks left out."""
    data: dict[str, Any] = {k: values[k] for k in TOP if values.get(k) not in (None, "")}
    data["enabled"] = bool(values.get("enabled"))
    params: dict[str, Any] = {}
    for name in param_names(str(values.get("kind", ""))):
        value = values.get(f"params.{name}")
        if name in CHECKBOXES:
            params[name] = bool(value)
        elif name in LISTS:
            if value:
                params[name] = list(value)
        elif value not in (None, ""):
            params[name] = value
    data["params"] = params
    return data


def settle(state: FormState) -> None:
    """A problem with one value of a list (``params.act_types[2]``) shows by the list."""
    for key, message in list(state.errors.items()):
        found = _LIST_ITEM.match(key)
        if found:
            state.errors.setdefault(found.group(1), message)
