from cibscan.ingest import detect_adapter, Sample

from ..conftest import shared_file

HEADER = ('"tweetid","userid","user_display_name","user_screen_name","user_reported_location","user_profile_description",'
          '"user_profile_url","follower_count","following_count","account_creation_date","account_language","tweet_language",'
          '"tweet_text","tweet_time","tweet_client_name","in_reply_to_userid","in_reply_to_tweetid","quoted_tweet_tweetid",'
          '"is_retweet","retweet_userid","retweet_tweetid","latitude","longitude","quote_count","reply_count","like_count",'
          '"retweet_count","hashtags","urls","user_mentions","poll_choices"')


def _row(tid, uid, text, time, rt_tid="", rt_uid="", is_rt="false", tags="[]", urls="[]", mentions="[]"):
    vals = [tid, uid, "Name", "handle" + uid[:4], "", "bio", "", "10", "20", "2016-01-02", "en", "en", text, time, "Web",
            "", "", "", is_rt, rt_uid, rt_tid, "absent", "absent", "0", "0", "0", "0", tags, urls, mentions, ""]
    return ",".join('"' + v.replace('"', '""') + '"' for v in vals)


def test_io_tweets_fixture(ws, tmp_path):
    p = tmp_path / "io.csv"
    rows = [HEADER,
            _row("1", "u1", "hello #A https://t.co/x", "2017-08-06 08:15", tags="['A']", urls="['http://example.com/a']"),
            _row("2", "hashedUSERid+/=", "RT @handle: hello", "2017-08-06 08:16", rt_tid="1", rt_uid="u1", is_rt="true"),
            _row("3", "u1", "multi\nline\r\ntext", "2017-08-06 08:17", mentions="['123', '456']")]
    p.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    r = ws.ingest([str(p)])
    assert r.files[0].format == "x-io-tweets"
    assert (r.total("posts"), r.total("accounts"), r.total("rejects")) == (3, 2, 0)
    df = ws.to_pandas("posts").set_index("post_id")
    assert list(df.loc["1"].hashtags) == ["A"] and list(df.loc["1"].urls) == ["http://example.com/a"]
    assert df.loc["2"].kind == "repost" and df.loc["2"].ref_post_id == "1" and df.loc["2"].account_id == "hashedUSERid+/="
    assert df.loc["3"].text == "multi\nline\r\ntext" and list(df.loc["3"].mentions) == ["123", "456"]


def test_real_io_tweets_sample_truncated_last_row(ws):
    path = shared_file("x_io_russia_tweets_sample.csv")
    r = ws.ingest([str(path)])
    f = r.files[0]
    assert (f.format, f.posts, f.rejects) == ("x-io-tweets", 407, 1)
    rej = ws.to_pandas("rejects")
    assert rej.reason[0] == "truncated record"
    assert "ends inside a quoted field" in rej.detail[0]
    assert rej.raw[0].startswith('"929990851115212800"')


def test_real_io_users(ws):
    path = shared_file("x_io_china_082019_users.csv")
    assert detect_adapter(Sample.of(str(path))).name == "x-io-users"
    r = ws.ingest([str(path)])
    assert (r.total("accounts"), r.total("rejects"), r.total("posts")) == (744, 0, 0)
    days = ws.to_pandas("accounts").created_at.dt.date.astype(str).value_counts()
    assert days["2017-08-30"] > 10
