"""Text normalisation and MinHash-LSH band keys for near-duplicate ("copy-paste") detection.

Two posts whose normalised texts share enough character shingles share at least one LSH *band
key*; the co-action engine treats a band key like any other shared target. Everything here is
vectorised over Arrow arrays (``normalise_texts``, ``text_sketches``) so it runs inside an Ibis
expression as a UDF (``text_sketch_udf``) over millions of posts; the one-text helpers
(``normalise_text``, ``text_band_keys``) call the same code, so a key computed in Python is the
key stored in the ``traces`` table.

Method
------
* Normalisation (for any script): Unicode NFKC; the leading ``RT @user:`` of a retweet, URLs and
  @mentions removed; ``#`` dropped (the tag word stays); lower case; zero-width and bidi control
  characters removed (a cheap way to defeat exact-match filters); Arabic diacritics and tatweel
  removed and Arabic/Persian letter variants folded (``ي ى ئ -> ی``, ``ك -> ک``, ``ة -> ه``,
  ``أ إ آ ٱ -> ا``, ``ؤ -> و``), Cyrillic ``ё -> е``; every number (in any digit script)
  becomes ``0``; each run of punctuation, symbols, emoji and whitespace (of any kind) becomes
  one space. Removing the retweet marker, URLs and mentions is a regex pass; the rest after NFKC
  and lower-casing is one lookup table over code points
  (``_code_table``, built from RE2's Unicode classes).
* Shingles: every run of ``shingle`` consecutive characters (default 5) of the normalised text.
* One-permutation MinHash with rotation densification (Li, Owen & Zhang 2012, "One Permutation
  Hashing"; Shrivastava & Li 2014, "Densifying One Permutation Hashing"): each shingle is hashed
  once to 64 bits; the hash space is cut into ``bands * rows`` equal bins; a text's signature is
  the minimum hash in each bin (empty bins borrow from the next non-empty bin). Two texts agree
  on a bin with probability equal to their Jaccard similarity, as with classic MinHash, at the
  cost of one hash per shingle instead of ``bands * rows``.
* LSH banding (Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3): the signature
  is cut into ``bands`` groups of ``rows`` values; each group hashes to one band key. Two texts
  with Jaccard similarity ``s`` share at least one band key with probability
  ``1 - (1 - s**rows)**bands``: with the defaults (10 bands of 5 rows) 0.98 at ``s = 0.8``,
  0.84 at 0.7, 0.27 at 0.5 and 0.02 at 0.3.

The ``item`` of a text is a hash of its whole signature: texts with identical signatures (exact
copies after normalisation) have the same item, which is how the engine counts *distinct*
messages shared by two accounts rather than the number of bands they share.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_ROWS",
    "DEFAULT_SHINGLE",
    "DEFAULT_MIN_CHARS",
    "normalise_text",
    "normalise_texts",
    "text_sketches",
    "text_band_keys",
    "text_item",
    "band_collision_probability",
    "text_sketch_udf",
]

DEFAULT_BANDS = 10
DEFAULT_ROWS = 5
DEFAULT_SHINGLE = 5
#: normalised texts shorter than this get no keys: "ok", "lol", "thanks" are shared by
#: everybody and say nothing about coordination.
DEFAULT_MIN_CHARS = 20

# the one rule that needs a pattern, applied with RE2 (pyarrow.compute) after NFKC and
# lower-casing (full-width and styled letters are plain by then): retweet marker, URLs, mentions
_STRIP = r"^\s*rt\s+@\w+\s*:?|\b(?:https?://|www\.)\S+|@\w+"
# characters removed outright: the tag sign; zero-width, bidi and soft-hyphen characters;
# Arabic diacritics and tatweel (single code points or inclusive ranges)
_DELETE = (0x23, (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064), 0xFEFF, 0x00AD, (0x064B, 0x065F), 0x0670,
           (0x06D6, 0x06ED), 0x0640)
# letter variants folded: Arabic forms to the Persian ones, Cyrillic ё to е
_FOLDS = {0x064A: 0x06CC, 0x0649: 0x06CC, 0x0626: 0x06CC,  # ي ى ئ -> Persian yeh
          0x0643: 0x06A9,  # ك -> Persian kaf
          0x0629: 0x0647,  # ة -> ه
          0x0623: 0x0627, 0x0625: 0x0627, 0x0622: 0x0627, 0x0671: 0x0627,  # أ إ آ ٱ -> ا
          0x0624: 0x0648,  # ؤ -> و
          0x0451: 0x0435}  # ё -> е
# punctuation, symbols and emoji, and whitespace of every kind (Unicode separators, the
# ASCII and C1 whitespace controls): each run becomes one space
_SEPARATOR = r"^[\p{P}\p{S}\p{Z}\s\x{0B}\x{1C}-\x{1F}\x{85}]$"
_SPACE, _ZERO, _GONE = 0x20, 0x30, -1

_U64 = np.uint64
_MAX = np.iinfo(np.uint64).max
_FMIX1, _FMIX2 = _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53)
_ROLL = _U64(0x100000001B3)  # FNV prime: rolling base for shingle hashes
_ROTATE = _U64(0x9E3779B97F4A7C15)  # golden-ratio offset added per densification step


@functools.cache
def _code_table() -> np.ndarray:
    """What each code point becomes (int32, indexed by code point): itself, ``_GONE``, a
    space (punctuation, symbols and emoji, any whitespace), ``0`` (a digit of any script) or
    its folded letter. Built once per process (a fraction of a second) with RE2's own Unicode
    classes, those a regex pass would use, so the result does not depend on the Python
    version's ``unicodedata``; a per-call regex pass would cost DuckDB's sketch UDF, called once
    per ~2,000 rows, a millisecond each time to compile a class as large as ``\\p{S}``."""
    cp = np.arange(0x110000, dtype=np.int32)
    chars = pa.array(["" if 0xD800 <= i <= 0xDFFF else chr(i) for i in range(0x110000)], type=pa.string())
    table = cp.copy()
    table[pc.match_substring_regex(chars, _SEPARATOR).to_numpy(zero_copy_only=False)] = _SPACE
    table[pc.match_substring_regex(chars, r"^\p{Nd}$").to_numpy(zero_copy_only=False)] = _ZERO
    for a, b in _FOLDS.items():
        table[a] = b
    for d in _DELETE:
        lo, hi = d if isinstance(d, tuple) else (d, d)
        table[lo:hi + 1] = _GONE
    return table


def _normalised_code_points(texts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(valid, cps, lens)``: which texts are not null, the code points (uint32) of all
    normalised texts end to end, and each text's length in code points (0 when null)."""
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_large_string(arr.type) or pa.types.is_string_view(arr.type):
        arr = arr.cast(pa.string())
    arr = pc.utf8_lower(pc.utf8_normalize(arr, form="NFKC"))
    arr = pc.replace_substring_regex(arr, pattern=_STRIP, replacement=" ")
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    lens = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    raw = np.frombuffer("".join(arr.drop_null().to_pylist()).encode("utf-32-le"), dtype=np.uint32)
    mapped = _code_table()[raw]
    owner = np.repeat(np.arange(len(lens)), lens)
    kept = mapped != _GONE
    mapped, owner = mapped[kept], owner[kept]
    # runs of spaces and of zeros become one; no space at the start of a text
    same = np.empty(len(owner), dtype=bool)
    same[:1] = False
    np.equal(owner[1:], owner[:-1], out=same[1:])
    prev = np.empty_like(mapped)
    prev[:1] = _GONE
    prev[1:] = mapped[:-1]
    space = mapped == _SPACE
    drop = (space & (~same | (prev == _SPACE))) | ((mapped == _ZERO) & same & (prev == _ZERO))
    mapped, owner = mapped[~drop], owner[~drop]
    # nor at its end
    last = np.empty(len(owner), dtype=bool)
    last[-1:] = True
    np.not_equal(owner[1:], owner[:-1], out=last[:-1])
    keep = ~(last & (mapped == _SPACE))
    mapped, owner = mapped[keep], owner[keep]
    return valid, mapped.astype(np.uint32), np.bincount(owner, minlength=len(lens)).astype(np.int64)


