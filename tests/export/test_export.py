"""GEXF/GraphML and CSV/Parquet exports (cibscan.export)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cibscan.errors import ParameterError, WorkspaceError
from cibscan.export import csv_safe_table, export_graph, export_tables, exportable_tables
from tests.conftest import post
from tests.coordination.planted import GROUPS, HOSTILE_HANDLE, scanned_workspace


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    ws = scanned_workspace(str(tmp_path_factory.mktemp("export") / "ws.duckdb"))
    yield ws
    ws.close()


def _ns(root):
    return {"g": root.tag.split("}")[0][1:]}


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_graph_files_are_well_formed_with_all_attributes(scanned, tmp_path, fmt):
    path = export_graph(scanned, str(tmp_path / f"net.{fmt}"))
    root = ET.parse(path).getroot()  # parses despite the hostile handle
    ns = _ns(root)
    nodes = root.findall(".//g:node", ns)
    edges = root.findall(".//g:edge", ns)
    planted = {a for accs in GROUPS.values() for a in accs}
    assert {n.get("id") for n in nodes} == planted
    combined = scanned.table("coordination_edges")
    assert len(edges) == combined.filter(combined.kind == "combined").count().execute()
    text = open(path, encoding="utf-8").read()
    for attr in ("handle", "cluster_id", "cluster_score", "degree", "strength", "kinds", "n_shared", "n_coactions",
                 "weight_repost", "weight_text", "p_value"):
        assert f'"{attr}"' in text
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_gexf_labels_are_handles_and_values_round_trip(scanned, tmp_path):
    root = ET.parse(export_graph(scanned, str(tmp_path / "n.gexf"))).getroot()
    ns = _ns(root)
    labels = {n.get("id"): n.get("label") for n in root.iter(f"{{{ns['g']}}}node")}
    assert labels["rp0"] == HOSTILE_HANDLE.replace("\u202e", "\u202e")  # kept, escaped by the XML writer
    assert labels["ln0"] == "ln0"  # no handle: the id


def test_unknown_graph_format_and_no_network(tmp_path, ws):
    with pytest.raises(ParameterError, match="not one of gexf, graphml"):
        export_graph(ws, str(tmp_path / "net.png"))
    ws.add_records([post(1, "a")])
    assert export_graph(ws, str(tmp_path / "n.gexf")) is None


def test_tables_exported_exactly_and_safely(scanned, tmp_path):
    names = exportable_tables(scanned)
    assert {"findings", "finding_accounts", "evidence", "coordination_edges", "coordination_clusters",
            "coordination_members", "coordination_calibration", "coordination_coactions", "coordination_hubs"} <= set(names)
    assert not {"posts", "accounts", "traces"} & set(names)
    written = export_tables(scanned, str(tmp_path / "out"))
    assert len(written) == 2 * len(names)
    edges = pq.read_table(tmp_path / "out" / "coordination_edges.parquet")
    assert edges.equals(scanned.to_arrow("coordination_edges"))
    with open(tmp_path / "out" / "coordination_clusters.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(GROUPS) and isinstance(json.loads(rows[0]["kinds"]), list)


def test_csv_cells_cannot_run_as_formulas():
    t = pa.table({"s": ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "ok", None], "n": [-1, 2, 3, 4, 5, 6, 7], "l": [["=a"], [], None, [], [], [], []]})
    out = csv_safe_table(t)
    assert out.column("s").to_pylist() == ["'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "ok", None]
    assert out.column("n").to_pylist() == [-1, 2, 3, 4, 5, 6, 7]
    assert out.column("l").to_pylist()[:3] == ['["=a"]', "[]", None]


def test_export_errors_say_what_to_do(scanned, tmp_path):
    with pytest.raises(WorkspaceError, match="no table nope"):
        export_tables(scanned, str(tmp_path), tables=["nope"])
    with pytest.raises(ParameterError, match="not one of csv, parquet"):
        export_tables(scanned, str(tmp_path), formats=("xlsx",))
