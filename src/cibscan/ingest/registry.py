"""Which adapters exist, and which one reads a given file.

Adapters are tried in ``ADAPTERS`` order (specific formats before generic ones); the first whose
``sniff`` accepts the file's start reads it. ``--format NAME`` skips sniffing.
"""

from __future__ import annotations

from ..errors import UnknownFormatError
from .base import Adapter, Sample
from .x_io import XIOTweets, XIOUsers
from .x_v2 import XV2
from .x_v1 import XV1
from .bluesky import Bluesky
from .telegram import Telegram
from .ira538 import IRA538Authors, IRA538Tweets
from .table import CooRTweetMultimodal, CooRTweetShares, TableAdapter

__all__ = ["ADAPTERS", "adapter_names", "get_adapter", "detect_adapter"]

ADAPTERS: list[type[Adapter]] = [
    XIOTweets,
    XIOUsers,
    # JSON exports (sniffed by the keys of the first JSON value / the document start)
    XV2,
    XV1,
    Bluesky,
    Telegram,
    IRA538Tweets,
    IRA538Authors,
    CooRTweetShares,
    CooRTweetMultimodal,
    TableAdapter,  # generic: only when a column mapping is given; keep last
]


def adapter_names() -> list[str]:
    return [a.name for a in ADAPTERS]


def get_adapter(name: str) -> type[Adapter]:
    for a in ADAPTERS:
        if a.name == name:
            return a
    raise UnknownFormatError(f"unknown format {name!r}; known formats: {', '.join(adapter_names())} (see `cibscan formats`)")


def detect_adapter(sample: Sample) -> type[Adapter]:
    """The adapter for the sampled file, or ``UnknownFormatError`` saying what was seen."""
    for a in ADAPTERS:
        try:
            if a.sniff(sample):
                return a
        except Exception:  # a sniffer must never crash detection of the others
            continue
    raise UnknownFormatError(
        f"{sample.path}: not a format cibscan recognises ({_describe(sample)}); "
        f"force one with --format ({', '.join(adapter_names())}) or map a table's columns with --map"
    )


def _describe(sample: Sample) -> str:
    if not sample.head:
        return "the file is empty"
    if sample.is_parquet:
        return f"Parquet with columns {sorted(sample.columns)[:8]}"
    if sample.csv_header:
        return f"CSV with columns {sample.csv_header[:8]}"
    if isinstance(sample.first_json, dict):
        return f"JSON with keys {sorted(sample.first_json)[:8]}"
    if b"\x00" in sample.head[:1024]:
        return "binary data"
    return "text that is neither CSV with a header nor JSON"
