"""Evidence export bundles: a zip a court expert can verify without Tocsin.

``write_bundle`` writes the decrypted files, their metadata, their custody entries with
inclusion proofs, a freshly signed tree head and the log's public key, and a manifest of every
member's size, SHA-256 and SHA-512 (layout in docs/formats.md, "Evidence bundles").
``tocsin/vault/verify_bundle.py`` checks one with the standard library and ``cryptography``
alone; a copy of it travels inside the bundle.

The export itself goes into the custody log: one ``exported`` entry per file, whose details bind
the recipient, this bundle's id, the file's SHA-512 and the SHA-256 of its metadata file, then a
new tree head is signed over the log including those entries. The head in the bundle therefore
covers the export, and a changed metadata file or recipient is caught even if the manifest is
rewritten to match.

What goes in is the caller's decision. This module does not look at evidence records, consent
or protected persons: the caller passes only the files that consent allows for this recipient,
with metadata already pseudonymised, and only the custody entries it means to disclose. Entries
are appended in the caller's transaction, so if writing fails and the caller rolls back, the log
does not claim an export that never happened. File contents are streamed from the blob store
chunk by chunk (each chunk authenticated, the whole file checked against its name at its end),
so memory stays bounded; the log is only locked for the short custody part at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tocsin.core.clock import utcnow
from tocsin.core.errors import Conflict, ValidationFailed
from tocsin.vault import custody
from tocsin.vault.blobs import BlobNotFound, BlobStore
from tocsin.vault.custody import Kind, NewEntry
from tocsin.vault.models import CustodyEntry
from tocsin.vault.signing import LogKey, TreeHead
from tocsin.vault.vault_key import fsync_dir
from tocsin.vault.verify_bundle import (
    ENTRIES,
    FILES,
    FORMAT,
    MANIFEST,
    METADATA,
    PROOFS,
    PUBLIC_HEX,
    PUBLIC_PEM,
    TREE_HEAD,
)

VERIFIER = "verify_bundle.py"
README = "VERIFY.txt"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_SOURCE = Path(__file__).with_name("verify_bundle.py")


@dataclass(frozen=True)
class BundleItem:
    """One file to export: its SHA-256, the metadata to disclose, the custody entries to show."""

    sha256: str
    metadata: Mapping[str, Any]
    custody_indexes: Sequence[int] = ()
    # Added to the file's ``exported`` entry: what the export relied on (the consents, say).
    log_details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportedFile:
    sha256: str
    sha512: str
    size: int
    exported_entry: int


@dataclass(frozen=True)
class BundleSummary:
    path: Path
    bundle_id: str
    recipient: str
    head: TreeHead
    files: list[ExportedFile] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


class _Digests:
    """Size, SHA-256 and SHA-512 of what is written to one member, SHA-512 on a helper."""

    def __init__(self, helper: ThreadPoolExecutor) -> None:
        self.helper = helper
        self.sha256, self.sha512, self.size = hashlib.sha256(), hashlib.sha512(), 0

    def write(self, out: IO[bytes], chunk: bytes) -> None:
        pending = self.helper.submit(self.sha512.update, chunk)
        self.sha256.update(chunk)
        out.write(chunk)
        self.size += len(chunk)
        pending.result()

    def row(self, path: str) -> dict[str, Any]:
        return {
            "path": path,
            "size": self.size,
            "sha256": self.sha256.hexdigest(),
            "sha512": self.sha512.hexdigest(),
        }


class _Writer:
    """A zip being written, with the manifest row of every member."""

    def __init__(self, zf: zipfile.ZipFile, stamp: tuple[int, int, int, int, int, int]) -> None:
        self.zf = zf
        self.stamp = stamp
        self.rows: list[dict[str, Any]] = []
        self.helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bundle-sha512")

    def stream(self, name: str, chunks: Iterable[bytes], *, compress: bool) -> dict[str, Any]:
        info = zipfile.ZipInfo(name, self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o444 << 16
        digests = _Digests(self.helper)
        with self.zf.open(info, "w", force_zip64=True) as out:
            for chunk in chunks:
                digests.write(out, chunk)
        row = digests.row(name)
        self.rows.append(row)
        return row

    def add(self, name: str, data: bytes) -> dict[str, Any]:
        return self.stream(name, [data], compress=True)


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False).encode()


def _check_items(session: Session, store: BlobStore, items: Sequence[BundleItem]) -> None:
    if not items:
        raise ValidationFailed.on("items", "a bundle needs at least one file")
    seen: set[str] = set()
    for item in items:
        if not _SHA256_HEX.fullmatch(item.sha256):
            raise ValidationFailed.on("sha256", "must be 64 lowercase hexadecimal digits")
        if item.sha256 in seen:
            raise ValidationFailed.on("items", f"file {item.sha256} is listed twice")
        seen.add(item.sha256)
        if item.sha256 not in store:
            raise BlobNotFound(f"no stored evidence file {item.sha256}")
    wanted = [(i, item.sha256) for item in items for i in item.custody_indexes]
    found = _column(session, CustodyEntry.subject_sha256, [i for i, _ in wanted])
    for index, sha in wanted:
        if found.get(index) != sha:
            raise ValidationFailed.on(
                "custody_indexes", f"custody entry {index} is not about file {sha}"
            )


def _column(session: Session, column: Any, indexes: Sequence[int]) -> dict[int, Any]:
    """One column of the custody entries at these indexes, by index."""
    wanted = sorted(set(indexes))
    out: dict[int, Any] = {}
    for at in range(0, len(wanted), 500):
        q = select(CustodyEntry.seq, column).where(CustodyEntry.seq.in_(wanted[at : at + 500]))
        out.update((row[0], row[1]) for row in session.execute(q))
    return out


def write_bundle(
    out_path: Path,
    store: BlobStore,
    session: Session,
    log_key: LogKey,
    items: list[BundleItem],
    recipient: str,
    exported_by: str,
    progress: Callable[[int], None] | None = None,
) -> BundleSummary:
    """Write the bundle for ``recipient``; see the module docstring for what is the caller's.

    ``progress(bytes_written)`` is called as the evidence files are copied."""
    if not recipient.strip():
        raise ValidationFailed.on("recipient", "say who the bundle is for")
    _check_items(session, store, items)
    if out_path.exists():
        raise Conflict(f"{out_path} already exists; a bundle is never overwritten")
    bundle_id = str(uuid.uuid4())
    now = utcnow()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "bundle_id": bundle_id,
        "recipient": recipient,
        "exported_by": exported_by,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    tmp = out_path.with_name(f".{out_path.name}.{bundle_id}.partial")
    try:
        with tmp.open("xb") as fh:
            with zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
                writer = _Writer(zf, now.timetuple()[:6])
                try:
                    rows = _write_files(writer, store, items, progress)
                    head, files = _export(writer, session, log_key, items, manifest, rows)
                finally:
                    writer.helper.shutdown()
                manifest["tree_size"] = head.tree_size
                manifest["files"] = writer.rows
                zf.writestr(MANIFEST, _json(manifest), zipfile.ZIP_DEFLATED)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, out_path)  # never replaces a file that appeared meanwhile
        fsync_dir(out_path.parent)
    except FileExistsError:
        raise Conflict(f"{out_path} already exists; a bundle is never overwritten") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return BundleSummary(out_path, bundle_id, recipient, head, files)


def _write_files(
    writer: _Writer,
    store: BlobStore,
    items: Sequence[BundleItem],
    progress: Callable[[int], None] | None,
) -> dict[str, dict[str, Any]]:
    """The slow part, before the log is touched: the files and their metadata.

    Returns the manifest rows of each file (by its SHA-256) and of its metadata file
    (by ``meta:`` and its SHA-256).
    """
    rows: dict[str, dict[str, Any]] = {}
    done = 0

    def counted(chunks: Iterable[bytes]) -> Iterator[bytes]:
        nonlocal done
        for chunk in chunks:
            yield chunk
            done += len(chunk)
            if progress is not None:
                progress(done)

    for item in items:
        row = writer.stream(FILES + item.sha256, counted(store.open(item.sha256)), compress=False)
        meta = {
            "sha256": item.sha256,
            "sha512": row["sha512"],
            "size": row["size"],
            "custody_entries": sorted(item.custody_indexes),
            "metadata": dict(item.metadata),
        }
        rows[item.sha256] = row
        rows[f"meta:{item.sha256}"] = writer.add(f"{METADATA}{item.sha256}.json", _json(meta))
    return rows


def _export(
    writer: _Writer,
    session: Session,
    log_key: LogKey,
    items: Sequence[BundleItem],
    manifest: dict[str, Any],
    rows: dict[str, dict[str, Any]],
) -> tuple[TreeHead, list[ExportedFile]]:
    """Log the export, sign a head over it, and write the custody part and the verifier."""
    details = {"recipient": manifest["recipient"], "exported_by": manifest["exported_by"],
               "bundle": manifest["bundle_id"]}  # fmt: skip
    logged = custody.append_many(
        session,
        [
            NewEntry(None, Kind.EXPORTED, item.sha256, {
                **item.log_details,
                **details,
                "sha512": rows[item.sha256]["sha512"],
                "metadata_sha256": rows[f"meta:{item.sha256}"]["sha256"],
            })
            for item in items
        ],
    )  # fmt: skip
    head = custody.sign_head(session, log_key)
    indexes = sorted({i for item in items for i in item.custody_indexes} |
                     {e.index for e in logged})  # fmt: skip
    data = _column(session, CustodyEntry.entry, indexes)
    writer.add(ENTRIES, b"".join(data[i] + b"\n" for i in indexes))
    proofs = []
    for i in indexes:
        proof = custody.inclusion_proof(session, i, head.tree_size)
        proofs.append({"index": i, "leaf_hash": proof.leaf_hash.hex(),
                       "path": [h.hex() for h in proof.path]})  # fmt: skip
    writer.add(PROOFS, _json({"tree_size": head.tree_size, "proofs": proofs}))
    writer.add(TREE_HEAD, _json({
        "tree_size": head.tree_size,
        "timestamp_ms": head.timestamp_ms,
        "root_hash": head.root_hash.hex(),
        "signature": head.signature.hex(),
        "key_id": head.key_id,
    }))  # fmt: skip
    writer.add(PUBLIC_PEM, log_key.public_pem())
    writer.add(PUBLIC_HEX, log_key.public_raw().hex().encode() + b"\n")
    verifier = writer.add(VERIFIER, _SOURCE.read_bytes())
    writer.add(README, _readme(manifest, head, log_key, verifier["sha256"]).encode())
    files = [
        ExportedFile(item.sha256, rows[item.sha256]["sha512"], rows[item.sha256]["size"], e.index)
        for item, e in zip(items, logged, strict=True)
    ]
    return head, files


def _readme(manifest: dict[str, Any], head: TreeHead, key: LogKey, verifier_sha256: str) -> str:
    return f"""\
