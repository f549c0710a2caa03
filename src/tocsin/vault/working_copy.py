"""Working copies: an image with its identifying metadata removed, to share in place of the
original, which stays exactly as collected.

The copy is a new evidence record with its own blob, linked to the original by
``derived_from``, at the original's sharing level and for the same event and person. Its making
is in the chain of custody twice: ``copied`` on the original (naming the copy's SHA-256) and
``collected``/``received`` on the copy. Asking again returns the copy already made.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.access import Actor, ensure_visible, visible
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Permission
from tocsin.core.tlp import TLP
from tocsin.vault import custody, evidence
from tocsin.vault.blobs import BlobStore
from tocsin.vault.custody import Kind
from tocsin.vault.models import Evidence
from tocsin.vault.schemas import EvidenceCreate
from tocsin.vault.strip import can_strip, stripped

NOTE = "Working copy of evidence {id}: identifying metadata removed for sharing."


class _Reader:
    """The copy's chunks as a stream ``BlobStore.put`` can read."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.pending = b""

    def read(self, size: int = -1, /) -> bytes:
        while size < 0 or len(self.pending) < size:
            more = next(self.chunks, None)
            if more is None:
                break
            self.pending += more
        if size < 0:
            out, self.pending = self.pending, b""
        else:
            out, self.pending = self.pending[:size], self.pending[size:]
        return out


def copy_name(original: str) -> str:
    path = PurePath(original)
    return f"{path.stem}-shareable{path.suffix}"


def make(session: Session, actor: Actor, store: BlobStore, evidence_id: str) -> Evidence:
    """The working copy of ``evidence_id``, made now or found; ``duplicate`` if found."""
    actor.require(Permission.WRITE)
    original = session.get(Evidence, evidence_id)
    ensure_visible(original, actor)
    assert original is not None
    if original.derived_from is not None:
        raise ValidationFailed.on("evidence_id", "this is already a working copy")
    if not can_strip(original.media_type):
        raise ValidationFailed.on(
            "media_type",
            f"metadata cannot be removed from {original.media_type} files here; "
            "JPEG and PNG images can be made shareable",
        )
    made = session.scalar(
        select(Evidence)
        .where(Evidence.derived_from == original.id, visible(Evidence, actor))
        .order_by(Evidence.created_at)
    )
    if made is not None:
        made.duplicate = True
        return made
    meta = EvidenceCreate(
        kind=original.kind,
        event_id=original.event_id,
        person_id=original.person_id,
        original_name=copy_name(original.original_name),
        media_type=original.media_type,
        notes=NOTE.format(id=original.id),
        tlp=TLP(original.tlp).label,
    )
    copy = evidence.add(
        session, actor, store, _Reader(stripped(store.open(original.sha256), original.media_type)),
        meta,
    )  # fmt: skip
    if copy.duplicate or copy.sha256 == original.sha256:
        # Nothing to remove: the "copy" is the original itself, which is not a working copy.
        raise ValidationFailed.on("evidence_id", "this file carries no metadata to remove")
    copy.derived_from = original.id
    custody.append(session, actor, Kind.COPIED, original.sha256, {
        "evidence_id": original.id, "copy_evidence_id": copy.id, "copy_sha256": copy.sha256,
        "purpose": "working copy, identifying metadata removed",
    })  # fmt: skip
    session.flush()
    return copy
