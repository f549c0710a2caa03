"""The person form: several names in several scripts as a repeatable group of fields, read
back into the API's own shapes, and filled from a stored person for editing."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends, Request

from tocsin.cases.schemas import PersonPublic
from tocsin.web.forms import FormState

MIN_ROWS = 3
MAX_ROWS = 50  # PersonCreate allows at most 50 names
NAME_PARTS = ("value", "script", "language", "kind")
CONTACT_KINDS = ("phone", "email", "address")
SIMPLE = ("sex", "age", "age_min", "age_max", "birth_date", "nationality", "notes", "tlp")
# Fields that identify a person: once consent is withdrawn they are neither shown nor sent back.
IDENTIFYING = frozenset({"names", "birth_date", "notes", "identities", "contact"})
_ROW = re.compile(r"^names\[(\d+)\]\.(value|script|language|kind)$")
# Keyed groups: every posted key is read, not only the kinds the form offers today, so a kind
# since retired (or added by a later page) is never dropped unseen.
GROUPS = ("identities", "contact")


async def _lists(request: Request) -> dict[str, list[str]]:
    """Every value of each posted field: a group of checkboxes sends one field many times."""
    form = await request.form(max_files=0, max_fields=500)
    return {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}


Lists = Annotated[dict[str, list[str]], Depends(_lists)]
"""Multi-valued fields of a posted form (the viewer's `.form` keeps only one value each)."""


def posted_rows(form: Mapping[str, str]) -> list[str]:
    """The indexes of the posted name rows as sent, in order (the form bounds how many)."""
    return sorted({m.group(1) for k in form if (m := _ROW.match(k))}, key=lambda i: (int(i), i))


def stray_names(form: Mapping[str, str]) -> dict[str, str]:
    """Name fields that are no row's part. Sent on to the schema, which refuses an unknown
    field with its message, rather than dropped unseen."""
    return {k: v for k, v in form.items() if k.startswith("names") and not _ROW.match(k)}


def name_rows(form: Mapping[str, str]) -> list[dict[str, str]]:
    """The name rows as posted, in order; the empty ones too (for "add another name"). Rows
    past what the schema allows are kept, so that the schema refuses them with its message."""
    return [
        {part: form.get(f"names[{i}].{part}", "").strip() for part in NAME_PARTS}
        for i in posted_rows(form)
    ]


def keyed(form: Mapping[str, str], group: str) -> dict[str, str]:
    """Every filled ``group.key`` field, whatever the key: the schema and the service judge
    a key, so an unknown one is refused with a message by its field."""
    prefix = f"{group}."
    return {
        k.removeprefix(prefix): v
        for k in form
        if k.startswith(prefix) and k != prefix and (v := _text(form, k))
    }


def fingerprint(entries: Mapping[str, str]) -> str:
    """Of a group as the edit form showed it: a group posted back unchanged is not sent, so
    the service keeps it as stored (it refuses to store a kind since retired, even unchanged),
    and a colleague's edit meanwhile is not overwritten."""
    text = json.dumps(sorted(entries.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def row_values(rows: list[dict[str, str]]) -> dict[str, str]:
    return {f"names[{i}].{part}": row[part] for i, row in enumerate(rows) for part in NAME_PARTS}


def _text(form: Mapping[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def _fold_keys(state: FormState) -> None:
    """The schema's message about a key (``identities.x.[key]``) belongs next to its field."""
    for key in [k for k in state.errors if k.endswith(".[key]")]:
        state.errors.setdefault(key.removesuffix(".[key]"), state.errors.pop(key))


def _fold(state: FormState, name: str) -> None:
    """Messages about `roles[2]` belong next to the group of `roles` checkboxes."""
    for key in [k for k in state.errors if k.startswith(f"{name}[")]:
        state.errors.setdefault(name, state.errors.pop(key))


def fold_errors(state: FormState, *names: str) -> None:
    for name in names:
        _fold(state, name)
    _fold_keys(state)
    if "form" in state.errors:  # a check across fields (age range) is shown by its first field
        state.errors.setdefault("age_min", state.errors.pop("form"))


def read(
    form: Mapping[str, str],
    lists: Mapping[str, list[str]],
    identity_kinds: list[str],
    identifying: bool = True,
) -> tuple[dict[str, Any], FormState, int]:
    """The payload for PersonCreate/PersonUpdate, the form state to show again, and how many
    name rows to show. Empty name rows are dropped, so a message about `names[1]` points at
    the second name shown."""
    rows = [r for r in name_rows(form) if r["value"]]
    roles = sorted(set(lists.get("roles", [])))
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in SIMPLE}
    values["roles"] = roles
    payload: dict[str, Any] = {k: _text(form, k) for k in SIMPLE if k != "tlp"}
    payload["roles"] = roles
    if form.get("tlp"):
        payload["tlp"] = form["tlp"]
    if identifying:
        values.update(row_values(rows))
        # A part left empty takes the schema's default (Latin script, a full name).
        payload["names"] = [{k: v for k, v in r.items() if v} for r in rows]
        for group in GROUPS:
            entries = keyed(form, group)
            values.update({f"{group}.{k}": v for k, v in entries.items()})
            shown = form.get(f"{group}_shown", "")
            values[f"{group}_shown"] = shown
            if not shown or fingerprint(entries) != shown:
                payload[group] = entries
    else:
        for key in IDENTIFYING & payload.keys():
            del payload[key]
    if identifying:
        payload.update(stray_names(form))
    return payload, FormState(values=values), max(MIN_ROWS, len(rows) + 1)


def more_rows(form: Mapping[str, str], lists: Mapping[str, list[str]]) -> tuple[FormState, int]:
    """The form again with one more empty name row, every typed value kept."""
    rows = name_rows(form)
    values: dict[str, Any] = {k: v for k, v in form.items() if k not in ("csrf", "more")}
    values["roles"] = sorted(set(lists.get("roles", [])))
    values.update(row_values(rows))
    return FormState(values=values), max(len(rows), min(max(MIN_ROWS, len(rows)) + 1, MAX_ROWS))


def stored(person: PersonPublic) -> tuple[FormState, int]:
    """A stored person as form values, for the edit form."""
    values: dict[str, Any] = {
        "sex": person.sex or "",
        "age": "" if person.age is None else str(person.age),
        "age_min": "" if person.age_min is None else str(person.age_min),
        "age_max": "" if person.age_max is None else str(person.age_max),
        "birth_date": person.birth_date or "",
        "nationality": person.nationality or "",
        "notes": person.notes or "",
        "tlp": person.tlp,
        "roles": list(person.roles),
    }
    if not person.redacted:
        rows = [n.model_dump() for n in person.names]
        values.update(row_values([{**r, "language": r["language"] or ""} for r in rows]))
        for group, entries in (("identities", person.identities), ("contact", person.contact)):
            shown = {k: text for k, v in entries.items() if (text := str(v).strip())}
            values.update({f"{group}.{k}": v for k, v in shown.items()})
            values[f"{group}_shown"] = fingerprint(shown)
    return FormState(values=values), max(MIN_ROWS, len(person.names) + 1)
