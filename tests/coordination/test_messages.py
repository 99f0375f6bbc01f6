"""Near-duplicate texts grouped into messages (cibscan.coordination.messages)."""

from __future__ import annotations

import pandas as pd

from cibscan.coordination.messages import collapse_text_traces, message_components
from cibscan.traces import build_traces
from tests.conftest import post


def test_components_of_links():
    links = pd.DataFrame({"item_l": [5, 6, 20], "item_r": [6, 7, 21]})
    comp = message_components(links).set_index("item")["message"].to_dict()
    assert comp == {5: 5, 6: 5, 7: 5, 20: 20, 21: 20}
    assert message_components(links.iloc[0:0]).empty


def test_light_edits_become_one_message_and_one_trace_per_post(ws):
    base = "Independent observers were blocked at polling station twelve this morning, and nobody from the commission came to help"
    ws.add_records([
        post(1, "a", 0, text=base, hashtags=["x"]),
        post(2, "b", 10, text=base.upper() + "!!"),  # an exact copy after normalisation
        post(3, "c", 20, text=base.replace("this morning", "this early morning")),  # a light edit
        post(4, "d", 30, text="Something else entirely about the weather and the weekend"),
        post(5, "e", 40, kind="repost", ref_post_id="1"),
    ])
    t = build_traces(ws)
    out = collapse_text_traces(t).to_pandas()
    text = out[out.kind == "text"].set_index("post_id")
    assert sorted(text.index) == ["1", "2", "3", "4"]  # one row per text post
    assert text.loc["1", "key"] == text.loc["2", "key"] == text.loc["3", "key"] != text.loc["4", "key"]
    assert (text["item"] == text["key"]).all() and text.loc["1", "key_text"].startswith("message ")
    others = t.filter(t.kind != "text").to_pandas()
    assert len(out[out.kind != "text"]) == len(others)  # other kinds untouched


def test_generic_bands_do_not_chain_messages(ws):
    tails = ["apple", "river", "mountain", "violet", "thunder", "garden", "silver", "harbour"]
    texts = [f"common boilerplate phrase shared widely plus a unique tail {w}" for w in tails]
    ws.add_records([post(i, f"u{i}", i, text=t) for i, t in enumerate(texts)])
    t = build_traces(ws, ["text"])
    loose = collapse_text_traces(t, max_texts_per_band=100).to_pandas()
    strict = collapse_text_traces(t, max_texts_per_band=1).to_pandas()
    assert strict["key"].nunique() == len(texts)  # no band may link anything
    assert loose["key"].nunique() <= strict["key"].nunique()
