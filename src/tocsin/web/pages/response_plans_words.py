"""The words the response-plan pages use for the plan service's codes (plan and item states,
factor levels, where a situation came from, history steps), marked for translation once, here,
and the library's taxonomy choices (actors, spheres, phases, themes) for the forms."""

from __future__ import annotations

from typing import Any

from tocsin.library.classify import ACTOR, SITUATION, SPHERE, THEME, load_taxonomy
from tocsin.response.plans.scoring import label_name
from tocsin.response.plans.vocab import ChangeKind, ItemStatus, PlanStatus
from tocsin.web.i18n import N_
from tocsin.web.pages.dashboard import country_names

PLAN_STATUSES: dict[str, str] = {
    PlanStatus.DRAFT: N_("draft"),
    PlanStatus.ACTIVE: N_("active"),
    PlanStatus.CLOSED: N_("closed"),
}
ITEM_STATUSES: dict[str, str] = {
    ItemStatus.PLANNED: N_("planned"),
    ItemStatus.IN_PROGRESS: N_("in progress"),
    ItemStatus.DONE: N_("done"),
    ItemStatus.DROPPED: N_("dropped"),
}
LEVELS: dict[str, str] = {
    "low": N_("low"),
    "moderate": N_("moderate"),
    "high": N_("high"),
    "very_high": N_("very high"),
}
BASES: dict[str, str] = {
    "assessment": N_("the latest approved assessment"),
    "forecast": N_("the statistical forecast (its level sets the phase; it names no factors)"),
    "factors": N_("risk factors given by hand"),
    "none": N_("no approved assessment and no forecast"),
}
CHANGES: dict[str, str] = {
    ChangeKind.CREATED: N_("plan created"),
    ChangeKind.UPDATED: N_("plan changed"),
    ChangeKind.ITEM_ADDED: N_("action added"),
    ChangeKind.ITEM_UPDATED: N_("action changed"),
    ChangeKind.ITEM_REMOVED: N_("action removed"),
}


def choices(dimension: str) -> list[tuple[str, str]]:
    """(code, name) of a library dimension, in the taxonomy's order."""
    return [(label.code, label.name) for label in load_taxonomy().dimension(dimension).labels]


def words(lang: str) -> dict[str, Any]:
    names = country_names(lang)
    return {
        "plan_statuses": PLAN_STATUSES,
        "item_statuses": ITEM_STATUSES,
        "level_words": LEVELS,
        "basis_words": BASES,
        "change_words": CHANGES,
        "label_name": label_name,
        "country_name": lambda code: names.get(code or "", code or ""),
        "actor_choices": choices(ACTOR),
        "sphere_choices": choices(SPHERE),
        "phase_choices": choices(SITUATION),
        "theme_choices": choices(THEME),
    }
