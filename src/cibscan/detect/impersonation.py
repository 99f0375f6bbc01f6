"""Impersonation: accounts that copy a protected identity's handle, name and picture.

Method
------
1. *Protected identities* ("originals"): the account rows of a watchlist (``watchlist``
   parameter, else the workspace's ``watchlist`` table) and, unless ``auto_top=0``, the most
   prominent accounts in the data (top ``auto_top`` by followers, by reposts received and by
   mentions received; ``cibscan.watchlist.auto_watchlist``).
2. *Candidates*, without comparing every account with every original:

   * lookalike handles: every handle is reduced to its key (TR39 confusable skeleton plus the
     documented extra map, ``lookalike.confusables.handle_key``); a symmetric-deletion join of
     hashed deletion variants (``lookalike.symdel.symmetric_deletion_join``) finds the accounts
     whose key is within 1 edit of an original's (2 for keys of ``long_handle`` characters or more;
     only 0, i.e. homoglyphs and separators, below ``min_edit_length``), verified with the
     optimal-string-alignment distance;
   * reused pictures: accounts whose avatar is within PDQ distance ``pdq_match`` of an
     original's (any of its 8 dihedral variants, both images of PDQ quality ``min_quality`` or
     more) or pHash distance ``phash_match``, found through a binary multi-index
     (``images.BinaryHashIndex``). An avatar shared by ``common_avatar`` or more accounts
     (a default "egg", a stock picture) is never evidence.
3. *Evidence per pair*: handle class and distance, display-name similarity, avatar distance,
   mixed scripts in the handle or name (when the original's are not mixed), creation after the
   original, bio overlap, follower disparity, posts about the original.
4. *Report*: a pair needs ``min_signals`` independent identity signals (lookalike handle,
   similar name, same picture, mixed script), so a fan account with a similar handle and its
   own name and picture is not reported. Each impersonator is paired with its best-scoring
   original only. An impersonator of a watchlisted (not automatic) identity that posts is
   flagged as a possible fabricated-statement source.

Confidence: ``high`` when three identity signals agree, or two with two supporting facts;
``medium`` with two identity signals; one level lower when the candidate account is older than
the original (a renamed account, or the original copied it).

References: Unicode TR39 (confusable detection, mixed-script detection); Garbe, SymSpell
(symmetric delete); Meta ThreatExchange PDQ (2019); Zauner (2010) pHash; Goga et al.,
"The Doppelgänger Bot Attack: Exploring Identity Impersonation in Online Social Networks"
(IMC 2015) for the signals (name, picture, creation order, audience).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa

from ..findings import Evidence, Finding, confidence_for
from ..images.hashing import hamming, parse_hash
from ..images.index import BinaryHashIndex
from ..lookalike import (
    bio_overlap,
    classify_edit,
    confusable_chars,
    handle_keys_many,
    is_mixed_script,
    name_similarity,
    scripts_of,
    spells_handle,
    visible,
)
from ..lookalike.handles import match_handles
from ..watchlist import auto_watchlist, read_watchlist
from .base import Detector, Param

__all__ = ["Impersonation", "detect", "PAIRS_SCHEMA", "PROTECTED_SCHEMA"]

#: Columns of ``impersonation_pairs`` (the contract's first twelve, then details).
PAIRS_SCHEMA = pa.schema([
    ("original_id", pa.string()), ("impersonator_id", pa.string()), ("original_handle", pa.string()),
    ("impersonator_handle", pa.string()), ("lookalike_class", pa.string()), ("edit_distance", pa.int64()),
    ("name_similarity", pa.float64()), ("avatar_distance", pa.int64()), ("score", pa.float64()),
    ("confidence", pa.string()), ("reasons", pa.list_(pa.string())),
    ("original_platform", pa.string()), ("impersonator_platform", pa.string()), ("original_in_data", pa.bool_()),
    ("original_source", pa.string()), ("original_name", pa.string()), ("impersonator_name", pa.string()),
    ("avatar_hash_kind", pa.string()), ("mixed_script", pa.bool_()), ("original_created_at", pa.timestamp("us")),
    ("impersonator_created_at", pa.timestamp("us")), ("created_after", pa.bool_()), ("bio_overlap", pa.float64()),
    ("original_followers", pa.int64()), ("impersonator_followers", pa.int64()), ("n_posts", pa.int64()),
    ("n_posts_about", pa.int64()), ("fabricated_statement_source", pa.bool_()),
])

#: Columns of ``impersonation_protected``: the identities that were protected in this run.
PROTECTED_SCHEMA = pa.schema([
    ("original_id", pa.string()), ("source", pa.string()), ("platform", pa.string()), ("handle", pa.string()),
    ("display_name", pa.string()), ("in_data", pa.bool_()), ("has_avatar", pa.bool_()),
])

_HANDLE_WEIGHT = {0: 1.0, 1: 0.8, 2: 0.6}


@dataclass
class _Original:
    key: str  # account id when the identity is in the data, else "watchlist:@handle"
    source: str  # "watchlist" | "auto"
    explicit: bool
    handle: str | None = None
    name: str | None = None
    platform: str | None = None
    acc: int | None = None  # row in the accounts frame
    pdq: str | None = None
    quality: int | None = None
    dihedral: list[str] = field(default_factory=list)
    phash: str | None = None


@dataclass
class _Pair:
    o: int  # index into originals
    c: int  # index into the accounts frame
    edit_distance: int | None = None
    pdq_distance: int | None = None
    phash_distance: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)


class Impersonation(Detector):
    name = "impersonation"
    summary = "Accounts copying a protected identity: lookalike handle (TR39 skeleton + edits), same name, same picture."
    references = (
        "Unicode Technical Standard #39, Unicode Security Mechanisms (confusables, mixed-script detection)",
        "Garbe, SymSpell: symmetric delete spelling correction (2012)",
        "Meta ThreatExchange, PDQ image similarity algorithm (2019); Zauner, perceptual image hashes (2010)",
        "Goga et al., The Doppelgänger Bot Attack: Exploring Identity Impersonation in Online Social Networks (IMC 2015)",
    )
    params = {
        "watchlist": Param(None, "Watchlist file (CSV/JSON lines); default: the workspace's stored watchlist, if any.", str, nullable=True),
        "auto_top": Param(100, "Also protect the top N accounts by followers, by reposts and by mentions received (0: off).", int, low=0),
        "long_handle": Param(8, "Handle keys of this many characters or more may be 2 edits away (else 1).", int, low=2),
        "min_edit_length": Param(5, "Handle keys shorter than this match only as homoglyphs/separators (0 edits).", int, low=1),
        "name_threshold": Param(0.85, "Display-name similarity (0-1) that counts as the same name.", float, low=0.0, high=1.0),
        "pdq_match": Param(31, "PDQ Hamming distance (of 256) at or below which two avatars match.", int, low=0, high=128),
        "phash_match": Param(10, "pHash Hamming distance (of 64) at or below which two avatars match.", int, low=0, high=32),
        "min_quality": Param(50, "PDQ quality (0-100) both avatars need for a match.", int, low=0, high=100),
        "common_avatar": Param(5, "An avatar hash used by this many accounts or more is a default/stock picture: never evidence.", int, low=2),
        "min_signals": Param(2, "Identity signals (handle, name, picture, mixed script) a pair needs to be reported.", int, low=1, high=4),
    }

    # -- originals ---------------------------------------------------------------------------
    def _originals(self, ws, p, accounts: _Accounts) -> list[_Original]:
        """One entry per protected identity, with what is known of it."""
        out: list[_Original] = []
        by_handle: dict[str, list[int]] = {}
        for i, h in enumerate(accounts.handle):
            if h:
                by_handle.setdefault(h.casefold(), []).append(i)
        taken: set[int] = set()
        for e in read_watchlist(ws, p["watchlist"]):
            if e.kind != "account":
                continue
            idx = [i for i in by_handle.get((e.handle or "").casefold(), [])
                   if not e.platform or accounts.platform[i] == e.platform]
            o = _Original(key=f"watchlist:@{e.handle}" if e.handle else f"watchlist:{e.display_name}", source="watchlist",
                          explicit=True, handle=e.handle, name=e.display_name, platform=e.platform, pdq=e.avatar_pdq,
                          quality=e.avatar_pdq_quality, dihedral=list(e.avatar_pdq_dihedral or []), phash=e.avatar_phash)
            if idx:
                o.acc = idx[0]
                o.key, o.platform = accounts.account_id[o.acc], accounts.platform[o.acc]
                taken.add(o.acc)
            out.append(o)
        if p["auto_top"] > 0:
            auto = auto_watchlist(ws, p["auto_top"])
            pos = {(pl, a): i for i, (pl, a) in enumerate(zip(accounts.platform, accounts.account_id))}
            for pl, a in zip(auto.column("platform").to_pylist(), auto.column("account_id").to_pylist()):
                i = pos.get((pl, a))
                if i is None or i in taken:
                    continue
                taken.add(i)
                out.append(_Original(key=a, source="auto", explicit=False, platform=pl, acc=i))
        for o in out:
            if o.acc is not None and not o.handle:
                o.handle = accounts.handle[o.acc]
        return out

    # -- candidates --------------------------------------------------------------------------
    def _handle_pairs(self, ws, p, orig: list[_Original], keys: list[tuple[str, ...]]) -> dict[tuple[int, int], _Pair]:
        """Pairs (original, account) whose handle keys are within the edit budget."""
        okeys = handle_keys_many([o.handle for o in orig])
        found = match_handles(okeys, keys, long_from=p["long_handle"], min_edit_length=p["min_edit_length"])
        return {(o, c): _Pair(o, c, edit_distance=d) for o, c, d in found}

    def _avatar_pairs(self, p, orig: list[_Original], avatars: dict[int, _Avatar]) -> dict[tuple[int, int], _Pair]:
        """Pairs (original, account) whose avatars are near-duplicates, through binary indexes."""
        out: dict[tuple[int, int], _Pair] = {}
        for kind, bits, radius in (("pdq", 256, p["pdq_match"]), ("phash", 64, p["phash_match"])):
            have = [(c, getattr(a, kind)) for c, a in avatars.items() if getattr(a, kind)]
            queries = {o: q for o, q in ((i, _queries(x, kind, p)) for i, x in enumerate(orig)) if q}
            if not have or not queries:
                continue
            index = BinaryHashIndex(bits=bits, radius=radius)
            index.add([c for c, _ in have], [h for _, h in have])
            for o, q in queries.items():
                best: dict[int, int] = {}
                for hits in index.search_many(q, radius):
                    for c, d in hits:
                        best[c] = min(d, best.get(c, d))
                for c, d in best.items():
                    setattr(out.setdefault((o, c), _Pair(o, c)), f"{kind}_distance", d)
        return out

    # -- main --------------------------------------------------------------------------------
    def _detect(self, ws, p):
        empty = {"pairs": PAIRS_SCHEMA.empty_table(), "protected": PROTECTED_SCHEMA.empty_table()}
        if not ws.has_table("accounts") or ws.count("accounts") == 0:
            return self.findings(p, tables=empty, notes=["no accounts in the workspace"])
        acc_t = ws.table("accounts")
        accounts = _Accounts(acc_t.select("platform", "account_id", "handle").to_pyarrow().to_pydict())
        self._progress(f"impersonation: {len(accounts.account_id):,} accounts")
        orig = self._originals(ws, p, accounts)
        if not orig:
            return self.findings(p, tables=empty, notes=["nothing to protect: no watchlist accounts and auto_top=0 (or no prominent accounts)"])
        keys = handle_keys_many(accounts.handle)
        self._progress(f"impersonation: {len(orig):,} protected identities; matching handles")
        pairs = self._handle_pairs(ws, p, orig, keys)

        avatars, n_common = _avatars(ws, acc_t, accounts, p)
        notes = [f"{n_common} avatar(s) shared by {p['common_avatar']}+ accounts treated as default/stock pictures"] if n_common else []
        for o in orig:  # originals in the data without a watchlist picture use their account's
            a = avatars.get(o.acc) if o.acc is not None else None
            if a is not None and not (o.pdq or o.phash):
                o.pdq, o.quality, o.dihedral, o.phash = a.pdq, a.quality, list(a.dihedral), a.phash
        usable = {c: a for c, a in avatars.items() if a.usable}
        for k, pair in self._avatar_pairs(p, orig, usable).items():
            cur = pairs.setdefault(k, pair)
            if cur is not pair:
                cur.pdq_distance, cur.phash_distance = pair.pdq_distance, pair.phash_distance
        for pair in pairs.values():  # pairs found by handle: measure their avatar distance directly
            o, a = orig[pair.o], usable.get(pair.c)
            if a is None:
                continue
            if pair.pdq_distance is None and a.pdq and _queries(o, "pdq", p):
                pair.pdq_distance = min(hamming(a.pdq, v) for v in _queries(o, "pdq", p))
            if pair.phash_distance is None and a.phash and o.phash:
                pair.phash_distance = hamming(a.phash, o.phash)
        explicit = {o.acc for o in orig if o.explicit and o.acc is not None}
        pairs = {k: v for k, v in pairs.items() if k[1] not in explicit and not _is_same_identity(orig[k[0]], accounts, k[1])}
        self._progress(f"impersonation: {len(pairs):,} candidate pairs; gathering evidence")
        rows = self._evidence(ws, p, orig, accounts, pairs, acc_t)
        findings = [self._finding(p, r) for r in rows]
        table = pa.Table.from_pylist([{k: r[k] for k in PAIRS_SCHEMA.names} for r in rows], schema=PAIRS_SCHEMA)
        protected = pa.Table.from_pylist(
            [{"original_id": o.key, "source": o.source, "platform": o.platform, "handle": o.handle, "display_name": o.name,
              "in_data": o.acc is not None, "has_avatar": bool(o.pdq or o.phash)} for o in orig], schema=PROTECTED_SCHEMA)
        return self.findings(p, findings, tables={"pairs": table, "protected": protected}, notes=notes)

    def _evidence(self, ws, p, orig: list[_Original], accounts: _Accounts, pairs, acc_t) -> list[dict]:
        if not pairs:
            return []
        need = sorted({k[1] for k in pairs} | {o.acc for o in orig if o.acc is not None})
        sel = ibis.memtable(pa.table({"platform": [accounts.platform[i] for i in need],
                                      "account_id": [accounts.account_id[i] for i in need], "i": pa.array(need, pa.int64())}))
        det = acc_t.join(sel, ["platform", "account_id"]).select("i", "display_name", "description", "created_at", "followers")
        details = {r.pop("i"): r for r in ws.con.to_pyarrow(det).to_pylist()}
        posts_info = _posts_about(ws, orig, accounts, pairs, details)
        auto = {o.acc for o in orig if not o.explicit and o.acc is not None}
        rows = []
        for (o_i, c_i), pair in pairs.items():
            o = orig[o_i]
            od = details.get(o.acc) if o.acc is not None else None
            r = self._score_pair(p, pair, o, od, accounts, details[c_i], posts_info.get((o_i, c_i), {}), c_i in auto)
            if r is not None:
                rows.append(r)
        # one original per impersonator: the best-scoring one
        best: dict[tuple[str, str], dict] = {}
        for r in sorted(rows, key=lambda r: (-r["score"], r["original_id"])):
            best.setdefault((r["impersonator_platform"], r["impersonator_id"]), r)
        return sorted(best.values(), key=lambda r: (-r["score"], r["impersonator_id"]))

    def _score_pair(self, p, pair: _Pair, o: _Original, od: dict | None, accounts: _Accounts, c: dict, posts: dict,
                    candidate_is_prominent: bool) -> dict | None:
        ci = pair.c
        o_handle = o.handle or ""
        c_handle = accounts.handle[ci] or ""
        od = od or {}
        o_name = o.name or od.get("display_name")
        o_bio, o_created, o_followers = od.get("description"), od.get("created_at"), od.get("followers")
        c_name, c_bio, c_created, c_followers = c["display_name"], c["description"], c["created_at"], c["followers"]
        if candidate_is_prominent and c_followers is not None and (o_followers is None or c_followers > o_followers):
            return None  # two prominent accounts alike: the bigger one is the original
        reasons, supporting = [], []
        signals = 0
        if pair.edit_distance is not None:
            cls = classify_edit(o_handle, c_handle)
            signals += 1
            reasons.append(f"lookalike handle ({cls}, {pair.edit_distance} edit(s) after the TR39 skeleton)")
        else:
            cls = "same_avatar"
        sim = name_similarity(o_name, c_name)
        if sim >= p["name_threshold"]:
            if spells_handle(o_name, o_handle) and spells_handle(c_name, c_handle):
                # both names only spell out their handles: the handle match already says it
                reasons.append(f"same display name (similarity {sim:.2f}), but both names spell out their handles: not counted twice")
            else:
                signals += 1
                reasons.append(f"same display name (similarity {sim:.2f})")
        avatar_kind, avatar_d = None, None
        if pair.pdq_distance is not None and pair.pdq_distance <= p["pdq_match"]:
            avatar_kind, avatar_d = "pdq", pair.pdq_distance
        elif pair.phash_distance is not None and pair.phash_distance <= p["phash_match"]:
            avatar_kind, avatar_d = "phash", pair.phash_distance
        if avatar_kind:
            signals += 1
            reasons.append(f"same profile picture ({avatar_kind.upper()} distance {avatar_d})")
        mixed = (is_mixed_script(c_handle) and not is_mixed_script(o_handle)) or (
            bool(c_name) and is_mixed_script(c_name) and not (o_name and is_mixed_script(o_name)))
        if mixed:
            signals += 1
            reasons.append("mixed scripts in handle or name (" + "+".join(sorted(scripts_of(c_handle) | scripts_of(c_name or ""))) + ")")
        if pair.edit_distance is None and sim < p["name_threshold"]:
            return None  # a shared picture alone is not an identity copy (fans, stock photos)
        if signals < p["min_signals"]:
            return None
        created_after = None
        if o_created is not None and c_created is not None:
            created_after = bool(c_created > o_created)
            if created_after:
                supporting.append("created after the original")
        overlap, shared = bio_overlap(o_bio, c_bio)
        if overlap >= 0.3 and shared >= 3:
            supporting.append(f"bio overlap {overlap:.2f} ({shared} shared words)")
        if o_followers is not None and o_followers >= 100 and o_followers >= 10 * max(c_followers or 0, 1):
            supporting.append(f"follower disparity ({o_followers:,} vs {c_followers or 0:,})")
        n_about = int(posts.get("n_about", 0))
        if n_about:
            supporting.append(f"{n_about} post(s) about the original")
        n_posts = int(posts.get("n_posts", 0))
        h = _HANDLE_WEIGHT.get(pair.edit_distance, 0.0) if pair.edit_distance is not None else 0.0
        score = 0.35 * h + 0.3 * (sim if sim >= 0.5 else 0.0) + 0.25 * (1.0 if avatar_kind else 0.0) + 0.1 * min(len(supporting), 4) / 4
        strength = (signals - 1) + 0.5 * min(len(supporting), 2)
        grade = confidence_for(strength, signals) if signals >= 2 else "low"
        if created_after is False:
            grade = {"high": "medium", "medium": "low"}.get(grade, "low")
            reasons.append("but created before the original (a renamed account, or the original copied it)")
        fabricated = bool(o.explicit) and n_posts > 0
        return {
            "original_id": o.key, "impersonator_id": accounts.account_id[ci], "original_handle": o_handle or None,
            "impersonator_handle": c_handle or None, "lookalike_class": cls, "edit_distance": pair.edit_distance,
            "name_similarity": round(sim, 4), "avatar_distance": avatar_d if avatar_kind else (pair.pdq_distance if pair.pdq_distance is not None else None),
            "score": round(min(score, 1.0), 4), "confidence": grade, "reasons": reasons + supporting,
            "original_platform": o.platform, "impersonator_platform": accounts.platform[ci],
            "original_in_data": o.acc is not None, "original_source": o.source, "original_name": o_name,
            "impersonator_name": c_name, "avatar_hash_kind": avatar_kind, "mixed_script": mixed,
            "original_created_at": o_created, "impersonator_created_at": c_created, "created_after": created_after,
            "bio_overlap": round(overlap, 4), "original_followers": o_followers, "impersonator_followers": c_followers,
            "n_posts": n_posts,
            "n_posts_about": n_about, "fabricated_statement_source": fabricated,
            "_signals": signals, "_supporting": supporting, "_posts": posts,
        }

    def _finding(self, p, r: dict) -> Finding:
        oh, ch = visible(r["original_handle"]) or "(no handle)", visible(r["impersonator_handle"]) or "(no handle)"
        ev = []
        if r["edit_distance"] is not None:
            chars = confusable_chars(r["impersonator_handle"] or "")
            detail = (f"handles side by side: @{oh} (original) and @{ch} (candidate): {r['lookalike_class']}, "
                      f"{r['edit_distance']} edit(s) apart after the TR39 skeleton")
            if chars:
                detail += "; lookalike characters: " + ", ".join(f"{visible(c)!r} {name} at position {i + 1}" for i, c, name in chars[:5])
            ev.append(Evidence("lookalike handle", detail, (r["impersonator_id"],), target=r["original_id"],
                               values={"edit_distance": r["edit_distance"], "class": r["lookalike_class"]}))
        ev.append(Evidence("display name", f"names side by side: {visible(r['original_name'])!r} (original) and "
                           f"{visible(r['impersonator_name'])!r} (candidate): similarity {r['name_similarity']:.2f}",
                           (r["impersonator_id"],), target=r["original_id"], values={"similarity": r["name_similarity"]}))
        if r["avatar_hash_kind"]:
            ev.append(Evidence("same profile picture", f"profile pictures {r['avatar_hash_kind'].upper()} distance {r['avatar_distance']} "
                               f"(match at {p['pdq_match'] if r['avatar_hash_kind'] == 'pdq' else p['phash_match']} or less)",
                               (r["impersonator_id"],), target=r["original_id"], values={"distance": r["avatar_distance"], "hash": r["avatar_hash_kind"]}))
        if r["mixed_script"]:
            ev.append(Evidence("mixed scripts", "the candidate's handle or name mixes writing systems; the original's does not",
                               (r["impersonator_id"],)))
        if r["created_after"] is not None:
            ev.append(Evidence("creation dates", f"original created {r['original_created_at']}, candidate {r['impersonator_created_at']}",
                               (r["impersonator_id"],), at=r["impersonator_created_at"], values={"created_after": r["created_after"]}))
        if r["bio_overlap"]:
            ev.append(Evidence("bio overlap", f"bios share {r['bio_overlap']:.0%} of their words", (r["impersonator_id"],),
                               values={"jaccard": r["bio_overlap"]}))
        if r["original_followers"] is not None:
            ev.append(Evidence("followers", f"original {r['original_followers']:,} followers, candidate "
                               f"{r['impersonator_followers'] if r['impersonator_followers'] is not None else 'unknown'}",
                               (r["impersonator_id"],), values={"original": r["original_followers"], "candidate": r["impersonator_followers"]}))
        posts = r["_posts"]
        if r["n_posts_about"]:
            ev.append(Evidence("posts about the original", f"{r['n_posts_about']} of its {r['n_posts']} posts mention, reply to, "
                               f"repost or name the original", (r["impersonator_id"],), tuple(posts.get("about_ids", [])[:5]),
                               target=r["original_id"], values={"n_posts_about": r["n_posts_about"]}))
        if r["fabricated_statement_source"]:
            ev.append(Evidence("possible fabricated-statement source",
                               f"impersonates watchlisted @{oh} and has posted {r['n_posts']} time(s): statements attributed "
                               f"to the original may come from this account", (r["impersonator_id"],), tuple(posts.get("sample_ids", [])[:5]),
                               target=r["original_id"], values={"n_posts": r["n_posts"]}))
        what = ", ".join(x.split(" (")[0] for x in r["reasons"] if not x.startswith("but "))
        summary = (f"@{ch} looks like @{oh}: {what}. {r['confidence'].capitalize()} confidence: "
                   f"{_statement(r['confidence'])}")
        return Finding(
            detector=self.name, kind="impersonation", id=f"{r['impersonator_platform']}:{r['impersonator_id']}",
            title=f"@{ch} impersonates @{oh}", summary=summary, accounts=(r["impersonator_id"],),
            score=float(r["score"]), confidence=r["confidence"], evidence=tuple(ev),
            metrics={k: r[k] for k in ("original_id", "lookalike_class", "edit_distance", "name_similarity", "avatar_distance",
                                       "n_posts", "n_posts_about", "fabricated_statement_source", "original_source")},
            params=p, roles={r["impersonator_id"]: "impersonator"},
        )


def _statement(grade: str) -> str:
    return {
        "high": "several independent signals say this account copies the original's identity; it does not show who runs it or why.",
        "medium": "two identity signals agree; a person should compare the two profiles before acting.",
        "low": "a lead only: parody, fan and namesake accounts can look like this.",
    }[grade]


class _Accounts:
    """The accounts table's key columns as Python lists (row number = candidate index)."""

    def __init__(self, cols: dict[str, list]):
        self.platform: list[str] = cols["platform"]
        self.account_id: list[str] = cols["account_id"]
        self.handle: list[str | None] = cols["handle"]
        self._pos: dict[tuple[str, str], int] | None = None

    def position(self, platform: str, account_id: str) -> int | None:
        if self._pos is None:
            self._pos = {k: i for i, k in enumerate(zip(self.platform, self.account_id))}
        return self._pos.get((platform, account_id))


