"""Writing a scenario in the X/Twitter Information Operations archive layout.

``tweets.csv`` and ``users.csv`` have the official columns in the official order, every value
quoted, Python-style list literals for ``hashtags``/``urls``/``user_mentions``, ``absent``
coordinates, dates as ``YYYY-MM-DD`` — what ``cibscan.ingest.x_io`` reads. One deliberate
difference: ``tweet_time`` carries seconds (``YYYY-MM-DD HH:MM:SS``), because co-actions
"within seconds" cannot be planted at minute precision; ``time_precision="minute"`` writes
the official ``YYYY-MM-DD HH:MM`` instead.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .accounts import CLIENTS, ROLE_OUTLET, ROLE_PROMINENT
from .posts import QUOTE, REPLY, REPOST
from .text import LANGS

__all__ = ["TWEET_COLUMNS", "USER_COLUMNS", "WATCHLIST_COLUMNS", "TweetWriter", "write_users", "write_watchlist", "AccountColumns"]

TWEET_COLUMNS = (
    "tweetid", "userid", "user_display_name", "user_screen_name", "user_reported_location", "user_profile_description",
    "user_profile_url", "follower_count", "following_count", "account_creation_date", "account_language", "tweet_language",
    "tweet_text", "tweet_time", "tweet_client_name", "in_reply_to_userid", "in_reply_to_tweetid", "quoted_tweet_tweetid",
    "is_retweet", "retweet_userid", "retweet_tweetid", "latitude", "longitude", "quote_count", "reply_count", "like_count",
    "retweet_count", "hashtags", "urls", "user_mentions", "poll_choices",
)
USER_COLUMNS = (
    "userid", "user_display_name", "user_screen_name", "user_reported_location", "user_profile_description",
    "user_profile_url", "follower_count", "following_count", "account_creation_date", "account_language",
)
WATCHLIST_COLUMNS = ("kind", "platform", "handle", "display_name", "avatar", "domain")

_WRITE = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
#: rows converted to archive rows at a time
WRITE_SLICE_ROWS = 50_000
_LANG_ARRAY = pa.array(LANGS, pa.string())
_CLIENT_ARRAY = pa.array(CLIENTS, pa.string())
_EMPTY = pa.scalar("", pa.string())


class AccountColumns:
    """The account fields as Arrow arrays, taken per post when tweets are written."""

    def __init__(self, acc):
        self.id = pa.array(acc.ids, pa.string())
        self.handle = pa.array(acc.handle, pa.string())
        self.display = pa.array(acc.display, pa.string())
        self.bio = pa.array(acc.bio, pa.string())
        self.location = pa.array(acc.location, pa.string())
        self.url = pa.array(acc.url, pa.string())
        self.followers = _str(acc.followers)
        self.following = _str(acc.following)
        self.created = _dates(acc.created)
        self.lang = pa.array(np.array(LANGS, dtype=object)[acc.lang], pa.string())

    def users_table(self) -> pa.Table:
        cols = [self.id, self.display, self.handle, self.location, self.bio, self.url, self.followers, self.following,
                self.created, self.lang]
        return pa.table(dict(zip(USER_COLUMNS, cols)))


def _dates(t: np.ndarray) -> pa.StringArray:
    ts = pa.array(np.asarray(t, np.int64), pa.timestamp("s"))
    return pc.strftime(ts, format="%Y-%m-%d")


def _clock_strings(precision: str) -> pa.StringArray:
    """``HH:MM:SS`` (or ``HH:MM``) for every second of a day, to take from by index."""
    sec = np.arange(86_400)
    h, m, s = sec // 3600, sec // 60 % 60, sec % 60
    fmt = [f"{a:02d}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, s)] if precision == "second" else \
          [f"{a:02d}:{b:02d}" for a, b in zip(h, m)]
    return pa.array(fmt, pa.string())


_CLOCK: dict[str, pa.StringArray] = {}


def _times(t: np.ndarray, precision: str) -> pa.StringArray:
    """``YYYY-MM-DD HH:MM:SS`` per epoch second: the clock part taken from a table of a
    day's seconds, the date part from the few distinct days (formatting each time with
    ``strftime`` was the writer's slowest step)."""
    if precision not in _CLOCK:
        _CLOCK[precision] = _clock_strings(precision)
    t = np.asarray(t, np.int64)
    day = t // 86_400
    uniq, inv = np.unique(day, return_inverse=True)
    dates = _dates(uniq * 86_400).take(pa.array(inv))
    clock = _CLOCK[precision].take(pa.array(t - day * 86_400))
    return pc.binary_join_element_wise(dates, clock, " ")


def _str(values: np.ndarray) -> pa.StringArray:
    return pa.array(np.asarray(values, np.int64)).cast(pa.string())


def _literal_list(lists: pa.ListArray) -> pa.StringArray:
    """``['a', 'b']`` (Python list literal, as in the archives); ``[]`` when empty."""
    if isinstance(lists, pa.ChunkedArray):
        lists = lists.combine_chunks()
    joined = pc.binary_join(lists, "', '")
    wrapped = pc.binary_join_element_wise("['", joined, "']", "")
    return pc.if_else(pc.equal(pc.list_value_length(lists), 0), pa.scalar("[]"), wrapped)


def _where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    return pc.if_else(pa.array(mask), values, _EMPTY)


