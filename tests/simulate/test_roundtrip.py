"""The simulator's files go through the real ingest with nothing lost."""

from __future__ import annotations

from .conftest import SMALL


def test_ingest_reads_every_post_and_account_with_zero_rejects(scenario, ingested, truth):
    out, summary = scenario
    ws, report = ingested
    assert [f.format for f in report.files] == ["x-io-tweets", "x-io-users"]
    assert report.total("rejects") == 0
    assert report.total("duplicates") == 0
    assert ws.count("posts") == SMALL == summary.posts
    assert ws.count("accounts") == summary.accounts
    ids = set(ws.to_pandas("accounts").account_id)
    assert truth.campaign_accounts() <= ids


def test_references_resolve_inside_the_data(ingested):
    ws, _ = ingested
    posts = ws.to_pandas("posts")
    ids = set(posts.post_id)
    refs = posts[posts.kind != "post"]
    assert len(refs) > 0.3 * len(posts)
    assert refs.ref_post_id.isin(ids).all()
    # a repost names the author of the post it reposts
    author = posts.set_index("post_id").account_id
    rt = refs[refs.kind == "repost"]
    assert (rt.ref_account_id.values == author.loc[rt.ref_post_id].values).all()
