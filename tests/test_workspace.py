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
