"""Blob store on real files: round trips, dedup, and every kind of damage detected and named.

Most tests use a 16-byte chunk so that a blob of a few dozen bytes already has several chunks,
which makes boundaries and per-chunk damage cheap to test exhaustively.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.core.errors import ConfigurationError, ValidationFailed
from tocsin.vault import (
    BlobDamaged,
    BlobNotFound,
    BlobStore,
    Damage,
    StoredBlob,
    UnknownVaultKey,
    VaultKey,
)

C = 16  # chunk size for most tests
TAG = 16
WRAPPED = 12 + 32 + 16


def new_store(root: Path, key: VaultKey | None = None, chunk_size: int = C) -> BlobStore:
    return BlobStore(root, key or VaultKey.generate(), chunk_size=chunk_size)


def put(store: BlobStore, data: bytes) -> StoredBlob:
    return store.put(io.BytesIO(data))


def read_all(store: BlobStore, sha256: str) -> bytes:
    return b"".join(store.open(sha256))


def header_len(key_id: str) -> int:
    """Written from the format description, not from the code: fields, check, wrapped key."""
    fields = 8 + 1 + 4 + 1 + len(key_id) + 8
    return fields + 8 + WRAPPED


def chunk_count(size: int, chunk_size: int = C) -> int:
    return max(1, -(-size // chunk_size))


def rewrite(path: Path, change: Callable[[bytearray], bytes | bytearray]) -> None:
    """Tamper with a stored blob as an attacker or a failing disk would."""
    os.chmod(path, 0o600)
    path.write_bytes(bytes(change(bytearray(path.read_bytes()))))


def flip_byte(path: Path, at: int) -> None:
    rewrite(path, lambda b: b[:at] + bytes([b[at] ^ 0x01]) + b[at + 1 :])


def cut(path: Path, length: int) -> None:
    rewrite(path, lambda b: b[:length])


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and ".incoming" not in p.parts]


def assert_damage(store: BlobStore, sha256: str, damage: Damage, chunk: int | None) -> None:
    verdict = store.verify(sha256)
    assert not verdict.ok and not verdict
    assert (verdict.damage, verdict.chunk) == (damage, chunk), verdict.detail
    # open() refuses the same blob, at the same place, for the same reason.
    with pytest.raises(BlobDamaged) as raised:
        read_all(store, sha256)
    assert (raised.value.damage, raised.value.chunk) == (damage, chunk)


# --- round trips ----------------------------------------------------------------------------

SIZES = [0, 1, C - 1, C, C + 1, 2 * C - 1, 2 * C, 2 * C + 1, 5 * C, 5 * C + 7]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip_at_chunk_boundaries(tmp_path: Path, size: int) -> None:
    store = new_store(tmp_path)
    data = os.urandom(size)
    blob = put(store, data)

    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sha512 == hashlib.sha512(data).hexdigest()
    assert (blob.size, blob.duplicate, blob.key_id) == (size, False, store.vault_key.current)
    assert blob.path == tmp_path / blob.sha256[:2] / blob.sha256[2:4] / blob.sha256
    assert blob.path == store.path_of(blob.sha256) and blob.sha256 in store
    assert stat.S_IMODE(blob.path.stat().st_mode) == 0o400
    # Exactly one tag per chunk, no padding: N*C ends in a full final chunk, empty is one tag.
    expected = header_len(blob.key_id) + size + TAG * chunk_count(size)
    assert blob.path.stat().st_size == expected
    assert read_all(store, blob.sha256) == data
    verdict = store.verify(blob.sha256)
    assert verdict.ok and verdict.size == size and verdict.sha512 == blob.sha512


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300), chunk_size=st.integers(1, 64))
def test_round_trip_any_content_any_chunk_size(data: bytes, chunk_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(Path(tmp), chunk_size=chunk_size)
        blob = put(store, data)
        assert blob.sha256 == hashlib.sha256(data).hexdigest()
        assert blob.sha512 == hashlib.sha512(data).hexdigest()
        chunks = list(store.open(blob.sha256))
        assert b"".join(chunks) == data
        assert len(chunks) == chunk_count(len(data), chunk_size)
        assert store.verify(blob.sha256).ok


class Dribble:
    """A stream that returns short reads, like a pipe or a slow upload."""

    def __init__(self, data: bytes, seed: int) -> None:
        self._data = io.BytesIO(data)
        self._rng = random.Random(seed)

    def read(self, size: int = -1, /) -> bytes:
        return self._data.read(min(size, self._rng.randint(1, 7)))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200), seed=st.integers(0, 1000))
def test_short_reads_do_not_move_chunk_boundaries(tmp_path: Path, data: bytes, seed: int) -> None:
    store = BlobStore(tmp_path / str(seed), VaultKey.generate(), chunk_size=C)
    blob = store.put(Dribble(data, seed))
    assert blob.path.stat().st_size == header_len(blob.key_id) + len(data) + TAG * chunk_count(
        len(data)
    )
    assert [len(c) for c in store.open(blob.sha256)] == [
        len(data[i : i + C]) for i in range(0, max(len(data), 1), C)
    ]


def test_content_is_not_readable_in_the_stored_file(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    secret = b"Witness: Amina Haddad, hiding in the hills. " * 20
    blob = put(store, secret)
    raw = blob.path.read_bytes()
    assert b"Amina" not in raw and b"hills" not in raw


# --- deduplication and atomic placement -----------------------------------------------------


def test_duplicate_is_detected_and_not_stored_twice(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    data = os.urandom(3 * C + 5)
    first = put(store, data)
    before = first.path.read_bytes(), first.path.stat().st_ino
    second = put(store, data)

    assert second.duplicate and not first.duplicate
    assert (second.sha256, second.sha512, second.path) == (first.sha256, first.sha512, first.path)
    assert stored_files(tmp_path) == [first.path]
    # The stored blob is not rewritten: same bytes (same file key), same inode.
    assert (first.path.read_bytes(), first.path.stat().st_ino) == before
    assert not any((tmp_path / ".incoming").iterdir())


def test_same_content_with_another_vault_key_is_still_a_duplicate(tmp_path: Path) -> None:
    key = VaultKey.generate()
    store = new_store(tmp_path, key)
    data = b"statement"
    first = put(store, data)
    key.rotate()
    second = put(store, data)
    assert second.duplicate and second.key_id == first.key_id != key.current


class Failing:
    def __init__(self, good: int) -> None:
        self._left = good

    def read(self, size: int = -1, /) -> bytes:
        if self._left <= 0:
            raise OSError("connection reset")
        n = min(size, self._left)
        self._left -= n
        return b"x" * n


def test_failed_upload_leaves_nothing_behind(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    with pytest.raises(OSError, match="connection reset"):
        store.put(Failing(5 * C))
    assert stored_files(tmp_path) == []
    assert not any((tmp_path / ".incoming").iterdir())


# --- names ----------------------------------------------------------------------------------


def test_missing_and_malformed_names(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    absent = hashlib.sha256(b"never stored").hexdigest()
    verdict = store.verify(absent)
    assert (verdict.ok, verdict.damage, verdict.chunk) == (False, Damage.MISSING, None)
    assert absent not in store
    with pytest.raises(BlobNotFound):
        store.open(absent)
    for bad in ["../../etc/passwd", "ab" * 31, "g" * 64, ""]:
        assert bad not in store
        with pytest.raises(ValidationFailed):
            store.path_of(bad)
    assert 42 not in store
    blob = put(store, b"x")
    assert blob.sha256.upper() in store
    assert store.path_of(blob.sha256.upper()) == blob.path


def test_unreadable_blob_is_a_verdict_not_a_crash(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    blob = put(store, b"x")
    blob.path.unlink()
    blob.path.mkdir()  # stands in for a file the disk can no longer read
    verdict = store.verify(blob.sha256)
    assert (verdict.ok, verdict.damage) == (False, Damage.UNREADABLE)
    assert blob.sha256 not in store


def test_chunk_size_out_of_range_is_refused(tmp_path: Path) -> None:
    for bad in (0, (64 << 20) + 1):
        with pytest.raises(ConfigurationError, match="chunk size"):
            BlobStore(tmp_path, VaultKey.generate(), chunk_size=bad)


# --- damage: every byte, truncation, reordering, substitution -------------------------------


def test_flipping_any_byte_is_detected_and_located(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    data = os.urandom(2 * C + 5)  # three chunks, the last one short
    blob = put(store, data)
    original = blob.path.read_bytes()
    wrapped_start = header_len(blob.key_id) - WRAPPED
    chunks_start = header_len(blob.key_id)

    for offset in range(len(original)):
        flip_byte(blob.path, offset)
        if offset < wrapped_start:
            expected: tuple[Damage, int | None] = (Damage.HEADER, None)
        elif offset < chunks_start:
            expected = (Damage.WRAPPED_KEY, None)
        else:
            expected = (Damage.CHUNK, (offset - chunks_start) // (C + TAG))
        assert_damage(store, blob.sha256, *expected)
        rewrite(blob.path, lambda _b: original)
    assert store.verify(blob.sha256).ok


def test_truncation_is_detected(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    blob = put(store, os.urandom(3 * C))  # three full chunks
    original = blob.path.read_bytes()
    start = header_len(blob.key_id)
    cases = [
        (start + 2 * (C + TAG), Damage.TRUNCATED, 1),  # last chunk dropped whole
        (start + (C + TAG), Damage.TRUNCATED, 0),  # two chunks dropped
        (start, Damage.TRUNCATED, 0),  # nothing after the header
        (start + 2 * (C + TAG) + 5, Damage.TRUNCATED, 2),  # less than a tag left
        (start + 2 * (C + TAG) + TAG + 3, Damage.CHUNK, 2),  # part of the last chunk left
        (start - 1, Damage.WRAPPED_KEY, None),
        (20, Damage.HEADER, None),
        (0, Damage.HEADER, None),
    ]
    for length, damage, chunk in cases:
        cut(blob.path, length)
        assert_damage(store, blob.sha256, damage, chunk)
        rewrite(blob.path, lambda _b: original)


def test_appended_bytes_are_detected(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    blob = put(store, os.urandom(2 * C))
    rewrite(blob.path, lambda b: b + b"\x00")
    assert_damage(store, blob.sha256, Damage.APPENDED, 1)


def split(raw: bytes, key_id: str) -> tuple[bytes, list[bytes]]:
    start = header_len(key_id)
    body = raw[start:]
    return raw[:start], [body[i : i + C + TAG] for i in range(0, len(body), C + TAG)]


@pytest.mark.parametrize(
    ("order", "chunk", "holds"),
    [
        ([1, 0, 2, 3], 0, 1),  # swapped
        ([0, 2, 3], 1, 2),  # one dropped from the middle
        ([0, 1, 1, 2, 3], 2, 1),  # one duplicated
    ],
)
def test_reordered_dropped_or_duplicated_chunks_are_detected(
    tmp_path: Path, order: list[int], chunk: int, holds: int
) -> None:
    store = new_store(tmp_path)
    blob = put(store, os.urandom(3 * C + 4))
    head, chunks = split(blob.path.read_bytes(), blob.key_id)
    rewrite(blob.path, lambda _b: head + b"".join(chunks[i] for i in order))
    assert_damage(store, blob.sha256, Damage.REORDERED, chunk)
    assert f"holds chunk {holds}" in store.verify(blob.sha256).detail


def test_chunk_from_another_blob_is_detected(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    data = os.urandom(3 * C)
    victim = put(store, data)
    other = put(BlobStore(tmp_path / "other", store.vault_key, chunk_size=C), data)
    head, chunks = split(victim.path.read_bytes(), victim.key_id)
    _, foreign = split(other.path.read_bytes(), other.key_id)
    rewrite(victim.path, lambda _b: head + chunks[0] + foreign[1] + chunks[2])
    assert_damage(store, victim.sha256, Damage.CHUNK, 1)


def test_intact_blob_under_the_wrong_name_is_a_hash_mismatch(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    real = put(store, b"the original photograph")
    fake = put(store, b"a substituted photograph")
    rewrite(fake.path, lambda _b: real.path.read_bytes())
    verdict = store.verify(fake.sha256)
    assert (verdict.damage, verdict.chunk) == (Damage.HASH_MISMATCH, None)
    assert real.sha256 in verdict.detail
    chunks = store.open(fake.sha256)
    with pytest.raises(BlobDamaged) as raised:
        list(chunks)
    assert raised.value.damage == Damage.HASH_MISMATCH


# --- keys -----------------------------------------------------------------------------------


def test_another_vault_key_is_refused(tmp_path: Path) -> None:
    blob = put(new_store(tmp_path), b"RED: names of sources")
    stranger = BlobStore(tmp_path, VaultKey.generate())
    verdict = stranger.verify(blob.sha256)
    assert (verdict.ok, verdict.damage) == (False, Damage.WRONG_KEY)
    assert blob.key_id in verdict.detail
    with pytest.raises(UnknownVaultKey):
        stranger.open(blob.sha256)


def test_same_key_id_with_other_key_bytes_is_refused(tmp_path: Path) -> None:
    key = VaultKey.generate()
    blob = put(new_store(tmp_path, key), b"RED: names of sources")
    impostor = VaultKey(keys={key.current: os.urandom(32)}, current=key.current)
    assert_damage(BlobStore(tmp_path, impostor), blob.sha256, Damage.WRAPPED_KEY, None)


def test_rotated_vault_key_reads_old_and_new_blobs(tmp_path: Path) -> None:
    key = VaultKey.generate()
    store = new_store(tmp_path, key)
    old = put(store, b"before rotation")
    new_id = key.rotate()
    new = put(store, b"after rotation")
    assert (old.key_id != new_id, new.key_id) == (True, new_id)
    assert read_all(store, old.sha256) == b"before rotation"
    assert read_all(store, new.sha256) == b"after rotation"
    only_new = BlobStore(tmp_path, VaultKey(keys={new_id: key.keys[new_id]}, current=new_id))
    assert only_new.verify(new.sha256).ok
    assert only_new.verify(old.sha256).damage == Damage.WRONG_KEY


# --- large input, bounded memory ------------------------------------------------------------


class Pattern:
    """``size`` bytes of a repeating non-trivial pattern, produced on demand, never held."""

    def __init__(self, size: int) -> None:
        self._left = size
        self._block = hashlib.shake_256(b"tocsin").digest(65536)
        self._pos = 0

    def read(self, size: int = -1, /) -> bytes:
        n = self._left if size < 0 else min(size, self._left)
        out = bytearray()
        while len(out) < n:
            take = min(n - len(out), len(self._block) - self._pos)
            out += self._block[self._pos : self._pos + take]
            self._pos = (self._pos + take) % len(self._block)
        self._left -= n
        return bytes(out)


def test_large_stream_is_stored_and_read_with_bounded_memory(tmp_path: Path) -> None:
    size = 64 << 20
    ref256, ref512 = hashlib.sha256(), hashlib.sha512()
    reference = Pattern(size)
    while block := reference.read(1 << 20):
        ref256.update(block)
        ref512.update(block)
    store = BlobStore(tmp_path, VaultKey.generate())  # production chunk size, 1 MiB

    tracemalloc.start()
    try:
        blob = store.put(Pattern(size))
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read = 0
        for chunk in store.open(blob.sha256):
            read += len(chunk)
        _, open_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (blob.sha256, blob.sha512, blob.size, read) == (
        ref256.hexdigest(),
        ref512.hexdigest(),
        size,
        size,
    )
    assert put_peak < 16 << 20, f"put peaked at {put_peak / 2**20:.1f} MiB"
    assert open_peak < 16 << 20, f"open peaked at {open_peak / 2**20:.1f} MiB"
