"""Which writing systems a string mixes: a lookalike signal of its own.

A handle or display name that mixes Latin with Cyrillic or Greek letters (``Јое Вiden``) is
almost never typed by accident: it is how homoglyph impersonators get past exact-match checks.
TR39 section 5 ("Mixed-Script Detection") calls a string *single-script* when all its letters
share one script, ignoring Common and Inherited characters (digits, punctuation, marks), and
accepts the mixes that real writing uses: Japanese (Han + Hiragana + Katakana), Chinese with
Bopomofo, Korean (Han + Hangul), each optionally with Latin ("highly restrictive" level).

Python's ``unicodedata`` has no Script property, so the script of a letter is read from the
first word of its Unicode name (``CYRILLIC SMALL LETTER A`` -> Cyrillic). This is exact for the
scripts impersonators mix (Latin, Cyrillic, Greek, Armenian, Cherokee, ...); letter-like symbols
such as mathematical alphanumerics count as Common, and ``confusables`` handles those.

Reference: Unicode Technical Standard #39, section 5.1 (Mixed-Script Detection) and 5.2
(Restriction-Level Detection).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["script_of", "scripts_of", "is_mixed_script", "ALLOWED_MIXES"]

# Name prefixes that are not a script (letter-like symbols): Common.
_COMMON_PREFIXES = ("MATHEMATICAL", "DOUBLE-STRUCK", "SCRIPT", "BLACK-LETTER", "CIRCLED", "PARENTHESIZED",
                    "SQUARED", "NEGATIVE", "MODIFIER", "SUPERSCRIPT", "SUBSCRIPT", "COMBINING", "FULLWIDTH",
                    "HALFWIDTH", "SMALL", "TAG", "REGIONAL")
_RENAME = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KANGXI": "Han", "BOPOMOFO": "Bopomofo", "HANGUL": "Hangul",
           "HIRAGANA": "Hiragana", "KATAKANA": "Katakana"}

#: Script sets that real writing mixes (TR39 "highly restrictive"), each also allowed with Latin.
ALLOWED_MIXES = (
    frozenset({"Han", "Hiragana", "Katakana", "Latin"}),
    frozenset({"Han", "Bopomofo", "Latin"}),
    frozenset({"Han", "Hangul", "Latin"}),
)


@lru_cache(maxsize=65_536)
def script_of(char: str) -> str:
    """The script of one character (``Latin``, ``Cyrillic``, ``Han``, ...), or ``Common`` for
    digits, punctuation, symbols, marks and letter-like symbols.

    >>> script_of("a"), script_of("а"), script_of("1")
    ('Latin', 'Cyrillic', 'Common')
    """
    if not char.isalpha():
        return "Common"
    if char.isascii():
        return "Latin"
    name = unicodedata.name(char, "")
    if not name:
        return "Common"
    if name.startswith("FULLWIDTH LATIN") or name.startswith("HALFWIDTH LATIN"):
        return "Latin"
    if name.startswith("HALFWIDTH KATAKANA") or name.startswith("KATAKANA-HIRAGANA"):
        return "Katakana"
    if name.startswith("HALFWIDTH HANGUL"):
        return "Hangul"
    first = name.split(" ", 1)[0]
    if first in _COMMON_PREFIXES:
        return "Common"
    return _RENAME.get(first, first.capitalize())


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters in ``text`` (Common excluded)."""
    return {s for s in map(script_of, text) if s != "Common"}


def is_mixed_script(text: str) -> bool:
    """Whether ``text`` mixes scripts beyond what real writing mixes (TR39 "highly
    restrictive"): Latin with Cyrillic is mixed, Japanese kana with kanji is not.

    >>> is_mixed_script("paypal"), is_mixed_script("pаypal"), is_mixed_script("東京タワーTokyo")
    (False, True, False)
    """
    found = scripts_of(text)
    if len(found) <= 1:
        return False
    return not any(found <= allowed for allowed in ALLOWED_MIXES)
