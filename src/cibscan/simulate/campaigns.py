"""Planted campaigns: who takes part, when they are active, and what each tactic leaves behind.

Two operations run during the period, each with a source account it promotes and active
windows (pushes). What each group does, and which tactics ``truth/accounts.csv`` lists for
its members (every listed tactic is visible in the data, by construction):

========  ===========================================================  =========================
group     behaviour                                                    tactics
========  ===========================================================  =========================
op1-F     a hashtag flood: a burst of a new campaign hashtag over       flood, copy_paste
          ~60 h from a concentrated army (heavy-tailed volumes, many
          accounts created in the weeks before), mostly light-edit
          copies of the operation's lines, some internal reposts
op1-R     reposts every post of the operation's source within seconds   co_repost, persona_batch
          of each other; the accounts were created together (batch B1:
          platform-default handles, near-duplicate bios, one reused
          picture)
op1-P     light-edit copies of the operation's lines (Latin and         copy_paste
          Persian/Arabic script, keyboard variants) in waves
op1-L     ordinary-looking timelines where 10-30% of posts carry the    laundering
          operation's lines, placed in its active windows
op2-K     the same campaign-site URL within seconds, link after link    co_link
op2-S     links to spoofed copies of real outlets; created together     spoofed_outlet, persona_batch
          (batch B2: shared handle stem + digits, near-duplicate bios)
op2-I     impersonators of prominent accounts: handle one edit off,     impersonator
          same display name, the same picture re-encoded and resized;
          they post the operation's statements
op2-B3    a batch created during the period (shared handle stem) that   persona_batch
          amplifies the source and the impersonators early
========  ===========================================================  =========================

The sizes grow sub-linearly with the data (``ScenarioConfig.group_size``). Campaign
accounts also post ordinary "cover" content through the organic generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .accounts import ROLE_CAMPAIGN, ROLE_ORGANIC, ROLE_SOURCE, make_profiles
from .domains import SPOOF_CLASSES, spoof_domain
from .handles import LOOKALIKE_CLASSES, default_handle, lookalike_handle
from .organic import build_originals, expected_posts, pick_weighted
from .posts import Numbering, concat_batches, repost_rows, with_engagement
from .streams import stream
from .text import EMOJI, LANGS, join_ids, light_edits, script_variants

__all__ = ["CampaignPlan", "Group", "plan_campaigns", "campaign_posts"]

FA, EN, ES, RU = LANGS.index("fa"), LANGS.index("en"), LANGS.index("es"), LANGS.index("ru")
#: the flood: this share of all posts (at least FLOOD_MIN), a quarter of it reposts
FLOOD_SHARE, FLOOD_MIN, FLOOD_REPOST_SHARE = 0.015, 300, 0.25
_CAMPAIGN_CLIENTS = np.array([0.2, 0.1, 0.45, 0.2, 0.0, 0.05])
_DAY = 86_400


@dataclass
class Group:
    gid: str
    campaign: str
    tactics: tuple[str, ...]
    members: np.ndarray
    source: int = -1
    created_from: int | None = None
    created_to: int | None = None
    detail: dict = field(default_factory=dict)  # per member index: text for truth
    target: dict = field(default_factory=dict)  # per member index: account index (impersonation)


@dataclass
class Operation:
    name: str
    langs: tuple[int, ...]
    windows: list[tuple[int, int, str]]  # (start, end, kind)
    source: int
    tags: list[int]  # global tag ids; for op1 the first is the flood tag
    templates: dict[int, np.ndarray]  # lang -> (k, L) word ids
    sites: list[str] = field(default_factory=list)
    spoofs: list[tuple[str, str, int]] = field(default_factory=list)  # (domain, class, outlet index)


@dataclass
class CampaignPlan:
    ops: dict[str, Operation]
    groups: dict[str, Group]

    def truth_rows(self) -> list[dict]:
        """One row per (account, tactic), account indices."""
        rows = []
        for g in self.groups.values():
            for m in g.members:
                m = int(m)
                for t in g.tactics:
                    target = g.target.get(m, g.source if t in ("co_repost", "persona_batch") else -1)
                    rows.append({"account": m, "tactic": t, "campaign": g.campaign, "target": target,
                                 "group": g.gid, "detail": g.detail.get(m, "")})
        return rows


# -- planning ------------------------------------------------------------------------------
def _windows(rng: np.random.Generator, cfg, n: int, lengths_h: tuple[float, float], taken: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``n`` active windows of the given lengths, 6 h apart from each other and from ``taken``
    when the period allows; in short periods they may overlap the other operation's, and
    there is always at least one."""
    out: list[tuple[int, int, str]] = []
    span = cfg.days * _DAY
    for tries in range(3000):
        if len(out) == n:
            break
        length = int(min(rng.uniform(*lengths_h) * 3600, span / 4))
        start = cfg.t0 + int(rng.integers(3600, max(3601, span - length - 3600)))
        avoid = out + (taken if tries < 1500 else [])
        if all(start >= e + 6 * 3600 or start + length + 6 * 3600 <= s for s, e, _ in avoid):
            out.append((start, start + length, "push"))
    if not out:
        out.append((cfg.t0 + span // 3, cfg.t0 + span // 3 + int(lengths_h[0] * 3600), "push"))
    return sorted(out)


def _templates(rng: np.random.Generator, vocab, lang: int, k: int) -> np.ndarray:
    """Campaign lines: word ids drawn evenly from mid-frequency words (distinctive, unlike
    the Zipf-heavy everyday texts), 10-18 words each."""
    lengths = rng.integers(10, 19, size=k)
    hi = min(int(vocab.word_count[lang]), 2500)
    ids = vocab.word_offset[lang] + rng.integers(30, hi, size=(k, 18))
    ids[np.arange(18)[None, :] >= lengths[:, None]] = -1
    return ids.astype(np.int32)


def _members(world, rng: np.random.Generator, n: int, langs: tuple[int, ...], created_from: int, created_to: int,
             cover: float, followers_mu: float = 3.5) -> np.ndarray:
    """Campaign accounts with ordinary-looking profiles, created between the two times."""
    acc = world.accounts
    lang = rng.choice(langs, size=n).astype(np.int8)
    styles = rng.choice(5, size=n, p=[0.25, 0.3, 0.25, 0.1, 0.1])
    prof = make_profiles(rng, world.vocab, acc.registry, lang, styles, bio_share=0.5,
                         hostile_share=0.05 if "hostile_strings" in world.cfg.traps else 0.0)
    start = acc.n
    avatar = [("own", start + i) if r < 0.4 else None for i, r in enumerate(rng.random(n))]
    return acc.add(role=ROLE_CAMPAIGN, lang=lang, created=rng.integers(created_from, created_to, size=n),
                   activity=np.full(n, cover * np.median(acc.activity[acc.role == ROLE_ORGANIC])),
                   followers=np.exp(followers_mu + 1.1 * rng.standard_normal(n)).astype(np.int64),
                   following=np.exp(5.5 + 0.8 * rng.standard_normal(n)).astype(np.int64),
                   handle=prof["handle"], display=prof["display"], bio=prof["bio"], location=prof["location"],
                   avatar=avatar, client=rng.choice(6, size=n, p=_CAMPAIGN_CLIENTS).astype(np.int8), rng=rng)


def _batch(world, rng: np.random.Generator, n: int, langs: tuple[int, ...], day_start: int, template: str, stock: int,
           cover: float) -> tuple[np.ndarray, int, int]:
    """A persona batch: created within a few hours of one day, templated handles, near-duplicate
    bios, display names unrelated to the handles, one reused (or the default) picture."""
    acc = world.accounts
    vocab = world.vocab
    lang = rng.choice(langs, size=n).astype(np.int8)
    t_from = day_start + int(rng.integers(2 * 3600, 12 * 3600))
    created = np.sort(t_from + rng.integers(0, int(rng.uniform(1, 8) * 3600), size=n))
    stem = vocab.given["en"][int(rng.integers(0, len(vocab.given["en"])))][1].lower()[:6]
    handles = []
    for i in range(n):
        g_lat = vocab.given[LANGS[lang[i]]][int(rng.integers(0, 400))][1]
        if template == "default":
            h = default_handle(rng, g_lat)
        elif template == "stem_digits":
            h = f"{stem}_{int(rng.integers(10, 1000))}"
        else:  # stem_name
            h = f"{stem[:4]}{g_lat[:9]}"
        handles.append(acc.registry.claim(h, rng))
    # display names: someone else's name (handle and name do not match)
    prof = make_profiles(rng, vocab, _ScratchRegistry(), lang, np.zeros(n, np.int64), bio_share=1.0, location_share=0.2)
    base = vocab.sample_words(rng, np.array([lang[0]]), np.array([10]))
    bio_ids = light_edits(rng, np.repeat(base, n, axis=0), int(vocab.word_offset[lang[0]]), int(vocab.word_count[lang[0]]),
                          rng.choice([0, 1, 1, 2], size=n))
    bios = join_ids(bio_ids, vocab.words).to_pylist()
    emo = EMOJI[int(rng.integers(0, len(EMOJI)))]
    bios = [b + (" " + emo if r < 0.7 else "") for b, r in zip(bios, rng.random(n))]
    pic = rng.random(n)
    avatar = [("stock", stock) if p < 0.55 else (("stock_variant", stock, i) if p < 0.75 else None) for i, p in enumerate(pic)]
    idx = acc.add(role=ROLE_CAMPAIGN, lang=lang, created=created,
                  activity=np.full(n, cover * np.median(acc.activity[acc.role == ROLE_ORGANIC])),
                  followers=np.exp(2.5 + 1.0 * rng.standard_normal(n)).astype(np.int64),
                  following=np.exp(5.0 + 0.6 * rng.standard_normal(n)).astype(np.int64),
                  handle=handles, display=prof["display"], bio=bios, location=prof["location"], avatar=avatar,
                  client=rng.choice(6, size=n, p=_CAMPAIGN_CLIENTS).astype(np.int8), rng=rng)
    return idx, int(created.min()), int(created.max())


def _batch_group(world, rng: np.random.Generator, gid: str, op: Operation, tactic: str, n: int, langs: tuple[int, ...],
                 days_before: tuple[int, int], template: str, stock: int, cover: float) -> Group:
    """A group doing ``tactic``: a persona batch when persona batches are planted, else
    accounts with ordinary profiles created over the years."""
    cfg = world.cfg
    on = set(cfg.tactics)
    if "persona_batch" in on:
        day = cfg.t0 - int(rng.integers(*days_before)) * _DAY
        members, c0, c1 = _batch(world, rng, n, langs, (day // _DAY) * _DAY, template, stock=stock, cover=cover)
    else:
        members = _members(world, rng, n, langs, cfg.t0 - 4 * 365 * _DAY, cfg.t0 - days_before[0] * _DAY, cover)
        c0 = c1 = None
    tactics = tuple(t for t in (tactic, "persona_batch") if t in on)
    return Group(gid, op.name, tactics, members, op.source, c0, c1)


class _ScratchRegistry:
    """A handle registry that reserves nothing (for display names made via ``make_profiles``)."""

    def claim(self, handle, rng):
        return handle


def _source(world, rng: np.random.Generator, lang: int) -> int:
    acc = world.accounts
    prof = make_profiles(rng, world.vocab, acc.registry, np.array([lang], np.int8), np.array([3]), bio_share=1.0)
    idx = acc.add(role=ROLE_SOURCE, lang=np.array([lang], np.int8), created=rng.integers(world.cfg.t0 - 9 * 365 * _DAY, world.cfg.t0 - 3 * 365 * _DAY, size=1),
                  activity=np.array([np.quantile(acc.activity, 0.9)]), followers=rng.integers(8_000, 40_000, size=1),
                  following=rng.integers(100, 600, size=1), handle=prof["handle"], display=prof["display"], bio=prof["bio"],
                  location=prof["location"], rng=rng)
    acc.avatar[int(idx[0])] = ("own", int(idx[0]))
    return int(idx[0])


def _impersonators(world, rng: np.random.Generator, n: int, group: Group) -> np.ndarray:
    acc = world.accounts
    exclude = set(world.facts.get("lookalike_targets", np.zeros(0)).tolist())
    pool = [int(i) for i in world.facts["prominent"] if int(i) not in exclude and len(acc.handle[int(i)]) >= 5]
    targets = rng.choice(pool, size=min(n, len(pool)), replace=False)
    classes = list(LOOKALIKE_CLASSES)
    rng.shuffle(classes)
    made = []
    for j, t in enumerate(targets):
        t = int(t)
        for k in range(len(classes) * 3):
            cls = classes[(j + k) % len(classes)]
            h = lookalike_handle(acc.handle[t], cls, rng)
            if h and acc.registry.take(h):
                break
        else:
            continue
        display = acc.display[t]
        how = "same display name"
        if rng.random() < 0.3:
            swapped = _homoglyph_name(display)
            if swapped != display:
                display, how = swapped, "display name with a Cyrillic look-alike letter"
        created = int(rng.integers(max(acc.created[t] + 30 * _DAY, world.cfg.t0 - 150 * _DAY), world.cfg.t0 - 2 * _DAY))
        idx = acc.add(role=ROLE_CAMPAIGN, lang=np.array([acc.lang[t]], np.int8), created=np.array([created]),
                      activity=np.array([0.2 * np.median(acc.activity)]),
                      followers=np.array([int(np.exp(3.5 + rng.standard_normal()))]), following=np.array([int(rng.integers(50, 800))]),
                      handle=[h], display=[display], bio=[acc.bio[t]], location=[acc.location[t]], url=[""],
                      avatar=[("copy", t, j)], client=np.array([2], np.int8), rng=rng)
        i = int(idx[0])
        made.append(i)
        group.target[i] = t
        group.detail[i] = f"{cls}; {how}; picture re-encoded and resized"
    return np.array(made, dtype=np.int64)


_CYR = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "A": "А", "E": "Е", "O": "О", "M": "М", "K": "К"}


def _homoglyph_name(name: str) -> str:
    for i, ch in enumerate(name):
        if ch in _CYR:
            return name[:i] + _CYR[ch] + name[i + 1:]
    return name


def plan_campaigns(world) -> CampaignPlan:
    """Add campaign accounts to the world and fix who does what when (see module docstring)."""
    cfg = world.cfg
    acc = world.accounts
    vocab = world.vocab
    rng = stream(cfg.seed, "campaign-plan")
    on = set(cfg.tactics)
    ops: dict[str, Operation] = {}
    groups: dict[str, Group] = {}
    if not on:
        return CampaignPlan(ops, groups)
    persona = "persona_batch" in on

    # -- operation 1: hashtag flood, co-reposting, copy-paste, laundering (Persian + English)
    flood_len = int(min(60 * 3600, 0.25 * cfg.days * _DAY))
    f_start = cfg.t0 + int(rng.uniform(0.5, 0.7) * cfg.days * _DAY)
    flood_w = [(f_start, f_start + flood_len, "flood")] if "flood" in on else []
    w1 = sorted(flood_w + _windows(rng, cfg, max(3, cfg.days // 6), (4, 10), flood_w))
    op1_tags = [int(vocab.tag_offset[FA] + 0), int(vocab.tag_offset[FA] + 1), int(vocab.tag_offset[EN] + 0)]
    op1 = Operation("op1", (FA, EN), w1, _source(world, rng, FA), op1_tags,
                    {FA: _templates(rng, vocab, FA, 6), EN: _templates(rng, vocab, EN, 6)})
    ops["op1"] = op1
    if "flood" in on:
        n = cfg.group_size(70, 12)
        new = rng.random(n) < 0.6
        m_new = _members(world, rng, int(new.sum()), (FA, FA, EN), f_start - 60 * _DAY, f_start - _DAY, 0.3, 2.5)
        m_old = _members(world, rng, n - int(new.sum()), (FA, FA, EN), cfg.t0 - 3 * 365 * _DAY, cfg.t0 - 60 * _DAY, 0.3, 3.0)
        tactics = ("flood", "copy_paste") if "copy_paste" in on else ("flood",)
        groups["op1-F"] = Group("op1-F", "op1", tactics, np.concatenate([m_new, m_old]), op1.source)
    if "co_repost" in on or persona:
        groups["op1-R"] = _batch_group(world, rng, "op1-R", op1, "co_repost", cfg.group_size(30, 10), (FA, EN),
                                       (60, 240), "default", stock=0, cover=0.4)
    if "copy_paste" in on:
        n = cfg.group_size(20, 8)
        groups["op1-P"] = Group("op1-P", "op1", ("copy_paste",),
                                _members(world, rng, n, (FA, EN), cfg.t0 - 5 * 365 * _DAY, cfg.t0 - 90 * _DAY, 0.8, 4.0), op1.source)
    if "laundering" in on:
        n = cfg.group_size(15, 8)
        taken = {t["account"] for t in world.traps}
        pool = np.flatnonzero((acc.role == ROLE_ORGANIC) & (acc.created < cfg.t0 - 365 * _DAY))
        pool = np.array([p for p in pool if int(p) not in taken])
        members = rng.choice(pool, size=n, replace=False)
        g = Group("op1-L", "op1", ("laundering",), np.sort(members), op1.source)
        acc.role[g.members] = ROLE_CAMPAIGN  # never drawn again as an ordinary bystander
        # an established voice: active enough for a timeline, aligned share drawn per account
        per_activity = expected_posts(acc, np.arange(acc.n), cfg.posts * 0.93).sum() / acc.activity.sum()
        for m in g.members:
            acc.activity[m] = rng.uniform(40, 120) / per_activity
            g.detail[int(m)] = f"planned_share={rng.uniform(0.10, 0.30):.2f}"
        groups["op1-L"] = g

    # -- operation 2: co-linking, spoofed outlets, impersonation (Russian, Spanish, English)
    w2 = _windows(rng, cfg, max(4, cfg.days // 5), (6, 16), w1)
    op2_tags = [int(vocab.tag_offset[RU] + 0), int(vocab.tag_offset[ES] + 0)]
    op2 = Operation("op2", (RU, ES, EN), w2, _source(world, rng, RU), op2_tags,
                    {RU: _templates(rng, vocab, RU, 5), ES: _templates(rng, vocab, ES, 5), EN: _templates(rng, vocab, EN, 5)})
    from .domains import make_sites

    op2.sites = make_sites(rng, 2, "{w}-media.{tld}")
    ops["op2"] = op2
    if "co_link" in on:
        n = cfg.group_size(25, 8)
        groups["op2-K"] = Group("op2-K", "op2", ("co_link",),
                                _members(world, rng, n, (RU, ES, EN), cfg.t0 - 4 * 365 * _DAY, cfg.t0 - 20 * _DAY, 0.5), op2.source)
    if "spoofed_outlet" in on or persona:
        groups["op2-S"] = _batch_group(world, rng, "op2-S", op2, "spoofed_outlet", cfg.group_size(15, 8), (RU, ES),
                                       (20, 120), "stem_digits", stock=1, cover=0.3)
    if "spoofed_outlet" in on:
        classes = list(SPOOF_CLASSES)
        rng.shuffle(classes)
        real = {o.domain for o in world.outlets}
        targets = [i for i, o in enumerate(world.outlets) if o.lang in (EN, ES, RU)]
        targets = [targets[int(j)] for j in rng.choice(len(targets), size=min(4, len(targets)), replace=False)]
        k = 0
        for oi in targets:
            made = 0
            for _ in range(40):
                cls = classes[k % len(classes)]
                k += 1
                d = spoof_domain(world.outlets[oi].domain, cls, rng)
                if d and d not in real and d not in {s for s, _, _ in op2.spoofs}:
                    op2.spoofs.append((d, cls, oi))
                    world.outlets[oi].spoofs.append((d, cls))
                    made += 1
                if made == 2:
                    break
    if "impersonator" in on:
        tactics = ("impersonator", "copy_paste") if "copy_paste" in on else ("impersonator",)
        g = Group("op2-I", "op2", tactics, np.zeros(0, np.int64))
        g.members = _impersonators(world, rng, cfg.group_size(10, 6), g)
        groups["op2-I"] = g
    if persona:
        n = cfg.group_size(20, 8)
        day = cfg.t0 + int(rng.integers(1, 3)) * _DAY
        members, c0, c1 = _batch(world, rng, n, (RU, ES, EN), day, "stem_name", stock=2, cover=0.3)
        groups["op2-B3"] = Group("op2-B3", "op2", ("persona_batch",), members, op2.source, c0, c1)
    # the sources post the operations' lines (copy-paste) and op2's links just before op2-K
    for op, tactics in ((op1, ("copy_paste",)), (op2, ("co_link", "copy_paste"))):
        tactics = tuple(t for t in tactics if t in on and (t != "co_link" or "op2-K" in groups))
        if tactics:
            groups[f"{op.name}-source"] = Group(f"{op.name}-source", op.name, tactics, np.array([op.source]), op.source)
    return CampaignPlan(ops, groups)


# -- posts ---------------------------------------------------------------------------------
def flood_volume(cfg) -> int:
    """Posts (and reposts) the flood army makes."""
    return max(FLOOD_MIN, int(FLOOD_SHARE * cfg.posts))


def _times_in(rng: np.random.Generator, windows: list[tuple[int, int, str]], k: int, after: np.ndarray | int = 0) -> np.ndarray:
    """``k`` times spread over the windows (by length), each after ``after``."""
    lengths = np.array([e - s for s, e, _ in windows], dtype=float)
    w = rng.choice(len(windows), size=k, p=lengths / lengths.sum())
    starts = np.array([s for s, _, _ in windows])[w]
    ends = np.array([e for _, e, _ in windows])[w]
    t = starts + (rng.random(k) * (ends - starts)).astype(np.int64)
    return np.maximum(t, np.asarray(after) + 60)


def _variants(world, rng: np.random.Generator, op: Operation, langs: np.ndarray, which: np.ndarray | None = None) -> pa.StringArray:
    """Light-edit copies of the operation's lines, one per row, in the row's language."""
    vocab = world.vocab
    n = len(langs)
    out = [None] * n
    for lang, tpl in op.templates.items():
        rows = np.flatnonzero(langs == lang)
        if not len(rows):
            continue
        pick = (which[rows] if which is not None else rng.integers(0, len(tpl), size=len(rows))) % len(tpl)
        ids = light_edits(rng, tpl[pick], int(vocab.word_offset[lang]), int(vocab.word_count[lang]),
                          rng.choice([0, 1, 1, 2], size=len(rows)))
        txt = script_variants(rng, join_ids(ids, vocab.words), np.full(len(rows), lang))
        for r, s in zip(rows, txt.to_pylist()):
            out[r] = s
    return pa.array(out, pa.string())


def _lines(world, rng: np.random.Generator, op: Operation, langs: np.ndarray) -> pa.StringArray:
    """What an operation's own accounts write: copies of its lines when copy-paste is planted,
    else ordinary-looking text."""
    return _variants(world, rng, op, langs) if "copy_paste" in world.cfg.tactics else _free_text(world, rng, langs)


def _free_text(world, rng, langs: np.ndarray, lo: int = 5, hi: int = 16) -> pa.StringArray:
    return join_ids(world.vocab.sample_words(rng, langs, rng.integers(lo, hi, size=len(langs))), world.vocab.words)


def _tag_matrix(n: int, first: np.ndarray | int, second: np.ndarray | None = None) -> np.ndarray:
    m = np.full((n, 2), -1, np.int32)
    m[:, 0] = first
    if second is not None:
        m[:, 1] = second
    return m


def _ymd(t: int) -> tuple[int, int, int]:
    d = datetime.fromtimestamp(int(t), tz=timezone.utc)
    return d.year, d.month, d.day


def _site_url(rng, world, site: str, t: int) -> str:
    y, m, _ = _ymd(t)
    slug = "-".join(world.vocab.given["en"][int(i)][1].lower() for i in rng.integers(0, 400, size=3))
    return f"https://{site}/{y}/{m:02d}/{slug}-{int(rng.integers(1000, 99999))}"


def campaign_posts(world) -> tuple[pa.Table, dict]:
    """Every campaign post (and the organic reactions to them), numbered from 0.

    Returns the batch and facts for the truth files (planned windows, laundering counts)."""
    cfg = world.cfg
    plan: CampaignPlan = world.plan
    acc = world.accounts
    rng = stream(cfg.seed, "campaign-posts")
    numbering = Numbering(0)
    G = plan.groups
    originals = []  # (label, batch)
    if not plan.ops:
        return concat_batches([]), {"laundering_planned": {}}
    op1, op2 = plan.ops["op1"], plan.ops["op2"]
    on = set(cfg.tactics)

    def originals_of(label, authors, times, langs, body, tag_ids=None, url=None):
        b = build_originals(world, rng, numbering, np.asarray(authors), np.asarray(times), np.asarray(langs, np.int8), body,
                            tag_ids=tag_ids, url=url)
        originals.append((label, b))
        return b

    # op1 source: its own posts (the ones op1-R reposts), mostly inside op1's windows
    n_src = cfg.repeats(40, 15)
    inside = rng.random(n_src) < 0.75
    t_src = np.where(inside, _times_in(rng, op1.windows, n_src), cfg.t0 + rng.integers(3600, cfg.days * _DAY - 3 * 3600, size=n_src))
    langs = np.full(n_src, FA, np.int8)
    langs[rng.random(n_src) < 0.3] = EN
    originals_of("op1-source", np.full(n_src, op1.source), np.sort(t_src), langs, _lines(world, rng, op1, langs),
                      tag_ids=_tag_matrix(n_src, np.where(rng.random(n_src) < 0.5, op1.tags[1], -1)))

    # op1-F: the flood
    flood = None
    if "op1-F" in G:
        g = G["op1-F"]
        fs, fe, _ = next(w for w in op1.windows if w[2] == "flood")
        n_orig = flood_volume(cfg) - int(FLOOD_REPOST_SHARE * flood_volume(cfg))
        m = len(g.members)
        per = 4 + np.bincount(pick_weighted(rng, np.exp(0.9 * rng.standard_normal(m)), max(0, n_orig - 4 * m)), minlength=m)
        authors = np.repeat(g.members, per)
        first = np.concatenate([[0], np.cumsum(per)[:-1]])
        nth = np.arange(len(authors)) - np.repeat(first, per)
        # burst shape: ramp up over 4 h, plateau, ramp down over the last 6 h
        grid = np.arange(fs, fe, 60)
        x = (grid - fs) / 3600.0
        shape = np.clip(x / 4, 0, 1) * np.clip((fe - grid) / 3600.0 / 6, 0, 1) + 0.05
        times = grid[rng.choice(len(grid), size=len(authors), p=shape / shape.sum())] + rng.integers(0, 60, size=len(authors))
        times = np.maximum(times, acc.created[authors] + 3600)
        langs = acc.lang[authors].copy()
        langs[(langs != FA) & (langs != EN)] = FA
        copy = (nth < 3) | (rng.random(len(authors)) < 0.6) if "copy_paste" in on else np.zeros(len(authors), bool)
        body = pc.if_else(pa.array(copy), _variants(world, rng, op1, langs), _free_text(world, rng, langs))
        second = np.where(rng.random(len(authors)) < 0.3, op1.tags[2], -1)
        flood = originals_of("op1-F", authors, times, langs, body, tag_ids=_tag_matrix(len(authors), op1.tags[0], second))
        g.detail.update({int(a): f"{int(c)} flood posts" for a, c in zip(g.members, per)})

    # op1-P: copy-paste waves
    if "op1-P" in G:
        g = G["op1-P"]
        n_waves = cfg.repeats(12, 8)
        rows_a, rows_t, rows_w = [], [], []
        for w in range(n_waves):
            ws, we, _ = op1.windows[int(rng.integers(0, len(op1.windows)))]
            t0 = int(rng.integers(ws, max(ws + 1, we - 3600)))
            go = rng.random(len(g.members)) < 0.7
            go[int(rng.integers(0, len(go)))] = True
            rows_a.append(g.members[go])
            rows_t.append(t0 + rng.integers(60, 3 * 3600, size=int(go.sum())))
            rows_w.append(np.full(int(go.sum()), w))
        authors, times, wave = np.concatenate(rows_a), np.concatenate(rows_t), np.concatenate(rows_w)
        # everyone posts at least 4 copies
        counts = np.bincount(np.searchsorted(g.members, authors), minlength=len(g.members))
        extra = np.repeat(g.members, np.maximum(0, 4 - counts))
        authors = np.concatenate([authors, extra])
        times = np.concatenate([times, _times_in(rng, op1.windows, len(extra))])
        wave = np.concatenate([wave, rng.integers(0, n_waves, size=len(extra))])
        langs = np.where(wave % 2 == 0, FA, EN).astype(np.int8)
        originals_of("op1-P", authors, times, langs, _variants(world, rng, op1, langs, wave // 2),
                     tag_ids=_tag_matrix(len(authors), np.where(rng.random(len(authors)) < 0.5, op1.tags[1], op1.tags[2])))

    # op1-L: laundering lines in op1's windows
    laundering_planned = {}
    if "op1-L" in G:
        g = G["op1-L"]
        expected = expected_posts(acc, g.members, cfg.posts * 0.93)
        rows_a, rows_t = [], []
        for m, e in zip(g.members, expected):
            share = float(g.detail[int(m)].split("=")[1])
            k = max(4, int(round(share / (1 - share) * e)))
            laundering_planned[int(m)] = k
            rows_a.append(np.full(k, m))
            rows_t.append(_times_in(rng, op1.windows, k))
        authors, times = np.concatenate(rows_a), np.concatenate(rows_t)
        langs = np.where(rng.random(len(authors)) < 0.5, FA, EN).astype(np.int8)
        originals_of("op1-L", authors, times, langs, _variants(world, rng, op1, langs),
                     tag_ids=_tag_matrix(len(authors), np.where(rng.random(len(authors)) < 0.6, op1.tags[1], -1)))

    # op2 source: campaign-site links (the ones op2-K co-shares)
    n_links = cfg.repeats(30, 12)
    t_links = np.sort(_times_in(rng, op2.windows, n_links))
    link_urls = [_site_url(rng, world, op2.sites[i % len(op2.sites)], t) for i, t in enumerate(t_links)]
    langs = rng.choice([RU, ES, EN], size=n_links).astype(np.int8)
    originals_of("op2-source", np.full(n_links, op2.source), t_links, langs, _lines(world, rng, op2, langs),
                      tag_ids=_tag_matrix(n_links, np.where(langs == ES, op2.tags[1], op2.tags[0])), url=link_urls)

    if "op2-K" in G:
        g = G["op2-K"]
        rows_a, rows_t, rows_u = [], [], []
        for i in range(n_links):
            go = rng.random(len(g.members)) < 0.8
            k = int(go.sum())
            d0 = rng.uniform(5, 40)
            rows_a.append(g.members[go])
            rows_t.append(t_links[i] + (d0 + rng.gamma(2.0, 6.0, size=k)).astype(np.int64))
            rows_u += [link_urls[i]] * k
        authors, times = np.concatenate(rows_a), np.concatenate(rows_t)
        langs = acc.lang[authors]
        originals_of("op2-K", authors, times, langs, _free_text(world, rng, langs, 3, 10),
                     tag_ids=_tag_matrix(len(authors), np.where(rng.random(len(authors)) < 0.3, op2.tags[0], -1)),
                     url=rows_u)

    if "op2-S" in G and op2.spoofs:
        g = G["op2-S"]
        per = rng.integers(4, 11, size=len(g.members))
        authors = np.repeat(g.members, per)
        times = _times_in(rng, op2.windows, len(authors), acc.created[authors])
        # a pool of spoofed articles, several shared by more than one member
        n_art = max(len(op2.spoofs), len(authors) // 2)
        art_spoof = rng.integers(0, len(op2.spoofs), size=n_art)
        art_t = _times_in(rng, op2.windows, n_art)
        urls = []
        for a in range(n_art):
            dom, _, oi = op2.spoofs[art_spoof[a]]
            y, mo, d = _ymd(art_t[a])
            sec = world.outlets[oi].sections[a % 4]
            slug = "-".join(world.vocab.given["en"][int(i)][1].lower() for i in rng.integers(0, 400, size=4))
            urls.append(f"https://www.{dom}/{sec}/{y}/{mo:02d}/{d:02d}/{slug}-{int(rng.integers(10_000, 999_999))}")
        which = rng.integers(0, n_art, size=len(authors))
        langs = np.array([world.outlets[op2.spoofs[art_spoof[w]][2]].lang for w in which], np.int8)
        originals_of("op2-S", authors, times, langs, _free_text(world, rng, langs, 7, 13), url=[urls[w] for w in which])
        g.detail.update({int(a): f"{int(c)} spoofed links" for a, c in zip(g.members, per)})

    imp = None
    if "op2-I" in G and len(G["op2-I"].members):
        g = G["op2-I"]
        per = rng.integers(5, 16, size=len(g.members))
        authors = np.repeat(g.members, per)
        times = _times_in(rng, op2.windows, len(authors), acc.created[authors])
        langs = acc.lang[authors].copy()
        langs[~np.isin(langs, list(op2.templates))] = EN
        with_link = rng.random(len(authors)) < 0.2
        url = [link_urls[int(rng.integers(0, n_links))] if w else "" for w in with_link]
        imp = originals_of("op2-I", authors, times, langs, _lines(world, rng, op2, langs), url=url)

    # organic echo: ordinary people using the flood tag in the flood window
    if flood is not None and "campaign_echo" in cfg.traps:
        fs, fe, _ = next(w for w in op1.windows if w[2] == "flood")
        k = max(10, int(0.05 * flood.num_rows))
        pool_w = np.sqrt(acc.activity) * (acc.role == ROLE_ORGANIC) * (acc.created < fs)
        authors = pick_weighted(rng, pool_w, k)
        langs = acc.lang[authors]
        originals_of("echo-tag", authors, fs + rng.integers(0, fe - fs, size=k), langs, _free_text(world, rng, langs),
                                tag_ids=_tag_matrix(k, op1.tags[0]))
        world.trap(np.unique(authors), "campaign_echo", "used the flood hashtag in its window")

    orig = concat_batches([b for _, b in originals])
    labels = np.concatenate([np.full(b.num_rows, lab, dtype=object) for lab, b in originals])
    o_acc = orig.column("account").to_numpy()
    o_t = orig.column("t").to_numpy()
    reposts = []

    def repost(rows, who, times):
        if len(rows):
            ok = times < cfg.t1
            rows, who, times = rows[ok], who[ok], times[ok]
            reposts.append(repost_rows(orig, rows, who, times, numbering.take(len(rows)), world.handles,
                                       world.accounts.client[who]))

    # op1-R: every source post, within seconds of each other
    if "op1-R" in G and "co_repost" in G["op1-R"].tactics:
        g = G["op1-R"]
        reliability = rng.uniform(0.75, 0.95, size=len(g.members))
        src_rows = np.flatnonzero(labels == "op1-source")
        R, W, T = [], [], []
        for r in src_rows:
            go = (rng.random(len(g.members)) < reliability) & (acc.created[g.members] < o_t[r])
            k = int(go.sum())
            d0 = rng.uniform(3, 40)
            R.append(np.full(k, r))
            W.append(g.members[go])
            T.append(o_t[r] + (d0 + rng.gamma(2.0, 6.0, size=k)).astype(np.int64))
        repost(np.concatenate(R), np.concatenate(W), np.concatenate(T))
    # op1-F: some flood posts reposted by a few other army members (minutes), inside the window
    if flood is not None:
        g = G["op1-F"]
        f_end = next(e for _, e, k in op1.windows if k == "flood")
        f_rows = np.flatnonzero(labels == "op1-F")
        n_rt = int(FLOOD_REPOST_SHARE * flood_volume(cfg))
        rows = rng.choice(f_rows, size=n_rt)
        who = rng.choice(g.members, size=n_rt)
        keep = (who != o_acc[rows])
        rows, who = rows[keep], who[keep]
        key = rows.astype(np.int64) * acc.n + who
        _, first = np.unique(key, return_index=True)
        first = np.sort(first)
        rows, who = rows[first], who[first]
        delay = np.exp(np.log(300) + 1.2 * rng.standard_normal(len(rows))).astype(np.int64) + 1
        repost(rows, who, np.minimum(o_t[rows] + delay, np.maximum(o_t[rows] + 1, f_end - 1)))
    # op2-B3: early amplification of the source and the impersonators
    if "op2-B3" in G:
        g = G["op2-B3"]
        targets = np.flatnonzero(labels == "op2-source")
        if imp is not None:
            i_rows = np.flatnonzero(labels == "op2-I")
            targets = np.concatenate([targets, i_rows[rng.random(len(i_rows)) < 0.35]])
        R, W, T = [], [], []
        for r in targets:
            go = (rng.random(len(g.members)) < 0.55) & (acc.created[g.members] < o_t[r])
            k = int(go.sum())
            R.append(np.full(k, r))
            W.append(g.members[go])
            T.append(o_t[r] + np.exp(np.log(100) + 0.7 * rng.standard_normal(k)).astype(np.int64) + 1)
        repost(np.concatenate(R), np.concatenate(W), np.concatenate(T))
    # organic echo: ordinary people who repost one campaign post once
    if "campaign_echo" in cfg.traps:
        cand = np.flatnonzero(np.isin(labels, ["op1-source", "op1-F", "op2-source", "op2-S", "op2-I"]))
        k = max(10, int(0.04 * len(cand)))
        rows = rng.choice(cand, size=k)
        pool_w = np.sqrt(acc.activity) * (acc.role == ROLE_ORGANIC)
        who = pick_weighted(rng, pool_w, k)
        ok = acc.created[who] < o_t[rows]
        rows, who = rows[ok], who[ok]
        _, first = np.unique(who, return_index=True)
        rows, who = rows[np.sort(first)], who[np.sort(first)]
        repost(rows, who, o_t[rows] + np.exp(np.log(3600) + 1.2 * rng.standard_normal(len(rows))).astype(np.int64) + 1)
        world.trap(who, "campaign_echo", [f"reposted one {labels[r]} post once" for r in rows])

    batch = with_engagement(concat_batches([orig] + reposts))
    facts = {"laundering_planned": laundering_planned}
    return batch, facts
