"""The one place that knows which Splink database backend runs a linkage.

DuckDB runs in-process and is the default. Spark (through Splink's SparkAPI) is the path beyond
one machine; it is imported only when asked for, so DuckDB users never load pyspark.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from tocsin.core.errors import ValidationFailed

if TYPE_CHECKING:
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StructType

BACKENDS = ("duckdb", "spark")


def database_api(backend: str, **options: Any) -> DatabaseAPI[Any]:
    """A fresh Splink database API. Options go to the backend's constructor (for Spark:
    ``spark_session=`` and optionally ``break_lineage_method=``, ``num_partitions_on_repartition=``;
    for DuckDB: ``connection=``)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI(**options)
    if backend == "spark":
        session = options.get("spark_session")
        if session is None:
            raise ValidationFailed.on("backend", "the spark backend needs spark_session=")
        try:
            from tocsin.crosscheck.linkage.spark_api import TrackedSparkAPI
        except ImportError as exc:
            raise ValidationFailed.on(
                "backend", "the spark backend needs pyspark: pip install 'tocsin[spark]'"
            ) from exc
        # Splink's default way to cut a long query plan writes each step as parquet under the
        # checkpoint directory and refuses to run without one; a session that has none (a
        # caller's own) keeps the steps in memory instead, spilling to Spark's local dir.
        if "break_lineage_method" not in options and _checkpoint_dir(session) is None:
            options = {**options, "break_lineage_method": "persist"}
        return TrackedSparkAPI(**options)
    raise ValidationFailed.on("backend", f"{backend!r} is not one of {BACKENDS}")


def _checkpoint_dir(session: SparkSession) -> str | None:
    found = session.sparkContext._jsc.sc().getCheckpointDir()
    return None if found.isEmpty() else str(found.get())


def _spark_schema(frame: pd.DataFrame) -> StructType:
    """Numbers as doubles, everything else as text: a column that is missing in every record
    (or a whole record set of one type pandas cannot tell) still gets a type Spark accepts."""
    from pyspark.sql.types import (
        DoubleType,
        LongType,
        StringType,
        StructField,
        StructType,
    )

    fields = []
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_integer_dtype(dtype):
            kind: Any = LongType()
        elif pd.api.types.is_float_dtype(dtype):
            kind = DoubleType()
        else:
            kind = StringType()
        fields.append(StructField(str(name), kind, nullable=True))
    return StructType(fields)


def _spark_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Plain Python values, with every kind of missing (None, NaN, pd.NA) as SQL null: Spark
    keeps a float NaN as a number, which would agree with itself instead of being missing."""
    cleaned = frame.astype(object).where(frame.notna(), None)
    return [tuple(row) for row in cleaned.itertuples(index=False, name=None)]


def register(api: DatabaseAPI[Any], frame: pd.DataFrame, name: str) -> SplinkDataFrame:
    """Hand a prepared frame to the backend under a display name used as its source label."""
    if type(api).__name__ == "TrackedSparkAPI":
        spark = api.spark  # type: ignore[attr-defined]
        table = spark.createDataFrame(_spark_rows(frame), schema=_spark_schema(frame))
        # Views live as long as the session, which outlives one linkage: a name of its own per
        # linkage, the display name (the source label in the pairs) unchanged.
        view = f"{name}_{uuid.uuid4().hex}"
        return api.register(table, dataset_display_name=name, table_name=view)
    return api.register(frame, dataset_display_name=name)


def release(api: DatabaseAPI[Any]) -> None:
    """Drop what a linkage left in the backend once its pairs are in pandas: on Spark, the
    input records and every step made from them (see spark_api.py). DuckDB's in-memory
    database goes with ``api``, so there is nothing to do for it."""
    if type(api).__name__ == "TrackedSparkAPI":
        api.release()  # type: ignore[attr-defined]


def java_available() -> bool:
    """Whether pyspark can start its JVM: ``java`` on the path or under ``JAVA_HOME``."""
    home = os.environ.get("JAVA_HOME")
    return shutil.which("java") is not None or bool(home and Path(home, "bin", "java").exists())


def local_spark_session(
    app_name: str = "tocsin",
    *,
    cores: int = 2,
    shuffle_partitions: int = 4,
    config: Mapping[str, str] | None = None,
) -> SparkSession:
    """A Spark session in local mode, for tests and for trying a linkage on one machine
    (``config`` adds or overrides Spark settings, e.g. ``spark.driver.memory``). If a session
    is already running in this process, Spark returns it and most settings here do not apply.

    Nothing listens beyond this machine (driver bound to 127.0.0.1, no web UI) and Spark's
    scratch files (shuffle, spill, checkpoints) go to a private temporary directory removed at
    exit. Splink's jar of string similarity functions (Jaro-Winkler and others Spark lacks) is
    put on the class path. Stop the session with ``.stop()`` when done.
    """
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:
        raise ValidationFailed.on(
            "backend", "the spark backend needs pyspark: pip install 'tocsin[spark]'"
        ) from exc
    if not java_available():
        raise ValidationFailed.on("backend", "the spark backend needs a Java 17 runtime (java)")
    # Spark otherwise picks the address the host name resolves to, which here may be a network
    # interface; set before the JVM starts, since it reads the variable only then.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

    scratch = Path(tempfile.mkdtemp(prefix="tocsin-spark-"))  # mode 0700: other users stay out
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.jars", similarity_jar_location())
        .config("spark.local.dir", str(scratch / "local"))
        .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    return session
