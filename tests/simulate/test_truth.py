"""The ground truth is consistent with the data: every planted tactic is visible where the
truth says, and the organic traps are there too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import OSA

from cibscan.errors import InputNotFoundError
from cibscan.simulate import TACTICS, load_truth


@pytest.fixture(scope="module")
def data(ingested):
    ws, _ = ingested
    posts = ws.to_pandas("posts")
    posts["t"] = posts.created_at.astype("int64") // 10**6  # created_at is datetime64[us]
    accounts = ws.to_pandas("accounts").set_index("account_id")
    return posts, accounts


def _members(truth, tactic):
    return truth.accounts_with(tactic)


def test_every_tactic_is_planted_and_every_truth_account_exists(truth, data):
    _, accounts = data
    assert set(truth.tactics) == set(TACTICS)
    rows = truth.accounts
    assert set(rows.account_id) <= set(accounts.index)
    # handles in the truth are the accounts' handles
    assert (accounts.loc[rows.account_id].handle.values == rows.handle.values).all()
    # one row per (account, tactic)
    assert not rows.duplicated(["account_id", "tactic"]).any()
    # organic trap accounts are never campaign accounts
    assert not set(truth.traps.account_id) & truth.campaign_accounts()


def test_persona_batches_are_created_together_with_templated_handles(truth, data):
    _, accounts = data
    batches = truth.groups[truth.groups.created_from != ""]
    assert len(batches) == 3
    for _, g in batches.iterrows():
        ids = truth.accounts[(truth.accounts.group_id == g.group_id) & (truth.accounts.tactic == "persona_batch")].account_id
        assert len(ids) == int(g["size"]) >= 8
        created = accounts.loc[ids].created_at
        # the archive keeps creation dates only: the whole batch falls on the window's day
        assert created.dt.date.nunique() == 1
        assert str(created.dt.date.iloc[0]) == g.created_from[:10] == g.created_to[:10]
        handles = accounts.loc[ids].handle
        stems = handles.str.replace(r"\d+$", "", regex=True).str[:4].str.lower()
        templated = handles.str.fullmatch(r"[A-Za-z]+\d{8}").mean() == 1 or stems.nunique() == 1
        assert templated, list(handles)
        # near-duplicate bios: most share the first three words of one template
        heads = accounts.loc[ids].description.str.split().str[:3].str.join(" ")
        assert heads.value_counts().iloc[0] >= 0.4 * len(ids)


def test_impersonators_are_one_edit_from_their_original_with_its_name(truth, data):
    _, accounts = data
    imp = truth.accounts[truth.accounts.tactic == "impersonator"]
    assert len(imp) >= 6
    for _, r in imp.iterrows():
        fake, real = accounts.loc[r.account_id], accounts.loc[r.target_account_id]
        assert OSA.distance(fake.handle.lower(), real.handle.lower()) == 1, (fake.handle, real.handle)
        if "same display name" in r.detail:
            assert fake.display_name == real.display_name
        else:
            assert fake.display_name != real.display_name and OSA.distance(fake.display_name, real.display_name) == 1
        assert fake.created_at > real.created_at


def test_impersonators_use_the_originals_picture_reencoded(scenario, truth):
    pdqhash = pytest.importorskip("pdqhash")
    from PIL import Image

    out, _ = scenario

    def bits(account_id):
        img = np.asarray(Image.open(out / "avatars" / f"{account_id}.png").convert("RGB"))
        return pdqhash.compute(img)[0].astype(bool)

    imp = truth.accounts[truth.accounts.tactic == "impersonator"]
    for _, r in imp.iterrows():
        assert (out / "avatars" / f"{r.account_id}.png").read_bytes() != (out / "avatars" / f"{r.target_account_id}.png").read_bytes()
        assert np.sum(bits(r.account_id) != bits(r.target_account_id)) <= 48
    # unrelated pictures are far apart
    others = sorted(p.stem for p in (out / "avatars").glob("*.png"))[:12]
    d = [np.sum(bits(a) != bits(b)) for i, a in enumerate(others) for b in others[i + 1:]]
    assert min(d) > 64


def test_co_reposters_repost_the_source_within_seconds_of_each_other(truth, data):
    posts, _ = data
    group = _members(truth, "co_repost")
    source = truth.groups.set_index("group_id").loc["op1-R"].source_account_id
    rt = posts[(posts.kind == "repost") & posts.account_id.isin(group) & (posts.ref_account_id == source)]
    per_post = rt.groupby("ref_post_id").t.agg(["count", "min", "max"])
    assert len(per_post) >= 15
    assert (per_post["count"] >= 0.6 * len(group)).mean() > 0.9
    assert ((per_post["max"] - per_post["min"]) <= 120).mean() > 0.9
    # each member takes part in most of them
    assert rt.groupby("account_id").ref_post_id.nunique().min() >= 0.5 * len(per_post)


def test_co_linkers_post_the_same_url_within_seconds(truth, data):
    posts, _ = data
    group = _members(truth, "co_link")
    shared = posts[posts.account_id.isin(group)].explode("urls").dropna(subset=["urls"])
    per_url = shared.groupby("urls").agg(n=("account_id", "nunique"), spread=("t", lambda t: t.max() - t.min()))
    repeated = per_url[per_url.n >= 0.5 * len(group)]
    assert len(repeated) >= 12
    assert (repeated.spread <= 180).mean() > 0.9


def _words(text: str) -> set[str]:
    return {w for w in text.split() if not w.startswith(("#", "http", "@"))}


def test_copy_pasters_post_near_duplicates_of_each_others_texts(truth, data):
    posts, _ = data
    group = _members(truth, "copy_paste")
    own = posts[posts.account_id.isin(group) & (posts.kind == "post")]
    sets = [(_words(t), a) for t, a in zip(own.text, own.account_id)]
    near = set()
    for i, (w1, a1) in enumerate(sets):
        for w2, a2 in sets[i + 1:]:
            if a1 != a2 and w1 and len(w1 & w2) / len(w1 | w2) >= 0.6:
                near.update((a1, a2))
    assert len(near & group) >= 0.9 * len(group)
    # Persian/Arabic script and Latin script both carry campaign lines
    assert own.text.str.contains("[\u0600-\u06ff]").any() and own.text.str.contains("[a-z]").any()


def test_the_flood_is_a_concentrated_burst_of_its_hashtag(truth, data):
    posts, accounts = data
    tag = truth.hashtags[truth.hashtags.role == "flood"].iloc[0]
    uses = posts[posts.hashtags.apply(lambda h: tag.tag in list(h))]
    inside = uses[(uses.created_at >= tag.start) & (uses.created_at <= tag.end)]
    # the burst is the window (organic reposts may trail it a little)
    assert len(inside) >= 0.98 * len(uses) and len(inside) >= 300
    army = _members(truth, "flood")
    assert inside.account_id.isin(army).mean() > 0.6
    created = accounts.loc[list(army)].created_at
    assert (created > pd.Timestamp(tag.start) - pd.Timedelta(days=61)).mean() > 0.4
    # organic trends are bigger and broad
    for _, tr in truth.hashtags[truth.hashtags.role == "organic_trend"].iterrows():
        t_uses = posts[posts.hashtags.apply(lambda h: tr.tag in list(h))]
        assert t_uses.account_id.nunique() > 3 * inside.account_id.nunique()


def test_spoofed_outlet_accounts_link_lookalikes_of_real_outlets(truth, data):
    posts, _ = data
    dom = truth.domains
    spoofs = dom[dom.role == "spoof"]
    outlets = set(dom[dom.role == "outlet"].domain)
    assert len(spoofs) >= 6 and not set(spoofs.domain) & outlets
    assert set(spoofs.outlet) <= outlets
    for _, s in spoofs.iterrows():
        assert s.domain != s.outlet and s.lookalike_class
    group = _members(truth, "spoofed_outlet")
    urls = posts[posts.account_id.isin(group) & (posts.kind == "post")].explode("urls").dropna(subset=["urls"])
    host = urls.urls.str.extract(r"https?://(?:www\.)?([^/]+)")[0]
    per_account = host.isin(set(spoofs.domain)).groupby(urls.account_id).sum()
    assert (per_account >= 3).all() and set(per_account.index) == group


def test_laundering_accounts_carry_a_minority_of_campaign_lines_in_its_windows(truth, data):
    posts, _ = data
    windows = truth.windows[truth.windows.campaign == "op1"]
    launder = truth.accounts[truth.accounts.tactic == "laundering"]
    for _, r in launder.iterrows():
        share = float(r.detail.split("=")[1].split()[0])
        assert 0.05 <= share <= 0.45
        mine = posts[posts.account_id == r.account_id]
        assert len(mine) >= 15
    lines = posts[posts.account_id.isin(set(launder.account_id))]
    in_window = np.zeros(len(lines), bool)
    for _, w in windows.iterrows():
        in_window |= ((lines.created_at >= w.start) & (lines.created_at <= w.end)).values
    # organic posts fall in the windows as often as the windows' share of the period; the
    # campaign lines all fall inside, so the accounts post there clearly more often
    hours = sum((pd.Timestamp(w.end) - pd.Timestamp(w.start)).total_seconds() for _, w in windows.iterrows()) / 3600
    assert in_window.mean() > hours / (truth.scenario["period"]["days"] * 24) + 0.08


def test_organic_traps_are_present(truth, data):
    posts, _ = data
    rt = posts[posts.kind == "repost"]
    sizes = rt.groupby("ref_post_id").account_id.nunique()
    hub = sizes.idxmax()
    assert sizes.max() >= 100
    first = posts.set_index("post_id").loc[hub].t
    quick = (rt[rt.ref_post_id == hub].t - first <= 10).sum()
    assert quick >= 3  # hub reposts within seconds
    traps = truth.traps.groupby("trap").size()
    for trap in ("fan", "campaign_echo", "lookalike_handle", "shared_avatar", "creation_surge"):
        assert traps.get(trap, 0) > 0, trap
    # exact duplicate texts from unrelated organic accounts (memes, share buttons)
    organic = posts[~posts.account_id.isin(truth.campaign_accounts()) & (posts.kind == "post")]
    dup = organic.groupby("text").account_id.nunique()
    assert (dup >= 5).sum() >= 2


def test_score_counts_any_campaign_account_as_right(truth):
    co = truth.accounts_with("co_repost")
    persona_only = truth.accounts_with("persona_batch") - co
    fan = set(truth.traps[truth.traps.trap == "fan"].account_id[:2])
    s = truth.score(co | set(list(persona_only)[:2]) | fan, "co_repost")
    assert s["recall"] == 1.0
    assert s["true_positives"] == len(co)
    assert s["false_positives"] == 2 and s["false_positive_traps"]["fan"] == 2
    assert s["precision"] == pytest.approx((len(co) + 2) / (len(co) + 4))
    assert s["precision_tactic"] == pytest.approx(len(co) / (len(co) + 4))


def test_load_truth_of_a_folder_that_is_not_a_scenario(tmp_path):
    with pytest.raises(InputNotFoundError, match="scenario.json"):
        load_truth(tmp_path)
