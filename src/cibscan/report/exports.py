"""Exports next to the report: every findings table as CSV and Parquet, the coordination
network as GEXF and GraphML for Gephi.

Parquet keeps the tables exactly (list columns as lists, times as timestamps). CSV is for
spreadsheets, so two changes protect whoever opens it: list and JSON columns become JSON text,
and a text cell that starts with ``= + - @`` or a tab/carriage return gets a leading ``'`` so a
spreadsheet shows it instead of running it as a formula (OWASP "CSV injection"). XML exports
drop the characters XML 1.0 cannot hold (control characters); everything else is escaped.
"""

from __future__ import annotations

import json
import os
import re
from xml.sax.saxutils import escape, quoteattr

import ibis
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..schema import TABLES

__all__ = ["exportable_tables", "export_tables", "export_graph", "csv_safe_table", "GRAPH_FORMATS"]

GRAPH_FORMATS = ("gexf", "graphml")
#: Derived tables that are rebuilt from the canonical ones and can be huge: not exported.
NOT_EXPORTED = ("traces",)
_FORMULA_START = r"^[=+\-@\t\r]"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def exportable_tables(ws) -> list[str]:
    """The tables detectors and the ranking stored (everything but the canonical tables and
    rebuildable traces), in name order."""
    return sorted(t for t in ws.list_tables() if t not in TABLES and t not in NOT_EXPORTED and not t.startswith("_"))


