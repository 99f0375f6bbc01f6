"""The ``coordination`` detector: accounts that act together far more than chance allows.

Builds (or reuses) the ``traces`` table, runs the co-action engine per trace kind, calibrates
each kind's threshold against time-shuffled copies of the same data, clusters the combined
graph with Leiden and reports one finding per cluster with its evidence. See
``cibscan.coordination`` for the parts and ``docs/coordination.md`` for the method.

Example
-------
>>> from cibscan.detect.coordination import detect          # doctest: +SKIP
>>> found = detect(ws, kinds="repost,link", window=30)      # doctest: +SKIP
>>> found.tables["clusters"].to_pandas()                    # doctest: +SKIP
"""

from __future__ import annotations

from datetime import datetime

from ..coordination import find_coordination
from ..coordination.calibration import DEFAULT_JITTER, DEFAULT_MIN_EXCESS
from ..coordination.engine import DEFAULT_HUB_CAP, DEFAULT_PAIR_BUDGET
from ..coordination.evidence import ACTION_LABELS, cluster_evidence_items
from ..coordination.messages import DEFAULT_MIN_SHARED_BANDS
from ..findings import Finding, Findings
from ..text import DEFAULT_BANDS, DEFAULT_MIN_CHARS, DEFAULT_ROWS
from ..traces import ensure_traces, parse_kinds
from .base import Detector, Param

__all__ = ["Coordination", "detect"]


class Coordination(Detector):
    name = "coordination"
    summary = "Accounts that repeatedly do the same thing (repost, link, hashtag, text, reply, mention, image) within seconds of each other, beyond what chance produces."
    references = (
        "Giglietto, Righetti, Rossi & Marino (2020), coordinated link sharing (CooRnet): co-share windows and the coordination interval.",
        "Righetti & Balluff, CooRTweet (R package): detect_groups, time_window and min_participation.",
        "Graham et al., coordination-network-toolkit (QUT Digital Observatory): co-retweet, co-link, co-tweet networks.",
        "Pacheco et al. (2021), Uncovering coordinated networks on social media: TF-IDF weighted account similarity.",
        "Traag, Waltman & van Eck (2019), From Louvain to Leiden: guaranteeing well-connected communities.",
        "Li, Owen & Zhang (2012), One permutation hashing; Shrivastava & Li (2014), densified one permutation hashing.",
    )
    params = {
        "kinds": Param("all", "Trace kinds to analyse: 'all' or a comma-separated list (repost, link, domain, hashtag, hashtag_seq, text, reply, mention, media).", str),
        "window": Param(None, "Co-action window in seconds: empty for the per-kind defaults, a number for every kind, 'auto' for CooRnet's estimate, or 'kind=seconds,...' (e.g. 'repost=30,text=auto').", (int, str), low=None, nullable=True),
        "window_q": Param(0.1, "For 'auto' windows: share of quickest-spreading keys used (CooRnet q).", float, low=0.0, high=1.0),
        "window_p": Param(0.5, "For 'auto' windows: share of a key's uses to reach, and the quantile taken (CooRnet p).", float, low=0.0, high=1.0),
        "hub_cap": Param(DEFAULT_HUB_CAP, "Drop keys used by more than this many accounts (0: keep all). Dropped keys are listed in coordination_hubs.", int, low=0),
        "pair_budget": Param(DEFAULT_PAIR_BUDGET, "Keep each trace kind's co-action join within about this many pairs of traces by lowering that kind's hub cap (0: no budget). Only large datasets reach it; what it drops is listed in coordination_hubs.", int, low=0),
        "min_occasions": Param(2, "Pairs are tested when they co-acted on at least this many occasions (distinct target x window; CooRTweet's minimum repetition).", int, low=1),
        "max_chance_share": Param(0.01, "Largest expected share of chance edges among a kind's edges (Benjamini-Hochberg level of the synchrony test).", float, low=0.0, high=1.0),
        "min_excess": Param(DEFAULT_MIN_EXCESS, "Smallest share of a pair's shared targets on which it was synchronous beyond chance (Cohen's kappa; 1 = always together).", float, low=0.0, high=1.0),
        "jitter": Param(DEFAULT_JITTER, "The null model moves every post by a random offset within this many windows: synchrony finer than that is what the test looks for.", float, low=1.0, high=1000.0),
        "resolution": Param(1.0, "Leiden modularity resolution (higher: smaller clusters).", float, low=0.0),
        "min_cluster_size": Param(3, "Smallest cluster reported as a finding (edges of smaller groups stay in coordination_edges).", int, low=2),
        "samples_per_edge": Param(5, "Co-actions kept as evidence per edge (quickest first).", int, low=1, high=1000),
        "evidence_per_cluster": Param(12, "Sampled co-actions listed in each cluster finding.", int, low=1, high=1000),
        "text_bands": Param(DEFAULT_BANDS, "MinHash-LSH bands for text traces.", int, low=1, high=64),
        "text_rows": Param(DEFAULT_ROWS, "MinHash values per band for text traces.", int, low=1, high=16),
        "text_min_chars": Param(DEFAULT_MIN_CHARS, "Texts shorter than this after normalisation get no text traces.", int, low=5),
        "text_min_occasions": Param(4, "min_occasions for text: pairs are tested when they posted at least this many messages in common (organic meme posters often share two or three).", int, low=1),
        "text_min_bands": Param(DEFAULT_MIN_SHARED_BANDS, "Two texts are one message when they share at least this many LSH band keys.", int, low=1, high=64),
        "seed": Param(0, "Seed of the text hash functions and of Leiden (same seed, same result).", int),
    }

    def _detect(self, ws, p) -> Findings:
        kinds = parse_kinds(p["kinds"])
        self._progress("coordination: building traces")
        traces = ensure_traces(ws, kinds=kinds, text_bands=p["text_bands"], text_rows=p["text_rows"],
                               text_min_chars=p["text_min_chars"], seed=p["seed"])
        res = find_coordination(
            traces, kinds=kinds, window=p["window"], window_q=p["window_q"], window_p=p["window_p"],
            hub_cap=p["hub_cap"], pair_budget=p["pair_budget"], min_occasions=p["min_occasions"], max_chance_share=p["max_chance_share"],
            min_excess=p["min_excess"], jitter=p["jitter"], resolution=p["resolution"],
            min_cluster_size=p["min_cluster_size"], samples_per_edge=p["samples_per_edge"], seed=p["seed"],
            text_min_bands=p["text_min_bands"], text_min_occasions=p["text_min_occasions"], posts=ws.table("posts"),
            progress=self._progress,
        )
        items = _cluster_findings(self.name, p, res)
        return self.findings(p, items=items, tables=res.tables(), notes=res.notes)


