"""The Spark engine: the same Ibis expressions, run by Ibis' PySpark backend.

``spark_session`` starts (or joins) a Spark session with the settings cibscan's results depend
on; ``SparkEngine`` reads and writes Parquet-folder workspace tables through it. Each workspace
gets its own ``newSession()`` of the shared Spark context, so two open workspaces never see
each other's table names. See ``docs/spark.md`` for running on a cluster.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

import ibis

from ..errors import WorkspaceError

__all__ = ["SparkEngine", "spark_session", "DEFAULT_SPARK_CONF", "is_local_master", "resolve_master", "stop_spark", "spark_schema", "spark_type", "arrow_batch_udf"]

#: Settings every cibscan session gets (a user's ``spark_conf`` may add to them). They make
#: results identical to DuckDB's: UTC, timestamps without zone (as the canonical tables store
#: them), microsecond Parquet timestamps DuckDB reads as plain TIMESTAMP.
DEFAULT_SPARK_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # Adaptive execution splits skewed join partitions and merges tiny ones (on by default
    # since Spark 3.2; set here so a cluster default cannot turn it off unnoticed).
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.skewJoin.enabled": "true",
    # Ibis' SQL for the coordination pipeline makes very large plans; their text (logs, UI,
    # adaptive re-planning) was built in full and ran a 1 GB driver out of heap, which hung the
    # Arrow collection (its serving thread died): cap it, the plans themselves are unaffected
    "spark.sql.maxPlanStringLength": "200000",
    "spark.sql.debug.maxToStringFields": "100",
}

#: Extra settings for ``local[...]`` masters only: no web UI (faster start) and a few shuffle
#: partitions per core instead of Spark's 200 (which are 200 tiny tasks on one machine).
LOCAL_SPARK_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    # in local mode the driver JVM is the executor too: Spark's 1 GB default is too small for
    # plans of this size (a user's ``conf`` still overrides it)
    "spark.driver.memory": "3g",
}

#: Runtime SQL settings applied to every workspace's own session.
_SQL_CONF = {k: v for k, v in DEFAULT_SPARK_CONF.items() if k.startswith("spark.sql.")}


def is_local_master(master: str | None) -> bool:
    return bool(master) and master.startswith("local")


def resolve_master(master: str | None) -> str | None:
    """The master URL to set: the one given, else ``CIBSCAN_SPARK_MASTER``, else none when
    running under ``spark-submit`` or in a notebook that already has a session (their master
    wins), else ``local[*]``."""
    master = master or os.environ.get("CIBSCAN_SPARK_MASTER")
    if master:
        return master
    if "PYSPARK_GATEWAY_PORT" in os.environ:  # launched by spark-submit / pyspark shell
        return None
    try:
        from pyspark.sql import SparkSession

        if SparkSession.getActiveSession() is not None:
            return None
    except ImportError:
        pass
    return "local[*]"


def _local_cores(master: str) -> int:
    """Cores of a ``local[N]`` / ``local[N,F]`` / ``local[*]`` master."""
    inside = master.partition("[")[2].partition("]")[0].split(",")[0]
    if master == "local":
        return 1
    return int(inside) if inside.isdigit() else os.cpu_count() or 2


def spark_session(master: str | None = None, conf: dict[str, Any] | None = None, app_name: str = "cibscan"):
    """A Spark session with cibscan's settings (joining the active one when there is one).

    Parameters
    ----------
    master : str, optional
        Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``, ``k8s://...``); see
        ``resolve_master`` for the default.
    conf : dict, optional
        More Spark settings (``{"spark.driver.memory": "8g"}``); those read at JVM start only
        take effect when this call starts the JVM.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise WorkspaceError("the Spark engine needs pyspark: pip install 'cibscan[spark]'") from e
    master = resolve_master(master)
    builder = SparkSession.builder.appName(app_name)
    settings = dict(DEFAULT_SPARK_CONF)
    if master:
        builder = builder.master(master)
        if is_local_master(master):
            settings.update(LOCAL_SPARK_CONF)
            settings["spark.sql.shuffle.partitions"] = str(4 * _local_cores(master))
            # Python workers (if a plan ever needs one) must be this interpreter, not `python3`.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.update({k: str(v) for k, v in (conf or {}).items()})
    for k, v in settings.items():
        builder = builder.config(k, v)
    if SparkSession.getActiveSession() is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        _check_java()
    try:
        return builder.getOrCreate()
    except Exception as e:  # the JVM did not start: say why in one line
        first = str(e).strip().splitlines()[0] if str(e).strip() else e.__class__.__name__
        raise WorkspaceError(f"cannot start Spark (master {master or 'from spark-submit'}): {first}") from e


def _check_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if not (home and os.path.exists(os.path.join(home, "bin", "java"))) and shutil.which("java") is None:
        raise WorkspaceError(
            "the Spark engine needs Java 17: no `java` on PATH and JAVA_HOME unset "
            "(e.g. apt-get install openjdk-17-jre-headless)"
        )


