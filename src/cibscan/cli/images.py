"""``cibscan ingest --images/--watchlist``: hash avatar/media images and store a watchlist.

Shared by the ingest command's options; kept here so the ingest command only gains two lines.
"""

from __future__ import annotations

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..images import ingest_images
from ..watchlist import store_watchlist
from ..workspace import open_workspace
from .app import console


def run_images_and_watchlist(workspace: str, images: str | None, kind: str, watchlist: str | None) -> None:
    """Hash the image folder into the workspace and/or store the watchlist, printing a summary."""
    with open_workspace(workspace) as ws:
        if watchlist:
            entries = store_watchlist(ws, watchlist)
            n_acc = sum(e.kind == "account" for e in entries)
            console.print(f"watchlist: {n_acc:,} accounts and {len(entries) - n_acc:,} outlet domains stored from {watchlist}")
        if images:
            with Progress(TextColumn("hashing images"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), console=console, transient=True) as bar:
                task = bar.add_task("images", total=None)
                r = ingest_images(ws, images, kind=kind, progress=lambda n, total: bar.update(task, completed=n, total=total))
            if r.status != "ingested":
                console.print(f"images: {images} was hashed before; nothing added")
                return
            console.print(f"images: {r.hashed:,} of {r.files:,} files hashed; {r.avatars:,} account avatars and "
                          f"{r.media_posts:,} posts' media set; {r.unmatched:,} matched no account or post; "
                          f"{r.rejects:,} unreadable (in `rejects`)")
            for example in r.reject_examples:
                console.print(f"  {example}", markup=False)
