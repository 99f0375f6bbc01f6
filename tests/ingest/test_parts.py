"""Per-record outcomes inside one unit: ``Part`` and ``Reject`` (used by the JSON adapters)."""

from datetime import datetime

import pyarrow.parquet as pq

from cibscan.ingest.base import Account, Part, Post, RecordError, Reject, make_part, raw_text
from cibscan.ingest.staging import StagingWriter

T = datetime(2024, 1, 1)


def _writer(tmp_path):
    return StagingWriter(str(tmp_path / "stage"), 1, "f.jsonl", "twitter")


def _read(w, table):
    w.close()
    return [r for p in w.parts(table) for r in pq.read_table(p).to_pylist()]


def test_parts_are_kept_or_rejected_each_on_its_own(tmp_path):
    w = _writer(tmp_path)
    good = Part("data[0]", '{"id": "1"}', [Post(post_id="1", account_id="a", created_at=T), Account(account_id="a")])
    bad = Part("data[1]", '{"id": "2"}', [Post(post_id="2", account_id="b", created_at=T), Account(account_id=None)])
    empty = Part("data[2]", "{}", [])
    w.add_unit_records("line 3", "<whole line>", [good, bad, empty, Reject("errors[0]", '{"title": "x"}', "API error object, not a tweet")])
    assert [r["post_id"] for r in _read(w, "posts")] == ["1"]  # post 2 goes with its bad account
    assert [r["account_id"] for r in _read(w, "accounts")] == ["a"]
    assert [(r["position"], r["reason"], r["raw"]) for r in _read(w, "rejects")] == [
        ("line 3 data[1]", "missing account_id", '{"id": "2"}'),
        ("line 3 data[2]", "record holds no post or account", "{}"),
        ("line 3 errors[0]", "API error object, not a tweet", '{"title": "x"}'),
    ]
    assert (w.units_accepted, w.units_rejected) == (1, 0)  # the unit counts once: some of it was kept


def test_a_unit_with_nothing_kept_counts_as_rejected(tmp_path):
    w = _writer(tmp_path)
    w.add_unit_records("line 1", "r", [Reject("", "r", "stream notice, not a tweet (limit)")])
    w.add_unit_records("line 2", "r", [Part("data[0]", "{}", [Account(account_id=None)]), Reject("errors[0]", "{}", "API error")])
    w.reject("line 3", "{", "invalid JSON")
    assert (w.units_accepted, w.units_rejected) == (0, 3)
    assert len(_read(w, "rejects")) == 4


def test_plain_records_stay_all_or_nothing(tmp_path):
    w = _writer(tmp_path)
    w.add_unit_records("line 1", "raw", [Post(post_id="1", account_id="a", created_at=T), Account(account_id=None)])
    w.add_unit_records("line 2", "raw2", [Post(post_id="2", account_id="a", created_at=T), Part("x", "p", [Account(account_id="b")])])
    assert [r["post_id"] for r in _read(w, "posts")] == ["2"]
    assert [r["account_id"] for r in _read(w, "accounts")] == ["b"]
    assert [(r["position"], r["raw"]) for r in _read(w, "rejects")] == [("line 1", "raw")]
    assert (w.units_accepted, w.units_rejected) == (1, 1)


def test_make_part_turns_errors_into_rejects():
    def build(obj):
        if obj.get("bad"):
            raise RecordError("bad record (flag set)")
        if obj.get("bug"):
            return [1 / 0]
        return [Account(account_id=obj["id"])]

    part = make_part("w", {"id": "1"}, build)
    assert (part.where, raw_text(part.raw), part.records) == ("w", '{"id": "1"}', [Account(account_id="1")])
    bad = make_part("w", {"bad": 1}, build)
    assert isinstance(bad, Reject) and (raw_text(bad.raw), bad.reason) == ('{"bad": 1}', "bad record (flag set)")
    assert make_part("w", {"bug": 1}, build, raw="r") == Reject("w", "r", "unexpected ZeroDivisionError: division by zero")
