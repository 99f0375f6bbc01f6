"""Ingest: one module per source format, each turning raw records into canonical tables.

``ingest_paths(ws, paths)`` reads files (format sniffed, or forced with ``format=``) into a
workspace; see ``cibscan.ingest.base`` for the adapter shape and ``registry`` for the list.
"""

from .base import Account, Adapter, Part, Post, RecordError, Reject, Sample, make_part
from .registry import ADAPTERS, adapter_names, detect_adapter, get_adapter
from .run import FileReport, IngestReport, ingest_file, ingest_paths, ingest_records

__all__ = [
    "ADAPTERS",
    "Account",
    "Adapter",
    "Part",
    "Reject",
    "make_part",
    "FileReport",
    "IngestReport",
    "Post",
    "RecordError",
    "Sample",
    "adapter_names",
    "detect_adapter",
    "get_adapter",
    "ingest_file",
    "ingest_paths",
    "ingest_records",
]
