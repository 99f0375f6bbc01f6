"""CPU seconds of ingest's per-record work alone: reading, parsing and staging a file into
Parquet parts (``cibscan.ingest.run.stage_units``), without starting Python, importing Ibis,
opening a workspace or committing. Process CPU time, best of the repeats, so a machine shared
with other jobs changes it little (wall time there varies several-fold with the load).

    python bench/ingest_stage.py FILE [FILE ...]              # the code of this checkout
    python bench/ingest_stage.py --x-io 100000                # plus a synthetic X IO tweets file
    PYTHONPATH=/path/to/other/checkout/src python bench/ingest_stage.py FILE   # another version

Run it twice, back to back, with and without ``PYTHONPATH`` to compare two versions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path


def stage_cpu(path: str, repeats: int) -> dict:
    """Format, units read and CPU seconds (best and all) of staging ``path``."""
    from cibscan.ingest import Sample, detect_adapter
    from cibscan.ingest.run import stage_units
    from cibscan.ingest.staging import StagingWriter

    adapter = detect_adapter(Sample.of(path))
    runs = []
    for _ in range(repeats):
        folder = tempfile.mkdtemp()
        try:
            writer = StagingWriter(folder, 1, path, adapter.platform)
            t = time.process_time()
            n = stage_units(adapter(), path, writer)
            writer.close()
            runs.append(time.process_time() - t)
        finally:
            shutil.rmtree(folder)
    return {"file": Path(path).name, "format": adapter.name, "units": n, "cpu_seconds": round(min(runs), 2),
            "runs": [round(r, 2) for r in runs]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--x-io", type=int, default=0, help="also stage a synthetic X IO tweets file of this many rows")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    files = list(args.files)
    with tempfile.TemporaryDirectory() as d:
        if args.x_io:
            sys.path.insert(0, str(Path(__file__).parent))
            from ingest import write_x_io_tweets

            p = Path(d) / "x_io_tweets.csv"
            write_x_io_tweets(p, args.x_io)
            files.append(str(p))
        import cibscan

        for f in files:
            print(json.dumps({**stage_cpu(f, args.repeats), "cibscan": str(Path(cibscan.__file__).parents[1])}), flush=True)


if __name__ == "__main__":
    main()
