"""Turn stored records into the public shapes, applying sharing levels and consent."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases.consent import current_state
from tocsin.cases.dates import Precision
from tocsin.cases.models import (
    LINK_TARGETS,
    Act,
    ActPerpetrator,
    Consent,
    Event,
    EventStatusChange,
    Intervention,
    Organisation,
    Person,
    Source,
    SourceLink,
)
from tocsin.cases.schemas import (
    ActPublic,
    Appearance,
    ConsentPublic,
    ConsentState,
    EventPublic,
    EventSummary,
    InterventionPublic,
    NamePublic,
    OrganisationPublic,
    PerpetratorPublic,
    PersonPublic,
    PlacePublic,
    SourceLinkPublic,
    SourcePublic,
    StatusChangePublic,
)
from tocsin.core.access import Actor, visible
from tocsin.core.tlp import TLP

REDACTED = "[withheld]"


def date_text(value: date | None, precision: str | None) -> str | None:
    """A stored bound in the shape it was given: 2019, 2019-03, 2019-03-14, ~ before if rough."""
    if value is None:
        return None
    p = Precision(precision) if precision else Precision.DAY
    mark = "~" if p.approximate else ""
    if p.granularity is Precision.YEAR:
        return f"{mark}{value.year:04d}"
    if p.granularity is Precision.MONTH:
        return f"{mark}{value.year:04d}-{value.month:02d}"
    return f"{mark}{value.isoformat()}"


def place(record: Event | Act) -> PlacePublic:
    return PlacePublic(
        name=record.place_name,
        country=record.country,
        admin_area=record.admin_area,
        lat=record.latitude,
        lon=record.longitude,
    )


def event_summary(event: Event, act_types: list[str], victims: int) -> EventSummary:
    return EventSummary(
        id=event.id,
        title=event.title,
        start=date_text(event.start_date, event.start_precision),
        end=date_text(event.end_date, event.end_precision),
        start_date=event.start_date,
        end_date=event.end_date,
        place=place(event),
        status=event.status,
        tlp=TLP(event.tlp).label,
        act_types=sorted(set(act_types)),
        victim_count=victims,
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


def _source_ids(session: Session, actor: Actor, target_type: str, target_id: str) -> list[str]:
    return list(
        session.scalars(
            select(SourceLink.source_id)
            .join(Source, Source.id == SourceLink.source_id)
            .where(
                SourceLink.target_type == target_type,
                SourceLink.target_id == target_id,
                visible(Source, actor),
            )
        )
    )


def act_public(session: Session, actor: Actor, act: Act) -> ActPublic:
    return ActPublic(
        id=act.id,
        event_id=act.event_id,
        act_type=act.act_type,
        start=date_text(act.start_date, act.start_precision),
        end=date_text(act.end_date, act.end_precision),
        place=place(act),
        victim_person_id=act.victim_person_id,
        victim_group=act.victim_group,
        victim_count=act.victim_count,
        perpetrators=[
            PerpetratorPublic(
                organisation_id=p.organisation_id, person_id=p.person_id, involvement=p.involvement
            )
            for p in act.perpetrators
        ],
        description=act.description,
        tlp=TLP(act.tlp).label,
        source_ids=_source_ids(session, actor, "act", act.id),
    )


def event_public(session: Session, actor: Actor, event: Event) -> EventPublic:
    acts = [a for a in event.acts if actor.may_see(a.tlp, a.created_by)]
    summary = event_summary(event, [a.act_type for a in acts], sum(a.victim_count for a in acts))
    history = session.scalars(
        select(EventStatusChange)
        .where(EventStatusChange.event_id == event.id)
        .order_by(EventStatusChange.changed_at)
    )
    interventions = session.scalars(
        select(Intervention.id).where(
            Intervention.event_id == event.id, visible(Intervention, actor)
        )
    )
    return EventPublic(
        **summary.model_dump(),
        description=event.description,
        acts=[act_public(session, actor, a) for a in acts],
        status_history=[
            StatusChangePublic(
                from_status=h.from_status,
                to_status=h.to_status,
                reason=h.reason,
                changed_by=h.changed_by,
                changed_at=h.changed_at,
            )
            for h in history
        ],
        source_ids=_source_ids(session, actor, "event", event.id),
        intervention_ids=list(interventions),
    )


def appearances(session: Session, actor: Actor, person_id: str) -> list[Appearance]:
    as_victim = session.execute(
        select(Act.event_id, Act.id, Act.act_type)
        .where(Act.victim_person_id == person_id, visible(Act, actor))
        .order_by(Act.start_date)
    )
    as_perpetrator = session.execute(
        select(Act.event_id, Act.id, Act.act_type, ActPerpetrator.involvement)
        .join(ActPerpetrator, ActPerpetrator.act_id == Act.id)
        .where(ActPerpetrator.person_id == person_id, visible(Act, actor))
        .order_by(Act.start_date)
    )
    return [
        Appearance(event_id=e, act_id=a, act_type=t, part="victim") for e, a, t in as_victim
    ] + [
        Appearance(event_id=e, act_id=a, act_type=t, part="perpetrator", involvement=i)
        for e, a, t, i in as_perpetrator
    ]


_UNKNOWN: Any = object()


def person_public(
    session: Session,
    actor: Actor,
    person: Person,
    with_appearances: bool = True,
    state: ConsentState | None = _UNKNOWN,
) -> PersonPublic:
    if state is _UNKNOWN:
        state = current_state(session, person.id)
    # Once a person withdraws consent to be on file, nobody reads their identity in clear again.
    redacted = state is not None and not state.use_in_case_file
    names = [
        NamePublic(
            value=REDACTED if redacted else n.value,
            script=n.script,
            kind=n.kind,
            language=n.language,
        )
        for n in person.names
    ]
    return PersonPublic(
        id=person.id,
        names=names,
        redacted=redacted,
        sex=person.sex,
        age=person.age,
        age_min=person.age_min,
        age_max=person.age_max,
        birth_date=None if redacted else person.birth_date,
        nationality=person.nationality,
        identities={} if redacted else (person.identities or {}),
        contact={} if redacted else (person.contact or {}),
        roles=list(person.roles or []),
        notes=None if redacted else person.notes,
        tlp=TLP(person.tlp).label,
        consent=state,
        appears_in=appearances(session, actor, person.id) if with_appearances else [],
        created_at=person.created_at,
        updated_at=person.updated_at,
    )


def organisation_public(org: Organisation) -> OrganisationPublic:
    return OrganisationPublic(
        id=org.id,
        name=org.name,
        kind=org.kind,
        parent_id=org.parent_id,
        country=org.country,
        aliases=list(org.aliases or []),
        description=org.description,
        tlp=TLP(org.tlp).label,
        created_at=org.created_at,
        updated_at=org.updated_at,
    )


def _visible_links(session: Session, actor: Actor, source_id: str) -> list[SourceLink]:
    """A source's links, less those whose target the reader may not see (ids say too much)."""
    out = []
    for link in session.scalars(select(SourceLink).where(SourceLink.source_id == source_id)):
        target = session.get(LINK_TARGETS[link.target_type], link.target_id)
        if target is not None and actor.may_see(target.tlp, target.created_by):
            out.append(link)
    return out


