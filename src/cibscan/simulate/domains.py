"""Fictional news outlets, the other sites people link to, and spoofed copies of outlets.

Spoofed domains are made the way dnstwist (https://github.com/elceef/dnstwist) permutes a
domain: addition, bitsquatting, homoglyph (ASCII and Cyrillic look-alikes), hyphenation,
insertion, omission, repetition, replacement, transposition, vowel swap, TLD swap, and an
added word (dnstwist's "dictionary" fuzzer). Each spoof differs from every real domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .text import pseudo_words

__all__ = [
    "Outlet",
    "SPOOF_CLASSES",
    "make_outlets",
    "make_sites",
    "spoof_domain",
    "SHORTENER",
]

SPOOF_CLASSES = (
    "addition", "bitsquatting", "homoglyph", "hyphenation", "insertion", "omission", "repetition",
    "replacement", "transposition", "vowel_swap", "tld_swap", "added_word",
)
SHORTENER = "bit.ly"

_TLDS = ("com", "com", "com", "net", "org", "info")
_OUTLET_PATTERNS = ("{w}.com", "{w}news.com", "{w}times.net", "{w}-daily.com", "{w}post.org", "{w}herald.com", "{w}.info", "{w}24.com")
_SECTIONS = ("world", "politics", "economy", "society", "sport", "culture", "opinion", "tech")
_ADDED_WORDS = ("live", "today", "news", "online", "24", "now", "daily", "info")
_ASCII_HOMOGLYPHS = {"o": "0", "l": "1", "i": "1", "m": "rn", "w": "vv", "e": "3", "a": "4"}
_CYRILLIC_HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"}
_KEYS = "qwertyuiopasdfghjklzxcvbnm"
_VOWELS = "aeiou"


@dataclass
class Outlet:
    """A fictional news outlet: its name, domain, language and the account that posts its news."""

    name: str
    domain: str
    lang: int
    sections: tuple[str, ...]
    mobile: bool = False  # also serves m.<domain> links
    account: int = -1  # index in the account table, set when accounts are built
    spoofs: list[tuple[str, str]] = field(default_factory=list)  # (domain, class)


def _brand_words(rng: np.random.Generator, n: int) -> list[str]:
    return [w for w in pseudo_words(rng, n * 4, 2, 3) if 5 <= len(w) <= 10][:n]


def make_outlets(rng: np.random.Generator, langs: list[int], sibling_trap: bool) -> list[Outlet]:
    """One outlet per entry of ``langs``. With ``sibling_trap`` the last outlet uses the brand of
    the first on another TLD: two real, unrelated outlets that look like a TLD-swap spoof."""
    words = _brand_words(rng, len(langs))
    outlets = []
    for i, (lang, w) in enumerate(zip(langs, words)):
        pattern = _OUTLET_PATTERNS[i % len(_OUTLET_PATTERNS)]
        domain = pattern.format(w=w)
        name = domain.split(".")[0].replace("-", " ").title()
        sections = tuple(rng.choice(_SECTIONS, size=4, replace=False).tolist())
        outlets.append(Outlet(name=name, domain=domain, lang=lang, sections=sections, mobile=bool(i % 3 == 0)))
    if sibling_trap and len(outlets) >= 3:
        first = outlets[0].domain
        stem, tld = first.rsplit(".", 1)
        other = "org" if tld != "org" else "net"
        last = outlets[-1]
        last.domain = f"{stem}.{other}"
        last.name = stem.replace("-", " ").title() + " " + other.upper()
    return outlets


def make_sites(rng: np.random.Generator, n: int, pattern: str = "{w}.{tld}") -> list[str]:
    """``n`` other domains (blogs, shops, video sites, campaign sites)."""
    words = _brand_words(rng, n)
    return [pattern.format(w=w, tld=_TLDS[int(rng.integers(0, len(_TLDS)))]) for w in words]


def _bitflip(ch: str, rng: np.random.Generator) -> str | None:
    options = []
    for bit in range(8):
        c = chr(ord(ch) ^ (1 << bit))
        if c.isascii() and (c.isalnum() and c.islower() or c.isdigit() or c == "-") and c != ch:
            options.append(c)
    return str(rng.choice(options)) if options else None


def spoof_domain(domain: str, cls: str, rng: np.random.Generator) -> str | None:
    """A lookalike of ``domain`` made by the permutation ``cls`` (see ``SPOOF_CLASSES``), or
    ``None`` when it does not apply."""
    name, tld = domain.rsplit(".", 1)
    n = len(name)
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    pick = lambda seq: int(rng.choice(seq))  # noqa: E731
    if cls == "addition":
        return f"{name}{_KEYS[int(rng.integers(0, 26))]}.{tld}"
    if cls == "bitsquatting":
        for _ in range(10):
            i = pick(letters)
            c = _bitflip(name[i], rng)
            if c:
                return f"{name[:i]}{c}{name[i + 1:]}.{tld}"
        return None
    if cls == "homoglyph":
        table = _CYRILLIC_HOMOGLYPHS if rng.random() < 0.5 else _ASCII_HOMOGLYPHS
        spots = [i for i in letters if name[i] in table]
        if not spots:
            return None
        i = pick(spots)
        return f"{name[:i]}{table[name[i]]}{name[i + 1:]}.{tld}"
    if cls == "hyphenation":
        spots = [i for i in range(1, n) if name[i - 1] != "-" and name[i] != "-"]
        return _hyphenate(name, tld, spots, rng)
    if cls == "insertion":
        i = int(rng.integers(1, n))
        return f"{name[:i]}{_KEYS[int(rng.integers(0, 26))]}{name[i:]}.{tld}"
    if cls == "omission":
        i = pick(letters[1:]) if len(letters) > 1 else None
        return None if i is None else f"{name[:i]}{name[i + 1:]}.{tld}"
    if cls == "repetition":
        i = pick(letters)
        return f"{name[:i + 1]}{name[i]}{name[i + 1:]}.{tld}"
    if cls == "replacement":
        i = pick(letters)
        c = _KEYS[(_KEYS.index(name[i]) + int(rng.choice([-1, 1]))) % 26]
        return f"{name[:i]}{c}{name[i + 1:]}.{tld}"
    if cls == "transposition":
        spots = [i for i in range(n - 1) if name[i] != name[i + 1] and "-" not in name[i:i + 2]]
        if not spots:
            return None
        i = pick(spots)
        return f"{name[:i]}{name[i + 1]}{name[i]}{name[i + 2:]}.{tld}"
    if cls == "vowel_swap":
        spots = [i for i, ch in enumerate(name) if ch in _VOWELS]
        if not spots:
            return None
        i = pick(spots)
        c = str(rng.choice([v for v in _VOWELS if v != name[i]]))
        return f"{name[:i]}{c}{name[i + 1:]}.{tld}"
    if cls == "tld_swap":
        return f"{name}.{rng.choice([t for t in ('co', 'net', 'org', 'info', 'live', 'news') if t != tld])}"
    if cls == "added_word":
        word = str(rng.choice(_ADDED_WORDS))
        return f"{name}-{word}.{tld}" if rng.random() < 0.6 else f"{word}{name}.{tld}"
    raise ValueError(f"unknown spoof class {cls!r}")


def _hyphenate(name: str, tld: str, spots: list[int], rng: np.random.Generator) -> str | None:
    if not spots:
        return None
    i = int(rng.choice(spots))
    return f"{name[:i]}-{name[i:]}.{tld}"
