"""Personas: batches of accounts that look made together.

Two ways a batch is found, each reported with its members and the traits they share:

1. **Creation bursts.** Accounts created per ``creation_bin_hours`` bin are tested against the
   *local* background creation rate: the trimmed mean (largest 10% of bins dropped) of the bins
   within ``background_days`` on either side, the bins next to the tested one left out, so a
   platform's growth or a slow season does not look like a burst. The test is a one-sided
   Poisson test, Bonferroni-corrected over the bins tested; a bin is a burst bin when
   ``p ≤ alpha``, it holds ``min_batch_size`` accounts and ``min_ratio`` times the background.
   Each burst bin is one batch (``merge_within_bins`` merges nearby ones). Within the batch, traits whose value
   is shared by at least ``trait_min_share`` of the members and is ``trait_enrichment`` times
   more common there than among all accounts are the batch's *shared traits*; when some of them
   are strong (same avatar, same bio, same handle stem or handle shape), members are the
   accounts of the window that carry at least half of them (the others are the background
   creations the window also holds).
2. **Shared identity traits**, whenever they were created: the same non-default avatar hash on
   several accounts, the same normalised bio (``min_bio_chars`` or longer) on
   ``min_bio_group`` accounts, handles made of one stem plus a digit suffix
   (``min_batch_size`` accounts).

Traits per account: handle shape (length and character classes, e.g. ``15 chars, A-Z a-z 0-9``
— the pattern of generated handles), handle stem + digit suffix, normalised bio (exact match
of ``floods.normalised_text``; near-duplicates once ``cibscan.text`` exists), avatar hash
(exact; *default avatars* — a profile-image address containing ``default_profile`` or a hash
shared by ``default_avatar_min_accounts`` or more accounts — are only a weak trait: many real
people never upload a photo), empty bio, account language, and display-name/handle mismatch
(no 3-letter piece of one in the other, the display name has letters). Handles an archive
replaced by a hash (equal to the account id) carry no handle traits.

References: Ferrara et al. (2016), "The rise of social bots" (account-creation clusters);
Yang et al. (2020), "Scalable and generalizable social bot detection through data selection"
(profile features: default image, screen-name digits and length); X/Twitter Transparency
information-operations releases (creation-date clusters of state-backed account sets);
Bonferroni (1936) / Poisson tail test.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta

import ibis
import numpy as np
import pyarrow as pa

from ..findings import Evidence, Finding, confidence_for
from ..grouping import linked_groups
from .base import Detector, Param
from .floods import normalise_phrase, normalised_text

__all__ = [
    "PersonasDetector", "detect", "handle_shape", "handle_stem", "handle_prefix", "handle_suffix",
    "is_name_handle_mismatch", "creation_bursts",
]

#: Traits that, shared and enriched in a creation window, decide batch membership.
STRONG_TRAITS = ("avatar", "bio", "bio_near", "handle_stem", "handle_prefix", "handle_suffix", "handle_shape")
#: Traits read from the handle (absent when an archive hashed the handle).
HANDLE_TRAITS = ("handle_shape", "handle_stem", "handle_prefix", "handle_suffix", "mismatch")
#: Weight of each trait kind in a batch's noisy-OR score (strong traits count more).
TRAIT_WEIGHT = {
    "avatar": 0.5, "bio": 0.5, "bio_near": 0.45, "handle_stem": 0.45, "handle_prefix": 0.4, "handle_suffix": 0.35,
    "handle_shape": 0.35, "mismatch": 0.2, "default_avatar": 0.1, "empty_bio": 0.1, "lang": 0.1,
    # the creation burst itself: its ratio over the background, and how many accounts beyond it.
    # Alone it stays a lead (score < 0.35): unrelated people also join on the same busy day.
    "creation": 0.2, "size": 0.15,
}
#: Bios with at least this token-set Jaccard similarity are near-duplicates (within a window).
BIO_JACCARD = 0.5
#: Windows larger than this compare bios by exact match only (pairwise comparison is quadratic).
MAX_NEAR_DUP_WINDOW = 3000
SCORE_THRESHOLD = 0.35
#: strength of one shared avatar or bio that nothing else corroborates (no second shared trait,
#: members not created within a week): below the threshold on its own
LONE_TRAIT_SIGNAL = 0.6
#: Handles an archive hashed (X IO: accounts under 5,000 followers) look like this.
_HASHED = re.compile(r"^[A-Za-z0-9+/=]{28,}$")


def handle_shape(handle: str | None) -> str | None:
    """The template of a handle: its length and character classes.

    >>> handle_shape("sV8jxdXfJwDNZns")
    '15 chars, A-Z a-z 0-9'
    >>> handle_shape("mary_jones")
    '10 chars, a-z _'
    """
    if not handle:
        return None
    classes = [name for name, pat in (("A-Z", r"[A-Z]"), ("a-z", r"[a-z]"), ("0-9", r"[0-9]"), ("_", r"_")) if re.search(pat, handle)]
    if re.search(r"[^A-Za-z0-9_]", handle):
        classes.append("other")
    return f"{len(handle)} chars, {' '.join(classes)}"


def handle_stem(handle: str | None, min_digits: int = 2, min_stem: int = 4) -> str | None:
    """``stem+digits`` when a handle is letters followed by a digit suffix (the number of
    digits may vary within a batch), else ``None``.

    >>> handle_stem("PatriotMary1984")
    'patriotmary+digits'
    >>> handle_stem("kutsha_50")
    'kutsha+digits'
    >>> handle_stem("bob7") is None
    True
    """
    if not handle:
        return None
    m = re.fullmatch(r"([A-Za-z_]+?)_?([0-9]+)", handle)
    if not m or len(m.group(2)) < min_digits or len(m.group(1)) < min_stem:
        return None
    return f"{m.group(1).lower().rstrip('_')}+digits"


def handle_prefix(handle: str | None, length: int = 4) -> str | None:
    """The first ``length`` letters of a handle (lower case) when it starts with that many
    letters and is longer: the shared start of handles made from one template.

    >>> handle_prefix("bimsZokku")
    'bims'
    >>> handle_prefix("ab12cd") is None
    True
    """
    if not handle or len(handle) <= length or not re.fullmatch(r"[A-Za-z]+", handle[:length]):
        return None
    return handle[:length].lower()


def handle_suffix(handle: str | None, min_digits: int = 4) -> str | None:
    """``letters+Ndigits`` for a handle of letters ending in at least ``min_digits`` digits —
    the platform-default template (a name cut short plus 8 digits on X/Twitter).

    >>> handle_suffix("Lanchur75516396")
    'letters+8digits'
    >>> handle_suffix("mary_jones") is None
    True
    """
    m = re.fullmatch(r"[A-Za-z_]+?([0-9]+)", handle or "")
    if not m or len(m.group(1)) < min_digits:
        return None
    return f"letters+{len(m.group(1))}digits"


def is_name_handle_mismatch(display_name: str | None, handle: str | None) -> bool:
    """True when a display name with letters shares no 3-letter piece with the handle.

    >>> is_name_handle_mismatch("George", "sV8jxdXfJwDNZns")
    True
    >>> is_name_handle_mismatch("Mary Jones", "maryj_1984")
    False
    """
    if not display_name or not handle:
        return False
    name = re.sub(r"[^a-z]", "", display_name.lower())
    h = re.sub(r"[^a-z]", "", handle.lower())
    if len(name) < 3 or len(h) < 3:
        return False  # a name in another script cannot be compared letter by letter
    pieces = {name[i:i + 3] for i in range(len(name) - 2)}
    return not any(piece in h for piece in pieces)


def creation_bursts(counts: np.ndarray, *, background_bins: int, exclude_bins: int, alpha: float,
                    min_size: int, min_ratio: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Burst bins of a dense series of creation counts against a local trimmed-mean background.

    Returns ``(is_burst, background, p_value)`` per bin (p Bonferroni-corrected over the bins
    that hold ``min_size`` accounts).

    >>> c = np.array([2] * 60 + [40] + [2] * 60)
    >>> bool(creation_bursts(c, background_bins=30, exclude_bins=1, alpha=0.01, min_size=5, min_ratio=3)[0][60])
    True
    """
    from scipy.stats import poisson

    n = len(counts)
    background = np.zeros(n)
    floor = 1.0 / (2 * background_bins + 1)
    for i in np.nonzero(counts >= min_size)[0]:
        lo, hi = max(0, i - background_bins), min(n, i + background_bins + 1)
        window = np.concatenate([counts[lo:max(lo, i - exclude_bins)], counts[min(hi, i + exclude_bins + 1):hi]])
        if len(window):
            keep = np.sort(window)[: max(1, int(np.ceil(0.9 * len(window))))]
            background[i] = keep.mean()
    background = np.maximum(background, floor)
    tested = counts >= min_size
    n_tests = max(1, int(tested.sum()))
    p = np.ones(n)
    p[tested] = np.minimum(1.0, poisson.sf(counts[tested] - 1, background[tested]) * n_tests)
    is_burst = tested & (p <= alpha) & (counts >= min_ratio * background)
    return is_burst, background, p


