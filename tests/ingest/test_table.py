from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cibscan.errors import SchemaError
from cibscan.ingest import Sample, detect_adapter
from cibscan.ingest.table import parse_mapping_value_list, synthetic_post_id

from ..conftest import shared_file

MAP = {"post_id": "id", "account_id": "user", "created_at": "time", "text": "message", "hashtags": "tags",
       "ref_post_id": "shared", "kind": "type", "handle": "name", "followers": "fans"}
ROWS = [
    {"id": "p1", "user": "u1", "time": "2024-03-01T12:00:00Z", "message": "hello", "tags": "a|b", "shared": "", "type": "", "name": "@alice", "fans": "10"},
    {"id": "p2", "user": "u2", "time": "1709294460", "message": "look", "tags": "", "shared": "p1", "type": "retweet", "name": "bob", "fans": ""},
    {"id": "p3", "user": "u1", "time": "1709294700000", "message": "re", "tags": "['c', 'd']", "shared": "p1", "type": "comment", "name": "alice", "fans": "11"},
]
EXPECTED = {
    "p1": ("u1", datetime(2024, 3, 1, 12, 0), "post", None, ["a", "b"]),
    "p2": ("u2", datetime(2024, 3, 1, 12, 1), "repost", "p1", []),
    "p3": ("u1", datetime(2024, 3, 1, 12, 5), "reply", "p1", ["c", "d"]),
}


def _posts(ws) -> dict:
    df = ws.to_pandas("posts")
    return {r.post_id: (r.account_id, r.created_at.to_pydatetime(), r.kind, None if pd.isna(r.ref_post_id) else r.ref_post_id, list(r.hashtags))
            for r in df.itertuples()}


def _write(tmp_path, fmt: str) -> str:
    df = pd.DataFrame(ROWS)
    p = tmp_path / f"t.{fmt}"
    if fmt == "csv":
        df.to_csv(p, index=False)
    elif fmt == "tsv":
        df.to_csv(p, index=False, sep="\t")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), p)
    else:
        p.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "jsonl"])
def test_same_table_in_every_container(ws, tmp_path, fmt):
    r = ws.ingest([_write(tmp_path, fmt)], format="table", options={"map": MAP}).files[0]
    assert (r.format, r.posts, r.accounts, r.rejects) == ("table", 3, 2, 0)
    assert _posts(ws) == EXPECTED
    acc = ws.to_pandas("accounts").set_index("account_id")
    assert (acc.loc["u1"].handle, acc.loc["u1"].followers, acc.loc["u2"].handle) == ("alice", 11, "bob")
    assert set(ws.to_pandas("posts").platform) == {"generic"}


def test_mapping_alone_selects_the_table_format(ws, tmp_path):
    path = _write(tmp_path, "csv")
    assert detect_adapter(Sample.of(path, {"map": MAP})).name == "table"
    r = ws.ingest([path], options={"map": MAP, "platform": "forum"}).files[0]
    assert r.format == "table" and set(ws.to_pandas("posts").platform) == {"forum"}


