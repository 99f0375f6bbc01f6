"""Files as they come in practice: mixed encodings, BOMs, CRLF, embedded newlines, huge fields,
duplicate ids, a stray quote, empty and header-only files, binary data."""

from __future__ import annotations

import pytest

from cibscan.errors import UnknownFormatError
from cibscan.ingest import Sample, detect_adapter

from .test_x_io import HEADER, _row

KIB = 1024


def _file(tmp_path, rows, name="tweets.csv", newline="\n", encoding="utf-8", header=HEADER) -> str:
    p = tmp_path / name
    p.write_bytes(newline.join([header, *rows, ""]).encode(encoding))
    return str(p)


def _texts(ws) -> dict[str, str]:
    df = ws.to_pandas("posts")
    return dict(zip(df.post_id, df.text))


def test_mixed_utf8_and_cp1252_lines(ws, tmp_path):
    p = tmp_path / "mixed.csv"
    utf8 = _row("1", "u1", "naïve café ✓", "2017-08-06 08:15").encode("utf-8")
    cp1252 = _row("2", "u2", "déjà vu – “quoted” €", "2017-08-06 08:16").encode("cp1252")
    p.write_bytes(HEADER.encode() + b"\n" + utf8 + b"\n" + cp1252 + b"\n")
    r = ws.ingest([str(p)]).files[0]
    assert (r.posts, r.rejects, r.decoding_fallbacks) == (2, 0, 1)
    assert _texts(ws) == {"1": "naïve café ✓", "2": "déjà vu – “quoted” €"}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_byte_order_marks(ws, tmp_path, encoding):
    rows = [_row("1", "u1", "Привет мир", "2017-08-06 08:15")]
    data = "\n".join([HEADER, *rows, ""]).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    p = tmp_path / "bom.csv"
    p.write_bytes(data)
    assert detect_adapter(Sample.of(str(p))).name == "x-io-tweets"
    r = ws.ingest([str(p)]).files[0]
    assert (r.posts, r.rejects) == (1, 0)
    assert _texts(ws) == {"1": "Привет мир"}
    assert ws.to_pandas("posts").account_id[0] == "u1", "the BOM must not stick to the first column name"


def test_crlf_and_embedded_newlines(ws, tmp_path):
    rows = [_row("1", "u1", "line one\r\nline two\nline three", "2017-08-06 08:15"), _row("2", "u1", "plain", "2017-08-06 08:16")]
    r = ws.ingest([_file(tmp_path, rows, newline="\r\n")]).files[0]
    assert (r.posts, r.rejects) == (2, 0)
    assert _texts(ws) == {"1": "line one\r\nline two\nline three", "2": "plain"}