class PersonasDetector(Detector):
    name = "personas"
    summary = "Batches of accounts created together or sharing identity templates (handles, bios, avatars)."
    references = (
        "Ferrara et al. (2016), The rise of social bots, CACM 59(7)",
        "Yang et al. (2020), Scalable and generalizable social bot detection through data selection, AAAI",
        "X/Twitter Transparency, information operations archives (account-creation clusters)",
    )
    params = {
        "creation_bin_hours": Param(24, "Width of the creation-time bins, in hours.", int, low=1, high=24 * 31),
        "background_days": Param(90, "Background creation rate: bins within this many days either side.", int, low=7),
        "alpha": Param(0.01, "Family-wise error rate of the creation-burst test (Bonferroni).", float, low=1e-12, high=0.5),
        "min_batch_size": Param(5, "A batch holds at least this many accounts.", int, low=2),
        "min_ratio": Param(3.0, "A creation-burst bin holds at least this many times the background.", float, low=1.0),
        "merge_within_bins": Param(0, "Burst bins at most this many bins apart form one batch (0: each bin is its own batch, so batches made a day apart stay apart; 1: adjacent bins merge).", int, low=0),
        "trait_min_share": Param(0.3, "A trait is shared when at least this share of a batch carries one value.", float, low=0.0, high=1.0),
        "trait_enrichment": Param(3.0, "... and that value is this many times more common in the batch than overall.", float, low=1.0),
        "stem_window_days": Param(30, "Accounts sharing a handle stem form a batch when this many days hold min_batch_size of them.", int, low=1),
        "min_bio_chars": Param(15, "Bios shorter than this (normalised) are not compared.", int, low=1),
        "min_bio_group": Param(3, "Accounts with one identical bio that form a batch.", int, low=2),
        "min_avatar_group": Param(2, "Accounts with one identical (non-default) avatar hash that form a batch.", int, low=2),
        "default_avatar_min_accounts": Param(50, "An avatar hash on this many accounts or more is a default image (weak trait).", int, low=2),
        "min_score": Param(0.0, "Batches scoring below this are left out of the findings (all stay in personas_batches).", float, low=0.0, high=1.0),
        "seed": Param(0, "Seed of the background sample used for the display-name/handle mismatch rate.", int),
    }

    def _detect(self, ws, p):
        acc = _account_traits(ws.table("accounts"), p)
        n_total = int(acc.count().to_pyarrow().as_py())
        if not n_total:
            return self.findings(p, tables=_empty(), notes=["no accounts in the workspace"])
        batches = []
        batches += _creation_batches(ws, acc, n_total, p, self._progress)
        batches += _trait_batches(acc, p)
        rows, members, items = [], [], []
        batches.sort(key=lambda b: (-b["score"], -len(b["members"]), b["basis"], b["created_from"] or datetime.min))
        for i, b in enumerate(batches, 1):
            b["batch_id"] = f"P{i}"
            rows.append({k: b[k] for k in BATCHES_SCHEMA.names})
            members += [dict(m, batch_id=b["batch_id"]) for m in b["members"]]
            if b["score"] >= p["min_score"]:
                items.append(_finding(b, p))
        tables = {
            "batches": pa.Table.from_pylist(rows, schema=BATCHES_SCHEMA),
            "members": pa.Table.from_pylist(members, schema=MEMBERS_SCHEMA),
        }
        notes = ["bios compared by exact match of normalised text (MinHash near-duplicates once cibscan.text exists)"]
        return self.findings(p, items, tables, notes)


