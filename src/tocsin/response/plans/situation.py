"""A situation resolved from what the analyst names: a country or area (its latest approved
assessment, else the statistical forecast for the phase only), an alert (its linked assessment
or its place's latest approved one, and themes from its category), an assessment, and factors
and themes given by hand. Records above the actor's clearance are reported as unknown ids."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.alerts.schemas import AlertPublic
from tocsin.alerts.service import get_alert
from tocsin.cases.records import visible_query
from tocsin.core.access import Actor
from tocsin.core.errors import NotFound, ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.library.classify import RISK_FACTOR, SITUATION, THEME, load_taxonomy
from tocsin.response.plans.rules import (
    HAND_LEVEL,
    Phase,
    alert_themes,
    later,
    level_weight,
    phase_of_alert,
    phase_of_level,
)
from tocsin.response.plans.schemas import SituationFactor, SituationIn, SituationPublic
from tocsin.response.plans.scoring import label_name
from tocsin.risk.assessments import get_assessment
from tocsin.risk.assessments.checks import check_admin_area, check_place_country
from tocsin.risk.assessments.scale import Level, Status
from tocsin.risk.assessments.schemas import AssessmentPublic
from tocsin.risk.horizon_levels import forecast_level
from tocsin.risk.models import RiskAssessment
from tocsin.risk.ranking import ranking

FIELD = "situation"


def resolve(session: Session, actor: Actor, data: SituationIn) -> SituationPublic:
    """The situation with its factors, levels, themes and phase, as ``actor`` may see it."""
    actor.require(Permission.READ)
    sources = [n for n in ("country", "alert_id", "assessment_id") if getattr(data, n)]
    if len(sources) > 1:
        raise ValidationFailed.on(
            FIELD, f"give one of country, alert_id or assessment_id, not {' and '.join(sources)}"
        )
    if data.admin_area and not data.country:
        raise ValidationFailed.on(f"{FIELD}.admin_area", "an area is named within a country")
    if not sources and not data.factors and not data.themes:
        raise ValidationFailed.on(
            FIELD, "give a country, an alert, an assessment, or factors or themes"
        )
    hand = _hand_factors(data)
    themes = _themes(data.themes)
    phase_choice = _phase(data.phase)
    found = _Found()
    if data.assessment_id:
        found.use(_approved(session, actor, data.assessment_id))
    elif data.alert_id:
        found.alert = _alert(session, actor, data.alert_id)
        found.country, found.area = found.alert.country, found.alert.admin_area
        found.use(_alert_assessment(session, actor, found.alert))
    elif data.country:
        found.country = check_place_country(data.country, f"{FIELD}.country")
        found.area = check_admin_area(data.admin_area)
        found.use(_latest_approved(session, actor, found.country, found.area))
        if found.assessment is None:
            found.forecast(session, actor)
    return found.public(hand, themes, phase_choice)


class _Found:
    """What the sources yielded, put together."""

    def __init__(self) -> None:
        self.country: str | None = None
        self.area: str | None = None
        self.alert: AlertPublic | None = None
        self.assessment: AssessmentPublic | None = None
        self.run_id: str | None = None
        self.run_level: Level | None = None
        self.tlp = int(TLP.CLEAR)

    def use(self, assessment: AssessmentPublic | None) -> None:
        self.assessment = assessment
        if assessment is not None:
            self.country, self.area = assessment.country, assessment.admin_area

    def forecast(self, session: Session, actor: Actor) -> None:
        ranked = ranking(session, actor)
        row = next((r for r in ranked.rows if r.country == self.country), None) if ranked else None
        if ranked is not None and row is not None:
            self.run_id, self.run_level = ranked.run.id, forecast_level(row.probability)
            self.tlp = max(self.tlp, ranked.run.tlp)

    def public(
        self, hand: dict[str, Level], themes: list[str], phase_choice: str | None
    ) -> SituationPublic:
        levels: dict[str, tuple[Level | None, str]] = {}
        if self.assessment is not None:
            for f in self.assessment.factors:
                levels[f.code] = (Level.from_code(f.level) if f.level else None, "assessment")
            self.tlp = max(self.tlp, int(TLP.parse(self.assessment.tlp)))
        for code, level in hand.items():
            levels[code] = (level, "hand")
        if self.alert is not None:
            themes = list(dict.fromkeys([*themes, *alert_themes(self.alert.category)]))
            self.tlp = max(self.tlp, int(TLP.parse(self.alert.tlp)))
        overall, basis = self._overall(hand)
        plain = {code: level for code, (level, _) in levels.items()}
        phase, reason = phase_of_level(overall, plain)
        if overall is None and basis == "none":
            phase, reason = Phase.PREVENTION, "no risk level known"
        if self.alert is not None:
            phase, reason = later((phase, reason), phase_of_alert(self.alert.severity))
        factors = [
            SituationFactor(
                code=code,
                name=label_name(RISK_FACTOR, code),
                level=level.code if level is not None else None,
                weight=level_weight(level),
                source=source,
            )
            for code, (level, source) in levels.items()
        ]
        return SituationPublic(
            country=self.country,
            admin_area=self.area,
            alert_id=self.alert.id if self.alert else None,
            alert_title=self.alert.title if self.alert else None,
            assessment_id=self.assessment.id if self.assessment else None,
            assessment_title=self.assessment.title if self.assessment else None,
            forecast_run_id=self.run_id,
            basis=basis,
            level=overall.code if overall is not None else None,
            factors=sorted(factors, key=lambda f: int(f.code[2:])),
            themes=themes,
            phase=phase_choice or phase.value,
            phase_reason="chosen by the analyst" if phase_choice else reason,
            phase_chosen=phase_choice is not None,
            tlp=TLP(self.tlp).label,
        )

    def _overall(self, hand: dict[str, Level]) -> tuple[Level | None, str]:
        if self.assessment is not None:
            level = self.assessment.overall_level
            return (Level.from_code(level) if level else None), "assessment"
        if self.run_level is not None:
            return self.run_level, "forecast"
        if hand:
            return max(hand.values()), "factors"
        return None, "none"


def _hand_factors(data: SituationIn) -> dict[str, Level]:
    codes = load_taxonomy().dimension(RISK_FACTOR).codes
    out: dict[str, Level] = {}
    for n, factor in enumerate(data.factors):
        code = factor.code.strip().upper()
        if code not in codes:
            raise ValidationFailed.on(
                f"{FIELD}.factors[{n}].code", f"unknown risk factor {factor.code!r}; RF1 to RF14"
            )
        try:
            out[code] = Level.from_code(factor.level.strip()) if factor.level else HAND_LEVEL
        except KeyError:
            choices = ", ".join(level.code for level in Level)
            raise ValidationFailed.on(
                f"{FIELD}.factors[{n}].level", f"unknown level {factor.level!r}; one of {choices}"
            ) from None
    return out


def _themes(given: list[str]) -> list[str]:
    codes = load_taxonomy().dimension(THEME).codes
    for n, code in enumerate(given):
        if code not in codes:
            raise ValidationFailed.on(f"{FIELD}.themes[{n}]", f"unknown theme {code!r}")
    return list(dict.fromkeys(given))


def _phase(given: str | None) -> str | None:
    return load_taxonomy().require(SITUATION, given, f"{FIELD}.phase", "phase") if given else None


def _approved(session: Session, actor: Actor, assessment_id: str) -> AssessmentPublic:
    where = f"{FIELD}.assessment_id"
    try:
        found = get_assessment(session, actor, assessment_id)
    except NotFound:
        raise ValidationFailed.on(where, f"no assessment with id {assessment_id!r}") from None
    if found.status != Status.APPROVED.value:
        raise ValidationFailed.on(
            where,
            "only an approved assessment is the team's view; "
            f"this one is {found.status.replace('_', ' ')}",
        )
    return found


def _alert(session: Session, actor: Actor, alert_id: str) -> AlertPublic:
    try:
        return get_alert(session, actor, alert_id)
    except NotFound:
        raise ValidationFailed.on(f"{FIELD}.alert_id", f"no alert with id {alert_id!r}") from None


def _latest_approved(
    session: Session, actor: Actor, country: str | None, area: str | None
) -> AssessmentPublic | None:
    """The place's latest approved assessment; for an area without one, the country's."""
    if country is None:
        return None
    for place in (area, None) if area else (None,):
        query = (
            visible_query(RiskAssessment, actor)
            .where(
                RiskAssessment.country == country,
                RiskAssessment.status == Status.APPROVED.value,
                RiskAssessment.admin_area == place
                if place
                else RiskAssessment.admin_area.is_(None),
            )
            .order_by(
                RiskAssessment.as_of.desc(), RiskAssessment.approved_at.desc(), RiskAssessment.id
            )
        )
        row = session.scalars(query.limit(1)).first()
        if row is not None:
            return get_assessment(session, actor, row.id)
    return None


def _alert_assessment(
    session: Session, actor: Actor, alert: AlertPublic
) -> AssessmentPublic | None:
    """The assessment linked to the alert (approved and newest first), else its place's."""
    linked = [session.get(RiskAssessment, i) for i in alert.links.assessment_ids]
    rows = sorted(
        (r for r in linked if r is not None),
        key=lambda r: (r.status == Status.APPROVED.value, r.as_of, r.id),
        reverse=True,
    )
    if rows:
        return get_assessment(session, actor, rows[0].id)
    return _latest_approved(session, actor, alert.country, alert.admin_area)