def spark_type(t):
    """The Spark type for an Ibis type, timestamps without zone as ``TIMESTAMP_NTZ`` (Ibis' own
    mapping gives zoned ones, which Parquet then marks as UTC-adjusted and DuckDB reads back as
    ``TIMESTAMPTZ``); every field nullable, so files from any writer fit."""
    import pyspark.sql.types as pt
    from ibis.backends.pyspark.datatypes import PySparkType

    if t.is_timestamp() and t.timezone is None:
        return pt.TimestampNTZType()
    if t.is_array():
        return pt.ArrayType(spark_type(t.value_type), True)
    if t.is_struct():
        return pt.StructType([pt.StructField(n, spark_type(f), True) for n, f in t.fields.items()])
    return PySparkType.from_ibis(t)


def spark_schema(schema: ibis.Schema):
    """The Spark schema for an Ibis schema (see ``spark_type``)."""
    import pyspark.sql.types as pt

    return pt.StructType([pt.StructField(name, spark_type(t), True) for name, t in schema.items()])


def arrow_batch_udf(func, dtype):
    """A Spark vectorised UDF running ``func`` (Arrow arrays in, an Arrow array out: an Ibis
    ``@udf.scalar.pyarrow`` function, as DuckDB calls it) on Arrow batches.

    Ibis registers pyarrow UDFs on PySpark as *row-at-a-time* Arrow-serialised Python UDFs,
    which call the function with one Python value at a time; a vectorised function then fails
    or, made to cope, is orders of magnitude slower. Spark 4.0's batch UDFs take pandas, so
    batches go Arrow -> pandas -> Arrow around ``func`` (zero-copy for numbers).
    """
    import warnings

    import numpy as np
    import pandas as pd
    import pyarrow as pa
    from pyspark.rdd import PythonEvalType
    from pyspark.sql import functions as F

    def batch(*cols):  # pandas Series in, Series (or DataFrame for a struct) out
        arrays = [pa.Array.from_pandas(c) for c in cols]
        valid = np.ones(len(cols[0]), dtype=bool)
        for a in arrays:
            valid &= ~np.asarray(a.is_null(), dtype=bool)
        if valid.all():
            out = func(*arrays)
        else:  # as DuckDB does: a row with a null input gets null, func never sees it
            idx = np.flatnonzero(valid)
            part = func(*(a.take(pa.array(idx)) for a in arrays))
            pos = np.zeros(len(valid), dtype=np.int64)
            pos[idx] = np.arange(len(idx))
            out = (part.combine_chunks() if isinstance(part, pa.ChunkedArray) else part).take(pa.array(pos, mask=~valid))
        if isinstance(out, pa.ChunkedArray):
            out = out.combine_chunks()
        if pa.types.is_struct(out.type):  # a struct result is a DataFrame for pandas_udf
            return pd.DataFrame({f.name: child.to_pandas() for f, child in zip(out.type, out.flatten())})
        return out.to_pandas()

    with warnings.catch_warnings():  # the explicit UDF type is fine; Spark asks for type hints instead
        warnings.simplefilter("ignore", UserWarning)
        return F.pandas_udf(batch, returnType=spark_type(dtype), functionType=PythonEvalType.SQL_SCALAR_PANDAS_UDF)


