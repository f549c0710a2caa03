"""Splink's Spark backend, made to clean up after itself.

A Spark session outlives the linkage run on it. Splink on Spark never drops what it makes: when
it lets go of a step it only forgets it, and the step's view, its cached copy and its parquet
files under the checkpoint directory stay in the session for as long as the session lives.
Here those are the records of protected persons, so this backend remembers everything it makes
and :meth:`TrackedSparkAPI.release` removes it. Imported only when the Spark backend is asked
for: it needs pyspark.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame
from splink import SparkAPI


class TrackedSparkAPI(SparkAPI):
    def __init__(self, **options: Any) -> None:
        self.views: set[str] = set()
        self.cached: list[DataFrame] = []
        super().__init__(**options)  # type: ignore[no-untyped-call]

    def _table_registration(self, input: Any, table_name: str) -> None:
        super()._table_registration(input, table_name)
        self.views.add(table_name)

    def _repartition_if_needed(self, spark_df: DataFrame, templated_name: str) -> DataFrame:
        # Splink persists what this returns, but may then repartition it and keep only the
        # repartitioned frame: catch the cached one where it is made.
        out: DataFrame = super()._repartition_if_needed(  # type: ignore[no-untyped-call]
            spark_df, templated_name
        )
        persist = out.persist

        def tracked(*args: Any, **kwargs: Any) -> DataFrame:
            cached = persist(*args, **kwargs)
            self.cached.append(cached)
            return cached

        out.persist = tracked  # type: ignore[method-assign]
        return out

    def _break_lineage_and_repartition(
        self, spark_df: DataFrame, templated_name: str, physical_name: str
    ) -> DataFrame:
        self.views.add(physical_name)
        out: DataFrame = super()._break_lineage_and_repartition(  # type: ignore[no-untyped-call]
            spark_df, templated_name, physical_name
        )
        return out

    def release(self) -> None:
        """Drop every view, cached step and checkpoint file this backend made."""
        for frame in self.cached:
            frame.unpersist()
        self.cached.clear()
        for name in sorted(self.views):
            self.spark.catalog.dropTempView(name)
        self.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]
        checkpoints = self.spark.sparkContext._jsc.sc().getCheckpointDir()
        if self.break_lineage_method == "parquet" and not checkpoints.isEmpty():
            root = str(checkpoints.get()).rstrip("/")
            self._delete_paths([f"{root}/{name}" for name in sorted(self.views)])
        self.views.clear()

    def _delete_paths(self, paths: list[str]) -> None:
        """Through Hadoop's file system API, so the checkpoint directory may be on HDFS, S3
        or a local disk alike."""
        context = self.spark.sparkContext
        conf = context._jsc.hadoopConfiguration()
        for path in paths:
            target = context._jvm.org.apache.hadoop.fs.Path(path)
            target.getFileSystem(conf).delete(target, True)