def normalise_texts(texts: pa.Array | pa.ChunkedArray | list) -> pa.Array:
    """Normalised texts (see the module docstring), null where the input is null.

    Vectorised over an Arrow string array; works for any script (tested on Latin, Cyrillic,
    Arabic and Persian)."""
    valid, cps, lens = _normalised_code_points(texts)
    joined = cps.tobytes().decode("utf-32-le")
    ends = np.cumsum(lens)
    return pa.array([joined[e - n:e] if v else None for v, n, e in zip(valid, lens.tolist(), ends.tolist())],
                    type=pa.string())


def normalise_text(text: str | None) -> str | None:
    """One text normalised exactly as ``normalise_texts`` does it.

    >>> normalise_text("RT @someone: Vote NOW!!! https://t.co/x #Election2024 🇺🇸")
    'vote now election0'
    """
    if text is None:
        return None
    return normalise_texts(pa.array([text], type=pa.string()))[0].as_py()


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, a cheap, well-mixing bijection on uint64, computed in
    place: ``h`` is overwritten and returned (callers pass arrays of their own; no temporaries
    on the tens of millions of shingles)."""
    h ^= h >> _U64(33)
    h *= _FMIX1
    h ^= h >> _U64(33)
    h *= _FMIX2
    h ^= h >> _U64(33)
    return h


def _signatures(cps: np.ndarray, lens: np.ndarray, n_bins: int, shingle: int, min_chars: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(keep, sig): which texts are long enough, and their one-permutation MinHash signatures
    (``keep.sum() x n_bins`` uint64). ``cps``: the texts' code points end to end; ``lens``:
    each text's length in code points."""
    keep = lens >= max(min_chars, shingle)
    if not keep.any():
        return keep, np.empty((0, n_bins), dtype=np.uint64)
    cp = (cps if keep.all() else cps[np.repeat(keep, lens)]).astype(np.uint64)
    lens = lens[keep]
    n = len(lens)
    n_sh = lens - shingle + 1  # shingles per text (>= 1 since len >= shingle)
    total = len(cp) - shingle + 1
    with np.errstate(over="ignore"):
        h = cp[:total].copy()
        for m in range(1, shingle):
            h *= _ROLL
            h += cp[m : m + total]
        # keep the positions whose shingle stays inside one text: the last shingle - 1
        # positions of every text start a shingle that runs into the next text
        ends = np.cumsum(lens)
        edge = np.zeros(len(cp) + 1, dtype=np.int8)
        np.add.at(edge, ends - shingle + 1, 1)
        np.add.at(edge, ends, -1)
        h = h[np.cumsum(edge[:total], dtype=np.int8) == 0]
        owner = np.repeat(np.arange(n), n_sh)
        h ^= _U64(seed & 0xFFFFFFFFFFFFFFFF)
        _fmix64(h)
    # bin = floor(high 32 bits * n_bins / 2^32): equal slices of the hash space (OPH)
    bins = h >> _U64(32)
    bins *= _U64(n_bins)
    bins >>= _U64(32)
    sig = np.full((n, n_bins), _MAX, dtype=np.uint64)
    np.minimum.at(sig, (owner, bins.astype(np.int64)), h)
    return keep, _densify(sig)


