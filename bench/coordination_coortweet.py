"""CooRTweet equality on CooRTweet's own example data: rows and pairs, ours against the R code.

``cibscan.coordination.coortweet.detect_groups`` (CooRTweet's definition on cibscan's bucketed
join) against ``reference_detect_groups`` (a line-by-line pandas transcription of CooRTweet's
``R/detect_groups.R`` and ``R/calc_group_combinations.R``, in
``tests/coordination/test_coortweet.py``), on the Russian example at CooRTweet's defaults
(``time_window = 10``, ``min_participation = 2``) and at 60 s / 3, and on the German-election
example's URLs. Prints, per case, the input rows, the result rows and distinct account pairs of
each, whether rows and pairs are identical, and each side's wall time.

Run: ``.venv/bin/python bench/coordination_coortweet.py [--data ../shared/data]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import ibis
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from tests.coordination.test_coortweet import pairs, reference_detect_groups, rows  # noqa: E402

from cibscan.coordination.coortweet import detect_groups  # noqa: E402

DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")


def cases(data: str):
    """(name, input frame, time_window, min_participation) for each compared setting."""
    ru = pd.read_csv(os.path.join(data, "coortweet_russian_coord_tweets.csv.gz"), dtype=str)
    ru["timestamp_share"] = ru["timestamp_share"].astype(float).astype("int64")
    yield "russian example, defaults", ru, 10, 2
    yield "russian example, 60 s / 3", ru, 60, 3
    g = pd.read_csv(os.path.join(data, "coortweet_german_elections.csv.gz"), dtype=str)
    g = g[g["url_id"].notna() & g["post_id"].notna()]
    de = pd.DataFrame({"object_id": g["url_id"], "account_id": g["account_id"], "content_id": g["post_id"],
                       "timestamp_share": g["timestamp"].astype(float).astype("int64")})
    yield "german election URLs, defaults", de, 10, 2


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    args = ap.parse_args(argv)
    if not os.path.exists(os.path.join(args.data, "coortweet_russian_coord_tweets.csv.gz")):
        print(f"CooRTweet example data not found in {args.data}; pass --data", file=sys.stderr)
        return 2
    print(f"{'case':<32} {'input':>8} {'R rows':>7} {'R pairs':>7} {'our rows':>8} {'our pairs':>9} {'equal':>5} {'R (pandas) s':>12} {'ours s':>7}")
    for name, x, window, minp in cases(args.data):
        t0 = time.perf_counter()
        ref = reference_detect_groups(x, window, minp)
        t1 = time.perf_counter()
        got = detect_groups(ibis.memtable(x), window, minp).to_pandas()
        t2 = time.perf_counter()
        equal = pairs(ref) == pairs(got) and rows(ref) == rows(got)
        print(f"{name:<32} {len(x):>8,} {len(ref):>7,} {len(pairs(ref)):>7,} {len(got):>8,} {len(pairs(got)):>9,} "
              f"{'yes' if equal else 'NO':>5} {t1 - t0:>12.2f} {t2 - t1:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
