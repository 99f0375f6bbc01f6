"""The account population: who exists, since when, how active, how followed, what they look like.

Organic accounts get heavy-tailed activity and followers (log-normal, as measured for Twitter
by e.g. Kwak et al. 2010, "What is Twitter, a social network or a news media?"), creation
dates spread over years with the platform's growth, a home time zone, a language, a profile
(handle, display name, bio, location) and, for some, a picture. Campaign accounts are added
later through ``Accounts.add`` with the traits their tactic plants.

Account ids follow the platform's history: sequential numbers for accounts created before
mid-2016, 64-bit "snowflake" ids (creation milliseconds shifted left 22 bits, plus a unique
index in the low 22 bits) after, so ids look and sort like real ones.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa

from .config import ScenarioConfig
from .handles import HandleRegistry, ordinary_handle
from .streams import stream
from .text import EMOJI, LANGS, SCRIPT, Vocabulary, join_ids, pseudo_words

__all__ = [
    "Accounts",
    "build_population",
    "ROLE_ORGANIC",
    "ROLE_PROMINENT",
    "ROLE_OUTLET",
    "ROLE_SOURCE",
    "ROLE_CAMPAIGN",
    "CLIENTS",
    "LANG_SHARE",
    "make_profiles",
    "assign_account_ids",
    "epoch",
]

ROLE_ORGANIC, ROLE_PROMINENT, ROLE_OUTLET, ROLE_SOURCE, ROLE_CAMPAIGN = range(5)

CLIENTS = ("Twitter for Android", "Twitter for iPhone", "Twitter Web App", "TweetDeck", "Twitter for iPad", "Twitter Web Client")
_CLIENT_SHARE = np.array([0.45, 0.30, 0.17, 0.03, 0.03, 0.02])

#: share of organic accounts per language (index as ``text.LANGS``)
LANG_SHARE = np.array([0.38, 0.14, 0.16, 0.06, 0.16, 0.10])
_TZ = {  # plausible home UTC offsets (hours) per language, with weights
    "en": ([-5, -8, -6, 0, 1], [0.35, 0.15, 0.1, 0.3, 0.1]),
    "es": ([-6, -5, -3, 1], [0.3, 0.25, 0.2, 0.25]),
    "ru": ([3, 5, 7], [0.7, 0.2, 0.1]),
    "uk": ([2], [1.0]),
    "fa": ([3.5], [1.0]),
    "ar": ([3, 2, 4], [0.5, 0.3, 0.2]),
}
#: how people choose handles (see ``handles.ordinary_handle`` styles 0-4)
ORGANIC_HANDLE_STYLES = np.array([0.28, 0.25, 0.17, 0.20, 0.10])

PLATFORM_START = calendar.timegm(date(2008, 1, 1).timetuple())
#: accounts created before this got sequential ids, after it snowflake ids
SNOWFLAKE_START = calendar.timegm(date(2016, 5, 1).timetuple())
_TWEPOCH_MS = 1288834974657

#: hostile strings an adversary puts in names and bios (reports must escape them)
HOSTILE = ('<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "Robert'); DROP TABLE accounts;--",
           "line\nbreak", "\u202egnp.exe", "{{7*7}} ${7*7}", "a,b;c\td")


def epoch(d: date) -> int:
    return calendar.timegm(d.timetuple())


@dataclass
class Accounts:
    """Every account of a scenario, column-wise (index = position in these arrays)."""

    role: np.ndarray
    lang: np.ndarray
    tz: np.ndarray
    created: np.ndarray
    activity: np.ndarray
    rt_affinity: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    client: np.ndarray
    handle: list[str]
    display: list[str]
    bio: list[str]
    location: list[str]
    url: list[str]
    #: picture plan per account: ``None`` (default picture), ``("own", key)``,
    #: ``("shared", key)`` (the same picture as other accounts) or ``("copy", account, variant)``
    avatar: list[tuple | None]
    registry: HandleRegistry = field(default_factory=HandleRegistry)
    ids: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.role)

    def add(self, *, role: int, lang, created, activity, followers, following, handle, display, bio,
            location=None, url=None, avatar=None, tz=None, client=None, rt_affinity=None, rng=None) -> np.ndarray:
        """Append accounts; returns their indices."""
        k = len(handle)
        rng = rng if rng is not None else np.random.default_rng(0)
        lang = np.broadcast_to(np.asarray(lang, dtype=np.int8), (k,))
        self.role = np.concatenate([self.role, np.full(k, role, np.int8)])
        self.lang = np.concatenate([self.lang, lang])
        self.tz = np.concatenate([self.tz, tz if tz is not None else home_timezones(rng, lang)]).astype(np.float32)
        self.created = np.concatenate([self.created, np.asarray(created, np.int64)])
        self.activity = np.concatenate([self.activity, np.broadcast_to(np.asarray(activity, float), (k,))])
        self.rt_affinity = np.concatenate([self.rt_affinity, np.broadcast_to(np.asarray(1.0 if rt_affinity is None else rt_affinity, float), (k,))])
        self.followers = np.concatenate([self.followers, np.asarray(followers, np.int64)])
        self.following = np.concatenate([self.following, np.asarray(following, np.int64)])
        self.client = np.concatenate([self.client, client if client is not None else rng.choice(len(CLIENTS), size=k, p=_CLIENT_SHARE).astype(np.int8)]).astype(np.int8)
        self.handle += list(handle)
        self.display += list(display)
        self.bio += list(bio)
        self.location += list(location) if location is not None else [""] * k
        self.url += list(url) if url is not None else [""] * k
        self.avatar += list(avatar) if avatar is not None else [None] * k
        return np.arange(self.n - k, self.n)

    def ids_array(self) -> pa.StringArray:
        return pa.array(self.ids, pa.string())


def home_timezones(rng: np.random.Generator, langs: np.ndarray) -> np.ndarray:
    tz = np.zeros(len(langs), dtype=np.float32)
    for li, lang in enumerate(LANGS):
        rows = np.flatnonzero(langs == li)
        if len(rows):
            offsets, weights = _TZ[lang]
            tz[rows] = rng.choice(offsets, size=len(rows), p=weights)
    return tz


def _places(vocab: Vocabulary, rng: np.random.Generator) -> dict[int, list[str]]:
    out = {}
    for li, lang in enumerate(LANGS):
        out[li] = [w[:1].upper() + w[1:] for w in pseudo_words(rng, 25, 2, 3, lang)]
    return out


def make_profiles(rng: np.random.Generator, vocab: Vocabulary, registry: HandleRegistry, langs: np.ndarray,
                  styles: np.ndarray, bio_share: float = 0.6, location_share: float = 0.4,
                  hostile_share: float = 0.0) -> dict[str, list[str]]:
    """Handles, display names, bios and locations for people writing in ``langs``.

    ``styles`` are handle styles (see ``handles.ordinary_handle``). Display names are the
    person's name in their own script (the handle is its Latin transcription), so for ordinary
    accounts name and handle agree, as they do for most real people.
    """
    n = len(langs)
    places = _places(vocab, rng)
    handles, displays, locations = [], [], []
    gi = rng.integers(0, 1 << 30, size=n)
    fi = rng.integers(0, 1 << 30, size=n)
    nick = rng.integers(0, 1 << 30, size=(n, 2))
    emoji_name = rng.random(n) < 0.08
    has_loc = rng.random(n) < location_share
    for i in range(n):
        lang = LANGS[langs[i]]
        g_nat, g_lat = vocab.given[lang][gi[i] % len(vocab.given[lang])]
        f_nat, f_lat = vocab.family[lang][fi[i] % len(vocab.family[lang])]
        word = vocab.given["en"][nick[i, 0] % len(vocab.given["en"])][1] + vocab.family["es"][nick[i, 1] % len(vocab.family["es"])][1][:4]
        h = registry.claim(ordinary_handle(rng, g_lat, f_lat, word, int(styles[i])), rng)
        handles.append(h)
        if styles[i] == 3:
            disp = word.capitalize()
        else:
            disp = f"{g_nat} {f_nat}" if styles[i] != 4 or SCRIPT[lang] == "arabic" else f"{g_nat[:1]}. {f_nat}"
        if emoji_name[i]:
            disp += " " + EMOJI[int(gi[i]) % len(EMOJI)]
        displays.append(disp)
        locations.append(places[int(langs[i])][int(fi[i]) % 25] if has_loc[i] else "")
    lengths = rng.integers(4, 16, size=n)
    bios = join_ids(vocab.sample_words(rng, langs, lengths), vocab.words).to_pylist()
    has_bio = rng.random(n) < bio_share
    deco = rng.random(n)
    bios = [("" if not has_bio[i] else b + (" " + EMOJI[i % len(EMOJI)] if deco[i] < 0.3 else "")) for i, b in enumerate(bios)]
    if hostile_share > 0:
        for i in np.flatnonzero(rng.random(n) < hostile_share):
            target = int(rng.integers(0, 2))
            s = HOSTILE[int(rng.integers(0, len(HOSTILE)))]
            if target == 0:
                bios[i] = (bios[i] + " " + s).strip()
            else:
                displays[i] = displays[i] + " " + s.replace("\n", " ")
    return {"handle": handles, "display": displays, "bio": bios, "location": locations}


def _creation_times(rng: np.random.Generator, n: int, t_end: int, growth: float = 1.7) -> np.ndarray:
    """Creation times between 2008 and ``t_end``, denser in later years (platform growth)."""
    u = rng.beta(growth, 1.0, size=n)
    return (PLATFORM_START + u * (t_end - PLATFORM_START)).astype(np.int64)


def build_population(cfg: ScenarioConfig, vocab: Vocabulary, n_outlets: int) -> tuple[Accounts, dict]:
    """The organic population: ordinary accounts, prominent accounts (the most followed) and
    one account per outlet (the last ``n_outlets`` indices). Returns the accounts and facts
    the rest of the scenario needs (indices of prominent accounts, celebrities, surge day)."""
    rng = stream(cfg.seed, "accounts")
    n = cfg.n_accounts - n_outlets
    langs = rng.choice(len(LANGS), size=n, p=LANG_SHARE).astype(np.int8)
    z_act = rng.standard_normal(n)
    z_fol = 0.45 * z_act + np.sqrt(1 - 0.45 ** 2) * rng.standard_normal(n)
    activity = np.exp(1.25 * z_act)
    followers = np.exp(4.0 + 1.7 * z_fol).astype(np.int64)
    following = np.exp(5.2 + 1.0 * rng.standard_normal(n)).astype(np.int64)
    created = _creation_times(rng, n, cfg.t0 - 86_400)
    # a few ordinary people join during the observed period
    late = rng.random(n) < 0.01
    created[late] = rng.integers(cfg.t0, cfg.t0 + int(cfg.days * 0.8) * 86_400, size=int(late.sum()))
    facts: dict = {}
    if "creation_surge" in cfg.traps:
        # a day (an event, a rival platform's outage) when many unrelated people joined
        day = int(rng.integers(365, 4 * 365))
        surge_start = (cfg.t0 // 86_400 - day) * 86_400
        surge = np.flatnonzero((rng.random(n) < 0.006) & ~late)
        created[surge] = surge_start + rng.integers(0, 86_400, size=len(surge))
        facts["creation_surge"] = {"accounts": surge, "day": surge_start}
    styles = rng.choice(5, size=n, p=ORGANIC_HANDLE_STYLES)
    # the platform's default handle (name + 8 digits) mostly for accounts made since 2014
    recent = created > epoch(date(2014, 1, 1))
    styles[(styles == 2) & ~recent] = 1
    registry = HandleRegistry()
    hostile = 0.002 if "hostile_strings" in cfg.traps else 0.0
    prof = make_profiles(rng, vocab, registry, langs, styles, hostile_share=hostile)
    has_url = rng.random(n) < 0.06
    codes = rng.integers(0, 36 ** 8, size=n)
    urls = [f"https://t.co/{np.base_repr(int(c), 36).lower():0>8}" if has_url[i] else "" for i, c in enumerate(codes)]
    acc = Accounts(
        role=np.zeros(0, np.int8), lang=np.zeros(0, np.int8), tz=np.zeros(0, np.float32), created=np.zeros(0, np.int64),
        activity=np.zeros(0), rt_affinity=np.zeros(0), followers=np.zeros(0, np.int64), following=np.zeros(0, np.int64),
        client=np.zeros(0, np.int8), handle=[], display=[], bio=[], location=[], url=[], avatar=[], registry=registry,
    )
    acc.add(role=ROLE_ORGANIC, lang=langs, created=created, activity=activity, followers=followers, following=following,
            handle=prof["handle"], display=prof["display"], bio=prof["bio"], location=prof["location"], url=urls,
            rt_affinity=np.exp(0.6 * rng.standard_normal(n)), rng=rng)
    # prominent accounts: the most followed, boosted to public-figure audiences
    n_prom = max(40, int(0.002 * n))
    prom = np.argsort(-followers, kind="stable")[:n_prom]
    acc.role[prom] = ROLE_PROMINENT
    acc.followers[prom] = np.sort(np.exp(rng.uniform(np.log(2e4), np.log(5e6), size=n_prom)).astype(np.int64))[::-1]
    acc.created[prom] = _creation_times(rng, n_prom, epoch(date(2016, 1, 1)), growth=1.2)
    acc.activity[prom] = np.maximum(acc.activity[prom], np.quantile(activity, 0.8))
    facts["prominent"] = prom
    # celebrities (with fan clubs): few enough that their posts are the hubs they are in reality
    facts["celebrities"] = prom[: int(np.clip(n // 2000, 4, 30))]
    # pictures: every prominent account, a sample of ordinary ones
    avatar = acc.avatar
    for i in prom:
        avatar[i] = ("own", int(i))
    ordinary = np.flatnonzero(acc.role[:n] == ROLE_ORGANIC)
    k = min(int(cfg.avatar_share * len(ordinary)), cfg.max_avatars)
    for i in rng.choice(ordinary, size=k, replace=False):
        avatar[i] = ("own", int(i))
    if "shared_avatars" in cfg.traps:
        # unrelated people using the same popular picture (a film still, a meme, a landscape)
        shared = rng.choice(ordinary, size=max(6, int(0.003 * len(ordinary))), replace=False)
        pics = rng.integers(0, 4, size=len(shared))
        for i, p in zip(shared, pics):
            avatar[i] = ("shared", int(p))
        facts["shared_avatars"] = (shared, pics)
    return acc, facts


def assign_account_ids(acc: Accounts, seed: int) -> None:
    """Platform-like ids from creation times (see module docstring); unique by construction
    (the low 22 bits of a snowflake id hold the account's index)."""
    rng = stream(seed, "account-ids")
    ids = np.zeros(acc.n, dtype=np.int64)
    old = acc.created < SNOWFLAKE_START
    order = np.flatnonzero(old)[np.argsort(acc.created[old], kind="stable")]
    frac = (acc.created[order] - PLATFORM_START) / (SNOWFLAKE_START - PLATFORM_START)
    base = (12_000_000 + np.clip(frac, 0, 1) * 4_900_000_000).astype(np.int64)
    seq = np.arange(len(order))
    ids[order] = np.maximum.accumulate(base - seq) + seq  # strictly increasing with creation
    new = np.flatnonzero(~old)
    ms = acc.created[new] * 1000 + rng.integers(0, 1000, size=len(new))
    ids[new] = ((ms - _TWEPOCH_MS) << 22) | (new & 0x3FFFFF)
    acc.ids = [str(int(x)) for x in ids]
