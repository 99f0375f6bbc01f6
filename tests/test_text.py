"""Text normalisation and MinHash-LSH band keys (cibscan.text)."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from cibscan.text import (
    band_collision_probability,
    normalise_text,
    normalise_texts,
    sketch_array,
    text_band_keys,
    text_item,
    text_sketches,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("RT @someone: Vote NOW!!! https://t.co/x #Election2024", "vote now election0"),
        ("rt @a_b Hello   @bob   world", "hello world"),
        ("Ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ", "fullwidth text"),  # NFKC
        ("zero\u200bwidth\u200c joiners\ufeff", "zerowidth joiners"),
        ("emoji 🙂🙂 and — dashes…", "emoji and dashes"),
        ("Привет, МИР! Ёлка", "привет мир елка"),  # Cyrillic, ё folded
        ("كتاب يوم مدرسة ٱلْحَمْدُ", "کتاب یوم مدرسه الحمد"),  # Arabic letters folded to Persian forms, diacritics gone
        ("سلام دنیا ۱۲۳ ١٢٣ 123", "سلام دنیا 0 0 0"),  # numbers in any digit script
        ("www.example.com/path and text", "and text"),
        ("", ""),
    ],
)
def test_normalise_text_table(raw, expected):
    assert normalise_text(raw) == expected


def test_normalise_none_and_vectorised_agree():
    texts = ["A b", None, "Ё"]
    assert normalise_text(None) is None
    assert normalise_texts(texts).to_pylist() == [normalise_text(t) for t in texts]
    assert normalise_texts(pa.chunked_array([["A b"], [None, "Ё"]])).to_pylist() == ["a b", None, "е"]


def test_copies_share_all_bands_and_item():
    a = "The election was stolen, share before they delete this!"
    b = "RT @x: the election was STOLEN -- share before they delete this https://t.co/zz"
    assert text_band_keys(a) == text_band_keys(b)
    assert len(text_band_keys(a)) == 10
    assert text_item(a) == text_item(b) is not None


def test_short_texts_get_no_keys():
    assert text_band_keys("ok lol") == []
    assert text_item("thanks!!") is None
    assert text_band_keys(None) == []


def test_unrelated_texts_share_no_band():
    a = text_band_keys("Completely different words about football and the weekend match")
    b = text_band_keys("Recipe: two eggs, flour, sugar and a pinch of salt for pancakes")
    assert not set(a) & set(b)


@pytest.mark.parametrize("script_text", [
    "Выборы были украдены, поделитесь этим пока не удалили сообщение",
    "انتخابات تقلبی بود، این پیام را قبل از حذف شدن منتشر کنید لطفا",
    "الانتخابات مزورة شارك هذه الرسالة قبل أن يتم حذفها من فضلك",
])
def test_near_duplicates_match_in_other_scripts(script_text):
    edited = script_text.replace(" ", "  ", 2) + "!!"
    assert set(text_band_keys(script_text)) & set(text_band_keys(edited))


def test_signature_agreement_estimates_jaccard():
    """One-permutation MinHash is an unbiased Jaccard estimator: checked on random edits."""
    from cibscan.text import _normalised_code_points, _signatures

    rng = random.Random(0)
    words = [f"w{i}" for i in range(300)]
    err = []
    for _ in range(200):
        x = [rng.choice(words) for _ in range(25)]
        y = list(x)
        for _ in range(rng.randint(0, 10)):
            y[rng.randrange(len(y))] = rng.choice(words)
        nx, ny = normalise_texts([" ".join(x), " ".join(y)]).to_pylist()
        sx = {nx[i:i + 5] for i in range(len(nx) - 4)}
        sy = {ny[i:i + 5] for i in range(len(ny) - 4)}
        j = len(sx & sy) / len(sx | sy)
        _, cps, lens = _normalised_code_points([nx, ny])
        _, sig = _signatures(cps, lens, 50, 5, 20, 0)
        err.append((sig[0] == sig[1]).mean() - j)
    assert abs(np.mean(err)) < 0.02
    assert np.std(err) < 0.1


def test_seed_changes_keys_and_is_deterministic():
    t = "A message long enough to be sketched by the LSH code"
    assert text_band_keys(t, seed=1) == text_band_keys(t, seed=1)
    assert text_band_keys(t, seed=1) != text_band_keys(t, seed=2)


def test_sketch_array_shape():
    arr = sketch_array(["short", "a message long enough to be sketched here", None])
    rows = arr.to_pylist()
    assert rows[0] == {"item": 0, "keys": []}
    assert len(rows[1]["keys"]) == 10 and rows[1]["item"] != 0
    assert rows[2] == {"item": 0, "keys": []}
    keep, items, keys = text_sketches(["x" * 30, "y"], bands=4, rows=2)
    assert keep.tolist() == [True, False] and keys.shape == (1, 4)


def test_collision_probability_curve():
    assert band_collision_probability(0.8) > 0.97
    assert band_collision_probability(0.3) < 0.03
    assert band_collision_probability(1.0) == 1.0


def test_densification_borrows_from_the_next_non_empty_bin():
    """``_densify`` against the rule written row by row: an empty bin takes the next non-empty
    bin to its right, circularly, plus one ``_ROTATE`` per step."""
    import numpy as np

    from cibscan.text import _MAX, _ROTATE, _densify

    rng = np.random.default_rng(3)
    sig = rng.integers(0, 2**63, size=(400, 12), dtype=np.uint64)
    sig[rng.random(sig.shape) < 0.6] = _MAX
    sig[(sig == _MAX).all(axis=1), 5] = 7
    want = sig.copy()
    with np.errstate(over="ignore"):
        for r in range(len(sig)):
            for j in range(sig.shape[1]):
                if sig[r, j] == _MAX:
                    step = next(s for s in range(1, sig.shape[1]) if sig[r, (j + s) % sig.shape[1]] != _MAX)
                    want[r, j] = sig[r, (j + step) % sig.shape[1]] + np.uint64(step) * _ROTATE
    assert np.array_equal(_densify(sig), want)
    full = rng.integers(0, 2**63, size=(5, 12), dtype=np.uint64)
    assert np.array_equal(_densify(full), full)


def _regex_reference(texts):
    """The normalisation written as the chain of regex passes it replaces (RE2, as pyarrow
    runs it): the code-point table must give the same texts."""
    import pyarrow.compute as pc

    from cibscan.text import _DELETE, _FOLDS, _STRIP

    arr = pc.utf8_lower(pc.utf8_normalize(pa.array(texts, pa.string()), form="NFKC"))
    arr = pc.replace_substring_regex(arr, pattern=_STRIP, replacement=" ")
    gone = "".join(f"\\x{{{d[0]:04X}}}-\\x{{{d[1]:04X}}}" if isinstance(d, tuple) else f"\\x{{{d:04X}}}" for d in _DELETE)
    arr = pc.replace_substring_regex(arr, pattern=f"[{gone}]", replacement="")
    arr = pc.replace_substring_regex(arr, pattern=r"\p{Nd}+", replacement="0")
    for a, b in _FOLDS.items():
        arr = pc.replace_substring(arr, chr(a), chr(b))
    arr = pc.replace_substring_regex(arr, pattern=r"[\p{P}\p{S}\p{Z}\s\x{0B}\x{1C}-\x{1F}\x{85}]+", replacement=" ")
    return pc.utf8_trim(arr, " ").to_pylist()


def test_normalisation_equals_the_regex_passes():
    """On random strings mixing scripts, digits of several scripts, punctuation, emoji,
    whitespace of every kind, invisible characters, tags, mentions and URLs."""
    rng = random.Random(5)
    pools = ["abcXYZ ", "0123456789٠١٢٣۴۵", ".,;!?—…«»\"'()", "🙂🇺🇸👍🏽❤️\u200d🔥",
             "\t\n\u00a0\u2003\u3000\u2028\u2029\u1680\x0b\x1c\x85", "\u200b\u200c\u202e\u2062\ufeff\u00ad",
             "كيىئةأإآٱؤ\u064b\u0670\u0640سلام", "ёЁпривет", "#@", "ＡＢ①ﬁ", " http://x.io/a?b=1 ", " @user ", "rt @x: "]
    texts = ["".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    texts += [None, "", "   ", "0001 22"]
    assert normalise_texts(texts).to_pylist() == _regex_reference(texts)


def test_every_kind_of_whitespace_separates_words():
    for ws in ("\u2028", "\u2029", "\u1680", "\x0b", "\x85", "\x1f", "\u3000", "\u00a0"):
        assert normalise_text(f"left{ws}right") == "left right"
