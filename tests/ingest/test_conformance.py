"""The one suite every ingest adapter passes (cf. scikit-learn's common estimator checks).

Each adapter in ``cibscan.ingest.ADAPTERS`` must ship ``samples/<adapter.name>.<ext>`` (with
``<name>.options.json`` when it needs options, e.g. a column mapping, and
``<name>.expect.json`` when the sample holds records that are meant to be rejected). On it:

* the adapter recognises the sample, and no other adapter does;
* ingest gives posts/accounts and no rejects beyond the expected ones;
* ingest is idempotent: the same file adds nothing, and the same records in a changed file
  add no post and no account (ids are deterministic);
* a record broken on purpose lands in ``rejects`` at the position where it is;
* mutated records (truncated, fields swapped, wrong types, huge values, garbage bytes, random
  Unicode) never make an exception escape, and every record read ends in posts/accounts or in
  rejects.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cibscan
from cibscan.ingest import ADAPTERS, Sample, detect_adapter
from cibscan.ingest.readers import LineSource
from cibscan.ingest.run import stage_units
from cibscan.ingest.staging import StagingWriter

SAMPLES = Path(__file__).parent / "samples"
_SIDE_FILES = (".options.json", ".expect.json")
#: what a reject position may look like
POSITION = re.compile(r"^(line \d+|row \d+|record \d+|[\w.]+\[\d+\]|after unit \d+|end of file)( [\w.\[\]]+)*$")


def sample_path(adapter) -> Path:
    found = [p for p in SAMPLES.glob(f"{adapter.name}.*") if not p.name.endswith(_SIDE_FILES)]
    assert found, f"adapter {adapter.name!r} has no sample: add tests/ingest/samples/{adapter.name}.<ext>"
    return found[0]


def sample_options(adapter) -> dict | None:
    p = SAMPLES / f"{adapter.name}.options.json"
    return json.loads(p.read_text()) if p.exists() else None


def sample_expect(adapter) -> dict:
    p = SAMPLES / f"{adapter.name}.expect.json"
    return json.loads(p.read_text()) if p.exists() else {"rejects": 0}


ids = [a.name for a in ADAPTERS]


@pytest.mark.parametrize("adapter", ADAPTERS, ids=ids)
def test_sniffed_as_itself_and_no_other(adapter):
    sample = Sample.of(str(sample_path(adapter)), sample_options(adapter))
    assert adapter.sniff(sample), f"{adapter.name} does not recognise its own sample"
    others = []
    for other in ADAPTERS:
        if other is adapter:
            continue
        try:
            if other.sniff(sample):
                others.append(other.name)
        except Exception:
            pass
    assert not others, f"{adapter.name}'s sample is also claimed by {others}"
    assert detect_adapter(sample) is adapter


@pytest.mark.parametrize("adapter", ADAPTERS, ids=ids)
def test_ingest_sample_idempotent_without_unexpected_rejects(adapter, tmp_path):
    path, options, expect = sample_path(adapter), sample_options(adapter), sample_expect(adapter)
    with cibscan.open_workspace(str(tmp_path / "ws.duckdb")) as ws:
        first = ws.ingest([str(path)], options=options).files[0]
        assert first.status == "ingested" and first.format == adapter.name
        assert first.rejects == expect.get("rejects", 0), ws.to_pandas("rejects")[["position", "detail"]].to_string()
        for key in ("posts", "accounts"):
            if key in expect:
                assert getattr(first, key) == expect[key]
        assert first.posts + first.accounts > 0
        counts = (ws.count("posts"), ws.count("accounts"))
        assert ws.ingest([str(path)], options=options).files[0].status == "already ingested"
        if path.suffix != ".parquet":
            copy = tmp_path / f"copy{''.join(path.suffixes)}"
            copy.write_bytes(path.read_bytes() + b"\n")  # same records, another file
            again = ws.ingest([str(copy)], options=options).files[0]
            assert again.status == "ingested"
            assert (again.posts, again.accounts) == (0, 0), "record ids are not deterministic"
            assert again.duplicates == first.posts + first.duplicates
        assert (ws.count("posts"), ws.count("accounts")) == counts


def _break_one_record(adapter, path: Path) -> tuple[bytes, str]:
    """The sample with one unreadable record inserted after the first one, and the position
    a reader must report for it."""
    text = path.read_text(encoding="utf-8")
    if adapter.container == "json":
        doc = json.loads(text)
        prefix, label = adapter.json_items
        keys = [k for k in prefix.split(".") if k != "item"]
        arr = doc
        for k in keys:
            arr = arr[k]
        arr.insert(1, "not a record")
        return json.dumps(doc).encode(), f"{label}[1]"
    lines = text.splitlines(keepends=True)
    first_data = 1 if adapter.container != "jsonl" else 0
    if adapter.container == "jsonl":
        bad = "{this is not json\n"
    else:
        bad = "only,two\n"
    at = first_data + 1  # after the first record (records in samples are one line first)
    lines.insert(at, bad)
    return "".join(lines).encode(), f"line {at + 1}"


@pytest.mark.parametrize("adapter", ADAPTERS, ids=ids)
def test_broken_record_rejected_at_its_position(adapter, tmp_path):
    path, options = sample_path(adapter), sample_options(adapter)
    if path.suffix == ".parquet":
        pytest.skip("a Parquet file cannot hold a broken row")
    data, position = _break_one_record(adapter, path)
    broken = tmp_path / f"broken{''.join(path.suffixes)}"
    broken.write_bytes(data)
    with cibscan.open_workspace(str(tmp_path / "ws.duckdb")) as ws:
        clean = ws.ingest([str(path)], options=options).files[0]
    with cibscan.open_workspace(str(tmp_path / "ws2.duckdb")) as ws:
        r = ws.ingest([str(broken)], format=adapter.name, options=options).files[0]
        rej = ws.to_pandas("rejects")
    assert r.rejects == clean.rejects + 1
    assert position in set(rej.position), rej[["position", "detail"]].to_string()
    assert all(POSITION.match(p) for p in rej.position)
    assert (r.posts, r.accounts) == (clean.posts, clean.accounts), "one bad record must not cost any other"


# -- mutated records: nothing escapes, nothing vanishes -------------------------------------

def _records(adapter, path: Path, options) -> tuple[str, list[str]]:
    """(header text, raw records) of a line-based sample."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    a = adapter(options)
    raws = [u.raw for u in a.units(str(path))]
    header = lines[0] if adapter.container == "csv" else ""
    return header, [r if r.endswith("\n") else r + "\n" for r in raws]


