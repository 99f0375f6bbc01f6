"""Ground truth: what was planted, written next to the data, and read back for evaluation.

Files (all CSV, UTF-8, header first; times ``YYYY-MM-DD HH:MM:SS`` UTC):

* ``truth/accounts.csv`` — one row per (account, tactic): ``account_id, handle, tactic,
  campaign, target_account_id`` (the impersonated account, or the source a group amplifies),
  ``group_id``, ``detail``. Organic accounts are absent.
* ``truth/hashtags.csv`` — ``tag, role`` (``flood``, ``campaign``, ``organic_trend``,
  ``background``), ``campaign, start, end``.
* ``truth/domains.csv`` — ``domain, role`` (``outlet``, ``spoof``, ``campaign_site``,
  ``other``, ``shortener``), ``outlet, lookalike_class, idna``.
* ``truth/groups.csv`` — each planted group: ``group_id, campaign, tactics, size,
  source_account_id, source_handle, created_from, created_to`` (the creation window of a
  persona batch).
* ``truth/windows.csv`` — each campaign's active windows: ``campaign, window_id, kind, start, end``.
* ``truth/traps.csv`` — organic accounts placed in a trap: ``account_id, handle, trap, detail``.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..errors import InputNotFoundError, SchemaError
from .domains import SHORTENER
from .writers import iso

__all__ = ["Truth", "load_truth", "write_truth", "TRUTH_FILES"]

TRUTH_FILES = {
    "accounts": ("account_id", "handle", "tactic", "campaign", "target_account_id", "group_id", "detail"),
    "hashtags": ("tag", "role", "campaign", "start", "end"),
    "domains": ("domain", "role", "outlet", "lookalike_class", "idna"),
    "groups": ("group_id", "campaign", "tactics", "size", "source_account_id", "source_handle", "created_from", "created_to"),
    "windows": ("campaign", "window_id", "kind", "start", "end"),
    "traps": ("account_id", "handle", "trap", "detail"),
}


def _write(path: str, name: str, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=TRUTH_FILES[name], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _idna(domain: str) -> str:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def write_truth(folder: str, world, laundering_planned: dict, posts_per_account: np.ndarray) -> dict:
    """Write the ``truth/`` files; returns counts for ``scenario.json``."""
    os.makedirs(folder, exist_ok=True)
    acc = world.accounts
    plan = world.plan
    ids, handles = acc.ids, acc.handle
    rows = []
    for r in plan.truth_rows():
        a = r["account"]
        detail = r["detail"]
        if r["tactic"] == "laundering":
            k = laundering_planned.get(a, 0)
            total = int(posts_per_account[a])
            detail = f"aligned_share={k / max(total, 1):.2f} ({k} of {total} posts)"
        rows.append({"account_id": ids[a], "handle": handles[a], "tactic": r["tactic"], "campaign": r["campaign"],
                     "target_account_id": ids[r["target"]] if r["target"] >= 0 else "", "group_id": r["group"], "detail": detail})
    _write(os.path.join(folder, "accounts.csv"), "accounts", rows)

    vocab = world.vocab
    tags = vocab.tags.to_pylist()
    tag_rows: dict[int, dict] = {}
    for op in plan.ops.values():
        starts = [s for s, _, _ in op.windows]
        ends = [e for _, e, _ in op.windows]
        for j, t in enumerate(op.tags):
            flood = op.name == "op1" and j == 0 and any(k == "flood" for _, _, k in op.windows)
            if flood:
                s, e, _ = next(w for w in op.windows if w[2] == "flood")
                tag_rows[t] = {"tag": tags[t], "role": "flood", "campaign": op.name, "start": iso(s), "end": iso(e)}
            else:
                tag_rows[t] = {"tag": tags[t], "role": "campaign", "campaign": op.name, "start": iso(min(starts)), "end": iso(max(ends))}
    for tr in world.trends:
        tag_rows[tr.tag] = {"tag": tags[tr.tag], "role": "organic_trend", "campaign": "", "start": iso(tr.start), "end": iso(tr.end)}
    for li in range(len(vocab.tag_offset)):
        for t in range(int(vocab.tag_offset[li]) + world.reserved_tags, int(vocab.tag_offset[li] + vocab.tag_count[li])):
            tag_rows.setdefault(t, {"tag": tags[t], "role": "background", "campaign": "", "start": "", "end": ""})
    _write(os.path.join(folder, "hashtags.csv"), "hashtags", [tag_rows[t] for t in sorted(tag_rows)])

    dom = []
    for o in world.outlets:
        dom.append({"domain": o.domain, "role": "outlet", "outlet": o.domain, "lookalike_class": "", "idna": o.domain})
    for op in plan.ops.values():
        for d, cls, oi in op.spoofs:
            dom.append({"domain": d, "role": "spoof", "outlet": world.outlets[oi].domain, "lookalike_class": cls, "idna": _idna(d)})
        for d in op.sites:
            dom.append({"domain": d, "role": "campaign_site", "outlet": "", "lookalike_class": "", "idna": d})
    for d in world.sites:
        dom.append({"domain": d, "role": "other", "outlet": "", "lookalike_class": "", "idna": d})
    dom.append({"domain": SHORTENER, "role": "shortener", "outlet": "", "lookalike_class": "", "idna": SHORTENER})
    _write(os.path.join(folder, "domains.csv"), "domains", dom)

    groups = []
    for g in plan.groups.values():
        groups.append({"group_id": g.gid, "campaign": g.campaign, "tactics": ";".join(g.tactics), "size": len(g.members),
                       "source_account_id": ids[g.source] if g.source >= 0 else "", "source_handle": handles[g.source] if g.source >= 0 else "",
                       "created_from": iso(g.created_from), "created_to": iso(g.created_to)})
    _write(os.path.join(folder, "groups.csv"), "groups", groups)

    windows = []
    for op in plan.ops.values():
        for j, (s, e, kind) in enumerate(op.windows):
            windows.append({"campaign": op.name, "window_id": f"{op.name}-w{j + 1}", "kind": kind, "start": iso(s), "end": iso(e)})
    _write(os.path.join(folder, "windows.csv"), "windows", windows)

    traps = [{"account_id": ids[t["account"]], "handle": handles[t["account"]], "trap": t["trap"], "detail": t["detail"]} for t in world.traps]
    _write(os.path.join(folder, "traps.csv"), "traps", traps)
    by_tactic = Counter(r["tactic"] for r in rows)
    return {
        "campaign_accounts": len({r["account_id"] for r in rows}),
        "accounts_by_tactic": dict(sorted(by_tactic.items())),
        "trap_accounts_by_trap": dict(sorted(Counter(t["trap"] for t in traps).items())),
        "spoofed_domains": sum(1 for d in dom if d["role"] == "spoof"),
    }


@dataclass
class Truth:
    """The ground truth of a simulated scenario (see ``load_truth``); tables are pandas frames
    of strings (empty string, never NaN, for an empty cell)."""

    folder: str
    accounts: object
    hashtags: object
    domains: object
    groups: object
    windows: object
    traps: object
    scenario: dict

    @property
    def tactics(self) -> list[str]:
        return sorted(self.accounts.tactic.unique())

    def accounts_with(self, tactic: str | None = None) -> set[str]:
        """Ids of accounts planted with ``tactic`` (any tactic when ``None``)."""
        a = self.accounts if tactic is None else self.accounts[self.accounts.tactic == tactic]
        return set(a.account_id)

    def campaign_accounts(self) -> set[str]:
        return self.accounts_with(None)

    def tactics_of(self, account_id: str) -> list[str]:
        return sorted(self.accounts.tactic[self.accounts.account_id == account_id])

    def score(self, flagged, tactic: str | None = None) -> dict:
        """How well a set of flagged account ids recovers the planted accounts.

        ``recall`` is the share of accounts planted with ``tactic`` (any tactic when ``None``)
        that were flagged. ``precision`` is the share of flagged accounts that are campaign
        accounts of *any* tactic (a detector that finds a persona batch through its
        co-reposting is right); ``precision_tactic`` counts only accounts with ``tactic``.
        ``false_positive_traps`` counts the organic traps the false positives fell into.
        """
        flagged = {str(f) for f in flagged}
        positives = self.accounts_with(tactic)
        campaign = self.campaign_accounts()
        tp = len(flagged & positives)
        right = len(flagged & campaign)
        precision = right / len(flagged) if flagged else 0.0
        recall = tp / len(positives) if positives else 0.0
        fp = flagged - campaign
        traps = Counter(self.traps.trap[self.traps.account_id.isin(fp)])
        return {
            "tactic": tactic or "any",
            "flagged": len(flagged),
            "planted": len(positives),
            "true_positives": tp,
            "precision": precision,
            "precision_tactic": tp / len(flagged) if flagged else 0.0,
            "recall": recall,
            "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "false_positives": len(fp),
            "false_positive_traps": dict(traps.most_common()),
        }


def load_truth(folder) -> Truth:
    """Read the ground truth of a scenario folder written by ``cibscan simulate``."""
    import pandas as pd

    folder = os.fspath(folder)
    meta = os.path.join(folder, "scenario.json")
    if not os.path.isfile(meta):
        raise InputNotFoundError(f"{folder}: no scenario.json; is this a folder written by `cibscan simulate`?")
    with open(meta, encoding="utf-8") as f:
        scenario = json.load(f)
    frames = {}
    for name, cols in TRUTH_FILES.items():
        path = os.path.join(folder, "truth", f"{name}.csv")
        if not os.path.isfile(path):
            raise InputNotFoundError(f"{path} is missing; re-run `cibscan simulate` to write it")
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise SchemaError(f"{path} lacks columns {', '.join(missing)}")
        frames[name] = df
    return Truth(folder=folder, scenario=scenario, **frames)
