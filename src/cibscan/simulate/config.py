"""The knobs of a scenario, checked once, and the sizes derived from them.

Every size that grows with the data (campaign groups, hub cascades, fan clubs) is derived here
from ``posts``, ``accounts`` and ``campaign_scale``, so the whole scenario is a function of one
``ScenarioConfig`` and a seed.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass
from datetime import date

from ..errors import ParameterError

__all__ = [
    "ScenarioConfig",
    "TACTICS",
    "TRAPS",
    "MIN_POSTS",
    "MAX_ACCOUNTS",
    "parse_names",
]

#: Tactics a scenario can plant (DESIGN.md's table); names used in ``truth/accounts.csv``.
TACTICS = (
    "flood",
    "co_repost",
    "co_link",
    "copy_paste",
    "persona_batch",
    "impersonator",
    "spoofed_outlet",
    "laundering",
)

#: Organic behaviours that look like a tactic to a naive detector (see docs/simulator.md).
TRAPS = (
    "hub_cascades",  # thousands of accounts retweet one popular post, many within seconds
    "fans",  # fan clubs retweet one celebrity quickly, post after post
    "trends",  # organic trending hashtags with broad participation
    "memes",  # identical greeting / slogan texts posted by many unrelated accounts
    "share_buttons",  # identical "headline URL via @outlet" texts from news share buttons
    "lookalike_handles",  # ordinary accounts one edit away from a prominent handle
    "shared_avatars",  # unrelated accounts using the same popular picture
    "creation_surge",  # a day when many unrelated accounts joined
    "campaign_echo",  # organic accounts that retweet a campaign post or use its tag once
    "lookalike_outlets",  # two real, unrelated outlets whose domains differ only by TLD
    "hostile_strings",  # markup, quotes, control characters in names, bios and texts
)

MIN_POSTS = 10_000
#: Account ids keep 22 low bits for a unique index (see ``accounts.assign_account_ids``).
MAX_ACCOUNTS = 4_000_000
TIME_PRECISIONS = ("second", "minute")


def parse_names(value: str | None, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """``"a,b"`` / ``"all"`` / ``"none"`` as a tuple of names from ``allowed`` (order kept as
    in ``allowed``); an unknown name raises ``ParameterError`` listing the known ones."""
    if value is None or value.strip().lower() == "all":
        return allowed
    if value.strip().lower() in ("", "none"):
        return ()
    names = {v.strip() for v in value.split(",") if v.strip()}
    unknown = sorted(names - set(allowed))
    if unknown:
        raise ParameterError(f"unknown {what} {', '.join(unknown)}; known: {', '.join(allowed)} (or all / none)")
    return tuple(n for n in allowed if n in names)


@dataclass(frozen=True)
class ScenarioConfig:
    """What to simulate.

    Parameters
    ----------
    posts : int
        Exact number of posts written to ``tweets.csv`` (organic and campaign together).
    seed : int
        Seed of every random choice: the same config and seed give the same bytes.
    accounts : int, optional
        Size of the organic population (ordinary, prominent and outlet accounts). Campaign
        accounts come on top. Default ``max(1000, posts // 40)``.
    days : int
        Length of the observed period.
    start : str
        First day of the period (UTC, ``YYYY-MM-DD``).
    tactics : tuple of str
        Tactics to plant (default all of ``TACTICS``; empty for organic data only).
    traps : tuple of str
        Organic traps to include (default all of ``TRAPS``).
    campaign_scale : float
        Multiplies every campaign group's size (1.0 = default sizes for this many posts).
    avatars : bool
        Write ``avatars/<account_id>.png`` for accounts with a profile image.
    avatar_share : float
        Share of ordinary accounts with a profile image of their own (prominent accounts,
        impersonators and persona batches always have their planned images).
    max_avatars : int
        Cap on ordinary accounts' images (keeps 10M-post scenarios to a few hundred MB).
    time_precision : str
        ``second`` (default; needed for "within seconds" co-actions) or ``minute``, the
        precision of ``tweet_time`` in the official archives.
    """

    posts: int = 50_000
    seed: int = 0
    accounts: int | None = None
    days: int = 30
    start: str = "2024-03-01"
    tactics: tuple[str, ...] = TACTICS
    traps: tuple[str, ...] = TRAPS
    campaign_scale: float = 1.0
    avatars: bool = True
    avatar_share: float = 0.08
    max_avatars: int = 10_000
    time_precision: str = "second"

    def __post_init__(self) -> None:
        if not isinstance(self.posts, int) or self.posts < MIN_POSTS:
            raise ParameterError(f"--posts must be at least {MIN_POSTS:,} (got {self.posts!r})")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ParameterError(f"--seed must be a whole number >= 0 (got {self.seed!r})")
        if self.accounts is not None and not 500 <= self.accounts <= MAX_ACCOUNTS:
            raise ParameterError(f"--accounts must be between 500 and {MAX_ACCOUNTS:,} (got {self.accounts!r})")
        if self.accounts is not None and self.posts < 2 * self.accounts:
            raise ParameterError(f"--accounts {self.accounts:,} is too many for {self.posts:,} posts; use at most {self.posts // 2:,}")
        if not 3 <= self.days <= 3650:
            raise ParameterError(f"--days must be between 3 and 3650 (got {self.days!r})")
        try:
            date.fromisoformat(self.start)
        except (TypeError, ValueError) as e:
            raise ParameterError(f"--start {self.start!r} is not a date like 2024-03-01") from e
        if not 2012 <= self.start_date.year <= 2100:
            raise ParameterError(f"--start {self.start} must fall between 2012 and 2100")
        for name in self.tactics:
            if name not in TACTICS:
                raise ParameterError(f"unknown tactic {name!r}; known: {', '.join(TACTICS)}")
        for name in self.traps:
            if name not in TRAPS:
                raise ParameterError(f"unknown trap {name!r}; known: {', '.join(TRAPS)}")
        if not 0.1 <= self.campaign_scale <= 10:
            raise ParameterError(f"--campaign-scale must be between 0.1 and 10 (got {self.campaign_scale!r})")
        if not 0 <= self.avatar_share <= 1:
            raise ParameterError(f"--avatar-share must be between 0 and 1 (got {self.avatar_share!r})")
        if self.max_avatars < 0:
            raise ParameterError(f"--max-avatars must be >= 0 (got {self.max_avatars!r})")
        if self.time_precision not in TIME_PRECISIONS:
            raise ParameterError(f"--time-precision must be one of {', '.join(TIME_PRECISIONS)} (got {self.time_precision!r})")

    # -- derived ---------------------------------------------------------------------------
    @property
    def n_accounts(self) -> int:
        """Organic population size."""
        return self.accounts if self.accounts is not None else max(1000, self.posts // 40)

    @property
    def start_date(self) -> date:
        return date.fromisoformat(self.start)

    @property
    def t0(self) -> int:
        """Start of the period, epoch seconds (UTC)."""
        return calendar.timegm(self.start_date.timetuple())

    @property
    def t1(self) -> int:
        """End of the period (exclusive), epoch seconds."""
        return self.t0 + self.days * 86_400

    @property
    def group_factor(self) -> float:
        """How campaign group sizes grow with the data: ``(posts / 1M) ** 0.4``, kept within
        [0.5, 4], times ``campaign_scale``. Sub-linear because real operations do not grow
        with the size of the collection around them."""
        return self.campaign_scale * min(4.0, max(0.5, (self.posts / 1e6) ** 0.4))

    @property
    def repeat_factor(self) -> float:
        """How often a campaign repeats its actions (targets to co-retweet, links to co-share):
        ``(posts / 1M) ** 0.25`` within [0.4, 2]."""
        return min(2.0, max(0.4, (self.posts / 1e6) ** 0.25))

    def group_size(self, base: int, minimum: int = 8) -> int:
        return max(minimum, int(round(base * self.group_factor)))

    def repeats(self, base: int, minimum: int = 12) -> int:
        return max(minimum, int(round(base * self.repeat_factor)))

    def has(self, name: str) -> bool:
        """Whether a tactic or a trap is switched on."""
        return name in self.tactics or name in self.traps

    def as_dict(self) -> dict:
        d = asdict(self)
        d["tactics"], d["traps"] = list(self.tactics), list(self.traps)
        d["accounts"] = self.n_accounts
        return d
