"""The world of a scenario: everything fixed before the first post is written.

``build_world(cfg)`` makes the vocabulary, the outlets and other sites, the account
population, the organic traps that live in accounts (fan clubs, lookalike handles, shared
pictures, a creation surge), the organic trends and memes, and the campaign plan. Posts are
then generated from it day by day (``organic.generate_day``) and all at once for campaigns
(``campaigns.campaign_posts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .accounts import (
    ROLE_ORGANIC,
    ROLE_OUTLET,
    ROLE_PROMINENT,
    Accounts,
    assign_account_ids,
    build_population,
    epoch,
)
from .config import ScenarioConfig
from .domains import Outlet, make_outlets, make_sites
from .handles import LOOKALIKE_CLASSES, lookalike_handle
from .streams import stream
from .text import EMOJI, LANGS, Vocabulary, build_vocabulary, join_ids, zipf_cdf

__all__ = ["World", "Trend", "Meme", "build_world", "RESERVED_TAGS", "OUTLET_LANGS"]

#: tags per language kept out of background use, for trends-to-be and campaigns
RESERVED_TAGS = 12
#: language (index in ``text.LANGS``) of each fictional outlet
OUTLET_LANGS = (0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 4, 5)


@dataclass
class Trend:
    """An organic trending hashtag: a fast rise, then exponential decay."""

    tag: int  # global tag id
    lang: int
    start: int
    end: int
    volume: int
    rise_s: int = 3 * 3600
    tau_s: int = 12 * 3600

    def intensity(self, t: np.ndarray) -> np.ndarray:
        x = t - self.start
        rise = np.clip(x / self.rise_s, 0, 1)
        decay = np.exp(-np.clip(x - self.rise_s, 0, None) / self.tau_s)
        return np.where((t >= self.start) & (t < self.end), rise * decay, 0.0)

    def minute_weights(self, t_from: int, t_to: int) -> tuple[np.ndarray, np.ndarray]:
        grid = np.arange(t_from, t_to, 60)
        return grid, self.intensity(grid + 30)

    def day_counts(self, t0: int, days: int) -> np.ndarray:
        """Posts per day (exact integers summing to ``volume``)."""
        grid, w = self.minute_weights(t0, t0 + days * 86_400)
        per_day = w.reshape(days, -1).sum(axis=1)
        return _apportion(self.volume, per_day)

    def sample_times(self, rng: np.random.Generator, day_start: int, k: int) -> np.ndarray:
        grid, w = self.minute_weights(day_start, day_start + 86_400)
        if w.sum() <= 0:
            return day_start + rng.integers(0, 86_400, size=k)
        cell = rng.choice(len(grid), size=k, p=w / w.sum())
        return grid[cell] + rng.integers(0, 60, size=k)


@dataclass
class Meme:
    """An identical text (greeting, slogan) posted by many unrelated accounts on one day."""

    text: str
    lang: int
    day: int
    count: int


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` summing exactly to ``total`` (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    raw = weights / weights.sum() * total
    out = np.floor(raw).astype(np.int64)
    rest = total - out.sum()
    if rest:
        out[np.argsort(-(raw - out), kind="stable")[:rest]] += 1
    return out


@dataclass
class World:
    cfg: ScenarioConfig
    vocab: Vocabulary
    accounts: Accounts
    outlets: list[Outlet]
    outlet_weight: np.ndarray
    sites: list[str]
    site_weight: np.ndarray
    facts: dict
    trends: list[Trend] = field(default_factory=list)
    trend_counts: list[np.ndarray] = field(default_factory=list)
    memes: list[Meme] = field(default_factory=list)
    celebrities: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    fans: dict = field(default_factory=dict)
    reserved_tags: int = RESERVED_TAGS
    plan: object = None  # campaigns.CampaignPlan
    traps: list[dict] = field(default_factory=list)  # rows of truth/traps.csv (account index)
    handles: pa.StringArray = None
    at_handles: pa.StringArray = None
    mention_weight: np.ndarray = None
    outlet_account: np.ndarray = None
    outlet_lang: np.ndarray = None
    outlet_mobile: np.ndarray = None

    def finish_accounts(self) -> None:
        """Fix ids and the arrays derived from the (now complete) account table."""
        acc = self.accounts
        assign_account_ids(acc, self.cfg.seed)
        self.handles = pa.array(acc.handle, pa.string())
        self.at_handles = pc.binary_join_element_wise("@", self.handles, "")
        self.mention_weight = (acc.followers.astype(float) + 1) ** 0.8 * (acc.role != ROLE_OUTLET)

    def trap(self, accounts, trap: str, details) -> None:
        if isinstance(details, str):
            details = [details] * len(accounts)
        for a, d in zip(accounts, details):
            self.traps.append({"account": int(a), "trap": trap, "detail": d})


def _outlet_accounts(world: World, rng: np.random.Generator) -> None:
    acc = world.accounts
    n = len(world.outlets)
    handles, displays, bios = [], [], []
    for o in world.outlets:
        base = "".join(p.capitalize() for p in o.domain.split(".")[0].replace("-", " ").split())
        handles.append(acc.registry.claim(base[:15], rng))
        displays.append(o.name)
    bios = join_ids(world.vocab.sample_words(rng, np.array([o.lang for o in world.outlets], np.int8), rng.integers(6, 12, size=n)),
                    world.vocab.words).to_pylist()
    bios = [f"{b} https://www.{o.domain}" for b, o in zip(bios, world.outlets)]
    created = rng.integers(epoch(date(2009, 1, 1)), epoch(date(2013, 1, 1)), size=n)
    idx = acc.add(role=ROLE_OUTLET, lang=np.array([o.lang for o in world.outlets], np.int8), created=created, activity=np.zeros(n),
                  followers=np.exp(rng.uniform(np.log(1e5), np.log(4e6), size=n)).astype(np.int64),
                  following=rng.integers(50, 900, size=n), handle=handles, display=displays, bio=bios,
                  url=[f"https://www.{o.domain}" for o in world.outlets], avatar=[None] * n,
                  client=np.full(n, 5, np.int8), rng=rng)
    for o, i in zip(world.outlets, idx):
        o.account = int(i)
        acc.avatar[i] = ("own", int(i))
    world.outlet_account = np.array([o.account for o in world.outlets], dtype=np.int64)
    world.outlet_lang = np.array([o.lang for o in world.outlets], dtype=np.int8)
    world.outlet_mobile = np.array([o.mobile for o in world.outlets], dtype=bool)


def _lookalike_trap(world: World, rng: np.random.Generator) -> list[tuple[int, int, str]]:
    """Ordinary people whose handle happens to be one edit from a prominent account's, with
    their own name and picture (short and common handles make these frequent)."""
    acc = world.accounts
    prom = world.facts["prominent"]
    k = max(3, len(prom) // 8)
    targets = rng.choice(prom, size=min(k, len(prom)), replace=False)
    pool = np.flatnonzero((acc.role == ROLE_ORGANIC))
    chosen = rng.choice(pool, size=len(targets), replace=False)
    used = []
    for t, a in zip(targets, chosen):
        for _ in range(20):
            cls = str(rng.choice(LOOKALIKE_CLASSES))
            h = lookalike_handle(acc.handle[t], cls, rng)
            if h and acc.registry.take(h):
                acc.handle[a] = h
                used.append((a, t, cls))
                break
    world.facts["lookalike_targets"] = np.array([t for _, t, _ in used], dtype=np.int64)
    world.facts["lookalike_accounts"] = np.array([a for a, _, _ in used], dtype=np.int64)
    return used


def _fans(world: World, rng: np.random.Generator) -> None:
    acc = world.accounts
    celebs = world.facts["celebrities"]
    pool = np.flatnonzero((acc.role == ROLE_ORGANIC) & (acc.activity > np.median(acc.activity)))
    taken = set(world.facts.get("lookalike_accounts", []).tolist())
    pool = np.array([p for p in pool if p not in taken])
    per = max(8, int(0.002 * acc.n))
    for c in celebs:
        fans = rng.choice(pool, size=min(per, len(pool)), replace=False)
        p = rng.uniform(0.15, 0.6, size=len(fans))
        world.fans[int(c)] = (fans, p)
    world.celebrities = np.array(celebs, dtype=np.int64)


def _trends_and_memes(world: World, rng: np.random.Generator) -> None:
    cfg = world.cfg
    vocab = world.vocab
    if "trends" in cfg.traps:
        n = max(1, cfg.days // 15)
        for i in range(n):
            lang = int(rng.choice([0, 1, 2, 4]))
            # an existing, moderately used tag that suddenly trends
            rank = RESERVED_TAGS + int(rng.integers(30, 150))
            tag = int(vocab.tag_offset[lang] + rank)
            start = cfg.t0 + int(rng.integers(86_400, max(2 * 86_400, (cfg.days - 4) * 86_400)))
            end = min(cfg.t1, start + 3 * 86_400)
            tr = Trend(tag=tag, lang=lang, start=start, end=end, volume=max(200, int(0.012 * cfg.posts)))
            world.trends.append(tr)
            world.trend_counts.append(tr.day_counts(cfg.t0, cfg.days))
    if "memes" in cfg.traps:
        n = max(2, cfg.days // 6)
        for i in range(n):
            lang = int(rng.choice(len(LANGS), p=[0.4, 0.15, 0.15, 0.05, 0.15, 0.1]))
            ids = vocab.sample_words(rng, np.array([lang], np.int8), np.array([int(rng.integers(4, 8))]))
            text = join_ids(ids, vocab.words)[0].as_py() + " " + EMOJI[int(rng.integers(0, len(EMOJI)))]
            world.memes.append(Meme(text=text, lang=lang, day=int(rng.integers(0, cfg.days)), count=max(8, int(0.0015 * cfg.posts))))


def build_world(cfg: ScenarioConfig) -> World:
    """Everything of the scenario except the posts (see module docstring)."""
    from .campaigns import plan_campaigns

    vocab = build_vocabulary(stream(cfg.seed, "vocabulary"))
    outlets = make_outlets(stream(cfg.seed, "outlets"), list(OUTLET_LANGS), sibling_trap="lookalike_outlets" in cfg.traps)
    srng = stream(cfg.seed, "sites")
    sites = make_sites(srng, 40)
    acc, facts = build_population(cfg, vocab, len(outlets))
    world = World(
        cfg=cfg, vocab=vocab, accounts=acc, outlets=outlets,
        outlet_weight=np.exp(srng.normal(0, 0.6, size=len(outlets))), sites=sites,
        site_weight=np.diff(np.concatenate([[0], zipf_cdf(len(sites), 1.0, 1.0)])), facts=facts,
    )
    rng = stream(cfg.seed, "world")
    _outlet_accounts(world, rng)
    if "lookalike_handles" in cfg.traps:
        for a, t, cls in _lookalike_trap(world, rng):
            world.trap([a], "lookalike_handle", f"one edit ({cls}) from prominent account {acc.handle[t]}")
    if "fans" in cfg.traps:
        _fans(world, rng)
        for c, (fans, _) in world.fans.items():
            world.trap(fans, "fan", f"fan of {acc.handle[c]}")
    else:
        world.celebrities = np.array(facts["celebrities"], dtype=np.int64)
    if "creation_surge" in facts:
        world.trap(facts["creation_surge"]["accounts"], "creation_surge", "joined on the same day as many unrelated accounts")
    if "shared_avatars" in facts:
        shared, pics = facts["shared_avatars"]
        world.trap(shared, "shared_avatar", [f"popular picture {int(p)}" for p in pics])
    _trends_and_memes(world, rng)
    world.plan = plan_campaigns(world)
    if "lookalike_handles" in cfg.traps:
        _chance_lookalikes(world)
    world.finish_accounts()
    return world


def _deletions(handle: str) -> set[str]:
    return {handle} | {handle[:i] + handle[i + 1:] for i in range(len(handle))}


def _chance_lookalikes(world: World) -> None:
    """Ordinary accounts whose handle is one edit from a prominent or outlet account's by
    chance (people pick the same nicknames): listed as traps too. Candidates come from a
    symmetric-deletion index (Garbe's SymSpell idea), verified with the OSA distance."""
    from rapidfuzz.distance import OSA

    acc = world.accounts
    protected = np.flatnonzero((acc.role == ROLE_PROMINENT) | (acc.role == ROLE_OUTLET))
    index: dict[str, list[int]] = {}
    for p in protected:
        for d in _deletions(acc.handle[p].lower()):
            index.setdefault(d, []).append(int(p))
    listed = {t["account"] for t in world.traps if t["trap"] == "lookalike_handle"}
    for a in np.flatnonzero(acc.role == ROLE_ORGANIC):
        if int(a) in listed:
            continue
        h = acc.handle[a].lower()
        hits = {p for d in _deletions(h) for p in index.get(d, ())}
        for p in sorted(hits):
            if OSA.distance(h, acc.handle[p].lower()) == 1:
                world.trap([a], "lookalike_handle", f"by chance one edit from prominent account {acc.handle[p]}")
                break
