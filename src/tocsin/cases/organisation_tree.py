"""An organisation's place in its hierarchy and the acts attributed to it, as far as the reader
may see: a unit above their clearance is left out, and so is everything beneath it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases import views
from tocsin.cases.models import Act, ActPerpetrator, Event, Organisation
from tocsin.cases.records import audit_listed, visible_query
from tocsin.cases.schemas import OrganisationPublic
from tocsin.core.access import Actor, visible

# Deep enough for army > corps > division > brigade > battalion > company > platoon and more;
# the bound keeps a corrupt (looping) hierarchy from running forever.
MAX_DEPTH = 12
ACTS_SHOWN = 200


@dataclass
class Unit:
    org: OrganisationPublic
    units: list[Unit] = field(default_factory=list)


@dataclass(frozen=True)
class AttributedAct:
    act_id: str
    act_type: str
    start: date | None
    event_id: str
    event_title: str
    organisation_id: str
    involvement: str


def _seen(session: Session, actor: Actor, orgs: list[Organisation]) -> list[Organisation]:
    audit_listed(session, actor, "organisation", orgs)
    return orgs


def parent_chain(
    session: Session, actor: Actor, org: OrganisationPublic
) -> list[OrganisationPublic]:
    """The organisations above ``org``, top first; the chain stops below a parent the reader
    may not see (its name must not show, and neither may what sits above it)."""
    chain: list[Organisation] = []
    seen = {org.id}
    parent_id = org.parent_id
    while parent_id and parent_id not in seen and len(chain) < MAX_DEPTH:
        parent = session.scalar(
            visible_query(Organisation, actor).where(Organisation.id == parent_id)
        )
        if parent is None:
            break
        chain.append(parent)
        seen.add(parent.id)
        parent_id = parent.parent_id
    return [views.organisation_public(o) for o in reversed(_seen(session, actor, chain))]


def units_below(session: Session, actor: Actor, org_id: str) -> list[Unit]:
    """The units under ``org_id``, nested, one query per level."""
    top: list[Unit] = []
    by_id: dict[str, Unit] = {}
    level = [org_id]
    seen = {org_id}
    for _ in range(MAX_DEPTH):
        rows = _seen(
            session,
            actor,
            list(
                session.scalars(
                    visible_query(Organisation, actor)
                    .where(Organisation.parent_id.in_(level))
                    .order_by(Organisation.name, Organisation.id)
                )
            ),
        )
        rows = [o for o in rows if o.id not in seen]
        if not rows:
            break
        for o in rows:
            unit = Unit(views.organisation_public(o))
            by_id[o.id] = unit
            seen.add(o.id)
            (top if o.parent_id == org_id else by_id[o.parent_id or ""].units).append(unit)
        level = [o.id for o in rows]
    return top


def flatten(units: list[Unit]) -> list[str]:
    out: list[str] = []
    for unit in units:
        out.append(unit.org.id)
        out.extend(flatten(unit.units))
    return out


def attributed_acts(session: Session, actor: Actor, org_ids: list[str]) -> list[AttributedAct]:
    """Acts whose perpetrators include one of ``org_ids``, newest first, with their event.
    Both the act and its event must be within the reader's clearance."""
    if not org_ids:
        return []
    rows = session.execute(
        select(Act, Event, ActPerpetrator.organisation_id, ActPerpetrator.involvement)
        .join(ActPerpetrator, ActPerpetrator.act_id == Act.id)
        .join(Event, Event.id == Act.event_id)
        .where(
            ActPerpetrator.organisation_id.in_(org_ids),
            visible(Act, actor),
            visible(Event, actor),
        )
        .order_by(Act.start_date.desc(), Act.id)
        .limit(ACTS_SHOWN)
    ).all()
    audit_listed(session, actor, "act", [r[0] for r in rows])
    audit_listed(session, actor, "event", list({r[1].id: r[1] for r in rows}.values()))
    return [
        AttributedAct(act.id, act.act_type, act.start_date, act.event_id, ev.title, oid or "", inv)
        for act, ev, oid, inv in rows
    ]


def parent_choices(
    session: Session, actor: Actor, exclude: str | None = None
) -> list[tuple[str, str]]:
    """(id, name) of the organisations the reader may choose as a parent."""
    rows = list(
        session.scalars(
            visible_query(Organisation, actor).order_by(Organisation.name, Organisation.id)
        )
    )
    _seen(session, actor, rows)
    return [(o.id, o.name) for o in rows if o.id != exclude]