def _may_see(actor: Actor, session: Session, source_id: str | None) -> bool:
    found = None if source_id is None else session.get(Source, source_id)
    return found is not None and actor.may_see(found.tlp, found.created_by)


def source_public(session: Session, actor: Actor, source: Source) -> SourcePublic:
    links = _visible_links(session, actor, source.id)
    return SourcePublic(
        id=source.id,
        title=source.title,
        source_type=source.source_type,
        reliability=source.reliability,
        credibility=source.credibility,
        grade=f"{source.reliability}{source.credibility}",
        description=source.description,
        url=source.url,
        obtained_on=source.obtained_on,
        person_id=source.person_id,
        repeats_id=source.repeats_id if _may_see(actor, session, source.repeats_id) else None,
        tlp=TLP(source.tlp).label,
        links=[
            SourceLinkPublic(
                source_id=lk.source_id,
                target_type=lk.target_type,
                target_id=lk.target_id,
                note=lk.note,
            )
            for lk in links
        ],
        created_at=source.created_at,
        updated_at=source.updated_at,
    )


def consent_public(consent: Consent, reveal: bool = True) -> ConsentPublic:
    return ConsentPublic(
        id=consent.id,
        person_id=consent.person_id,
        use_in_case_file=consent.use_in_case_file,
        share_with=list(consent.share_with or []),
        given_on=consent.given_on,
        recorded_how=consent.recorded_how,
        recorded_by=consent.recorded_by,
        notes=consent.notes if reveal else None,
        withdrawn_at=consent.withdrawn_at,
        withdrawn_reason=consent.withdrawn_reason if reveal else None,
        active=consent.withdrawn_at is None,
        tlp=TLP(consent.tlp).label,
        created_at=consent.created_at,
    )


def intervention_public(item: Intervention) -> InterventionPublic:
    return InterventionPublic(
        id=item.id,
        event_id=item.event_id,
        person_id=item.person_id,
        intervention_type=item.intervention_type,
        status=item.status,
        on_date=item.on_date,
        actor=item.actor,
        description=item.description,
        outcome=item.outcome,
        tlp=TLP(item.tlp).label,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )
