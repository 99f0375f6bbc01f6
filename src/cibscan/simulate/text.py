"""A synthetic multilingual vocabulary and vectorised text assembly.

Words are pseudo-words built from one inventory of syllables and written in the script of
each language (Latin for ``en``/``es``, Cyrillic for ``ru``/``uk``, Persian/Arabic script for
``fa``/``ar``), so texts look like real multilingual traffic to a tokenizer, a normaliser or a
MinHash, while saying nothing about anyone: no real words, no real topics, no side taken.
Word frequencies follow a Zipf-Mandelbrot law (Piantadosi 2014, "Zipf's word frequency law in
natural language"), as do hashtag popularities.

Texts are assembled column-wise with Arrow compute (``pc.binary_join``), never one string at a
time, which is what keeps 10M-post scenarios fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "LANGS",
    "SCRIPT",
    "Vocabulary",
    "build_vocabulary",
    "join_ids",
    "join_parts",
    "light_edits",
    "script_variants",
    "random_codes",
    "zipf_cdf",
    "EMOJI",
]

LANGS = ("en", "es", "ru", "uk", "fa", "ar")
SCRIPT = {"en": "latin", "es": "latin", "ru": "cyrillic", "uk": "cyrillic", "fa": "arabic", "ar": "arabic"}

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "sh", "kh", "ch", "y", "h", "j")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "", "", "n", "r", "s", "m", "l", "t", "k")

# Letters per language for the Latin transcription of each syllable part.
_RENDER = {
    "ru": {"b": "б", "d": "д", "f": "ф", "g": "г", "k": "к", "l": "л", "m": "м", "n": "н", "p": "п", "r": "р",
           "s": "с", "t": "т", "v": "в", "z": "з", "sh": "ш", "kh": "х", "ch": "ч", "y": "й", "h": "х", "j": "ж",
           "a": "а", "e": "е", "i": "и", "o": "о", "u": "у"},
    "uk": {"b": "б", "d": "д", "f": "ф", "g": "ґ", "k": "к", "l": "л", "m": "м", "n": "н", "p": "п", "r": "р",
           "s": "с", "t": "т", "v": "в", "z": "з", "sh": "ш", "kh": "х", "ch": "ч", "y": "й", "h": "г", "j": "ж",
           "a": "а", "e": "е", "i": "і", "o": "о", "u": "у"},
    "fa": {"b": "ب", "d": "د", "f": "ف", "g": "گ", "k": "ک", "l": "ل", "m": "م", "n": "ن", "p": "پ", "r": "ر",
           "s": "س", "t": "ت", "v": "و", "z": "ز", "sh": "ش", "kh": "خ", "ch": "چ", "y": "ی", "h": "ه", "j": "ژ",
           "a": "ا", "e": "", "i": "ی", "o": "و", "u": "و"},
    "ar": {"b": "ب", "d": "د", "f": "ف", "g": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن", "p": "ب", "r": "ر",
           "s": "س", "t": "ت", "v": "و", "z": "ز", "sh": "ش", "kh": "خ", "ch": "ش", "y": "ي", "h": "ح", "j": "ج",
           "a": "ا", "e": "", "i": "ي", "o": "و", "u": "و"},
}
_ES_ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}

#: A few emoji for texts and bios (no flags or symbols of any group).
EMOJI = ("🙂", "🔥", "👍", "❤️", "😂", "🙏", "✨", "📢", "⚡", "🌹", "👀", "💯")

#: Persian letters and their Arabic-keyboard twins, and the zero-width non-joiner: the edits
#: copy-pasters make (or their keyboards make) to texts in Persian script.
_FA_AR_TWINS = (("ی", "ي"), ("ک", "ك"))
ZWNJ = "\u200c"

_CODE_ALPHABET = np.frombuffer(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)


def zipf_cdf(n: int, exponent: float = 1.07, shift: float = 2.7) -> np.ndarray:
    """Cumulative Zipf-Mandelbrot probabilities of ranks 1..n (``p ∝ 1 / (r + shift) ** s``)."""
    p = 1.0 / (np.arange(1, n + 1) + shift) ** exponent
    c = np.cumsum(p)
    return c / c[-1]


def _syllable_words(rng: np.random.Generator, n: int, min_syl: int, max_syl: int) -> list[list[tuple[str, str, str]]]:
    """``n`` pseudo-words as lists of (onset, vowel, coda) syllables."""
    lens = rng.integers(min_syl, max_syl + 1, size=n)
    on = rng.integers(0, len(_ONSETS), size=(n, max_syl))
    vo = rng.integers(0, len(_VOWELS), size=(n, max_syl))
    co = rng.integers(0, len(_CODAS), size=(n, max_syl))
    return [[(_ONSETS[on[i, j]], _VOWELS[vo[i, j]], _CODAS[co[i, j]]) for j in range(lens[i])] for i in range(n)]


def latin(word: list[tuple[str, str, str]]) -> str:
    """The Latin transcription (used for handles, domains, Latin-script languages)."""
    return "".join(o + v + c for o, v, c in word)


def render(word: list[tuple[str, str, str]], lang: str, accent: bool = False) -> str:
    """The pseudo-word written in ``lang``'s script."""
    if lang in ("en", "es"):
        s = latin(word)
        if accent and lang == "es":
            last = max(i for i, ch in enumerate(s) if ch in _ES_ACCENT)
            s = s[:last] + _ES_ACCENT[s[last]] + s[last + 1:]
        return s
    table = _RENDER[lang]
    out = "".join(table[o] + table[v] + (table[c] if c else "") for o, v, c in word)
    if lang == "ar" and len(word) > 1 and word[-1][1] == "a" and not word[-1][2]:
        out = out[:-1] + "ة"
    return out