@dataclass
class _Avatar:
    pdq: str | None
    quality: int | None
    dihedral: list[str]
    phash: str | None
    usable: bool = True


def _queries(o: _Original, kind: str, p) -> list[str]:
    """The hashes to look an original's picture up by (PDQ: its 8 dihedral variants)."""
    if kind == "phash":
        return [o.phash] if o.phash else []
    if not o.pdq or (o.quality is not None and o.quality < p["min_quality"]):
        return []
    return list(o.dihedral) or [o.pdq]


def _is_same_identity(o: _Original, accounts: _Accounts, c: int) -> bool:
    """The candidate is the original itself, or carries the same handle (another platform)."""
    if o.acc == c:
        return True
    h = accounts.handle[c]
    return bool(o.handle and h and h.casefold() == o.handle.casefold())


def _avatars(ws, acc_t: ibis.Table, accounts: _Accounts, p) -> tuple[dict[int, _Avatar], int]:
    """Every account's avatar hashes by candidate index (quality and dihedral variants where the
    image was hashed by cibscan, see ``image_hashes``), and how many hashes are too common to
    be evidence. An avatar is *usable* as evidence when its PDQ quality is known to be at least
    ``min_quality`` (or unknown) and fewer than ``common_avatar`` accounts share it."""
    a = acc_t.filter(acc_t.avatar_hash.notnull()).select("platform", "account_id", "avatar_hash")
    if ws.has_table("image_hashes"):
        ih = ws.table("image_hashes")
        ih = ih.filter(ih.kind == "avatar").select(ih_id=ih.id, quality=ih.pdq_quality, dihedral=ih.pdq_dihedral, phash=ih.phash)
        a = a.left_join(ih, a.account_id == ih.ih_id).drop("ih_id")
    rows = ws.con.to_pyarrow(a).to_pylist()
    out: dict[int, _Avatar] = {}
    for r in rows:
        c = accounts.position(r["platform"], r["account_id"])
        parsed = parse_hash(r["avatar_hash"])
        if c is None or parsed is None or c in out:
            continue
        pdq = parsed[1] if parsed[0] == "pdq" else None
        phash = r.get("phash") or (parsed[1] if parsed[0] == "phash" else None)
        out[c] = _Avatar(pdq, r.get("quality"), list(r.get("dihedral") or ([pdq] if pdq else [])), phash)
    counts = Counter(a.pdq or a.phash for a in out.values())
    common = {h for h, n in counts.items() if n >= p["common_avatar"]}
    for a in out.values():
        a.usable = (a.pdq or a.phash) not in common and (a.quality is None or a.quality >= p["min_quality"])
    return out, len(common)


