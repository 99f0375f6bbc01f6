"""X/Twitter Information Operations archive files (transparency.x.com / Twitter's "Information
operations" releases): the tweets CSV and the users CSV.

Columns are read by name (releases differ in order). List columns (``hashtags``, ``urls``,
``user_mentions``) are Python-style literals (``['a', 'b']``). Hashed ids of accounts under
5,000 followers are kept exactly as released. ``latitude``/``longitude`` may say ``absent``.
Retweets are linked to their original by ``retweet_tweetid``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .base import Account, Adapter, Post, RecordError, Sample
from .columns import BatchParse, Mapped, is_blank_text, is_clean_text
from .fields import clean_str, parse_bool, parse_int, parse_list, parse_time
from .batches import RowBatch
from .staging import BatchRecords, _opt_str, _str_list, empty_lists

__all__ = ["XIOTweets", "XIOUsers"]

_TWEET_COLS = {"tweetid", "userid", "tweet_text", "tweet_time"}
_USER_COLS = {"userid", "user_screen_name", "account_creation_date"}


#: the columns an account row is read from
_ACCOUNT_COLS = ("userid", "user_screen_name", "user_display_name", "user_profile_description", "user_profile_url",
                 "user_reported_location", "follower_count", "following_count", "account_creation_date", "account_language")


def _account(row: dict) -> Account:
    return _account_of(*(row.get(c) for c in _ACCOUNT_COLS))


def _account_of(userid, screen_name, display_name, description, url, location, followers, following, created, lang) -> Account:
    return Account(
        account_id=clean_str(userid),
        handle=clean_str(screen_name),
        display_name=clean_str(display_name),
        description=clean_str(description),
        url=clean_str(url),
        location=clean_str(location),
        followers=parse_int(followers, "follower_count"),
        following=parse_int(following, "following_count"),
        created_at=parse_time(created, "account_creation_date"),
        lang=clean_str(lang),
    )


def _kind(is_retweet: bool | None, retweet_tweetid, retweet_userid, quoted_tweetid, reply_tweetid, reply_userid) -> tuple[str, str | None, str | None]:
    """(kind, ref_post_id, ref_account_id) of a tweet from its cleaned reference columns."""
    if is_retweet or retweet_tweetid:
        if retweet_tweetid is None:
            raise RecordError("retweet without retweet_tweetid")
        return "repost", retweet_tweetid, retweet_userid
    if quoted_tweetid:
        return "quote", quoted_tweetid, None
    if reply_tweetid:
        return "reply", reply_tweetid, reply_userid
    return "post", None, None


_STR, _TIME, _LIST = pa.string(), pa.timestamp("us"), pa.list_(pa.string())


def _ids(b: BatchParse, values, clean) -> Mapped:
    """``clean`` (``clean_str`` or ``_id``) of an id column, not called for plain ids."""
    return b.map(clean, values, unchanged=is_clean_text(values) if isinstance(values, pa.Array) else None)


def _kinds(b: BatchParse, is_retweet: pa.Array, retweet_tweetid: pa.Array, retweet_userid: pa.Array, quoted_tweetid: pa.Array,
           reply_tweetid: pa.Array, reply_userid: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """``_kind`` of every record at once, from its cleaned columns (``None`` is null; a cleaned
    id is never empty, so a value is true exactly when it is not null)."""
    repost = pc.or_(is_retweet.fill_null(False), retweet_tweetid.is_valid())
    bad = pc.and_(repost, retweet_tweetid.is_null()).to_numpy(zero_copy_only=False)
    if bad.any():  # "retweet without retweet_tweetid": the unit-by-unit path says so
        b.fallback.update(np.flatnonzero(bad).tolist())
    quote = pc.and_(pc.invert(repost), quoted_tweetid.is_valid())
    reply = pc.and_(pc.invert(pc.or_(repost, quote)), reply_tweetid.is_valid())
    cases = pc.make_struct(repost, quote, reply)
    null = pa.nulls(len(repost), _STR)
    kind = pc.case_when(cases, "repost", "quote", "reply", "post").cast(_STR)
    ref = pc.case_when(cases, retweet_tweetid, quoted_tweetid, reply_tweetid, null)
    ref_account = pc.case_when(cases, retweet_userid, null, reply_userid, null)
    return kind, ref, ref_account


def _not_blank(values):
    return ~is_blank_text(values) if isinstance(values, pa.Array) else None


def _id(value) -> str | None:
    """An id column as the canonical value (``clean_str``, as staging keeps it)."""
    return _opt_str(clean_str(value))


class XIOTweets(Adapter):
    name = "x-io-tweets"
    platform = "twitter"
    description = "X/Twitter information-operations archive, tweets CSV (tweetid, userid, tweet_text, ...)"
    container = "csv"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        return _TWEET_COLS <= sample.columns and not sample.is_parquet

    def parse(self, unit) -> Iterator[Post | Account]:
        row = unit.payload
        tweet_id = clean_str(row.get("tweetid"))
        if tweet_id is None:
            raise RecordError("missing tweetid")
        created = parse_time(row.get("tweet_time"), "tweet_time")
        if created is None:
            raise RecordError("missing tweet_time")
        kind, ref, ref_account = _kind(
            parse_bool(row.get("is_retweet")), clean_str(row.get("retweet_tweetid")), clean_str(row.get("retweet_userid")),
            clean_str(row.get("quoted_tweet_tweetid")), clean_str(row.get("in_reply_to_tweetid")), clean_str(row.get("in_reply_to_userid")),
        )
        yield Post(
            post_id=tweet_id,
            account_id=clean_str(row.get("userid")),
            created_at=created,
            text=row.get("tweet_text"),
            lang=clean_str(row.get("tweet_language")),
            kind=kind,
            ref_post_id=ref,
            ref_account_id=ref_account,
            hashtags=parse_list(row.get("hashtags"), "hashtags"),
            urls=parse_list(row.get("urls"), "urls"),
            mentions=parse_list(row.get("user_mentions"), "user_mentions"),
            client=clean_str(row.get("tweet_client_name")),
        )
        yield _account(row)

    def parse_batch(self, batch: RowBatch) -> BatchRecords:
        """``parse`` for a whole batch, column by column (see ``cibscan.ingest.columns``)."""
        b = BatchParse(batch)
        col = b.column
        n = batch.size
        post_id = b.require(_ids(b, col("tweetid"), clean_str))
        account_id = b.require(_ids(b, col("userid"), clean_str))
        created = b.require(b.map(lambda v: parse_time(v, "tweet_time"), col("tweet_time")))
        kind, ref, ref_account = _kinds(
            b, b.map(parse_bool, col("is_retweet")).array(pa.bool_()),
            *(_ids(b, col(c), clean_str if c == "retweet_tweetid" else _id).array(_STR)
              for c in ("retweet_tweetid", "retweet_userid", "quoted_tweet_tweetid", "in_reply_to_tweetid", "in_reply_to_userid")),
        )
        text = col("tweet_text")
        posts = {
            "platform": [self.platform] * n,
            "post_id": post_id.array(_STR),
            "account_id": account_id.array(_STR),
            "created_at": created.array(_TIME),
            "text": b.map(_opt_str, text, unchanged=_not_blank(text)).array(_STR),
            "lang": b.map(_id, col("tweet_language")).array(_STR),
            "kind": kind,
            "ref_post_id": ref,
            "ref_account_id": ref_account,
            "hashtags": b.map(lambda v: _str_list(parse_list(v, "hashtags"), "hashtags"), col("hashtags")).array(_LIST),
            "urls": b.map(lambda v: _str_list(parse_list(v, "urls"), "urls"), col("urls")).array(_LIST),
            "domains": empty_lists(n),
            "mentions": b.map(lambda v: _str_list(parse_list(v, "user_mentions"), "mentions"), col("user_mentions")).array(_LIST),
            "media_hashes": empty_lists(n),
            "media_urls": empty_lists(n),
            "client": b.map(_id, col("tweet_client_name")).array(_STR),
        }
        accounts = b.accounts(_account_of, self.platform, *map(col, _ACCOUNT_COLS), memo=self.memo("accounts"))
        return BatchRecords(posts, accounts, b.fallback)


class XIOUsers(Adapter):
    name = "x-io-users"
    platform = "twitter"
    description = "X/Twitter information-operations archive, users CSV (userid, user_screen_name, account_creation_date, ...)"
    container = "csv"

    @classmethod
    def sniff(cls, sample: Sample) -> bool:
        cols = sample.columns
        return _USER_COLS <= cols and "tweetid" not in cols and not sample.is_parquet

    def parse(self, unit) -> Iterator[Account]:
        yield _account(unit.payload)

    def parse_batch(self, batch: RowBatch) -> BatchRecords:
        b = BatchParse(batch)
        return BatchRecords(None, b.accounts(_account_of, self.platform, *map(b.column, _ACCOUNT_COLS), memo=self.memo("accounts")), b.fallback)
