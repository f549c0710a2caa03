"""Verify a Tocsin evidence bundle without Tocsin: Python 3.11+ standard library + cryptography.

    python verify_bundle.py BUNDLE.zip [--expect-key HEX]

This file is deliberately self-contained (it imports nothing from Tocsin) so that an expert can
read it in one sitting, compare it with RFC 6962 / RFC 9162 and docs/formats.md ("Custody log",
"Evidence bundles"), and run it on a machine that has never seen Tocsin. It never extracts the
bundle: every member is read in place, in 1 MiB pieces, so memory stays bounded whatever the
size of the evidence.

Checks, each printed as one line with OK or FAILED and the item it is about:

* the manifest lists exactly the members of the zip (nothing missing, nothing extra);
* every member's size, SHA-256 and SHA-512 match the manifest, and every evidence file's
  SHA-256 matches its name ``files/<sha256>``;
* the tree head's Ed25519 signature verifies with the bundled public key (PEM and raw hex agree,
  the key id is the SHA-256 of the raw key, and with ``--expect-key`` the key is the one given);
* every custody entry's leaf hash SHA-256(0x00 || entry) matches its proof, and every inclusion
  proof leads to the signed root;
* every evidence file has a custody trail, including this bundle's ``exported`` entry, which
  binds the file's SHA-512, its metadata file and the recipient to the signed log.

Exit code 0 and "VERDICT: INTACT" only if every check passed; otherwise exit code 1 and
"VERDICT: NOT INTACT (n problems)".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import struct
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "tocsin-evidence-bundle/1"
MANIFEST = "manifest.json"
ENTRIES = "custody/entries.jsonl"
PROOFS = "custody/proofs.json"
TREE_HEAD = "custody/tree_head.json"
PUBLIC_PEM = "custody/public_key.pem"
PUBLIC_HEX = "custody/public_key.hex"
FILES = "files/"
METADATA = "metadata/"
READ = 1 << 20
MAX_JSON = 256 << 20  # a manifest, proof list or entry list larger than this is refused
HEAD_CONTEXT = b"tocsin-tree-head-v1\x00"
HEAD_FORMAT = struct.Struct(">QQ32s")
HASH_SIZE = 32
_HEX64 = re.compile(r"[0-9a-f]{64}")
# What reading a damaged zip member can raise: bad CRC or header, corrupt or cut deflate data,
# a compression method or encryption flag changed.
READ_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError,
    ValueError,
)  # fmt: skip


# --- RFC 6962 / RFC 9162 Merkle tree -------------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, step by step."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def head_bytes(tree_size: int, timestamp_ms: int, root: bytes) -> bytes:
    """The 68 signed bytes of a tree head (docs/formats.md, "Signed tree head")."""
    return HEAD_CONTEXT + HEAD_FORMAT.pack(tree_size, timestamp_ms, root)


# --- Report ----------------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: int = 0

    def ok(self, item: str, detail: str) -> None:
        self.lines.append(f"OK      {item}: {detail}")

    def fail(self, item: str, detail: str) -> None:
        self.problems += 1
        self.lines.append(f"FAILED  {item}: {detail}")

    def check(self, good: bool, item: str, ok: str, failed: str) -> bool:
        (self.ok if good else self.fail)(item, ok if good else failed)
        return good

    @property
    def verdict(self) -> str:
        if self.problems:
            return f"VERDICT: NOT INTACT ({self.problems} problem{'s' * (self.problems != 1)})"
        return "VERDICT: INTACT"


class Unusable(Exception):
    """A part the other checks depend on cannot be read; reported once, as one problem."""


# --- Reading members -------------------------------------------------------------------------


def digest_member(zf: zipfile.ZipFile, name: str) -> tuple[int, str, str]:
    """Size, SHA-256 and SHA-512 of a member, read in pieces (SHA-512 on a helper thread)."""
    sha256, sha512 = hashlib.sha256(), hashlib.sha512()
    size = 0
    with zf.open(name) as fh, ThreadPoolExecutor(max_workers=1) as helper:
        while piece := fh.read(READ):
            pending = helper.submit(sha512.update, piece)
            sha256.update(piece)
            size += len(piece)
            pending.result()
    return size, sha256.hexdigest(), sha512.hexdigest()


def read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise Unusable(f"{name} is missing from the bundle") from None
    if info.file_size > MAX_JSON:
        raise Unusable(f"{name} is {info.file_size} bytes, more than a bundle ever needs")
    try:
        with zf.open(info) as fh:
            return fh.read(MAX_JSON + 1)
    except READ_ERRORS as exc:
        raise Unusable(f"{name} cannot be read: {exc}") from None


def read_json(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return json.loads(read_small(zf, name))
    except ValueError as exc:  # also UnicodeDecodeError
        raise Unusable(f"{name} is not valid JSON: {exc}") from None


def unhex(value: Any, size: int, what: str) -> bytes:
    if not isinstance(value, str) or len(value) != 2 * size:
        raise Unusable(f"{what} is not {size} bytes of hexadecimal")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise Unusable(f"{what} is not hexadecimal") from None


# --- Checks ------------------------------------------------------------------------------------


def check_members(
    zf: zipfile.ZipFile, manifest: dict[str, Any], report: Report
) -> dict[str, dict[str, Any]]:
    """Nothing missing, nothing extra, and every listed member's size and hashes; returns the
    manifest's rows by name (for the members that exist)."""
    rows = manifest.get("files")
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise Unusable("manifest.json has no list of files")
    names = [i.filename for i in zf.infolist()]
    present = set(names)
    for dup in sorted(n for n, count in Counter(names).items() if count > 1):
        report.fail(dup, "appears more than once in the zip")
    listed: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = row.get("path")
        if not isinstance(name, str) or name in listed or name == MANIFEST:
            report.fail(f"manifest entry {name!r}", "invalid or repeated path")
            continue
        listed[name] = row
    for name in sorted(present - set(listed) - {MANIFEST}):
        report.fail(name, "extra file: in the zip but not in the manifest")
    for name in sorted(set(listed) - present):
        report.fail(name, "missing: listed in the manifest but not in the zip")
    found = {n: r for n, r in listed.items() if n in present}
    for name, row in sorted(found.items()):
        try:
            size, sha256, sha512 = digest_member(zf, name)
        except READ_ERRORS as exc:
            report.fail(name, f"cannot be read, content altered or damaged ({exc})")
            continue
        wrong = [
            what
            for what, mine, theirs in (
                ("size differs", size, row.get("size")),
                ("SHA-256 differs", sha256, row.get("sha256")),
                ("SHA-512 differs", sha512, row.get("sha512")),
            )
            if mine != theirs
        ]
        if name.startswith(FILES) and name[len(FILES) :] != sha256:
            wrong.append("its SHA-256 is not its name")
        report.check(
            not wrong,
            name,
            f"{size} bytes, SHA-256 and SHA-512 match",
            f"does not match the manifest ({', '.join(wrong)}); its SHA-256 is {sha256}",
        )
    return found


