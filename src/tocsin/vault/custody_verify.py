"""Verify the custody log from nothing but its stored bytes and the log's public key.

Triggers keep honest code from changing the log; this catches everyone else. Entries are read
in index order in batches (O(n) time, O(log n) memory for the tree) and every check names the
first thing that fails:

1. every signed tree head carries a valid Ed25519 signature by this key;
2. indexes run 0, 1, 2, ... with no gap;
3. each entry's bytes hash to its stored leaf hash (an entry edited in place is named here);
4. each entry's bytes are canonical and agree with the columns repeated beside them;
5. each stored subtree hash equals the one recomputed from the entries (an entry whose bytes and
   leaf hash were both rewritten is named here, to within the subtree's range of entries);
6. the root recomputed at each signed size equals the signed root, and no head covers more
   entries than the log still holds (entries removed from the end).
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.vault import merkle
from tocsin.vault.custody import BATCH, ENTRY_VERSION, Kind, Verdict, canonical_json
from tocsin.vault.models import CustodyEntry, CustodyNode, StoredTreeHead
from tocsin.vault.signing import LogKey, PublicKey, TreeHead, key_id, verify_tree_head


def _heads(session: Session) -> list[TreeHead]:
    rows = session.scalars(
        select(StoredTreeHead).order_by(StoredTreeHead.tree_size, StoredTreeHead.id)
    )
    return [TreeHead(r.tree_size, r.timestamp_ms, r.root_hash, r.signature, r.key_id) for r in rows]


def _disagreement(row: Any) -> str | None:
    """Why an entry's bytes and its columns do not tell the same story, if they do not."""
    try:
        data = json.loads(row.entry)
        if canonical_json(data) != row.entry:
            return "its bytes are not in canonical form"
        actor = data["actor"] or {}
        expected = {
            "index": row.seq,
            "kind": Kind(row.kind).value,
            "subject_sha256": row.subject_sha256,
            "user_id": row.user_id,
            "who": row.who,
            "v": ENTRY_VERSION,
        }
        actual = {
            "index": data["index"],
            "kind": data["kind"],
            "subject_sha256": data["subject_sha256"],
            "user_id": actor.get("user_id"),
            "who": actor.get("email", ""),
            "v": data["v"],
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return "its bytes are not a custody entry"
    for name, value in expected.items():
        if actual[name] != value:
            return f"column {name} disagrees with the hashed entry"
    return None


def _stored_nodes(session: Session, keys: list[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
    """The stored subtrees a batch completed: per level they are one run of indexes, so each
    level is one indexed range scan (a row-value IN list would make SQLite scan the table)."""
    spans: dict[int, tuple[int, int]] = {}
    for level, i in keys:
        lo, hi = spans.get(level, (i, i))
        spans[level] = (min(lo, i), max(hi, i))
    found: dict[merkle.NodeKey, bytes] = {}
    for level, (lo, hi) in spans.items():
        q = select(CustodyNode.idx, CustodyNode.hash).where(
            CustodyNode.level == level, CustodyNode.idx.between(lo, hi)
        )
        found.update(((level, i), h) for i, h in session.execute(q))
    return found


def verify_log(session: Session, key: LogKey | PublicKey) -> Verdict:
    public = key.public if isinstance(key, LogKey) else key
    heads = _heads(session)
    latest = max(heads, key=lambda h: h.tree_size) if heads else None
    done = {"entries": 0, "heads": 0}

    def fail(problem: str, entry: int | None = None) -> Verdict:
        return Verdict(False, done["entries"], done["heads"], problem, entry, latest)

    for h in heads:
        if not verify_tree_head(public, h):
            ours = (
                hashlib.sha256(public).hexdigest() if isinstance(public, bytes) else key_id(public)
            )
            mine = h.key_id == ours
            why = "its signature is forged or damaged" if mine else "it was signed by another key"
            return fail(f"the tree head for {h.tree_size} entries does not verify: {why}")

    pending = deque(heads)
    frontier = merkle.Frontier()
    roots: list[tuple[TreeHead, bytes]] = []
    while pending and pending[0].tree_size == 0:
        roots.append((pending.popleft(), merkle.EMPTY_ROOT))
    columns = (
        CustodyEntry.seq,
        CustodyEntry.entry,
        CustodyEntry.leaf_hash,
        CustodyEntry.kind,
        CustodyEntry.subject_sha256,
        CustodyEntry.user_id,
        CustodyEntry.who,
    )
    while True:
        q = select(*columns).where(CustodyEntry.seq >= frontier.size).order_by(CustodyEntry.seq)
        rows = session.execute(q.limit(BATCH)).all()
        made: dict[merkle.NodeKey, bytes] = {}
        for row in rows:
            index = frontier.size
            if row.seq != index:
                return fail(f"custody entry {index} is missing", index)
            leaf = merkle.leaf_hash(row.entry)
            if leaf != row.leaf_hash:
                return fail(
                    f"custody entry {index} was changed after it was written: "
                    "its bytes no longer match its leaf hash",
                    index,
                )
            disagreement = _disagreement(row)
            if disagreement:
                return fail(f"custody entry {index}: {disagreement}", index)
            made.update(((lv, i), h) for lv, i, h in frontier.append(leaf)[1:])
            while pending and pending[0].tree_size == frontier.size:
                roots.append((pending.popleft(), frontier.root()))
        stored = _stored_nodes(session, sorted(made))
        for lv, i in sorted(made):  # lowest level first: the narrowest range of entries
            if stored.get((lv, i)) != made[(lv, i)]:
                first = i << lv
                return fail(
                    f"custody entries {first} to {first + (1 << lv) - 1}: the stored subtree "
                    "hash does not match them (an entry and its leaf hash were both rewritten, "
                    "or the subtree hash was)",
                    first,
                )
        for head, root in roots:
            if root != head.root_hash:
                return fail(
                    f"the tree head signed for {head.tree_size} entries does not match the "
                    "entries now stored"
                )
            done["heads"] += 1
        roots.clear()
        done["entries"] += len(rows)
        if len(rows) < BATCH:
            break
    if pending:
        return fail(
            f"a tree head was signed for {pending[0].tree_size} entries but the log holds "
            f"only {frontier.size}: entries were removed",
            frontier.size,
        )
    return Verdict(True, done["entries"], done["heads"], None, None, latest)
