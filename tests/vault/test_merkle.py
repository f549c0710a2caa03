"""The Merkle code against a plain recursive reference written straight from RFC 6962 §2.1."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.vault import merkle


# The reference: RFC 6962 §2.1 read literally, recomputing everything from the leaves.
def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def entries(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


_TREES: dict[int, tuple[list[bytes], merkle.MemoryTree]] = {}


def tree(n: int) -> tuple[list[bytes], merkle.MemoryTree]:
    if n not in _TREES:
        d = entries(n)
        _TREES[n] = (d, merkle.MemoryTree(merkle.leaf_hash(e) for e in d))
    return _TREES[n]


def flip(h: bytes, bit: int) -> bytes:
    raw = bytearray(h)
    raw[bit // 8 % len(raw)] ^= 1 << (bit % 8)
    return bytes(raw)


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.MemoryTree().root() == merkle.EMPTY_ROOT


def test_known_small_trees() -> None:
    # Pinned values: a one-leaf tree is the leaf hash of its entry, and the three-leaf tree is
    # spelt out by hand with hashlib, independently of both implementations.
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    h = hashlib.sha256
    a, b, c = (h(b"\x00" + x).digest() for x in (b"a", b"b", b"c"))
    expected = h(b"\x01" + h(b"\x01" + a + b).digest() + c).digest()
    assert merkle.MemoryTree([a, b, c]).root() == expected == ref_mth([b"a", b"b", b"c"])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_root_and_every_inclusion_proof_match_the_reference(n: int) -> None:
    d, t = tree(n)
    root = t.root()
    assert root == ref_mth(d)
    for i in range(n):
        proof = t.inclusion_proof(i)
        assert proof == ref_path(i, d)
        assert merkle.verify_inclusion(merkle.leaf_hash(d[i]), i, n, proof, root)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=200))
def test_every_consistency_proof_matches_the_reference(n: int) -> None:
    d, t = tree(n)
    new_root = t.root()
    for m in range(0, n + 1):
        proof = t.consistency_proof(m, n)
        if 0 < m < n:
            assert proof == ref_subproof(m, d, True)
        assert merkle.verify_consistency(m, n, t.root(m), new_root, proof)


def test_every_size_up_to_200_exhaustively() -> None:
    """Not sampled: every size, every leaf and every older size, against the reference root."""
    for n in range(1, 201):
        d, t = tree(n)
        root = t.root()
        assert root == ref_mth(d)
        for i in range(n):
            assert merkle.verify_inclusion(merkle.leaf_hash(d[i]), i, n, t.inclusion_proof(i), root)
        for m in range(n + 1):
            assert merkle.verify_consistency(m, n, ref_mth(d[:m]), root, t.consistency_proof(m))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_wrong_leaf_size_or_flipped_bit_fails_inclusion(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=200))
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    d, t = tree(n)
    root, proof, leaf = t.root(), t.inclusion_proof(i), merkle.leaf_hash(d[i])
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), i, n, proof, root)
    if n > 1:
        other = data.draw(st.integers(min_value=0, max_value=n - 1).filter(lambda j: j != i))
        assert not merkle.verify_inclusion(merkle.leaf_hash(d[other]), i, n, proof, root)
        assert not merkle.verify_inclusion(leaf, other, n, proof, root)
        bit = data.draw(st.integers(min_value=0, max_value=len(proof) * 256 - 1))
        bad = list(proof)
        bad[bit // 256] = flip(bad[bit // 256], bit % 256)
        assert not merkle.verify_inclusion(leaf, i, n, bad, root)
        assert not merkle.verify_inclusion(leaf, i, n, proof[:-1], root)
        assert not merkle.verify_inclusion(leaf, i, n, [*proof, proof[0]], root)
    size = data.draw(st.integers(min_value=i + 1, max_value=n))
    if t.inclusion_proof(i, size) != proof:
        # The proof claimed for another tree size, against that size's real root.
        assert not merkle.verify_inclusion(leaf, i, size, proof, t.root(size))
    assert not merkle.verify_inclusion(leaf, i, n, proof, flip(root, 0))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_wrong_sizes_or_flipped_bit_fails_consistency(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=2, max_value=200))
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    _, t = tree(n)
    old, new, proof = t.root(m), t.root(), t.consistency_proof(m, n)
    assert merkle.verify_consistency(m, n, old, new, proof)
    bit = data.draw(st.integers(min_value=0, max_value=len(proof) * 256 - 1))
    bad = list(proof)
    bad[bit // 256] = flip(bad[bit // 256], bit % 256)
    assert not merkle.verify_consistency(m, n, old, new, bad)
    assert not merkle.verify_consistency(m, n, flip(old, 3), new, proof)
    assert not merkle.verify_consistency(m, n, old, flip(new, 3), proof)
    assert not merkle.verify_consistency(m, n, old, new, [])
    other = data.draw(st.integers(min_value=1, max_value=n - 1))
    # The same proof claimed for another old size (with that size's real root) fails
    # unless the two proofs happen to be identical.
    if other != m and t.consistency_proof(other, n) != proof:
        assert not merkle.verify_consistency(other, n, t.root(other), new, proof)


def test_frontier_keeps_log_n_hashes_and_the_same_root() -> None:
    d, t = tree(200)
    f = merkle.Frontier()
    for e in d:
        f.append(merkle.leaf_hash(e))
    assert len(f.stack) == bin(200).count("1")
    assert f.root() == t.root()
    assert merkle.Frontier.of(200, t.node).root() == t.root()


def test_ranges_outside_the_tree_are_refused() -> None:
    with pytest.raises(ValueError):
        merkle.inclusion_ranges(5, 5)
    with pytest.raises(ValueError):
        merkle.consistency_ranges(6, 5)
    with pytest.raises(ValueError):
        merkle.perfect_pieces(1, 3)  # not a range the RFC recursion produces
    assert not merkle.verify_inclusion(merkle.leaf_hash(b"x"), 0, 0, [], merkle.EMPTY_ROOT)
