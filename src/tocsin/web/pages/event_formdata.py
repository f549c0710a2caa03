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
MAX_PERPETRATORS = 20  # rows a form may post, beyond those an edited act already has
# What a row of the edit form posts for a perpetrator the editor may not see: neither its name
# nor its id reaches the page, and the stored perpetrator is put back before saving.
KEEP = "keep"
HIDDEN_PERPETRATOR = N_(
    "This act has a perpetrator you are not cleared to see, so its perpetrators cannot be "
    "changed here. Ask a colleague cleared to see it."
)
STRAY_ROWS = N_(
    "The form sent perpetrator rows it does not have (too many, or unreadable); nothing was "
    "saved. Remove the extra rows and save again."
)
HIDDEN_VICTIM = N_("The victim is a person you are not cleared to see: it cannot be changed here.")
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


def posted_rows(form: Mapping[str, str], limit: int = MAX_PERPETRATORS) -> tuple[int, bool]:
    """How many perpetrator rows the form had (a script may have added some), and whether it
    sent perpetrator fields that cannot be read: past ``limit`` rows, or not a row's field.
    Those are refused, never dropped unseen."""
    found = [int(m.group(2)) for k in form if (m := _PATH.match(k)) and m.group(2) is not None]
    rows = min(max(found, default=-1) + 1, limit)
    readable = set(perpetrator_names(rows))
    stray = any(k.startswith("perpetrators") and k not in readable for k in form)
    return rows, stray


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


def stored_perpetrators(act: ActPublic) -> list[dict[str, Any]]:
    return [p.model_dump() for p in act.perpetrators]


def mask(values: dict[str, str], hidden_rows: Iterable[int], hidden_victim: bool) -> None:
    """Put KEEP in place of the perpetrators and the victim the editor may not see."""
    for i in hidden_rows:
        values[f"perpetrators[{i}].organisation_id"] = KEEP
        values[f"perpetrators[{i}].person_id"] = ""
        values[f"perpetrators[{i}].involvement"] = ""
    if hidden_victim:
        values["victim_person_id"] = KEEP


def perpetrators(
    values: Mapping[str, str], rows: int, kept: list[dict[str, Any]] | None = None
) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled rows (a blank row is no perpetrator), and the form row each came from.

    ``kept`` (editing) are the stored perpetrators the editor may not see: each takes the place
    of a KEEP row, in order, and any the form lost track of go last, so none is ever dropped.
    Their origin is -1: no row of the form shows them."""
    out: list[dict[str, Any]] = []
    origin: list[int] = []
    spare = list(kept or [])
    for i in range(rows):
        org = values.get(f"perpetrators[{i}].organisation_id", "")
        person = values.get(f"perpetrators[{i}].person_id", "")
        if kept is not None and org == KEEP:
            if spare:
                out.append(spare.pop(0))
                origin.append(-1)
            continue
        if not org and not person:
            continue
        involvement = values.get(f"perpetrators[{i}].involvement", "") or "direct"
        out.append({"organisation_id": org or None, "person_id": person or None,
                    "involvement": involvement})
        origin.append(i)
    out += spare
    origin += [-1] * len(spare)
    return out, origin


def _unordered(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted(
        (r.get("organisation_id") or "", r.get("person_id") or "", r.get("involvement") or "")
        for r in rows
    )


def renumber(errors: dict[str, str], origin: list[int]) -> dict[str, str]:
    """Messages about the n-th filled perpetrator belong to the form row it came from; one
    about a perpetrator the editor may not see names neither it nor its id."""
    out: dict[str, str] = {}
    for key, message in errors.items():
        m = re.match(r"^perpetrators\[(\d+)\](.*)$", key)
        if m and int(m.group(1)) < len(origin):
            row = origin[int(m.group(1))]
            if row < 0:
                out.setdefault("perpetrators", HIDDEN_PERPETRATOR)
                continue
            key = f"perpetrators[{row}]{m.group(2)}"
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
    values: Mapping[str, str],
    before: Mapping[str, str],
    rows: int,
    stored: list[dict[str, Any]],
    kept: list[dict[str, Any]],
) -> tuple[dict[str, Any], list[int]]:
    """What changed; ``before`` is the form as first shown (KEEP in place of what the editor
    may not see), ``stored`` the act's perpetrators, ``kept`` those hidden from the editor."""
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
    now, origin = perpetrators(values, rows, kept)
    if _unordered(now) != _unordered(stored):  # the store keeps no order among perpetrators
        data["perpetrators"] = now
    return data, origin