@dataclass
class Vocabulary:
    """Words and hashtags of every language, as flat Arrow arrays with per-language ranges.

    ``words[offset[l] + r]`` is the word of rank ``r`` in language ``l``; likewise for ``tags``
    (without ``#``) and ``hashtags`` (with ``#``, as written in a text).
    """

    words: pa.StringArray
    word_offset: np.ndarray
    word_count: np.ndarray
    tags: pa.StringArray
    hashtags: pa.StringArray
    tag_offset: np.ndarray
    tag_count: np.ndarray
    word_cdf: np.ndarray
    tag_cdf: np.ndarray
    given: dict[str, list[tuple[str, str]]]  # per language: (native, latin) given names
    family: dict[str, list[tuple[str, str]]]  # per language: (native, latin) family names

    def sample_words(self, rng: np.random.Generator, langs: np.ndarray, lengths: np.ndarray, max_len: int | None = None) -> np.ndarray:
        """Global word ids, one row per text (``-1`` pads rows shorter than the longest)."""
        n = len(langs)
        width = int(max_len if max_len is not None else (lengths.max() if n else 0))
        ids = np.full((n, width), -1, dtype=np.int32)
        if n == 0 or width == 0:
            return ids
        u = rng.random((n, width))
        ranks = np.searchsorted(self.word_cdf, u).astype(np.int32)
        for li in np.unique(langs):
            rows = langs == li
            # one shared Zipf table: ranks beyond this language's size wrap around
            ids[rows] = self.word_offset[li] + ranks[rows] % self.word_count[li]
        ids[np.arange(width)[None, :] >= lengths[:, None]] = -1
        return ids

    def sample_tags(self, rng: np.random.Generator, langs: np.ndarray, skip: int = 0) -> np.ndarray:
        """One global tag id per row, Zipf-popular within the row's language (the first
        ``skip`` ranks are reserved for planned tags and never drawn)."""
        ranks = np.searchsorted(self.tag_cdf, rng.random(len(langs))).astype(np.int64)
        count = self.tag_count[langs] - skip
        return (self.tag_offset[langs] + skip + ranks % count).astype(np.int32)


