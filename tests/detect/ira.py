"""Read the IRA (FiveThirtyEight / Clemson) tweets CSV as canonical records, for the real-data
checks and the bench until the ``ira538`` adapter (branch ingest-tables) is merged.

The release has no tweet ids: a post id is ``author:row``; a retweet (``RT @user: text``) refers
to ``@user`` and to a synthetic original id made from the user and the normalised text, so
retweets of one original share a ``ref_post_id``. Hashtags are read from the text (mentions
and links are left out: the floods checks do not use them).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from datetime import datetime

from cibscan.ingest.fields import HASHTAG_RE

_RT = re.compile(r"^RT @(\w{1,50}):?\s*(.*)$", re.DOTALL)


def read_ira(tweets_path, authors_path) -> tuple[list[dict], list[dict], dict[str, str]]:
    """(posts, accounts, category by author) from the two files."""
    categories = {}
    with open(authors_path, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            categories[r["author"].lower()] = r["account_category"]
    posts, seen = [], set()
    with gzip.open(tweets_path, "rt", encoding="utf-8", errors="replace") as f:
        for i, r in enumerate(csv.DictReader(f)):
            author, text = r["author_id"], r["content"] or ""
            try:
                at = datetime.fromisoformat(r["publish_date"])
            except ValueError:
                continue
            p = {"post_id": f"{author}:{i}", "account_id": author, "created_at": at, "text": text, "kind": "post",
                 "hashtags": HASHTAG_RE.findall(text) if "#" in text else [], "lang": r["language"]}
            m = _RT.match(text)
            if m:  # post_type R without the "RT @user:" text cannot be linked to an original: kept as a post
                body = re.sub(r"\W+", " ", m.group(2).lower()).strip()
                p.update(kind="repost", ref_account_id="@" + m.group(1).lower(),
                         ref_post_id="rt:" + m.group(1).lower() + ":" + hashlib.sha1(body.encode()).hexdigest()[:16])
            posts.append(p)
            seen.add(author)
    accounts = [{"account_id": a, "handle": a} for a in sorted(seen)]
    return posts, accounts, {a: categories.get(a.lower(), "") for a in seen}
