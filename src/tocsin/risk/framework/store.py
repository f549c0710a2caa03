"""The framework in the database: loaded once per version, read by assessments and pages.

``ensure_framework`` is idempotent: run it at every start (``tocsin init``). A version already
loaded is left as it is (only its translations are refreshed); a new version is added beside the
old ones, becomes the one new assessments use, and takes over the organisation's own (local)
indicators. Assessments made on an older version keep pointing at it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.errors import ConfigurationError, NotFound
from tocsin.core.roles import Permission
from tocsin.risk.framework.schemas import (
    FactorPublic,
    FrameworkPublic,
    FrameworkVersionPublic,
    IndicatorPublic,
)
from tocsin.risk.framework.spec import ENGLISH, FrameworkSpec, load_spec
from tocsin.risk.models import FrameworkVersion, RiskFactor, RiskIndicator


def ensure_framework(session: Session, spec: FrameworkSpec | None = None) -> str:
    """Store ``spec`` (the packaged framework by default) unless already stored; make it the
    current version; return its version. Refuses a file whose content changed under an
    unchanged version, which would rewrite what past assessments meant."""
    spec = spec or load_spec()
    row = session.get(FrameworkVersion, spec.version)
    if row is None:
        previous = session.scalar(select(FrameworkVersion).where(FrameworkVersion.current))
        _insert(session, spec)
        if previous is not None:
            _carry_local_indicators(session, previous.version, spec)
    elif row.digest != spec.digest():
        raise ConfigurationError(
            f"the risk framework file changed but its version ({spec.version}) did not: "
            "give the changed file a new version so past assessments keep their meaning"
        )
    else:
        _refresh_translations(session, row, spec)
    session.execute(
        update(FrameworkVersion)
        .where(FrameworkVersion.current != (FrameworkVersion.version == spec.version))
        .values(current=FrameworkVersion.version == spec.version)
    )
    session.flush()
    return spec.version


def _insert(session: Session, spec: FrameworkSpec) -> None:
    session.add(FrameworkVersion(version=spec.version, title=spec.title, digest=spec.digest(),
                                 current=False, categories=spec.categories))  # fmt: skip
    session.flush()
    for position, factor in enumerate(spec.factors):
        session.add(RiskFactor(version=spec.version, code=factor.code, category=factor.category,
                               position=position, names=dict(factor.names),
                               descriptions=dict(factor.descriptions)))  # fmt: skip
    session.flush()
    for factor in spec.factors:
        for position, indicator in enumerate(factor.indicators):
            session.add(RiskIndicator(version=spec.version, code=indicator.code,
                                      factor=factor.code, position=position,
                                      texts=dict(indicator.texts), local=False))  # fmt: skip
    session.flush()


def _carry_local_indicators(session: Session, old: str, spec: FrameworkSpec) -> None:
    """An organisation's own indicators follow it onto the new version, under the same factor
    (if the new version still has it) and with the same id."""
    factors = {f.code: len(f.indicators) for f in spec.factors}
    local = session.scalars(
        select(RiskIndicator)
        .where(RiskIndicator.version == old, RiskIndicator.local)
        .order_by(RiskIndicator.position)
    )
    for ind in local:
        if ind.factor in factors:
            factors[ind.factor] += 1
            session.add(RiskIndicator(version=spec.version, code=ind.code, factor=ind.factor,
                                      position=factors[ind.factor], texts=dict(ind.texts),
                                      local=True, created_by=ind.created_by,
                                      created_at=ind.created_at))  # fmt: skip
    session.flush()


def _refresh_translations(session: Session, row: FrameworkVersion, spec: FrameworkSpec) -> None:
    if row.categories != spec.categories:
        row.categories = spec.categories
    factors = {f.code: f for f in spec.factors}
    texts = {i.code: i.texts for f in spec.factors for i in f.indicators}
    for factor in session.scalars(select(RiskFactor).where(RiskFactor.version == row.version)):
        want = factors[factor.code]
        if factor.names != want.names or factor.descriptions != want.descriptions:
            factor.names, factor.descriptions = dict(want.names), dict(want.descriptions)
    query = select(RiskIndicator).where(
        RiskIndicator.version == row.version, RiskIndicator.local.is_(False)
    )
    for indicator in session.scalars(query):
        if indicator.texts != texts[indicator.code]:
            indicator.texts = dict(texts[indicator.code])


def current_version(session: Session) -> str:
    version = session.scalar(select(FrameworkVersion.version).where(FrameworkVersion.current))
    if version is None:
        raise ConfigurationError("no risk framework loaded: run `tocsin init`")
    return version


@dataclass(frozen=True)
class Structure:
    """What validation and the level rule need of one version: the factors in order with their
    category, and each indicator's factor."""

    version: str
    categories: dict[str, str]  # {factor: category}, in framework order
    indicators: dict[str, str]  # {indicator: factor}, in framework order

    def factor_of(self, indicator: str) -> str | None:
        return self.indicators.get(indicator)


def structure(session: Session, version: str) -> Structure:
    factors = session.execute(
        select(RiskFactor.code, RiskFactor.category)
        .where(RiskFactor.version == version)
        .order_by(RiskFactor.position)
    ).all()
    if not factors:
        raise NotFound(f"no risk framework version {version!r}")
    order = {code: n for n, (code, _) in enumerate(factors)}
    rows = sorted(
        session.execute(
            select(RiskIndicator.code, RiskIndicator.factor, RiskIndicator.position).where(
                RiskIndicator.version == version
            )
        ).all(),
        key=lambda r: (order[r.factor], r.position),
    )
    return Structure(version, {c: cat for c, cat in factors}, {r.code: r.factor for r in rows})


def localized(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, else in English."""
    return texts.get(language) or texts.get(ENGLISH) or next(iter(texts.values()), "")


def list_versions(session: Session, actor: Actor) -> list[FrameworkVersionPublic]:
    actor.require(Permission.READ)
    rows = session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.loaded_at))
    return [
        FrameworkVersionPublic(version=r.version, title=r.title, current=r.current,
                               loaded_at=r.loaded_at)
        for r in rows
    ]


def get_framework(
    session: Session, actor: Actor, version: str | None = None, language: str = ENGLISH
) -> FrameworkPublic:
    """One version (the current one by default), with texts in ``language`` where translated."""
    actor.require(Permission.READ)
    row = session.get(FrameworkVersion, version or current_version(session))
    if row is None:
        raise NotFound(f"no risk framework version {version!r}")
    indicators: dict[str, list[IndicatorPublic]] = {}
    query = select(RiskIndicator).where(RiskIndicator.version == row.version)
    for ind in session.scalars(query.order_by(RiskIndicator.position)):
        indicators.setdefault(ind.factor, []).append(
            IndicatorPublic(code=ind.code, factor=ind.factor, text=localized(ind.texts, language),
                            local=ind.local)
        )
    factors = [
        FactorPublic(
            code=f.code,
            category=f.category,
            category_name=localized(row.categories.get(f.category, {}), language),
            name=localized(f.names, language),
            description=localized(f.descriptions, language),
            indicators=indicators.get(f.code, []),
        )
        for f in session.scalars(
            select(RiskFactor)
            .where(RiskFactor.version == row.version)
            .order_by(RiskFactor.position)
        )
    ]
    return FrameworkPublic(version=row.version, title=row.title, current=row.current,
                           language=language, factors=factors)  # fmt: skip
