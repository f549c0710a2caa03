"""The alert form's data: posted fields into the API's shapes (AlertCreate, AlertUpdate,
AlertRevise), an alert back into form values, the choices the form offers, and the service's
field names folded onto the form's own (``links.event_ids[2]`` is the event_ids box)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from tocsin.alerts import page_views
from tocsin.alerts.schemas import AlertPublic
from tocsin.cases.record_titles import event_titles
from tocsin.web.forms import FormState
from tocsin.web.pages.alert_words import (
    CATEGORIES,
    CERTAINTIES,
    SEVERITIES,
    TLP_CHOICES,
    URGENCIES,
    choices,
)
from tocsin.web.pages.events import country_choices
from tocsin.web.viewer import Viewer

TEXT = ("title", "description", "instruction", "category", "severity", "urgency", "certainty",
        "language", "country", "admin_area", "tlp")  # fmt: skip
OPTIONAL = ("country", "admin_area")  # left empty: none
_SEPARATORS = re.compile(r"[\s,;]+")
MAX_IDS = 200


def ids_in(values: list[str]) -> list[str]:
    """Record ids from the event box (one or more per line, or separated by commas) and from
    the ticked suggestions, each once, in the order given."""
    found = [i for v in values for i in _SEPARATORS.split(v.strip()) if i]
    return list(dict.fromkeys(found))[: MAX_IDS + 1]  # one too many, for the schema to refuse


def typed(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> dict[str, Any]:
    """What the person typed, as the form shows it again."""
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in TEXT}
    values["event_ids"] = "\n".join(ids_in(lists.get("event_ids", [])))
    values["recipients"] = list(dict.fromkeys(lists.get("recipients", [])))
    values["reason"] = form.get("reason", "").strip()
    return values


def payload(values: Mapping[str, Any], links: dict[str, list[str]] | None) -> dict[str, Any]:
    """The schema's input. ``links``: the whole set of records behind the alert, or None to
    leave them as they are."""
    out: dict[str, Any] = {k: values[k] for k in TEXT}
    for name in OPTIONAL:
        out[name] = out[name] or None
    if not out["language"]:
        del out["language"]  # English for a new alert; unchanged for an edit
    out["recipients"] = list(values["recipients"])
    if links is not None:
        out["links"] = links
    return out


def from_alert(a: AlertPublic) -> dict[str, Any]:
    """Form values of a stored alert."""
    values: dict[str, Any] = {k: getattr(a, k) or "" for k in TEXT}
    values["event_ids"] = "\n".join(a.links.event_ids)
    values["recipients"] = [r.id for r in a.recipients]
    values["reason"] = ""
    return values


def links_after(a: AlertPublic, event_ids: list[str]) -> dict[str, list[str]] | None:
    """The links to send with an edit: None when the events are unchanged (nothing to send),
    else the new events with every other link the alert has. Links the editor may not see
    cannot be sent back; the caller refuses the change rather than drop them."""
    if set(event_ids) == set(a.links.event_ids):
        return None
    kept = a.links.model_dump(exclude={"hidden", "event_ids"})
    return {**kept, "event_ids": event_ids}


def fold_errors(state: FormState) -> None:
    """Put each message beside the box it is about: the form has one box for the events and
    one group for the recipients; a refusal of the whole change goes to the summary."""
    for key in list(state.errors):
        target = ("event_ids" if key.startswith("links")
                  else "recipients" if key.startswith("recipients")
                  else None)  # fmt: skip
        if target and target != key:
            state.errors.setdefault(target, state.errors.pop(key))
    if "body" in state.errors:
        state.summary = state.errors.pop("body")


def form_context(session: Session, who: Viewer, state: FormState) -> dict[str, Any]:
    """The choices an alert form offers, and the titles of the events it names."""
    ids = ids_in([state.value("event_ids") or ""])
    return {
        "form": state,
        "category_choices": choices(CATEGORIES, who._),
        "severity_choices": choices(SEVERITIES, who._),
        "urgency_choices": choices(URGENCIES, who._),
        "certainty_choices": choices(CERTAINTIES, who._),
        "tlp_choices": TLP_CHOICES,
        "country_choices": country_choices(who.lang, state.value("country") or None),
        "recipient_choices": page_views.people_choices(session, who.actor),
        "event_titles": event_titles(session, who.actor, ids) if ids else {},
        "picked_events": ids,
    }