@pytest.mark.parametrize("size", [129 * KIB, 11 * KIB * KIB], ids=["129KiB", "11MiB"])
def test_huge_fields(ws, tmp_path, size):
    big = ("spam " * (size // 5 + 1))[:size]
    rows = [_row("1", "u1", big, "2017-08-06 08:15"), _row("2", "u1", "after the big one", "2017-08-06 08:16")]
    r = ws.ingest([_file(tmp_path, rows)]).files[0]
    assert (r.posts, r.rejects) == (2, 0)
    texts = _texts(ws)
    assert len(texts["1"]) == size and texts["2"] == "after the big one"


def test_duplicate_ids_within_and_across_files(ws, tmp_path):
    a = _file(tmp_path, [_row("1", "u1", "first", "2017-08-06 08:15"), _row("1", "u1", "again", "2017-08-06 08:15"),
                         _row("2", "u2", "other", "2017-08-06 08:16")], name="a.csv")
    b = _file(tmp_path, [_row("2", "u2", "other, later file", "2017-08-06 08:16"), _row("3", "u3", "new", "2017-08-06 08:17")], name="b.csv")
    ra, rb = ws.ingest([a, b]).files
    assert (ra.posts, ra.duplicates, rb.posts, rb.duplicates) == (2, 1, 1, 1)
    assert _texts(ws) == {"1": "first", "2": "other", "3": "new"}, "the first one seen is kept"
    assert ws.count("rejects") == 0, "duplicates are counted, not rejected"


def test_stray_quote_does_not_swallow_the_rest(ws, tmp_path):
    good = [_row(str(i), "u1", f"tweet {i}", "2017-08-06 08:15") for i in range(3, 40)]
    stray = '"2","u1","Name","h","","bio","","10","20","2016-01-02","en","en","an ""unclosed quote,2017-08-06 08:15'
    p = _file(tmp_path, [_row("1", "u1", "before", "2017-08-06 08:14"), stray, *good])
    r = ws.ingest([p]).files[0]
    assert (r.posts, r.rejects) == (38, 1)
    rej = ws.to_pandas("rejects")
    assert rej.position[0] == "line 3" and rej.raw[0].startswith('"2","u1"')


def test_quote_never_closed_mid_file_rejects_one_line(ws, tmp_path):
    """Unquoted rows after a field that opens a quote and never closes it: without care the
    reader takes the rest of the file for one field and calls the file truncated."""
    head = "author_id,content,region,language,publish_date,harvested_date,following,followers,updates,post_type,retweet"
    row = "acc{i},tweet number {i},United States,English,2016-10-0{d} 10:00:00,2016-10-01 10:00:00,1,2,3,,0"
    rows = [row.format(i=i, d=1 + i % 9) for i in range(30)]
    rows.insert(5, 'acc99,"this quote never closes,United States,English,2016-10-01 10:00:00,2016-10-01 10:00:00,1,2,3,,0')
    r = ws.ingest([_file(tmp_path, rows, name="ira.csv", header=head)]).files[0]
    assert (r.format, r.posts, r.rejects) == ("ira538-tweets", 30, 1)
    rej = ws.to_pandas("rejects")
    assert rej.position[0] == "line 7" and "stray quote" in rej.detail[0] and rej.raw[0].startswith("acc99,")


def test_truncated_last_record_is_one_reject(ws, tmp_path):
    rows = [_row("1", "u1", "ok", "2017-08-06 08:15"), '"2","u1","Name","h","","bio\nstill bio\nand more']
    r = ws.ingest([_file(tmp_path, rows)]).files[0]
    assert (r.posts, r.rejects) == (1, 1)
    assert "ends inside a quoted field" in ws.to_pandas("rejects").detail[0]


def test_two_stray_quotes_reject_only_their_lines(ws, tmp_path):
    rows = [_row("1", "u1", "a", "2017-08-06 08:14"),
            '1x,u1,"opens here,2017-08-06 08:15',
            _row("2", "u1", "b", "2017-08-06 08:15"),
            '1y,u1,closes here",2017-08-06 08:15',
            _row("3", "u1", "c", "2017-08-06 08:16")]
    r = ws.ingest([_file(tmp_path, rows)]).files[0]
    assert (r.posts, r.rejects) == (3, 2)
    assert set(ws.to_pandas("rejects").position) == {"line 3", "line 5"}


def test_empty_file_adds_nothing(ws, tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert ws.ingest([str(p)]).files[0].status == "empty"
    assert ws.ingest([str(p)], format="x-io-tweets").files[0].status == "empty"
    p.write_bytes(b"\xef\xbb\xbf\r\n  \n")
    assert ws.ingest([str(p)]).files[0].status == "empty"
    assert ws.count("posts") == ws.count("rejects") == ws.count("sources") == 0


def test_header_only_file(ws, tmp_path):
    r = ws.ingest([_file(tmp_path, [])]).files[0]
    assert (r.status, r.format, r.posts, r.rejects) == ("ingested", "x-io-tweets", 0, 0)


def test_binary_file_is_one_clear_error(ws, tmp_path):
    png = tmp_path / "avatar.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(range(256)) * 8)
    for fmt in (None, "x-io-tweets"):
        with pytest.raises(UnknownFormatError, match="binary data"):
            ws.ingest([str(png)], format=fmt)
    assert ws.count("sources") == 0 and ws.count("rejects") == 0


def test_stray_nul_byte_is_a_bad_record_not_a_binary_file(ws, tmp_path):
    rows = [_row("1", "u1", "ok", "2017-08-06 08:15"), _row("2", "u1", "has a \x00 NUL", "2017-08-06 08:16")]
    r = ws.ingest([_file(tmp_path, rows)]).files[0]
    assert r.posts + r.rejects == 2 and r.posts >= 1
