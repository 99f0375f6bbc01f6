"""The coordination network as GEXF 1.3 and GraphML, for Gephi and other graph tools.

Nodes are the accounts with at least one calibrated edge, with ``handle``, ``display_name``,
``cluster_id``, ``cluster_score``, ``confidence``, ``degree`` and ``strength`` (within their
cluster) and, when the ranking was run, the account's ``score``. Edges are the combined
account pairs with ``weight`` (summed TF-IDF cosine), ``kinds``, the counts (``n_shared``,
``n_occasions``, ``n_coactions``), gaps (``min_gap_s``, ``median_gap_s``), the test
(``p_value``, ``excess``) and one ``weight_<kind>`` per trace kind present.
"""

from __future__ import annotations

import os
import re
from xml.sax.saxutils import escape, quoteattr

from ..errors import ParameterError, WorkspaceError

__all__ = ["GRAPH_FORMATS", "graph_rows", "export_graph"]

GRAPH_FORMATS = ("gexf", "graphml")
#: characters XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/FFFF)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_NODE_ATTRS = (("handle", "string"), ("display_name", "string"), ("cluster_id", "string"), ("cluster_score", "double"),
               ("confidence", "string"), ("degree", "long"), ("strength", "double"), ("score", "double"))
_EDGE_ATTRS = (("kinds", "string"), ("n_shared", "long"), ("n_occasions", "long"), ("n_coactions", "long"),
               ("min_gap_s", "double"), ("median_gap_s", "double"), ("p_value", "double"), ("excess", "double"),
               ("cluster_id", "string"))


def _text(value) -> str:
    if isinstance(value, (list, tuple)):
        value = ",".join(map(str, value))
    return _XML_INVALID.sub("\ufffd", "" if value is None else str(value))


def graph_rows(ws) -> tuple[list[dict], list[dict], list[str]] | None:
    """``(nodes, edges, kinds)`` of the stored coordination network, or ``None`` when the
    workspace has no coordination edges (``cibscan scan`` not run, or nothing found)."""
    if not ws.has_table("coordination_edges"):
        return None
    e = ws.table("coordination_edges")
    per_kind = e.filter(e.kind != "combined")
    kinds = sorted(per_kind.select("kind").distinct().to_pyarrow().column(0).to_pylist())
    comb = e.filter(e.kind == "combined").to_pyarrow().to_pylist()
    if not comb:
        return None
    w = {(r["account_a"], r["account_b"], r["kind"]): r["weight"]
         for r in per_kind.select("account_a", "account_b", "kind", "weight").to_pyarrow().to_pylist()}
    for r in comb:
        for k in kinds:
            r[f"weight_{k}"] = w.get((r["account_a"], r["account_b"], k))
    ids = sorted({r["account_a"] for r in comb} | {r["account_b"] for r in comb})
    nodes = {a: {"account_id": a} for a in ids}
    if ws.has_table("coordination_members"):
        m = ws.table("coordination_members").to_pyarrow().to_pylist()
        for r in m:
            nodes.setdefault(r["account_id"], {"account_id": r["account_id"]}).update(
                cluster_id=r["cluster_id"], degree=r["degree"], strength=r["strength"])
    if ws.has_table("coordination_clusters"):
        c = {r["cluster_id"]: r for r in ws.table("coordination_clusters").select("cluster_id", "score", "confidence").to_pyarrow().to_pylist()}
        for n in nodes.values():
            if n.get("cluster_id") in c:
                n["cluster_score"] = c[n["cluster_id"]]["score"]
                n["confidence"] = c[n["cluster_id"]]["confidence"]
    acc = ws.table("accounts")
    acc = acc.filter(acc.account_id.isin(list(nodes))).group_by("account_id").aggregate(
        handle=acc.handle.max(), display_name=acc.display_name.max())
    for r in acc.to_pyarrow().to_pylist():
        nodes[r["account_id"]].update(handle=r["handle"], display_name=r["display_name"])
    if ws.has_table("accounts_ranked"):
        ranked = ws.table("accounts_ranked")
        if "score" in ranked.columns:
            ranked = ranked.filter(ranked.account_id.isin(list(nodes))).select("account_id", "score")
            for r in ranked.to_pyarrow().to_pylist():
                nodes[r["account_id"]]["score"] = r["score"]
    return [nodes[k] for k in sorted(nodes)], comb, kinds


