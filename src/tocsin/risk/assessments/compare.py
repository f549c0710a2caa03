"""Two assessments side by side: per indicator and per factor, the old and new rating or level
and what changed. They may be on different framework versions: indicators are matched by id, and
one that only one version has shows ``None`` on the other side."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.risk.assessments.scale import Level
from tocsin.risk.assessments.schemas import (
    Comparison,
    FactorChange,
    IndicatorChange,
    RatingPublic,
)
from tocsin.risk.assessments.views import load, public, summary
from tocsin.risk.framework.store import structure

NOT_RATED = "not_assessed"


def _steps(old: str | None, new: str | None) -> int:
    if old is None or new is None:
        return 0
    return int(Level.from_code(new)) - int(Level.from_code(old))


def compare(session: Session, actor: Actor, old_id: str, new_id: str) -> Comparison:
    """What changed from assessment ``old_id`` to ``new_id`` (both must be visible)."""
    old_row, new_row = load(session, actor, old_id), load(session, actor, new_id)
    old, new = public(session, actor, old_row), public(session, actor, new_row)
    old_struct = structure(session, old_row.framework_version)
    new_struct = structure(session, new_row.framework_version)
    old_ratings = {r.indicator: r for r in old.ratings}
    new_ratings = {r.indicator: r for r in new.ratings}
    codes = list(dict.fromkeys([*new_struct.indicators, *old_struct.indicators]))

    def side(
        code: str, known: bool, ratings: dict[str, RatingPublic]
    ) -> tuple[str | None, str | None]:
        if not known:
            return None, None
        r = ratings.get(code)
        return (r.rating, r.confidence) if r else (NOT_RATED, None)

    indicators = []
    for code in codes:
        old_rating, old_conf = side(code, code in old_struct.indicators, old_ratings)
        new_rating, new_conf = side(code, code in new_struct.indicators, new_ratings)
        indicators.append(IndicatorChange(
            indicator=code,
            factor=new_struct.indicators.get(code) or old_struct.indicators[code],
            old_rating=old_rating, new_rating=new_rating,
            old_confidence=old_conf, new_confidence=new_conf,
            changed=(old_rating, old_conf) != (new_rating, new_conf),
        ))  # fmt: skip
    old_levels = {f.code: f.level for f in old.factors}
    new_levels = {f.code: f.level for f in new.factors}
    factors = [
        FactorChange(code=code, old_level=old_levels.get(code), new_level=new_levels.get(code),
                     change=_steps(old_levels.get(code), new_levels.get(code)),
                     changed=old_levels.get(code) != new_levels.get(code))
        for code in dict.fromkeys([*new_levels, *old_levels])
    ]  # fmt: skip
    return Comparison(
        old=summary(old_row),
        new=summary(new_row),
        overall_change=_steps(old_row.overall_level, new_row.overall_level),
        factors=factors,
        indicators=indicators,
    )