def csv_safe_table(table: pa.Table) -> pa.Table:
    """``table`` ready for CSV: nested columns as JSON text, formula-like text cells quoted."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type) or pa.types.is_struct(col.type) or pa.types.is_map(col.type):
            col = pa.chunked_array([pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in col.to_pylist()], pa.string())])
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            risky = pc.fill_null(pc.match_substring_regex(col, _FORMULA_START), False)
            col = pc.if_else(risky, pc.binary_join_element_wise(pa.scalar("'"), col, ""), col)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def export_tables(ws, folder: str, *, formats: tuple[str, ...] = ("csv", "parquet"), tables: list[str] | None = None) -> list[str]:
    """Write each table (default: ``exportable_tables``) to ``folder/<table>.<format>``;
    returns the paths written."""
    os.makedirs(folder, exist_ok=True)
    written = []
    for name in tables if tables is not None else exportable_tables(ws):
        data = ws.to_arrow(name)
        if "parquet" in formats:
            path = os.path.join(folder, f"{name}.parquet")
            pq.write_table(data, path)
            written.append(path)
        if "csv" in formats:
            path = os.path.join(folder, f"{name}.csv")
            pacsv.write_csv(csv_safe_table(data), path)
            written.append(path)
    return written


def _xml_text(value) -> str:
    return _XML_INVALID.sub("\ufffd", "" if value is None else str(value))


def _graph_rows(ws) -> tuple[list[dict], list[dict]] | None:
    """Nodes (members and edge ends, with handle and cluster) and edges of the coordination
    network; ``None`` when the workspace has no coordination edges."""
    if not ws.has_table("coordination_edges"):
        return None
    e = ws.table("coordination_edges")
    kinds = set(e.select("kind").distinct().to_pyarrow().column(0).to_pylist())
    if "combined" in kinds:
        e = e.filter(e.kind == "combined")
    e = e.group_by(["account_a", "account_b"]).aggregate(
        weight=e.weight.sum(), n_shared=e.n_shared.sum(), kinds=e.kind.collect(distinct=True, order_by=e.kind),
        min_gap_s=e.min_gap_s.min(),
    ).order_by(["account_a", "account_b"])
    edges = e.to_pyarrow().to_pylist()
    ends = ibis.memtable({"account_id": sorted({r["account_a"] for r in edges} | {r["account_b"] for r in edges}) or [""]})
    nodes = ends
    if ws.has_table("coordination_members"):
        m = ws.table("coordination_members")
        m = m.group_by("account_id").aggregate(cluster_id=m.cluster_id.min(), degree=m.degree.max(), strength=m.strength.max())
        nodes = nodes.select("account_id").union(m.select("account_id")).distinct().left_join(m, "account_id").select(
            "account_id", "cluster_id", "degree", "strength")
    acc = ws.table("accounts")
    handles = acc.group_by("account_id").aggregate(handle=acc.handle.max(), display_name=acc.display_name.max())
    nodes = nodes.left_join(handles, "account_id").drop("account_id_right").order_by("account_id")
    rows = [r for r in nodes.to_pyarrow().to_pylist() if r["account_id"]]
    return rows, edges


_NODE_ATTRS = (("handle", "string"), ("display_name", "string"), ("cluster_id", "string"), ("degree", "long"), ("strength", "double"))
_EDGE_ATTRS = (("kinds", "string"), ("n_shared", "long"), ("min_gap_s", "double"))


def _attr_value(v) -> str:
    if isinstance(v, list):
        v = ",".join(map(str, v))
    return _xml_text(v)


def _write_gexf(f, nodes: list[dict], edges: list[dict]) -> None:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n')
    f.write('<meta><creator>cibscan</creator><description>coordination network</description></meta>\n')
    f.write('<graph defaultedgetype="undirected" mode="static">\n<attributes class="node">\n')
    for i, (name, typ) in enumerate(_NODE_ATTRS):
        f.write(f'<attribute id="n{i}" title="{name}" type="{typ}"/>\n')
    f.write('</attributes>\n<attributes class="edge">\n')
    for i, (name, typ) in enumerate(_EDGE_ATTRS):
        f.write(f'<attribute id="e{i}" title="{name}" type="{typ}"/>\n')
    f.write('</attributes>\n<nodes>\n')
    for n in nodes:
        label = n.get("handle") or n["account_id"]
        vals = "".join(f'<attvalue for="n{i}" value={quoteattr(_attr_value(n.get(a)))}/>' for i, (a, _) in enumerate(_NODE_ATTRS) if n.get(a) is not None)
        f.write(f'<node id={quoteattr(_xml_text(n["account_id"]))} label={quoteattr(_xml_text(label))}><attvalues>{vals}</attvalues></node>\n')
    f.write('</nodes>\n<edges>\n')
    for i, e in enumerate(edges):
        vals = "".join(f'<attvalue for="e{j}" value={quoteattr(_attr_value(e.get(a)))}/>' for j, (a, _) in enumerate(_EDGE_ATTRS) if e.get(a) is not None)
        f.write(f'<edge id="{i}" source={quoteattr(_xml_text(e["account_a"]))} target={quoteattr(_xml_text(e["account_b"]))} '
                f'weight="{float(e["weight"] or 0.0)!r}"><attvalues>{vals}</attvalues></edge>\n')
    f.write('</edges>\n</graph>\n</gexf>\n')


def _write_graphml(f, nodes: list[dict], edges: list[dict]) -> None:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    types = {"string": "string", "long": "long", "double": "double"}
    for name, typ in _NODE_ATTRS:
        f.write(f'<key id="{name}" for="node" attr.name="{name}" attr.type="{types[typ]}"/>\n')
    for name, typ in _EDGE_ATTRS + (("weight", "double"),):
        f.write(f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{types[typ]}"/>\n')
    f.write('<graph id="coordination" edgedefault="undirected">\n')
    for n in nodes:
        vals = "".join(f'<data key="{a}">{escape(_attr_value(n.get(a)))}</data>' for a, _ in _NODE_ATTRS if n.get(a) is not None)
        f.write(f'<node id={quoteattr(_xml_text(n["account_id"]))}>{vals}</node>\n')
    for e in edges:
        vals = "".join(f'<data key="e_{a}">{escape(_attr_value(e.get(a)))}</data>' for a, _ in _EDGE_ATTRS + (("weight", ""),) if e.get(a) is not None)
        f.write(f'<edge source={quoteattr(_xml_text(e["account_a"]))} target={quoteattr(_xml_text(e["account_b"]))}>{vals}</edge>\n')
    f.write('</graph>\n</graphml>\n')


def export_graph(ws, path: str, format: str | None = None) -> str | None:
    """Write the coordination network (accounts with handle and cluster; edges with weight,
    shared targets and trace kinds) as GEXF or GraphML; the format comes from ``format`` or
    the file extension. Returns the path, or ``None`` when there is no network to write."""
    fmt = (format or os.path.splitext(path)[1].lstrip(".")).lower()
    if fmt not in GRAPH_FORMATS:
        from ..errors import ParameterError

        raise ParameterError(f"graph format {fmt!r} is not one of {', '.join(GRAPH_FORMATS)}")
    graph = _graph_rows(ws)
    if graph is None:
        return None
    nodes, edges = graph
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        (_write_gexf if fmt == "gexf" else _write_graphml)(f, nodes, edges)
    return path