def _write_gexf(f, nodes: list[dict], edges: list[dict], kinds: list[str]) -> None:
    edge_attrs = _EDGE_ATTRS + tuple((f"weight_{k}", "double") for k in kinds)
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://gexf.net/1.3" version="1.3">\n')
    f.write("<meta><creator>cibscan</creator><description>coordination network</description></meta>\n")
    f.write('<graph defaultedgetype="undirected" mode="static">\n<attributes class="node">\n')
    for i, (name, typ) in enumerate(_NODE_ATTRS):
        f.write(f'<attribute id="n{i}" title="{name}" type="{typ}"/>\n')
    f.write('</attributes>\n<attributes class="edge">\n')
    for i, (name, typ) in enumerate(edge_attrs):
        f.write(f'<attribute id="e{i}" title="{name}" type="{typ}"/>\n')
    f.write("</attributes>\n<nodes>\n")
    for n in nodes:
        vals = "".join(f'<attvalue for="n{i}" value={quoteattr(_text(n.get(a)))}/>'
                       for i, (a, _) in enumerate(_NODE_ATTRS) if n.get(a) is not None)
        label = n.get("handle") or n["account_id"]
        f.write(f'<node id={quoteattr(_text(n["account_id"]))} label={quoteattr(_text(label))}><attvalues>{vals}</attvalues></node>\n')
    f.write("</nodes>\n<edges>\n")
    for i, e in enumerate(edges):
        vals = "".join(f'<attvalue for="e{j}" value={quoteattr(_text(e.get(a)))}/>'
                       for j, (a, _) in enumerate(edge_attrs) if e.get(a) is not None)
        f.write(f'<edge id="{i}" source={quoteattr(_text(e["account_a"]))} target={quoteattr(_text(e["account_b"]))} '
                f'weight="{float(e.get("weight") or 0.0)!r}"><attvalues>{vals}</attvalues></edge>\n')
    f.write("</edges>\n</graph>\n</gexf>\n")


def _write_graphml(f, nodes: list[dict], edges: list[dict], kinds: list[str]) -> None:
    edge_attrs = (("weight", "double"),) + _EDGE_ATTRS + tuple((f"weight_{k}", "double") for k in kinds)
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    for name, typ in _NODE_ATTRS:
        f.write(f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="{typ}"/>\n')
    for name, typ in edge_attrs:
        f.write(f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{typ}"/>\n')
    f.write('<graph id="coordination" edgedefault="undirected">\n')
    for n in nodes:
        vals = "".join(f'<data key="n_{a}">{escape(_text(n.get(a)))}</data>' for a, _ in _NODE_ATTRS if n.get(a) is not None)
        f.write(f'<node id={quoteattr(_text(n["account_id"]))}>{vals}</node>\n')
    for e in edges:
        vals = "".join(f'<data key="e_{a}">{escape(_text(e.get(a)))}</data>' for a, _ in edge_attrs if e.get(a) is not None)
        f.write(f'<edge source={quoteattr(_text(e["account_a"]))} target={quoteattr(_text(e["account_b"]))}>{vals}</edge>\n')
    f.write("</graph>\n</graphml>\n")


def export_graph(ws, path: str, format: str | None = None) -> str | None:
    """Write the coordination network as GEXF or GraphML (``format``, or from the file's
    extension). Returns the path, or ``None`` when there is no network to write."""
    fmt = (format or os.path.splitext(path)[1].lstrip(".")).lower()
    if fmt not in GRAPH_FORMATS:
        raise ParameterError(f"{path}: graph format {fmt or '(none)'!r} is not one of {', '.join(GRAPH_FORMATS)}; name the file .gexf or .graphml")
    graph = graph_rows(ws)
    if graph is None:
        return None
    nodes, edges, kinds = graph
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            (_write_gexf if fmt == "gexf" else _write_graphml)(f, nodes, edges, kinds)
    except OSError as e:
        raise WorkspaceError(f"cannot write {path}: {e.strerror}") from e
    return path
