"""Evidence: the concrete co-actions behind every edge and cluster, sampled to a bounded size.

For each calibrated edge the engine keeps up to ``samples_per_edge`` co-actions (the quickest
first): which posts, on which target, how many seconds apart. That table
(``coordination_coactions``) backs the evidence of every cluster finding and the
``cibscan evidence`` command; ``cluster_evidence``/``pair_evidence``/``account_evidence`` read
it back from a workspace.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

import ibis
import pandas as pd

from ..errors import WorkspaceError
from ..findings import Evidence
from .engine import coaction_rows

__all__ = [
    "ACTION_LABELS",
    "sample_coactions",
    "cluster_evidence_items",
    "cluster_evidence",
    "pair_evidence",
    "account_evidence",
]

#: how a co-action of each kind is named in evidence
ACTION_LABELS = {
    "repost": ("co-repost", "reposted"),
    "link": ("co-link", "linked"),
    "domain": ("co-domain", "linked to the domain"),
    "hashtag": ("co-hashtag", "used the hashtag"),
    "hashtag_seq": ("co-hashtag-sequence", "used the hashtag sequence"),
    "text": ("co-text", "posted near-identical text"),
    "reply": ("co-reply", "replied to"),
    "mention": ("co-mention", "mentioned"),
    "media": ("co-media", "posted the same image"),
}


def _utc(seconds) -> datetime:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).replace(tzinfo=None)


def sample_coactions(tr: ibis.Table, kept: ibis.Table, windows, *, origin: int = 0, per_edge: int = 5) -> ibis.Table:
    """Up to ``per_edge`` co-actions of each kept edge (``kept``: ``kind, a, b``), quickest
    first: ``kind, a, b, key, post_a, post_b, at_a, at_b, gap_s`` with ``post_a``/``at_a`` the
    post and time of account ``a`` (``a < b``)."""
    accounts = kept.select(aid="a").union(kept.select(aid="b")).distinct()
    sub = tr.semi_join(accounts, "aid")
    co = coaction_rows(sub, windows, origin)
    a_left = co.aid_l < co.aid_r
    co = co.select(
        "kind", "key", "gap",
        a=ibis.least(co.aid_l, co.aid_r), b=ibis.greatest(co.aid_l, co.aid_r),
        post_a=ibis.ifelse(a_left, co.post_l, co.post_r), post_b=ibis.ifelse(a_left, co.post_r, co.post_l),
        at_a=ibis.ifelse(a_left, co.at_l, co.at_r), at_b=ibis.ifelse(a_left, co.at_r, co.at_l),
    )
    co = co.semi_join(kept, ["kind", "a", "b"])
    # text: one post pair matches on several band keys; keep it once
    co = co.group_by(["kind", "a", "b", "post_a", "post_b"]).aggregate(
        key=co.key.min(), at_a=co.at_a.min(), at_b=co.at_b.min(), gap=co.gap.min()
    )
    co = co.mutate(rn=ibis.row_number().over(group_by=["kind", "a", "b"], order_by=["gap", "key", "post_a", "post_b"]))
    co = co.filter(co.rn < per_edge)
    return co.select("kind", "a", "b", "key", "post_a", "post_b", "at_a", "at_b", gap_s=co.gap)


def _describe(kind: str, target: str, a: str, b: str, gap: int, window: int | None) -> str:
    label, verb = ACTION_LABELS.get(kind, (kind, "shared"))
    what = f"post {target}" if kind in ("repost", "reply") else ("a near-identical text" if kind == "text" else target)
    if kind == "text":
        return f"accounts {a} and {b} posted near-identical text {gap} s apart" + (f" (window {window} s)" if window else "")
    return f"accounts {a} and {b} both {verb} {what} {gap} s apart" + (f" (window {window} s)" if window else "")


def cluster_evidence_items(
    cluster_id: str,
    members: set[str],
    samples: pd.DataFrame,
    thresholds: Mapping[str, object],
    *,
    limit: int = 12,
) -> list[Evidence]:
    """Evidence for one cluster: one summary line per binding kind (how many member pairs beat
    the calibrated threshold), then up to ``limit`` sampled co-actions among members, spread
    over targets (the most shared targets first, the quickest co-action of each)."""
    s = samples[samples["account_a"].isin(members) & samples["account_b"].isin(members)]
    out: list[Evidence] = []
    for kind, grp in s.groupby("kind", sort=False):
        th = thresholds.get(kind)
        label, _ = ACTION_LABELS.get(kind, (kind, "shared"))
        pairs = grp[["account_a", "account_b"]].drop_duplicates()
        targets = grp["key_text"].nunique()
        detail = (
            f"{len(pairs)} member pairs {label} within {th.window_s} s far more often than chance explains (each: "
            f"synchronous on at least {th.min_excess:.0%} of shared targets beyond chance, p <= {th.p_cutoff:.2g}; "
            f"expected chance share among such edges {th.chance_share:.1%}); sampled targets: {targets}"
            if th is not None else f"{len(pairs)} member pairs {label}"
        )
        out.append(Evidence(
            what=f"{label} edges", detail=detail, accounts=tuple(sorted(set(pairs["account_a"]) | set(pairs["account_b"]))),
            values={"kind": kind, "pairs": int(len(pairs)), "window_s": int(getattr(th, "window_s", 0) or 0),
                    "p_cutoff": float(getattr(th, "p_cutoff", 0.0) or 0.0), "chance_share": float(getattr(th, "chance_share", 0.0) or 0.0)},
        ))
    if s.empty:
        return out
    pop = s.groupby(["kind", "key_text"]).size().rename("pop").reset_index()
    s = s.merge(pop, on=["kind", "key_text"]).sort_values(["pop", "gap_s", "kind", "key_text", "account_a", "account_b"],
                                                          ascending=[False, True, True, True, True, True])
    chosen = _spread(s, limit)
    for r in chosen.itertuples():
        th = thresholds.get(r.kind)
        window = getattr(th, "window_s", None)
        label, _ = ACTION_LABELS.get(r.kind, (r.kind, "shared"))
        out.append(Evidence(
            what=label,
            detail=_describe(r.kind, r.key_text, r.account_a, r.account_b, int(r.gap_s), window),
            accounts=(r.account_a, r.account_b), posts=(r.post_a, r.post_b), target=r.key_text,
            at=r.at_a if isinstance(r.at_a, datetime) else _utc(r.at_a),
            values={"gap_seconds": int(r.gap_s), "kind": r.kind, "window_s": int(window or 0)},
        ))
    return out


def _spread(s: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Up to ``limit`` rows of ``s`` (already in preference order), favouring first rows with a
    target and accounts not shown yet, so the evidence covers the cluster rather than one pair."""
    chosen: list[int] = []
    seen_targets: set = set()
    seen_accounts: set = set()
    rows = list(s.itertuples())
    for strict in (2, 1, 0):
        for r in rows:
            if len(chosen) >= limit:
                break
            if r.Index in chosen:
                continue
            new_target = (r.kind, r.key_text) not in seen_targets
            new_account = r.account_a not in seen_accounts or r.account_b not in seen_accounts
            if (strict == 2 and new_target and new_account) or (strict == 1 and (new_target or new_account)) or strict == 0:
                chosen.append(r.Index)
                seen_targets.add((r.kind, r.key_text))
                seen_accounts.update((r.account_a, r.account_b))
    return s.loc[chosen]


