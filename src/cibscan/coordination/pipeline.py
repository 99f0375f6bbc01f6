"""The whole coordination analysis, from stored traces to edges, clusters and evidence.

``find_coordination`` chains the parts (engine -> calibration -> clustering -> evidence) and
returns Arrow tables plus the per-kind thresholds; the ``coordination`` detector wraps it into
findings. Heavy steps are Ibis expressions cached in the engine; only calibrated edges,
histograms and evidence samples come into Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa

from ..engines.plans import planned_as_written
from ..errors import ParameterError
from .calibration import (
    CONTENT_KINDS,
    DEFAULT_JITTER,
    DEFAULT_MIN_EXCESS,
    Threshold,
    choose_edges,
    popularity_units,
    synchrony_tests,
    synchrony_units,
    worth_testing,
)
from .messages import collapse_text_traces
from .clustering import chance_reach, combine_edges, describe_clusters, edge_strength, leiden_membership
from .engine import (
    DEFAULT_HUB_CAP,
    DEFAULT_PAIR_BUDGET,
    DEFAULT_WINDOWS,
    account_index,
    budget_caps,
    busy_pairs,
    coaction_rows,
    daily_firsts,
    edge_gaps,
    edge_weights,
    hub_keys,
    key_stats,
    pair_items,
    pair_stats,
    per_kind_table,
    prepare_traces,
    tfidf_vectors,
)
from .evidence import sample_coactions
from .window import estimate_windows

__all__ = ["CoordinationResult", "find_coordination", "resolve_windows", "EDGES_SCHEMA", "CLUSTERS_SCHEMA",
           "MEMBERS_SCHEMA", "CALIBRATION_SCHEMA", "HUBS_SCHEMA", "COACTIONS_SCHEMA"]

_TS = pa.timestamp("us")
_LIST = pa.list_(pa.string())
EDGES_SCHEMA = pa.schema([
    ("account_a", pa.string()), ("account_b", pa.string()), ("kind", pa.string()), ("n_shared", pa.int64()),
    ("n_occasions", pa.int64()), ("n_coactions", pa.int64()), ("weight", pa.float64()), ("min_gap_s", pa.float64()), ("median_gap_s", pa.float64()),
    ("first_at", _TS), ("last_at", _TS), ("units", pa.int64()), ("hits", pa.int64()), ("expected", pa.float64()),
    ("p_value", pa.float64()), ("excess", pa.float64()), ("strength", pa.float64()), ("kinds", _LIST),
    ("cluster_id", pa.string()),
])
CLUSTERS_SCHEMA = pa.schema([
    ("cluster_id", pa.string()), ("size", pa.int64()), ("kinds", _LIST), ("top_targets", _LIST), ("start", _TS),
    ("end", _TS), ("median_gap_s", pa.float64()), ("density", pa.float64()), ("score", pa.float64()),
    ("confidence", pa.string()), ("n_edges", pa.int64()), ("strength", pa.float64()), ("signals", pa.int64()),
])
MEMBERS_SCHEMA = pa.schema([
    ("cluster_id", pa.string()), ("account_id", pa.string()), ("degree", pa.int64()), ("strength", pa.float64()),
])
CALIBRATION_SCHEMA = pa.schema([
    ("kind", pa.string()), ("window_s", pa.int64()), ("threshold", pa.int64()), ("n_edges", pa.int64()),
    ("expected_chance_edges", pa.float64()), ("chance_share", pa.float64()), ("jitter_s", pa.float64()),
    ("p_cutoff", pa.float64()), ("min_excess", pa.float64()), ("n_candidates", pa.int64()), ("pairs_any", pa.int64()),
    ("window_source", pa.string()), ("hub_keys", pa.int64()), ("hub_cap", pa.int64()),
])
HUBS_SCHEMA = pa.schema([
    ("kind", pa.string()), ("key", pa.int64()), ("key_text", pa.string()), ("n_accounts", pa.int64()), ("n_posts", pa.int64()),
])
COACTIONS_SCHEMA = pa.schema([
    ("kind", pa.string()), ("account_a", pa.string()), ("account_b", pa.string()), ("key_text", pa.string()),
    ("post_a", pa.string()), ("post_b", pa.string()), ("at_a", _TS), ("at_b", _TS), ("gap_s", pa.int64()),
])


@dataclass
class CoordinationResult:
    """What ``find_coordination`` computed (tables as Arrow, ready to store)."""

    edges: pa.Table
    clusters: pa.Table
    members: pa.Table
    calibration: pa.Table
    hubs: pa.Table
    coactions: pa.Table
    thresholds: dict[str, Threshold]
    windows: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pa.Table]:
        return {"edges": self.edges, "clusters": self.clusters, "members": self.members,
                "calibration": self.calibration, "hubs": self.hubs, "coactions": self.coactions}


def resolve_windows(window, kinds, tr=None, *, q: float = 0.1, p: float = 0.5) -> tuple[dict[str, int], dict[str, str]]:
    """Windows per kind from the ``window`` parameter: ``None`` (defaults), an int (every
    kind), ``"auto"`` (CooRnet estimate per kind, default where it cannot be estimated) or
    ``"kind=seconds,..."`` overrides (``"auto"`` allowed as a value). Returns the windows and
    where each came from (``default``, ``param``, ``auto``)."""
    windows = {k: DEFAULT_WINDOWS[k] for k in kinds}
    source = {k: "default" for k in kinds}
    if window is None or window == "":
        return windows, source
    if isinstance(window, (int, float)) and not isinstance(window, bool):
        if window < 0:
            raise ParameterError(f"coordination: window={window} must be at least 0 seconds")
        return {k: int(window) for k in kinds}, {k: "param" for k in kinds}
    text = str(window).strip()
    if text.isdigit():
        return resolve_windows(int(text), kinds, tr, q=q, p=p)
    wanted: dict[str, str] = {}
    if text == "auto":
        wanted = {k: "auto" for k in kinds}
    else:
        for part in text.split(","):
            if "=" not in part:
                raise ParameterError(f"coordination: window={window!r}: expected seconds, 'auto' or kind=seconds pairs like 'repost=30,text=600'")
            k, v = (s.strip() for s in part.split("=", 1))
            if k not in DEFAULT_WINDOWS:
                raise ParameterError(f"coordination: window for unknown kind {k!r}; kinds: {', '.join(DEFAULT_WINDOWS)}")
            if v != "auto" and not v.isdigit():
                raise ParameterError(f"coordination: window {k}={v!r} is not a number of seconds or 'auto'")
            wanted[k] = v
    autos = [k for k, v in wanted.items() if v == "auto" and k in windows]
    est = estimate_windows(tr, autos, q=q, p=p) if autos and tr is not None else {}
    for k, v in wanted.items():
        if k not in windows:
            continue
        if v == "auto":
            if est.get(k):
                windows[k], source[k] = int(est[k]), "auto"
        else:
            windows[k], source[k] = int(v), "param"
    return windows, source


def _ts(seconds: pd.Series) -> pa.Array:
    return pa.array(pd.to_datetime(seconds.astype("int64"), unit="s"), type=_TS)


# DuckDB misjudges the size of co-action rows and would build its hash tables from them
@planned_as_written
def find_coordination(
    traces: ibis.Table,
    *,
    kinds,
    window=None,
    window_q: float = 0.1,
    window_p: float = 0.5,
    hub_cap: int = DEFAULT_HUB_CAP,
    pair_budget: int = DEFAULT_PAIR_BUDGET,
    min_occasions: int = 2,
    max_chance_share: float = 0.01,
    min_excess: float = DEFAULT_MIN_EXCESS,
    jitter: float = DEFAULT_JITTER,
    resolution: float = 1.0,
    min_cluster_size: int = 3,
    samples_per_edge: int = 5,
    seed: int = 0,
    text_min_bands: int = 2,
    text_min_occasions: int = 4,
    posts: ibis.Table | None = None,
    progress: Callable[[str], None] | None = None,
) -> CoordinationResult:
    """Co-action edges per kind, calibrated against chance, clustered, with evidence samples.

    ``traces`` is a traces table (``cibscan.traces``); ``posts`` (optional, the canonical posts
    table) lets text targets be shown by their text rather than their band key; the other
    parameters are those of the ``coordination`` detector (see ``docs/coordination.md``)."""
    say = progress or (lambda msg: None)
    traces = traces.filter(traces.kind.isin(list(kinds)))
    if "text" in kinds:
        say("coordination: grouping near-duplicate texts into messages")
        traces = collapse_text_traces(traces, min_shared_bands=text_min_bands).cache()
    say("coordination: indexing accounts and keys")
    stats = key_stats(traces).cache()
    index = account_index(traces).cache()
    tr = prepare_traces(traces, index, stats, hub_cap).cache()
    origin = int(tr.at.min().execute() or 0)
    windows, window_source = resolve_windows(window, kinds, tr, q=window_q, p=window_p)
    content_kinds = [k for k in kinds if k in CONTENT_KINDS]
    # the budget counts what the join will see: content kinds as one trace per account, key and day
    caps = budget_caps(daily_firsts(tr, content_kinds, origin), stats, windows, origin, hub_cap, pair_budget)
    lowered = {k: c for k, c in caps.items() if c != hub_cap}
    hubs = hub_keys(stats, caps).to_pyarrow()
    if lowered:
        say("coordination: lowering the hub cap of " + ", ".join(f"{k} to {c:,}" for k, c in sorted(lowered.items())))
        wide = tr  # the same traces as prepare_traces(..., caps), without joining them again
        tr = wide.anti_join(ibis.memtable(hubs.select(["kind", "key"])), ["kind", "key"]).cache()
        wide.release()
    notes: list[str] = []
    try:
        # every trace with its dense account id, cached: DuckDB plans joins against the
        # uncached expression very badly (140 s instead of 1 s at 1M posts)
        indexed = traces.join(index, "account_id").select("kind", "aid", "key").cache()
        say("coordination: joining co-actions")
        joined = daily_firsts(tr, content_kinds, origin)
        # per pair only: the per-item rows of every pair (tens of millions at 10M posts) are not
        # kept; those of the few calibrated edges are recomputed from their accounts' traces
        floors = {k: text_min_occasions if k == "text" else min_occasions for k in kinds}
        busy, pairs_any = busy_pairs(coaction_rows(joined, windows, origin), floors)
        pairs_any = pairs_any.to_pandas()
        pairs_any = dict(zip(pairs_any["kind"], pairs_any["n"]))
        pairs = pair_stats(pair_items(busy)).join(per_kind_table(floors, "floor"), "kind")
        candidates = pairs.filter(pairs.n_occasions >= pairs.floor).drop("floor").cache()
        say("coordination: testing pairs against chance")
        jitters = {k: float(jitter) * windows[k] for k in kinds}
        timing = candidates.filter(~candidates.kind.isin(CONTENT_KINDS))
        n_candidates = candidates.group_by("kind").aggregate(n=candidates.count()).to_pandas()
        n_candidates = dict(zip(n_candidates["kind"], n_candidates["n"]))
        timing, skipped = worth_testing(timing, windows, jitters, max_chance_share)
        if skipped:
            total = sum(int(v) for v in n_candidates.values())
            say(f"coordination: {total - skipped:,} of {total:,} candidate pairs need a test; "
                f"{skipped:,} have too few co-actions to pass and are only counted")
        units = synchrony_units(tr, timing.select("kind", "a", "b"), windows, jitters, origin)
        frames = [timing.join(units, ["kind", "a", "b"]).to_pandas()]
        if any(k in CONTENT_KINDS for k in kinds):
            content = candidates.filter(candidates.kind.isin(CONTENT_KINDS))
            frames.append(content.join(popularity_units(indexed, stats, content), ["kind", "a", "b"]).to_pandas())
        tests = synchrony_tests(pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else frames[0])
        thresholds: dict[str, Threshold] = {}
        keep_rows = []
        for k in kinds:
            t = tests[tests["kind"] == k]
            keep, thresholds[k] = choose_edges(k, windows[k], jitters[k], t, pairs_any=int(pairs_any.get(k, 0)),
                                               min_occasions=floors[k],
                                               max_chance_share=max_chance_share,
                                               min_excess=min_excess, n_candidates=int(n_candidates.get(k, 0)))
            keep_rows.append(t[keep])
        edges = pd.concat(keep_rows, ignore_index=True) if keep_rows else tests.iloc[0:0]
        # how far each edge's p-value is below the chance level, in orders of magnitude of it
        # (1 = at max_chance_share, 2 = its square): the edge's strength for scores and grades
        edges["strength"] = edge_strength(edges["p_value"].to_numpy(dtype=float), max_chance_share) if len(edges) else []
        kept = ibis.memtable(edges[["kind", "a", "b"]].astype({"a": "int64", "b": "int64"}))
        say("coordination: weighting calibrated edges")
        accounts = kept.select(aid="a").union(kept.select(aid="b")).distinct()
        kept_items = pair_items(coaction_rows(joined.semi_join(accounts, "aid"), windows, origin))
        kept_items = kept_items.semi_join(kept, ["kind", "a", "b"]).cache()
        # cached: DuckDB plans the whole weighting as one query badly (20x slower)
        weights, norms = (x.cache() for x in tfidf_vectors(indexed, accounts))
        extra = edge_gaps(kept_items).join(edge_weights(kept_items, weights, norms), ["kind", "a", "b"], how="left")
        extra = extra.select("kind", "a", "b", "median_gap_s", "weight").to_pandas()
        for t in (kept_items, weights, norms):
            t.release()
        edges = edges.merge(extra, on=["kind", "a", "b"], how="left")
        edges["weight"] = edges["weight"].fillna(0.0)

        say("coordination: clustering")
        combined = combine_edges(edges)
        membership = leiden_membership(combined, seed=seed, resolution=resolution)
        reach = {k: chance_reach(t.p_cutoff, t.expected_chance_edges, max_chance_share) for k, t in thresholds.items()}
        clusters, members, cluster_of = describe_clusters(combined, edges, membership, min_size=min_cluster_size,
                                                          chance_reach=reach)

        say("coordination: sampling evidence")
        aids = sorted(set(edges["a"]) | set(edges["b"]))
        names = index.filter(index.aid.isin(aids)).to_pandas() if aids else pd.DataFrame({"account_id": [], "aid": []})
        name_of = dict(zip(names["aid"].astype("int64"), names["account_id"]))
        samples = pd.DataFrame(columns=["kind", "a", "b", "key", "post_a", "post_b", "at_a", "at_b", "gap_s", "key_text"])
        if len(edges):
            s = sample_coactions(joined, kept, windows, origin=origin, per_edge=samples_per_edge)
            s = s.join(stats.select("kind", "key", "key_text"), ["kind", "key"])
            samples = _label_texts(s.to_pandas(), posts)
        top_targets = _top_targets(samples, cluster_of)
    finally:
        for t in ("traces", "stats", "index", "indexed", "tr", "pairs", "candidates"):
            obj = locals().get(t)
            if obj is not None and hasattr(obj, "release"):
                try:
                    obj.release()
                except Exception:  # already released / backend closed
                    pass

    n_hubs = hubs.num_rows
    if n_hubs:
        by_kind = pd.Series(hubs.column("kind").to_pylist()).value_counts()
        notes.append(
            f"Dropped {n_hubs:,} hub key(s) used by more than {hub_cap:,} accounts each "
            f"({', '.join(f'{k}: {v:,}' for k, v in by_kind.items())}); they cannot tell coordination from popularity. "
            "See table coordination_hubs."
            if not lowered else
            f"Dropped {n_hubs:,} hub key(s) ({', '.join(f'{k}: {v:,}' for k, v in by_kind.items())}): keys used by more than "
            f"{hub_cap:,} accounts, and to keep each kind's join within {pair_budget:,} pairs of traces, the most used keys of "
            + ", ".join(f"{k} (more than {c:,} accounts)" for k, c in sorted(lowered.items()))
            + ". Popular keys carry little evidence of coordination; see table coordination_hubs."
        )
    for k, th in thresholds.items():
        if th.n_candidates and not th.n_edges:
            notes.append(f"{k}: {th.n_candidates:,} pair(s) co-acted {th.threshold}+ times, none beyond what chance explains.")
    hub_counts = pd.Series(hubs.column("kind").to_pylist()).value_counts().to_dict() if n_hubs else {}
    calibration = pa.Table.from_pylist([
        {"kind": k, "window_s": int(t.window_s), "threshold": int(t.threshold), "n_edges": int(t.n_edges),
         "expected_chance_edges": float(t.expected_chance_edges), "chance_share": float(t.chance_share),
         "jitter_s": float(t.jitter_s), "p_cutoff": float(t.p_cutoff), "min_excess": float(t.min_excess),
         "n_candidates": int(t.n_candidates), "pairs_any": int(t.pairs_any), "window_source": window_source[k],
         "hub_keys": int(hub_counts.get(k, 0)), "hub_cap": int(caps.get(k, hub_cap))}
        for k, t in thresholds.items()
    ], schema=CALIBRATION_SCHEMA)
    return CoordinationResult(
        edges=_edges_table(edges, combined, name_of, cluster_of),
        clusters=_clusters_table(clusters, top_targets),
        members=_members_table(members, name_of),
        calibration=calibration,
        hubs=hubs.select(["kind", "key", "key_text", "n_accounts", "n_posts"]).cast(HUBS_SCHEMA),
        coactions=_coactions_table(samples, name_of),
        thresholds=thresholds,
        windows=windows,
        notes=notes,
    )


#: how much of a message is shown as the target of a text co-action
TEXT_LABEL_CHARS = 80


def _label_texts(samples: pd.DataFrame, posts: ibis.Table | None) -> pd.DataFrame:
    """Text co-actions: show the target as the (start of the) text of one post sharing the band
    key, the same post for every row of that key, instead of an opaque band number."""
    is_text = samples["kind"] == "text"
    if posts is None or not is_text.any():
        return samples
    ids = sorted(set(samples.loc[is_text, "post_a"]))
    texts = posts.filter(posts.post_id.isin(ids)).select("post_id", "text").to_pandas().drop_duplicates("post_id")
    text_of = dict(zip(texts["post_id"], texts["text"]))
    first_post = samples[is_text].groupby("key")["post_a"].min()
    label = {}
    for key, pid in first_post.items():
        t = " ".join(str(text_of.get(pid) or "").split())
        label[key] = (t[:TEXT_LABEL_CHARS] + ("…" if len(t) > TEXT_LABEL_CHARS else "")) or f"text band {key}"
    samples = samples.copy()
    samples.loc[is_text, "key_text"] = samples.loc[is_text, "key"].map(label)
    return samples


def _top_targets(samples: pd.DataFrame, cluster_of: Mapping[int, str], top: int = 5) -> dict[str, list[str]]:
    """The most co-acted-on targets among a cluster's sampled co-actions."""
    if samples.empty or not cluster_of:
        return {}
    s = samples.assign(ca=samples["a"].map(cluster_of), cb=samples["b"].map(cluster_of))
    s = s[s["ca"].notna() & (s["ca"] == s["cb"])]
    out: dict[str, list[str]] = {}
    for c, grp in s.groupby("ca"):
        pop = grp.groupby(["kind", "key_text"]).size().reset_index(name="n").sort_values(["n", "kind", "key_text"], ascending=[False, True, True])
        out[c] = [f"{r.kind}: {r.key_text}" for r in pop.head(top).itertuples()]
    return out


