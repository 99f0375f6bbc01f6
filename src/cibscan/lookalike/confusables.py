"""TR39 confusable skeletons, and the handle key cibscan compares identities by.

Two strings are *confusable* when they look alike although their characters differ
(``раураl`` in Cyrillic vs ``paypal`` in Latin). Unicode Technical Standard #39 defines the
*skeleton* of a string: decompose (NFD), replace every character by its prototype from
Unicode's ``confusables.txt``, decompose again. Strings with equal skeletons are confusable.

The table is Unicode's own ``confusables.txt`` (vendored, with its license, under
``lookalike/data``; see the README there), never a hand list.

TR39 is case-sensitive and leaves out substitutions that handle squatters use but that are not
single-glyph confusables in a typeface. ``handle_key`` adds, on top of the skeleton, a small
documented map (``EXTRA_MAP``): case folding; ``i``/``l``/``1``/``|``/``!`` all read as ``l``;
``0``/``o`` as ``o`` (TR39 already maps ``0`` to ``O``); ``vv`` as ``w`` and ``cl`` as ``d``
(``rn``/``m`` is in TR39); digits and symbols written for letters (``3``->e, ``4``/``@``->a,
``5``/``$``->s, ``7``->t, ``8``->b, ``9``->g, ``2``->z, ``6``->b); and separators
(``_``, ``.``, ``-``, spaces) dropped.

References: Unicode Technical Standard #39, "Unicode Security Mechanisms", section 4
(Confusable Detection), https://www.unicode.org/reports/tr39/ ; dnstwist's homoglyph and
bitsquatting fuzzers for the substitutions squatters use.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "CONFUSABLES_VERSION",
    "EXTRA_MAP",
    "EXTRA_SEQUENCES",
    "SEPARATORS",
    "load_confusables",
    "skeleton",
    "handle_key",
    "plain_key",
    "handle_keys",
    "handle_keys_many",
    "confusable_chars",
]

#: Version of the vendored ``confusables.txt``.
CONFUSABLES_VERSION = "13.0.0"

#: Characters separators are dropped from handle keys (``joe_biden`` ~ ``joebiden``).
SEPARATORS = frozenset("_.-· \t")

_SEPARATOR_DROP = {ord(c): None for c in SEPARATORS}

#: Single characters mapped after the TR39 skeleton and lower-casing (what TR39 leaves out).
EXTRA_MAP: dict[str, str] = {
    "i": "l", "1": "l", "|": "l", "!": "l",
    "0": "o",
    "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "8": "b", "6": "b", "9": "g", "2": "z",
}

#: Letter pairs that read as one letter (after the single-character map). ``rn``/``m`` is not
#: here because TR39 maps ``m`` to ``rn`` already.
EXTRA_SEQUENCES: tuple[tuple[str, str], ...] = (("rn", "m"), ("vv", "w"), ("cl", "d"))


@lru_cache(maxsize=1)
def load_confusables() -> dict[str, str]:
    """The TR39 prototype of every confusable character: ``{char: prototype string}``,
    parsed from the vendored ``confusables.txt`` (``SOURCE ; TARGET ; TYPE # comment``)."""
    text = files("cibscan.lookalike").joinpath("data/confusables.txt").read_text(encoding="utf-8-sig")
    table: dict[str, str] = {}
    for line in text.splitlines():
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        source, target = (part.strip() for part in body.split(";")[:2])
        table[chr(int(source, 16))] = "".join(chr(int(h, 16)) for h in target.split())
    return table


@lru_cache(maxsize=1)
def _translation() -> dict[int, str]:
    return {ord(k): v for k, v in load_confusables().items()}


@lru_cache(maxsize=1)
def _drop_marks() -> dict[int, None]:
    import sys

    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


@lru_cache(maxsize=1)
def _extra_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(k): v for k, v in EXTRA_MAP.items()}
    table.update({ord(c): None for c in SEPARATORS})
    return table


def skeleton(text: str) -> str:
    """The TR39 skeleton of ``text``: NFD, each character replaced by its prototype, NFD.

    >>> skeleton("раураl") == skeleton("paypal")  # Cyrillic р, а, у
    True
    """
    # str.translate runs the per-character map in C (the key of a million handles in seconds)
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", text).translate(_translation()))


def _strip_marks(text: str) -> str:
    # Accents rarely survive a glance at a small handle (é ~ e); drop combining marks.
    return text.translate(_drop_marks())


_PLAIN_HANDLE = re.compile(r"[A-Za-z0-9_.\-]*")
_ASCII_KEY_FROM, _ASCII_KEY_TO = b"i1034578692", b"lloeastbbgz"
_ASCII_KEY = bytes.maketrans(_ASCII_KEY_FROM, _ASCII_KEY_TO)


