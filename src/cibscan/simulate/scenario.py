"""``simulate()``: build the world, generate campaign and organic posts, write the folder.

Posts are generated and written one day (or part of a day) at a time, so memory stays bounded
by one day's traffic whatever the total. The file is in time order: reactions that fall after
the end of their day wait in a small buffer until their day is written.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import CibscanError, ParameterError
from .config import ScenarioConfig
from .images import write_avatars
from .organic import generate_day
from .posts import concat_batches, with_engagement
from .truth import write_truth
from .world import _apportion, build_world
from .writers import AccountColumns, TweetWriter, write_users, write_watchlist

__all__ = ["simulate", "ScenarioSummary", "OUTPUT_FILES", "SIMULATOR_VERSION", "MAX_PART_POSTS"]

SIMULATOR_VERSION = 1
#: largest number of organic posts generated at once (bounds memory; a day above it is split)
MAX_PART_POSTS = 200_000
#: when a day's parts go to disk before the merge: "auto" (days in several parts), "always",
#: "never" (tests check that all three write the same bytes)
SPILL = "auto"
#: largest share of the posts campaigns may take before the scenario is refused
MAX_CAMPAIGN_SHARE = 0.3
OUTPUT_FILES = ("tweets.csv", "users.csv", "watchlist.csv", "scenario.json", "truth", "avatars")


@dataclass
class ScenarioSummary:
    """What ``simulate`` wrote."""

    out_dir: str
    seed: int
    posts: int
    accounts: int
    campaign_posts: int
    campaign_accounts: int
    accounts_by_tactic: dict
    avatars: int
    seconds: float
    files: dict = field(default_factory=dict)
    #: wall seconds per stage: world, campaigns, posts, pictures, truth
    stage_seconds: dict = field(default_factory=dict)

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds else float("inf")


class SimulationError(CibscanError, ValueError):
    """The output folder cannot be used."""


def _prepare(out_dir: str) -> None:
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise SimulationError(f"{out_dir} is a file; give a folder for the scenario")
    if os.path.isdir(out_dir):
        entries = set(os.listdir(out_dir))
        ours = entries & set(OUTPUT_FILES)
        if entries and "scenario.json" not in entries:
            raise SimulationError(f"{out_dir} is not empty and holds no earlier scenario; choose an empty or new folder")
        for name in ours:
            p = os.path.join(out_dir, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(out_dir, exist_ok=True)


def _sorted(rows: pa.Table) -> pa.Table:
    """In time order; the post number breaks ties, so the order is total and reproducible."""
    return rows.take(pc.sort_indices(rows, sort_keys=[("t", "ascending"), ("gidx", "ascending")]))


def _spill_by_hour(rows: pa.Table, day_start: int, folder: str, name: str) -> str:
    """Write one part of a day to an Arrow IPC file as 24 record batches, one per hour."""
    os.makedirs(folder, exist_ok=True)
    rows = _sorted(rows)
    bounds = np.searchsorted(rows.column("t").to_numpy(), day_start + 3600 * np.arange(25))
    path = os.path.join(folder, f"{name}.arrow")
    with pa.ipc.new_file(path, rows.schema) as f:
        for h in range(24):
            f.write_table(rows.slice(bounds[h], bounds[h + 1] - bounds[h]))
    return path


def _rows_in_time_order(held: pa.Table, spilled: list[str], day_start: int):
    """A day's rows in time order: all at once when nothing was spilled, else hour by hour
    (reading that hour of every spilled part), so memory holds one hour of a big day."""
    if not spilled:
        yield _sorted(held)
        return
    held = _sorted(held)
    bounds = np.searchsorted(held.column("t").to_numpy(), day_start + 3600 * np.arange(25))
    readers = [pa.ipc.open_file(p) for p in spilled]
    try:
        for h in range(24):
            pieces = [held.slice(bounds[h], bounds[h + 1] - bounds[h])] + [pa.Table.from_batches([r.get_batch(h)]) for r in readers]
            yield _sorted(concat_batches(pieces))
    finally:
        for p in spilled:
            os.remove(p)


def _day_quotas(world, organic_total: int) -> np.ndarray:
    """Organic posts per day: a weekly rhythm with some day-to-day noise, plus the planned
    trend and meme posts of each day."""
    from .streams import stream

    cfg = world.cfg
    rng = stream(cfg.seed, "calendar")
    weekday = (cfg.t0 // 86_400 + 3 + np.arange(cfg.days)) % 7  # 1970-01-01 was a Thursday
    w = np.where(weekday >= 5, 0.88, 1.0) * rng.gamma(60, 1 / 60, size=cfg.days)
    planned = np.zeros(cfg.days, dtype=np.int64)
    for counts in world.trend_counts:
        planned += counts
    for m in world.memes:
        planned[m.day] += m.count
    if planned.sum() > 0.5 * organic_total:
        raise ParameterError(f"{cfg.posts:,} posts leave too little organic traffic for the trends and memes; use more posts")
    # planned posts are originals (about half of a day), so give them twice their room
    return 2 * planned + _apportion(organic_total - 2 * int(planned.sum()), w)


def simulate(out_dir, posts: int = 50_000, seed: int = 0, *, progress=None, config: ScenarioConfig | None = None, **knobs) -> ScenarioSummary:
    """Simulate a scenario and write it to ``out_dir`` (see ``docs/simulator.md``).

    Parameters
    ----------
    out_dir : str or path
        Folder to write; created if missing. A folder holding an earlier scenario is
        overwritten (only the simulator's own files); any other non-empty folder is refused.
    posts, seed : int
        Exact number of posts, and the seed (same seed and knobs, same bytes).
    progress : callable, optional
        ``progress(stage, done, total)`` is called as work advances.
    config : ScenarioConfig, optional
        A full configuration (then ``posts``, ``seed`` and ``knobs`` are ignored).
    **knobs
        Any other ``ScenarioConfig`` field: ``accounts``, ``days``, ``start``, ``tactics``,
        ``traps``, ``campaign_scale``, ``avatars``, ``avatar_share``, ``max_avatars``,
        ``time_precision``.

    Example
    -------
    >>> from cibscan.simulate import simulate, load_truth
    >>> s = simulate("scenario", posts=20_000, seed=7)           # doctest: +SKIP
    >>> load_truth("scenario").accounts_with("co_repost")        # doctest: +SKIP
    """
    t_start = time.perf_counter()
    cfg = config or ScenarioConfig(posts=int(posts), seed=int(seed), **knobs)
    out_dir = os.fspath(out_dir)
    _prepare(out_dir)
    say = progress or (lambda stage, done, total: None)

    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages[name] = round(now - clock[0], 3)
        clock[0] = now

    say("planning", 0, 1)
    world = build_world(cfg)
    lap("world")
    camp, facts = campaign_posts_of(world)
    lap("campaigns")
    n_camp = camp.num_rows
    if n_camp > MAX_CAMPAIGN_SHARE * cfg.posts:
        raise ParameterError(
            f"the campaigns need {n_camp:,} posts, more than {MAX_CAMPAIGN_SHARE:.0%} of {cfg.posts:,}; "
            f"use more --posts or a smaller --campaign-scale")
    quotas = _day_quotas(world, cfg.posts - n_camp)
    acc_cols = AccountColumns(world.accounts)
    per_account = np.zeros(world.accounts.n, dtype=np.int64)

    tmp = os.path.join(out_dir, "tweets.csv.part")
    writer = TweetWriter(tmp, acc_cols, cfg.time_precision)
    camp_t = camp.column("t").to_numpy()
    camp = camp.take(pa.array(np.argsort(camp_t, kind="stable")))
    camp_t = np.sort(camp_t)
    pending = None
    gidx = n_camp
    spill_dir = os.path.join(out_dir, ".parts")
    for day in range(cfg.days):
        day_start, day_end = cfg.t0 + day * 86_400, cfg.t0 + (day + 1) * 86_400
        n_parts = max(1, math.ceil(quotas[day] / MAX_PART_POSTS))
        split = _apportion(int(quotas[day]), np.ones(n_parts))
        lo, hi = np.searchsorted(camp_t, [day_start, day_end])
        held = [pending, camp.slice(lo, hi - lo)]  # small: reactions spilling over, campaign posts
        spilled = []
        for part in range(n_parts):
            b = with_engagement(generate_day(world, day, part, n_parts, int(split[part]), gidx))
            gidx += int(split[part])
            if SPILL == "never" or (SPILL == "auto" and n_parts == 1):
                held.append(b)
            else:
                later = b.column("t").to_numpy() >= day_end
                held.append(b.filter(pa.array(later)))
                spilled.append(_spill_by_hour(b.filter(pa.array(~later)), day_start, spill_dir, f"{day}-{part}"))
        today = concat_batches(held)
        later = today.column("t").to_numpy() >= day_end
        pending = today.filter(pa.array(later))
        today = today.filter(pa.array(~later))
        for rows in _rows_in_time_order(today, spilled, day_start):
            writer.write(rows)
            per_account += np.bincount(rows.column("account").to_numpy(), minlength=world.accounts.n)
        say("posts", writer.rows, cfg.posts)
    shutil.rmtree(spill_dir, ignore_errors=True)
    if pending is not None and pending.num_rows:
        writer.write(pending)  # cannot happen: every time is before the end of the period
    writer.close()
    if writer.rows != cfg.posts:
        raise AssertionError(f"wrote {writer.rows} posts, planned {cfg.posts}")
    os.replace(tmp, os.path.join(out_dir, "tweets.csv"))
    write_users(os.path.join(out_dir, "users.csv"), acc_cols)
    lap("posts")

    n_avatars = 0
    if cfg.avatars:
        plans = world.accounts.avatar
        total = sum(1 for p in plans if p is not None)
        n_avatars = write_avatars(os.path.join(out_dir, "avatars"), world.accounts.ids, plans, cfg.seed,
                                  progress=lambda n: say("avatars", n, total))
    lap("pictures")
    n_watch = write_watchlist(os.path.join(out_dir, "watchlist.csv"), world, cfg.avatars)
    truth_counts = write_truth(os.path.join(out_dir, "truth"), world, facts["laundering_planned"], per_account)
    lap("truth")

    acc = world.accounts
    counts = {
        "posts": cfg.posts,
        "campaign_posts": n_camp,
        "accounts": acc.n,
        "accounts_with_posts": int((per_account > 0).sum()),
        "avatars": n_avatars,
        "watchlist_rows": n_watch,
        "outlets": len(world.outlets),
        "trends": len(world.trends),
        "memes": len(world.memes),
        **truth_counts,
    }
    meta = {
        "generator": "cibscan simulate",
        "simulator_version": SIMULATOR_VERSION,
        "seed": cfg.seed,
        "parameters": cfg.as_dict(),
        "period": {"start": cfg.start, "days": cfg.days},
        "counts": counts,
        "files": {
            "tweets": "tweets.csv", "users": "users.csv", "watchlist": "watchlist.csv",
            "avatars": "avatars/" if cfg.avatars else None, "truth": "truth/",
        },
        "formats": {"tweets": "x-io-tweets", "users": "x-io-users"},
    }
    with open(os.path.join(out_dir, "scenario.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
        f.write("\n")
    say("done", 1, 1)
    return ScenarioSummary(
        out_dir=out_dir, seed=cfg.seed, posts=cfg.posts, accounts=acc.n, campaign_posts=n_camp,
        campaign_accounts=truth_counts["campaign_accounts"], accounts_by_tactic=truth_counts["accounts_by_tactic"],
        avatars=n_avatars, seconds=time.perf_counter() - t_start, files=meta["files"], stage_seconds=stages,
    )


def campaign_posts_of(world):
    from .campaigns import campaign_posts

    return campaign_posts(world)
