"""One ranked account table and one ranked cluster table, combining every detector's findings.

Reads only the common tables every detector writes (``findings``, ``finding_accounts``,
``evidence``) and ``accounts`` for handles, and writes:

* ``accounts_ranked``: one row per implicated account — the detectors that fired, the strongest
  finding of each, a combined score, a confidence grade and a plain statement of what it means.
* ``clusters_ranked``: one row per finding about a group of accounts (coordination clusters,
  persona batches, flood drivers, amplifier groups, ...), with the other detectors that fired on
  its members.

Rules (documented in ``docs/ranking.md``):

* An account's role decides whether a finding implicates it: the *source* an amplifier network
  pushes and the *original* an impersonator copies are victims or targets, not suspects, and
  are left out (``NON_IMPLICATING_ROLES``).
* Combined score = ``1 − Π (1 − s_d)`` over detectors ``d``, with ``s_d`` the account's best score
  from detector ``d`` (independent detectors reinforce each other; one detector's many findings
  count once).
* Confidence: ``high`` when a detector says high, or two or more detectors say at least medium;
  ``medium`` when one says medium or three or more say low; ``low`` otherwise.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa

from .findings import CONFIDENCE_LEVELS

__all__ = [
    "build_rankings",
    "combine_confidence",
    "account_statement",
    "NON_IMPLICATING_ROLES",
    "ACCOUNTS_RANKED_SCHEMA",
    "CLUSTERS_RANKED_SCHEMA",
    "STATEMENT_LIMITS",
]

#: Roles that name a victim or target of the behaviour, not a participant.
NON_IMPLICATING_ROLES = frozenset({"source", "original", "target", "victim", "shared_once"})

#: Said in every statement: what a flag does not prove.
STATEMENT_LIMITS = (
    "This describes behaviour in this data; it does not show who operates the account, why, "
    "or that no real person is behind it."
)

_GRADE = {c: i for i, c in enumerate(reversed(CONFIDENCE_LEVELS))}  # low 0, medium 1, high 2

ACCOUNTS_RANKED_SCHEMA = pa.schema([
    ("rank", pa.int64()), ("account_id", pa.string()), ("handle", pa.string()), ("score", pa.float64()),
    ("confidence", pa.string()), ("detectors", pa.list_(pa.string())), ("n_findings", pa.int64()),
    ("strongest", pa.list_(pa.string())), ("finding_keys", pa.list_(pa.string())), ("statement", pa.string()),
])
CLUSTERS_RANKED_SCHEMA = pa.schema([
    ("rank", pa.int64()), ("cluster_key", pa.string()), ("detector", pa.string()), ("kind", pa.string()),
    ("title", pa.string()), ("size", pa.int64()), ("score", pa.float64()), ("confidence", pa.string()),
    ("detectors", pa.list_(pa.string())), ("corroboration_share", pa.float64()), ("combined_score", pa.float64()),
    ("summary", pa.string()), ("statement", pa.string()),
])


def combine_confidence(grades: list[str]) -> str:
    """One grade from the best grade of each detector that fired.

    >>> combine_confidence(["medium", "medium"])
    'high'
    >>> combine_confidence(["low", "low"])
    'low'
    >>> combine_confidence(["low", "low", "low"])
    'medium'
    """
    ranks = [_GRADE[g] for g in grades]
    if any(r == 2 for r in ranks) or sum(r >= 1 for r in ranks) >= 2:
        return "high"
    if any(r == 1 for r in ranks) or len(ranks) >= 3:
        return "medium"
    return "low"


def account_statement(confidence: str, per_detector: list[dict]) -> str:
    """The plain statement of an account row: what fired, the strongest finding, what it means."""
    n = len(per_detector)
    fired = ", ".join(f"{d['detector']} ({d['confidence']})" for d in per_detector)
    best = per_detector[0]
    meaning = {
        "high": "Strong, independent evidence of coordinated or deceptive behaviour.",
        "medium": "Evidence that clears the detectors' thresholds; review it before acting.",
        "low": "A lead only: organic behaviour could explain it.",
    }[confidence]
    return (
        f"{confidence.capitalize()} confidence. Flagged by {n} detector{'s' if n > 1 else ''}: {fired}. "
        f"Strongest: {best['title']} \u2014 {best['summary']} {meaning} {STATEMENT_LIMITS}"
    )


def _rows(ws, name: str) -> list[dict]:
    return ws.table(name).to_pyarrow().to_pylist() if ws.has_table(name) else []


def build_rankings(ws, *, store: bool = True) -> dict[str, pa.Table]:
    """Build (and by default store) ``accounts_ranked`` and ``clusters_ranked`` from the common
    findings tables of every detector that has run."""
    if not ws.has_table("findings") or not ws.has_table("finding_accounts"):
        out = {"accounts_ranked": ACCOUNTS_RANKED_SCHEMA.empty_table(), "clusters_ranked": CLUSTERS_RANKED_SCHEMA.empty_table()}
    else:
        fa = ws.table("finding_accounts")
        fa = fa.filter(~fa.role.isin(sorted(NON_IMPLICATING_ROLES)))
        f = ws.table("findings").select("finding_key", "kind", "title", "summary")
        # best finding per (account, detector), in the engine: the table can be large
        j = fa.join(f, "finding_key")
        per = j.group_by(["account_id", "detector"]).aggregate(
            score=j.score.max(),
            grade=j.confidence.cases(("high", 2), ("medium", 1), else_=0).max(),
            n_findings=j.finding_key.nunique(),
            best_key=j.finding_key.argmax(j.score),
            best_title=j.title.argmax(j.score),
            best_summary=j.summary.argmax(j.score),
        ).to_pyarrow().to_pylist()
        out = {
            "accounts_ranked": _accounts_ranked(ws, per),
            "clusters_ranked": _clusters_ranked(ws, per),
        }
    if store:
        for name, t in out.items():
            ws.write_table(name, t)
    return out


def _grade_name(g: int) -> str:
    return {2: "high", 1: "medium", 0: "low"}[int(g)]


def _accounts_ranked(ws, per: list[dict]) -> pa.Table:
    by_acc: dict[str, list[dict]] = defaultdict(list)
    for r in per:
        by_acc[r["account_id"]].append({
            "detector": r["detector"], "score": float(r["score"]), "confidence": _grade_name(r["grade"]),
            "n_findings": int(r["n_findings"]), "key": r["best_key"], "title": r["best_title"], "summary": r["best_summary"],
        })
    handles = {}
    if by_acc:
        acc = ws.table("accounts")
        ids = _ids_table(list(by_acc))
        h = acc.join(ids, "account_id").select("account_id", "handle").to_pyarrow().to_pylist()
        handles = {r["account_id"]: r["handle"] for r in h}
    rows = []
    for a, ds in by_acc.items():
        ds.sort(key=lambda d: (-_GRADE[d["confidence"]], -d["score"], d["detector"]))
        keep = 1.0
        for d in ds:
            keep *= 1.0 - d["score"]
        conf = combine_confidence([d["confidence"] for d in ds])
        rows.append({
            "account_id": a, "handle": handles.get(a), "score": round(1.0 - keep, 4), "confidence": conf,
            "detectors": [d["detector"] for d in ds], "n_findings": sum(d["n_findings"] for d in ds),
            "strongest": [f"{d['detector']}: {d['title']}" for d in ds], "finding_keys": [d["key"] for d in ds],
            "statement": account_statement(conf, ds),
        })
    rows.sort(key=lambda r: (-_GRADE[r["confidence"]], -r["score"], -len(r["detectors"]), r["account_id"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return pa.Table.from_pylist(rows, schema=ACCOUNTS_RANKED_SCHEMA)


def _ids_table(ids: list[str]):
    import ibis

    return ibis.memtable(pa.table({"account_id": pa.array(ids, pa.string())}))


def _clusters_ranked(ws, per: list[dict]) -> pa.Table:
    """Every finding about two or more implicated accounts, with the other detectors that fired
    on its members."""
    detectors_of: dict[str, dict[str, float]] = defaultdict(dict)
    for r in per:
        detectors_of[r["account_id"]][r["detector"]] = float(r["score"])
    fa = ws.table("finding_accounts")
    fa = fa.filter(~fa.role.isin(sorted(NON_IMPLICATING_ROLES)))
    sizes = fa.group_by("finding_key").aggregate(size=fa.account_id.nunique())
    groups = ws.table("findings").join(sizes.filter(sizes.size >= 2), "finding_key")
    groups = groups.select("finding_key", "detector", "kind", "title", "summary", "score", "confidence", "size").to_pyarrow().to_pylist()
    if not groups:
        return CLUSTERS_RANKED_SCHEMA.empty_table()
    keys = [g["finding_key"] for g in groups]
    members = fa.filter(fa.finding_key.isin(keys)).select("finding_key", "account_id").to_pyarrow().to_pylist()
    by_group: dict[str, set[str]] = defaultdict(set)
    for m in members:
        by_group[m["finding_key"]].add(m["account_id"])
    rows = []
    for g in groups:
        mem = by_group[g["finding_key"]]
        others: dict[str, int] = defaultdict(int)
        for a in mem:
            for d in detectors_of.get(a, {}):
                if d != g["detector"]:
                    others[d] += 1
        flagged = sum(1 for a in mem if any(d != g["detector"] for d in detectors_of.get(a, {})))
        corr = flagged / len(mem) if mem else 0.0
        combined = 1.0 - (1.0 - float(g["score"])) * (1.0 - 0.5 * corr)
        dets = [g["detector"]] + sorted(others, key=lambda d: -others[d])
        also = "; ".join(f"{d} on {100 * others[d] / len(mem):.0f}% of members" for d in dets[1:]) or "no other detector"
        rows.append({
            "cluster_key": g["finding_key"], "detector": g["detector"], "kind": g["kind"], "title": g["title"],
            "size": int(g["size"]), "score": float(g["score"]), "confidence": g["confidence"], "detectors": dets,
            "corroboration_share": round(corr, 4), "combined_score": round(combined, 4), "summary": g["summary"],
            "statement": (
                f"{g['confidence'].capitalize()} confidence from {g['detector']} ({g['summary']}) "
                f"Corroborated by: {also}. {STATEMENT_LIMITS.replace('the account', 'these accounts')}"
            ),
        })
    rows.sort(key=lambda r: (-_GRADE[r["confidence"]], -r["combined_score"], -r["size"], r["cluster_key"]))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return pa.Table.from_pylist(rows, schema=CLUSTERS_RANKED_SCHEMA)
