"""A small hand-made scenario with known coordinated groups, organic activity and traps.

Groups (accounts -> what they do together):
* ``rp0..rp5``: co-repost 6 originals, each time within 20 s, at different hours;
* ``ln0..ln4``: co-link 5 articles (tracking parameters differ per account) with the same
  hashtag block, within 30 s;
* ``cp0..cp3``: copy-paste 5 messages with small edits, within 2 minutes.
Organic: 80 accounts reposting, linking and tagging at random over two days, plus traps: one
viral post reposted by 60 organic accounts in 10 minutes (an organic hub), an account that
repeats one hashtag alone, posts with empty URLs and tags, two accounts posting at the same
second once.
"""

from __future__ import annotations

import os
import random

from tests.conftest import post

GROUPS = {
    "repost": [f"rp{i}" for i in range(6)],
    "link": [f"ln{i}" for i in range(5)],
    "text": [f"cp{i}" for i in range(4)],
}
MESSAGES = [
    "Our candidate is the only one who will protect the farmers of this region, vote on Sunday",
    "The opposition rally was paid for by foreign money, everyone knows it, spread the word",
    "Turnout numbers are being faked in the northern districts, do not trust the official count",
    "Independent observers were blocked at polling station twelve this morning, unacceptable",
    "Share this before it gets deleted: the minister admitted the deal was signed in secret",
]
DAY = 86400


def planted_posts(seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    posts: list[dict] = []
    n = 0

    def add(account, at, **kw):
        nonlocal n
        n += 1
        posts.append(post(f"p{n}", account, at, **kw))

    for k in range(6):
        t0 = rng.randrange(0, 2 * DAY)
        for a in GROUPS["repost"]:
            add(a, t0 + rng.randrange(0, 20), kind="repost", ref_post_id=f"campaign{k}")
    for k in range(5):
        t0 = rng.randrange(0, 2 * DAY)
        for a in GROUPS["link"]:
            add(a, t0 + rng.randrange(0, 30), text=f"read this {rng.random()}",
                urls=[f"https://www.outlet-news.example/story{k}?utm_source={a}"], hashtags=["Truth", "Wake"])
    for k, msg in enumerate(MESSAGES):
        t0 = rng.randrange(0, 2 * DAY)
        for a in GROUPS["text"]:
            words = msg.split()
            words[rng.randrange(len(words))] = words[rng.randrange(len(words))].upper()
            add(a, t0 + rng.randrange(0, 120), text=" ".join(words) + rng.choice(["", "!", " !!", " 🙏"]))
    organic = [f"u{i}" for i in range(80)]
    tags = ["news", "sport", "weather", "music", "food", "travel"]
    for _ in range(1500):
        a = rng.choice(organic)
        at = rng.randrange(0, 2 * DAY)
        r = rng.random()
        if r < 0.4:
            add(a, at, kind="repost", ref_post_id=f"pop{int(rng.paretovariate(1.2)) % 40}")
        elif r < 0.7:
            add(a, at, text=f"my own thoughts number {rng.random()} about things", hashtags=[rng.choice(tags)],
                urls=[f"https://site{rng.randrange(30)}.example/a{rng.randrange(20)}"])
        else:
            add(a, at, text=f"just chatting {rng.random()}", hashtags=["news"], urls=[""], mentions=[""])
    t_viral = rng.randrange(0, 2 * DAY)
    for a in organic[:60]:  # an organic hub
        add(a, t_viral + rng.randrange(0, 600), kind="repost", ref_post_id="viral")
    for i in range(30):  # a lone repeater
        add("spammer", 1000 + 5 * i, hashtags=["buynow"], text="buy now buy now buy now buy now")
    add("u1", 5000, kind="repost", ref_post_id="tie")  # identical timestamps, once
    add("u2", 5000, kind="repost", ref_post_id="tie")
    return posts


def planted_accounts() -> dict[str, str]:
    """account -> group name for every planted account."""
    return {a: g for g, accs in GROUPS.items() for a in accs}


HOSTILE_HANDLE = "<script>alert('x')</script>=cmd|' /C calc'!A0\u202e"


_SCANNED: dict[int, str] = {}


def scanned_workspace(path: str, seed: int = 0):
    """A workspace holding the planted scenario (the repost group's first account with a
    hostile handle), scanned by the coordination detector (hub cap 50, as the traps need).

    The scan runs once per test session; each caller gets its own copy of the file."""
    import shutil
    import tempfile

    import cibscan
    from cibscan.detect import run_scan

    if seed not in _SCANNED:
        master = os.path.join(tempfile.mkdtemp(prefix="cibscan-planted-"), "scanned.duckdb")
        with cibscan.open_workspace(master) as ws:
            ws.add_records(planted_posts(seed), [{"account_id": "rp0", "handle": HOSTILE_HANDLE, "display_name": "=HYPERLINK(\"http://x\")"}])
            run_scan(ws, detect=["coordination"], params={"coordination": {"hub_cap": 50}})
        _SCANNED[seed] = master
    shutil.copyfile(_SCANNED[seed], path)
    return cibscan.open_workspace(path)
