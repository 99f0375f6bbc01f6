"""Ingest: one module per source format, each turning raw records into canonical tables.

``ingest_paths(ws, paths)`` reads files (format sniffed, or forced with ``format=``) into a
workspace; see ``cibscan.ingest.base`` for the adapter shape and ``registry`` for the list.
"""

from .base import Account, Adapter, Post, RecordError, Sample
from .registry import ADAPTERS, adapter_names, detect_adapter, get_adapter
from .run import FileReport, IngestReport, ingest_file, ingest_paths, ingest_records

__all__ = [
    "ADAPTERS",
    "Account",
    "Adapter",
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
