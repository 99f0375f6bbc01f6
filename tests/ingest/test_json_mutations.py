"""Mutated records never make a JSON adapter fail other than with a reason (``RecordError``).

Each sample record is mutated (a value nulled, deleted, or swapped for another type, at any
depth), parsed, and every record it yields coerced as staging does. Anything but a
``RecordError`` would reach ``rejects`` as "unexpected ..." (a bug in the adapter), so the
test fails on it.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cibscan.ingest.base import Account, Part, Post, RecordError, Reject
from cibscan.ingest.bluesky import Bluesky
from cibscan.ingest.readers import Unit
from cibscan.ingest.staging import coerce_account, coerce_post
from cibscan.ingest.telegram import Telegram, iter_telegram_units
from cibscan.ingest.x_v1 import XV1
from cibscan.ingest.x_v2 import XV2

from .rows import SAMPLES

ODD_VALUES = [None, "", " ", 0, -1, 1.5, 2**70, True, [], {}, ["x"], {"a": 1}, "not a date", "at://x", "did:plc:x", "\u202e\u0000"]


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


def _mutate(obj, path, how, value):
    obj = json.loads(json.dumps(obj))
    if not path:
        return value
    parent = obj
    for k in path[:-1]:
        parent = parent[k]
    if how == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return obj


def _check(records):
    for rec in records:
        if isinstance(rec, Reject):
            assert rec.reason and not rec.reason.startswith("unexpected"), rec.reason
            continue
        inner = rec.records if isinstance(rec, Part) else [rec]
        for r in inner:
            assert isinstance(r, (Post, Account)), type(r)
            try:
                (coerce_post if isinstance(r, Post) else coerce_account)(r, "x")
            except RecordError:
                pass


def _lines(name):
    return [json.loads(x) for x in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def _telegram_units():
    return [u.payload for u in iter_telegram_units(str(SAMPLES / "telegram-all-data.json")) if u.payload is not None]


CASES = [(XV2, rec) for rec in _lines("x-v2.jsonl") + _lines("x-v2-flat.jsonl")] \
    + [(XV1, rec) for rec in _lines("x-v1.jsonl")] \
    + [(Bluesky, rec) for rec in _lines("bluesky.jsonl")] \
    + [(Telegram, payload) for payload in _telegram_units()]


@st.composite
def mutated(draw):
    adapter, record = draw(st.sampled_from(CASES))
    target = record[1] if adapter is Telegram else record
    paths = list(_paths(target))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        target = _mutate(target, path, draw(st.sampled_from(["delete", "set"])), draw(st.sampled_from(ODD_VALUES)))
        paths = list(_paths(target))
    return adapter, ((record[0], target) if adapter is Telegram else target)


@settings(max_examples=int(__import__("os").environ.get("MUTATIONS", 400)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_records_fail_only_with_a_reason(case):
    adapter_cls, payload = case
    unit = Unit("line 1", json.dumps(payload, default=str), payload)
    try:
        records = list(adapter_cls().parse(unit))
    except RecordError:
        return
    _check(records)
