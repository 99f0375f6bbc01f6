"""Spark (local[2]) and DuckDB give the same workspace from the same input, and a folder Spark
wrote opens with DuckDB. One shared Spark session; each Spark step costs about a second."""

from __future__ import annotations

import csv
import json

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import cibscan
from cibscan.cli import main
from cibscan.engines.portable import hash64

from ..conftest import SHARED_DATA, account, post
from .parity import assert_same_tables
from .test_portable import VALUES, python_hash64

pytestmark = pytest.mark.spark

CANONICAL = ["posts", "accounts", "rejects", "sources"]
X_IO_HEADER = ["tweetid", "userid", "user_screen_name", "tweet_text", "tweet_time", "is_retweet", "retweet_tweetid", "hashtags", "follower_count"]


def _archive(path):
    """A small X IO archive tweets file: a retweet, a repeated id, a bad time, list columns."""
    rows = [
        ["1", "u1", "alpha", "hello #a", "2024-01-01 10:00", "False", "", "['a']", "10"],
        ["2", "u2", "beta", "RT hello", "2024-01-01 10:00", "True", "1", "[]", "absent"],
        ["2", "u2", "beta", "RT hello again", "2024-01-01 10:01", "True", "1", "[]", "5"],
        ["3", "u3", "", "late", "not a time", "False", "", "[]", ""],
        ["4", "u1", "alpha2", "bye", "2024-01-01 10:02", "False", "", "['a', 'b']", ""],
    ]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(X_IO_HEADER)
        w.writerows(rows)
    return str(path)


def _inputs(tmp_path) -> list[str]:
    files = [_archive(tmp_path / "tweets.csv")]
    sample = SHARED_DATA / "x_io_russia_tweets_sample.csv"
    if sample.exists():  # the real archive sample (truncated last row) when ../shared is there
        files.append(str(sample))
    return files


def test_ingest_on_spark_equals_duckdb_and_opens_on_duckdb(tmp_path, spark_session):
    files = _inputs(tmp_path)
    duck = cibscan.open_workspace(str(tmp_path / "d.duckdb"))
    spark = cibscan.open_workspace(str(tmp_path / "case"), engine="spark", session=spark_session)
    assert spark.engine == "spark"
    for w in (duck, spark):
        w.ingest(files)
        w.add_records([post(9, "u1", 1, text="x"), post(9, "u1", 2, text="y")], [account("u1", display_name="A")])
        assert w.ingest(files).total("posts") == 0  # idempotent by file hash
    assert_same_tables(duck, spark, CANONICAL)
    spark.close()

    laptop = cibscan.open_workspace(str(tmp_path / "case"))  # DuckDB opens what Spark wrote
    assert laptop.engine == "duckdb"
    assert_same_tables(duck, laptop, CANONICAL)
    # ... and may go on ingesting into it: parts from both engines make one table
    for w in (duck, laptop):
        w.add_records([post(20, "u9", 5, hashtags=["z"])], [account("u9"), account("u1", description="bio")], source="more")
    assert_same_tables(duck, laptop, CANONICAL)
    laptop.close()
    duck.close()


def test_cli_ingest_with_engine_spark(tmp_path, spark_session, capsys):
    files = _inputs(tmp_path)[:1]
    folder = str(tmp_path / "cli-case")
    assert main(["ingest", *files, "-w", folder, "--engine", "spark", "--spark-master", "local[2]"]) == 0
    assert "added 3 posts" in capsys.readouterr().out
    assert main(["info", "-w", folder, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert (info["posts"], info["engine"]) == (3, "duckdb")
    assert main(["ingest", *files, "-w", folder, "--spark-master", "local[2]"]) == 2
    assert "--spark-master needs --engine spark" in capsys.readouterr().err


def test_portable_hash_udf_and_big_ints_match_duckdb(tmp_path, spark_session):
    """hash64 gives DuckDB's values on Spark; pyarrow UDFs run batch-wise with DuckDB's null
    rule; int64 above 2**53 next to nulls comes back exact; strip keeps a leading "v" and
    lstrip/rstrip strip the right end (Ibis' own Spark SQL got all three wrong)."""
    calls = []

    @ibis.udf.scalar.pyarrow
    def shout(text: str) -> dt.Struct({"n": dt.int64, "words": dt.Array(dt.string)}):  # noqa: F821
        assert isinstance(text, (pa.Array, pa.ChunkedArray)), "called row by row"
        text = text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text
        calls.append(len(text))
        return pa.StructArray.from_arrays([pc.utf8_length(text).cast(pa.int64()), pc.split_pattern(text, " ")], names=["n", "words"])

    data = pa.table({"i": list(range(len(VALUES))), "v": VALUES})
    out = {}
    for name, kw in (("duckdb", {}), ("spark", {"engine": "spark", "session": spark_session})):
        ws = cibscan.open_workspace(str(tmp_path / name) + "/", **kw)
        t = ws.write_table("v", data)
        e = t.mutate(h=hash64(t.v), s=shout(t.v))
        e = e.select("i", "h", n=e.s["n"], words=e.s["words"], strip=t.v.strip(), lstrip=t.v.lstrip(), rstrip=t.v.rstrip()).order_by("i")
        out[name] = e.to_pyarrow().to_pylist()
        ws.close()
    assert out["spark"] == out["duckdb"]
    assert [r["h"] for r in out["spark"]] == [python_hash64(v) for v in VALUES]
    assert out["spark"][3]["n"] is None, "null in, null out, as on DuckDB"
    assert [r["strip"] for r in out["spark"]][:3] == ["hashtag\x1fnews", "", "ü日本 #tag"]


def test_salted_join_on_spark(spark_ws):
    from .test_skew import check_salted_join

    check_salted_join(spark_ws)
