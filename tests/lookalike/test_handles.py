"""match_handles against brute force: the symmetric-deletion join with its mapped plain keys
must return exactly the pairs (and distances) that comparing every pair would."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from cibscan.lookalike import edit_budget, handle_keys, handle_keys_many, match_handles, osa_distance

from .permutations import HANDLE_CLASSES, diverse_handles, permute

#: characters the lookalike key maps or merges (i/l/1, 0/o, rn/m, vv/w, cl/d, digits, separators)
TRICKY = "abcdilmnorvw1034_.I"


def _brute(okeys, ckeys, long_from=8, min_edit_length=5):
    out = []
    for i, ok in enumerate(okeys):
        o = (ok[0], ok[-1])
        if not o[0]:
            continue
        b = edit_budget(o[0], long_from, min_edit_length)
        for j, ck in enumerate(ckeys):
            c = (ck[0], ck[-1])
            if c[0] and (d := min(osa_distance(o[0], c[0]), osa_distance(o[1], c[1]))) <= b:
                out.append((i, j, d))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(TRICKY, max_size=11), min_size=1, max_size=15), st.lists(st.text(TRICKY, max_size=12), max_size=40),
       st.sampled_from([(8, 5), (4, 1), (1, 1)]))
def test_match_handles_equals_brute_force(originals, candidates, budgets):
    long_from, min_edit_length = budgets
    okeys, ckeys = [handle_keys(h) for h in originals], [handle_keys(h) for h in candidates]
    got = match_handles(okeys, ckeys, long_from=long_from, min_edit_length=min_edit_length)
    assert got == _brute(okeys, ckeys, long_from, min_edit_length)


def test_match_handles_equals_brute_force_on_real_style_handles():
    rng = random.Random(4)
    pool = diverse_handles(1500, seed=4)
    originals, candidates = pool[:150], pool[150:]
    candidates += [p for h in originals for cls in HANDLE_CLASSES[:4] if (p := permute(h, cls, rng))]
    okeys, ckeys = handle_keys_many(originals), handle_keys_many(candidates)
    got = match_handles(okeys, ckeys)
    assert got == _brute(okeys, ckeys) and len(got) > 150


def test_keys_given_as_single_strings_or_tuples():
    assert match_handles(["joebiden"], ["joebidem", ("joebidan",), "", ()]) == [(0, 0, 1), (0, 1, 1)]
    assert match_handles([], ["joebiden"]) == [] and match_handles(["joebiden"], []) == []