BATCHES_SCHEMA = pa.schema([
    ("batch_id", pa.string()), ("basis", pa.string()), ("created_from", pa.timestamp("us")), ("created_to", pa.timestamp("us")),
    ("size", pa.int64()), ("traits", pa.list_(pa.string())), ("n_in_window", pa.int64()), ("expected_background", pa.float64()),
    ("p_value", pa.float64()), ("score", pa.float64()), ("confidence", pa.string()), ("reason", pa.string()),
])
MEMBERS_SCHEMA = pa.schema([
    ("batch_id", pa.string()), ("account_id", pa.string()), ("handle", pa.string()), ("display_name", pa.string()),
    ("created_at", pa.timestamp("us")), ("traits", pa.list_(pa.string())),
])
_MEMBER_COLS = ("account_id", "handle", "display_name", "created_at", "description", "avatar_hash", "avatar_url", "lang")


def _empty() -> dict[str, pa.Table]:
    return {"batches": BATCHES_SCHEMA.empty_table(), "members": MEMBERS_SCHEMA.empty_table()}


def _account_traits(accounts: ibis.Table, p: dict) -> ibis.Table:
    """Accounts (one row per account id) with the traits that can be computed in the engine."""
    a = accounts
    hashed = a.handle.isnull() | (a.handle == a.account_id) | a.handle.re_search(_HASHED.pattern)
    bio = normalised_text(a.description.fill_null(""))
    hub = a.filter(a.avatar_hash.notnull()).group_by("avatar_hash").aggregate(n_avatar=lambda t: t.count())
    a = a.left_join(hub, "avatar_hash").select(a, "n_avatar")
    default = a.avatar_url.fill_null("").contains("default_profile") | (a.n_avatar.fill_null(0) >= p["default_avatar_min_accounts"])
    return a.select(
        *_MEMBER_COLS,
        t=a.created_at.truncate("s").epoch_seconds().cast("int64"),
        hashed=hashed,
        bio_key=ibis.ifelse(bio.length() >= p["min_bio_chars"], bio, ibis.null("string")),
        avatar_key=ibis.ifelse(default, ibis.null("string"), a.avatar_hash),
        is_default_avatar=default & a.avatar_hash.notnull() | a.avatar_url.fill_null("").contains("default_profile"),
        is_empty_bio=bio == "",
    )