Tocsin evidence bundle {manifest["bundle_id"]}
For: {manifest["recipient"]}
Exported by: {manifest["exported_by"]} at {manifest["created_at"]}

WHAT IS IN THIS BUNDLE
  files/<sha256>            each evidence file exactly as collected, named by its SHA-256
  metadata/<sha256>.json    what is disclosed about it, and which custody entries concern it
  custody/entries.jsonl     those custody log entries, one per line, byte for byte as logged
  custody/proofs.json       for each entry, a proof that it is in the signed custody log
  custody/tree_head.json    the custody log's signed statement of its size and root hash
  custody/public_key.pem    the Ed25519 public key of the custody log (also as raw hex in
  custody/public_key.hex    public_key.hex)
  manifest.json             size, SHA-256 and SHA-512 of every other file in the bundle
  verify_bundle.py          the verifier (see below)

HOW TO VERIFY
  You need Python 3.11 or newer and the "cryptography" package (pip install cryptography);
  Tocsin itself is not needed. Do not unpack the zip; run:

      python3 verify_bundle.py BUNDLE.zip --expect-key {key.public_raw().hex()}

  Preferably use a copy of verify_bundle.py obtained from the published Tocsin source rather
  than the copy in this bundle, and compare: the copy here has SHA-256
  {verifier_sha256}.
  Confirm the public key given after --expect-key with the sender by a separate channel (for
  example by telephone): a bundle can only prove it was signed by the key it is checked
  against. The key id (SHA-256 of the raw key) is {head.key_id}.

  The verifier prints one line per check, OK or FAILED with the item concerned, then either
  "VERDICT: INTACT" (exit code 0) or "VERDICT: NOT INTACT (n problems)" (exit code 1).

WHAT THE VERIFIER CHECKS
  1. The zip holds exactly the files listed in manifest.json, nothing missing, nothing extra.
  2. Every file's size, SHA-256 and SHA-512 match the manifest, and every evidence file's
     SHA-256 is its name.
  3. The tree head (custody log of {head.tree_size} entries, root {head.root_hash.hex()})
     carries a valid Ed25519 signature by the bundled key.
  4. Every custody entry hashes (SHA-256 of a 0x00 byte then the entry line) to the leaf hash
     of its proof, and every proof leads to the signed root (RFC 9162, section 2.1.3.2).
  5. Every evidence file has a custody trail that includes this export: an "exported" entry
     naming the file's SHA-256, its SHA-512, the SHA-256 of its metadata file, this bundle's id
     and the recipient. Because that entry is covered by the signed tree head, a file, its
     metadata or the recipient cannot be changed without the verdict saying so.

  The signed bytes, hash formats and bundle layout are described in docs/formats.md of the
  Tocsin source ("Custody log" and "Evidence bundles").
"""
