"""Helpers shared by the JSON adapters, and that no JSON adapter claims another format's file."""

import gzip
from datetime import datetime

import pytest

from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.base import RecordError
from cibscan.ingest.bluesky import Bluesky
from cibscan.ingest.json_fields import dig, first_json_value, parse_id, parse_json_time, strip_html
from cibscan.ingest.telegram import Telegram
from cibscan.ingest.x_v1 import XV1
from cibscan.ingest.x_v2 import XV2

from .rows import SAMPLES

JSON_ADAPTERS = (XV2, XV1, Bluesky, Telegram)


@pytest.mark.parametrize("value, expected", [
    ("1630950000000000001", "1630950000000000001"),
    (" 42 ", "42"),
    (9007199254740993, "9007199254740993"),  # above 2**53: exact as an int
    ("", None),
    (None, None),
])
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("value", [1.6309e18, True, {"id": 1}, [1]])
def test_parse_id_refuses(value):
    with pytest.raises(RecordError):
        parse_id(value, "id")


def test_dig_and_strip_html():
    obj = {"a": {"b": [{"c": 1}]}, "s": "x"}
    assert dig(obj, "a", "b", 0, "c") == 1
    assert dig(obj, "a", "b", 5, "c") is None and dig(obj, "s", "t") is None and dig(None, "a") is None
    assert strip_html('<a href="http://x" rel="nofollow">Twitter for iPhone</a>') == "Twitter for iPhone"
    assert strip_html("<b></b>") is None and strip_html(None) is None


def test_first_json_value_of_array_with_bom_in_gzip(tmp_path):
    p = tmp_path / "a.json.gz"
    p.write_bytes(gzip.compress('\ufeff[\n {"id": 1, "t": "é"},\n {"id": 2}\n]'.encode("utf-8")))
    assert first_json_value(Sample.of(str(p))) == {"id": 1, "t": "é"}


@pytest.mark.parametrize("name, fmt", [
    ("x-v2.jsonl", "x-v2"), ("x-v2-flat.jsonl", "x-v2"), ("x-v1.jsonl", "x-v1"), ("x-v1-array.json", "x-v1"),
    ("bluesky.jsonl", "bluesky"), ("telegram.json", "telegram"), ("telegram-all-data.json", "telegram"),
])
def test_each_sample_is_claimed_by_exactly_its_adapter(name, fmt):
    sample = Sample.of(str(SAMPLES / name))
    assert detect_adapter(sample).name == fmt
    assert [a.name for a in JSON_ADAPTERS if a.sniff(sample)] == [fmt]


def test_csv_and_generic_json_are_not_claimed(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text('"tweetid","userid","tweet_text","tweet_time"\n"1","2","{\\"id\\": 1}","2020-01-01 00:00"\n', encoding="utf-8")
    generic = tmp_path / "g.jsonl"
    generic.write_text('{"account_id": "a", "object_id": "o", "timestamp": 1}\n', encoding="utf-8")
    array = tmp_path / "g.json"
    array.write_text('[{"name": "x", "type": "public_channel"}]', encoding="utf-8")
    for path in (csv, generic, array):
        assert not any(a.sniff(Sample.of(str(path))) for a in JSON_ADAPTERS), path.name


@pytest.mark.parametrize("name", ["x-v2", "x-v1", "bluesky", "telegram"])
def test_sample_counts_match_expect_file(ws, name):
    """``<name>.expect.json`` states what the sample gives (the adapter conformance suite's
    convention for samples that hold records meant to be rejected)."""
    import json

    expect = json.loads((SAMPLES / f"{name}.expect.json").read_text())
    [path] = [p for p in SAMPLES.glob(f"{name}.*") if not p.name.endswith(".expect.json")]
    r = ws.ingest([str(path)]).files[0]
    assert {k: getattr(r, k) for k in expect} == expect


@pytest.mark.parametrize("value, expected", [
    ("Wed Oct 10 20:19:24 +0000 2018", datetime(2018, 10, 10, 20, 19, 24)),
    ("Mon Jan 01 10:00:00 +0200 2018", datetime(2018, 1, 1, 8, 0)),
    ("Sun Dec 31 23:30:00 -0130 2017", datetime(2018, 1, 1, 1, 0)),
    ("2023-03-01T12:00:00.000Z", datetime(2023, 3, 1, 12)),
    ("2024-11-05T22:00:05.123456789+09:00", datetime(2024, 11, 5, 13, 0, 5, 123456)),
    ("2019-05-01T10:00:00", datetime(2019, 5, 1, 10)),
    ("Tue, 05 Nov 2024 13:00:00 GMT", datetime(2024, 11, 5, 13)),  # falls back to fields.parse_time
    (1609459200, datetime(2021, 1, 1)),
    ("", None),
])
def test_parse_json_time(value, expected):
    assert parse_json_time(value) == expected


@pytest.mark.parametrize("value", ["Wed Feb 30 20:19:24 +0000 2018", "2023-13-45T00:00:00Z", "yesterday"])
def test_parse_json_time_refuses(value):
    with pytest.raises(RecordError):
        parse_json_time(value, "created_at")


@pytest.mark.parametrize("adapter", JSON_ADAPTERS, ids=[a.name for a in JSON_ADAPTERS])
def test_each_adapter_has_a_format_page(adapter):
    page = SAMPLES.parents[2] / "docs" / "formats" / f"{adapter.name}.md"
    assert page.exists(), f"document the {adapter.name} format in {page}"
    text = page.read_text(encoding="utf-8")
    assert f"`{adapter.name}`" in text and "## Field mapping" in text and "## Rejects" in text
