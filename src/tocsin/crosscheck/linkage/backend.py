"""The one place that knows which Splink database backend runs a linkage.

DuckDB runs in-process and is the default. Spark (through Splink's SparkAPI) is the path beyond
one machine; it is imported only when asked for, so DuckDB users never load pyspark.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from tocsin.core.errors import ValidationFailed

BACKENDS = ("duckdb", "spark")


def database_api(backend: str, **options: Any) -> DatabaseAPI[Any]:
    """A fresh Splink database API. Options go to the backend's constructor (for Spark:
    ``spark_session=``; for DuckDB: ``connection=``)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI(**options)
    if backend == "spark":
        from splink import SparkAPI

        if "spark_session" not in options:
            raise ValidationFailed.on("backend", "the spark backend needs spark_session=")
        return SparkAPI(**options)  # type: ignore[no-untyped-call]
    raise ValidationFailed.on("backend", f"{backend!r} is not one of {BACKENDS}")


def register(api: DatabaseAPI[Any], frame: pd.DataFrame, name: str) -> SplinkDataFrame:
    """Hand a prepared frame to the backend under a display name used as its source label."""
    if type(api).__name__ == "SparkAPI":
        spark = api.spark  # type: ignore[attr-defined]
        return api.register(spark.createDataFrame(frame), dataset_display_name=name)
    return api.register(frame, dataset_display_name=name)
