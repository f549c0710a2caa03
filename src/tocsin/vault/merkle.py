"""Merkle tree hashing, inclusion and consistency proofs, as in RFC 6962 §2.1 / RFC 9162 §2.1.

Pure functions, no storage. Hashes are SHA-256 with the RFC's domain separation, so a leaf can
never be passed off as an interior node (second-preimage defence):

    MTH({})      = SHA-256("")
    leaf hash    = SHA-256(0x00 || entry)
    node hash    = SHA-256(0x01 || left || right)
    MTH(D[n])    = node hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n

How proofs stay cheap at a million leaves
-----------------------------------------
Every range the RFC recursion visits starts at a multiple of the largest power of two not above
its size, so its hash is a fold of at most log2(n) *perfect* subtrees (aligned blocks of 2^level
leaves): the set bits of its size, from high to low. A perfect subtree never changes once its
last leaf is appended, so a store keeps each one as it completes (``Frontier`` yields them; the
custody log writes them to the ``custody_nodes`` table and ``MemoryTree`` keeps them in memory).

Proofs are then planned as lists of leaf ranges (``inclusion_ranges``/``consistency_ranges``),
each range resolved into perfect pieces (``perfect_pieces``) that are read by (level, index),
never by recomputing the tree:

* appending a leaf: O(1) amortised hashes (one new perfect node per leaf on average);
* root of any size n: O(log n) node reads and hashes;
* inclusion or consistency proof: O(log n) ranges, at most O(log n) pieces each, all on the right
  edge but one per level, so O(log^2 n) reads in the worst case and O(log n) typically (about 20
  hashes of 32 bytes at 1,000,000 leaves);
* verifying a proof: O(log n) hashes and no reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

# A perfect subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
NodeKey = tuple[int, int]
NodeReader = Callable[[int, int], bytes]


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2): RFC 6962's k."""
    if n < 2:
        raise ValueError("a tree of fewer than two leaves has no split")
    return 1 << ((n - 1).bit_length() - 1)


def perfect_pieces(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees whose fold is MTH(D[start:end]), largest (leftmost) first.

    Only ranges the RFC recursion produces are accepted: each piece must be aligned, which
    holds when start is a multiple of the largest power of two not above end - start.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    pieces: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"leaf range [{start}, {end}) is not aligned to a subtree")
        pieces.append((level, start >> level))
        start += 1 << level
    return pieces


def fold(hashes: Sequence[bytes]) -> bytes:
    """MTH of a range from its perfect pieces: each split's left part is the next piece."""
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = node_hash(h, acc)
    return acc


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PATH(index, D[size]), in RFC order (leaf side first)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + split_point(end - start)
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    ranges.reverse()  # PATH(m, D[0:k]) : MTH(D[k:n]) puts the top sibling last
    return ranges


def consistency_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes form PROOF(m, D[n]) (RFC 6962 §2.1.2 SUBPROOF), in order."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []  # the empty tree and the same tree need no proof
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        ranges.append((start, end))  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
    ranges.reverse()
    return ranges


def nodes_needed(ranges: Iterable[tuple[int, int]]) -> set[NodeKey]:
    """Every perfect subtree a plan reads, so a store can fetch them in one query."""
    return {key for start, end in ranges for key in perfect_pieces(start, end)}


def resolve(ranges: Iterable[tuple[int, int]], read: NodeReader) -> list[bytes]:
    return [fold([read(*key) for key in perfect_pieces(s, e)]) for s, e in ranges]


def root(size: int, read: NodeReader) -> bytes:
    return EMPTY_ROOT if size == 0 else resolve([(0, size)], read)[0]


def inclusion_proof(index: int, size: int, read: NodeReader) -> list[bytes]:
    return resolve(inclusion_ranges(index, size), read)


def consistency_proof(old_size: int, new_size: int, read: NodeReader) -> list[bytes]:
    return resolve(consistency_ranges(old_size, new_size), read)


def _shift_while_right_child(fn: int, sn: int) -> tuple[int, int]:
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, verbatim in structure so it can be compared line by line."""
    if not 0 <= index < size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                fn, sn = _shift_while_right_child(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2; the empty tree is consistent with every tree (RFC 6962 §2.1.2)."""
    if not 0 <= old_size <= new_size or any(len(p) != HASH_SIZE for p in proof):
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # a power of two: the old root itself starts the path
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                fn, sn = _shift_while_right_child(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


@dataclass
class Frontier:
    """The right edge of a growing tree: one perfect subtree per set bit of its size.

    O(log n) memory. ``append`` returns the perfect subtrees the new leaf completes (its own leaf
    node first), which is exactly what a store must persist to answer proofs later.
    """

    size: int = 0
    stack: list[bytes] = field(default_factory=list)  # largest subtree first

    @classmethod
    def of(cls, size: int, read: NodeReader) -> Frontier:
        pieces = perfect_pieces(0, size) if size else []
        return cls(size, [read(*key) for key in pieces])

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        made = [(0, self.size, leaf)]
        h, level, index = leaf, 0, self.size
        while index & 1:  # a right child completes its parent
            h = node_hash(self.stack.pop(), h)
            level, index = level + 1, index >> 1
            made.append((level, index, h))
        self.stack.append(h)
        self.size += 1
        return made

    def root(self) -> bytes:
        return fold(self.stack) if self.stack else EMPTY_ROOT


class MemoryTree:
    """Every perfect subtree in memory, one packed buffer per level (64 bytes a leaf in all)."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.levels: list[bytearray] = []
        self.frontier = Frontier()
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, leaf: bytes) -> None:
        for level, _index, h in self.frontier.append(leaf):
            if level == len(self.levels):
                self.levels.append(bytearray())
            self.levels[level] += h  # nodes of a level complete left to right

    def node(self, level: int, index: int) -> bytes:
        at = index * HASH_SIZE
        raw = self.levels[level][at : at + HASH_SIZE]
        if len(raw) != HASH_SIZE:
            raise KeyError((level, index))
        return bytes(raw)

    def root(self, size: int | None = None) -> bytes:
        return root(self.size if size is None else self._check(size), self.node)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self.size if size is None else self._check(size), self.node)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        n = self.size if new_size is None else self._check(new_size)
        return consistency_proof(old_size, n, self.node)

    def _check(self, size: int) -> int:
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")
        return size

    def nodes(self) -> Iterator[tuple[int, int, bytes]]:
        for level, buf in enumerate(self.levels):
            for i in range(len(buf) // HASH_SIZE):
                yield level, i, bytes(buf[i * HASH_SIZE : (i + 1) * HASH_SIZE])
