"""An assessment as a printable report: HTML from a Jinja2 template in this package, turned into
PDF by WeasyPrint (imported only when a PDF is asked for: it is slow to load).

The report shows the derived levels, ratings, narratives, affected groups and the records cited.
It never prints a protected identity: a cited event or source of TLP:AMBER and above is named by
id and sharing level only, evidence by id and kind (never its file name), persons never; records
above the reader's clearance are only counted.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.models import Event, Source
from tocsin.core import audit
from tocsin.core.access import Actor, is_protected
from tocsin.core.clock import utcnow
from tocsin.core.models import User
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.risk.assessments.scale import Level
from tocsin.risk.assessments.schemas import AssessmentPublic, RatingPublic
from tocsin.risk.assessments.views import KIND, load, public
from tocsin.risk.framework.spec import ENGLISH
from tocsin.risk.framework.store import get_framework
from tocsin.risk.pdf import html_to_pdf
from tocsin.vault.models import Evidence

_env = Environment(
    loader=PackageLoader("tocsin.risk.assessments", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def level_label(code: str | None) -> str:
    return "not assessed" if code is None else Level.from_code(code).label


def render_html(
    session: Session, actor: Actor, assessment_id: str, language: str = ENGLISH
) -> str:
    """The report as HTML (what the PDF is made from)."""
    actor.require(Permission.EXPORT)
    a = public(session, actor, load(session, actor, assessment_id))
    framework = get_framework(session, actor, a.framework_version, language)
    by_factor: dict[str, list[RatingPublic]] = {}
    for r in a.ratings:
        by_factor.setdefault(r.factor, []).append(r)
    place = _country_name(a.country, language) + (f", {a.admin_area}" if a.admin_area else "")
    return _env.get_template("assessment.html").render(
        a=a,
        language=language,
        heading=a.title or f"Atrocity risk assessment: {place}",
        place=place,
        framework=framework,
        factor_names={f.code: f.name for f in framework.factors},
        category_names={f.code: f.category_name for f in framework.factors},
        indicator_texts={i.code: i.text for f in framework.factors for i in f.indicators},
        total_indicators=sum(len(f.indicators) for f in framework.factors),
        rated=len(a.ratings),
        ratings_by_factor=by_factor,
        links=_citations(session, a),
        people=_people(session, a),
        level_label=level_label,
        printed_at=utcnow().strftime("%Y-%m-%d %H:%M UTC"),
    )


def export_pdf(
    session: Session, actor: Actor, assessment_id: str, language: str = ENGLISH
) -> bytes:
    """The report as PDF bytes; the export is audited."""
    pdf = html_to_pdf(render_html(session, actor, assessment_id, language))
    audit.record(session, actor, audit.Action.EXPORT, KIND, assessment_id, {"format": "pdf"})
    return pdf


def _country_name(code: str, language: str) -> str:
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        names = Locale.parse(ENGLISH).territories
    return f"{names.get(code, code)} ({code})"


def _citations(session: Session, a: AssessmentPublic) -> dict[str, list[str]]:
    """{indicator: lines naming the records it cites}: only records the reader may see (the
    ratings hold only those), and titles only of records that are not protected."""
    event_ids = {i for r in a.ratings for i in r.event_ids}
    source_ids = {i for r in a.ratings for i in r.source_ids}
    evidence_ids = {i for r in a.ratings for i in r.evidence_ids}
    events = {e.id: e for e in session.scalars(select(Event).where(Event.id.in_(event_ids)))}
    sources = {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(source_ids)))}
    found = session.execute(select(Evidence.id, Evidence.kind).where(Evidence.id.in_(evidence_ids)))
    evidence = {row.id: row.kind for row in found}
    out: dict[str, list[str]] = {}
    for r in a.ratings:
        lines = out.setdefault(r.indicator, [])
        for eid in r.event_ids:
            e = events[eid]
            if is_protected(e.tlp):
                lines.append(f"Event {eid} (TLP:{TLP(e.tlp).label})")
            else:
                when = e.start_date.isoformat() if e.start_date else "date unknown"
                lines.append(f"Event: {e.title} ({when}, {e.country or '-'}) [{eid}]")
        for sid in r.source_ids:
            s = sources[sid]
            # A source tied to a person (a witness, an informant) is never named.
            if is_protected(s.tlp) or s.person_id is not None:
                lines.append(f"Source {sid} (TLP:{TLP(s.tlp).label})")
            else:
                lines.append(f"Source: {s.title} [{sid}]")
        lines.extend(f"Evidence {vid} ({evidence[vid]})" for vid in r.evidence_ids)
    return out


def _people(session: Session, a: AssessmentPublic) -> dict[str, str]:
    ids = {t.by for t in a.history}
    rows = session.execute(select(User.id, User.display_name, User.email).where(User.id.in_(ids)))
    return {r.id: r.display_name or r.email for r in rows}
