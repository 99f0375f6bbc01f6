import csv
import json
import xml.etree.ElementTree as ET

import pyarrow as pa
import pyarrow.parquet as pq

from cibscan.report import export_graph, export_tables, exportable_tables
from cibscan.export import csv_safe_table

from ..conftest import post


def test_every_findings_table_exported_as_csv_and_parquet(case_ws, tmp_path):
    names = exportable_tables(case_ws)
    assert {"findings", "finding_accounts", "evidence", "coordination_edges", "floods_bursts", "impersonation_pairs",
            "laundering_candidates", "spoofed_domains_hits", "personas_batches"} <= set(names)
    assert not {"posts", "accounts", "rejects", "sources"} & set(names)
    written = export_tables(case_ws, str(tmp_path))
    assert len(written) == 2 * len(names)
    ev = pq.read_table(tmp_path / "evidence.parquet")
    assert ev.equals(case_ws.to_arrow("evidence"))  # Parquet is exact
    with open(tmp_path / "evidence.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == ev.num_rows
    assert json.loads(rows[0]["accounts"]) == ev.column("accounts")[0].as_py()


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    t = pa.table({"s": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "\tx", "plain", None], "n": [-1, 2, 3, 4, 5, 6, 7],
                  "l": [["=a"], [], None, ["b"], [], [], []]})
    out = csv_safe_table(t)
    assert out.column("s").to_pylist() == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "'\tx", "plain", None]
    assert out.column("n").to_pylist() == [-1, 2, 3, 4, 5, 6, 7]  # numbers untouched
    assert out.column("l").to_pylist()[:3] == ['["=a"]', "[]", None]  # JSON text starts with [, never a formula


def test_gexf_and_graphml_hold_the_network_with_hostile_labels_escaped(case_ws, planted, tmp_path):
    members = {a: c for c, accs in planted["members"].items() for a in accs}
    e = case_ws.table("coordination_edges")
    n_edges = e.filter(e.kind == "combined").count().execute()  # one graph edge per pair
    for fmt in ("gexf", "graphml"):
        path = export_graph(case_ws, str(tmp_path / f"net.{fmt}"))
        root = ET.parse(path).getroot()  # well-formed despite the payloads in handles
        ns = {"g": root.tag.split("}")[0][1:]}
        nodes = root.findall(".//g:node", ns)
        edges = root.findall(".//g:edge", ns)
        assert {n.get("id") for n in nodes} == set(members)
        assert len(edges) == n_edges
    gexf = ET.parse(tmp_path / "net.gexf").getroot()
    labels = {n.get("label") for n in gexf.iter("{http://gexf.net/1.3}node")}
    assert "h0<script>window.__pwned='script'</script>" in labels


def test_no_network_no_graph_file(ws, tmp_path):
    ws.add_records([post(1, "a")])
    assert export_graph(ws, str(tmp_path / "n.gexf")) is None
    assert not (tmp_path / "n.gexf").exists()
