import pyarrow as pa
import pytest

from cibscan.detect.amplifiers import detect
from cibscan.errors import ParameterError

from ..conftest import post
from .scenes import amplifier_scene


@pytest.fixture
def amp_ws(ws):
    posts, accounts, amps = amplifier_scene()
    ws.add_records(posts, accounts)
    return ws, amps


def test_automatic_sources_without_coordination(amp_ws):
    ws, amps = amp_ws
    f = detect(ws)
    assert [i.id for i in f.items] == ["A:src"], "the organic source has no early amplifiers"
    item = f.items[0]
    assert set(item.accounts) == amps | {"src"}
    assert item.roles["src"] == "source" and all(item.roles[a] == "amplifier" for a in amps)
    acc = f.tables["accounts"].to_pandas()
    assert set(acc.account_id) == amps and (acc.n_early == 12).all() and (acc.median_delay_s < 60).all()
    assert (acc.expected_early < 6).all()
    src = f.tables["sources"].to_pandas().set_index("source_id")
    assert src.loc["src", "n_early_amplifiers"] == 6 and src.loc["news", "n_early_amplifiers"] == 0
    assert src.loc["src", "basis"].startswith("most shared")


def test_named_source_by_handle(amp_ws):
    ws, amps = amp_ws
    f = detect(ws, sources=["@SRC"])
    assert len(f.items) == 1 and set(f.items[0].accounts) - {"src"} == amps
    assert detect(ws, sources=["news"]).items == []


def test_sources_from_coordinated_clusters(amp_ws):
    ws, amps = amp_ws
    ws.write_table("coordination_members", pa.table({"cluster_id": ["C1"] * 6, "account_id": sorted(amps),
                                                     "degree": [5] * 6, "strength": [1.0] * 6}))
    f = detect(ws, n_sources=1)
    src = f.tables["sources"].to_pylist()
    assert [s["source_id"] for s in src] == ["src"] and src[0]["coordinated_shares"] == 72


def test_unknown_named_source_gives_an_empty_row(ws):
    ws.add_records([post(1, "a")])
    f = detect(ws, sources=["nobody"])
    assert f.items == [] and f.tables["sources"].to_pylist()[0]["n_shares"] == 0


def test_bad_parameter():
    with pytest.raises(ParameterError):
        detect(None, min_share_early=2)