def _backend_class():
    """Ibis' PySpark backend with pyarrow UDFs registered as batch UDFs (``arrow_batch_udf``),
    ``to_pyarrow`` through Spark's own Arrow export, and ``.cache()`` of expressions holding
    memtables."""
    import ibis.expr.operations as ops
    from ibis.backends.pyspark import Backend
    from ibis.expr.operations.udf import InputType

    ibis.pyspark  # noqa: B018 -- loading the backend through ibis registers its options
    import sqlglot.expressions as sge
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    import ibis.expr.operations as ops_

    class CibscanPySparkCompiler(PySparkCompiler):
        # Ibis makes a visit method for every SIMPLE_OPS entry of each subclass, which would
        # replace the strip methods below
        SIMPLE_OPS = {k: v for k, v in PySparkCompiler.SIMPLE_OPS.items() if k not in (ops_.LStrip, ops_.RStrip)}

        # Ibis trims string.whitespace given as one literal; Spark SQL reads its "\v" and "\f"
        # escapes as the letters v and f, so "#verpamim".strip() gave "erpamim" on Spark.
        # The same characters, built with chr() so no escape is involved:
        def _whitespace(self):
            return self.f.concat(" \t\n\r", sge.Chr(expressions=[sge.convert(11)]), sge.Chr(expressions=[sge.convert(12)]))

        def visit_Strip(self, op, *, arg):
            return sge.Trim(this=arg, expression=self._whitespace(), position="BOTH")

        # Spark's two-argument ltrim/rtrim take the characters first (Ibis passes them second)
        # and sqlglot drops the characters of TRIM(LEADING ...): build both from the full
        # trim, which starts where the left-stripped string starts.
        def visit_LStrip(self, op, *, arg):
            t = self.visit_Strip(op, arg=arg)
            return self.if_(t.eq(sge.convert("")), sge.convert(""), self.f.substring(arg, self.f.instr(arg, t)))

        def visit_RStrip(self, op, *, arg):
            t = self.visit_Strip(op, arg=arg)
            end = self.f.instr(arg, t) + self.f.length(t) - 1
            return self.if_(t.eq(sge.convert("")), sge.convert(""), self.f.substring(arg, 1, end))

    class CibscanPySparkBackend(Backend):
        compiler = CibscanPySparkCompiler()

        def to_pyarrow(self, expr, /, *, params=None, limit=None, **kwargs):
            # Ibis goes Spark -> pandas -> Arrow, and pandas turns an int64 column holding a
            # null into float64: ids and hashes above 2**53 come back altered. Spark 4's
            # toArrow keeps every type as it is.
            from ibis.formats.pyarrow import PyArrowData

            self._run_pre_execute_hooks(expr)
            table_expr = expr.as_table()
            arrow = self._session.sql(self.compile(table_expr, params=params, limit=limit, **kwargs)).toArrow()
            return expr.__pyarrow_result__(PyArrowData.convert_table(arrow, table_expr.schema()))

        def _create_cached_table(self, name, expr):
            # Ibis' version skips the pre-execute hooks, so a cached expression that holds a
            # memtable (or a UDF) fails with TABLE_OR_VIEW_NOT_FOUND.
            self._run_pre_execute_hooks(expr)
            return super()._create_cached_table(name, expr)

        def _register_udfs(self, expr) -> None:
            super()._register_udfs(expr)
            for udf in expr.op().find(ops.ScalarUDF):
                if udf.__input_type__ == InputType.PYARROW:  # replace Ibis' row-at-a-time one
                    self._session.udf.register(self.compiler.__sql_name__(udf), arrow_batch_udf(udf.__func__, udf.dtype))

    return CibscanPySparkBackend


def _path_map() -> tuple[str, str] | None:
    spec = os.environ.get("CIBSCAN_SPARK_PATH_MAP")
    if not spec:
        return None
    if "=" not in spec:
        raise WorkspaceError(f"CIBSCAN_SPARK_PATH_MAP={spec!r}: expected LOCAL_PREFIX=URI_PREFIX, e.g. /dbfs/=dbfs:/")
    local, uri = spec.split("=", 1)
    return local, uri


class SparkEngine:
    """Read and write Parquet-folder workspace tables with Spark.

    Parameters
    ----------
    master : str, optional
        See ``spark_session``.
    spark_conf : dict, optional
        More Spark settings.
    session : SparkSession, optional
        Use this session's context (tests share one; Databricks gives ``spark``).

    Paths: the workspace folder is a path this (driver) process sees; executors must see the
    same files. By default a path ``/x`` is given to Spark as ``file:///x`` (local mode, or a
    mount every node has). ``CIBSCAN_SPARK_PATH_MAP=/dbfs/=dbfs:/`` maps a driver mount to the
    URI executors use instead.
    """

    name = "spark"

    def __init__(self, *, master: str | None = None, spark_conf: dict[str, Any] | None = None, session=None):
        base = session if session is not None else spark_session(master, spark_conf)
        self.session = base.newSession()
        for k, v in _SQL_CONF.items():
            self.session.conf.set(k, v)
        for k, v in (spark_conf or {}).items():
            if k.startswith("spark.sql."):
                self.session.conf.set(k, str(v))
        self.con = _backend_class()().connect(self.session)
        self.raw = self.session
        self._map = _path_map()

    def uri(self, path: str) -> str:
        """The address Spark's executors use for a driver path."""
        path = os.path.abspath(path)
        if self._map and path.startswith(self._map[0]):
            return self._map[1] + path[len(self._map[0]):]
        return "file://" + path

    def register(self, view: str, files: list[str], schema: ibis.Schema | None = None) -> None:
        """Make ``view`` the union of ``files`` (Parquet, same columns). With the ``schema``
        the manifest knows, Spark reads no footers to find it (one job less per table)."""
        reader = self.session.read
        if schema is not None:
            reader = reader.schema(spark_schema(schema))
        reader.parquet(*(self.uri(f) for f in files)).createOrReplaceTempView(view)

    def unregister(self, view: str) -> None:
        self.session.catalog.dropTempView(view)

    def write(self, expr: ibis.Table, folder: str) -> None:
        """Run ``expr`` on the cluster; executors write its rows as Parquet into ``folder``."""
        self.con.to_parquet_dir(expr, self.uri(folder))

    def close(self) -> None:
        # The Spark context is shared (other workspaces, the notebook's ``spark``): only this
        # workspace's views go; the JVM ends with the process or with ``stop_spark()``.
        for t in self.session.catalog.listTables():
            if t.isTemporary:
                self.session.catalog.dropTempView(t.name)


def stop_spark() -> None:
    """Stop the active Spark session (and its JVM context), if any."""
    from pyspark.sql import SparkSession

    s = SparkSession.getActiveSession()
    if s is not None:
        s.stop()