def _traits_of(r: dict) -> dict[str, str]:
    """Trait kind -> value for one account (Python side, for the few accounts in a batch)."""
    out = {}
    if not r["hashed"]:
        if (s := handle_shape(r["handle"])) is not None:
            out["handle_shape"] = s
        if (s := handle_stem(r["handle"])) is not None:
            out["handle_stem"] = s
        if (s := handle_prefix(r["handle"])) is not None:
            out["handle_prefix"] = s
        if (s := handle_suffix(r["handle"])) is not None:
            out["handle_suffix"] = s
        if is_name_handle_mismatch(r["display_name"], r["handle"]):
            out["mismatch"] = "display name unlike handle"
    if r["bio_key"]:
        out["bio"] = r["bio_key"]
    if r["avatar_key"]:
        out["avatar"] = r["avatar_key"]
    if r["is_default_avatar"]:
        out["default_avatar"] = "default avatar"
    if r["is_empty_bio"]:
        out["empty_bio"] = "empty bio"
    if r["lang"]:
        out["lang"] = r["lang"]
    return out


_LABEL = {
    "handle_shape": "handle template {v}", "handle_stem": "handle stem {v}", "handle_prefix": "handles start with {v}",
    "handle_suffix": "handle template {v}", "bio_near": "near-duplicate bios like \u201c{v}\u201d", "mismatch": "{v}", "bio": "same bio \u201c{v}\u201d",
    "avatar": "same avatar {v}", "default_avatar": "{v} (weak)", "empty_bio": "{v} (weak)", "lang": "language {v} (weak)",
}


def _trait_label(kind: str, value: str, share: float | None = None) -> str:
    """Readable trait, e.g. ``same bio “...” (80%)`` (the share is left out when ``None``)."""
    v = value if len(value) <= 60 else value[:57] + "..."
    return _LABEL[kind].format(v=v) + ("" if share is None else f" ({100 * share:.0f}%)")


