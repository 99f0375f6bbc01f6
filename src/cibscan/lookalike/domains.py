"""Registered domains and lookalikes of news outlets' domains.

The *registered domain* of a host is the part a person buys: one label above its public suffix
(``www.bbc.co.uk`` -> ``bbc.co.uk``; ``foo.blogspot.com`` -> ``foo.blogspot.com`` because
``blogspot.com`` is a suffix in the Public Suffix List's private section). ural bundles the
Public Suffix List (``ural.tld_data``), so this needs no network. Its *brand* is the label left
of the suffix (``bbc``). Internationalised labels (``xn--...``) are decoded to Unicode first.

``OutletMatcher`` says whether a host copies a watchlisted outlet: the same brand on another
suffix (``tld_swap``); a brand whose handle key (TR39 skeleton + extra map) is equal
(``homoglyph``, or ``hyphenation`` when only separators differ); one edit away (the dnstwist
classes of ``lookalike.edits``); the brand plus an added word (``added_word``:
``examplenews-live.com``); or the outlet's domain inside another domain's subdomain
(``subdomain``: ``examplenews.com.evil.net``). The outlet's own domains and their subdomains
are never flagged. Short brands (``rt``, ``ap``) are where one-edit false positives live, so
edits need a brand of ``min_edit_length`` characters and the other classes ``min_brand_length``.

References: dnstwist (Ulikowski) for the permutation classes; the Public Suffix List
(publicsuffix.org) through ural (médialab, Sciences Po).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ural import get_hostname, split_suffix

from .confusables import handle_key, plain_key
from .edits import classify_edit, strip_separators
from .symdel import DeletionIndex

__all__ = ["host_of", "decode_idna", "split_domain", "registered_domain", "DomainMatch", "OutletMatcher"]


def decode_idna(host: str) -> str:
    """``host`` with its ``xn--`` labels decoded to Unicode (labels that do not decode are kept)."""
    if "xn--" not in host:
        return host
    out = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except (UnicodeError, ValueError):
                pass
        out.append(label)
    return ".".join(out)


@lru_cache(maxsize=262_144)
def host_of(url: str) -> str | None:
    """The lower-cased, IDNA-decoded host of a URL or bare host name, or ``None``."""
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        host = get_hostname(url)
    except (ValueError, TypeError):
        return None
    if not host:
        return None
    host = decode_idna(host.strip(".").lower())
    return host or None


@lru_cache(maxsize=262_144)
def split_domain(host: str) -> tuple[str, str, str] | None:
    """``(subdomain, brand, suffix)`` of a host, public-suffix aware, or ``None`` for an IP
    address or a host with no known suffix.

    >>> split_domain("www.bbc.co.uk")
    ('www', 'bbc', 'co.uk')
    """
    if re.fullmatch(r"[\d.]+|\[.*\]", host):
        return None
    try:
        parts = split_suffix("http://" + host + "/")
    except (ValueError, TypeError):
        return None
    if not parts or not parts[0] or not parts[1]:
        return None
    left, suffix = parts
    sub, _, brand = left.rpartition(".")
    return sub, brand, suffix


def registered_domain(url_or_host: str) -> str | None:
    """The registered domain (brand + public suffix) of a URL or host, IDNA-decoded."""
    host = host_of(url_or_host)
    parts = split_domain(host) if host else None
    return f"{parts[1]}.{parts[2]}" if parts else None


@dataclass(frozen=True)
class DomainMatch:
    """A host that copies an outlet: which outlet domain, how (``lookalike_class``), and the
    edit distance between the two brands' keys."""

    host: str
    domain: str
    outlet_domain: str
    outlet_name: str | None
    lookalike_class: str
    distance: int


@dataclass(frozen=True)
class _Outlet:
    domain: str
    brand: str
    suffix: str
    name: str | None


