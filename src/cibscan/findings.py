"""What detectors found: typed records that carry their evidence and a plain confidence.

Every detector returns a ``Findings``: a list of ``Finding`` records (a cluster, a burst, a
persona batch, an impersonation pair, a laundering candidate, ...), each with the accounts it
is about, a score, a confidence grade, a one-sentence reason and the concrete ``Evidence`` a
person can check (posts, targets, time gaps), plus the parameters that produced it. Detector-
specific tables (edge lists, per-burst metrics) travel in ``Findings.tables``.

These records drive everything downstream: the workspace tables ``findings``,
``finding_accounts`` and ``evidence`` (see ``store_findings``), the ranked account table, the
exports and the HTML report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

__all__ = [
    "CONFIDENCE_LEVELS",
    "CONFIDENCE_MEANING",
    "Evidence",
    "Finding",
    "Findings",
    "confidence_for",
    "store_findings",
    "FINDINGS_SCHEMA",
    "FINDING_ACCOUNTS_SCHEMA",
    "EVIDENCE_SCHEMA",
]

CONFIDENCE_LEVELS = ("high", "medium", "low")

#: What each grade means. Shown in the report's methods section and in docs/findings.md.
CONFIDENCE_MEANING = {
    "high": (
        "The behaviour is very unlikely to arise by chance in this data (the evidence clears the "
        "calibrated threshold by a wide margin, on several independent signals or many repetitions). "
        "It shows that these accounts acted in a coordinated or deceptive way; it does not by itself "
        "show who runs them or why."
    ),
    "medium": (
        "The evidence clears the calibrated threshold but rests on one signal or few repetitions. "
        "Worth a person's review before any action."
    ),
    "low": (
        "A lead, not a finding: the pattern is present but organic behaviour (fans, news cycles, "
        "shared tools) could explain it. Do not act on it without further evidence."
    ),
}


def confidence_for(strength: float, signals: int = 1) -> str:
    """Grade from a calibrated strength (1.0 = at the threshold; 2.0 = twice it) and the number
    of independent signals: detectors share this rule so grades mean the same everywhere."""
    if strength >= 2.0 and signals >= 2 or strength >= 4.0:
        return "high"
    if strength >= 1.0:
        return "medium"
    return "low"


@dataclass(frozen=True)
class Evidence:
    """One checkable fact behind a finding.

    ``what`` is a short label (``co-repost``, ``same avatar``); ``detail`` a sentence a reader
    can verify; ``accounts``/``posts`` the ids involved; ``target`` the shared thing (a URL, a
    hashtag, a post id); ``at`` when; ``values`` the numbers (``gap_seconds``, ``distance``).
    """

    what: str
    detail: str
    accounts: tuple[str, ...] = ()
    posts: tuple[str, ...] = ()
    target: str | None = None
    at: datetime | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One thing a detector found.

    ``kind`` says what it is about (``cluster``, ``pair``, ``burst``, ``batch``,
    ``impersonation``, ``domain``, ``amplifier``, ``candidate``); ``id`` is unique within the
    detector; ``accounts`` the implicated account ids; ``score`` a strength in [0, 1] for
    ranking; ``confidence`` one of ``CONFIDENCE_LEVELS``; ``summary`` one sentence built from
    the numbers in ``metrics``; ``params`` the parameters that produced it.
    """

    detector: str
    kind: str
    id: str
    title: str
    summary: str
    accounts: tuple[str, ...]
    score: float
    confidence: str
    evidence: tuple[Evidence, ...] = ()
    metrics: Mapping[str, Any] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)  # account_id -> role (e.g. "original", "impersonator")

    def __post_init__(self) -> None:
        if self.confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"confidence must be one of {CONFIDENCE_LEVELS}, not {self.confidence!r}")
        if not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"score must be in [0, 1], not {self.score}")

    @property
    def key(self) -> str:
        return f"{self.detector}:{self.id}"


