"""Export bundles on real SQLite and PostgreSQL: written, verified standalone, and tampered with.

Tampering is done as an adversary would: the zip is rebuilt with one byte changed, and where it
says so the manifest is rewritten to match, so that only the deeper checks (leaf hashes, proofs,
signature, custody trail) can catch it.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import subprocess
import sys
import sysconfig
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.core.db import Database
from tocsin.core.errors import Conflict, ValidationFailed
from tocsin.vault import BlobDamaged, BlobStore, VaultKey, custody, merkle, verify_bundle
from tocsin.vault.bundle import BundleItem, BundleSummary, write_bundle
from tocsin.vault.custody import Kind
from tocsin.vault.signing import LogKey

KEY = LogKey.generate()
VERIFIER = Path(verify_bundle.__file__)
RECIPIENT = "ICC OTP, Cour pénale internationale"
FILES = {"photo.jpg": b"\xff\xd8 a photo " * 100, "statement.txt": "témoin A".encode(), "e": b""}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_bundle(db: Database, tmp_path: Path, files: dict[str, bytes] = FILES) -> BundleSummary:
    store = BlobStore(tmp_path / "vault", VaultKey.generate(), chunk_size=64)
    items = []
    with db.session() as s:
        for name, data in files.items():
            blob = store.put(io.BytesIO(data))
            got = custody.append(s, None, Kind.COLLECTED, blob.sha256, {"file": name})
            seen = custody.append(s, None, Kind.ACCESSED, blob.sha256, {})
            items.append(BundleItem(blob.sha256, {"name": name}, [got.index, seen.index]))
        custody.append(s, None, Kind.ACCESSED, "0" * 64, {})  # not exported: stays out
        return write_bundle(tmp_path / "b.zip", store, s, KEY, items, RECIPIENT, "a@example.org")


def verdict(path: Path, expect_key: str | None = None) -> tuple[bool, str]:
    report = verify_bundle.verify(str(path), expect_key)
    return not report.problems, "\n".join([*report.lines, report.verdict])


def failed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("FAILED")]


Change = Callable[[bytes], bytes]


def rewrite(src: Path, changes: dict[str, Change | None], *, fix_manifest: bool) -> Path:
    """A copy of the bundle with members changed (None: removed); the manifest rows of changed
    members recomputed if ``fix_manifest``. Members of a test bundle are small."""
    dst = src.with_name("tampered.zip")
    with zipfile.ZipFile(src) as zin:
        members = {n: zin.read(n) for n in zin.namelist()}
    for name, change in changes.items():
        if change is None:
            members.pop(name)
        else:
            members[name] = change(members.get(name, b""))
    if fix_manifest:
        manifest = json.loads(members["manifest.json"])
        for row in manifest["files"]:
            if row["path"] in changes and row["path"] in members:
                data = members[row["path"]]
                row.update(size=len(data), sha256=sha(data))
                row["sha512"] = hashlib.sha512(data).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
    return dst


def flip_hex(data: bytes, key: str) -> bytes:
    """Change one hex digit of the first JSON string value under ``key``."""
    at = data.index(f'"{key}"'.encode())
    at = data.index(b'"', data.index(b":", at)) + 5
    return data[:at] + (b"0" if data[at : at + 1] != b"0" else b"1") + data[at + 1 :]


def flip_byte(data: bytes, at: int = 3) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_fresh_bundle_verifies_standalone(db: Database, tmp_path: Path) -> None:
    summary = make_bundle(db, tmp_path)
    shas = sorted(sha(d) for d in FILES.values())
    with zipfile.ZipFile(summary.path) as zf:
        names = set(zf.namelist())
        assert all(zf.read(f"files/{sha(d)}") == d for d in FILES.values())
        entries = zf.read("custody/entries.jsonl").splitlines()
        meta = json.loads(zf.read(f"metadata/{sha(FILES['e'])}.json"))
    assert names == {
        *(f"files/{s}" for s in shas),
        *(f"metadata/{s}.json" for s in shas),
        "custody/entries.jsonl",
        "custody/proofs.json",
        "custody/tree_head.json",
        "custody/public_key.pem",
        "custody/public_key.hex",
        "manifest.json",
        "VERIFY.txt",
        "verify_bundle.py",
    }
    assert meta["metadata"] == {"name": "e"} and len(meta["custody_entries"]) == 2
    # Two entries per file as given, one exported each; the unrelated entry stays out.
    assert len(entries) == 9 and b'"0000000000' not in b"".join(entries)
    with db.session() as s:
        head = custody.latest_head(s)
        exported = [e for e in custody.entries_for(s, sha(FILES["e"])) if e.kind is Kind.EXPORTED]
        assert custody.verify_log(s, KEY).ok
    assert head == summary.head and head.tree_size == 10
    assert exported[0].details["recipient"] == RECIPIENT
    assert exported[0].details["bundle"] == summary.bundle_id
    assert {f.exported_entry for f in summary.files} == {7, 8, 9}
    assert summary.total_bytes == sum(len(d) for d in FILES.values())

    # Standalone: a copy outside the source tree, no site processing (so no editable
    # install of tocsin), only the directory that holds cryptography on the path.
    script = tmp_path / "elsewhere" / "verify_bundle.py"
    script.parent.mkdir()
    script.write_bytes(VERIFIER.read_bytes())
    env = {"PYTHONPATH": sysconfig.get_paths()["purelib"], "PATH": os.environ["PATH"]}
    cmd = [sys.executable, "-S", str(script), str(summary.path)]
    run = subprocess.run(
        [*cmd, "--expect-key", KEY.public_raw().hex()],
        capture_output=True, text=True, env=env, cwd=script.parent, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.splitlines()[-1] == "VERDICT: INTACT"
    assert "FAILED" not in run.stdout and run.stdout.count("\nOK") >= 20
    as_module = subprocess.run(
        [sys.executable, "-m", "tocsin.vault.verify_bundle", str(summary.path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert as_module.returncode == 0 and "VERDICT: INTACT" in as_module.stdout


def test_bundled_verifier_is_this_verifier(db: Database, tmp_path: Path) -> None:
    summary = make_bundle(db, tmp_path)
    with zipfile.ZipFile(summary.path) as zf:
        assert zf.read("verify_bundle.py") == VERIFIER.read_bytes()
        readme = zf.read("VERIFY.txt").decode()
    assert sha(VERIFIER.read_bytes()) in readme and KEY.public_raw().hex() in readme


def test_expect_key(db: Database, tmp_path: Path) -> None:
    summary = make_bundle(db, tmp_path)
    assert verdict(summary.path, KEY.key_id)[0]
    ok, text = verdict(summary.path, LogKey.generate().public_raw().hex())
    assert not ok and failed(text)[0].startswith("FAILED  expected key")
    assert verify_bundle.main([str(summary.path), "--expect-key", KEY.public_raw().hex()]) == 0


def _cases(photo: str, entry: int) -> dict[str, tuple[dict[str, Change | None], bool, str]]:
    """name: (changes, fix_manifest, the start of a FAILED line that must be printed)."""
    return {
        "file": ({f"files/{photo}": flip_byte}, False, f"FAILED  files/{photo}: does not match"),
        "file, manifest fixed": (
            {f"files/{photo}": flip_byte}, True, f"FAILED  custody trail of files/{photo}"
        ),
        "entry line": (
            {"custody/entries.jsonl": lambda d: d.replace(b'"at":"2', b'"at":"3', 1)},
            True,
            f"FAILED  custody entry {entry} leaf hash",
        ),
        "proof": (
            {"custody/proofs.json": lambda d: flip_hex(d, "path")},
            True,
            f"FAILED  custody entry {entry} inclusion proof",
        ),
        "tree head root": (
            {"custody/tree_head.json": lambda d: flip_hex(d, "root_hash")},
            True,
            "FAILED  custody/tree_head.json",
        ),
        "tree head size": (
            {"custody/tree_head.json": lambda d: d.replace(b'"tree_size": ', b'"tree_size": 1')},
            True,
            "FAILED  custody/tree_head.json",
        ),
        "signature": (
            {"custody/tree_head.json": lambda d: flip_hex(d, "signature")},
            True,
            "FAILED  custody/tree_head.json",
        ),
        "manifest": (
            {"manifest.json": lambda d: flip_hex(d, "sha512")},
            False,
            "FAILED  ",
        ),
        "metadata, manifest fixed": (
            {f"metadata/{photo}.json": lambda d: d.replace(b"photo.jpg", b"photo.JPG")},
            True,
            f"FAILED  custody trail of files/{photo}",
        ),
        "recipient": (
            {"manifest.json": lambda d: d.replace(b"ICC OTP", b"ICC OTQ")},
            False,
            f"FAILED  custody trail of files/{photo}",
        ),
        "public key": (
            {"custody/public_key.hex": lambda _: LogKey.generate().public_raw().hex().encode()},
            True,
            "FAILED  custody/public_key",
        ),
        "missing file": ({f"files/{photo}": None}, False, f"FAILED  files/{photo}: missing"),
        "missing entries": (
            {"custody/entries.jsonl": None}, False, "FAILED  custody/entries.jsonl: missing"
        ),
        "extra file": ({"files/extra": lambda _: b"x"}, False, "FAILED  files/extra: extra file"),
    }  # fmt: skip


CASES = list(_cases("", 0))


@pytest.mark.parametrize("case", CASES)
def test_tampering_is_detected_and_named(db: Database, tmp_path: Path, case: str) -> None:
    summary = make_bundle(db, tmp_path)
    photo = sha(FILES["photo.jpg"])
    entry = 0  # the photo's collected entry, the first in the log
    changes, fix, expected = _cases(photo, entry)[case]
    ok, text = verdict(rewrite(summary.path, changes, fix_manifest=fix))
    assert not ok
    lines = failed(text)
    assert text.splitlines()[-1] == f"VERDICT: NOT INTACT ({len(lines)} problem" + (
        "s)" if len(lines) > 1 else ")"
    )
    assert any(line.startswith(expected) for line in lines), text
    if case == "manifest":
        assert any(line.split(":")[0].split()[-1].startswith("files/") for line in lines), text


def test_raw_byte_flip_in_the_zip_is_named(db: Database, tmp_path: Path) -> None:
    """No rebuilding: one byte of the stored file data changed in the zip itself."""
    summary = make_bundle(db, tmp_path)
    photo = sha(FILES["photo.jpg"])
    with zipfile.ZipFile(summary.path) as zf:
        info = zf.getinfo(f"files/{photo}")
    raw = bytearray(summary.path.read_bytes())
    # Local header: 30 bytes, the name, then the extra field (zip64 here); then the data.
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    raw[info.header_offset + 30 + name_len + extra_len + 10] ^= 0x40
    summary.path.write_bytes(bytes(raw))
    ok, text = verdict(summary.path)
    assert not ok and any(line.startswith(f"FAILED  files/{photo}") for line in failed(text))


def _contents(raw: bytes, infos: list[zipfile.ZipInfo]) -> list[bytes | None]:
    """Each member's content decoded straight from the zip bytes, without any zip checks
    (None if it no longer decodes): what a flipped byte did to the content itself."""
    out: list[bytes | None] = []
    for info in infos:
        at = info.header_offset
        name_len = int.from_bytes(raw[at + 26 : at + 28], "little")
        extra_len = int.from_bytes(raw[at + 28 : at + 30], "little")
        start = at + 30 + name_len + extra_len
        data = raw[start : start + info.compress_size]
        if info.compress_type == zipfile.ZIP_DEFLATED:
            try:
                inflate = zlib.decompressobj(-15)
                data = inflate.decompress(data) + inflate.flush()
            except zlib.error:
                out.append(None)
                continue
        out.append(data[: info.file_size])  # a reader stops at the declared size
    return out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_byte_flip_is_handled_and_any_content_flip_caught(
    sqlite_db: Database, tmp_path: Path, data: st.DataObject
) -> None:
    original = tmp_path / "b.zip"
    if not original.exists():
        make_bundle(sqlite_db, tmp_path)
    raw = bytearray(original.read_bytes())
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] ^= data.draw(st.integers(1, 255))
    flipped = tmp_path / "flipped.zip"
    flipped.write_bytes(bytes(raw))
    ok, text = verdict(flipped)
    assert "verification stopped" not in text, text  # every failure is understood
    if ok:  # then no member's content changed (a flip in zip bookkeeping may be harmless)
        with zipfile.ZipFile(original) as zf:
            infos = zf.infolist()
        assert _contents(bytes(raw), infos) == _contents(original.read_bytes(), infos), at


def test_not_a_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    ok, text = verdict(junk)
    assert not ok and text.endswith("VERDICT: NOT INTACT (1 problem)")
    assert verify_bundle.main([str(junk)]) == 1


def test_refuses_wrong_entries_and_existing_output(db: Database, tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "vault", VaultKey.generate())
    a, b = (store.put(io.BytesIO(d)).sha256 for d in (b"a", b"b"))
    with db.session() as s:
        about_b = custody.append(s, None, Kind.COLLECTED, b, {})
        with pytest.raises(ValidationFailed, match="not about file"):
            write_bundle(
                tmp_path / "x.zip", store, s, KEY, [BundleItem(a, {}, [about_b.index])], "r", "me"
            )
        with pytest.raises(ValidationFailed):
            write_bundle(tmp_path / "x.zip", store, s, KEY, [], "r", "me")
        (tmp_path / "x.zip").write_bytes(b"")
        with pytest.raises(Conflict):
            write_bundle(tmp_path / "x.zip", store, s, KEY, [BundleItem(a, {})], "r", "me")
        assert custody.log_size(s) == 1  # nothing logged for refused exports
    assert not list(tmp_path.glob(".x.zip*"))


def test_damaged_file_is_never_exported(db: Database, tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "vault", VaultKey.generate(), chunk_size=64)
    blob = store.put(io.BytesIO(b"x" * 1000))
    raw = bytearray(blob.path.read_bytes())
    raw[-100] ^= 1
    blob.path.chmod(0o600)
    blob.path.write_bytes(bytes(raw))
    with pytest.raises(BlobDamaged), db.session() as s:
        write_bundle(tmp_path / "x.zip", store, s, KEY, [BundleItem(blob.sha256, {})], "r", "me")
    with db.session() as s:
        assert custody.log_size(s) == 0  # the caller rolled back: no export claimed
    assert not list(tmp_path.glob("*x.zip*"))  # neither the bundle nor its partial file


def test_inclusion_check_agrees_with_the_vault_merkle_code() -> None:
    """The standalone re-implementation against tocsin.vault.merkle, on every small tree."""
    for size in range(1, 34):
        tree = merkle.MemoryTree(merkle.leaf_hash(bytes([i])) for i in range(size))
        root = tree.root()
        for index in range(size):
            leaf, proof = merkle.leaf_hash(bytes([index])), tree.inclusion_proof(index)
            assert verify_bundle.leaf_hash(bytes([index])) == leaf
            assert verify_bundle.verify_inclusion(leaf, index, size, proof, root)
            if proof:
                bad = [bytes(32), *proof[1:]]
                assert not verify_bundle.verify_inclusion(leaf, index, size, bad, root)
            variants = [
                (index, size + 1, proof),
                (index + 1, size, proof),
                (index, size, [*proof, root]),
                (index, size, proof[:-1]),
                (index ^ 1, size, proof),
            ]
            for i, n, path in variants:
                assert verify_bundle.verify_inclusion(leaf, i, n, path, root) == (
                    merkle.verify_inclusion(leaf, i, n, path, root)
                )


def test_verifier_imports_only_stdlib_and_cryptography() -> None:
    tree = ast.parse(VERIFIER.read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            roots.add((node.module or "").split(".")[0])
    assert "tocsin" not in roots
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


class _Pattern:
    """A readable stream of ``size`` bytes that are not all alike, made a chunk at a time."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.block = hashlib.sha512(b"seed").digest() * (1 << 14)  # 1 MiB

    def read(self, size: int = -1) -> bytes:
        n = min(self.left, len(self.block) if size < 0 else min(size, len(self.block)))
        self.left -= n
        return self.block[:n]


