"""Links from a report to the original posts and profiles, only where the ids allow it.

Every id in a report came from the people being investigated, so a link is built only when the
id matches a strict pattern for its platform, and always as an ``https:`` address on the
platform's own host: a hostile id can never become a ``javascript:`` URL or point elsewhere.
The report's script checks the same host list again before it sets any ``href``
(``SAFE_LINK_HOSTS``).
"""

from __future__ import annotations

import re

__all__ = ["SAFE_LINK_HOSTS", "post_url", "account_url", "is_safe_link"]

#: The only hosts a report links to (the platforms whose ids we know how to turn into links).
SAFE_LINK_HOSTS = ("x.com", "bsky.app", "t.me")

_NUMERIC_ID = re.compile(r"[0-9]{1,25}")
_X_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
_DID = r"did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]{1,253})"
_BSKY_POST = re.compile(rf"at://({_DID})/app\.bsky\.feed\.post/([a-z2-7]{{13}})")
_BSKY_DID = re.compile(_DID)
_TG_POST = re.compile(r"([A-Za-z][A-Za-z0-9_]{3,31})/([0-9]{1,12})")
_TG_HANDLE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def post_url(platform: str | None, post_id: str | None) -> str | None:
    """The public address of a post, or ``None`` when its id does not allow one.

    X/Twitter: numeric status ids (also the real tweet ids in IO archives whose user ids are
    hashed); Bluesky: ``at://did/app.bsky.feed.post/rkey`` URIs; Telegram: ``channel/number``.
    """
    if not post_id:
        return None
    p = (platform or "").lower()
    if p in ("twitter", "x") and _NUMERIC_ID.fullmatch(post_id):
        return f"https://x.com/i/web/status/{post_id}"
    if p == "bluesky" and (m := _BSKY_POST.fullmatch(post_id)):
        return f"https://bsky.app/profile/{m.group(1)}/post/{m.group(2)}"
    if p == "telegram" and (m := _TG_POST.fullmatch(post_id)):
        return f"https://t.me/{m.group(1)}/{m.group(2)}"
    return None


def account_url(platform: str | None, account_id: str | None, handle: str | None = None) -> str | None:
    """The public profile address of an account, or ``None`` when its id/handle do not allow one."""
    p = (platform or "").lower()
    if p in ("twitter", "x"):
        if account_id and _NUMERIC_ID.fullmatch(account_id):
            return f"https://x.com/i/user/{account_id}"
        if handle and _X_HANDLE.fullmatch(handle):
            return f"https://x.com/{handle}"
    if p == "bluesky" and account_id and _BSKY_DID.fullmatch(account_id):
        return f"https://bsky.app/profile/{account_id}"
    if p == "telegram" and handle and _TG_HANDLE.fullmatch(handle):
        return f"https://t.me/{handle}"
    return None


def is_safe_link(url: str | None) -> bool:
    """Whether ``url`` is an ``https:`` address on one of ``SAFE_LINK_HOSTS`` (nothing else is
    ever put in a report's ``href``)."""
    if not url or not url.startswith("https://"):
        return False
    host = url[len("https://"):].split("/", 1)[0]
    return host in SAFE_LINK_HOSTS
