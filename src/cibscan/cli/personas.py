"""``cibscan personas``: batches of accounts that look made together."""

from __future__ import annotations

from ._top import detector_top_command

detector_top_command(
    "personas",
    table="personas_batches",
    columns=[("batch_id", "batch"), ("basis", "basis"), ("created_from", "created from"), ("created_to", "to"),
             ("size", "accounts"), ("score", "score"), ("confidence", "confidence"), ("traits", "shared traits")],
    order_by=lambda r: (-r["score"], -r["size"]),
    title="persona batches in {workspace}",
    help="Print persona batches: accounts created in bursts or sharing handles, bios, avatars (table personas_batches).",
    limits={"traits": 140},
)
