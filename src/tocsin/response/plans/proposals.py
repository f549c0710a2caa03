"""Proposing recommended actions for a situation, an actor and a sphere (rules in ``rules``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tocsin.core.access import Actor
from tocsin.core.roles import Permission
from tocsin.library.classify import ACTOR, SPHERE, load_taxonomy
from tocsin.library.store.access import audit_nodes_read
from tocsin.library.store.models import LibraryDocument, LibraryNode
from tocsin.response.plans.candidates import addressing
from tocsin.response.plans.schemas import ProposalRequest, ProposalsPublic, SituationPublic
from tocsin.response.plans.scoring import Target, rank
from tocsin.response.plans.situation import resolve
from tocsin.risk.assessments.scale import Level


def check_actor(code: str, field: str = "actor") -> str:
    return load_taxonomy().require(ACTOR, code, field, "actor")


def check_sphere(code: str | None, field: str = "sphere") -> str | None:
    return load_taxonomy().require(SPHERE, code, field, "sphere") if code else None


def target_of(situation: SituationPublic, actor: str, sphere: str | None) -> Target:
    levels = {f.code: Level.from_code(f.level) if f.level else None for f in situation.factors}
    return Target(
        factors=levels,
        themes=tuple(situation.themes),
        actor=actor,
        sphere=sphere,
        phase=situation.phase,
    )


def propose(session: Session, actor: Actor, request: ProposalRequest) -> ProposalsPublic:
    """Library items ranked for the situation, each with its explanation."""
    actor.require(Permission.READ)
    chosen = check_actor(request.actor)
    sphere = check_sphere(request.sphere)
    situation = resolve(session, actor, request.situation)
    return proposals_for(session, actor, situation, chosen, sphere, request.limit)


def proposals_for(
    session: Session,
    actor: Actor,
    situation: SituationPublic,
    chosen: str,
    sphere: str | None,
    limit: int,
) -> ProposalsPublic:
    """Proposals for a situation already resolved (the plan pages resolve it once)."""
    target = target_of(situation, chosen, sphere)
    worked = [f.code for f in situation.worked]
    candidates = addressing(session, actor, worked, situation.themes)
    ranked = rank(candidates, target, limit)
    _audit(session, actor, [n for p in ranked if (n := session.get(LibraryNode, p.node_id))])
    return ProposalsPublic(
        situation=situation,
        actor=chosen,
        sphere=sphere,
        phase=situation.phase,
        considered=len(candidates),
        proposals=ranked,
    )


def _audit(session: Session, actor: Actor, nodes: list[LibraryNode]) -> None:
    docs = {n.document_id: session.get(LibraryDocument, n.document_id) for n in nodes}
    audit_nodes_read(
        session,
        actor,
        [(n, d) for n in nodes if (d := docs[n.document_id]) is not None],
        via="response_proposals",
    )
