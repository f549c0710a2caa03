"""Action library (issue 8): search latency over 100,000 paragraphs, and import throughput.

What is timed is the service function the API and the CLI call, ``tocsin.library.store.search``,
in a session of its own per query (opened, searched, committed, as a request does), by an
analyst (so the TLP filter and the audit of protected reads run). Every query is a new text and
the embedding cache is emptied before each, so each query is encoded live by the real model
and that time is inside the latency. Queries (``--queries``, after a warm-up of others):

  keywords   one to three words taken from the seeds' sentences ("early warning", "reparations")
  questions  sentences in our own words ("what can donors do about hate speech online")
  filtered   either kind, narrowed by actor, theme, document, or actor and theme

``search_text`` (full text only, no model) is timed on the keyword queries too. The baseline,
on ``--baseline-queries`` of the same queries in the same run: no index at all, the same query
encoding, a LIKE scan of the paragraphs for the words, and every stored vector read from the
database and scanned with numpy, fused the same way.

The corpus (benchmarks/library_corpus.py says how, and why it is an approximation): the five
seeds imported for real, plus synthetic paragraphs made of their real sentences, whose vectors
are the normalised mean of their sentences' real vectors (each distinct sentence is encoded once
by the real model; that time is reported), their labels copied from a real classified paragraph.
SQLite always; PostgreSQL too when TOCSIN_TEST_POSTGRES_URL (or --postgres) names a server, in a
database created for the run and dropped after.

Import throughput: the five seeds imported into a fresh store, items per second, with embeddings
(encoding every paragraph: the model's speed on this machine decides it) and without (rules and
lexical similarity), beside parsing alone.

    python benchmarks/library_search.py    # merges its keys into benchmarks/results/library.json
    python benchmarks/library_search.py --paragraphs 20000 --queries 60    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import create_engine, text

import library_corpus as corpus
from library_seeds import SEEDS
from tocsin.core import migrate
from tocsin.core.access import Actor
from tocsin.core.auth import actor_for, create_user
from tocsin.core.db import Database
from tocsin.core.registry import load_models
from tocsin.core.roles import Role
from tocsin.library import ParsedDocument, embeddings, parse_file
from tocsin.library.classify import Classifier
from tocsin.library.store import SearchFilters, import_document, search, search_text

RESULTS = Path(__file__).parent / "results" / "library.json"
CONSOLE = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
TARGET_MS = 100.0
WARM_UP = 20
LIMIT = 20
SEED_FILES = sorted(SEEDS.glob("*.txt"))
TOPICS = (
    "attacks on schools and hospitals", "early warning of mass atrocities", "hate speech online",
    "reparations for victims", "children recruited by armed groups", "sexual violence in war",
    "the safety of journalists", "human rights defenders at risk", "people forced from home",
    "destroyed cultural heritage", "arms transfers to abusive forces", "sanctions on perpetrators",
    "training police and soldiers", "truth commissions", "rights of minorities",
    "faith leaders calling for calm", "companies operating in conflict zones",
    "money for local civil society", "regional mediation", "mandates of peacekeepers",
)  # fmt: skip
WHO = ("governments", "the United Nations", "civil society", "donors", "regional bodies",
       "the security forces")  # fmt: skip
ASKS = ("what can {who} do about {topic}", "how should {who} respond to {topic}",
        "recommendations to {who} on {topic}", "commitments by {who} on {topic}",
        "steps {who} can take on {topic} in a crisis")  # fmt: skip


@dataclass(frozen=True)
class Query:
    kind: str  # keywords, questions, filtered
    text: str
    filters: SearchFilters


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def make_queries(sources: list[corpus.Source], sentences: list[str], slugs: list[str],
                 count: int, rng: random.Random) -> list[Query]:  # fmt: skip
    """``count`` distinct queries: 35% keywords, 40% questions, 25% filtered."""
    words = [[w for w in (t.strip(".,;:()\"'").lower() for t in s.split())
              if len(w) > 3 and w.isalpha()] for s in sentences]  # fmt: skip
    labels = [(row["dimension"], row["label"]) for s in sources for row in s.labels]

    def keywords() -> str:
        pool = rng.choice([w for w in words if len(w) >= 3])
        n = rng.choice((1, 2, 2, 3))
        start = rng.randrange(len(pool) - n + 1)
        return " ".join(pool[start : start + n])

    def question() -> str:
        return rng.choice(ASKS).format(who=rng.choice(WHO), topic=rng.choice(TOPICS))

    def narrowed() -> SearchFilters:
        shape = rng.choice(("actor", "theme", "document", "actor+theme"))
        chosen: dict[str, Any] = {}
        if shape == "document":
            chosen["document"] = rng.choice(slugs)
        for dimension in shape.split("+"):
            if dimension != "document":
                chosen[dimension] = rng.choice([c for d, c in labels if d == dimension])
        return SearchFilters(**chosen)

    pattern = ["keywords"] * 7 + ["questions"] * 8 + ["filtered"] * 5
    plan = [pattern[n % len(pattern)] for n in range(count)]
    seen: set[str] = set()
    out: list[Query] = []
    for kind in plan:
        if len(out) == count:
            break
        while True:
            body = question() if kind == "questions" or (
                kind == "filtered" and rng.random() < 0.5) else keywords()  # fmt: skip
            if body not in seen:
                seen.add(body)
                break
        out.append(Query(kind, body, narrowed() if kind == "filtered" else SearchFilters()))
    rng.shuffle(out)
    return out


def timed_ms(run: Callable[[], object]) -> float:
    embeddings.clear_cache()  # every query encoded live, as a new query would be
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=CONSOLE, transient=True) as bar:  # fmt: skip
        task = bar.add_task(label, total=total)
        yield lambda n: bar.update(task, advance=n)


def fresh_store(url: str) -> tuple[Database, Actor]:
    db = Database(url)
    migrate.upgrade(db.engine)
    with db.session() as s:
        user = create_user(s, "bench@example.org", "bench-password-1", Role.ANALYST)
        actor = actor_for(user)
    return db, actor


def import_seeds(db: Database, actor: Actor, seeds: list[ParsedDocument],
                 with_embeddings: bool) -> int:  # fmt: skip
    classifier = None if with_embeddings else Classifier(use_embeddings=False)
    items = 0
    with db.session() as s:
        for parsed in seeds:
            result = import_document(s, actor, parsed, classifier=classifier,
                                     embed=with_embeddings)  # fmt: skip
            items += result.document.items
    return items


def import_throughput(tmp: Path, figures: dict[str, Any]) -> tuple[Database, Actor]:
    """Parse-only, import without and with embeddings; returns the last store (seeds in it)."""
    rounds, start = 3, time.perf_counter()
    for _ in range(rounds):
        seeds = [parse_file(path) for path in SEED_FILES]
    parse_s = (time.perf_counter() - start) / rounds
    db, actor = fresh_store(f"sqlite:///{tmp / 'keywords.sqlite3'}")
    start = time.perf_counter()
    items = import_seeds(db, actor, seeds, with_embeddings=False)
    keywords_s = time.perf_counter() - start
    db.dispose()
    figures |= {"import_items": items, "parse_paragraphs_per_s": round(items / parse_s, 1),
                "import_paragraphs_per_s_keywords": round(items / keywords_s, 1)}  # fmt: skip
    db, actor = fresh_store(f"sqlite:///{tmp / 'library.sqlite3'}")
    if embeddings.available():
        embeddings.ensure_loaded()
        embeddings.clear_cache()
        start = time.perf_counter()
        import_seeds(db, actor, seeds, with_embeddings=True)
        figures["import_paragraphs_per_s"] = round(items / (time.perf_counter() - start), 1)
    else:
        import_seeds(db, actor, seeds, with_embeddings=False)
    table = Table(title=f"Import of the five seeds ({items} items), SQLite")
    for column in ("step", "paragraphs/s"):
        table.add_column(column, justify="left" if column == "step" else "right")
    table.add_row("parse only (baseline)", f"{figures['parse_paragraphs_per_s']:.0f}")
    table.add_row("import without embeddings", f"{figures['import_paragraphs_per_s_keywords']:.1f}")
    table.add_row("import with embeddings",
                  f"{figures.get('import_paragraphs_per_s', float('nan')):.1f}")  # fmt: skip
    CONSOLE.print(table)
    return db, actor


@dataclass
class Corpus:
    sources: list[corpus.Source]
    sentences: list[str]
    paragraphs: list[corpus.Paragraph]
    vectors: corpus.Matrix


def build_corpus(seed_store: Database, total: int, figures: dict[str, Any]) -> Corpus:
    with seed_store.session() as s:
        sources, sentences = corpus.read_sources(s)
        seed_items = sum(1 for _ in s.execute(text(
            "SELECT 1 FROM library_nodes WHERE kind = 'item' AND current")))  # fmt: skip
    embeddings.clear_cache()
    start = time.perf_counter()
    with progress(f"encoding {len(sentences)} distinct sentences", len(sentences)) as advance:
        parts = []
        for at in range(0, len(sentences), 64):
            parts.append(embeddings.encode(sentences[at : at + 64], batch_size=64))
            advance(len(parts[-1]))
    encode_s = time.perf_counter() - start
    sentence_vectors = np.vstack(parts)
    paragraphs = corpus.synthesise(sources, sentences, total - seed_items, random.Random(8))
    vectors = corpus.paragraph_vectors(paragraphs, sentence_vectors)
    figures |= {"distinct_sentences": len(sentences), "sentence_encode_s": round(encode_s, 1),
                "sentences_per_s": round(len(sentences) / encode_s, 1)}  # fmt: skip
    CONSOLE.print(f"{len(sentences)} distinct sentences of {len(sources)} classified seed "
                  f"paragraphs encoded by the real model in {encode_s:.0f} s "
                  f"({len(sentences) / encode_s:.0f}/s); {len(paragraphs)} synthetic paragraphs "
                  f"+ {seed_items} real ones; synthetic vectors are the normalised mean of their "
                  "sentences' vectors (an approximation of encoding the paragraph)")  # fmt: skip
    return Corpus(sources, sentences, paragraphs, vectors)


def fill(db: Database, actor: Actor, built: Corpus, label: str) -> float:
    start = time.perf_counter()
    with progress(f"{label}: storing {len(built.paragraphs)} paragraphs",
                  len(built.paragraphs)) as advance:  # fmt: skip
        corpus.store_corpus(db, built.paragraphs, built.vectors, built.sources, actor.user_id or "",
                            advance)  # fmt: skip
    return time.perf_counter() - start


def measure(db: Database, actor: Actor, queries: list[Query], warm_up: list[Query],
            baseline_queries: int, label: str) -> dict[str, Any]:  # fmt: skip
    def ours(q: Query) -> Callable[[], object]:
        def run() -> object:
            with db.session() as s:
                return search(s, actor, q.text, q.filters, LIMIT)

        return run

    def text_only(q: Query) -> Callable[[], object]:
        def run() -> object:
            with db.session() as s:
                return search_text(s, actor, q.text, q.filters, LIMIT)

        return run

    def naive(q: Query) -> Callable[[], object]:
        def run() -> object:
            with db.session() as s:
                return corpus.naive_search(s, actor, q.text, q.filters, LIMIT)

        return run

    with db.session() as s:
        paragraphs = s.scalar(text("SELECT count(*) FROM library_nodes WHERE kind = 'item'"))
    first_ms = timed_ms(ours(warm_up[0]))  # builds the in-memory vector index
    for q in warm_up[1:]:
        timed_ms(ours(q))
    times: dict[str, list[float]] = {"all": [], "keywords": [], "questions": [], "filtered": [],
                                     "fulltext": [], "baseline": []}  # fmt: skip
    with progress(f"{label}: {len(queries)} searches", len(queries)) as advance:
        for q in queries:
            took = timed_ms(ours(q))
            times["all"].append(took)
            times[q.kind].append(took)
            if q.kind == "keywords":
                times["fulltext"].append(timed_ms(text_only(q)))
            advance(1)
    with progress(f"{label}: baseline", baseline_queries) as advance:
        for q in queries[:baseline_queries]:
            times["baseline"].append(timed_ms(naive(q)))
            advance(1)
    out: dict[str, Any] = {"paragraphs": paragraphs, "first_query_ms": round(first_ms, 1)}
    for name, samples in times.items():
        if samples:
            out[f"{name}_p50_ms"] = round(statistics.median(samples), 1)
            out[f"{name}_p95_ms"] = round(percentile(samples, 0.95), 1)
            out[f"{name}_queries"] = len(samples)
    return out


def show(label: str, f: dict[str, Any]) -> None:
    table = Table(title=f"{label}: search over {f['paragraphs']:,} paragraphs, ms per query "
                  "(query encoded live, in a session of its own)")  # fmt: skip
    for column in ("queries", "n", "p50", "p95", f"p95 < {TARGET_MS:.0f} ms"):
        table.add_column(column, justify="left" if column == "queries" else "right")
    names = {"all": "search(), all", "keywords": "search(), keywords",
             "questions": "search(), questions", "filtered": "search(), filtered",
             "fulltext": "search_text(), keywords", "baseline": "baseline: no index"}  # fmt: skip
    for key, name in names.items():
        if f"{key}_p95_ms" in f:
            p95 = f[f"{key}_p95_ms"]
            table.add_row(name, str(f[f"{key}_queries"]), f"{f[f'{key}_p50_ms']:.1f}",
                          f"{p95:.1f}", "yes" if p95 < TARGET_MS else "NO")  # fmt: skip
    CONSOLE.print(table)
    CONSOLE.print(
        f"first query after start (builds the vector index): {f['first_query_ms']:.0f} ms"
    )


def pg_database(admin_url: str) -> str:
    name = f"library_bench_{uuid.uuid4().hex[:6]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_pg(admin_url: str, url: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def flat(figures: dict[str, Any], suffix: str) -> dict[str, Any]:
    """Our result keys: the overall figures unprefixed, each query kind by name."""
    out = {f"search_p50_ms{suffix}": figures["all_p50_ms"],
           f"search_p95_ms{suffix}": figures["all_p95_ms"],
           f"first_query_ms{suffix}": figures["first_query_ms"]}  # fmt: skip
    for kind, key in (("keywords", "keywords"), ("questions", "semantic"),
                      ("filtered", "filtered"), ("fulltext", "fulltext"),
                      ("baseline", "baseline_search")):  # fmt: skip
        for stat in ("p50", "p95"):
            if f"{kind}_{stat}_ms" in figures:
                out[f"{key}_{stat}_ms{suffix}"] = figures[f"{kind}_{stat}_ms"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TOCSIN_TEST_POSTGRES_URL"),
        help="a PostgreSQL server's URL; a database is created there",
    )
    args = parser.parse_args()
    if not SEEDS.is_dir():
        raise SystemExit(f"{SEEDS} not found: the seeds live in ../shared/seeds beside the repo")
    if not embeddings.available():
        raise SystemExit(f"semantic search needs the embeddings extra: {embeddings.status()}")
    load_models()
    CONSOLE.print(embeddings.status())
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store, actor = import_throughput(Path(tmp), figures)
        built = build_corpus(store, args.paragraphs, figures)
        took = fill(store, actor, built, "SQLite")
        CONSOLE.print(f"SQLite: corpus stored in {took:.0f} s (bulk rows, the service's "
                      "search-table refill)")  # fmt: skip
        slugs = [corpus.slug_of(d) for d in range(corpus.DOCUMENTS)]
        rng = random.Random(2026)
        everything = make_queries(built.sources, built.sentences, slugs,
                                  args.queries + WARM_UP, rng)  # fmt: skip
        warm_up, queries = everything[:WARM_UP], everything[WARM_UP:]
        sqlite = measure(store, actor, queries, warm_up, args.baseline_queries, "SQLite")
        show("SQLite", sqlite)
        store.dispose()
        figures |= flat(sqlite, "") | {"paragraphs": sqlite["paragraphs"], "queries": len(queries)}
        if args.postgres:
            url = pg_database(args.postgres)
            try:
                pg, pg_actor = fresh_store(url)
                import_seeds(pg, pg_actor, [parse_file(p) for p in SEED_FILES], True)
                took = fill(pg, pg_actor, built, "PostgreSQL")
                CONSOLE.print(f"PostgreSQL: corpus stored in {took:.0f} s")
                found = measure(pg, pg_actor, queries, warm_up, args.baseline_queries,
                                "PostgreSQL")  # fmt: skip
                show("PostgreSQL", found)
                pg.dispose()
                figures |= flat(found, "_postgres")
            finally:
                drop_pg(args.postgres, url)
        else:
            CONSOLE.print("PostgreSQL: skipped (set TOCSIN_TEST_POSTGRES_URL or --postgres)")
    figures |= {"corpus": "seeds + synthetic paragraphs of real sentences, mean sentence vectors",
                "search_backend": "sqlite", "search_target_ms": TARGET_MS,
                "search_bench_s": round(time.perf_counter() - started)}  # fmt: skip
    old = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(old | figures, indent=2) + "\n", encoding="utf-8")
    CONSOLE.print(
        f"search p95 {figures['search_p95_ms']:.1f} ms over {figures['paragraphs']:,} "
        f"paragraphs (SQLite); wrote {RESULTS.relative_to(Path(__file__).parents[1])}"
    )


if __name__ == "__main__":
    main()
