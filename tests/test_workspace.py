from datetime import datetime

import pytest

import cibscan
from cibscan.errors import WorkspaceError

from .conftest import account, post


def test_records_roundtrip_and_idempotent(ws):
    posts = [post(1, "a", 0, text="hello", hashtags=["x", ""]), post(2, "b", 5, kind="repost", ref_post_id="1")]
    r = ws.add_records(posts, [account("a", handle="@alice")])
    assert (r.posts, r.accounts, r.rejects) == (2, 1, 0)
    df = ws.to_pandas("posts").sort_values("post_id")
    assert list(df.post_id) == ["1", "2"]
    assert list(df.iloc[0].hashtags) == ["x"], "empty strings are never list values"
    assert ws.to_pandas("accounts").handle[0] == "alice"
    again = ws.add_records(posts, [account("a", handle="@alice")])
    assert again.status == "already ingested"
    assert ws.count("posts") == 2


def test_bad_records_go_to_rejects_with_reason(ws):
    posts = [post(1, "a"), {"post_id": "2", "account_id": "b"}, post(3, "", 0), post(4, "c", kind="repost")]
    r = ws.add_records(posts)
    assert r.posts == 1 and r.rejects == 3
    rej = ws.to_pandas("rejects").sort_values("position")
    assert set(rej.reason) == {"missing created_at", "empty account_id", "repost without the post it refers to"}
    assert all(rej.raw.str.len() > 0)


def test_duplicate_ids_kept_once_and_counted(ws):
    r = ws.add_records([post(1, "a", text="first"), post(1, "a", text="second")])
    assert (r.posts, r.duplicates) == (1, 1)
    assert ws.to_pandas("posts").text[0] == "first"
    r2 = ws.add_records([post(1, "a", text="third"), post(2, "a")], source="other")
    assert (r2.posts, r2.duplicates) == (1, 1)


def test_accounts_fill_gaps_but_keep_values(ws):
    ws.add_records([], [account("a", handle="alice", followers=10)])
    ws.add_records([], [account("a", handle="alice2", display_name="Alice", followers=99)], source="second")
    row = ws.to_pandas("accounts").iloc[0]
    assert (row.handle, row.display_name, row.followers) == ("alice", "Alice", 10)


def test_write_table_refuses_canonical(ws):
    with pytest.raises(WorkspaceError):
        ws.write_table("posts", ws.table("posts"))


def test_read_only_missing_workspace(tmp_path):
    with pytest.raises(WorkspaceError, match="no workspace"):
        cibscan.open_workspace(str(tmp_path / "none.duckdb"), read_only=True)


def test_info_counts(ws):
    ws.add_records([post(1, "a", 0), post(2, "a", 60, kind="reply", ref_post_id="1")], [account("a")])
    info = ws.info()
    assert info["posts"] == 2 and info["accounts"] == 1
    assert info["posts_by_kind"] == {"post": 1, "reply": 1}
    assert info["first_post"] == datetime(2024, 3, 1, 12, 0) and info["last_post"] == datetime(2024, 3, 1, 12, 1)


def _stage_posts(folder, n: int) -> str:
    """``n`` staged posts as ingest leaves them (short texts, every 100th id repeated), written
    by DuckDB so the test does not pay for reading records."""
    import duckdb

    from cibscan.schema import POSTS

    exprs = {"platform": "'twitter'", "post_id": "(CASE WHEN i % 100 = 99 THEN i - 1 ELSE i END)::VARCHAR",
             "account_id": "(i % 997)::VARCHAR", "created_at": "TIMESTAMP '2016-11-01' + to_seconds(i)",
             "text": "'post ' || i", "kind": "'post'", "source_id": "1"}
    cols = [f'{exprs.get(c.name) or ("[]::VARCHAR[]" if str(c.type).startswith("list") else "NULL::" + ("VARCHAR" if str(c.type) == "string" else "TIMESTAMP"))} AS "{c.name}"'
            for c in POSTS]
    path = str(folder / "posts-00001.parquet")
    duckdb.connect().execute(f"COPY (SELECT {', '.join(cols)}, i + 1 AS _seq FROM range({n}) t(i)) TO '{path}' (FORMAT parquet)")
    return path


def test_commit_spills_past_a_small_memory_limit(tmp_path):
    """Regression: the commit found repeated post ids with a window over every staged row,
    which DuckDB cannot spill, so a 10M-post file ran out of ingest's 1 GB. The same on a
    small scale: 400k posts under 64 MB (the commit before the fix, 4cb3efa^, runs out of
    memory here; 48 MB is still enough for the current one)."""
    folder = tmp_path / "staging"
    folder.mkdir()
    path = _stage_posts(folder, 400_000)
    with cibscan.open_workspace(str(tmp_path / "ws.duckdb"), threads=2) as ws:
        c = ws.commit_staging(str(folder), {"posts": [path], "accounts": [], "rejects": []},
                              {"source_id": 1, "path": path, "sha256": "x", "bytes": 0, "format": "x-io-tweets"}, memory_limit="64MB")
        assert (c.posts, c.duplicates) == (396_000, 4_000)
        assert ws.count("posts") == 396_000
        posts = ws.table("posts")
        first = posts.filter(posts.post_id == "98").text.to_pyarrow().to_pylist()
    assert first == ["post 98"], "the first of a repeated id is kept"


def test_list_tables_leaves_out_the_connections_temporary_objects(ws):
    """Ibis keeps memtables and cached results as temporary objects of the connection; they
    are no workspace tables (a scan used to leave dozens of them in the exports)."""
    import ibis
    import pandas as pd

    ws.add_records([post(1, "a")])
    ws.con.execute(ibis.memtable(pd.DataFrame({"k": [1]})).count())
    cached = ws.table("posts").cache()
    cached.count().execute()
    ws.write_table("findings_x", ws.table("posts").select("post_id"))
    names = ws.list_tables()
    assert {"posts", "accounts", "findings_x"} <= set(names)
    assert not [n for n in names if n.startswith("ibis_")], names
    assert names == sorted(names)
