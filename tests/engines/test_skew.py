"""Hub keys are spread over salts: a hashtag used by thousands of accounts never lands whole in
one join group, and the salted join gives exactly the plain join's rows."""

from __future__ import annotations

import pyarrow as pa

from cibscan.engines.skew import salt_rows, salted_join

HUB_ACCOUNTS = 3000
HOT, BUCKETS = 1000, 8


def hub_tables(ws):
    """Per-(key, account) rows: key 1 is a hub (3,000 accounts), keys 2-201 are used by 2-6."""
    keys, aids, counts = [], [], []
    for a in range(HUB_ACCOUNTS):
        keys.append(1), aids.append(a), counts.append(1 + a % 3)
    for k in range(2, 202):
        for a in range(2 + k % 5):
            keys.append(k), aids.append(10_000 + k * 10 + a), counts.append(1)
    kind = ["hashtag"] * len(keys)
    tf = ws.write_table("tf", pa.table({"kind": kind, "key": pa.array(keys, pa.int64()), "aid": pa.array(aids, pa.int64()), "c": counts}))
    df = tf.group_by(["kind", "key"]).aggregate(df=tf.aid.nunique())
    return tf, ws.write_table("df", df)


def _rows(t, cols):
    return sorted(tuple(r[c] for c in cols) for r in t.to_pyarrow().to_pylist())


def check_salted_join(ws):
    tf, df = hub_tables(ws)
    salted = salted_join(tf, df, ["kind", "key"], salt_from="aid", counts=df, count_column="df", hot=HOT, buckets=BUCKETS)
    cols = ["kind", "key", "aid", "c", "df"]
    assert salted.columns == tuple(cols)
    assert _rows(salted, cols) == _rows(tf.join(df, ["kind", "key"]), cols)

    spread = salt_rows(tf, ["kind", "key"], salt_from="aid", counts=df, count_column="df", hot=HOT, buckets=BUCKETS)
    groups = spread.group_by(["kind", "key", "_salt"]).aggregate(n=spread.count()).to_pyarrow().to_pylist()
    hub = [g["n"] for g in groups if g["key"] == 1]
    assert len(hub) == BUCKETS, "the hub is spread over every salt"
    assert max(hub) < 2 * HUB_ACCOUNTS / BUCKETS, f"one join group still holds {max(hub)} of the hub's {HUB_ACCOUNTS} rows"
    assert {g["_salt"] for g in groups if g["key"] != 1} == {0}, "cold keys are not salted (not repeated)"


def test_salted_join_on_duckdb(folder_ws):
    check_salted_join(folder_ws)
