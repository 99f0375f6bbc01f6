"""Exports: every findings table as CSV and Parquet, the coordination network as GEXF and
GraphML (Gephi, Cytoscape, networkx, igraph open both).

Parquet keeps the tables exactly (lists as lists, times as timestamps). CSV is for
spreadsheets, so it protects whoever opens it: list and JSON columns become JSON text, and a
text cell that starts like a formula (``= + - @``, tab, carriage return) gets a leading ``'``
(OWASP "CSV injection"). The XML files escape everything and drop the characters XML 1.0
cannot hold. Every string in them may come from an adversary.
"""

from .graph import GRAPH_FORMATS, export_graph, graph_rows
from .tables import NOT_EXPORTED, TABLE_FORMATS, csv_safe_table, export_tables, exportable_tables

__all__ = [
    "GRAPH_FORMATS",
    "TABLE_FORMATS",
    "NOT_EXPORTED",
    "csv_safe_table",
    "export_graph",
    "export_tables",
    "exportable_tables",
    "graph_rows",
]