def _swap_fields(raw: str, rnd: random.Random) -> str:
    if raw.lstrip().startswith("{"):
        try:
            obj = json.loads(raw)
        except ValueError:
            return raw
        if isinstance(obj, dict) and len(obj) >= 2:
            k1, k2 = rnd.sample(sorted(obj), 2)
            obj[k1], obj[k2] = obj[k2], obj[k1]
        return json.dumps(obj, ensure_ascii=False) + "\n"
    try:
        row = next(csv.reader(io.StringIO(raw)))
    except (csv.Error, StopIteration):
        return raw
    if len(row) >= 2:
        i, j = rnd.sample(range(len(row)), 2)
        row[i], row[j] = row[j], row[i]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


def _wrong_types(raw: str, rnd: random.Random) -> str:
    if raw.lstrip().startswith("{"):
        try:
            obj = json.loads(raw)
        except ValueError:
            return raw
        if isinstance(obj, dict) and obj:
            k = rnd.choice(sorted(obj))
            obj[k] = rnd.choice([None, 12345678901234567890, -1.5, True, [], {"x": [1, {"y": None}]}, "", ["a", 3]])
        return json.dumps(obj) + "\n"
    try:
        row = next(csv.reader(io.StringIO(raw)))
    except (csv.Error, StopIteration):
        return raw
    if row:
        row[rnd.randrange(len(row))] = rnd.choice(["", "NaN", "-1e999", "[1, {", "true", "9" * 40, "2017-13-45 25:61", "\x00"])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    return out.getvalue()