def _edges_table(edges: pd.DataFrame, combined: pd.DataFrame, name_of, cluster_of) -> pa.Table:
    if edges.empty:
        return EDGES_SCHEMA.empty_table()

    def cluster(a, b):
        ca, cb = cluster_of.get(int(a)), cluster_of.get(int(b))
        return ca if ca is not None and ca == cb else None

    per_kind = edges.assign(kinds=edges["kind"].map(lambda k: [k]))
    comb = combined.assign(kind="combined")
    rows = pd.concat([per_kind, comb], ignore_index=True)
    return pa.table({
        "account_a": [name_of[int(a)] for a in rows["a"]],
        "account_b": [name_of[int(b)] for b in rows["b"]],
        "kind": rows["kind"].tolist(),
        "n_shared": pa.array(rows["n_shared"].astype("int64")),
        "n_occasions": pa.array(rows["n_occasions"].astype("int64")),
        "n_coactions": pa.array(rows["n_coactions"].astype("int64")),
        "weight": pa.array(rows["weight"].astype("float64")),
        "min_gap_s": pa.array(rows["min_gap_s"].astype("float64")),
        "median_gap_s": pa.array(rows["median_gap_s"].astype("float64")),
        "first_at": _ts(rows["first_at"]),
        "last_at": _ts(rows["last_at"]),
        "units": pa.array(rows["units"].astype("int64")),
        "hits": pa.array(rows["hits"].astype("int64")),
        "expected": pa.array(rows["expected"].astype("float64")),
        "p_value": pa.array(rows["p_value"].astype("float64")),
        "excess": pa.array(rows["excess"].astype("float64")),
        "strength": pa.array(rows["strength"].astype("float64")),
        "kinds": pa.array(rows["kinds"].tolist(), type=_LIST),
        "cluster_id": pa.array([cluster(a, b) for a, b in zip(rows["a"], rows["b"])], type=pa.string()),
    }, schema=EDGES_SCHEMA)