def tweets_table(batch: pa.Table, cols: AccountColumns, precision: str) -> pa.Table:
    """A batch of generated posts as rows of the archive's tweets file."""
    acc = pa.array(batch.column("account").to_numpy())
    kind = batch.column("kind").to_numpy()
    ref = batch.column("ref").to_numpy()
    ref_acc = np.maximum(batch.column("ref_account").to_numpy(), 0)
    ref_str = _str(ref)
    ref_uid = cols.id.take(pa.array(ref_acc))
    is_rt = kind == REPOST
    counts = {name: batch.column(name).to_numpy() for name in ("retweet_count", "reply_count", "quote_count")}
    gidx = batch.column("gidx").to_numpy()
    likes = counts["retweet_count"] * 3 + counts["reply_count"] + (gidx * 2654435761 % 7) // 3
    likes = np.where(is_rt, 0, likes)
    mentions = batch.column("mentions").combine_chunks()
    mention_ids = pa.ListArray.from_arrays(mentions.offsets, cols.id.take(mentions.values))
    n = batch.num_rows
    absent = pa.repeat(pa.scalar("absent"), n)
    empty = pa.repeat(pa.scalar(""), n)
    data = {
        "tweetid": _str(batch.column("id").to_numpy()),
        "userid": cols.id.take(acc),
        "user_display_name": cols.display.take(acc),
        "user_screen_name": cols.handle.take(acc),
        "user_reported_location": cols.location.take(acc),
        "user_profile_description": cols.bio.take(acc),
        "user_profile_url": cols.url.take(acc),
        "follower_count": cols.followers.take(acc),
        "following_count": cols.following.take(acc),
        "account_creation_date": cols.created.take(acc),
        "account_language": cols.lang.take(acc),
        "tweet_language": _LANG_ARRAY.take(batch.column("lang").combine_chunks().cast(pa.int32())),
        "tweet_text": batch.column("text"),
        "tweet_time": _times(batch.column("t").to_numpy(), precision),
        "tweet_client_name": _CLIENT_ARRAY.take(batch.column("client").combine_chunks().cast(pa.int32())),
        "in_reply_to_userid": _where(kind == REPLY, ref_uid),
        "in_reply_to_tweetid": _where(kind == REPLY, ref_str),
        "quoted_tweet_tweetid": _where(kind == QUOTE, ref_str),
        "is_retweet": pc.if_else(pa.array(is_rt), pa.scalar("true"), pa.scalar("false")),
        "retweet_userid": _where(is_rt, ref_uid),
        "retweet_tweetid": _where(is_rt, ref_str),
        "latitude": absent,
        "longitude": absent,
        "quote_count": _str(np.where(is_rt, 0, counts["quote_count"])),
        "reply_count": _str(np.where(is_rt, 0, counts["reply_count"])),
        "like_count": _str(likes),
        "retweet_count": _str(np.where(is_rt, 0, counts["retweet_count"])),
        "hashtags": _literal_list(batch.column("tags")),
        "urls": _literal_list(batch.column("urls")),
        "user_mentions": _literal_list(mention_ids),
        "poll_choices": empty,
    }
    return pa.table(data)


class TweetWriter:
    """Streams batches into ``tweets.csv`` (header once, every value quoted)."""

    def __init__(self, path: str, cols: AccountColumns, precision: str):
        self.path = path
        self.cols = cols
        self.precision = precision
        self.rows = 0
        self._f = open(path, "wb")
        self._f.write((",".join(f'"{c}"' for c in TWEET_COLUMNS) + "\n").encode())

    def write(self, batch: pa.Table) -> None:
        # in slices: a row of the archive repeats its account's fields, so a whole day as
        # archive rows would be the largest thing in memory
        for start in range(0, batch.num_rows, WRITE_SLICE_ROWS):
            piece = batch.slice(start, WRITE_SLICE_ROWS)
            pacsv.write_csv(tweets_table(piece, self.cols, self.precision), self._f, _WRITE)
            self.rows += piece.num_rows

    def close(self) -> None:
        self._f.close()


def write_users(path: str, cols: AccountColumns) -> None:
    with open(path, "wb") as f:
        f.write((",".join(f'"{c}"' for c in USER_COLUMNS) + "\n").encode())
        pacsv.write_csv(cols.users_table(), f, _WRITE)


def write_watchlist(path: str, world, with_avatars: bool) -> int:
    """The accounts and outlets an investigator would protect: every prominent account and
    outlet account (picture path relative to the watchlist), and every outlet domain."""
    acc = world.accounts
    rows = []
    for i in np.flatnonzero((acc.role == ROLE_PROMINENT) | (acc.role == ROLE_OUTLET)):
        pic = f"avatars/{acc.ids[i]}.png" if with_avatars and acc.avatar[i] is not None else ""
        rows.append({"kind": "account", "platform": "twitter", "handle": acc.handle[i], "display_name": acc.display[i],
                     "avatar": pic, "domain": ""})
    for o in world.outlets:
        rows.append({"kind": "outlet", "platform": "", "handle": "", "display_name": o.name, "avatar": "", "domain": o.domain})
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=WATCHLIST_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def iso(t: int | None) -> str:
    """``YYYY-MM-DD HH:MM:SS`` (UTC) for truth files; empty for ``None``."""
    if t is None:
        return ""
    return datetime.fromtimestamp(int(t), tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")

