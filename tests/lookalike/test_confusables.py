import doctest

import pytest

import cibscan.lookalike.confusables as confusables_mod
from cibscan.lookalike import (
    confusable_chars,
    handle_key,
    handle_keys,
    handle_keys_many,
    is_mixed_script,
    load_confusables,
    plain_key,
    script_of,
    skeleton,
    visible,
)
from cibscan.lookalike import display, domains, edits, handles, names, scripts, symdel


def test_table_is_unicodes_confusables_file():
    table = load_confusables()
    assert len(table) > 6000, "the vendored confusables.txt holds about 6,300 mappings"
    assert table["а"] == "a" and table["0"] == "O" and table["m"] == "rn"  # Cyrillic a, digit zero, TR39's rn/m


@pytest.mark.parametrize("a, b", [
    ("раураl", "paypal"),        # Cyrillic р а у
    ("gооgle", "google"),        # Cyrillic о
    ("ᏴᏴC", "BBC"),              # Cherokee
    ("𝐉𝐨𝐞", "Joe"),              # mathematical bold
])
def test_tr39_skeletons_equal(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize("a, b", [
    ("JoeBiden", "J0eBiden"), ("JoeBiden", "joe_biden"), ("JoeBiden", "JoeBIden"), ("martin", "rnartin"),
    ("wwf", "vvwf"), ("david", "cIavid"), ("elonmusk", "e1onmusk"), ("bbc.news", "bbcnews"), ("alice", "@lice"),
    ("jоebiden", "joebiden"),
])
def test_handle_key_equal_for_lookalikes(a, b):
    assert handle_key(a) == handle_key(b)


@pytest.mark.parametrize("a, b", [("joebiden", "joebidem"), ("alice", "alicf"), ("cnn", "cnb")])
def test_handle_key_differs_for_real_edits(a, b):
    assert handle_key(a) != handle_key(b)


def test_plain_key_keeps_ascii_and_maps_other_scripts():
    assert plain_key("Brian_Clark") == "brianclark" and handle_key("Brian_Clark") == "brlandark"
    assert handle_keys("abc") == ("abc",) and handle_keys("Brian_Clark") == ("brlandark", "brianclark")


def test_handle_keys_many_equals_handle_keys():
    chars = "abcilmnrvwxzAIMNRVW0123456789_.-|!@$"
    handles = [a + b for a in chars for b in chars] + [a + b + c for a in "rnvcl1I|" for b in "rnvcl1I|" for c in "rnvcl1I|"]
    handles += ["rrnn", "vvv", "ccll", "C1ark", "", None, "héllo", "a\nb", "Јое Вiden", "ᏴᏴC", "x" * 60, "joe biden"]
    assert handle_keys_many(handles) == [handle_keys(h or "") for h in handles]
    assert handle_keys_many([]) == []


def test_confusable_chars_name_what_was_swapped():
    found = confusable_chars("jоe")
    assert found == [(1, "о", "U+043E CYRILLIC SMALL LETTER O")]
    assert confusable_chars("joe_biden2") == []


@pytest.mark.parametrize("text, mixed", [
    ("paypal", False), ("pаypal", True), ("Ελληνικά", False), ("Јое Вiden", True), ("東京タワーTokyo", False),
    ("Москва2024", False), ("𝐉𝐨𝐞", False), ("", False),
])
def test_mixed_script(text, mixed):
    assert is_mixed_script(text) is mixed


def test_script_of():
    assert [script_of(c) for c in "aа1ά京"] == ["Latin", "Cyrillic", "Common", "Greek", "Han"]


def test_visible_shows_invisible_characters():
    assert visible("admin\u202egnp.exe") == "admin<U+202E>gnp.exe"
    assert visible("a\u200bb") == "a<U+200B>b"
    assert visible(None) == "" and visible("x" * 300, limit=10) == "x" * 9 + "…"


@pytest.mark.parametrize("module", [confusables_mod, display, domains, edits, handles, names, scripts, symdel])
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0
