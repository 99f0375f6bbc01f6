"""Campaigns defined by behaviour: where they come from and what their narrative is.

A campaign is a set of accounts and the traces they left: a coordination cluster
(``coordination_members``), the drivers of a flood burst (``floods_accounts``, their posts with
the burst's key inside its span), or posts/accounts an analyst names. Its narrative is the set
of trace keys that enough of its accounts used and that are specific to it. Clusters and bursts
whose narratives overlap are one campaign. No topic, party or side appears anywhere here.
Used by the laundering detector (``cibscan.detect.laundering``; method in ``docs/laundering.md``).
"""

from __future__ import annotations

import ibis

from .errors import ParameterError
from .grouping import linked_groups

__all__ = ["parse_ids", "campaign_sources", "merged_campaigns", "burst_posts", "campaign_traces", "narrative_keys",
           "merge_campaigns", "CAMPAIGN_SOURCES"]

#: where campaigns come from when no seed is given
CAMPAIGN_SOURCES = ("clusters", "bursts")


def parse_ids(value) -> list[str]:
    """Ids from a list or a comma/whitespace-separated string (empty: none)."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = str(value).replace(",", " ").split()
    return list(dict.fromkeys(s.strip() for s in items if s.strip()))


def campaign_sources(ws, p: dict) -> tuple[list[dict], set[str]]:
    """The campaigns of workspace ``ws`` before merging, strongest first, and every account of
    every campaign found.

    ``p`` holds the laundering parameters read here: ``seed_posts``, ``seed_accounts`` (when
    either is set, the one campaign ``S1`` is made of them and stored results are ignored),
    ``sources``, ``campaigns`` and ``burst_min_confidence``. Each campaign is a dict with
    ``source`` (``cluster``, ``burst``, ``seed``), ``source_id``, ``accounts`` and ``parts``: a
    list of ``(account ids, post ids or None)``, None meaning all of those accounts' posts.
    Raises ``ParameterError`` for seeds or campaign ids not in the workspace."""
    seed_posts, seed_accounts = parse_ids(p["seed_posts"]), parse_ids(p["seed_accounts"])
    if seed_posts or seed_accounts:
        posts = ws.table("posts")
        accounts = set(seed_accounts)
        post_table = None
        if seed_posts:
            wanted = ibis.memtable({"post_id": seed_posts})
            found = posts.semi_join(wanted, "post_id").select("post_id", "account_id").to_pyarrow().to_pylist()
            missing = set(seed_posts) - {r["post_id"] for r in found}
            if missing:
                raise ParameterError(f"laundering: seed post(s) not in the workspace: {', '.join(sorted(missing)[:5])}"
                                     f"{' ...' if len(missing) > 5 else ''}; check the ids (posts.post_id)")
            accounts |= {r["account_id"] for r in found}
            post_table = seed_posts
        if seed_accounts:
            known = set(ws.table("accounts").semi_join(ibis.memtable({"account_id": seed_accounts}), "account_id")
                        .select("account_id").to_pyarrow().column(0).to_pylist())
            known |= set(posts.semi_join(ibis.memtable({"account_id": seed_accounts}), "account_id")
                         .select("account_id").distinct().to_pyarrow().column(0).to_pylist())
            missing = set(seed_accounts) - known
            if missing:
                raise ParameterError(f"laundering: seed account(s) not in the workspace: {', '.join(sorted(missing)[:5])}; "
                                     "check the ids (accounts.account_id)")
        # seed posts alone: their traces; seed accounts: all their posts
        parts = ([(sorted({r["account_id"] for r in found}), post_table)] if post_table else []) + (
            [(sorted(seed_accounts), None)] if seed_accounts else [])
        return [{"campaign_id": "S1", "source": "seed", "source_id": "seed", "accounts": sorted(accounts), "parts": parts}], set(accounts)
    sources = parse_ids(p["sources"])
    bad = [s for s in sources if s not in CAMPAIGN_SOURCES]
    if bad:
        raise ParameterError(f"laundering: sources {', '.join(bad)} unknown; known: {', '.join(CAMPAIGN_SOURCES)}")
    wanted = set(parse_ids(p["campaigns"]))
    out: list[tuple[float, dict]] = []
    if "clusters" in sources and ws.has_table("coordination_clusters") and ws.has_table("coordination_members"):
        clusters = ws.table("coordination_clusters").select("cluster_id", "score").to_pyarrow().to_pylist()
        members: dict[str, list[str]] = {}
        for r in ws.table("coordination_members").select("cluster_id", "account_id").to_pyarrow().to_pylist():
            members.setdefault(r["cluster_id"], []).append(r["account_id"])
        for c in clusters:
            if (not wanted or c["cluster_id"] in wanted) and members.get(c["cluster_id"]):
                out.append((float(c["score"] or 0), {"source": "cluster", "source_id": c["cluster_id"],
                                                     "accounts": sorted(members[c["cluster_id"]]),
                                                     "parts": [(members[c["cluster_id"]], None)]}))
    if "bursts" in sources and ws.has_table("floods_bursts") and ws.has_table("floods_accounts"):
        grades = ("high",) if p["burst_min_confidence"] == "high" else ("high", "medium") if p["burst_min_confidence"] == "medium" else ("high", "medium", "low")
        graded = {}
        if ws.has_table("findings"):
            f = ws.table("findings")
            f = f.filter((f.detector == "floods") & (f.kind == "burst"))
            graded = {r["id"]: r["confidence"] for r in f.select("id", "confidence").to_pyarrow().to_pylist()}
        drivers: dict[str, list[str]] = {}
        for r in ws.table("floods_accounts").select("burst_id", "account_id").to_pyarrow().to_pylist():
            drivers.setdefault(r["burst_id"], []).append(r["account_id"])
        bursts = ws.table("floods_bursts").select("burst_id", "key", "key_kind", "start", "end", "score").to_pyarrow().to_pylist()
        for b in bursts:
            if graded.get(b["burst_id"]) not in grades or not drivers.get(b["burst_id"]):
                continue
            if wanted and b["burst_id"] not in wanted:
                continue
            out.append((float(b["score"] or 0), {"source": "burst", "source_id": b["burst_id"], "accounts": sorted(drivers[b["burst_id"]]),
                                                 "parts": [(drivers[b["burst_id"]], burst_posts(ws, b, drivers[b["burst_id"]]))]}))
    if wanted:
        found = {c["source_id"] for _, c in out}
        missing = wanted - found
        if missing:
            raise ParameterError(f"laundering: campaign(s) {', '.join(sorted(missing))} not found among the stored clusters and "
                                 "bursts (coordination_clusters, floods_bursts); run those detectors first or check the ids")
    flagged = {a for _, c in out for a in c["accounts"]}
    out.sort(key=lambda sc: -sc[0])
    return [c for _, c in out], flagged


def merged_campaigns(traces: ibis.Table, sources: list[dict], n_population: int, p: dict) -> list[dict]:
    """Clusters and bursts that push the same lines as one campaign each (``merge_overlap``),
    strongest first, numbered L1, L2, ... (at most ``max_campaigns``)."""
    if p["merge_overlap"] <= 0 or len(sources) < 2:
        groups = [[i] for i in range(len(sources))]
    else:
        keysets = []
        for c in sources:
            narr = narrative_keys(traces, campaign_traces(traces, c), len(c["accounts"]), n_population, p)
            keysets.append(set(map(tuple, narr.select("kind", "key").to_pandas().itertuples(index=False, name=None))))
        groups = merge_campaigns(keysets, p["merge_overlap"])
    out = []
    for i, g in enumerate(groups[: p["max_campaigns"]], 1):
        parts = [part for j in g for part in sources[j]["parts"]]
        accounts = sorted({a for j in g for a in sources[j]["accounts"]})
        kinds = list(dict.fromkeys(sources[j]["source"] for j in g))
        out.append({"campaign_id": f"L{i}", "source": "+".join(kinds), "source_id": "+".join(sources[j]["source_id"] for j in g),
                    "accounts": accounts, "parts": parts})
    return out


def burst_posts(ws, burst: dict, drivers: list[str]) -> ibis.Table:
    """Post ids of a burst: its drivers' posts with the key inside the burst's span."""
    posts = ws.table("posts").semi_join(ibis.memtable({"account_id": drivers}), "account_id")
    posts = posts.filter((posts.created_at >= burst["start"]) & (posts.created_at <= burst["end"]))
    key = str(burst["key"]).lower()
    if burst["key_kind"] == "hashtag":
        posts = posts.filter(posts.hashtags.map(lambda x: x.strip().lower()).contains(key.lstrip("#")))
    else:
        posts = posts.filter(posts.text.lower().contains(key))
    return posts.select("post_id")


def campaign_traces(traces: ibis.Table, c: dict) -> ibis.Table:
    """The traces a campaign left: per part, its accounts' traces (all of them, or only those of
    the part's posts), united."""
    out = None
    for accounts, post_ids in c["parts"]:
        t = traces.semi_join(ibis.memtable({"account_id": sorted(accounts)}), "account_id")
        if post_ids is not None:
            ids = post_ids if isinstance(post_ids, ibis.Table) else ibis.memtable({"post_id": list(post_ids)})
            t = t.semi_join(ids, "post_id")
        out = t if out is None else out.union(t, distinct=True)
    return out


