"""dnstwist-style permutation generators and real-style handles and domains, for tests and benches.

Written here (not imported from dnstwist) so cibscan never depends on dnstwist at run time. The
classes follow dnstwist's fuzzers: addition, bitsquatting, homoglyph, hyphenation, insertion,
omission, repetition, replacement, transposition, vowel-swap, and tld-swap for domains. For
handles, "hyphenation" inserts the underscore handles allow.
"""

from __future__ import annotations

import random

HANDLE_CLASSES = ("addition", "bitsquatting", "homoglyph", "hyphenation", "insertion", "omission", "repetition",
                  "replacement", "transposition", "vowel_swap")
DOMAIN_CLASSES = HANDLE_CLASSES + ("tld_swap",)

_KEYBOARD = {  # qwerty neighbours, as dnstwist's replacement/insertion fuzzers use
    "1": "2q", "2": "3wq1", "3": "4ew2", "4": "5re3", "5": "6tr4", "6": "7yt5", "7": "8uy6", "8": "9iu7", "9": "0oi8", "0": "po9",
    "q": "12wa", "w": "3esaq2", "e": "4rdsw3", "r": "5tfde4", "t": "6ygfr5", "y": "7uhgt6", "u": "8ijhy7", "i": "9okju8",
    "o": "0plki9", "p": "lo0", "a": "qwsz", "s": "edxzaw", "d": "rfcxse", "f": "tgvcdr", "g": "yhbvft", "h": "ujnbgy",
    "j": "ikmnhu", "k": "olmji", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}
# ASCII lookalikes (what handles allow) and Unicode ones (what IDNs and some platforms allow)
_HOMOGLYPHS_ASCII = {"o": ["0"], "l": ["1", "I"], "i": ["1", "l"], "m": ["rn"], "w": ["vv"], "d": ["cl"], "e": ["3"], "a": ["4"],
                     "s": ["5"], "b": ["8"], "g": ["9"], "0": ["o"], "1": ["l"]}
_HOMOGLYPHS_UNICODE = {"a": ["а", "ɑ"], "c": ["с", "ϲ"], "e": ["е", "ė"], "i": ["і", "ı"], "o": ["о", "ο", "օ"], "p": ["р"],
                       "s": ["ѕ"], "x": ["х"], "y": ["у"], "j": ["ј"], "h": ["һ"], "k": ["κ"], "n": ["ո"], "u": ["υ"],
                       "d": ["ԁ"], "g": ["ɡ"], "l": ["ӏ"], "w": ["ԝ"], "b": ["Ь"]}
_VOWELS = "aeiou"
_VALID = "abcdefghijklmnopqrstuvwxyz0123456789"

FIRST = ("john mary james anna robert linda michael sarah david laura daniel emma thomas olivia mark sophie paul "
         "maria peter julia kevin nina brian rachel jason claire steven natalie andrew jessica ryan karen eric megan "
         "ahmed fatima carlos lucia ivan olga kenji yuki li wei amara kwame").split()
LAST = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez wilson anderson "
        "taylor thomas moore jackson martin lee thompson white harris clark lewis robinson walker young allen king "
        "wright scott green baker adams nelson hill campbell mitchell roberts carter phillips evans turner petrov "
        "nakamura okafor mensah").split()
WORDS = ("news daily times post report world today live media press herald tribune journal voice truth patriot "
         "freedom nation people america europe politics update watch insider official real the team club fan "
         "global local city tech sports music art life love style travel food health").split()
TLDS = ("com", "net", "org", "co.uk", "de", "fr", "info", "news", "io", "ru", "com.br", "online")


