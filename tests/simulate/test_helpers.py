"""Small helpers: lookalike handles and domains, text edits, id layout."""

from __future__ import annotations

import re

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from cibscan.simulate.domains import SPOOF_CLASSES, spoof_domain
from cibscan.simulate.handles import LOOKALIKE_CLASSES, HandleRegistry, default_handle, lookalike_handle
from cibscan.simulate.posts import post_ids
from cibscan.simulate.streams import stream
from cibscan.simulate.text import LANGS, build_vocabulary, join_ids, light_edits, script_variants

HANDLES = ["maria_lopez", "NewsDaily", "olga1987", "sam", "ab_cd", "JohnSmith12345678"[:15], "zzzzzzzzzzzzzzz"]


@pytest.mark.parametrize("cls", LOOKALIKE_CLASSES)
def test_lookalike_handles_are_one_edit_and_valid(cls):
    rng = np.random.default_rng(0)
    made = 0
    for h in HANDLES:
        out = lookalike_handle(h, cls, rng)
        if out is None:
            continue
        made += 1
        assert re.fullmatch(r"[A-Za-z0-9_]{1,15}", out), out
        assert out.lower() != h.lower()
        assert OSA.distance(out.lower(), h.lower()) == 1, (h, out)
    assert made >= 3


def test_handle_registry_is_case_insensitive():
    rng = np.random.default_rng(0)
    reg = HandleRegistry()
    assert reg.claim("Anna", rng) == "Anna"
    second = reg.claim("anna", rng)
    assert second.lower() != "anna" and second.lower().startswith("anna")
    assert not reg.take("ANNA")
    assert re.fullmatch(r"[A-Z][a-z]+\d{8}", default_handle(rng, "karim"))


@pytest.mark.parametrize("cls", SPOOF_CLASSES)
def test_spoofed_domains_differ_from_the_outlet_by_their_class(cls):
    rng = np.random.default_rng(1)
    for domain in ("dailyvoice.com", "the-kelamo.net", "novapost.org"):
        out = spoof_domain(domain, cls, rng)
        if out is None:
            continue
        assert out != domain and "." in out
        name, tld = out.rsplit(".", 1)
        if cls == "tld_swap":
            assert name == domain.rsplit(".", 1)[0] and tld != domain.rsplit(".", 1)[1]
        elif cls == "added_word":
            assert domain.rsplit(".", 1)[0] in name
        elif cls == "homoglyph":
            assert OSA.distance(out, domain) in (1, 2)  # rn for m is two edits
        else:
            assert OSA.distance(out, domain) == 1, (domain, out)


def test_light_edits_change_at_most_the_asked_number_of_words():
    rng = np.random.default_rng(2)
    template = np.tile(np.arange(100, 112, dtype=np.int32), (500, 1))
    n_edits = rng.integers(0, 3, size=500)
    out = light_edits(rng, template, 0, 4000, n_edits)
    for row, k in zip(out, n_edits):
        words = row[row >= 0]
        assert OSA.distance(list(words), list(range(100, 112))) <= k
    assert (out[n_edits == 0, :12] == template[0]).all()


def test_script_variants_keep_persian_text_readable():
    vocab = build_vocabulary(stream(0, "vocabulary"))
    fa = LANGS.index("fa")
    ids = vocab.sample_words(np.random.default_rng(0), np.full(200, fa, np.int8), np.full(200, 8))
    texts = join_ids(ids, vocab.words)
    out = script_variants(np.random.default_rng(1), texts, np.full(200, fa), share=1.0)
    changed = [a != b for a, b in zip(texts.to_pylist(), out.to_pylist())]
    assert np.mean(changed) > 0.5
    norm = lambda s: s.replace("ي", "ی").replace("ك", "ک").replace("\u200c", "")  # noqa: E731
    assert [norm(s) for s in out.to_pylist()] == [norm(s) for s in texts.to_pylist()]


def test_vocabulary_scripts():
    vocab = build_vocabulary(stream(0, "vocabulary"))
    words = vocab.words.to_pylist()
    for lang, pattern in (("en", r"[a-z]+"), ("ru", r"[а-я]+"), ("fa", r"[\u0600-\u06ff]+")):
        i = LANGS.index(lang)
        sample = words[vocab.word_offset[i]: vocab.word_offset[i] + 200]
        assert all(re.fullmatch(pattern, w) for w in sample), lang
    assert not {"none", "null", "nan", "absent"} & {w.lower() for w in words}


def test_post_ids_are_unique_and_ordered_by_time():
    t = np.array([1_700_000_000, 1_700_000_000, 1_700_000_001])
    ids = post_ids(np.array([5, 6, 0]), t)
    assert len(set(ids)) == 3 and ids[0] < ids[1] < ids[2]
    assert all(len(str(i)) == 19 for i in ids)

