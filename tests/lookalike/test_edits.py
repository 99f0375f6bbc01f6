import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibscan.lookalike import DeletionIndex, bio_overlap, classify_edit, iter_deletions, name_similarity, osa_distance
from cibscan.lookalike.symdel import deletion_hashes


@pytest.mark.parametrize("orig, cand, cls", [
    ("joebiden", "joebidenx", "addition"), ("joebiden", "joebxiden", "insertion"), ("joebiden", "joebiiden", "repetition"),
    ("joebiden", "jobiden", "omission"), ("joebiden", "joebidwn", "replacement"), ("joebiden", "jobeiden", "transposition"),
    ("joebiden", "joebidan", "vowel_swap"), ("joebiden", "joebidun", "vowel_swap"), ("joebiden", "jnebiden", "bitsquatting"),
    ("joebiden", "joe_biden", "hyphenation"), ("joebiden", "j0ebiden", "homoglyph"), ("joebiden", "JoeBiden", "identical"),
    ("joebiden", "joebidenxy", "two_edits"), ("joebiden", "j0ebidenx", "homoglyph+addition"),
])
def test_classify_edit(orig, cand, cls):
    assert classify_edit(orig, cand) == cls


def test_osa_counts_a_swap_as_one():
    assert osa_distance("abcd", "abdc") == 1 and osa_distance("abcd", "abcd") == 0
    assert osa_distance("abcdef", "ghijkl", cutoff=2) == 3


def _brute(keys, query, k):
    return sorted((n, d) for n, key in enumerate(keys) if (d := osa_distance(query, key)) <= k)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text("abcde", min_size=1, max_size=7), min_size=1, max_size=25), st.text("abcde", min_size=1, max_size=7),
       st.integers(1, 2))
def test_deletion_index_finds_exactly_what_brute_force_finds(keys, query, k):
    idx = DeletionIndex(lambda key: k)
    idx.extend((key, n) for n, key in enumerate(keys))
    assert sorted((n, d) for n, _, d in idx.lookup(query)) == _brute(keys, query, k)


def test_deletion_hashes_match_python_deletions():
    import ibis
    import pyarrow as pa

    words = ["abcdefgh", "xyz", "a", "hello"]
    t = ibis.memtable(pa.table({"i": list(range(len(words))), "key": words, "me": [2, 1, 1, 0]}))
    got = deletion_hashes(t, "key", "me").to_pyarrow().to_pydict()
    per = {}
    for i, h in zip(got["i"], got["h"]):
        per.setdefault(i, set()).add(h)
    for i, (w, k) in enumerate(zip(words, [2, 1, 1, 0])):
        assert per[i] == set(iter_deletions(w, k)), w


def test_name_similarity_and_bio_overlap():
    assert name_similarity("Joe Biden", "Јое Вiden") == 1.0
    assert name_similarity("Joe Biden", "Biden Joe") == 1.0
    assert name_similarity("Joe Biden", "Joe Biden Fan Club") < 0.85
    assert name_similarity("Joe Biden", None) == 0.0
    j, shared = bio_overlap("Husband, father, grandfather. 46th President", "father and grandfather, President")
    assert shared == 3 and 0.5 <= j < 1


def test_iter_deletions_counts():
    assert len(list(iter_deletions("abcdef", 2))) == 1 + 6 + 15
    rng = random.Random(0)
    s = "".join(rng.choice("ab") for _ in range(8))
    assert len(set(iter_deletions(s, 2))) == len(list(iter_deletions(s, 2)))
