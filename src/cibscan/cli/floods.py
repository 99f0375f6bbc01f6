"""``cibscan floods``: the bursts found, most inauthentic-looking first."""

from __future__ import annotations

from ._top import detector_top_command

detector_top_command(
    "floods",
    table="floods_bursts",
    columns=[("burst_id", "burst"), ("key", "key"), ("start", "start (UTC)"), ("volume", "posts"), ("n_accounts", "accounts"),
             ("score", "score"), ("confidence", "confidence"), ("reason", "why")],
    order_by=lambda r: (-r["score"], -r["volume"]),
    title="bursts in {workspace} (score: how inauthentic it looks, 0-1)",
    help="Print the hashtag/phrase bursts, most inauthentic-looking first (table floods_bursts).",
    limits={"reason": 160, "key": 40},
)
