"""Hand-made scenes with known answers, shared by the tests of floods, personas, amplifiers
and ranking (each builds its records deterministically from a seed)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ..conftest import T0, account, post

DAY = 86400


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
            posts.append(post(pid, a, 3 * DAY + rnd.randrange(4 * 3600), text=f"my own take number {pid} on the game #Organic",
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
