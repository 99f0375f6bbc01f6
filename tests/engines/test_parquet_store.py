"""The Parquet-folder layout: manifest, crash-safe commits, the writer's lock."""

from __future__ import annotations

import json
import os

import pyarrow as pa
import pytest

import cibscan
from cibscan.engines.parquet_store import MANIFEST, ParquetStore, is_parquet_workspace
from cibscan.errors import WorkspaceError

from ..conftest import post


def _ints(n: int) -> pa.Table:
    return pa.table({"x": pa.array(range(n), pa.int64())})


def test_commit_is_all_or_nothing(tmp_path):
    store = ParquetStore(str(tmp_path / "w"))
    with store.commit() as c:
        c.replace["t"] = store.entry(store.write_arrow_part("t", _ints(3)), _schema())
    with pytest.raises(RuntimeError):
        with store.commit() as c:
            c.replace["t"] = store.entry(store.write_arrow_part("t", _ints(5)), _schema())
            c.replace["u"] = store.entry(store.write_arrow_part("u", _ints(1)), _schema())
            raise RuntimeError("killed")
    assert store.tables["t"].rows == 3 and "u" not in store.tables
    store.close()
    again = ParquetStore(str(tmp_path / "w"))  # the next writer removes what the failed one wrote
    parts = os.listdir(tmp_path / "w" / "tables" / "t")
    assert len(parts) == 1 and not (tmp_path / "w" / "tables" / "u").exists()
    assert again.tables["t"].rows == 3
    again.close()


def test_killed_before_manifest_rename_leaves_workspace_as_before(tmp_path):
    """A process killed after writing parts and a temporary manifest, before the rename."""
    store = ParquetStore(str(tmp_path / "w"))
    with store.commit() as c:
        c.replace["t"] = store.entry(store.write_arrow_part("t", _ints(2)), _schema())
    before = (tmp_path / "w" / MANIFEST).read_text()
    orphan = store.write_arrow_part("t", _ints(9))
    (tmp_path / "w" / (MANIFEST + ".tmp")).write_text('{"format": "cibscan-parquet-workspace", "tab')  # half written
    store.close()
    again = ParquetStore(str(tmp_path / "w"))
    assert (tmp_path / "w" / MANIFEST).read_text() == before
    assert again.tables["t"].rows == 2 and not (tmp_path / "w" / orphan).exists()
    again.close()


def test_replaced_parts_are_deleted_and_appends_accumulate(tmp_path):
    store = ParquetStore(str(tmp_path / "w"))
    with store.commit() as c:
        c.append["t"] = store.entry(store.write_arrow_part("t", _ints(2)), _schema())
    with store.commit() as c:
        c.append["t"] = store.entry(store.write_arrow_part("t", _ints(3)), _schema())
    assert store.tables["t"].rows == 5 and len(store.tables["t"].parts) == 2
    old = store.tables["t"].parts
    with store.commit() as c:
        c.replace["t"] = store.entry(store.write_arrow_part("t", _ints(1)), _schema())
    assert store.tables["t"].rows == 1
    assert not any((tmp_path / "w" / p).exists() for p in old)
    store.close()


def test_one_writer_at_a_time_readers_need_no_lock(tmp_path):
    ws = cibscan.open_workspace(str(tmp_path / "w") + "/")
    ws.add_records([post(1, "a")])
    with pytest.raises(WorkspaceError, match="open for writing in another process"):
        ParquetStore(str(tmp_path / "w"))
    reader = cibscan.open_workspace(str(tmp_path / "w"), read_only=True)
    assert reader.count("posts") == 1
    with pytest.raises(WorkspaceError, match="read-only"):
        reader.write_table("x", _ints(1))
    reader.close()
    ws.close()


def test_open_refuses_what_is_not_a_workspace(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x")
    with pytest.raises(WorkspaceError, match="not a cibscan workspace"):
        cibscan.open_workspace(str(tmp_path / "notes"))
    with pytest.raises(WorkspaceError, match="no workspace"):
        cibscan.open_workspace(str(tmp_path / "none") + "/", read_only=True)
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / MANIFEST).write_text(json.dumps({"format": "cibscan-parquet-workspace", "version": 99, "tables": {}}))
    with pytest.raises(WorkspaceError, match="newer cibscan"):
        cibscan.open_workspace(str(newer))
    assert is_parquet_workspace(str(tmp_path / "w")) is False


def test_unknown_engine_is_one_clear_error(tmp_path):
    from cibscan.errors import ParameterError

    with pytest.raises(ParameterError, match="unknown engine 'flink'"):
        cibscan.open_workspace(str(tmp_path / "w"), engine="flink")


def _schema():
    import ibis

    return ibis.schema({"x": "int64"})
