"""Hand-made scenes with known answers, shared by the tests of floods, personas, amplifiers
and ranking (each builds its records deterministically from a seed)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..conftest import T0, account, post

DAY = 86400
#: 3,000 made-up words: people writing in their own words share few of them
VOCAB = ["".join(random.Random(i).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3 + i % 6)) for i in range(3000)]


def flood_scene(seed: int = 0):
    """A week of background chatter, one organic trend and one flood.

    - ``#daily``: ~3 posts/hour all week from 300 established accounts (no burst).
    - ``#organic``: on day 3, 500 established accounts post it once or twice within 4 hours,
      each in their own words (a burst that must rank low).
    - ``#flood``: on day 5, 25 accounts created 3 days earlier post it 16 times each within
      3 hours, copy-pasting 4 texts (the burst that must rank first).

    Returns (posts, accounts, truth) with truth = {"flooders": set, "organic": set}.
    """
    rnd = random.Random(seed)
    posts, accounts = [], []
    pid = 0
    regulars = [f"u{i}" for i in range(300)]
    for a in regulars:
        accounts.append(account(a, handle=a, created_at=datetime(2015, 1, 1) + timedelta(days=rnd.randrange(2000))))
    for h in range(7 * 24):
        for _ in range(rnd.choice((2, 3, 4))):
            pid += 1
            posts.append(post(pid, rnd.choice(regulars), h * 3600 + rnd.randrange(3600),
                              text=f"morning note {pid} #daily", hashtags=["daily"]))
    organic = [f"o{i}" for i in range(500)]
    for a in organic:
        accounts.append(account(a, handle=a, created_at=datetime(2014, 6, 1) + timedelta(days=rnd.randrange(2500))))
        for _ in range(rnd.choice((1, 1, 1, 2))):
            pid += 1
            kind = rnd.random() < 0.4
            own_words = " ".join(rnd.sample(VOCAB, 8))  # each in their own words
            posts.append(post(pid, a, 3 * DAY + rnd.randrange(4 * 3600), text=f"{own_words} #Organic",
                              hashtags=["Organic"], **({"kind": "repost", "ref_post_id": "1"} if kind else {})))
    flooders = [f"f{i}" for i in range(25)]
    texts = ["Shame on the minister! #flood", "The minister must resign now #flood", "Everyone sees the lies #flood", "Resign! #Flood"]
    for a in flooders:
        accounts.append(account(a, handle=a, created_at=T0 + timedelta(days=2)))
        for _ in range(16):
            pid += 1
            posts.append(post(pid, a, 5 * DAY + rnd.randrange(3 * 3600), text=rnd.choice(texts), hashtags=["flood"]))
    return posts, accounts, {"flooders": set(flooders), "organic": set(organic)}


def amplifier_scene(seed: int = 0):
    """A source ``src`` posts 12 times; 6 amplifiers ``amp*`` share every post within a minute;
    150 ordinary followers ``fan*`` share some posts hours later; a second, organic source
    ``news`` is shared by the fans only. Returns (posts, accounts, amplifier ids)."""
    rnd = random.Random(seed)
    posts, accounts = [], []
    amps = [f"amp{i}" for i in range(6)]
    fans = [f"fan{i}" for i in range(150)]
    for a in ["src", "news"] + amps + fans:
        accounts.append(account(a, handle=a.upper() if a == "src" else a))
    n = 0
    for src in ("src", "news"):
        for k in range(12):
            t = k * 6 * 3600
            orig = f"{src}-{k}"
            posts.append(post(orig, src, t, text=f"{src} says {k}"))
            sharers = [(a, t + 5 + rnd.randrange(50)) for a in amps] if src == "src" else []
            sharers += [(f, t + 600 + rnd.randrange(4 * 3600)) for f in rnd.sample(fans, 30)]
            for a, ts in sharers:
                n += 1
                posts.append(post(f"s{n}", a, ts, kind="repost", ref_post_id=orig, ref_account_id=src, text=f"{src} says {k}"))
    return posts, accounts, set(amps)


def persona_scene(seed: int = 0):
    """Two years of background sign-ups plus one persona batch.

    - 1,200 background accounts created at random times over 2022-2023, handles and bios of
      their own (some share the default avatar ``phash:default``, used by 80 accounts).
    - On 2023-05-10, 30 persona accounts ``patriotmary<4 digits>`` with one bio and names unlike
      their handles, created within 3 hours (20 background accounts are created that day too).
    - Three accounts created months apart share one non-default avatar ``phash:reused``.

    Returns (accounts, truth) with truth = {"batch": set, "avatar": set}.
    """
    rnd = random.Random(seed)
    out = []
    start = datetime(2022, 1, 1)
    words = ["river", "maple", "stone", "cloud", "lumen", "harbor", "quill", "ember", "fjord", "sable"]
    for i in range(1200):
        w = rnd.choice(words)
        out.append(account(f"bg{i}", handle=f"{w}{rnd.choice(words)}{i}", display_name=f"{w.title()} {i}",
                           description=f"I like {w} and {rnd.choice(words)} number {i}",
                           created_at=start + timedelta(seconds=rnd.randrange(730 * DAY)),
                           avatar_hash="phash:default" if i < 80 else f"phash:{i:016x}"))
    day = datetime(2023, 5, 10)
    for i in range(20):
        out.append(account(f"same_day{i}", handle=f"dayone{i}x", display_name=f"Dayone {i}", description=f"hello from the day {i}",
                           created_at=day + timedelta(seconds=rnd.randrange(DAY)), avatar_hash=f"phash:d{i:015x}"))
    batch = [f"p{i}" for i in range(30)]
    for i, a in enumerate(batch):
        out.append(account(a, handle=f"patriotmary{rnd.randrange(1000, 9999)}{i}"[:15], display_name=rnd.choice(["George", "Linda", "Oscar"]),
                           description="Proud patriot. Family, faith, freedom. #1 fan of the truth",
                           created_at=day + timedelta(hours=9, seconds=rnd.randrange(3 * 3600)), avatar_hash=f"phash:p{i:015x}"))
    reused = ["r0", "r1", "r2"]
    for k, a in enumerate(reused):
        out.append(account(a, handle=f"someone{k}z", display_name=f"Someone {k}", created_at=start + timedelta(days=100 + 150 * k),
                           avatar_hash="phash:reused"))
    return out, {"batch": set(batch), "avatar": set(reused)}