# -- reading evidence back from a workspace (CLI and API) ------------------------------------

def _need(ws, name: str):
    if not ws.has_table(name):
        raise WorkspaceError(f"workspace {ws.path} has no {name} table: run `cibscan scan` first")
    return ws.table(name)


def _with_texts(ws, co: pd.DataFrame) -> pd.DataFrame:
    """Add the two posts' texts (for a reader checking a co-action)."""
    if co.empty or not ws.has_table("posts"):
        return co.assign(text_a=pd.Series(dtype=object), text_b=pd.Series(dtype=object))
    ids = sorted(set(co["post_a"]) | set(co["post_b"]))
    posts = ws.table("posts")
    texts = posts.filter(posts.post_id.isin(ids)).select("post_id", "text").to_pandas().drop_duplicates("post_id")
    m = dict(zip(texts["post_id"], texts["text"]))
    return co.assign(text_a=co["post_a"].map(m), text_b=co["post_b"].map(m))


def cluster_evidence(ws, cluster_id: str) -> dict:
    """Everything stored about one cluster: its row, members, evidence lines and sampled
    co-actions among members (``dict`` of ``cluster``, ``members``, ``evidence``,
    ``coactions``). Raises ``WorkspaceError`` for an unknown cluster."""
    clusters = _need(ws, "coordination_clusters")
    row = clusters.filter(clusters.cluster_id == cluster_id).to_pandas()
    if row.empty:
        known = clusters.cluster_id.to_pandas().tolist()
        hint = f"known: {', '.join(known[:10])}{' ...' if len(known) > 10 else ''}" if known else "the last scan found no clusters"
        raise WorkspaceError(f"no cluster {cluster_id!r} in {ws.path} ({hint})")
    members = _need(ws, "coordination_members")
    mem = members.filter(members.cluster_id == cluster_id).to_pandas()
    ids = mem["account_id"].tolist()
    co = _need(ws, "coordination_coactions")
    co = co.filter(co.account_a.isin(ids) & co.account_b.isin(ids)).order_by(["gap_s", "kind", "key_text"]).to_pandas()
    ev = pd.DataFrame()
    if ws.has_table("evidence"):
        e = ws.table("evidence")
        ev = e.filter(e.finding_key == f"coordination:{cluster_id}").order_by("seq").to_pandas()
    return {"cluster": row.iloc[0].to_dict(), "members": mem, "evidence": ev, "coactions": _with_texts(ws, co)}


def pair_evidence(ws, account_a: str, account_b: str) -> dict:
    """The edges between two accounts (every kind and ``combined``) and their sampled
    co-actions (``dict`` of ``edges`` and ``coactions``)."""
    a, b = sorted((str(account_a), str(account_b)))
    edges = _need(ws, "coordination_edges")
    e = edges.filter((edges.account_a == a) & (edges.account_b == b)).to_pandas()
    co = _need(ws, "coordination_coactions")
    c = co.filter((co.account_a == a) & (co.account_b == b)).order_by(["kind", "gap_s"]).to_pandas()
    if e.empty:
        raise WorkspaceError(f"no coordination edge between {a} and {b} in {ws.path} (they did not beat the calibrated thresholds)")
    return {"edges": e, "coactions": _with_texts(ws, c)}


def account_evidence(ws, account_id: str) -> dict:
    """An account's cluster (if any), its edges and their sampled co-actions."""
    acc = str(account_id)
    members = _need(ws, "coordination_members")
    mem = members.filter(members.account_id == acc).to_pandas()
    edges = _need(ws, "coordination_edges")
    e = edges.filter((edges.account_a == acc) | (edges.account_b == acc)).order_by([ibis.desc("weight")]).to_pandas()
    co = _need(ws, "coordination_coactions")
    c = co.filter((co.account_a == acc) | (co.account_b == acc)).order_by(["gap_s", "kind"]).to_pandas()
    if mem.empty and e.empty:
        raise WorkspaceError(f"account {acc} has no coordination edge in {ws.path}")
    return {"clusters": mem, "edges": e, "coactions": _with_texts(ws, c)}