def _background_rates(acc: ibis.Table, candidates: dict[str, set[str]], n_total: int, p: dict) -> dict[tuple[str, str], float]:
    """Share of all accounts that carry each candidate (kind, value)."""
    out: dict[tuple[str, str], float] = {}
    col = {"bio": "bio_key", "avatar": "avatar_key", "lang": "lang"}
    for kind, values in candidates.items():
        if kind in col and values:
            c = acc.filter(acc[col[kind]].isin(sorted(values))).group_by(col[kind]).aggregate(n=lambda t: t.count())
            for r in c.to_pyarrow().to_pylist():
                out[(kind, r[col[kind]])] = r["n"] / n_total
        elif kind in ("default_avatar", "empty_bio"):
            flag = "is_default_avatar" if kind == "default_avatar" else "is_empty_bio"
            n = int(acc.filter(acc[flag]).count().to_pyarrow().as_py())
            for v in values:
                out[(kind, v)] = n / n_total
    # handle traits are computed in Python: estimate their background share on a seeded sample
    python_kinds = [k for k in HANDLE_TRAITS if candidates.get(k)]
    if python_kinds:
        sample = acc.filter(~acc.hashed).select(*_MEMBER_COLS, "hashed", "bio_key", "avatar_key", "is_default_avatar", "is_empty_bio")
        n_unhashed = int(sample.count().to_pyarrow().as_py())
        rows = _sample_rows(sample, n_unhashed, 20_000, p["seed"])
        counts = Counter((k, v) for r in rows for k, v in _traits_of(r).items() if k in python_kinds)
        share_unhashed = n_unhashed / n_total
        for k in python_kinds:
            for v in candidates[k]:
                out[(k, v)] = counts.get((k, v), 0) / max(1, len(rows)) * share_unhashed
    return out


def _sample_rows(t: ibis.Table, n: int, k: int, seed: int) -> list[dict]:
    """About ``k`` rows of ``t`` chosen by a seeded hash of the account id (same seed, same rows)."""
    if n <= k:
        return t.to_pyarrow().to_pylist()
    keep = (t.account_id + str(seed)).hash().abs() % n < k
    return t.filter(keep).to_pyarrow().to_pylist()


def _shared_traits(members: list[dict], bg: dict, p: dict) -> list[tuple[str, str, float]]:
    """(kind, value, share) of traits shared by the batch and enriched over all accounts."""
    n = len(members)
    # handle traits are shares of the members whose handle the archive did not hash
    n_handles = sum(1 for m in members if not m["hashed"]) or 1
    counts = Counter((k, v) for m in members for k, v in m["_traits"].items())
    best: dict[str, tuple[str, int]] = {}
    for (k, v), c in counts.items():
        if c > best.get(k, ("", 0))[1]:
            best[k] = (v, c)
    out = []
    for k, (v, c) in best.items():
        share = c / (n_handles if k in HANDLE_TRAITS else n)
        base = bg.get((k, v), 0.0)
        if c >= 3 and share >= p["trait_min_share"] and share >= p["trait_enrichment"] * base:
            out.append((k, v, share))
    return sorted(out, key=lambda x: (-TRAIT_WEIGHT[x[0]], -x[2]))