def _cluster_findings(name: str, p: dict, res) -> list[Finding]:
    clusters = res.clusters.to_pylist()
    if not clusters:
        return []
    members: dict[str, list[str]] = {}
    for m in res.members.to_pylist():
        members.setdefault(m["cluster_id"], []).append(m["account_id"])
    samples = res.coactions.to_pandas()
    items = []
    for c in clusters:
        cid = c["cluster_id"]
        accs = tuple(members.get(cid, []))
        evidence = cluster_evidence_items(cid, set(accs), samples, res.thresholds, limit=p["evidence_per_cluster"])
        kinds = list(c["kinds"])
        labels = [ACTION_LABELS.get(k, (k, ""))[0] for k in kinds]
        main = res.thresholds.get(kinds[0]) if kinds else None
        window = f" within {main.window_s} s" if main else ""
        title = f"Cluster {cid}: {c['size']} accounts acting together ({', '.join(labels)})"
        summary = (
            f"{c['size']} accounts form a cluster of {c['n_edges']} pair(s), each far more often synchronous{window} than "
            f"chance explains; bound by {', '.join(labels)}; median gap {c['median_gap_s']:.0f} s; density {c['density']:.2f}; "
            f"active {_fmt(c['start'])} to {_fmt(c['end'])} UTC."
        )
        metrics = {
            "size": c["size"], "n_edges": c["n_edges"], "kinds": kinds, "density": c["density"], "strength": c["strength"],
            "signals": c["signals"], "median_gap_s": c["median_gap_s"], "start": c["start"], "end": c["end"],
            "top_targets": list(c["top_targets"]),
            "thresholds": {k: {"window_s": t.window_s, "jitter_s": t.jitter_s, "p_cutoff": t.p_cutoff,
                               "chance_share": t.chance_share, "min_excess": t.min_excess}
                           for k, t in res.thresholds.items() if k in kinds},
        }
        items.append(Finding(
            detector=name, kind="cluster", id=cid, title=title, summary=summary, accounts=accs,
            score=float(c["score"]), confidence=c["confidence"], evidence=tuple(evidence), metrics=metrics, params=dict(p),
        ))
    return items


def _fmt(t) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") if isinstance(t, datetime) else str(t)


def detect(ws, **params) -> Findings:
    """Function form of ``Coordination(**params).detect(ws)``."""
    return Coordination(**params).detect(ws)
