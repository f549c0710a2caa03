"""Writing commitments and judging their progress (Permission.RESPOND). Every write is audited;
a judgement is added, never changed (the table refuses UPDATE and DELETE)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tocsin.cases.records import changed_tlp, tlp_rank, written
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.clock import utcnow
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.response.commitments.checks import (
    check_as_of,
    check_cited,
    check_country_code,
    check_dates,
    check_indicators,
    check_judged_indicators,
    check_text,
    check_urls,
    clean,
    source_of,
)
from tocsin.response.commitments.models import Commitment, CommitmentJudgement
from tocsin.response.commitments.schemas import (
    CommitmentCreate,
    CommitmentPublic,
    CommitmentUpdate,
    JudgementCreate,
    JudgementPublic,
)
from tocsin.response.commitments.sources import (
    check_shared_narrowly,
    floor_after_update,
    refuse_below,
)
from tocsin.response.commitments.views import load, public
from tocsin.response.commitments.vocabulary import (
    KIND,
    parse_actor_kind,
    parse_source_kind,
    parse_status,
)


def create_commitment(session: Session, actor: Actor, data: CommitmentCreate) -> CommitmentPublic:
    """Record a commitment. With a library paragraph, the document is the paragraph's and the
    action, when left empty, is the paragraph's text; the sharing level, when not given, is the
    document's (at least TLP:GREEN), and never wider than the document's."""
    actor.require(Permission.RESPOND)
    source = source_of(session, actor, data.node_id)
    if data.tlp is not None:
        tlp = tlp_rank(data.tlp)
    else:
        tlp = max(int(TLP.GREEN), source.tlp if source else 0)
    check_shared_narrowly(actor, tlp, source)
    action = data.action.strip() or (source.text if source else "")
    document_title = source.document_title if source else clean(data.document_title)
    check_dates(data.made_on, data.due_on)
    row = Commitment(
        actor_name=check_text(clean(data.actor_name), "actor_name", "who committed"),
        actor_kind=parse_actor_kind(data.actor_kind),
        action=check_text(action, "action", "what was committed to, or pick a paragraph"),
        node_id=source.node_id if source else None,
        document_id=source.document_id if source else None,
        document_title=document_title,
        made_on=data.made_on,
        due_on=data.due_on,
        indicators=check_indicators(data.indicators),
        country=check_country_code(data.country),
        tlp=tlp,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    written(session, actor, audit.Action.CREATE, KIND, row.id)
    return public(session, actor, row)


def update_commitment(
    session: Session, actor: Actor, commitment_id: str, data: CommitmentUpdate
) -> CommitmentPublic:
    """Change the fields given; a field set to null is cleared (the optional ones). A lower
    sharing level or another paragraph is refused when the commitment would then be shared more
    widely than its paragraph's document."""
    actor.require(Permission.RESPOND)
    row = load(session, actor, commitment_id)
    given = data.model_fields_set
    new: dict[str, Any] = {}
    source = None
    if "node_id" in given:
        source = source_of(session, actor, data.node_id)
        new["node_id"] = source.node_id if source else None
        new["document_id"] = source.document_id if source else None
        if source is not None:
            new["document_title"] = source.document_title
    if "document_title" in given and new.get("document_id", row.document_id) is None:
        new["document_title"] = clean(data.document_title)
    if data.actor_name is not None:
        new["actor_name"] = check_text(clean(data.actor_name), "actor_name", "who committed")
    if data.actor_kind is not None:
        new["actor_kind"] = parse_actor_kind(data.actor_kind)
    if data.action is not None:
        new["action"] = check_text(data.action, "action", "what was committed to")
    for name in ("made_on", "due_on", "country"):
        if name in given:
            value = getattr(data, name)
            new[name] = check_country_code(value) if name == "country" else value
    check_dates(new.get("made_on", row.made_on), new.get("due_on", row.due_on))
    if data.indicators is not None:
        new["indicators"] = check_indicators(data.indicators)
    if data.tlp is not None:
        new["tlp"] = changed_tlp(actor, row, data.tlp)
    # Only a wider level or another paragraph is checked: an edit of the due date (or a step
    # towards the right level) by someone who may not raise the level to the document's must not
    # be refused because the document was reclassified after the commitment was made.
    relinked = "node_id" in given and new["node_id"] != row.node_id
    if new.get("tlp", row.tlp) < row.tlp or relinked:
        floor = floor_after_update(session, row, source, relinked,
                                   new.get("action", row.action))  # fmt: skip
        refuse_below(actor, new.get("tlp", row.tlp), floor,
                     "tlp" if data.tlp is not None else "node_id")  # fmt: skip
    changed = [k for k, v in new.items() if getattr(row, k) != v]
    for name in changed:
        setattr(row, name, new[name])
    if changed:
        row.updated_by, row.updated_at = actor.user_id, utcnow()
        session.flush()
        written(session, actor, audit.Action.UPDATE, KIND, row.id, changed)
    return public(session, actor, row)


def record_judgement(
    session: Session, actor: Actor, commitment_id: str, data: JudgementCreate
) -> JudgementPublic:
    """Add a judgement of the commitment's progress. It becomes the current status when its
    as-of date is the latest (a later-dated judgement already recorded stays current)."""
    actor.require(Permission.RESPOND)
    row = load(session, actor, commitment_id)
    status = parse_status(data.status)
    kind = parse_source_kind(data.source_kind)
    check_as_of(data.as_of, row.made_on)
    source = clean(data.source)
    if not source:
        raise ValidationFailed.on("source", "say who says so (a report, a monitor, a body)")
    event_ids, evidence_ids = check_cited(session, actor, data.event_ids, data.evidence_ids)
    judgement = CommitmentJudgement(
        commitment_id=row.id, status=status.value, as_of=data.as_of, source=source,
        source_kind=kind.value, event_ids=event_ids, evidence_ids=evidence_ids,
        urls=check_urls(data.urls), indicators=check_judged_indicators(data.indicators,
                                                                         row.indicators),
        note=data.note.strip(), judged_by=actor.user_id, recorded_at=utcnow(),
    )  # fmt: skip
    session.add(judgement)
    session.flush()
    audit.record(session, actor, audit.Action.STATUS, KIND, row.id,
                 {"judgement": judgement.id, "status": status.value,
                  "as_of": data.as_of.isoformat()})  # fmt: skip
    shown = public(session, actor, row).judgements
    return next(j for j in shown if j.id == judgement.id)
