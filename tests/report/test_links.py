import pytest

from cibscan.report.links import account_url, is_safe_link, post_url

DID = "did:plc:" + "a" * 24


@pytest.mark.parametrize("platform, post_id, expected", [
    ("twitter", "1234567890", "https://x.com/i/web/status/1234567890"),
    ("twitter", "javascript:alert(1)", None),
    ("twitter", "12 34", None),
    ("twitter", "", None),
    ("twitter", None, None),
    ("bluesky", f"at://{DID}/app.bsky.feed.post/3kabcdefghijk", f"https://bsky.app/profile/{DID}/post/3kabcdefghijk"),
    ("bluesky", "at://evil.example/app.bsky.feed.post/3kabcdefghijk", None),
    ("telegram", "somechannel/42", "https://t.me/somechannel/42"),
    ("telegram", "some/channel/42", None),
    ("generic", "1234567890", None),
    ("telegram", "javascript:/1", None),
])
def test_post_url(platform, post_id, expected):
    assert post_url(platform, post_id) == expected


@pytest.mark.parametrize("platform, account_id, handle, expected", [
    ("twitter", "12345", "someone", "https://x.com/i/user/12345"),
    ("twitter", "hashedID+/=", "someone_1", "https://x.com/someone_1"),
    ("twitter", "hashedID+/=", "<script>", None),
    ("twitter", "hashedID+/=", "a" * 16, None),
    ("bluesky", DID, "x.bsky.social", f"https://bsky.app/profile/{DID}"),
    ("telegram", "-100123", "channel_name", "https://t.me/channel_name"),
    ("generic", "1", "someone", None),
])
def test_account_url(platform, account_id, handle, expected):
    assert account_url(platform, account_id, handle) == expected


@pytest.mark.parametrize("url, ok", [
    ("https://x.com/i/web/status/1", True),
    ("https://t.me/a/1", True),
    ("http://x.com/i/web/status/1", False),
    ("javascript:alert(1)", False),
    ("https://x.com.evil.example/", False),
    ("https://evil.example/x.com", False),
    (None, False),
])
def test_is_safe_link(url, ok):
    assert is_safe_link(url) is ok
