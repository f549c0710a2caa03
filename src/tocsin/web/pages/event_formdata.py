"""From posted fields to the API's input shapes, and from records back to form values.

Fields carry the schema's own paths as names (``place.lat``, ``perpetrators[1].involvement``),
so a validation message comes back under the name of the field that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from tocsin.cases.dates import parse_fuzzy
from tocsin.cases.schemas import ActPublic, EventPublic, PlacePublic
from tocsin.core.errors import TocsinError
from tocsin.core.tlp import TLP_LABELS
from tocsin.web.i18n import N_

PLACE_FIELDS = ("place.name", "place.country", "place.admin_area", "place.lat", "place.lon")
EVENT_FIELDS = ("title", "start", "end", "description", "tlp", *PLACE_FIELDS)
PERPETRATOR_PARTS = ("organisation_id", "person_id", "involvement")
MAX_PERPETRATORS = 20
_PATH = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?$")
TLP_CHOICES = [(t, f"TLP:{t}") for t in TLP_LABELS]

# The Admiralty (NATO) grading: how reliable the source has been, how credible this account is.
RELIABILITY = {
    "A": N_("Completely reliable"),
    "B": N_("Usually reliable"),
    "C": N_("Fairly reliable"),
    "D": N_("Not usually reliable"),
    "E": N_("Unreliable"),
    "F": N_("Reliability cannot be judged"),
}
CREDIBILITY = {
    "1": N_("Confirmed by other sources"),
    "2": N_("Probably true"),
    "3": N_("Possibly true"),
    "4": N_("Doubtful"),
    "5": N_("Improbable"),
    "6": N_("Truth cannot be judged"),
}


def fuzzy_of(text: str | None) -> tuple[object, str | None]:
    """A stored date text ("~2019-03") as (first day, precision) for the ``fuzzy`` filter."""
    if not text:
        return None, None
    try:
        found = parse_fuzzy(text, "date")
    except TocsinError:
        return None, None
    return found.first, found.precision.value


def typed(form: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """The named fields as typed (trimmed); a field the form did not send is empty."""
    return {name: (form.get(name) or "").strip() for name in names}


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"place.lat": 1}`` -> ``{"place": {"lat": 1}}``; ``a[0].b`` -> ``{"a": [{"b": ..}]}``."""
    out: dict[str, Any] = {}
    lists: dict[str, dict[int, dict[str, Any]]] = {}
    for key, value in flat.items():
        m = _PATH.match(key)
        if not m:
            continue
        head, index, part = m.groups()
        if index is not None:
            lists.setdefault(head, {}).setdefault(int(index), {})[part or "value"] = value
        elif part is not None:
            out.setdefault(head, {})[part] = value
        else:
            out[head] = value
    for head, rows in lists.items():
        out[head] = [rows[i] for i in sorted(rows)]
    return out


def changed(now: Mapping[str, str], before: Mapping[str, str]) -> set[str]:
    return {name for name, value in now.items() if value != before.get(name, "")}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def place_values(place: PlacePublic) -> dict[str, str]:
    return {f"place.{k}": _text(v) for k, v in place.model_dump().items()}


def place_input(values: Mapping[str, str]) -> dict[str, str | None]:
    return {name.removeprefix("place."): values[name] or None for name in PLACE_FIELDS}


def event_values(event: EventPublic) -> dict[str, str]:
    return {
        "title": event.title,
        "start": _text(event.start),
        "end": _text(event.end),
        "description": event.description,
        "tlp": event.tlp,
        **place_values(event.place),
    }


def event_create_input(values: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: values[k] for k in ("title", "start", "description", "tlp")}
    data["end"] = values["end"] or None
    data["place"] = place_input(values)
    return data


def event_update_input(values: Mapping[str, str], before: Mapping[str, str]) -> dict[str, Any]:
    """Only what the user changed: a field left as it was is not sent, so it is not touched."""
    edits = changed(values, before)
    simple = ("title", "start", "description", "tlp")
    data: dict[str, Any] = {k: values[k] for k in simple if k in edits}
    if "end" in edits:
        data["end"] = values["end"] or None  # cleared: the event ends when it starts
    if edits & set(PLACE_FIELDS):
        data["place"] = place_input(values)
    return data