def narrative_keys(traces: ibis.Table, ct: ibis.Table, n_accounts: int, n_population: int, p: dict) -> ibis.Table:
    """Keys at least ``min_key_accounts`` campaign accounts used and that are specific to the
    campaign: its accounts are at least ``min_key_concentration`` of the key's users, and at
    least ``min_key_lift`` times their share of all ``n_population`` accounts."""
    min_acc = max(1, min(p["min_key_accounts"], n_accounts))
    key_camp = ct.group_by(["kind", "key"]).aggregate(n_camp=ct.account_id.nunique(), key_text=ct.key_text.min())
    key_camp = key_camp.filter(key_camp.n_camp >= min_acc)
    used = traces.semi_join(key_camp, ["kind", "key"])
    key_all = used.group_by(["kind", "key"]).aggregate(n_all=used.account_id.nunique())
    narr = key_camp.join(key_all, ["kind", "key"])
    share = narr.n_camp.cast("float64") / narr.n_all
    # lift over the campaign's share of all accounts: a trending tag its accounts also use in
    # their cover posts is used by them about as often as by anyone
    base = n_accounts / max(n_population, 1)
    narr = narr.filter((share >= p["min_key_concentration"]) & (share >= p["min_key_lift"] * base))
    return narr.select("kind", "key", "key_text", "n_camp")


def merge_campaigns(keysets: list[set], min_overlap: float) -> list[list[int]]:
    """Groups of campaign indexes whose narratives overlap: two campaigns join when the keys
    they share are at least ``min_overlap`` of the smaller narrative (overlap coefficient),
    transitively. Groups keep the order of their first member.

    >>> merge_campaigns([{1, 2, 3}, {3, 4}, {9}], 0.5)
    [[0, 1], [2]]
    """
    def overlap(i: int, j: int) -> bool:
        a, b = keysets[i], keysets[j]
        return bool(a and b) and len(a & b) >= min_overlap * min(len(a), len(b))

    return linked_groups(len(keysets), overlap)
