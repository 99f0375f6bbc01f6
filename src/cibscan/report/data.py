"""What a report shows, gathered from workspace tables.

The report reads only stored tables: the canonical ones (``posts``, ``accounts``, ``sources``,
``rejects``), the common findings tables (``findings``, ``finding_accounts``, ``evidence``), the
ranked tables (``accounts_ranked``, ``clusters_ranked``) and each detector's own tables as named
in contracts.md. A section appears only when its tables exist. Heavy work (filtering, top-k per
group, joins) stays in Ibis expressions; only bounded results (``ReportLimits``) reach Python.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import ibis

from .. import __version__
from ..schema import TABLES
from .laundering import LAUNDERING_TABLES, laundering_section
from .layout import cluster_layout
from .links import account_url, post_url
from .tables import jsonable, parse_json_text, report_table, truncate

__all__ = ["ReportLimits", "collect_report_data", "ranked_accounts", "CONFIDENCE_RANK"]

CONFIDENCE_RANK = {"high": 3, "medium": 2, "low": 1}

#: Tables shown in a section of their own (anything else a detector stores appears under "More tables").
SECTION_TABLES = {
    "coordination": ("coordination_edges", "coordination_clusters", "coordination_members", "coordination_calibration"),
    "floods": ("floods_bursts", "floods_series"),
    "personas": ("personas_batches",),
    "amplifiers": ("amplifiers_sources", "amplifiers_accounts"),
    "impersonation": ("impersonation_pairs",),
    "spoofed_domains": ("spoofed_domains_hits",),
    "laundering": LAUNDERING_TABLES,
}
_NOT_SHOWN = {"traces", "findings", "finding_accounts", "evidence", "accounts_ranked", "clusters_ranked"}


@dataclass(frozen=True)
class ReportLimits:
    """Caps that keep a report small and fast to open; the report says what each one left out.

    The defaults keep a case with 10,000 flagged accounts in one file of a few MB.
    """

    findings: int = 5_000
    members_per_finding: int = 500
    evidence_per_finding: int = 50
    ids_per_evidence: int = 50
    posts: int = 20_000
    accounts: int = 50_000
    ranked_accounts: int = 20_000
    network_nodes: int = 50_000
    edges_per_node: int = 4
    table_rows: int = 5_000
    series_keys: int = 30
    rejects_examples: int = 3
    text_chars: int = 500
    bio_chars: int = 300


def _has(ws, name: str) -> bool:
    return ws.has_table(name)


def _best_confidence(col: ibis.Value) -> ibis.Value:
    return col.cases(*CONFIDENCE_RANK.items(), else_=0)


def ranked_accounts(ws) -> "pd.DataFrame":  # noqa: F821
    """Flagged accounts, strongest first, as a pandas data frame.

    The ``accounts_ranked`` table when the ranking step stored it; otherwise the same columns
    derived from ``finding_accounts``: per account its best score and confidence, the
    detectors that flagged it, how many findings name it, and a statement in words. Empty (with
    those columns) when nothing was flagged.
    """
    import pandas as pd

    cols = ["account_id", "handle", "score", "confidence", "detectors", "n_findings", "statement"]
    if _has(ws, "accounts_ranked"):
        return ws.table("accounts_ranked").order_by(ibis.desc("score")).to_pandas()
    if not _has(ws, "finding_accounts"):
        return pd.DataFrame(columns=cols)
    return _derived_ranking(ws).to_pandas()[cols]


def _derived_ranking(ws) -> ibis.Table:
    fa = ws.table("finding_accounts")
    grouped = fa.group_by("account_id").aggregate(
        score=fa.score.max(),
        conf_rank=_best_confidence(fa.confidence).max(),
        detectors=fa.detector.collect(distinct=True, order_by=fa.detector),
        n_findings=fa.finding_key.nunique(),
    )
    acc = ws.table("accounts")
    handles = acc.group_by("account_id").aggregate(handle=acc.handle.max())
    out = grouped.left_join(handles, "account_id").select(
        "account_id", "handle", "score", "conf_rank", "detectors", "n_findings"
    )
    confidence = out.conf_rank.cases((3, "high"), (2, "medium"), else_="low")
    statement = (
        ibis.literal("named in ") + out.n_findings.cast("string") + ibis.literal(" finding(s) by ")
        + out.detectors.join(", ") + ibis.literal("; strongest ") + confidence + ibis.literal(" confidence")
    )
    return out.mutate(confidence=confidence, statement=statement).order_by(
        [ibis.desc("score"), ibis.desc("conf_rank"), "account_id"]
    ).drop("conf_rank")


def _overview(ws, limits: ReportLimits) -> dict:
    info = ws.info()
    overview = {k: jsonable(info[k]) for k in ("posts", "accounts", "rejects", "first_post", "last_post",
                                                "posts_by_platform", "posts_by_kind", "sources")}
    rej = ws.table("rejects")
    rn = ibis.row_number().over(group_by="reason", order_by=["source_id", "position"])
    examples = rej.mutate(_rn=rn).filter(lambda t: t._rn < limits.rejects_examples)
    ex_rows = examples.select("reason", "source", "position", "detail", "raw").to_pyarrow().to_pylist()
    by_reason = []
    for reason, n in info["rejects_by_reason"].items():
        by_reason.append({
            "reason": reason, "n": int(n),
            "examples": [
                {"source": r["source"], "position": r["position"], "detail": truncate(r["detail"], limits.text_chars),
                 "raw": truncate(r["raw"], limits.text_chars)}
                for r in ex_rows if r["reason"] == reason
            ],
        })
    overview["rejects_by_reason"] = by_reason
    return overview


def _findings(ws, limits: ReportLimits) -> tuple[dict, dict[str, Any], set[str], set[str]]:
    """Findings (strongest first) with their members and evidence; also the account and post
    ids they name, for the lookup tables."""
    if not _has(ws, "findings"):
        return {"columns": [], "rows": [], "total": 0}, {}, set(), set()
    f = ws.table("findings").order_by([ibis.desc("score"), "finding_key"])
    table = report_table(
        f.select("finding_key", "detector", "kind", "id", "title", "summary", "score", "confidence", "n_accounts", "metrics", "params"),
        limits.findings,
    )
    ki = table["columns"].index("metrics")
    for row in table["rows"]:
        row[ki] = parse_json_text(row[ki])
    pi = table["columns"].index("params")
    params_by_detector: dict[str, Any] = {}
    for row in table["rows"]:
        params_by_detector.setdefault(row[1], parse_json_text(row[pi]))
        row[pi] = None  # one copy per detector, in the methods section
    keys = ibis.memtable({"finding_key": [r[0] for r in table["rows"]] or [""]})
    accounts: set[str] = set()
    posts: set[str] = set()
    details: dict[str, Any] = {"members": {}, "evidence": {}}
    if _has(ws, "finding_accounts"):
        fa = ws.table("finding_accounts").semi_join(keys, "finding_key")
        rn = ibis.row_number().over(group_by="finding_key", order_by=[ibis.desc("score"), "account_id"])
        rows = fa.mutate(_rn=rn).filter(lambda t: t._rn < limits.members_per_finding).select(
            "finding_key", "account_id", "role").to_pyarrow().to_pylist()
        for r in rows:
            details["members"].setdefault(r["finding_key"], []).append([r["account_id"], r["role"]])
            accounts.add(r["account_id"])
    if _has(ws, "evidence"):
        ev = ws.table("evidence").semi_join(keys, "finding_key")
        ev = ev.filter(ev.seq < limits.evidence_per_finding).order_by(["finding_key", "seq"])
        cap = limits.ids_per_evidence
        for r in ev.to_pyarrow().to_pylist():
            acc_ids, post_ids = list(r["accounts"] or []), list(r["posts"] or [])
            accounts.update(acc_ids[:cap])
            posts.update(post_ids[:cap])
            details["evidence"].setdefault(r["finding_key"], []).append({
                "what": r["what"], "detail": r["detail"], "target": r["target"], "at": jsonable(r["at"]),
                "accounts": acc_ids[:cap], "posts": post_ids[:cap],
                "more_accounts": max(0, len(acc_ids) - cap), "more_posts": max(0, len(post_ids) - cap),
                "values": jsonable(parse_json_text(r["values"])),
            })
    details["params"] = jsonable(params_by_detector)
    return table, details, accounts, posts


def _ranking(ws, limits: ReportLimits) -> tuple[dict | None, dict | None]:
    accounts = None
    if _has(ws, "accounts_ranked"):
        accounts = report_table(ws.table("accounts_ranked").order_by(ibis.desc("score")), limits.ranked_accounts)
    elif _has(ws, "finding_accounts"):
        accounts = report_table(_derived_ranking(ws), limits.ranked_accounts)
    clusters = None
    if _has(ws, "clusters_ranked"):
        clusters = report_table(ws.table("clusters_ranked"), limits.table_rows)
    return accounts, clusters


def _network(ws, limits: ReportLimits) -> dict | None:
    """Cluster members with positions, and the strongest within-cluster edges."""
    if not _has(ws, "coordination_members"):
        return None
    m = ws.table("coordination_members")
    members = m.order_by([ibis.desc("strength"), "account_id"]).limit(limits.network_nodes)
    rows = members.select("cluster_id", "account_id", "degree", "strength").to_pyarrow().to_pylist()
    pos = cluster_layout((r["cluster_id"], r["account_id"], r["strength"]) for r in rows)
    index: dict[str, int] = {}
    nodes = []
    for r in rows:
        if r["account_id"] in index:
            continue
        index[r["account_id"]] = len(nodes)
        x, y = pos[r["account_id"]]
        nodes.append([r["account_id"], r["cluster_id"], x, y, int(r["degree"] or 0), jsonable(r["strength"])])
    edges: list[list] = []
    n_edges_total = 0
    if _has(ws, "coordination_edges") and nodes:
        e = ws.table("coordination_edges")
        kinds = set(e.select("kind").distinct().to_pyarrow().column(0).to_pylist())
        if "combined" in kinds:
            e = e.filter(e.kind == "combined")
        e = e.group_by(["account_a", "account_b"]).aggregate(weight=e.weight.max())
        ma = m.select(account_a=m.account_id, cluster_a=m.cluster_id)
        mb = m.select(account_b=m.account_id, cluster_b=m.cluster_id)
        within = e.join(ma, "account_a").join(mb, "account_b").filter(lambda t: t.cluster_a == t.cluster_b)
        # the strongest edges of each node (either end) keep a cluster's shape at a bounded edge count
        both = within.select(node=within.account_a, other=within.account_b, weight=within.weight).union(
            within.select(node=within.account_b, other=within.account_a, weight=within.weight))
        ranked = both.mutate(_rn=ibis.row_number().over(group_by="node", order_by=[ibis.desc("weight"), "other"]))
        top = ranked.filter(ranked._rn < limits.edges_per_node)
        kept = top.select(
            account_a=ibis.least(top.node, top.other), account_b=ibis.greatest(top.node, top.other), weight=top.weight
        ).distinct().order_by(["account_a", "account_b"])
        n_edges_total = int(within.count().execute())
        for r in kept.to_pyarrow().to_pylist():
            a, b = index.get(r["account_a"]), index.get(r["account_b"])
            if a is not None and b is not None:
                edges.append([a, b, jsonable(r["weight"])])
    clusters = None
    if _has(ws, "coordination_clusters"):
        clusters = report_table(ws.table("coordination_clusters").order_by([ibis.desc("score"), "cluster_id"]), limits.table_rows)
    calibration = report_table(ws.table("coordination_calibration"), limits.table_rows) if _has(ws, "coordination_calibration") else None
    return {
        "nodes": {"columns": ["account_id", "cluster_id", "x", "y", "degree", "strength"], "rows": nodes,
                  "total": int(m.count().execute())},
        "edges": {"columns": ["a", "b", "weight"], "rows": edges, "total": n_edges_total},
        "clusters": clusters,
        "calibration": calibration,
    }


def _floods(ws, limits: ReportLimits) -> dict | None:
    if not _has(ws, "floods_bursts"):
        return None
    bursts = ws.table("floods_bursts").order_by([ibis.desc("score"), "burst_id"])
    out = {"bursts": report_table(bursts, limits.table_rows), "series": {}}
    if _has(ws, "floods_series"):
        top = bursts.group_by("key").aggregate(best=bursts.score.max()).order_by([ibis.desc("best"), "key"]).limit(limits.series_keys)
        s = ws.table("floods_series").semi_join(top.select("key"), "key").order_by(["key", "bin_start"])
        for r in s.to_pyarrow().to_pylist():
            out["series"].setdefault(r["key"], []).append([jsonable(r["bin_start"]), r["bin_seconds"], r["count"]])
    return out


def _simple(ws, names: tuple[str, ...], limits: ReportLimits, order: str | None = "score") -> dict | None:
    found = {}
    for n in names:
        if _has(ws, n):
            t = ws.table(n)
            if order and order in t.columns:
                t = t.order_by(ibis.desc(order))
            found[n] = report_table(t, limits.table_rows)
    return found or None


def _more_tables(ws, detectors: set[str], limits: ReportLimits) -> dict:
    """Tables stored by detectors that have no section of their own (e.g. a new detector)."""
    shown = {t for ts in SECTION_TABLES.values() for t in ts} | _NOT_SHOWN | set(TABLES)
    out = {}
    for name in sorted(ws.list_tables()):
        if name in shown or name.startswith("_"):
            continue
        if any(name.startswith(d + "_") for d in detectors):
            out[name] = report_table(ws.table(name), min(limits.table_rows, 1_000))
    return out


def _lookup_accounts(ws, ids: set[str], limits: ReportLimits) -> dict:
    cols = ["account_id", "platform", "handle", "display_name", "description", "created_at", "followers", "verified", "url"]
    if not ids:
        return {"columns": cols, "rows": [], "total": 0}
    acc = ws.table("accounts")
    wanted = ibis.memtable({"account_id": sorted(ids)[: limits.accounts]})
    rows = acc.semi_join(wanted, "account_id").select(
        "account_id", "platform", "handle", "display_name", "description", "created_at", "followers", "verified"
    ).to_pyarrow().to_pylist()
    out = []
    for r in rows:
        out.append(jsonable([
            r["account_id"], r["platform"], r["handle"], truncate(r["display_name"], limits.bio_chars),
            truncate(r["description"], limits.bio_chars), r["created_at"], r["followers"], r["verified"],
            account_url(r["platform"], r["account_id"], r["handle"]),
        ]))
    return {"columns": cols, "rows": out, "total": len(ids)}


def _lookup_posts(ws, ids: set[str], limits: ReportLimits) -> dict:
    cols = ["post_id", "platform", "account_id", "created_at", "kind", "text", "url"]
    if not ids:
        return {"columns": cols, "rows": [], "total": 0}
    p = ws.table("posts")
    wanted = ibis.memtable({"post_id": sorted(ids)[: limits.posts]})
    rows = p.semi_join(wanted, "post_id").select("post_id", "platform", "account_id", "created_at", "kind", "text").to_pyarrow().to_pylist()
    return {
        "columns": cols,
        "rows": [jsonable([r["post_id"], r["platform"], r["account_id"], r["created_at"], r["kind"],
                           truncate(r["text"], limits.text_chars), post_url(r["platform"], r["post_id"])]) for r in rows],
        "total": len(ids),
    }


def _column_values(table: dict | None, *names: str) -> set[str]:
    if not table:
        return set()
    idx = [table["columns"].index(n) for n in names if n in table["columns"]]
    return {str(r[i]) for r in table["rows"] for i in idx if r[i] is not None}


def _methods(params_by_detector: dict, detectors: set[str], scan_params: dict | None) -> dict:
    from ..detect import DETECTORS
    from ..findings import CONFIDENCE_MEANING
    from .signals import DETECTOR_MEANING, FLAG_DOES_NOT_PROVE, FLAG_PROVES, SIGNAL_MEANING

    names = sorted(detectors | set(scan_params or {}) | set(params_by_detector))
    out = []
    for name in names:
        cls = DETECTORS.get(name)
        used = (scan_params or {}).get(name, params_by_detector.get(name))
        docs = {k: p.doc for k, p in (cls.params if cls else {}).items()}
        out.append({
            "name": name,
            "summary": getattr(cls, "summary", "") or "",
            "meaning": DETECTOR_MEANING.get(name, ""),
            "references": list(getattr(cls, "references", ()) or ()),
            "params": [[k, jsonable(v), docs.get(k, "")] for k, v in sorted((used or {}).items())] if isinstance(used, dict) else [],
            "ran_without_findings": name not in detectors,
        })
    return {
        "detectors": out,
        "signals": [[k, v] for k, v in SIGNAL_MEANING.items()],
        "confidence": [[k, CONFIDENCE_MEANING[k]] for k in ("high", "medium", "low")],
        "proves": FLAG_PROVES,
        "does_not_prove": FLAG_DOES_NOT_PROVE,
    }


def collect_report_data(
    ws,
    *,
    title: str | None = None,
    limits: ReportLimits | None = None,
    avatars: dict[str, str] | None = None,
    scan_params: dict[str, dict] | None = None,
) -> dict:
    """Everything a report shows, as one JSON-ready dict (see ``docs/report.md``).

    Parameters
    ----------
    ws : Workspace
        The workspace to report on (read only).
    title : str, optional
        Report title (default: the workspace file name).
    limits : ReportLimits, optional
        Caps on what is embedded; defaults keep 10,000 flagged accounts fast to open.
    avatars : dict, optional
        ``{account_id: data URI}`` of profile images to show beside impersonation pairs
        (see ``cibscan.report.avatars``).
    scan_params : dict, optional
        ``{detector: params}`` of a scan that just ran, so detectors that found nothing still
        appear in the methods section with their parameters.
    """
    import os

    limits = limits or ReportLimits()
    findings, details, acc_ids, post_ids = _findings(ws, limits)
    detectors = {r[1] for r in findings["rows"]}
    ranked, clusters_ranked = _ranking(ws, limits)
    network = _network(ws, limits)
    sections = {
        "network": network,
        "floods": _floods(ws, limits),
        "impersonation": _simple(ws, SECTION_TABLES["impersonation"] + SECTION_TABLES["spoofed_domains"], limits),
        "personas": _simple(ws, SECTION_TABLES["personas"] + SECTION_TABLES["amplifiers"], limits),
        "laundering": laundering_section(ws, limits),
        "more": _more_tables(ws, detectors | set(scan_params or {}), limits),
    }
    acc_ids |= _column_values(ranked, "account_id")
    if network:
        acc_ids |= {r[0] for r in network["nodes"]["rows"]}
    if sections["impersonation"]:
        acc_ids |= _column_values(sections["impersonation"].get("impersonation_pairs"), "original_id", "impersonator_id")
    if sections["laundering"]:
        acc_ids |= _column_values(sections["laundering"]["laundering candidates"], "account_id")
    if sections["personas"]:
        acc_ids |= _column_values(sections["personas"].get("amplifiers_accounts"), "account_id")
    return {
        "meta": {
            "title": title or os.path.basename(ws.path),
            "workspace": os.path.basename(ws.path),
            "generated_at": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds"),
            "cibscan_version": __version__,
            "limits": asdict(limits),
        },
        "overview": _overview(ws, limits),
        "findings": findings,
        "members": details.get("members", {}),
        "evidence": details.get("evidence", {}),
        "accounts_ranked": ranked,
        "clusters_ranked": clusters_ranked,
        **sections,
        "accounts": _lookup_accounts(ws, acc_ids, limits),
        "posts": _lookup_posts(ws, post_ids, limits),
        "avatars": dict(avatars or {}),
        "methods": _methods(details.get("params", {}), detectors, scan_params),
    }
