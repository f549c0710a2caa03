"""An organisation's own indicators, added under a factor of the current framework version.

They are marked ``local``, get ids no framework file uses (RF3.L1, RF3.L2, ...) and follow the
organisation onto later framework versions (see ``store.ensure_framework``).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.risk.framework.schemas import IndicatorPublic, LocalIndicatorCreate
from tocsin.risk.framework.spec import ENGLISH, LANGUAGES
from tocsin.risk.framework.store import current_version
from tocsin.risk.models import RiskFactor, RiskIndicator

MIN_TEXT = 10  # shorter than this is a label, not something an analyst can observe
_LOCAL_NUMBER = re.compile(r"\.L([0-9]+)$")


def add_local_indicator(
    session: Session, actor: Actor, data: LocalIndicatorCreate
) -> IndicatorPublic:
    """Add an indicator of the organisation's own under ``data.factor`` (current version)."""
    actor.require(Permission.MANAGE_VOCABULARY)
    version = current_version(session)
    factor = session.get(RiskFactor, (version, data.factor.strip().upper()))
    if factor is None:
        raise ValidationFailed.on("factor", f"no factor {data.factor!r} in framework {version}")
    text = " ".join(data.text.split())
    if len(text) < MIN_TEXT:
        raise ValidationFailed.on(
            "text", f"describe what to observe in at least {MIN_TEXT} characters"
        )
    texts = {ENGLISH: text}
    for lang, value in data.translations.items():
        if lang not in LANGUAGES[1:]:
            raise ValidationFailed.on("translations", f"unknown language {lang!r}; use fr or ar")
        if value.strip():
            texts[lang] = " ".join(value.split())
    siblings = list(
        session.scalars(
            select(RiskIndicator).where(
                RiskIndicator.version == version, RiskIndicator.factor == factor.code
            )
        )
    )
    for other in siblings:
        if other.texts.get(ENGLISH, "").casefold() == text.casefold():
            raise ValidationFailed.on(
                "text", f"{factor.code} already has this indicator ({other.code})"
            )
    code = f"{factor.code}.L{_next_local_number(session, factor.code)}"
    indicator = RiskIndicator(version=version, code=code, factor=factor.code,
                              position=1 + max((s.position for s in siblings), default=-1),
                              texts=texts, local=True, created_by=actor.user_id)  # fmt: skip
    session.add(indicator)
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, "risk_indicator", code,
                 {"version": version, "factor": factor.code})  # fmt: skip
    return IndicatorPublic(code=code, factor=factor.code, text=text, local=True)


def _next_local_number(session: Session, factor: str) -> int:
    """One past the highest local number this factor ever had, in any version: an id once used
    never comes back with another meaning."""
    codes = session.scalars(
        select(func.distinct(RiskIndicator.code)).where(
            RiskIndicator.factor == factor, RiskIndicator.local
        )
    )
    numbers = [int(m.group(1)) for c in codes if (m := _LOCAL_NUMBER.search(c))]
    return 1 + max(numbers, default=0)
