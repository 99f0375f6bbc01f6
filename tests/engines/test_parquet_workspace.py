"""A Parquet-folder workspace on the DuckDB engine behaves like the DuckDB file workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import cibscan
from cibscan.engines import ParquetWorkspace
from cibscan.ingest import staging

from .. import test_workspace as spine
from ..conftest import account, post, shared_file
from .parity import assert_same_tables

SPINE_CHECKS = [
    spine.test_records_roundtrip_and_idempotent,
    spine.test_bad_records_go_to_rejects_with_reason,
    spine.test_duplicate_ids_kept_once_and_counted,
    spine.test_accounts_fill_gaps_but_keep_values,
    spine.test_write_table_refuses_canonical,
    spine.test_info_counts,
]


@pytest.mark.parametrize("check", SPINE_CHECKS, ids=lambda f: f.__name__)
def test_spine_workspace_checks_pass_on_a_folder(check, folder_ws):
    """The DuckDB file workspace's own tests, run on a Parquet folder."""
    assert isinstance(folder_ws, ParquetWorkspace)
    check(folder_ws)


def test_open_dispatch(tmp_path):
    f = cibscan.open_workspace(str(tmp_path / "a.duckdb"))
    d = cibscan.open_workspace(str(tmp_path / "case") + "/")
    assert type(f) is cibscan.Workspace and isinstance(d, ParquetWorkspace) and d.engine == "duckdb"
    d.close()
    again = cibscan.open_workspace(str(tmp_path / "case"))  # an existing folder, no slash needed
    assert isinstance(again, ParquetWorkspace)
    again.close()
    f.close()


SAMPLES = Path(__file__).resolve().parents[1] / "ingest" / "samples"


def ingest_every_sample(w) -> None:
    """Every adapter's sample file (long-format CooRTweet tables merge rows per post)."""
    for f in sorted(SAMPLES.glob("*.csv")):
        opts = f.with_suffix(".options.json")
        if opts.exists():
            w.ingest([str(f)], format="table", options=json.loads(opts.read_text()))
        else:
            w.ingest([str(f)])


def test_same_tables_as_duckdb_file_on_every_adapter_sample(ws, folder_ws):
    for w in (ws, folder_ws):
        ingest_every_sample(w)
    assert folder_ws.count("posts") == ws.count("posts") > 10
    assert_same_tables(ws, folder_ws, ["posts", "accounts", "rejects", "sources"])


def test_same_tables_as_duckdb_file_on_real_archive(tmp_path, ws, folder_ws):
    """The real X IO sample (with its truncated last row) and hand-made records with repeats
    and account updates give the same canonical tables in a file and in a folder."""
    sample = shared_file("x_io_russia_tweets_sample.csv")
    users = shared_file("x_io_china_082019_users.csv")
    for w in (ws, folder_ws):
        w.ingest([str(sample), str(users)])
        w.add_records([post(9, "a", 1, text="x"), post(9, "a", 2, text="y")], [account("a", handle="h1")])
        w.add_records([post(9, "a", 3), post(10, "b", 4)], [account("a", handle="h2", followers=3), account("b")], source="second")
        w.ingest([str(sample)])  # already ingested: adds nothing
    assert folder_ws.count("posts") == ws.count("posts") > 300
    assert_same_tables(ws, folder_ws, ["posts", "accounts", "rejects", "sources"])
    info_file, info_folder = ws.info(), folder_ws.info()
    for k in ("posts", "accounts", "rejects", "posts_by_platform", "posts_by_kind", "by_format", "rejects_by_reason", "sources"):
        assert info_file[k] == info_folder[k], k


def test_a_failed_commit_changes_nothing(folder_ws, monkeypatch):
    folder_ws.add_records([post(1, "a")], [account("a", handle="x")])
    before = {n: folder_ws.count(n) for n in ("posts", "accounts", "rejects", "sources")}
    real = folder_ws._engine.write

    def fail_on_accounts(expr, folder):
        if "/accounts/" in folder:
            raise KeyboardInterrupt  # as if killed while accounts are rewritten
        real(expr, folder)

    monkeypatch.setattr(folder_ws._engine, "write", fail_on_accounts)
    with pytest.raises(KeyboardInterrupt):
        folder_ws.add_records([post(2, "b")], [account("b")], source="second")
    monkeypatch.undo()
    assert {n: folder_ws.count(n) for n in before} == before
    assert sorted(folder_ws.to_pandas("posts").post_id) == ["1"]
    listed = {p for t in folder_ws.store.tables.values() for p in t.parts}
    on_disk = {f"tables/{t}/{p}" for t in ("posts", "accounts") for p in _ls(folder_ws.store.root, t)}
    assert on_disk <= listed, "parts of the failed commit are removed"
    again = folder_ws.add_records([post(2, "b")], [account("b")], source="second")
    assert (again.posts, again.accounts) == (1, 1)


def test_write_table_from_expression_arrow_and_pandas(folder_ws):
    folder_ws.add_records([post(1, "a"), post(2, "a"), post(3, "b")])
    p = folder_ws.table("posts")
    t = folder_ws.write_table("per_account", p.group_by("account_id").aggregate(n=p.count()))
    assert dict(t.to_pyarrow().to_pylist()[i].values() for i in range(2)) == {"a": 2, "b": 1}
    folder_ws.write_table("per_account", folder_ws.to_pandas("per_account").assign(n=lambda d: d.n * 10))
    assert sorted(folder_ws.to_pandas("per_account").n) == [10, 20]
    assert folder_ws.count("per_account") == 2 and "per_account" in folder_ws.info()["other_tables"]
    folder_ws.drop_table("per_account")
    assert not folder_ws.has_table("per_account")


def test_staging_is_inside_the_workspace(folder_ws):
    """Executors on a cluster must see staged parts: they live in the workspace folder."""
    folder = folder_ws.new_staging_folder()
    assert folder.startswith(folder_ws.store.root) and staging.SEQ == "_seq"


def _ls(root, table):
    import os

    d = os.path.join(root, "tables", table)
    return os.listdir(d) if os.path.isdir(d) else []


def test_cli_on_a_folder_and_engine_options(tmp_path, capsys):
    from cibscan.cli import main

    sample = str(SAMPLES / "x-io-tweets.csv")
    folder = str(tmp_path / "case") + "/"
    assert main(["ingest", sample, "-w", folder]) == 0
    capsys.readouterr()
    assert main(["info", "-w", folder, "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["engine"] == "duckdb" and info["posts"] > 0
    assert main(["scan", "-w", folder, "--spark-master", "local[2]"]) == 2
    assert "--spark-master needs --engine spark" in capsys.readouterr().err
    assert main(["ingest", sample, "-w", folder, "--engine", "flink"]) == 2
    assert "--engine 'flink'" in capsys.readouterr().err
