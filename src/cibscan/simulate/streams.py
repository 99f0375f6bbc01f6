"""Independent, named random streams, so every part of a scenario is reproducible on its own.

Each generator is seeded from ``(seed, name, *keys)`` through NumPy's ``SeedSequence``: the
organic posts of day 12 get the same numbers whatever else is switched on or how the work is
chunked, and adding a new stream never shifts an existing one. Python's ``hash()`` is salted
per process, so names are turned into integers with a fixed digest instead.
"""

from __future__ import annotations

import hashlib

import numpy as np

__all__ = ["stream"]


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """A NumPy generator for the part ``name`` (and e.g. day ``keys``) of scenario ``seed``."""
    entropy = [int(seed) & 0xFFFFFFFFFFFFFFFF, _name_key(name), *(int(k) for k in keys)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