def _ascii_handle_key(text: str) -> str:
    # Same result as the general path for handles of [A-Za-z0-9_.-] (tested on every
    # character and pair): TR39 maps only 1/I/0/m among these, and case is folded first.
    s = text.lower().encode("ascii").translate(_ASCII_KEY, b"_.-").decode("ascii")
    for seq, rep in EXTRA_SEQUENCES:
        s = s.replace(seq, rep)
    return s


@lru_cache(maxsize=200_000)
def handle_key(text: str) -> str:
    """The key handles (and domain labels) are compared by: TR39 skeleton, lower-cased, the
    skeleton again (so ``M`` also becomes ``rn``), combining marks dropped, ``EXTRA_MAP`` and
    ``EXTRA_SEQUENCES`` applied, separators removed.

    Two handles with the same key read the same at a glance; the edit distance between keys
    counts only the differences a reader could notice.

    >>> handle_key("J0e_Biden") == handle_key("joebiden")
    True
    >>> handle_key("rnartin") == handle_key("Martin")
    True
    """
    if _PLAIN_HANDLE.fullmatch(text):
        return _ascii_handle_key(text)
    s = _strip_marks(skeleton(skeleton(text).lower()).lower()).translate(_extra_translation())
    for seq, rep in EXTRA_SEQUENCES:
        s = s.replace(seq, rep)
    return s


@lru_cache(maxsize=200_000)
def plain_key(text: str) -> str:
    """A lighter key: lower case, marks and separators dropped, only non-ASCII characters
    replaced by their TR39 prototype. Multi-letter maps (``rn``/``m``, ``cl``/``d``) make one
    typed edit inside such a pair count as two or three on ``handle_key``; matching on both
    keys keeps every single edit a single edit.

    >>> plain_key("Brian_Cklark"), plain_key("јoe.biden")
    ('briancklark', 'joebiden')
    """
    if _PLAIN_HANDLE.fullmatch(text):
        return text.lower().replace("_", "").replace(".", "").replace("-", "")
    s = unicodedata.normalize("NFD", text)
    if not s.isascii():
        table = load_confusables()
        s = unicodedata.normalize("NFD", "".join(c if c.isascii() else table.get(c, c) for c in s))
    return _strip_marks(s.lower()).translate(_SEPARATOR_DROP)


def handle_keys(text: str) -> tuple[str, ...]:
    """The keys a handle is matched by: ``handle_key`` and, when it differs, ``plain_key``."""
    a, b = handle_key(text), plain_key(text)
    return (a,) if a == b else (a, b)


def handle_keys_many(handles: Sequence[str | None]) -> list[tuple[str, ...]]:
    """``[handle_keys(h or "") for h in handles]``, with the plain ASCII handles (most of them)
    keyed column-wise by Arrow compute functions instead of one Python call each.

    >>> handle_keys_many(["J0e_Biden", None, "јoe.biden"])
    [('joeblden', 'j0ebiden'), ('',), ('joeblden', 'joebiden')]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pc.fill_null(pa.array(handles, pa.string()), "")
    ascii_rows = pc.match_substring_regex(column, "^" + _PLAIN_HANDLE.pattern + "$")
    plain = pc.replace_substring_regex(pc.ascii_lower(pc.filter(column, ascii_rows)), "[_.\\-]", "")
    full = plain
    for source, target in zip(_ASCII_KEY_FROM.decode(), _ASCII_KEY_TO.decode()):
        full = pc.replace_substring(full, source, target)
    for seq, rep in EXTRA_SEQUENCES:  # in order, left to right, as str.replace
        full = pc.replace_substring(full, seq, rep)
    keys = [(a,) if a == b else (a, b) for a, b in zip(full.to_pylist(), plain.to_pylist())]
    if len(keys) == len(column):
        return keys
    ascii_keys = iter(keys)
    return [next(ascii_keys) if ok else handle_keys(text) for ok, text in zip(ascii_rows.to_pylist(), column.to_pylist())]


def confusable_chars(text: str) -> list[tuple[int, str, str]]:
    """The characters of ``text`` that TR39 or ``EXTRA_MAP`` would replace, as
    ``(position, character, code point and name)``, for evidence ("``а`` U+0430 CYRILLIC SMALL
    LETTER A at position 2"). ASCII letters are only listed when outside ``[a-z0-9_]``."""
    table = load_confusables()
    out = []
    for i, c in enumerate(text):
        if c.isascii() and (c.isalnum() or c in "_-."):
            continue
        if c in table or c.lower() in EXTRA_MAP or not c.isascii():
            out.append((i, c, f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}"))
    return out
