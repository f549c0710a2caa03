"""Blocking keys: which entries are worth comparing with a query at all.

An entry is keyed by the phonetic key of every token of every name (so "محمد" and "Mohamed"
share one) and by every identifier number. A query looks up its own keys and compares only the
entries that share some, most shared first.
"""

from __future__ import annotations

from collections.abc import Iterable

from tocsin.crosscheck.names import PreparedName, prepare
from tocsin.crosscheck.watchlists.entries import identifier_key

NAME_PREFIX, ID_PREFIX = "n:", "id:"
MIN_KEY = 2  # a one-letter key (an initial) would block with half the list


def name_keys(names: Iterable[PreparedName]) -> set[str]:
    return {NAME_PREFIX + k for name in names for k in name.keys if len(k) >= MIN_KEY}


def id_keys(numbers: Iterable[str]) -> set[str]:
    return {ID_PREFIX + k for k in map(identifier_key, numbers) if k}


def entry_keys(names: Iterable[str], numbers: Iterable[str]) -> set[str]:
    return name_keys(prepare(n[:1000]) for n in names) | id_keys(numbers)