# ---- acts -----------------------------------------------------------------------------------

ACT_FIELDS = (
    "act_type",
    "description",
    "start",
    "end",
    "victim_person_id",
    "victim_group",
    "victim_count",
    "tlp",
    *PLACE_FIELDS,
)


def perpetrator_names(rows: int) -> list[str]:
    return [f"perpetrators[{i}].{part}" for i in range(rows) for part in PERPETRATOR_PARTS]


def posted_rows(form: Mapping[str, str]) -> int:
    """How many perpetrator rows the form had (it may have been given more by a later page)."""
    found = [int(m.group(2)) for k in form if (m := _PATH.match(k)) and m.group(2) is not None]
    return min(max(found, default=-1) + 1, MAX_PERPETRATORS)


def act_values(act: ActPublic) -> dict[str, str]:
    values = {
        "act_type": act.act_type,
        "description": act.description,
        "start": _text(act.start),
        "end": _text(act.end),
        "victim_person_id": _text(act.victim_person_id),
        "victim_group": _text(act.victim_group),
        "victim_count": str(act.victim_count),
        "tlp": act.tlp,
        **place_values(act.place),
    }
    for i, p in enumerate(act.perpetrators):
        values[f"perpetrators[{i}].organisation_id"] = _text(p.organisation_id)
        values[f"perpetrators[{i}].person_id"] = _text(p.person_id)
        values[f"perpetrators[{i}].involvement"] = p.involvement
    return values


def perpetrators(values: Mapping[str, str], rows: int) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows (a blank row is no perpetrator), and the form row each came from."""
    out: list[dict[str, Any]] = []
    origin: list[int] = []
    for i in range(rows):
        org = values.get(f"perpetrators[{i}].organisation_id", "")
        person = values.get(f"perpetrators[{i}].person_id", "")
        if not org and not person:
            continue
        involvement = values.get(f"perpetrators[{i}].involvement", "") or "direct"
        out.append({"organisation_id": org or None, "person_id": person or None,
                    "involvement": involvement})
        origin.append(i)
    return out, origin


def renumber(errors: dict[str, str], origin: list[int]) -> dict[str, str]:
    """Messages about the n-th filled perpetrator belong to the form row it came from."""
    out = {}
    for key, message in errors.items():
        m = re.match(r"^perpetrators\[(\d+)\](.*)$", key)
        if m and int(m.group(1)) < len(origin):
            key = f"perpetrators[{origin[int(m.group(1))]}]{m.group(2)}"
        out[key] = message
    return out


def act_create_input(values: Mapping[str, str], rows: int) -> tuple[dict[str, Any], list[int]]:
    data: dict[str, Any] = {"act_type": values["act_type"], "description": values["description"]}
    for key in ("start", "end", "victim_person_id", "victim_group", "tlp"):
        data[key] = values[key] or None
    data["victim_count"] = values["victim_count"] or 1
    if any(values[name] for name in PLACE_FIELDS):
        data["place"] = place_input(values)  # none given: the act happened where the event did
    data["perpetrators"], origin = perpetrators(values, rows)
    return data, origin


def act_update_input(
    values: Mapping[str, str], before: Mapping[str, str], rows: int
) -> tuple[dict[str, Any], list[int]]:
    edits = changed(values, before)
    data: dict[str, Any] = {k: values[k] for k in ("act_type", "description", "tlp") if k in edits}
    if edits & {"start", "end"}:
        # The service replaces both ends together; an unchanged start travels with a new end.
        data["start"] = values["start"]
        data["end"] = values["end"] or None
    for key in ("victim_person_id", "victim_group"):
        if key in edits:
            data[key] = values[key] or None
    if "victim_count" in edits:
        data["victim_count"] = values["victim_count"] or 1
    if edits & set(PLACE_FIELDS):
        data["place"] = place_input(values)
    now, origin = perpetrators(values, rows)
    if now != perpetrators(before, MAX_PERPETRATORS)[0]:
        data["perpetrators"] = now
    return data, origin
