"""The evidence report: one self-contained HTML file, plus exports and data frames.

>>> from cibscan.report import build_report, ranked_accounts      # doctest: +SKIP
>>> build_report(ws, "report.html")                               # doctest: +SKIP
>>> ranked_accounts(ws).head()                                    # doctest: +SKIP

See ``docs/report.md`` for what the report shows and its security model.
"""

from .build import ReportSummary, build_report
from .data import ReportLimits, collect_report_data, ranked_accounts
from ..export import export_graph, export_tables, exportable_tables  # re-exported: the report writes them too
from .render import render_html, safe_json

__all__ = [
    "ReportLimits",
    "ReportSummary",
    "build_report",
    "collect_report_data",
    "export_graph",
    "export_tables",
    "exportable_tables",
    "ranked_accounts",
    "render_html",
    "safe_json",
]