@dataclass
class Findings:
    """The result of one detector run."""

    detector: str
    params: dict[str, Any]
    items: list[Finding] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def accounts(self) -> set[str]:
        return {a for f in self.items for a in f.accounts}

    def to_pandas(self):
        import pandas as pd

        return pd.DataFrame(_finding_rows(self.items))


FINDINGS_SCHEMA = pa.schema([
    ("finding_key", pa.string()), ("detector", pa.string()), ("kind", pa.string()), ("id", pa.string()),
    ("title", pa.string()), ("summary", pa.string()), ("score", pa.float64()), ("confidence", pa.string()),
    ("n_accounts", pa.int64()), ("metrics", pa.string()), ("params", pa.string()),
])
FINDING_ACCOUNTS_SCHEMA = pa.schema([
    ("finding_key", pa.string()), ("detector", pa.string()), ("account_id", pa.string()), ("role", pa.string()),
    ("score", pa.float64()), ("confidence", pa.string()),
])
EVIDENCE_SCHEMA = pa.schema([
    ("finding_key", pa.string()), ("detector", pa.string()), ("seq", pa.int64()), ("what", pa.string()),
    ("detail", pa.string()), ("accounts", pa.list_(pa.string())), ("posts", pa.list_(pa.string())),
    ("target", pa.string()), ("at", pa.timestamp("us")), ("values", pa.string()),
])


def _json(x: Any) -> str:
    return json.dumps(x, sort_keys=True, default=str, ensure_ascii=False)


def _finding_rows(items: Sequence[Finding]) -> list[dict]:
    return [
        {
            "finding_key": f.key, "detector": f.detector, "kind": f.kind, "id": f.id, "title": f.title,
            "summary": f.summary, "score": float(f.score), "confidence": f.confidence,
            "n_accounts": len(f.accounts), "metrics": _json(dict(f.metrics)), "params": _json(dict(f.params)),
        }
        for f in items
    ]


def findings_tables(items: Sequence[Finding]) -> dict[str, pa.Table]:
    """The three common tables for a list of findings."""
    acc_rows = [
        {"finding_key": f.key, "detector": f.detector, "account_id": a, "role": f.roles.get(a, "member"),
         "score": float(f.score), "confidence": f.confidence}
        for f in items for a in f.accounts
    ]
    ev_rows = [
        {"finding_key": f.key, "detector": f.detector, "seq": i, "what": e.what, "detail": e.detail,
         "accounts": list(e.accounts), "posts": list(e.posts), "target": e.target, "at": e.at, "values": _json(dict(e.values))}
        for f in items for i, e in enumerate(f.evidence)
    ]
    return {
        "findings": pa.Table.from_pylist(_finding_rows(items), schema=FINDINGS_SCHEMA),
        "finding_accounts": pa.Table.from_pylist(acc_rows, schema=FINDING_ACCOUNTS_SCHEMA),
        "evidence": pa.Table.from_pylist(ev_rows, schema=EVIDENCE_SCHEMA),
    }


def store_findings(ws, results: Mapping[str, Findings]) -> None:
    """Write detectors' results into the workspace.

    The common tables ``findings``, ``finding_accounts`` and ``evidence`` are replaced row-wise
    for the detectors in ``results`` (other detectors' rows stay); each detector's own tables
    are stored as ``<detector>_<name>`` (e.g. ``coordination_edges``).
    """
    new = findings_tables([f for r in results.values() for f in r.items])
    names = list(results)
    for table, data in new.items():
        if ws.has_table(table) and names:
            old = ws.table(table)
            kept = old.filter(~old.detector.isin(names)).to_pyarrow().cast(data.schema)
            data = pa.concat_tables([kept, data])
        ws.write_table(table, data)
    for det, r in results.items():
        for name, t in r.tables.items():
            ws.write_table(f"{det}_{name}", t)


def finding_as_dict(f: Finding) -> dict:
    return asdict(f)
