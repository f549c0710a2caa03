"""The linkage engine on a small planted dataset: it finds the duplicates, explains, clusters."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

import pandas as pd
import pytest

from tocsin.core.errors import ValidationFailed
from tocsin.crosscheck.linkage import FieldSpec, LinkResult, LinkSpec, link, per_value

GIVEN = [
    "amina",
    "omar",
    "leila",
    "yusuf",
    "hana",
    "karim",
    "nadia",
    "samir",
    "rania",
    "tarek",
    "salma",
    "ziad",
    "mona",
    "fadi",
    "dalia",
    "bassam",
    "huda",
    "walid",
    "noor",
    "jamal",
]
SURNAMES = [
    "haddad",
    "khoury",
    "nasser",
    "saleh",
    "mansour",
    "aziz",
    "farouk",
    "jaber",
    "hamdan",
    "qasim",
    "rahal",
    "sabbagh",
    "taha",
    "youssef",
    "zein",
    "barakat",
    "darwish",
    "ghanem",
    "halabi",
    "issa",
    "kanaan",
    "laham",
    "maalouf",
    "najjar",
    "obeid",
    "rizk",
    "shami",
    "tannous",
    "wakim",
    "yazbek",
]
CITIES = [
    "homs",
    "aleppo",
    "hama",
    "idlib",
    "raqqa",
    "daraa",
    "latakia",
    "tartus",
    "deir",
    "qamishli",
]


def typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)  # not the first letter: blocking leans on it
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def persons(n: int, seed: int) -> pd.DataFrame:
    """``n`` distinct people: no two share given name, surname and birth date."""
    rng = random.Random(seed)
    seen: set[tuple[str, str, str]] = set()
    rows = []
    while len(rows) < n:
        key = (
            rng.choice(GIVEN),
            rng.choice(SURNAMES),
            f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        )
        if key not in seen:
            seen.add(key)
            rows.append(
                {"given": key[0], "surname": key[1], "born": key[2], "city": rng.choice(CITIES)}
            )
    return pd.DataFrame(rows)


def noisy_copy(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    """One realistic error per copy: a typo, swapped names, a missing city, a swapped date."""
    copy = dict(row)
    match rng.randrange(4):
        case 0:
            field = rng.choice(["given", "surname"])
            copy[field] = typo(rng, copy[field])
        case 1:
            copy["given"], copy["surname"] = copy["surname"], copy["given"]
        case 2:
            copy["city"] = None
        case _:
            y, m, d = copy["born"].split("-")
            copy["born"] = f"{y}-{d}-{m}" if int(d) <= 12 else f"{int(y) + 1}-{m}-{d}"
    return copy


def spec(**changes: Any) -> LinkSpec:
    base = LinkSpec(
        fields=[
            FieldSpec("given", "name"),
            FieldSpec("surname", "name"),
            FieldSpec("born", "date"),
            FieldSpec("city", "category"),
        ],
        blocking=[
            ["given", "surname"],
            ["born"],
            ["surname", "city"],
            "l.given = r.surname and l.surname = r.given",
        ],
        unique_id="id",
        deterministic=[["given", "surname", "born"]],
        em_rules=[["born"], ["surname", "city"]],
        u_max_pairs=1e5,
    )
    return LinkSpec(**{**base.__dict__, **changes})


def dedup_data(seed: int = 3) -> tuple[pd.DataFrame, set[frozenset[int]]]:
    rng = random.Random(seed)
    base = persons(250, seed)
    rows = base.to_dict("records")
    planted = []
    for original in rng.sample(range(len(rows)), 50):
        rows.append(noisy_copy(rng, rows[original]))
        planted.append(frozenset({original, len(rows) - 1}))
    frame = pd.DataFrame(rows)
    frame["id"] = range(len(frame))
    return frame, set(planted)


@pytest.fixture(scope="module")
def dedup() -> tuple[LinkResult, set[frozenset[int]], pd.DataFrame]:
    frame, planted = dedup_data()
    return link(frame, None, spec()), planted, frame


def found(result: LinkResult) -> set[frozenset[Any]]:
    return {frozenset(p) for p in zip(result.pairs["id_l"], result.pairs["id_r"], strict=True)}


# Each planted copy carries exactly one error and agrees with its original on everything else,
# while distinct people differ in name or birth date: a working Fellegi-Sunter model must find
# nearly all of them. Not all: a copy with a missing city is also weaker evidence, and a 0.9
# bar leaves room for one or two such misses among 50 without hiding a broken model (which
# scores far lower on either measure).
def test_dedup_finds_the_planted_duplicates(dedup: Any) -> None:
    result, planted, _ = dedup
    hits = found(result)
    true_positives = len(hits & planted)
    assert true_positives / len(hits) >= 0.9
    assert true_positives / len(planted) >= 0.9


def test_link_finds_the_planted_copies_across_two_sets() -> None:
    rng = random.Random(11)
    left = persons(200, 11)
    others = persons(400, 12).iloc[200:]  # people not in left, most likely
    picks = rng.sample(range(len(left)), 40)
    copies = [noisy_copy(rng, left.iloc[i].to_dict()) for i in picks]
    right = pd.concat([pd.DataFrame(copies), others], ignore_index=True)
    left["id"] = [f"L{i}" for i in range(len(left))]
    right["id"] = [f"R{i}" for i in range(len(right))]
    planted = {(f"L{i}", f"R{j}") for j, i in enumerate(picks)}
    # Same person in both halves by chance is possible: count only pairs with a planted side.
    result = link(left, right, spec())
    hits = set(zip(result.pairs["id_l"], result.pairs["id_r"], strict=True))
    assert all(a.startswith("L") and b.startswith("R") for a, b in hits)
    planted_right = {b for _, b in planted}
    judged = {h for h in hits if h[1] in planted_right}
    assert len(judged & planted) / len(judged) >= 0.9
    assert len(hits & planted) / len(planted) >= 0.9


def components(n: int, pairs: list[tuple[int, int]]) -> set[frozenset[int]]:
    """Plain reference: depth-first search over an adjacency list."""
    graph: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        graph[a].add(b)
        graph[b].add(a)
    seen: set[int] = set()
    out = set()
    for start in range(n):
        if start in seen:
            continue
        stack, part = [start], set()
        while stack:
            node = stack.pop()
            if node not in part:
                part.add(node)
                stack.extend(graph[node] - part)
        seen |= part
        out.add(frozenset(part))
    return out


def test_clusters_are_the_connected_components_of_the_links(dedup: Any) -> None:
    result, _, frame = dedup
    by_cluster = result.clusters.groupby("cluster_id")["record_id"].apply(frozenset)
    expected = components(
        len(frame), list(zip(result.pairs["id_l"], result.pairs["id_r"], strict=True))
    )
    assert set(by_cluster) == expected
    assert len(result.clusters) == len(frame)


def test_a_record_in_no_pair_is_a_cluster_of_its_own(dedup: Any) -> None:
    result, _, frame = dedup
    linked = set(result.pairs["id_l"]) | set(result.pairs["id_r"])
    alone = [i for i in frame["id"] if i not in linked]
    assert alone, "the planted data must leave some records unlinked"
    sizes = result.clusters["cluster_id"].value_counts()
    for record in alone:
        assert sizes[result.cluster_of(record)] == 1


def test_every_pair_is_explained_field_by_field(dedup: Any) -> None:
    result, _, _ = dedup
    names = [f.name for f in result.spec.fields]
    for position in range(len(result.pairs)):
        features = result.explain(position)
        assert [f.field for f in features] == names
        assert all(f.label for f in features)
        weight = result.prior_weight + sum(f.match_weight for f in features)
        assert weight == pytest.approx(result.pairs["match_weight"].iloc[position], abs=1e-6)
    first = result.pairs.iloc[0]
    assert result.explain((first["id_r"], first["id_l"])) == result.explain(0)


def test_swapped_names_are_linked_and_said_to_be_swapped(dedup: Any) -> None:
    result, planted, frame = dedup
    by_id = frame.set_index("id")
    swapped = [
        tuple(sorted(p))
        for p in planted
        if by_id.loc[min(p), "given"] == by_id.loc[max(p), "surname"]
        and by_id.loc[min(p), "given"] != by_id.loc[max(p), "given"]
    ]
    assert swapped, "the seed must plant at least one swapped-name copy"
    for pair in swapped:
        features = {f.field: f for f in result.explain(pair)}
        assert "another name field" in features["given"].label


def test_a_swapped_name_with_a_typo_is_caught_by_the_rapidfuzz_recheck() -> None:
    frame, _ = dedup_data()
    originals = frame.iloc[:6].to_dict("records")
    extra = []
    for i, row in enumerate(originals):
        dropped = row["surname"][:2] + row["surname"][3:]  # a letter lost, never a no-op
        copy = {**row, "given": dropped, "surname": row["given"]}
        extra.append({**copy, "id": len(frame) + i})
    frame = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    result = link(frame, None, spec())
    for row in extra:
        original = row["id"] - (len(frame) - len(extra))
        features = {f.field: f for f in result.explain((original, row["id"]))}
        # Left given name = right surname exactly: Splink's own swapped level. Left surname
        # against the mistyped right given name: only rapidfuzz sees it.
        assert not features["given"].rechecked
        assert "another name field" in features["given"].label
        assert features["surname"].rechecked
        assert "another name field" in features["surname"].label


def test_results_are_deterministic(dedup: Any) -> None:
    result, _, frame = dedup
    again = link(frame, None, spec())
    pd.testing.assert_frame_equal(result.pairs, again.pairs)
    pd.testing.assert_frame_equal(result.clusters, again.clusters)


def test_derived_fields_are_compared_instead_of_the_source() -> None:
    frame, planted = dedup_data(seed=4)
    frame["full"] = frame["given"] + "|" + frame["surname"]
    derived = spec(
        fields=[
            FieldSpec("given", "name", derive=per_value("full", lambda s: s.split("|")[0])),
            FieldSpec("surname", "name", derive=per_value("full", lambda s: s.split("|")[1])),
            FieldSpec("born", "date"),
            FieldSpec("city", "category"),
        ]
    )
    result = link(frame.drop(columns=["given", "surname"]), None, derived)
    assert len(found(result) & planted) / len(planted) >= 0.9


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"blocking": [["given"], ["nickname"]]}, "nickname"),
        ({"blocking": []}, "blocking"),
        ({"deterministic": ["l.alias = r.alias"]}, "alias"),
        (
            {
                "fields": [
                    FieldSpec("given", "name"),
                    FieldSpec("surname", "name"),
                    FieldSpec("born", "date"),
                    FieldSpec("city", "category"),
                    FieldSpec("passport", "identifier"),
                ]
            },
            "passport",
        ),
        ({"em_rules": [["born"]]}, "born"),
        ({"threshold": 1.5}, "threshold"),
        ({"unique_id": "record"}, "record"),
    ],
)
def test_a_bad_spec_is_refused_naming_the_field(changes: dict[str, Any], field: str) -> None:
    frame, _ = dedup_data()
    with pytest.raises(ValidationFailed) as refused:
        link(frame, None, spec(**changes))
    assert refused.value.errors[0].field == field


def test_an_unknown_backend_is_refused() -> None:
    frame, _ = dedup_data()
    with pytest.raises(ValidationFailed) as refused:
        link(frame, None, spec(), backend="oracle")
    assert refused.value.errors[0].field == "backend"