def build_vocabulary(rng: np.random.Generator, words_per_lang: int = 4000, tags_per_lang: int = 800, names_per_lang: int = 400) -> Vocabulary:
    """Pseudo-words, hashtags and personal names for every language in ``LANGS``."""
    words: list[str] = []
    tags: list[str] = []
    w_off, w_cnt, t_off, t_cnt = [], [], [], []
    given: dict[str, list[tuple[str, str]]] = {}
    family: dict[str, list[tuple[str, str]]] = {}
    for lang in LANGS:
        # frequent words are short: ranks < 60 get one syllable, like function words
        raw = _syllable_words(rng, 60, 1, 1) + _syllable_words(rng, words_per_lang * 2, 1, 4)
        seen: set[str] = set()
        mine: list[str] = []
        accents = rng.random(len(raw)) < 0.15
        for w, acc in zip(raw, accents):
            s = render(w, lang, accent=bool(acc))
            if s and s not in seen:
                seen.add(s)
                mine.append(s)
            if len(mine) == words_per_lang:
                break
        w_off.append(len(words))
        w_cnt.append(len(mine))
        words.extend(mine)
        # hashtags: one or two words run together (CamelCase in Latin script), no apostrophes
        tw = _syllable_words(rng, tags_per_lang * 3, 2, 4)
        tmine: list[str] = []
        tseen: set[str] = set()
        two = rng.random(len(tw)) < 0.35
        for i, w in enumerate(tw):
            s = render(w, lang)
            if two[i] and i + 1 < len(tw):
                s2 = render(tw[(i * 7 + 3) % len(tw)], lang)
                s = (s.capitalize() + s2.capitalize()) if SCRIPT[lang] != "arabic" else s + "_" + s2
            if s and s.lower() not in tseen and s.lower() not in seen:
                tseen.add(s.lower())
                tmine.append(s)
            if len(tmine) == tags_per_lang:
                break
        t_off.append(len(tags))
        t_cnt.append(len(tmine))
        tags.extend(tmine)
        for pool in (given, family):
            names = _syllable_words(rng, names_per_lang * 2, 2, 3)
            uniq: dict[str, tuple[str, str]] = {}
            for w in names:
                lat = latin(w)
                if lat not in uniq:
                    nat = render(w, lang)
                    uniq[lat] = (nat[:1].upper() + nat[1:] if SCRIPT[lang] != "arabic" else nat, lat.capitalize())
                if len(uniq) == names_per_lang:
                    break
            pool[lang] = list(uniq.values())
    return Vocabulary(
        words=pa.array(words, pa.string()),
        word_offset=np.array(w_off, dtype=np.int64),
        word_count=np.array(w_cnt, dtype=np.int64),
        tags=pa.array(tags, pa.string()),
        hashtags=pa.array(["#" + t for t in tags], pa.string()),
        tag_offset=np.array(t_off, dtype=np.int64),
        tag_count=np.array(t_cnt, dtype=np.int64),
        word_cdf=zipf_cdf(max(w_cnt)),
        tag_cdf=zipf_cdf(max(t_cnt), exponent=1.1, shift=1.0),
        given=given,
        family=family,
    )


def _list_array(values: pa.Array, counts: np.ndarray) -> pa.ListArray:
    offsets = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def join_ids(ids: np.ndarray, pool: pa.Array, sep: str = " ") -> pa.StringArray:
    """Rows of ids into ``pool`` (``-1`` = nothing) joined with ``sep``; an empty row gives ``""``."""
    if ids.ndim == 1:
        ids = ids[:, None]
    mask = ids >= 0
    flat = ids[mask]
    lists = _list_array(pool.take(pa.array(flat)), mask.sum(axis=1))
    return pc.binary_join(lists, sep)


def lists_of(ids: np.ndarray, pool: pa.Array) -> pa.ListArray:
    """Rows of ids into ``pool`` (``-1`` = nothing) as a list array."""
    if ids.ndim == 1:
        ids = ids[:, None]
    mask = ids >= 0
    return _list_array(pool.take(pa.array(ids[mask])), mask.sum(axis=1))


