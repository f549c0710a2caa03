"""Input checks of an assessment: place, indicators, ratings, affected groups and the records
that support a rating. Each problem names its field, e.g. ``ratings[RF7.3].event_ids``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Event, Source
from tocsin.core.access import Actor
from tocsin.core.countries import check_country
from tocsin.core.errors import ValidationFailed
from tocsin.risk.assessments.scale import (
    DIMENSIONS,
    Confidence,
    Rating,
    parse_confidence,
    parse_rating,
)
from tocsin.risk.assessments.schemas import RatingIn
from tocsin.risk.framework.store import Structure
from tocsin.vault.models import Evidence

# The kinds of record a rating may cite: input field, stored type, table.
LINK_KINDS: tuple[tuple[str, str, Any], ...] = (
    ("event_ids", "event", Event),
    ("source_ids", "source", Source),
    ("evidence_ids", "evidence", Evidence),
)
# Kosovo's code in common use; ISO has assigned it no alpha-3.
_USER_ALPHA3 = {"XKX": "XK"}


def check_place_country(value: str, field_name: str = "country") -> str:
    """The ISO 3166-1 alpha-2 code of ``value`` (alpha-2 or alpha-3): assessments are stored
    with the codes events and forecasts use, so the three can be put side by side."""
    text = (value or "").strip().upper()
    if not text:
        raise ValidationFailed.on(field_name, "is required")
    if len(text) == 3:
        import pycountry  # only here: the table is large and most callers give alpha-2

        found = pycountry.countries.get(alpha_3=text)
        alpha2 = _USER_ALPHA3.get(text) or (found.alpha_2 if found is not None else None)
        if alpha2 is None:
            raise ValidationFailed.on(
                field_name, f"{value!r} is not an ISO 3166-1 alpha-3 country code"
            )
        text = alpha2
    code = check_country(text, field_name)
    assert code is not None
    return code


def check_admin_area(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


@dataclass
class CheckedRating:
    indicator: str
    rating: Rating
    confidence: Confidence | None
    narrative: str
    groups: list[dict[str, str]]
    links: list[tuple[str, str]] = field(default_factory=list)  # (target_type, target_id)


def check_ratings(
    session: Session, actor: Actor, structure: Structure, ratings: list[RatingIn]
) -> list[CheckedRating]:
    """Each rating checked against ``structure`` (the assessment's framework version) and the
    records it cites checked to exist and be visible to ``actor``."""
    out: list[CheckedRating] = []
    seen: set[str] = set()
    for n, given in enumerate(ratings):
        code = given.indicator.strip().upper()
        if structure.factor_of(code) is None:
            raise ValidationFailed.on(
                f"ratings[{n}].indicator",
                f"no indicator {given.indicator!r} in framework {structure.version}",
            )
        where = f"ratings[{code}]"
        if code in seen:
            raise ValidationFailed.on(where, "rated twice in one request")
        seen.add(code)
        rating = parse_rating(given.rating, f"{where}.rating")
        confidence = parse_confidence(given.confidence, f"{where}.confidence")
        if rating in (Rating.PRESENT, Rating.SERIOUS) and confidence is None:
            raise ValidationFailed.on(
                f"{where}.confidence", "say how confident you are: low, medium or high"
            )
        checked = CheckedRating(code, rating, confidence, given.narrative.strip(),
                                _groups(given, where))  # fmt: skip
        for field_name, kind, _ in LINK_KINDS:
            ids = list(dict.fromkeys(i.strip() for i in getattr(given, field_name)))
            checked.links.extend((kind, i) for i in ids)
        out.append(checked)
    _check_links_visible(session, actor, out)
    return out


def _groups(given: RatingIn, where: str) -> list[dict[str, str]]:
    groups = []
    for g in given.groups:
        dimension = g.dimension.strip().lower()
        if dimension not in DIMENSIONS:
            raise ValidationFailed.on(
                f"{where}.groups",
                f"unknown dimension {g.dimension!r}; use one of {', '.join(DIMENSIONS)}",
            )
        if not g.group.strip():
            raise ValidationFailed.on(f"{where}.groups", "name the group affected")
        groups.append({"dimension": dimension, "group": g.group.strip(), "note": g.note.strip()})
    return groups


def _check_links_visible(session: Session, actor: Actor, ratings: list[CheckedRating]) -> None:
    """A cited record must exist and be within the actor's sight; one they cannot see is
    reported exactly as one that does not exist (no existence oracle)."""
    for field_name, kind, model in LINK_KINDS:
        wanted = {tid for r in ratings for k, tid in r.links if k == kind}
        if not wanted:
            continue
        found = session.execute(
            select(model.id, model.tlp, model.created_by).where(model.id.in_(sorted(wanted)))
        ).all()
        seen = {row.id for row in found if actor.may_see(row.tlp, row.created_by)}
        for r in ratings:
            for k, tid in r.links:
                if k == kind and tid not in seen:
                    raise ValidationFailed.on(
                        f"ratings[{r.indicator}].{field_name}", f"no record with id {tid!r}"
                    )
