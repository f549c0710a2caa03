"""Alerts raised by rules over the data: thresholds and spikes in documented acts, spikes in the
event data, and rises in the level of risk. Rules are data (``alert_rules``); each firing is kept
once per rule, place and window (``alert_rule_firings``). docs/alerts-rules.md.

Names load on first use, so reading one module (the params, say) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.alerts.rules.demo import load_demo_rules
    from tocsin.alerts.rules.dry_runs import dry_run, dry_run_report
    from tocsin.alerts.rules.runner import run_rules
    from tocsin.alerts.rules.schemas import Finding
    from tocsin.alerts.rules.service import (
        create_rule,
        delete_rule,
        get_rule,
        list_firings,
        list_rules,
        update_rule,
    )

_WHERE = {
    "demo": ("load_demo_rules",),
    "dry_runs": ("dry_run", "dry_run_report"),
    "runner": ("run_rules",),
    "schemas": ("Finding",),
    "service": ("create_rule", "delete_rule", "get_rule", "list_firings", "list_rules",
                "update_rule"),
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}

__all__ = ["Finding", "create_rule", "delete_rule", "dry_run", "dry_run_report", "get_rule",
           "list_firings", "list_rules", "load_demo_rules", "run_rules", "update_rule"]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULE_OF[name]}"), name)