class OutletMatcher:
    """Lookalike tests of hosts against a list of outlet domains.

    Parameters
    ----------
    outlets : iterable of (domain, name)
        Registered domains of the outlets to protect, with the outlet's name (domains sharing a
        name belong to one outlet and are never flagged against each other).
    min_edit_length : int, default 5
        Brands shorter than this are matched by exact, homoglyph and hyphenation tests only.
    min_brand_length : int, default 4
        Brands shorter than this are not matched by ``tld_swap``, ``added_word`` or
        ``subdomain`` (``ap`` is in too many words and on too many suffixes).
    """

    def __init__(self, outlets: Iterable[tuple[str, str | None]], min_edit_length: int = 5, min_brand_length: int = 4):
        self.min_edit_length = min_edit_length
        self.min_brand_length = min_brand_length
        self.outlets: list[_Outlet] = []
        self._own: dict[str, set[str]] = {}  # registered domain -> names of outlets owning it
        for domain, name in outlets:
            host = host_of(domain)
            parts = split_domain(host) if host else None
            if parts is None:
                continue
            o = _Outlet(f"{parts[1]}.{parts[2]}", parts[1], parts[2], name or None)
            self.outlets.append(o)
            self._own.setdefault(o.domain, set()).add(o.name or o.domain)
        self._by_brand: dict[str, list[_Outlet]] = {}
        # one index per key kind (see confusables.handle_keys): one typed edit stays one edit
        budget = lambda key: 1 if len(key) >= min_edit_length else 0  # noqa: E731
        self._indexes = (DeletionIndex(budget), DeletionIndex(budget))
        for o in self.outlets:
            self._by_brand.setdefault(o.brand, []).append(o)
            self._indexes[0].add(handle_key(o.brand), o)
            self._indexes[1].add(plain_key(o.brand), o)
        long = sorted({re.escape(o.brand) for o in self.outlets if len(o.brand) >= min_brand_length}, key=len, reverse=True)
        self._contains = re.compile("|".join(long)) if long else None

    def __len__(self) -> int:
        return len(self.outlets)

    def is_own(self, domain: str) -> bool:
        return domain in self._own

    def match(self, url_or_host: str) -> list[DomainMatch]:
        """Every outlet the host copies, one match per outlet domain (the strongest class)."""
        host = host_of(url_or_host)
        parts = split_domain(host) if host else None
        if parts is None:
            return []
        sub, brand, suffix = parts
        domain = f"{brand}.{suffix}"
        if domain in self._own:
            return []
        found: dict[str, tuple[tuple, DomainMatch]] = {}

        def add(o: _Outlet, cls: str, dist: int) -> None:
            # one match per outlet (its domains share a name): the closest of its domains,
            # preferring the one on the same suffix (exampel-news.com -> example-news.com)
            if self._owned_by_same_outlet(domain, o):
                return
            rank = (o.domain not in host, o.suffix != suffix, dist, o.domain)
            who = o.name or o.domain
            if who not in found or rank < found[who][0]:
                found[who] = (rank, DomainMatch(host, domain, o.domain, o.name, cls, dist))

        for o in self._by_brand.get(brand, ()):
            if len(brand) >= self.min_brand_length:
                add(o, "tld_swap", 0)
        for index, key in zip(self._indexes, (handle_key(brand), plain_key(brand))):
            for o, _, dist in index.lookup(key):
                cls = classify_edit(o.brand, brand)
                if cls != "identical":
                    add(o, cls, dist)
        if self._contains is not None:
            for m in self._contains.finditer(brand):
                for o in self._by_brand.get(m.group(0), ()):
                    extra = len(strip_separators(brand)) - len(strip_separators(o.brand))
                    if extra >= 2:
                        add(o, "added_word", extra)
            if sub:
                for m in self._contains.finditer(sub):
                    for o in self._by_brand.get(m.group(0), ()):
                        if _is_label_bounded(sub, m.start(), m.end()):
                            add(o, "subdomain", 0)
        if not found:
            return []
        # Sibling outlets with one brand on several suffixes (example.com, example.org) would all
        # match; the closest copy is the one the spoof imitates (vivujis.com -> vivujas.com).
        best = min(rank[:3] for rank, _ in found.values())
        return [m for rank, m in found.values() if rank[:3] == best]

    def _owned_by_same_outlet(self, domain: str, o: _Outlet) -> bool:
        return bool(o.name) and o.name in self._own.get(domain, ())


def _is_label_bounded(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole label or hyphen-separated part of one."""
    before = text[start - 1] if start > 0 else "."
    after = text[end] if end < len(text) else "."
    return before in ".-" and after in ".-"
