"""Engines beyond the default DuckDB file: a workspace as a folder of Parquet tables, computed
with DuckDB (this machine) or Spark (a cluster) from the same Ibis code.

``open_workspace(folder)`` opens such a folder with DuckDB; ``open_workspace(folder,
engine="spark", master=...)`` with Spark. See ``docs/spark.md``.
"""

from .parquet_store import ParquetStore, is_parquet_workspace
from .parquet_workspace import ENGINES, ParquetWorkspace

__all__ = ["ENGINES", "ParquetStore", "ParquetWorkspace", "is_parquet_workspace"]