def _posts_about(ws, orig: list[_Original], accounts: _Accounts, pairs, details) -> dict[tuple[int, int], dict]:
    """Per pair: the candidate's post count, how many posts are about the original (mention,
    reply to, repost, or name it), and sample post ids (posts about the original first)."""
    if not pairs or not ws.has_table("posts"):
        return {}
    rows = []
    for (o_i, c_i) in pairs:
        o = orig[o_i]
        o_id = accounts.account_id[o.acc] if o.acc is not None else None
        name = o.name or (details.get(o.acc, {}).get("display_name") if o.acc is not None else None)
        rows.append({"o_i": o_i, "c_i": c_i, "platform": accounts.platform[c_i], "account_id": accounts.account_id[c_i],
                     "o_id": o_id or "\x00", "o_at": "@" + (o.handle or "\x00").lower(), "o_handle": (o.handle or "\x00").lower(),
                     "o_name": name.lower() if name and len(name) >= 4 else "\x00"})
    m = ibis.memtable(pa.Table.from_pylist(rows))
    posts = ws.table("posts")
    j = posts.join(m, ["platform", "account_id"])
    text = j.text.lower().fill_null("")
    about = (j.mentions.contains(j.o_id) | j.mentions.contains(j.o_at) | (j.ref_account_id == j.o_id)
             | (j.ref_account_id.lower() == j.o_at) | text.contains(j.o_handle) | text.contains(j.o_name))
    j = j.mutate(about=about.fill_null(False))
    w = ibis.window(group_by=[j.o_i, j.c_i], order_by=[ibis.desc(j.about), j.created_at, j.post_id])
    ranked = j.mutate(rn=ibis.row_number().over(w))
    agg = ranked.group_by(["o_i", "c_i"]).aggregate(
        n_posts=ranked.count(), n_about=ranked.about.cast("int64").sum(),
        sample_ids=ranked.post_id.collect(where=ranked.rn < 5),
        about_ids=ranked.post_id.collect(where=(ranked.rn < 5) & ranked.about),
    )
    return {(r["o_i"], r["c_i"]): {"n_posts": r["n_posts"], "n_about": r["n_about"] or 0, "sample_ids": r["sample_ids"] or [],
                                   "about_ids": r["about_ids"] or []}
            for r in ws.con.to_pyarrow(agg).to_pylist()}


def detect(ws, **params) -> Any:
    """Function form: ``Impersonation(**params).detect(ws)``."""
    return Impersonation(**params).detect(ws)
