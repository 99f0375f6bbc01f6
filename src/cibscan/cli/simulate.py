"""``cibscan simulate``: write a scenario (organic traffic + planted campaigns + truth)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..simulate import TACTICS, TRAPS, simulate
from ..simulate.config import parse_names
from .app import app, console

STAGES = {"planning": "planning the scenario", "posts": "writing posts", "avatars": "drawing pictures", "done": "done"}


def run_simulate(out: str, *, quiet: bool = False, **kwargs):
    """Simulate with a progress display; shared by ``simulate`` and ``demo``."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=console, transient=True, disable=quiet) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return simulate(out, progress=progress, **kwargs)


def print_summary(s) -> None:
    console.print(f"wrote {s.posts:,} posts by {s.accounts:,} accounts to {s.out_dir} "
                  f"({s.campaign_posts:,} campaign posts, {s.campaign_accounts:,} campaign accounts, "
                  f"{s.avatars:,} pictures) in {s.seconds:.1f} s")
    console.print("planted: " + ", ".join(f"{k} {v}" for k, v in s.accounts_by_tactic.items()) if s.accounts_by_tactic
                  else "planted: nothing (organic traffic only)")
    console.print(f"truth in {s.out_dir}/truth/; ingest with: cibscan ingest {s.out_dir}/tweets.csv {s.out_dir}/users.csv")


@app.command("simulate")
def simulate_command(
    out: Annotated[str, typer.Argument(help="Folder to write (created; an earlier scenario in it is replaced).")],
    posts: Annotated[int, typer.Option("--posts", "-n", help="Exact number of posts to write.")] = 50_000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Random seed: same seed and options, same files.")] = 0,
    accounts: Annotated[Optional[int], typer.Option("--accounts", help="Organic accounts (default: max(1000, posts/40)); campaign accounts come on top.")] = None,
    days: Annotated[int, typer.Option("--days", help="Length of the observed period in days.")] = 30,
    start: Annotated[str, typer.Option("--start", help="First day of the period (UTC), YYYY-MM-DD.")] = "2024-03-01",
    tactics: Annotated[str, typer.Option("--tactics", help=f"Tactics to plant, comma-separated, or all / none. Known: {', '.join(TACTICS)}.")] = "all",
    traps: Annotated[str, typer.Option("--traps", help=f"Organic traps to include, comma-separated, or all / none. Known: {', '.join(TRAPS)}.")] = "all",
    campaign_scale: Annotated[float, typer.Option("--campaign-scale", help="Multiply every campaign group's size.")] = 1.0,
    avatars: Annotated[bool, typer.Option("--avatars/--no-avatars", help="Write profile pictures to avatars/.")] = True,
    avatar_share: Annotated[float, typer.Option("--avatar-share", help="Share of ordinary accounts with a picture of their own.")] = 0.08,
    max_avatars: Annotated[int, typer.Option("--max-avatars", help="Cap on ordinary accounts' pictures.")] = 10_000,
    time_precision: Annotated[str, typer.Option("--time-precision", help="tweet_time precision: second, or minute as in official archives.")] = "second",
) -> None:
    """Simulate organic traffic with planted campaigns and write it as an X/Twitter IO archive,
    with pictures, a watchlist and the ground truth (see docs/simulator.md)."""
    s = run_simulate(
        out, posts=posts, seed=seed, accounts=accounts, days=days, start=start,
        tactics=parse_names(tactics, TACTICS, "tactic"), traps=parse_names(traps, TRAPS, "trap"),
        campaign_scale=campaign_scale, avatars=avatars, avatar_share=avatar_share, max_avatars=max_avatars,
        time_precision=time_precision,
    )
    print_summary(s)