def test_memory_stays_bounded_for_a_large_file(db: Database, tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "vault", VaultKey.generate())
    blob = store.put(_Pattern(64 << 20))
    limit = 16 << 20
    tracemalloc.start()
    try:
        with db.session() as s:
            summary = write_bundle(
                tmp_path / "big.zip", store, s, KEY, [BundleItem(blob.sha256, {})], "r", "me"
            )
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        ok, text = verdict(summary.path)
        _, verify_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert ok, text
    assert summary.files[0].size == 64 << 20 and summary.files[0].sha512 == blob.sha512
    assert write_peak < limit and verify_peak < limit, (write_peak, verify_peak)


def test_tocsin_verify_checks_a_bundle(db: Database, tmp_path: Path) -> None:
    """`tocsin verify BUNDLE.zip` gives the standalone verifier's verdict and exit code."""
    from typer.testing import CliRunner

    from tocsin.cli import app

    summary = make_bundle(db, tmp_path)
    runner = CliRunner()
    good = runner.invoke(app, ["verify", str(summary.path)])
    assert good.exit_code == 0 and "VERDICT: INTACT" in good.output
    raw = bytearray(summary.path.read_bytes())
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw[:-200]))  # cut off: the zip's directory is gone
    bad = runner.invoke(app, ["verify", str(damaged)])
    assert bad.exit_code == 1 and "NOT INTACT" in bad.output
