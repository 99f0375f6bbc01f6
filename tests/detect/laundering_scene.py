"""A hand-made month with one campaign and the four timelines of issue 8 (known answers).

- campaign: accounts ``camp0..camp5`` post light edits of five lines (some with the campaign
  link) inside eight two-hour windows, and ordinary posts between them;
- ``amplifier``: 60 posts, 48 of them campaign lines in the windows (share 80%: not a candidate);
- ``oneoff``: 100 ordinary posts, one of which shares the campaign link (not a candidate);
- ``launderer``: 80 ordinary posts at random times and 20 campaign lines in the windows
  (share 20%: a candidate);
- ``scattered``: 80 ordinary posts and 20 campaign lines at random times (share 20%, timing
  not significant: not a candidate);
- ``bystander0..29``: ordinary accounts.
Every post is built from a seeded ``random.Random``, so the scene is the same on every run.
"""

from __future__ import annotations

import random

from ..conftest import account, post

DAY = 86_400
DAYS = 30
WINDOWS = [(d * DAY + h * 3600, d * DAY + (h + 2) * 3600) for d, h in
           ((1, 9), (4, 15), (7, 11), (11, 18), (15, 8), (19, 13), (23, 16), (27, 10))]
LINES = [
    "The harbour deal was signed in secret and the ministry is hiding the real contract terms from everyone",
    "Ask yourself why the harbour contract papers vanished the same week the inspectors were dismissed",
    "Independent engineers say the new harbour terminal plan ignores every safety report written since 2019",
    "Three ministers flew to the harbour company's retreat before the vote and nobody is asking about it",
    "If the harbour deal is so good for us why are the contract annexes still classified after two years",
]
LINK = "https://harbour-truth.example/contract-leak"
WORDS = ["".join(random.Random(i).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4 + i % 5)) for i in range(4000)]


def _ordinary(rnd: random.Random) -> str:
    return " ".join(rnd.sample(WORDS, 12))


def _line(rnd: random.Random) -> str:
    text = rnd.choice(LINES)
    edit = rnd.choice(["", "!!", " please share", " #harbour", " RT"])
    return (text.upper() if rnd.random() < 0.2 else text) + edit


def _in_window(rnd: random.Random) -> int:
    s, e = rnd.choice(WINDOWS)
    return rnd.randrange(s, e)


def _anytime(rnd: random.Random) -> int:
    return rnd.randrange(0, DAYS * DAY)


def laundering_scene(seed: int = 0):
    """(posts, accounts) of the scene; ids in the module docstring."""
    rnd = random.Random(seed)
    posts, accounts = [], []
    n = 0

    def add(acc, seconds, text, **kw):
        nonlocal n
        n += 1
        posts.append(post(f"p{n}", acc, seconds, text=text, **kw))
        return f"p{n}"

    def campaign_line(acc):
        link = rnd.random() < 0.3
        return add(acc, _in_window(rnd), _line(rnd), **({"urls": [LINK]} if link else {}))

    for i in range(6):
        a = f"camp{i}"
        accounts.append(account(a, handle=a))
        for _ in range(6):
            for s, e in WINDOWS:
                if rnd.random() < 0.8:
                    t = rnd.randrange(s, e)
                    add(a, t, _line(rnd), **({"urls": [LINK]} if rnd.random() < 0.3 else {}))
        for _ in range(15):
            add(a, _anytime(rnd), _ordinary(rnd))
    timelines = {
        "amplifier": (12, 48, _in_window),
        "launderer": (80, 20, _in_window),
        "scattered": (80, 20, _anytime),
    }
    for a, (n_ordinary, n_lines, when) in timelines.items():
        accounts.append(account(a, handle=a))
        for _ in range(n_ordinary):
            add(a, _anytime(rnd), _ordinary(rnd))
        for _ in range(n_lines):
            add(a, when(rnd), _line(rnd), **({"urls": [LINK]} if rnd.random() < 0.3 else {}))
    accounts.append(account("oneoff", handle="oneoff"))
    for _ in range(99):
        add("oneoff", _anytime(rnd), _ordinary(rnd))
    add("oneoff", _in_window(rnd), "interesting read " + _ordinary(rnd), urls=[LINK])
    for i in range(30):
        a = f"bystander{i}"
        accounts.append(account(a, handle=a))
        for _ in range(rnd.randrange(20, 80)):
            add(a, _anytime(rnd), _ordinary(rnd))
    return posts, accounts


CAMPAIGN = [f"camp{i}" for i in range(6)]