def _creation_batches(ws, acc: ibis.Table, n_total: int, p: dict, progress) -> list[dict]:
    width = p["creation_bin_hours"] * 3600
    dated = acc.filter(acc.t.notnull())
    per_bin = dated.group_by(b=(dated.t // width).cast("int64")).aggregate(c=lambda t: t.count()).to_pyarrow()
    if not per_bin.num_rows:
        return []
    b = np.asarray(per_bin["b"].to_pylist(), dtype=np.int64)
    b_min = int(b.min())
    counts = np.zeros(int(b.max()) - b_min + 1, dtype=np.int64)
    counts[b - b_min] = np.asarray(per_bin["c"].to_pylist(), dtype=np.int64)
    bins_per_day = max(1.0, 86400 / width)
    is_burst, background, pvals = creation_bursts(
        counts, background_bins=int(p["background_days"] * bins_per_day), exclude_bins=max(1, int(bins_per_day)),
        alpha=p["alpha"], min_size=p["min_batch_size"], min_ratio=p["min_ratio"],
    )
    runs: list[list[int]] = []
    for i in np.nonzero(is_burst)[0]:
        if runs and i - runs[-1][-1] <= p["merge_within_bins"]:
            runs[-1].append(int(i))
        else:
            runs.append([int(i)])
    progress(f"personas: {len(runs)} creation bursts")
    out = []
    windows = [((r[0] + b_min) * width, (r[-1] + b_min + 1) * width, r) for r in runs]
    if not windows:
        return []
    in_window = None
    for lo, hi, _ in windows:
        cond = (acc.t >= lo) & (acc.t < hi)
        in_window = cond if in_window is None else in_window | cond
    rows = acc.filter(in_window).to_pyarrow().to_pylist()
    for r in rows:
        r["_traits"] = _traits_of(r)
    per_window: list[list[dict]] = [[r for r in rows if lo <= r["t"] < hi] for lo, hi, _ in windows]
    candidates: dict[str, set[str]] = {}
    for members in per_window:
        for m in members:
            for k, v in m["_traits"].items():
                candidates.setdefault(k, set()).add(v)
    bg = _background_rates(acc, candidates, n_total, p)
    for members in per_window:
        _mark_near_duplicate_bios(members, p["min_bio_chars"])
    for (lo, hi, run), members in zip(windows, per_window):
        expected = float(background[run].sum())
        p_value = float(min(pvals[run]))
        shared = _shared_traits(members, bg, p)
        strong = {(k, v) for k, v, _ in shared if k in STRONG_TRAITS}
        core = [m for m in members if _may_carry(m, strong)] if strong else members
        if len(core) < p["min_batch_size"]:
            core = members
        ratio = len(members) / max(expected, 1e-9)
        excess = len(members) - expected
        signals = {
            "creation": float(np.clip(np.log10(max(ratio, 1.0) / 3) / np.log10(10), 0, 1)),  # 3x -> 0, 30x -> 1
            "size": float(np.clip(np.log10(max(excess, 1.0) / 5) / np.log10(20), 0, 1)),  # 5 -> 0, 100 -> 1
        }
        for k, _, share in shared:
            signals[k] = min(1.0, share / 0.6)
        score = _noisy_or(signals)
        reason = (
            f"{len(members)} accounts created between {_fmt(lo)} and {_fmt(hi)} against ~{expected:.1f} expected "
            f"from the background rate ({ratio:.0f}x, Bonferroni p {p_value:.2g})"
        )
        if shared:
            reason += "; shared: " + "; ".join(_trait_label(k, v, s) for k, v, s in shared[:4])
        if core is not members:
            reason += f"; {len(core)} of them carry the strong shared traits (or their handle or avatar is not known)"
        out.append(_batch("creation", core, shared, score, signals, reason, n_in_window=len(members), expected=expected, p_value=p_value))
    return out


def _mark_near_duplicate_bios(members: list[dict], min_chars: int) -> None:
    """Give members whose bios are near-duplicates (token-set Jaccard >= ``BIO_JACCARD``,
    linked transitively) the trait ``bio_near`` with the group's most common bio as its value.
    No background rate is estimated for it: a group of 3+ near-identical bios among accounts
    created together is taken as shared by construction."""
    if len(members) > MAX_NEAR_DUP_WINDOW:
        return
    toks = []
    for i, m in enumerate(members):
        norm = normalise_phrase(m["description"] or "")
        if len(norm) >= min_chars:
            toks.append((i, frozenset(norm.split()), norm))
    def near(a: int, b: int) -> bool:
        ta, tb = toks[a][1], toks[b][1]
        return len(ta & tb) >= BIO_JACCARD * len(ta | tb)

    groups = [[(toks[k][0], toks[k][2]) for k in g] for g in linked_groups(len(toks), near)]
    for g in groups:
        if len(g) >= 3:
            rep = Counter(n for _, n in g).most_common(1)[0][0]
            for i, _ in g:
                members[i]["_traits"]["bio_near"] = rep


def _may_carry(m: dict, strong: set[tuple[str, str]]) -> bool:
    """Whether a member carries at least half of the strong shared traits, counting as carried a
    trait it cannot be seen not to carry (its handle was hashed by the archive, or its avatar is
    unknown). Half, not one: a single coincidence (a handle that happens to have the batch's
    length) must not pull a background sign-up into the batch."""
    mine = set(m["_traits"].items())
    carried = 0
    for k, v in strong:
        unseen = (m["hashed"] and k in HANDLE_TRAITS) or (k == "avatar" and not m["avatar_hash"])
        carried += (k, v) in mine or bool(unseen)
    return carried * 2 >= len(strong)


def _noisy_or(signals: dict[str, float]) -> float:
    keep = 1.0
    for k, s in signals.items():
        keep *= 1.0 - TRAIT_WEIGHT[k] * s
    return round(1.0 - keep, 4)


def _fmt(t: int) -> str:
    d = datetime(1970, 1, 1) + timedelta(seconds=int(t))
    return d.strftime("%Y-%m-%d %H:%M") if d.hour or d.minute else d.strftime("%Y-%m-%d")


def _trait_batches(acc: ibis.Table, p: dict) -> list[dict]:
    """Batches of accounts sharing one avatar, one bio or one handle stem, created whenever."""
    out = []
    for kind, col, min_n in (("avatar", "avatar_key", p["min_avatar_group"]), ("bio", "bio_key", p["min_bio_group"])):
        groups = acc.filter(acc[col].notnull()).group_by(col).aggregate(n=lambda t: t.count())
        values = [r[col] for r in groups.filter(groups.n >= min_n).to_pyarrow().to_pylist()]
        if not values:
            continue
        rows = acc.filter(acc[col].isin(values)).to_pyarrow().to_pylist()
        by: dict[str, list[dict]] = {}
        for r in rows:
            r["_traits"] = _traits_of(r)
            by.setdefault(r[col], []).append(r)
        for v, members in by.items():
            out.append(_trait_batch(kind, v, members))
    # handle stems need Python parsing: only handles ending in 2+ digits are candidates
    cand = acc.filter(~acc.hashed & acc.handle.re_search(r"^[A-Za-z_]{4,}_?[0-9]{2,}$"))
    rows = cand.to_pyarrow().to_pylist()
    by = {}
    for r in rows:
        if (s := handle_stem(r["handle"])) is not None:
            r["_traits"] = _traits_of(r)
            by.setdefault(s, []).append(r)
    out += _stem_batches(acc, by, p)
    return out


def _stem_batches(acc: ibis.Table, by: dict[str, list[dict]], p: dict) -> list[dict]:
    """Stems whose accounts were made together. Common stems ("john", "maple") recur among
    unrelated people over the years, so the densest ``stem_window_days`` of a stem must hold
    ``min_batch_size`` accounts and more than chance allows: a Poisson test against the stem's
    accounts spread evenly over the span of all creation dates, Bonferroni over the stems tested."""
    from scipy.stats import poisson

    window = p["stem_window_days"] * 86400
    span = acc.aggregate(lo=acc.t.min(), hi=acc.t.max()).to_pyarrow().to_pylist()[0]
    span_s = max(window, (span["hi"] or 0) - (span["lo"] or 0)) if span["lo"] is not None else window
    tested = {v: ms for v, ms in by.items() if len(ms) >= p["min_batch_size"]}
    out = []
    for v, members in tested.items():
        dated = [m for m in members if m["t"] is not None]
        if not dated:  # creation times unknown: the stem alone (scored lower, no creation signal)
            out.append(_trait_batch("handle_stem", v, members))
            continue
        close = _densest_window(dated, window)
        expected = len(dated) * window / span_s
        p_value = poisson.sf(len(close) - 1, expected) * len(tested)
        if len(close) >= p["min_batch_size"] and p_value <= p["alpha"]:
            out.append(_trait_batch("handle_stem", v, close))
    return out


def _densest_window(members: list[dict], width: int) -> list[dict]:
    """The largest set of members created within ``width`` seconds of each other."""
    ms = sorted(members, key=lambda m: m["t"])
    best, j = (0, 0), 0
    for i in range(len(ms)):
        while ms[i]["t"] - ms[j]["t"] > width:
            j += 1
        if i + 1 - j > best[1] - best[0]:
            best = (j, i + 1)
    return ms[best[0]:best[1]]


def _trait_batch(kind: str, value: str, members: list[dict]) -> dict:
    others = Counter((k, v) for m in members for k, v in m["_traits"].items() if k != kind)
    shared = [(kind, value, 1.0)] + sorted(
        # a trait only one member carries is not shared, however small the batch (in a batch of
        # two it would otherwise count as "50% of the batch" and make a lone shared picture "high")
        ((k, v, c / len(members)) for (k, v), c in others.items() if c >= 2 and c / len(members) >= 0.5 and k in STRONG_TRAITS),
        key=lambda x: -x[2],
    )
    ts = sorted(m["t"] for m in members if m["t"] is not None)
    spread_days = (ts[-1] - ts[0]) / 86400 if len(ts) >= 2 else None
    created_together = spread_days is not None and spread_days <= 7
    # created close together, or sharing a second trait, makes a shared trait much more telling:
    # unrelated people do pick the same popular picture or quote, years apart (a lone shared
    # trait is reported, at low confidence)
    lone = len(shared) == 1 and not created_together
    signals = {k: (LONE_TRAIT_SIGNAL if lone else 1.0) if k == kind else min(1.0, s / 0.6) for k, _, s in shared}
    if created_together:
        signals["creation"] = 0.5
    score = _noisy_or(signals)
    what = {"avatar": "the same avatar", "bio": "the same bio", "handle_stem": "one handle stem with a digit suffix"}[kind]
    reason = f"{len(members)} accounts share {what} ({_trait_label(kind, value, 1.0)})"
    if spread_days is not None:
        reason += f", created within {spread_days:.0f} days of each other"
    return _batch(kind, members, shared, score, signals, reason, n_in_window=len(members), expected=None, p_value=None)


def _batch(basis, members, shared, score, signals, reason, *, n_in_window, expected, p_value) -> dict:
    ts = [m["t"] for m in members if m["t"] is not None]
    epoch = datetime(1970, 1, 1)
    n_signals = sum(1 for s in signals.values() if s >= 0.5)
    shared_keys = {(k, v) for k, v, _ in shared}
    return {
        "basis": basis,
        "created_from": epoch + timedelta(seconds=min(ts)) if ts else None,
        "created_to": epoch + timedelta(seconds=max(ts)) if ts else None,
        "size": len(members),
        "traits": [_trait_label(k, v, s) for k, v, s in shared],
        "n_in_window": n_in_window,
        "expected_background": expected,
        "p_value": p_value,
        "score": score,
        "confidence": confidence_for(score / SCORE_THRESHOLD, n_signals),
        "reason": reason,
        "_shared": shared,
        "members": [
            {"account_id": m["account_id"], "handle": m["handle"], "display_name": m["display_name"],
             "created_at": m["created_at"], "traits": [_trait_label(k, v) for k, v in m["_traits"].items() if (k, v) in shared_keys]}
            for m in sorted(members, key=lambda m: (m["t"] or 0, m["account_id"]))
        ],
    }


def _finding(b: dict, p: dict) -> Finding:
    ids = tuple(m["account_id"] for m in b["members"])
    ev = []
    if b["basis"] == "creation":
        ev.append(Evidence(
            "creation burst",
            f"{b['n_in_window']} accounts created {b['created_from']:%Y-%m-%d} to {b['created_to']:%Y-%m-%d}; "
            f"~{b['expected_background']:.1f} expected from the background rate (Bonferroni p {b['p_value']:.2g})",
            accounts=ids[:50], at=b["created_from"],
            values={"n_in_window": b["n_in_window"], "expected": b["expected_background"], "p_value": b["p_value"]},
        ))
    for k, v, s in b["_shared"]:
        carriers = tuple(m["account_id"] for m in b["members"] if _trait_label(k, v) in m["traits"])
        ev.append(Evidence(
            k.replace("_", " "), f"{100 * s:.0f}% of the batch: {_trait_label(k, v, s)}",
            accounts=carriers[:50], target=v, values={"share": s, "n": len(carriers)},
        ))
    return Finding(
        detector="personas", kind="batch", id=b["batch_id"],
        title=f"{b['size']} accounts: {b['basis'].replace('_', ' ')} batch"
              + (f" ({b['created_from']:%Y-%m-%d})" if b["created_from"] else ""),
        summary=b["reason"], accounts=ids, score=float(b["score"]), confidence=b["confidence"], evidence=tuple(ev),
        metrics={k: b[k] for k in ("basis", "size", "traits", "n_in_window", "expected_background", "p_value")},
        params=p, roles={a: "member" for a in ids},
    )


def detect(ws, **params):
    """Function form: ``PersonasDetector(**params).detect(ws)``."""
    return PersonasDetector(**params).detect(ws)
