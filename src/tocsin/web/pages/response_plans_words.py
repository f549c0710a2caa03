"""The words the response-plan pages use for the plan service's codes (plan and item states,
factor levels, where a situation came from, history steps), marked for translation once, here,
and the library's taxonomy choices (actors, spheres, phases, themes) for the forms."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from tocsin.library.classify import ACTOR, SITUATION, SPHERE, THEME
from tocsin.response.plans.vocab import ChangeKind, ItemStatus, PlanStatus
from tocsin.web.i18n import N_, gettext_for
from tocsin.web.pages.alert_words import SEVERITIES
from tocsin.web.pages.dashboard import country_names
from tocsin.web.pages.library_words import terms

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


# The shapes response.plans.rules gives its reasons.
_LEVEL_REASON = re.compile(
    r"risk level (?P<level>[a-z ]+?)(?: with (?P<factors>[A-Z0-9, ]+) very high)?"
)
_ALERT_REASON = re.compile(r"alert severity (?P<severity>\w+)")


def phase_reason(reason: str, lang: str) -> str:
    """The service's reason for a phase (English, kept as such in the plan's snapshot and the
    API) in the reader's language; a reason of another shape is shown as it is."""
    say = partial(gettext_for, lang)
    if reason == "no risk level known":
        return say(N_("no risk level known"))
    if reason == "chosen by the analyst":
        return say(N_("chosen by the analyst"))
    if found := _LEVEL_REASON.fullmatch(reason):
        code = found["level"].replace(" ", "_")
        level = say(LEVELS[code]) if code in LEVELS else say(N_("not assessed"))
        if found["factors"]:
            return say(N_("risk level %(level)s, with %(factors)s very high")) % {
                "level": level, "factors": found["factors"]}  # fmt: skip
        return say(N_("risk level %(level)s")) % {"level": level}
    if (found := _ALERT_REASON.fullmatch(reason)) and found["severity"] in SEVERITIES:
        severity = say(SEVERITIES[found["severity"]])
        return say(N_("alert severity %(severity)s")) % {"severity": severity}
    return reason


def words(lang: str) -> dict[str, Any]:
    names = country_names(lang)
    labels = terms(lang)  # the library's labels in the reader's language
    return {
        "plan_statuses": PLAN_STATUSES,
        "item_statuses": ITEM_STATUSES,
        "level_words": LEVELS,
        "basis_words": BASES,
        "change_words": CHANGES,
        "label_name": labels.bare,
        "phase_reason": lambda reason: phase_reason(reason, lang),
        "country_name": lambda code: names.get(code or "", code or ""),
        "actor_choices": labels.choices(ACTOR),
        "sphere_choices": labels.choices(SPHERE),
        "phase_choices": labels.choices(SITUATION),
        "theme_choices": labels.choices(THEME),
    }