def join_parts(parts: list, sep: str = " ") -> pa.StringArray:
    """Element-wise join of string columns, skipping nulls and empty strings."""
    cleaned = []
    for p in parts:
        if isinstance(p, pa.ChunkedArray):
            p = p.combine_chunks()
        cleaned.append(pc.if_else(pc.equal(p, ""), pa.scalar(None, pa.string()), p))
    return pc.binary_join_element_wise(*cleaned, sep, null_handling="skip")


def random_codes(rng: np.random.Generator, n: int, length: int = 10) -> pa.StringArray:
    """``n`` random alphanumeric codes (t.co link codes, short-link paths)."""
    chars = _CODE_ALPHABET[rng.integers(0, len(_CODE_ALPHABET), size=(n, length))]
    return pa.array(np.ascontiguousarray(chars).view(f"S{length}").ravel().astype(str), pa.string())


def light_edits(rng: np.random.Generator, template: np.ndarray, lang_offset: int, lang_count: int, n_edits: np.ndarray) -> np.ndarray:
    """Copy-paste variants of word-id rows: ``n_edits[i]`` single-word substitutions,
    deletions or insertions per row (the light edits operators make so that exact-match
    filters miss the copies). ``template`` is ``(n, L)`` with ``-1`` padding; the result is
    ``(n, L + max edits)``."""
    n, width = template.shape
    extra = int(n_edits.max()) if n else 0
    out = np.full((n, width + extra), -1, dtype=np.int32)
    out[:, :width] = template
    cols = np.arange(width + extra)[None, :]
    for k in range(extra):
        active = n_edits > k
        lengths = (out >= 0).sum(axis=1)
        op = rng.integers(0, 3, size=n)  # 0 substitute, 1 delete, 2 insert
        op[lengths <= 3] = 2  # never shrink a short text further
        pos = (rng.random(n) * np.maximum(lengths, 1)).astype(np.int64)
        word = (lang_offset + rng.integers(0, min(lang_count, 600), size=n)).astype(np.int32)
        sub = active & (op == 0)
        out[sub, pos[sub]] = word[sub]
        dele = active & (op == 1)
        if dele.any():
            rows = out[dele]
            p = pos[dele][:, None]
            shifted = np.concatenate([rows[:, 1:], np.full((len(rows), 1), -1, np.int32)], axis=1)
            out[dele] = np.where(cols >= p, shifted, rows)
        ins = active & (op == 2)
        if ins.any():
            rows = out[ins]
            p = pos[ins][:, None]
            shifted = np.concatenate([np.full((len(rows), 1), -1, np.int32), rows[:, :-1]], axis=1)
            out[ins] = np.where(cols < p, rows, np.where(cols == p, word[ins][:, None], shifted))
    return out


def script_variants(rng: np.random.Generator, texts: pa.StringArray, langs: np.ndarray, share: float = 0.35) -> pa.StringArray:
    """Keyboard and spelling variants that leave a text "the same" to a reader: Arabic-keyboard
    ``ي``/``ك`` for Persian ``ی``/``ک`` and stray zero-width non-joiners in Persian script; a
    capitalised first letter or a trailing ``!`` in Latin and Cyrillic script."""
    n = len(texts)
    if n == 0:
        return texts
    pick = rng.random(n) < share
    out = texts
    arabic = pick & np.isin(langs, [LANGS.index("fa"), LANGS.index("ar")])
    if arabic.any():
        mask = pa.array(arabic)
        swapped = out
        for fa_ch, ar_ch in _FA_AR_TWINS:
            swapped = pc.replace_substring(swapped, fa_ch, ar_ch)
        zwnj = pc.replace_substring(swapped, " ", ZWNJ + " ", max_replacements=1)
        swapped = pc.if_else(pa.array(rng.random(n) < 0.5), zwnj, swapped)
        out = pc.if_else(mask, swapped, out)
    other = pick & ~np.isin(langs, [LANGS.index("fa"), LANGS.index("ar")])
    if other.any():
        mask = pa.array(other)
        cap = pc.utf8_capitalize(out)
        bang = pc.binary_join_element_wise(out, pa.scalar("!"), "")
        varied = pc.if_else(pa.array(rng.random(n) < 0.5), cap, bang)
        out = pc.if_else(mask, varied, out)
    return out
