"""Showing adversarial strings so that what a reader sees is what is there.

Handles, names and domains in findings were chosen by the accounts being investigated. Right-
to-left overrides, zero-width joiners and other invisible format characters can make a string
display as something else, so every one of them is shown as ``<U+XXXX>``. (HTML escaping is
the report's job; this is about characters that are invisible in any output.)
"""

from __future__ import annotations

import unicodedata

__all__ = ["visible"]


def visible(text: str | None, limit: int = 200) -> str:
    """``text`` with control, format (``Cf``: bidi overrides, zero-width characters) and
    unassigned characters shown as ``<U+XXXX>``, cut to ``limit`` characters.

    >>> visible("abc\\u202edef")
    'abc<U+202E>def'
    """
    if text is None:
        return ""
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if cat in ("Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp") and c not in " ":
            out.append(f"<U+{ord(c):04X}>")
        else:
            out.append(c)
    s = "".join(out)
    return s if len(s) <= limit else s[: limit - 1] + "…"
