"""An event's evidence as a bundle for one recipient: consent decides, identities stay hidden.

What goes:
- only evidence the exporter may see, linked to the event;
- a file goes only if every person it concerns (the person each of its records names: a
  victim in a photo, the witness of a statement) has consent on file, not withdrawn, to share
  with this recipient; otherwise it is withheld and the report says why. A file's content
  cannot be pseudonymised without breaking its hash, so consent is the only gate;
- a ``publication`` never carries a RED file.

What is said about each file is pseudonymised unless the exporter asks to identify (which needs
the IDENTIFY permission): persons appear by the same pseudonym as in case exports, and the
original file name, the collector's name, the capture device and the notes are withheld, since
each can name or locate someone. What the file itself carries (``extracted``) is disclosed: it
travels inside the file anyway.

Every custody entry about an exported file goes with it, so the chain is complete. The export
is audited, and logged in custody by ``write_bundle`` in the caller's transaction.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.cases import consent as consents
from tocsin.cases.models import Event, PersonName
from tocsin.cases.records import fetch, visible_query
from tocsin.cases.schemas import ConsentState
from tocsin.cases.vocabulary import Vocabularies
from tocsin.core import audit
from tocsin.core.access import Actor
from tocsin.core.crypto import active_keyring
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.vault.blobs import BlobStore
from tocsin.vault.bundle import BundleItem, BundleSummary, write_bundle
from tocsin.vault.evidence import statement_of_record
from tocsin.vault.models import CustodyEntry, Evidence
from tocsin.vault.signing import LogKey

PUBLICATION = "publication"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Withheld:
    evidence_id: str
    sha256: str
    reason: str


@dataclass
class EvidenceExport:
    summary: BundleSummary
    exported: list[str] = field(default_factory=list)  # evidence ids
    withheld: list[Withheld] = field(default_factory=list)
    identified: list[str] = field(default_factory=list)  # person ids named in clear


def check_recipient(session: Session, recipient: str) -> None:
    """A bundle leaves the system, so its recipient is one consent can name."""
    codes = Vocabularies.load(session).codes.get("consent_recipient", set())
    if recipient not in codes:
        raise ValidationFailed.on(
            "recipient", f"unknown {recipient!r}; use one of {', '.join(sorted(codes))}"
        )


def plan(
    session: Session, actor: Actor, event_id: str, recipient: str
) -> tuple[dict[str, list[Evidence]], list[Withheld]]:
    """Which files may go (grouped by SHA-256) and which are withheld, with the reason."""
    allowed, withheld, _ = _plan(session, actor, event_id, recipient)
    return allowed, withheld


def _plan(
    session: Session, actor: Actor, event_id: str, recipient: str
) -> tuple[dict[str, list[Evidence]], list[Withheld], dict[str, ConsentState]]:
    rows = list(
        session.scalars(
            visible_query(Evidence, actor)
            .where(Evidence.event_id == event_id)
            .order_by(Evidence.created_at, Evidence.id)
        )
    )
    states = consents.states(session, {r.person_id for r in rows if r.person_id})
    by_file: dict[str, list[Evidence]] = {}
    for r in rows:
        by_file.setdefault(r.sha256, []).append(r)
    allowed: dict[str, list[Evidence]] = {}
    withheld: list[Withheld] = []
    for sha256, group in by_file.items():
        reason = _refusal(group, states, recipient)
        if reason is None:
            allowed[sha256] = group
        else:
            withheld.extend(Withheld(r.id, sha256, reason) for r in group)
    return allowed, withheld, states


def _refusal(
    group: list[Evidence], states: dict[str, ConsentState], recipient: str
) -> str | None:
    if recipient == PUBLICATION and any(r.tlp >= TLP.RED for r in group):
        return "a RED file is never published"
    for r in group:
        if r.person_id is None:
            continue
        state = states.get(r.person_id)
        if state is None:
            return "the person it concerns has no consent on file"
        if state.withdrawn:
            return "the person it concerns withdrew consent"
        if not consents.allows(state, recipient):
            return f"the person it concerns did not consent to sharing with {recipient}"
    return None


def export_event(
    session: Session,
    actor: Actor,
    store: BlobStore,
    log_key: LogKey,
    event_id: str,
    recipient: str,
    out_path: Path,
    *,
    identify: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> EvidenceExport:
    """Write the bundle of ``event_id``'s evidence for ``recipient``; see the module docstring.

    ``progress(bytes_written, total_bytes)`` follows the copying of the files.
    """
    actor.require(Permission.EXPORT)
    if identify:
        actor.require(Permission.IDENTIFY)
    check_recipient(session, recipient)
    event = fetch(session, Event, event_id, actor, "event")
    allowed, withheld, states = _plan(session, actor, event.id, recipient)
    if not allowed:
        why = f"; {len(withheld)} withheld: {withheld[0].reason}" if withheld else ""
        raise ValidationFailed.on(
            "recipient", f"no evidence of this event may go to {recipient}{why}"
        )
    names = _names(session, allowed) if identify else {}
    ring = active_keyring()
    items: list[BundleItem] = []
    identified: set[str] = set()
    for sha256, group in allowed.items():
        records = []
        for r in group:
            records.append(_disclosed(r, ring.pseudonym, names if identify else None))
            if identify and r.person_id:
                identified.add(r.person_id)
        entries = session.scalars(
            select(CustodyEntry.seq).where(CustodyEntry.subject_sha256 == sha256)
        ).all()
        # The custody log says under which consent each file left: the consent records' ids.
        relied_on = sorted({states[r.person_id].consent_id or "" for r in group if r.person_id})
        log = {"evidence_ids": [r.id for r in group], "consent_ids": relied_on}
        items.append(BundleItem(sha256, {"records": records}, sorted(entries), log))
    total = sum(group[0].size for group in allowed.values())
    summary = write_bundle(
        out_path, store, session, log_key, items, recipient, actor.email or actor.user_id or "",
        None if progress is None else (lambda done: progress(done, total)),
    )
    exported = [r.id for group in allowed.values() for r in group]
    detail = {"recipient": recipient, "bundle": summary.bundle_id, "identify": identify,
              "files": len(items), "records": exported,
              "withheld": [w.evidence_id for w in withheld]}  # fmt: skip
    audit.record(session, actor, audit.Action.EXPORT, "evidence_bundle", event.id, detail,
                 f"evidence bundle of {len(items)} files for {recipient}")  # fmt: skip
    if identified:
        audit.record(session, actor, audit.Action.IDENTIFY, "evidence_bundle", event.id,
                     {"recipient": recipient, "bundle": summary.bundle_id,
                      "persons": sorted(identified)})  # fmt: skip
    return EvidenceExport(summary, exported, withheld, sorted(identified))


def _names(session: Session, allowed: dict[str, list[Evidence]]) -> dict[str, list[str]]:
    ids = {r.person_id for group in allowed.values() for r in group if r.person_id}
    out: dict[str, list[str]] = {}
    rows = session.scalars(
        select(PersonName)
        .where(PersonName.person_id.in_(ids))
        .order_by(PersonName.person_id, PersonName.position)
    )
    for n in rows:
        out.setdefault(n.person_id, []).append(n.value)
    return out


def _disclosed(
    r: Evidence, pseudonym: Callable[[str, str], str], names: dict[str, list[str]] | None
) -> dict[str, Any]:
    """What the bundle says about one record: names only when ``names`` is given."""
    identify = names is not None
    extension = mimetypes.guess_extension(r.media_type, strict=False) or ""
    person: dict[str, Any] | None = None
    if r.person_id is not None:
        person = {"ref": pseudonym("person", r.person_id)}
        if names is not None:
            person = {"ref": r.person_id, "names": names.get(r.person_id, [])}
    stated = statement_of_record(r)
    out: dict[str, Any] = {
        "evidence_id": r.id,
        "kind": r.kind,
        "media_type": r.media_type,
        "event_id": r.event_id,
        "person": person,
        "tlp": TLP(r.tlp).label,
        "recorded_at": r.created_at.isoformat(),
        "original_name": r.original_name if identify else f"{r.kind}-{r.sha256[:12]}{extension}",
        "collected_at": stated["collected_at"],
        "place": stated["place"],
        "source_url": stated["source_url"],
        "captured_at": stated["captured_at"],
        "extracted": r.extracted,
    }
    for key in ("collected_by", "capture_device", "notes"):
        out[key] = stated[key] if identify or stated[key] is None else WITHHELD
    if identify:
        # With the salt, anyone can recompute the digest the ``collected`` entry carries and so
        # check that this statement is the one made at collection time.
        out["statement"] = stated
        out["statement_salt"] = r.statement_salt
    return out