def _densify(sig: np.ndarray) -> np.ndarray:
    """Rotation densification: an empty bin (``_MAX``) takes the value of the next non-empty
    bin to its right, circularly, plus ``steps * _ROTATE`` so borrowed values differ from the
    lender's. Works on the empty bins only, step by step (a third of the bins of a tweet-sized
    text are empty, and most find a lender at the first step); every text has a shingle, so
    every row has a lender."""
    n_bins = sig.shape[1]
    flat = sig.reshape(-1)
    empty = flat == _MAX
    cells = np.flatnonzero(empty)
    if not len(cells):
        return sig
    col = cells % n_bins
    start = cells - col
    out = flat.copy()
    step = 0
    with np.errstate(over="ignore"):
        while len(cells):
            step += 1
            src = start + (col + step) % n_bins
            lends = ~empty[src]  # lenders are the bins filled from the start: a borrowed value is not lent on
            out[cells[lends]] = flat[src[lends]] + _U64(step) * _ROTATE
            left = ~lends
            cells, col, start = cells[left], col[left], start[left]
    return out.reshape(sig.shape)


def text_sketches(
    texts,
    *,
    bands: int = DEFAULT_BANDS,
    rows: int = DEFAULT_ROWS,
    shingle: int = DEFAULT_SHINGLE,
    min_chars: int = DEFAULT_MIN_CHARS,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LSH sketches of many texts at once.

    Returns ``(keep, items, keys)``: ``keep`` (bool, one per text) says which texts are long
    enough after normalisation to get keys; for those, ``items`` (int64) identifies the whole
    signature and ``keys`` (int64, ``keep.sum() x bands``) holds the band keys. Deterministic
    for a given ``seed`` on every machine.
    """
    _, cps, lens = _normalised_code_points(texts)
    keep, sig = _signatures(cps, lens, bands * rows, shingle, min_chars, seed)
    if not len(sig):
        return keep, np.empty(0, dtype=np.int64), np.empty((0, bands), dtype=np.int64)
    with np.errstate(over="ignore"):
        # band b chains its rows b*rows .. b*rows+rows-1 from a start of its own; all bands at once
        per_band = sig.reshape(len(sig), bands, rows)
        keys = _fmix64(np.broadcast_to((np.arange(1, bands + 1, dtype=np.uint64) * _ROTATE), (len(sig), bands)).copy())
        for r in range(rows):
            keys ^= per_band[:, :, r]
            _fmix64(keys)
        item = _fmix64(np.full(len(sig), _ROTATE, dtype=np.uint64))
        for c in range(sig.shape[1]):
            item = _fmix64(item ^ sig[:, c])
    return keep, item.view(np.int64), keys.view(np.int64)


def text_band_keys(text: str | None, **options) -> list[int]:
    """The LSH band keys of one text (empty when it is too short after normalisation).

    >>> a = text_band_keys("The election was stolen, share before they delete this!")
    >>> b = text_band_keys("the election was STOLEN - share before they delete this")
    >>> len(a), a == b
    (10, True)
    """
    keep, _, keys = text_sketches(pa.array([text], type=pa.string()), **options)
    return [int(k) for k in keys[0]] if keep[0] else []


def text_item(text: str | None, **options) -> int | None:
    """The id of a text's whole signature (equal for exact copies after normalisation)."""
    keep, items, _ = text_sketches(pa.array([text], type=pa.string()), **options)
    return int(items[0]) if keep[0] else None


def band_collision_probability(similarity: float, bands: int = DEFAULT_BANDS, rows: int = DEFAULT_ROWS) -> float:
    """Chance that two texts of Jaccard ``similarity`` share at least one band key."""
    return 1.0 - (1.0 - similarity**rows) ** bands


_SKETCH_TYPE = pa.struct([("item", pa.int64()), ("keys", pa.list_(pa.int64()))])


def sketch_array(texts, **options) -> pa.Array:
    """``text_sketches`` as an Arrow struct array ``{item, keys}``; a text too short for keys
    gets ``{item: 0, keys: []}`` (never null: DuckDB's UDF protocol forbids null results)."""
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, type=pa.string())
    keep, items, keys = text_sketches(arr, **options)
    n = len(keep)
    full_items = np.zeros(n, dtype=np.int64)
    full_items[keep] = items
    lengths = np.where(keep, keys.shape[1], 0).astype(np.int32)
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths))).astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, pa.array(keys.reshape(-1), type=pa.int64()))
    return pa.StructArray.from_arrays([pa.array(full_items), lists], fields=list(_SKETCH_TYPE))


def text_sketch_udf(**options):
    """An Ibis scalar UDF ``f(text) -> struct<item: int64, keys: array<int64>>`` computing
    ``text_sketches`` batch by batch inside the engine (no pull of the texts into Python)."""
    import ibis
    import ibis.expr.datatypes as dt

    rtype = dt.Struct({"item": dt.int64, "keys": dt.Array(dt.int64)})

    def sketch(text):
        return sketch_array(text, **options)

    # set, not written, annotations: this module uses postponed evaluation of annotations
    sketch.__annotations__ = {"text": str, "return": rtype}

    sketch.__name__ = "cibscan_text_sketch_" + "_".join(f"{k}{v}" for k, v in sorted(options.items()))
    return ibis.udf.scalar.pyarrow(sketch)
