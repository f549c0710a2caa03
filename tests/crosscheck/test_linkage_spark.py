"""The same linkage on Spark (Splink's Spark backend, pyspark in local mode) as on DuckDB.

Needs pyspark and a Java runtime; without them the Spark tests skip, unless
TOCSIN_REQUIRE_SPARK=1 (as in CI), where a missing one is a failure.
"""

from __future__ import annotations

import importlib.util
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import pytest
from sqlalchemy import select
from tests.conftest import MakeActor
from tests.crosscheck.test_linkage import dedup_data, spec
from tests.crosscheck.test_person_resolution import FAMILY, GIVEN
from tests.seeding import Seeder

from tocsin.cases.schemas import NameIn
from tocsin.core.db import Database
from tocsin.core.errors import ValidationFailed
from tocsin.core.roles import Role
from tocsin.crosscheck.linkage import LinkResult, link
from tocsin.crosscheck.linkage.backend import java_available, local_spark_session
from tocsin.crosscheck.models import MatchCandidate
from tocsin.crosscheck.person_resolution import resolve_persons

REQUIRE_SPARK = os.environ.get("TOCSIN_REQUIRE_SPARK") == "1"


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not java_available():
        return "no Java runtime for Spark (apt-get install -y openjdk-17-jre-headless)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if REQUIRE_SPARK:
            pytest.fail(f"TOCSIN_REQUIRE_SPARK=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    # Only the JVM's quick compiler: a test session lives a minute, too short for the
    # optimising one to pay for itself.
    session = local_spark_session(
        "tocsin-test",
        shuffle_partitions=2,
        config={"spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"},
    )
    yield session
    session.stop()


def partition(result: LinkResult) -> set[frozenset[Any]]:
    """The clusters as sets of (source, record id): cluster numbering may differ."""
    clusters = result.clusters
    keys = list(zip(clusters["source"], clusters["record_id"], strict=True))
    return set(clusters.assign(key=keys).groupby("cluster_id")["key"].apply(frozenset))


def assert_same_linkage(duck: LinkResult, spark: LinkResult) -> None:
    assert partition(spark) == partition(duck)
    keys = ["id_l", "id_r"]
    both = duck.pairs.merge(spark.pairs, on=keys, how="outer", suffixes=("_d", "_s"))
    assert len(both) == len(duck.pairs) == len(spark.pairs)
    assert both["match_probability_s"].to_numpy() == pytest.approx(
        both["match_probability_d"].to_numpy(), abs=1e-6
    )
    # Same level for every field of every pair: Spark's Jaro-Winkler and Levenshtein (Splink's
    # jar, Spark's own) put each pair where DuckDB's do.
    for f in duck.spec.fields:
        assert (both[f"gamma_{f.name}_s"] == both[f"gamma_{f.name}_d"]).all(), f.name
    assert spark.prior_weight == pytest.approx(duck.prior_weight, abs=1e-6)


def leftovers(spark: Any) -> set[str]:
    """What a session holds that could be records: views, cached data, checkpoint files."""
    held = {f"view {t.name}" for t in spark.catalog.listTables()}
    if not spark._jsparkSession.sharedState().cacheManager().isEmpty():
        held.add("cached data")
    checkpoints = spark.sparkContext._jsc.sc().getCheckpointDir()
    if not checkpoints.isEmpty():
        folder = Path(urlparse(checkpoints.get()).path)
        held |= {f"checkpoint {p.name}" for p in folder.iterdir()} if folder.exists() else set()
    return held


def on_spark(spark: Any, *inputs: pd.DataFrame | None, **options: Any) -> LinkResult:
    """A Spark linkage, checked to leave nothing of the records behind in the session."""
    before = leftovers(spark)
    result = link(
        *inputs, spec(), backend="spark", backend_options={"spark_session": spark, **options}
    )
    assert leftovers(spark) == before
    return result


@pytest.fixture(scope="module")
def dedup(spark: Any) -> tuple[LinkResult, LinkResult]:
    frame, _ = dedup_data()
    return link(frame, None, spec()), on_spark(spark, frame, None)


def test_dedup_on_spark_gives_the_same_clusters_as_on_duckdb(dedup: Any) -> None:
    duck, spark_result = dedup
    sizes = duck.clusters["cluster_id"].value_counts()
    assert (sizes > 1).sum() >= 40, "the planted duplicates must form clusters to compare"
    assert_same_linkage(duck, spark_result)


def test_the_spark_backend_without_a_session_is_refused() -> None:
    frame, _ = dedup_data()
    with pytest.raises(ValidationFailed) as refused:
        link(frame, None, spec(), backend="spark")
    assert refused.value.errors[0].field == "backend"


def test_person_resolution_on_spark_proposes_what_duckdb_does(
    spark: Any, db: Database, make_actor: MakeActor
) -> None:
    """The case file's own resolution, through `resolve_persons(backend="spark")`."""
    if db.dialect != "sqlite":
        pytest.skip("the backend of the linkage does not depend on the database's")
    seed = Seeder(db, make_actor(Role.ANALYST))
    rng = random.Random(3)
    for _ in range(40):  # others, for the model to learn what a non-match looks like
        name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {rng.choice(FAMILY)}"
        born = f"{rng.randint(1950, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        seed.person("AMBER", names=[NameIn(value=name)], sex="male", birth_date=born)
    for name in ("Omar Haddad Kanaan", "Omar Hadad Kanan", "عمر حداد كنعان"):
        script = "Arab" if name[0] == "ع" else "Latn"
        seed.person("AMBER", names=[NameIn(value=name, script=script)], sex="male",
                    birth_date="1984-06-21")  # fmt: skip

    def proposed(**options: Any) -> set[tuple[str, str, float]]:
        with db.session() as s:
            resolve_persons(s, 0.9, **options)
            found = {(c.left_id, c.right_id, round(c.score, 4))
                     for c in s.scalars(select(MatchCandidate))}  # fmt: skip
            s.rollback()  # leave the queue empty for the other backend
        return found

    on_duckdb = proposed()
    assert on_duckdb, "the planted renderings must be proposed"
    assert proposed(backend="spark", backend_options={"spark_session": spark}) == on_duckdb