def test_nested_json_paths_and_real_lists(ws, tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text(json.dumps({"id": 7, "user": {"id": 42, "name": "x"}, "ts": 1709294400, "ents": {"tags": ["A", "", None, "B"]}}) + "\n")
    ws.ingest([str(p)], format="table", options={"map": {"post_id": "id", "account_id": "user.id", "created_at": "ts", "hashtags": "ents.tags", "handle": "user.name"}})
    row = ws.to_pandas("posts").iloc[0]
    assert (row.post_id, row.account_id, list(row.hashtags)) == ("7", "42", ["A", "B"])


@pytest.mark.parametrize("value,sep,expected", [
    ("a|b| c", None, ["a", "b", "c"]),
    ("a, b c", None, ["a", "b", "c"]),
    ("https://x.org/?q=1,2;https://y.org", ";", ["https://x.org/?q=1,2", "https://y.org"]),
    ('["x", "y"]', None, ["x", "y"]),
    ("['x', 'y']", None, ["x", "y"]),
    ("[]", None, []),
    ("", None, []),
    (["a", 1, None, " "], None, ["a", "1"]),
])
def test_list_cells(value, sep, expected):
    assert parse_mapping_value_list(value, sep) == expected


def test_list_separator_option(ws, tmp_path):
    p = tmp_path / "l.csv"
    p.write_text('id,user,t,links\n1,u,2024-01-01,"https://x.org/a,b https://y.org"\n')
    ws.ingest([str(p)], format="table", options={"map": {"post_id": "id", "account_id": "user", "created_at": "t", "urls": "links", "list_sep": " "}})
    assert list(ws.to_pandas("posts").urls[0]) == ["https://x.org/a,b", "https://y.org"]


def test_missing_post_id_is_synthesised_deterministically(ws, tmp_path):
    m = {"account_id": "user", "created_at": "t", "text": "x"}
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("user,t,x\nu1,2024-01-01 10:00,hi\nu1,2024-01-01 10:01,hi\n")
    b.write_text("user,t,x,extra\nu1,2024-01-01 10:00,hi,1\n")
    ra, rb = ws.ingest([str(a), str(b)], format="table", options={"map": m}).files
    assert (ra.posts, rb.posts, rb.duplicates) == (2, 0, 1)
    ids = sorted(ws.to_pandas("posts").post_id)
    assert all(i.startswith("row:") for i in ids) and len(set(ids)) == 2
    assert synthetic_post_id({"account_id": "u1", "x": None}) == synthetic_post_id({"account_id": "u1"})


def test_bad_rows_are_rejected_with_reasons(ws, tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("id,user,time,type\n1,u,2024-01-01,post\n2,,2024-01-01,post\n3,u,yesterday,post\n4,u,2024-01-01,like\n5,u,,post\n")
    r = ws.ingest([str(p)], format="table", options={"map": {"post_id": "id", "account_id": "user", "created_at": "time", "kind": "type"}}).files[0]
    assert (r.posts, r.rejects) == (1, 4)
    assert r.reject_reasons == {"missing account_id": 1, "created_at": 1, "unknown kind": 1, "missing created_at": 1}
    assert sorted(ws.to_pandas("rejects").position) == ["line 3", "line 4", "line 5", "line 6"]


def test_accounts_only_table(ws, tmp_path):
    p = tmp_path / "acc.csv"
    p.write_text("uid,screen,created,bio\n1,alice,2015-01-01,hi\n2,bob,,\n")
    r = ws.ingest([str(p)], format="table", options={"map": {"account_id": "uid", "handle": "screen", "account_created_at": "created", "description": "bio"}}).files[0]
    assert (r.posts, r.accounts) == (0, 2)
    acc = ws.to_pandas("accounts").set_index("account_id")
    assert acc.loc["1"].created_at == datetime(2015, 1, 1) and acc.loc["1"].description == "hi"


@pytest.mark.parametrize("mapping,message", [
    ({"post_id": "id", "account_id": "user", "created_at": "nope"}, "mapped column"),
    ({"post_id": "id", "acount_id": "user"}, "unknown canonical field"),
    ({"post_id": "id", "created_at": "time"}, "must name the account column"),
])
def test_mapping_errors_are_one_clear_line_before_anything_is_written(ws, tmp_path, mapping, message):
    good = _write(tmp_path, "csv")
    with pytest.raises(SchemaError, match=message) as e:
        ws.ingest([good], format="table", options={"map": mapping})
    assert "\n" not in str(e.value)
    assert ws.count("sources") == 0


def test_json_array_document_is_refused_with_a_hint(ws, tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps(ROWS))
    with pytest.raises(SchemaError, match="JSON lines"):
        ws.ingest([str(p)], format="table", options={"map": MAP})


def test_long_format_rows_of_a_post_merge(ws, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("post,user,t,tag,url,txt\n"
                 "1,u1,2024-01-01 10:00,b,,first text\n"
                 "2,u2,2024-01-01 10:00,x,,\n"
                 "1,u1,2024-01-01 10:00,a,https://e.org,\n"
                 "1,u9,2024-01-01 11:00,b,https://e.org,other text\n")
    m = {"post_id": "post", "account_id": "user", "created_at": "t", "hashtags": "tag", "urls": "url", "text": "txt"}
    r = ws.ingest([str(p)], format="table", options={"map": m}).files[0]
    assert (r.posts, r.duplicates, r.rejects) == (2, 2, 0)
    row = ws.to_pandas("posts").set_index("post_id").loc["1"]
    assert list(row.hashtags) == ["b", "a"], "file order, no repeats"
    assert list(row.urls) == ["https://e.org"]
    assert (row.account_id, row.created_at, row.text) == ("u1", datetime(2024, 1, 1, 10), "first text"), "scalars of the first row"
    # a later file cannot change a stored post
    q = tmp_path / "later.csv"
    q.write_text("post,user,t,tag,url,txt\n1,u1,2024-01-01 10:00,z,,\n")
    assert ws.ingest([str(q)], format="table", options={"map": m}).files[0].duplicates == 1
    assert list(ws.to_pandas("posts").set_index("post_id").loc["1"].hashtags) == ["b", "a"]


def test_coortweet_presets_sniffed_by_header(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("object_id,account_id,content_id,timestamp_share\no,a,c,1623881091.0\n")
    b.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\nfb_1,1,2,,3,,1629589836.0\n")
    assert detect_adapter(Sample.of(str(a))).name == "coortweet-shares"
    assert detect_adapter(Sample.of(str(b))).name == "coortweet-multimodal"


def test_coortweet_share_is_a_repost_of_the_object(ws, tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("object_id,account_id,content_id,timestamp_share\nobj,a1,c1,1623881091.0\nobj,a2,c2,1623881100.0\nc1,a3,c3,1623881200.0\n")
    ws.ingest([str(p)])
    df = ws.to_pandas("posts").set_index("post_id")
    assert set(df.kind) == {"repost"} and list(df.loc[["c1", "c2"]].ref_post_id) == ["obj", "obj"]
    assert df.loc["c3"].ref_post_id == "c1", "an object that is a post in the data links to it"
    assert df.loc["c1"].created_at == datetime(2021, 6, 16, 22, 4, 51)


def test_coortweet_multimodal_tags_opaque_ids_and_platforms(ws, tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
                 "tw_1,9,17,55,11,197,1630308672.0\ntw_1,9,17,55,11,,1630308672.0\ntw_1,9,17,56,11,326,1630308672.0\n"
                 "fb_2,9,,,,,1630308000.0\n")
    r = ws.ingest([str(p)]).files[0]
    assert (r.posts, r.duplicates) == (2, 2)
    df = ws.to_pandas("posts").set_index("platform")
    tw = df.loc["twitter"]
    assert list(tw.urls) == ["url_id:17"] and list(tw.hashtags) == ["hashtag_id:55", "hashtag_id:56"]
    assert list(tw.domains) == ["domain_id:11"] and list(tw.media_hashes) == ["phash_id:197", "phash_id:326"]
    assert df.loc["facebook"].account_id == "fb_2", "the same post id on two platforms is two posts"


@pytest.mark.realdata
def test_real_coortweet_russian_coord_tweets(ws):
    r = ws.ingest([str(shared_file("coortweet_russian_coord_tweets.csv.gz"))]).files[0]
    # 35,125 rows: 35,085 distinct content_id; one row is repeated verbatim and 39 posts are
    # listed with a second object (the post keeps its first, a post has one ref_post_id):
    # 40 duplicates, nothing rejected; 30 of the 7,285 objects are only in those 39 rows
    assert (r.format, r.posts, r.duplicates, r.rejects, r.accounts) == ("coortweet-shares", 35_085, 40, 0, 9_509)
    assert r.posts + r.duplicates == 35_125
    objects = ws.table("posts").ref_post_id
    assert ws.table("posts").select(objects).distinct().count().execute() == 7_255
    # shared objects that are themselves posts in the data link to them
    posts = ws.table("posts")
    linked = posts.filter(posts.ref_post_id.isin(posts.post_id)).count().execute()
    assert linked == 3_620


@pytest.mark.slow
@pytest.mark.realdata
def test_real_coortweet_german_elections(ws):
    r = ws.ingest([str(shared_file("coortweet_german_elections.csv.gz"))]).files[0]
    # 218,971 long-format rows -> 194,323 post ids + 3 rows without one (ids synthesised)
    assert (r.format, r.posts, r.duplicates, r.rejects, r.accounts) == ("coortweet-multimodal", 194_326, 24_645, 0, 58_317)
    assert r.posts + r.duplicates == 218_971
    info = ws.info()
    assert info["posts_by_platform"] == {"twitter": 112_757, "facebook": 81_569}
    df = ws.to_pandas("posts").set_index("post_id")
    assert list(df.loc["140118"].media_hashes) == ["phash_id:19765", "phash_id:32648"]
    assert list(df.loc["140118"].urls) == ["url_id:17852"] and list(df.loc["140118"].domains) == ["domain_id:1141"]
    assert sum(i.startswith("row:") for i in df.index) == 3
    posts = ws.table("posts")
    assert posts.select(url=posts.urls.unnest()).distinct().count().execute() > 10_000