def _clusters_table(clusters: pd.DataFrame, top_targets: Mapping[str, list[str]]) -> pa.Table:
    if clusters.empty:
        return CLUSTERS_SCHEMA.empty_table()
    return pa.table({
        "cluster_id": clusters["cluster_id"].tolist(),
        "size": pa.array(clusters["size"].astype("int64")),
        "kinds": pa.array(clusters["kinds"].tolist(), type=_LIST),
        "top_targets": pa.array([top_targets.get(c, []) for c in clusters["cluster_id"]], type=_LIST),
        "start": _ts(clusters["start"]),
        "end": _ts(clusters["end"]),
        "median_gap_s": pa.array(clusters["median_gap_s"].astype("float64")),
        "density": pa.array(clusters["density"].astype("float64")),
        "score": pa.array(clusters["score"].astype("float64")),
        "confidence": clusters["confidence"].tolist(),
        "n_edges": pa.array(clusters["n_edges"].astype("int64")),
        "strength": pa.array(clusters["strength"].astype("float64")),
        "signals": pa.array(clusters["signals"].astype("int64")),
    }, schema=CLUSTERS_SCHEMA)


def _members_table(members: pd.DataFrame, name_of) -> pa.Table:
    if members.empty:
        return MEMBERS_SCHEMA.empty_table()
    return pa.table({
        "cluster_id": members["cluster_id"].tolist(),
        "account_id": [name_of[int(a)] for a in members["aid"]],
        "degree": pa.array(members["degree"].astype("int64")),
        "strength": pa.array(members["strength"].astype("float64")),
    }, schema=MEMBERS_SCHEMA)


def _coactions_table(samples: pd.DataFrame, name_of) -> pa.Table:
    if samples.empty:
        return COACTIONS_SCHEMA.empty_table()
    s = samples.sort_values(["kind", "a", "b", "gap_s", "key_text", "post_a"])
    return pa.table({
        "kind": s["kind"].tolist(),
        "account_a": [name_of[int(a)] for a in s["a"]],
        "account_b": [name_of[int(b)] for b in s["b"]],
        "key_text": s["key_text"].tolist(),
        "post_a": s["post_a"].tolist(),
        "post_b": s["post_b"].tolist(),
        "at_a": _ts(s["at_a"]),
        "at_b": _ts(s["at_b"]),
        "gap_s": pa.array(s["gap_s"].astype("int64")),
    }, schema=COACTIONS_SCHEMA)
