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
    "syllables",
    "spell",
    "pseudo_words",
    "pseudo_names",
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


_SYLLABLES = [(o, v, c) for o in _ONSETS for v in _VOWELS for c in _CODAS]
#: values the archives' readers take for "no value": never produce them as a word or a name
_ABSENT_WORDS = {"absent", "none", "null", "nan", "true", "false"}


def _syllable_table(lang: str | None, last: bool = False) -> np.ndarray:
    """Every syllable written in ``lang``'s script (``None``: Latin transcription), plus ``""``
    at the end for padding. ``last`` gives the word-final forms (Spanish stress accent,
    Arabic ta marbuta)."""
    out = []
    for o, v, c in _SYLLABLES:
        if lang is None or lang == "en" or (lang == "es" and not last):
            out.append(o + v + c)
        elif lang == "es":
            out.append(o + _ES_ACCENT[v] + c)
        else:
            table = _RENDER[lang]
            if last and lang == "ar" and v == "a" and not c:
                out.append(table[o] + "ة")
            else:
                out.append(table[o] + table[v] + (table[c] if c else ""))
    out.append("")
    return np.array(out, dtype=object)


_TABLES: dict = {}


def _table(lang: str | None, last: bool = False) -> np.ndarray:
    key = (lang, last)
    if key not in _TABLES:
        _TABLES[key] = _syllable_table(lang, last)
    return _TABLES[key]


def syllables(rng: np.random.Generator, n: int, min_syl: int, max_syl: int) -> np.ndarray:
    """``n`` pseudo-words as rows of syllable ids (``-1`` pads)."""
    ids = rng.integers(0, len(_SYLLABLES), size=(n, max_syl))
    lens = rng.integers(min_syl, max_syl + 1, size=n)
    ids[np.arange(max_syl)[None, :] >= lens[:, None]] = -1
    return ids


def spell(ids: np.ndarray, lang: str | None = None, last_share: float = 0.0, rng: np.random.Generator | None = None) -> list[str]:
    """The pseudo-words ``ids`` (see ``syllables``) written in ``lang``'s script (Latin when
    ``None``); a share ``last_share`` of them get the language's word-final form."""
    n, width = ids.shape
    parts = _table(lang)[np.where(ids < 0, len(_SYLLABLES), ids)]
    if last_share > 0 and rng is not None and lang in ("es", "ar"):
        lens = (ids >= 0).sum(axis=1)
        pick = np.flatnonzero((rng.random(n) < last_share) & (lens > 1))
        parts[pick, lens[pick] - 1] = _table(lang, last=True)[ids[pick, lens[pick] - 1]]
    out = parts[:, 0]
    for j in range(1, width):
        out = out + parts[:, j]
    return out.tolist()


def pseudo_words(rng: np.random.Generator, n: int, min_syl: int, max_syl: int, lang: str | None = None,
                 last_share: float = 0.0) -> list[str]:
    """Up to ``n`` distinct pseudo-words in ``lang``'s script (Latin when ``None``), in the
    order drawn; draws ``2n`` candidates so duplicates rarely leave it short."""
    words = spell(syllables(rng, 2 * n, min_syl, max_syl), lang, last_share, rng)
    uniq = [w for w in dict.fromkeys(words) if w and w.lower() not in _ABSENT_WORDS]
    return uniq[:n]


def pseudo_names(rng: np.random.Generator, n: int, lang: str) -> list[tuple[str, str]]:
    """``n`` personal names as (name in ``lang``'s script, Latin transcription), distinct by
    their transcription and capitalised where the script has capitals."""
    ids = syllables(rng, 2 * n, 2, 3)
    native, lat = spell(ids, lang), spell(ids)
    seen: dict[str, str] = {}
    for nat, la in zip(native, lat):
        if la not in seen and la not in _ABSENT_WORDS:
            seen[la] = nat if SCRIPT[lang] == "arabic" else nat[:1].upper() + nat[1:]
        if len(seen) == n:
            break
    return [(nat, la.capitalize()) for la, nat in seen.items()]


_ZIPF_CELLS = 1 << 20


def zipf_lookup(cdf: np.ndarray) -> np.ndarray:
    """Rank per cell of [0, 1) cut in 2**20 cells: drawing a cell uniformly draws a rank with
    the Zipf probabilities (to within 1e-6), by indexing instead of a binary search."""
    return np.searchsorted(cdf, (np.arange(_ZIPF_CELLS) + 0.5) / _ZIPF_CELLS).astype(np.int32)


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

    def __post_init__(self) -> None:
        self.word_lookup = zipf_lookup(self.word_cdf)
        self.tag_lookup = zipf_lookup(self.tag_cdf)

    def sample_words(self, rng: np.random.Generator, langs: np.ndarray, lengths: np.ndarray, max_len: int | None = None) -> np.ndarray:
        """Global word ids, one row per text (``-1`` pads rows shorter than the longest)."""
        n = len(langs)
        width = int(max_len if max_len is not None else (lengths.max() if n else 0))
        ids = np.full((n, width), -1, dtype=np.int32)
        if n == 0 or width == 0:
            return ids
        ranks = self.word_lookup[rng.integers(0, _ZIPF_CELLS, size=(n, width), dtype=np.int32)]
        for li in np.unique(langs):
            rows = langs == li
            # one shared Zipf table: ranks beyond this language's size wrap around
            ids[rows] = self.word_offset[li] + ranks[rows] % self.word_count[li]
        ids[np.arange(width)[None, :] >= lengths[:, None]] = -1
        return ids

    def sample_tags(self, rng: np.random.Generator, langs: np.ndarray, skip: int = 0) -> np.ndarray:
        """One global tag id per row, Zipf-popular within the row's language (the first
        ``skip`` ranks are reserved for planned tags and never drawn)."""
        ranks = self.tag_lookup[rng.integers(0, _ZIPF_CELLS, size=len(langs), dtype=np.int32)].astype(np.int64)
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
        # frequent words are short: the first 60 ranks get one syllable, like function words
        short = pseudo_words(rng, 60, 1, 1, lang)
        mine = list(dict.fromkeys(short + pseudo_words(rng, words_per_lang, 1, 4, lang, last_share=0.15)))[:words_per_lang]
        w_off.append(len(words))
        w_cnt.append(len(mine))
        words.extend(mine)
        # hashtags: one or two words run together (CamelCase where the script has capitals)
        first = pseudo_words(rng, tags_per_lang * 2, 2, 4, lang)
        second = pseudo_words(rng, tags_per_lang * 2, 1, 3, lang)
        two = rng.random(len(first)) < 0.35
        joined = []
        for i, a in enumerate(first):
            if two[i]:
                b = second[i % len(second)]
                a = a + "_" + b if SCRIPT[lang] == "arabic" else a.capitalize() + b.capitalize()
            joined.append(a)
        seen = {w.lower() for w in mine}
        tmine = [t for t in dict.fromkeys(joined) if t.lower() not in seen][:tags_per_lang]
        t_off.append(len(tags))
        t_cnt.append(len(tmine))
        tags.extend(tmine)
        given[lang] = pseudo_names(rng, names_per_lang, lang)
        family[lang] = pseudo_names(rng, names_per_lang, lang)
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