MUTATIONS = ("keep", "truncate", "swap", "types", "huge", "garbage", "unicode")


@st.composite
def mutated_file(draw, adapter):
    path, options = sample_path(adapter), sample_options(adapter)
    header, records = _records(adapter, path, options)
    rnd = random.Random(draw(st.integers(0, 2**32)))
    out = [header.encode("utf-8")]
    for raw in records:
        m = draw(st.sampled_from(MUTATIONS))
        if m == "truncate":
            raw = raw[: draw(st.integers(0, max(0, len(raw) - 1)))]
        elif m == "swap":
            raw = _swap_fields(raw, rnd)
        elif m == "types":
            raw = _wrong_types(raw, rnd)
        elif m == "huge":
            at = rnd.randrange(len(raw) + 1)
            raw = raw[:at] + "x" * 200_000 + raw[at:]
        elif m == "unicode":
            at = rnd.randrange(len(raw) + 1)
            raw = raw[:at] + draw(st.text(max_size=30)) + raw[at:]
        data = raw.encode("utf-8", "surrogatepass")
        if m == "garbage":
            at = rnd.randrange(len(data) + 1)
            data = data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
        out.append(data)
    return b"".join(out), options


def _stage(adapter, path: str, options, tmp) -> tuple[int, StagingWriter]:
    writer = StagingWriter(str(tmp), 1, path, adapter.platform)
    n = stage_units(adapter(options), path, writer)
    writer.close()  # writes the Parquet parts: must not fail on any value either
    return n, writer


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


line_adapters = [a for a in ADAPTERS if a.container in ("csv", "jsonl")]


@pytest.mark.parametrize("adapter", line_adapters, ids=[a.name for a in line_adapters])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_records_are_accepted_or_rejected(adapter, data, tmp_path_factory):
    content, options = data.draw(mutated_file(adapter))
    tmp = tmp_path_factory.mktemp("m")
    path = tmp / f"input{''.join(sample_path(adapter).suffixes)}"
    path.write_bytes(content)
    n, writer = _stage(adapter, str(path), options, tmp / "stage")
    # every unit read ends as rows or as a reject (a unit may also give several rejects)
    unreadable = sum(v for k, v in writer.reject_reasons.items() if k.startswith("file unreadable"))
    assert writer.units_accepted + writer.units_rejected == n + unreadable
    # and the units cover every non-blank line of the file: nothing vanished between them
    units = list(adapter(options).units(str(path)))
    text = "".join(t for _, t in LineSource(str(path)))
    covered = "".join(u.raw for u in units)
    body = text.split("\n", 1)[1] if adapter.container == "csv" and "\n" in text else ("" if adapter.container == "csv" else text)
    assert _squash(covered) == _squash(body)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=ids)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_file_ingests_completely(adapter, data, tmp_path_factory):
    """The same through the workspace: the counts in ``sources`` add up to what was read."""
    if adapter.container not in ("csv", "jsonl"):
        content, options = sample_path(adapter).read_bytes(), sample_options(adapter)
    else:
        content, options = data.draw(mutated_file(adapter))
    tmp = tmp_path_factory.mktemp("w")
    path = tmp / f"input{''.join(sample_path(adapter).suffixes)}"
    path.write_bytes(content)
    with cibscan.open_workspace(str(tmp / "ws.duckdb")) as ws:
        r = ws.ingest([str(path)], format=adapter.name, options=options).files[0]
        assert r.status in ("ingested", "empty")
        if r.status == "ingested":
            assert ws.count("rejects") == r.rejects
            assert ws.count("posts") == r.posts
            assert all(POSITION.match(p) for p in ws.to_pandas("rejects").position)



@pytest.mark.parametrize("adapter", ADAPTERS, ids=ids)
def test_every_format_is_documented(adapter):
    doc = Path(__file__).resolve().parents[2] / "docs" / "formats" / f"{adapter.name}.md"
    assert doc.exists(), f"format {adapter.name!r} has no docs/formats/{adapter.name}.md"
    assert adapter.name in doc.read_text(encoding="utf-8").splitlines()[0]
