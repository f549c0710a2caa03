"""The rating form as posted fields and back: one set of fields per indicator, named as the
service names its problems (``ratings[RF7.3].rating``, ``ratings[RF7.3].groups[0].group``), so
each message lands next to its field.

Only indicators whose posted values differ from what is stored are sent to the service: an
untouched indicator keeps everything, including records cited by colleagues the editor may not
see (the service replaces an indicator's citations whole when it is sent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tocsin.risk.assessments.scale import Rating
from tocsin.risk.assessments.schemas import AssessmentPublic, RatingIn, RatingPublic
from tocsin.web.forms import FormState, validate
from tocsin.web.i18n import N_

HEADER = ("country", "admin_area", "as_of", "title", "summary", "tlp")
LINKS = ("event_ids", "source_ids", "evidence_ids")
GROUP_PARTS = ("dimension", "group", "note")
MAX_GROUP_ROWS = 50  # as many as the schema takes
_GROUP = re.compile(r"^ratings\[(?P<code>[^\]]{1,20})\]\.groups\[(?P<n>[0-9]{1,2})\]\.")
_OF_INDICATOR = re.compile(r"^ratings\[(?P<code>[^\]]{1,20})\]")
_ID_SPLIT = re.compile(r"[\s,;]+")
NOTES_WITHOUT_RATING = N_(
    "An indicator not assessed keeps no notes: choose a rating, or clear its narrative, "
    "groups and records."
)


def name(code: str, part: str) -> str:
    return f"ratings[{code}].{part}"


def group_name(code: str, row: int, part: str) -> str:
    return f"ratings[{code}].groups[{row}].{part}"


def indicator_of(field_name: str) -> str | None:
    found = _OF_INDICATOR.match(field_name)
    return found.group("code") if found else None


def split_ids(text: str) -> list[str]:
    return list(dict.fromkeys(i for i in _ID_SPLIT.split(text.strip()) if i))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def values_of(a: AssessmentPublic) -> dict[str, str]:
    """The form's values for a stored assessment."""
    values = {
        "country": a.country,
        "admin_area": a.admin_area or "",
        "as_of": a.as_of.isoformat(),
        "title": a.title,
        "summary": a.summary,
        "tlp": a.tlp,
    }
    for r in a.ratings:
        values[name(r.indicator, "rating")] = r.rating
        values[name(r.indicator, "confidence")] = r.confidence or ""
        values[name(r.indicator, "narrative")] = r.narrative
        for part in LINKS:
            values[name(r.indicator, part)] = " ".join(getattr(r, part))
        for row, g in enumerate(r.groups):
            for part in GROUP_PARTS:
                values[group_name(r.indicator, row, part)] = getattr(g, part)
    return values


def _group_rows(form: Mapping[str, Any], code: str) -> list[int]:
    """The row numbers of the groups filled in for ``code`` (blank rows are not groups)."""
    rows = set()
    for key in form:
        found = _GROUP.match(key)
        if found and found.group("code") == code and str(form[key]).strip():
            rows.add(int(found.group("n")))
    return sorted(r for r in rows if r < MAX_GROUP_ROWS)


def rows_to_show(form: Mapping[str, Any], codes: Iterable[str]) -> dict[str, int]:
    """How many group rows each indicator shows: those filled in and one empty row."""
    return {c: (max(_group_rows(form, c), default=-1) + 2) for c in codes}


@dataclass
class Given:
    """One indicator as posted, normalised the way the service stores it."""

    payload: dict[str, Any]
    group_rows: list[int]  # the form row of each group in ``payload["groups"]``

    @property
    def has_notes(self) -> bool:
        p = self.payload
        return bool(p["narrative"] or p["groups"] or any(p[k] for k in LINKS))

    def same_as(self, stored: RatingPublic | None) -> bool:
        if stored is None:
            return self.payload["rating"] == Rating.NOT_ASSESSED.value and not self.has_notes
        p = self.payload
        return (
            (p["rating"], p["confidence"], p["narrative"])
            == (stored.rating, stored.confidence, _lines(stored.narrative))
            and p["groups"] == [g.model_dump() for g in stored.groups]
            and all(sorted(p[k]) == sorted(getattr(stored, k)) for k in LINKS)
        )


def given(form: Mapping[str, str], code: str) -> Given:
    rows = _group_rows(form, code)
    groups = [
        {
            "dimension": form.get(group_name(code, n, "dimension"), "").strip().lower(),
            "group": form.get(group_name(code, n, "group"), "").strip(),
            "note": form.get(group_name(code, n, "note"), "").strip(),
        }
        for n in rows
    ]
    payload: dict[str, Any] = {
        "indicator": code,
        "rating": form.get(name(code, "rating"), "").strip().lower() or Rating.NOT_ASSESSED.value,
        "confidence": form.get(name(code, "confidence"), "").strip().lower() or None,
        # Browsers post a textarea's line breaks as CRLF; stored text has LF.
        "narrative": _lines(form.get(name(code, "narrative"), "")),
        "groups": groups,
        **{k: split_ids(form.get(name(code, k), "")) for k in LINKS},
    }
    return Given(payload, rows)


@dataclass
class ReadRatings:
    ratings: list[RatingIn] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def _renamed(field_name: str, code: str, rows: list[int]) -> str:
    """A schema problem's place (``groups[1].group``, ``event_ids[3]``) as a form field."""
    found = re.match(r"^groups\[([0-9]+)\](.*)$", field_name)
    if found and int(found.group(1)) < len(rows):
        return f"ratings[{code}].groups[{rows[int(found.group(1))]}]{found.group(2)}"
    for part in LINKS:
        if field_name.startswith(part):
            return name(code, part)
    return f"ratings[{code}].{field_name}" if field_name != "form" else name(code, "rating")


def read_ratings(
    form: Mapping[str, str], stored: Mapping[str, RatingPublic], codes: Iterable[str]
) -> ReadRatings:
    """The ratings that changed, in framework order, checked against the schema; an indicator
    whose rating field was not posted at all is left as it is."""
    out = ReadRatings()
    for code in codes:
        if name(code, "rating") not in form:
            continue
        posted = given(form, code)
        if posted.same_as(stored.get(code)):
            continue
        if posted.payload["rating"] == Rating.NOT_ASSESSED.value and posted.has_notes:
            out.errors[name(code, "rating")] = NOTES_WITHOUT_RATING
            continue
        state = FormState()
        checked = validate(RatingIn, posted.payload, state)
        for key, message in state.errors.items():
            out.errors.setdefault(_renamed(key, code, posted.group_rows), message)
        if checked is not None:
            out.ratings.append(checked)
    return out


def header_payload(form: Mapping[str, str]) -> dict[str, Any]:
    """The assessment's own fields that were posted; an empty place area clears it, an empty
    sharing level means "unchanged" (the select always sends one)."""
    payload: dict[str, Any] = {}
    for key in HEADER:
        if key in form:
            payload[key] = _lines(form[key])
    if "admin_area" in payload and not payload["admin_area"]:
        payload["admin_area"] = None
    if "tlp" in payload and not payload["tlp"]:
        del payload["tlp"]
    return payload