def check_key(
    zf: zipfile.ZipFile, expect: str | None, report: Report
) -> tuple[Ed25519PublicKey, str]:
    raw = unhex(read_small(zf, PUBLIC_HEX).decode("ascii", "replace").strip(), 32, PUBLIC_HEX)
    try:
        key = Ed25519PublicKey.from_public_bytes(raw)
        pem = serialization.load_pem_public_key(read_small(zf, PUBLIC_PEM))
    except ValueError as exc:
        raise Unusable(f"the public key cannot be loaded: {exc}") from None
    pem_raw = (
        pem.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if isinstance(pem, Ed25519PublicKey)
        else b""
    )
    kid = hashlib.sha256(raw).hexdigest()
    report.check(
        pem_raw == raw,
        "custody/public_key",
        f"Ed25519 key {raw.hex()} (key id {kid}), PEM and hex agree",
        "public_key.pem and public_key.hex are not the same Ed25519 key",
    )
    if expect is not None:
        wanted = expect.strip().lower()
        report.check(
            wanted in (raw.hex(), kid),
            "expected key",
            "the bundle is signed by the key you expected",
            f"the bundle's key is {raw.hex()} (key id {kid}), not {wanted}",
        )
    return key, kid


def _u64(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64


@dataclass(frozen=True)
class Head:
    tree_size: int
    timestamp_ms: int
    root: bytes


def check_head(zf: zipfile.ZipFile, key: Ed25519PublicKey, kid: str, report: Report) -> Head:
    data = read_json(zf, TREE_HEAD)
    if not isinstance(data, dict):
        raise Unusable(f"{TREE_HEAD} is not a JSON object")
    size, ts = data.get("tree_size"), data.get("timestamp_ms")
    if not (isinstance(size, int) and isinstance(ts, int) and _u64(size) and _u64(ts)):
        raise Unusable(f"{TREE_HEAD}: tree_size and timestamp_ms must be unsigned 64-bit")
    head = Head(size, ts, unhex(data.get("root_hash"), 32, "the tree head's root_hash"))
    signature = unhex(data.get("signature"), 64, "the tree head's signature")
    try:
        key.verify(signature, head_bytes(head.tree_size, head.timestamp_ms, head.root))
        signed = True
    except InvalidSignature:
        signed = False
    report.check(
        signed and data.get("key_id") == kid,
        "custody/tree_head.json",
        f"Ed25519 signature valid: {size} entries, root {head.root.hex()}, timestamp {ts} ms",
        "the signature does not verify with the bundled key for this size, time and root"
        if not signed
        else f"key_id {data.get('key_id')!r} is not the bundled key's id {kid}",
    )
    return head


def load_proofs(zf: zipfile.ZipFile, head: Head) -> dict[int, tuple[bytes, list[bytes]]]:
    data = read_json(zf, PROOFS)
    if not isinstance(data, dict) or not isinstance(data.get("proofs"), list):
        raise Unusable(f"{PROOFS} has no list of proofs")
    if data.get("tree_size") != head.tree_size:
        raise Unusable(f"{PROOFS} is for {data.get('tree_size')} entries, the head for "
                       f"{head.tree_size}")  # fmt: skip
    proofs: dict[int, tuple[bytes, list[bytes]]] = {}
    for i, p in enumerate(data["proofs"]):
        what = f"proof {i} in {PROOFS}"
        if not isinstance(p, dict) or not isinstance(p.get("index"), int):
            raise Unusable(f"{what} has no index")
        path = p.get("path")
        if not isinstance(path, list):
            raise Unusable(f"{what} has no path")
        proofs[p["index"]] = (
            unhex(p.get("leaf_hash"), 32, f"{what} leaf_hash"),
            [unhex(h, 32, f"{what} path") for h in path],
        )
    return proofs


@dataclass(frozen=True)
class Entry:
    index: int
    kind: str
    subject: str
    details: dict[str, Any]


def check_entries(zf: zipfile.ZipFile, head: Head, report: Report) -> list[Entry]:
    """Each entry line's leaf hash, and its inclusion proof against the signed root."""
    proofs = load_proofs(zf, head)
    entries: list[Entry] = []
    seen: set[int] = set()
    lines = read_small(zf, ENTRIES).split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for n, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
            index, kind, subject = data["index"], data["kind"], data["subject_sha256"]
            details = data["details"]
            if not (isinstance(index, int) and isinstance(kind, str) and isinstance(subject, str)
                    and isinstance(details, dict)):  # fmt: skip
                raise TypeError
        except (ValueError, KeyError, TypeError):
            report.fail(f"custody entry on line {n}", "is not a custody entry")
            continue
        item = f"custody entry {index}"
        if index in seen:
            report.fail(item, "appears twice")
            continue
        seen.add(index)
        proof = proofs.get(index)
        if proof is None:
            report.fail(item, f"has no inclusion proof in {PROOFS}")
            continue
        leaf = leaf_hash(line)
        good_leaf = report.check(
            leaf == proof[0],
            item + " leaf hash",
            f"{kind} of {subject[:16]}..., leaf hash {leaf.hex()[:16]}... matches",
            f"the entry's bytes hash to {leaf.hex()}, not to the leaf hash in its proof: "
            "the entry or the proof was changed",
        )
        included = verify_inclusion(leaf, index, head.tree_size, proof[1], head.root)
        report.check(
            included,
            item + " inclusion proof",
            f"included in the signed tree of {head.tree_size} entries",
            "does not lead to the signed root: the entry, its proof or the tree head was changed",
        )
        if good_leaf and included:
            entries.append(Entry(index, kind, subject, details))
    for index in sorted(set(proofs) - seen):
        report.fail(f"custody entry {index}", f"has a proof but no line in {ENTRIES}")
    return entries


def check_trails(
    manifest: dict[str, Any],
    members: dict[str, dict[str, Any]],
    entries: list[Entry],
    report: Report,
) -> None:
    """Every evidence file has a custody trail, with this bundle's export among it."""
    files = sorted(n[len(FILES) :] for n in members if n.startswith(FILES))
    bundle, recipient = manifest.get("bundle_id"), manifest.get("recipient")
    for sha in files:
        trail = [e for e in entries if e.subject == sha]
        meta = members.get(f"{METADATA}{sha}.json", {})
        export = [
            e
            for e in trail
            if e.kind == "exported"
            and e.details.get("bundle") == bundle
            and e.details.get("recipient") == recipient
            and e.details.get("sha512") == members[FILES + sha].get("sha512")
            and e.details.get("metadata_sha256") == meta.get("sha256")
        ]
        kinds = ", ".join(f"{e.kind} (entry {e.index})" for e in trail)
        report.check(
            bool(export),
            f"custody trail of files/{sha}",
            kinds,
            "no verified exported entry for this bundle names this file, its SHA-512, its "
            f"metadata and the recipient (entries found: {kinds or 'none'})",
        )
    for e in entries:
        if e.subject not in files:
            report.fail(f"custody entry {e.index}", f"is about {e.subject}, not in the bundle")


def verify(path: str, expect_key: str | None = None) -> Report:
    report = Report()
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = read_json(zf, MANIFEST)
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise Unusable(f"manifest.json is not a {FORMAT} manifest")
            report.ok(
                MANIFEST,
                f"{FORMAT}, bundle {manifest.get('bundle_id')} for "
                f"{manifest.get('recipient')!r}, exported by {manifest.get('exported_by')!r} "
                f"at {manifest.get('created_at')}",
            )
            members = check_members(zf, manifest, report)
            key, kid = check_key(zf, expect_key, report)
            head = check_head(zf, key, kid, report)
            entries = check_entries(zf, head, report)
            check_trails(manifest, members, entries, report)
    except Unusable as exc:
        report.fail("bundle", str(exc))
    except READ_ERRORS as exc:
        report.fail("bundle", f"cannot be read as a zip file: {exc}")
    except Exception as exc:  # never INTACT on a surprise; the detail helps whoever reports it
        report.fail("bundle", f"verification stopped: {type(exc).__name__}: {exc}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify a Tocsin evidence bundle (hashes, custody proofs, signature)."
    )
    parser.add_argument("bundle", help="the bundle .zip file")
    parser.add_argument(
        "--expect-key",
        metavar="HEX",
        help="the log's public key (64 hex digits) or key id, obtained independently",
    )
    args = parser.parse_args(argv)
    if args.expect_key is not None and not _HEX64.fullmatch(args.expect_key.strip().lower()):
        parser.error("--expect-key takes 64 hexadecimal digits")
    report = verify(args.bundle, args.expect_key)
    for line in report.lines:
        print(line)
    print(report.verdict)
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