def real_style_handles(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct handles shaped like real ones (names, words, separators, digits)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        f, l, w = rng.choice(FIRST), rng.choice(LAST), rng.choice(WORDS)
        style = rng.randrange(8)
        h = [f + l, f + "_" + l, f[0] + l, f + l + str(rng.randrange(1, 99)), w + f, l + w, f + "_" + w + str(rng.randrange(10)),
             w + l + str(rng.randrange(1950, 2010))][style]
        if rng.random() < 0.3:
            h = h.capitalize()
        h = h[:15]
        if h.lower() not in seen:
            seen.add(h.lower())
            out.append(h)
    return out


def real_style_domains(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct outlet-like registered domains (``city-herald.com``, ``dailyvoice.de``)."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        a, b = rng.choice(WORDS + LAST), rng.choice(WORDS)
        brand = [a + b, a + "-" + b, "the" + a + b, a + b + "news"][rng.randrange(4)]
        d = f"{brand}.{rng.choice(TLDS)}"
        if brand not in seen and a != b:
            seen.add(brand)
            out.append(d)
    return out


def _positions(s: str, rng: random.Random, ok=lambda c: True) -> int | None:
    idx = [i for i, c in enumerate(s) if ok(c)]
    return rng.choice(idx) if idx else None


def permute(label: str, cls: str, rng: random.Random, unicode_homoglyphs: bool = False, sep: str = "_") -> str | None:
    """One permutation of ``label`` (a handle or a domain's brand) of dnstwist class ``cls``,
    or ``None`` when the label admits none. Lower-case ASCII in, as dnstwist works."""
    s = label.lower()
    if cls == "addition":
        return s + rng.choice(_VALID)
    if cls == "bitsquatting":
        for _ in range(50):
            i = rng.randrange(len(s))
            c = chr(ord(s[i]) ^ (1 << rng.randrange(7)))
            if c in _VALID and c != s[i]:
                return s[:i] + c + s[i + 1:]
        return None
    if cls == "homoglyph":
        table = _HOMOGLYPHS_UNICODE if unicode_homoglyphs else _HOMOGLYPHS_ASCII
        i = _positions(s, rng, lambda c: c in table)
        return None if i is None else s[:i] + rng.choice(table[s[i]]) + s[i + 1:]
    if cls == "hyphenation":
        i = _positions(s[1:], rng, lambda c: True)
        i = None if i is None else i + 1
        return None if i is None or sep in (s[i - 1], s[i]) else s[:i] + sep + s[i:]
    if cls == "insertion":
        i = _positions(s, rng, lambda c: c in _KEYBOARD)
        return None if i is None else s[:i] + rng.choice(_KEYBOARD[s[i]]) + s[i:]
    if cls == "omission":
        i = rng.randrange(len(s))
        return s[:i] + s[i + 1:] if len(s) > 1 else None
    if cls == "repetition":
        i = _positions(s, rng, lambda c: c.isalnum())
        return None if i is None else s[:i] + s[i] + s[i:]
    if cls == "replacement":
        i = _positions(s, rng, lambda c: c in _KEYBOARD)
        return None if i is None else s[:i] + rng.choice(_KEYBOARD[s[i]]) + s[i + 1:]
    if cls == "transposition":
        idx = [i for i in range(len(s) - 1) if s[i] != s[i + 1]]
        if not idx:
            return None
        i = rng.choice(idx)
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if cls == "vowel_swap":
        i = _positions(s, rng, lambda c: c in _VOWELS)
        return None if i is None else s[:i] + rng.choice([v for v in _VOWELS if v != s[i]]) + s[i + 1:]
    raise ValueError(f"unknown class {cls}")


def permute_domain(domain: str, cls: str, rng: random.Random) -> str | None:
    """A dnstwist-style permutation of a registered domain (brand permuted, or the TLD swapped)."""
    brand, _, suffix = domain.partition(".")
    if cls == "tld_swap":
        return f"{brand}.{rng.choice([t for t in TLDS if t != suffix])}"
    p = permute(brand, cls, rng, unicode_homoglyphs=True, sep="-")
    return None if p is None or p == brand else f"{p}.{suffix}"


_SYLLABLES = ("ka ri mo ne lu sa ta po vi de zo ha mi ru ke no ya fe bo li an el or us in ax ber ton mar kel dor "
              "sha lin vek ros tam jen kor dal").split()


def diverse_handles(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct handles for benchmarks: a third real-style (names, words, digits), two
    thirds pronounceable pseudo-words with optional digits/separators, as large handle sets are."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    names = real_style_handles(min(n // 3, 150_000), seed=seed)
    for h in names:
        seen.add(h.lower())
        out.append(h)
    while len(out) < n:
        w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 5)))
        r = rng.random()
        if r < 0.3:
            w += str(rng.randrange(1, 10_000))
        elif r < 0.45:
            w = w[: len(w) // 2] + "_" + w[len(w) // 2:]
        w = w[:15]
        if w not in seen:
            seen.add(w)
            out.append(w.capitalize() if rng.random() < 0.2 else w)
    rng.shuffle(out)
    return out
