"""The cross-check review queue: proposed matches, decisions, and clusters of records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tocsin.api.deps import CurrentActor, PagingDep, SessionDep
from tocsin.cases.schemas import Page
from tocsin.core.roles import Permission
from tocsin.crosscheck import (
    corroboration,
    incidents,
    organisation_resolution,
    person_resolution,
    review,
)
from tocsin.crosscheck.corroboration import Corroboration
from tocsin.crosscheck.models import MatchCandidate
from tocsin.crosscheck.review import ClusterView
from tocsin.crosscheck.schemas import (
    AutoAcceptIn,
    CandidatePublic,
    ClusterChangePublic,
    ClusterPublic,
    CorroborationPublic,
    DecisionIn,
    IncidentRunIn,
    Kind,
    OrganisationRunIn,
    PersonRunIn,
    ProposeReportPublic,
)

router = APIRouter(tags=["cross-check"])


def _public(row: MatchCandidate) -> CandidatePublic:
    return CandidatePublic.model_validate(row, from_attributes=True)


def _cluster(kind: str, record_id: str, view: ClusterView) -> ClusterPublic:
    shown = set(view.members)
    history = [
        ClusterChangePublic(
            action=h.action, record_ids=[r for r in h.record_ids if r in shown],
            candidate_id=h.candidate_id, decided_by=h.decided_by, automatic=h.automatic,
            reason=h.reason, at=h.at,
        )
        for h in view.history
    ]  # fmt: skip
    return ClusterPublic(kind=kind, record_id=record_id, cluster_id=view.cluster_id,
                         members=view.members, hidden_members=view.hidden,
                         history=history)  # fmt: skip


@router.get("/matches", response_model=Page[CandidatePublic])
def list_matches(
    session: SessionDep,
    actor: CurrentActor,
    paging: PagingDep,
    kind: Kind = "person",
    status: Annotated[str, Query(max_length=12)] = "proposed",
) -> Page[CandidatePublic]:
    """Pairs to review (or decided), best score first; only pairs whose two records you may
    see."""
    rows, total, exact = review.queue(session, actor, kind, status, paging.page, paging.page_size)
    return Page[CandidatePublic](items=[_public(r) for r in rows], total=total,
                                 total_exact=exact, page=paging.page,
                                 page_size=paging.page_size)  # fmt: skip


@router.put("/matches/settings/{kind}", status_code=204)
def set_auto_accept(kind: Kind, data: AutoAcceptIn, session: SessionDep,
                    actor: CurrentActor) -> None:  # fmt: skip
    """Merge pairs scoring at least ``auto_accept`` without review (admins only)."""
    review.set_auto_accept(session, actor, kind, data.auto_accept)


@router.get("/matches/{match_id}", response_model=CandidatePublic)
def get_match(match_id: str, session: SessionDep, actor: CurrentActor) -> CandidatePublic:
    return _public(review.get(session, actor, match_id))


@router.post("/matches/{match_id}/accept", response_model=CandidatePublic)
def accept_match(
    match_id: str, data: DecisionIn, session: SessionDep, actor: CurrentActor
) -> CandidatePublic:
    """The two records are the same: merge their clusters (the records stay as they are)."""
    return _public(review.accept(session, actor, match_id, data.reason))


@router.post("/matches/{match_id}/reject", response_model=CandidatePublic)
def reject_match(
    match_id: str, data: DecisionIn, session: SessionDep, actor: CurrentActor
) -> CandidatePublic:
    """Not the same: remembered, never proposed again."""
    return _public(review.reject(session, actor, match_id, data.reason))


@router.get("/clusters/{kind}/{record_id}", response_model=ClusterPublic)
def get_cluster(kind: Kind, record_id: str, session: SessionDep,
                actor: CurrentActor) -> ClusterPublic:  # fmt: skip
    """The records decided to be the same as this one, and how it came to be."""
    return _cluster(kind, record_id, review.cluster_of(session, actor, kind, record_id))


@router.post("/clusters/{kind}/{record_id}/split", response_model=ClusterPublic)
def split_cluster(
    kind: Kind, record_id: str, data: DecisionIn, session: SessionDep, actor: CurrentActor
) -> ClusterPublic:
    """Undo a wrong merge: take this record out of its cluster."""
    review.split(session, actor, kind, record_id, data.reason)
    return _cluster(kind, record_id, review.cluster_of(session, actor, kind, record_id))


@router.post("/matches/incidents", response_model=ProposeReportPublic)
def link_incidents(
    data: IncidentRunIn, session: SessionDep, actor: CurrentActor
) -> ProposeReportPublic:
    """Compare every dated event with those near it in time and place and propose, for review,
    the pairs that may report one incident."""
    actor.require(Permission.RESOLVE)
    report = incidents.link_incidents(session, data.max_km, data.min_score)
    return ProposeReportPublic.model_validate(report, from_attributes=True)


@router.post("/matches/persons", response_model=ProposeReportPublic)
def resolve_persons(
    data: PersonRunIn, session: SessionDep, actor: CurrentActor
) -> ProposeReportPublic:
    """Score every plausible pair of person records (any script) and propose, for review, those
    at or above ``threshold``. Runs over the whole file: a minute or so per million persons."""
    actor.require(Permission.RESOLVE)
    report = person_resolution.resolve_persons(session, data.threshold)
    return ProposeReportPublic.model_validate(report, from_attributes=True)


@router.post("/matches/organisations", response_model=ProposeReportPublic)
def resolve_organisations(
    data: OrganisationRunIn, session: SessionDep, actor: CurrentActor
) -> ProposeReportPublic:
    """Propose, for review, organisations filed under several names (aliases, scripts)."""
    actor.require(Permission.RESOLVE)
    report = organisation_resolution.resolve_organisations(session, data.threshold)
    return ProposeReportPublic.model_validate(report, from_attributes=True)


def _corroboration(found: Corroboration) -> CorroborationPublic:
    return CorroborationPublic(
        independent_sources=found.independent, linked_sources=found.sources,
        events=found.events, originals=found.originals, hidden_sources=found.hidden_sources,
    )  # fmt: skip


@router.get("/events/{event_id}/corroboration", response_model=CorroborationPublic)
def event_corroboration(
    event_id: str, session: SessionDep, actor: CurrentActor
) -> CorroborationPublic:
    """How many independent sources support this event and those that report the same
    incident."""
    return _corroboration(corroboration.for_event(session, actor, event_id))


@router.get("/acts/{act_id}/corroboration", response_model=CorroborationPublic)
def act_corroboration(act_id: str, session: SessionDep, actor: CurrentActor) -> CorroborationPublic:
    """How many independent sources support this act."""
    return _corroboration(corroboration.for_act(session, actor, act_id))
