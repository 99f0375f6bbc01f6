import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibscan.lookalike import DeletionIndex, bio_overlap, classify_edit, iter_deletions, name_similarity, osa_distance
from cibscan.lookalike.symdel import deletion_hashes, iter_length_groups, string_hash, symmetric_deletion_join


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
    words = ["abcdefgh", "xyz", "a", "hello", "aab", "", "jоe_𝐉"]
    budget = [2, 1, 1, 0, 2, 1, 2]
    for n, rows, codes in iter_length_groups(words):
        for column, row in enumerate(rows):
            hashes, n_deleted = deletion_hashes(codes[:, [column]], budget[row])
            per = set(hashes[:, 0].tolist())
            assert per == {string_hash(v) for v in iter_deletions(words[row], budget[row])}, words[row]
            assert len(per) == len(set(iter_deletions(words[row], budget[row]))), "no two variants collide"
            assert n_deleted.max(initial=0) == min(budget[row], n)


def _brute_pairs(left, edits, right):
    return sorted((i, j) for i, a in enumerate(left) for j, b in enumerate(right) if osa_distance(a, b) <= edits[i])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text("abcdé", max_size=9), min_size=1, max_size=20), st.lists(st.integers(0, 2), min_size=20, max_size=20),
       st.lists(st.text("abcdé", max_size=9), min_size=1, max_size=30))
def test_symmetric_deletion_join_misses_no_pair_within_the_budget(left, edits, right):
    codes = symmetric_deletion_join(left, edits[:len(left)], right)
    found = {(int(c) >> 32, int(c) & 0xFFFFFFFF) for c in codes}
    assert set(_brute_pairs(left, edits, right)) <= found


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
