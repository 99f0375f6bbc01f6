"""X/Twitter Information Operations archive files (transparency.x.com / Twitter's "Information
operations" releases): the tweets CSV and the users CSV.

Columns are read by name (releases differ in order). List columns (``hashtags``, ``urls``,
``user_mentions``) are Python-style literals (``['a', 'b']``). Hashed ids of accounts under
5,000 followers are kept exactly as released. ``latitude``/``longitude`` may say ``absent``.
Retweets are linked to their original by ``retweet_tweetid``.
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import Account, Adapter, Post, RecordError, Sample
from .fields import clean_str, parse_bool, parse_int, parse_list, parse_time

__all__ = ["XIOTweets", "XIOUsers"]

_TWEET_COLS = {"tweetid", "userid", "tweet_text", "tweet_time"}
_USER_COLS = {"userid", "user_screen_name", "account_creation_date"}


def _account(row: dict) -> Account:
    return Account(
        account_id=clean_str(row.get("userid")),
        handle=clean_str(row.get("user_screen_name")),
        display_name=clean_str(row.get("user_display_name")),
        description=clean_str(row.get("user_profile_description")),
        url=clean_str(row.get("user_profile_url")),
        location=clean_str(row.get("user_reported_location")),
        followers=parse_int(row.get("follower_count"), "follower_count"),
        following=parse_int(row.get("following_count"), "following_count"),
        created_at=parse_time(row.get("account_creation_date"), "account_creation_date"),
        lang=clean_str(row.get("account_language")),
    )


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
        kind, ref, ref_account = "post", None, None
        if parse_bool(row.get("is_retweet")) or clean_str(row.get("retweet_tweetid")):
            kind, ref, ref_account = "repost", clean_str(row.get("retweet_tweetid")), clean_str(row.get("retweet_userid"))
            if ref is None:
                raise RecordError("retweet without retweet_tweetid")
        elif clean_str(row.get("quoted_tweet_tweetid")):
            kind, ref = "quote", clean_str(row.get("quoted_tweet_tweetid"))
        elif clean_str(row.get("in_reply_to_tweetid")):
            kind, ref, ref_account = "reply", clean_str(row.get("in_reply_to_tweetid")), clean_str(row.get("in_reply_to_userid"))
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
