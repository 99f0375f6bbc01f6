"""Benchmark: lookalike handles at scale, and image hashing throughput.

1. ``handles``: N candidate handles (real-style, with planted dnstwist-style lookalikes)
   against a W-handle watchlist through ``cibscan.lookalike.match_handles`` (handle keys with
   ``handle_keys_many``, symmetric-deletion join of hashed variants in NumPy, OSA verification
   with rapidfuzz). Reports wall and CPU time per stage (medians of ``--repeat`` runs; CPU
   time counts every thread of the process, and is what to compare when other jobs share the
   machine: the load average is printed too), recall of the planted lookalikes per class, and
   the peak RSS of the process. Peer: a brute-force rapidfuzz ``cdist`` on a sample,
   extrapolated (the N x M scan this replaces).
2. ``images``: images hashed per second (PDQ with dihedral variants + pHash) on generated
   photo-like pictures, and binary-index lookups per second on 1M PDQ hashes.

Usage::

    python bench/impersonation.py                 # 1M candidates vs 100k watchlist, 500 images
    python bench/impersonation.py --candidates 100000 --watchlist 10000 --images 100
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))

from lookalike.permutations import HANDLE_CLASSES, diverse_handles, permute  # noqa: E402

from cibscan.lookalike import handle_keys, handle_keys_many, match_handles  # noqa: E402


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_handles(n_cand: int, n_watch: int, repeat: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    pool = diverse_handles(n_cand + n_watch, seed=seed)
    watch, cand = pool[:n_watch], pool[n_watch:]
    # plant one lookalike of 1% of the watchlist among the candidates
    planted = {}
    for i in rng.sample(range(n_watch), n_watch // 100):
        cls = HANDLE_CLASSES[i % len(HANDLE_CLASSES)]
        p = permute(watch[i], cls, rng)
        if p and len(handle_keys(watch[i])[0]) >= 5:
            planted[len(cand)] = i
            cand.append(p)
    times: dict[str, list[float]] = {"keys_s": [], "keys_cpu_s": [], "join_verify_s": [], "join_verify_cpu_s": []}
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        wk = handle_keys_many(watch)
        ck = handle_keys_many(cand)
        t1, c1 = time.perf_counter(), time.process_time()
        pairs = match_handles(wk, ck)
        t2, c2 = time.perf_counter(), time.process_time()
        times["keys_s"].append(t1 - t0)
        times["keys_cpu_s"].append(c1 - c0)
        times["join_verify_s"].append(t2 - t1)
        times["join_verify_cpu_s"].append(c2 - c1)
        from cibscan.lookalike.confusables import handle_key, plain_key
        handle_key.cache_clear()
        plain_key.cache_clear()
    found = {(o, c) for o, c, _ in pairs}
    recall = sum((o, c) in found for c, o in planted.items()) / max(len(planted), 1)
    per_class: dict[str, list[bool]] = {}
    for c, o in planted.items():
        per_class.setdefault(HANDLE_CLASSES[o % len(HANDLE_CLASSES)], []).append((o, c) in found)
    # peer: brute-force N x M distance matrix on a sample, extrapolated
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import cdist

    sample_c, sample_w = [k[0] for k in ck[:2000]], [k[0] for k in wk[:2000]]
    t0, c0 = time.perf_counter(), time.process_time()
    cdist(sample_c, sample_w, scorer=OSA.distance, score_cutoff=2, workers=-1)
    scale = (len(cand) / len(sample_c)) * (len(watch) / len(sample_w))
    brute, brute_cpu = (time.perf_counter() - t0) * scale, (time.process_time() - c0) * scale
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"candidates": len(cand), "watchlist": len(watch), **med, "total_s": med["keys_s"] + med["join_verify_s"],
            "total_cpu_s": med["keys_cpu_s"] + med["join_verify_cpu_s"], "pairs": len(pairs), "planted": len(planted),
            "recall": recall, "recall_per_class": {k: round(sum(v) / len(v), 3) for k, v in sorted(per_class.items())},
            "brute_force_extrapolated_s": brute, "brute_force_extrapolated_cpu_s": brute_cpu, "peak_rss_mib": _rss_mib()}


def bench_images(n: int, n_index: int) -> dict:
    from images.pictures import make_image

    from cibscan.images import BinaryHashIndex, hash_pil_image

    pics = [make_image(s, (400, 400)) for s in range(n)]
    t0 = time.perf_counter()
    hashes = [hash_pil_image(p) for p in pics]
    per_s = n / (time.perf_counter() - t0)
    import numpy as np

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 256, (n_index, 32), dtype=np.uint8)
    idx = BinaryHashIndex(256, 31)
    idx.add(list(range(n_index)), [bytes(c).hex() for c in codes])
    queries = [h["pdq"] for h in hashes] * max(1, 1000 // n)
    t0 = time.perf_counter()
    idx.search_many(queries[:1000])
    build_and_search = time.perf_counter() - t0
    t0 = time.perf_counter()
    idx.search_many(queries[:1000])
    lookups = min(1000, len(queries)) / (time.perf_counter() - t0)
    return {"images": n, "images_per_s": per_s, "index_size": n_index, "index_build_plus_1000_lookups_s": build_and_search,
            "lookups_per_s": lookups, "faiss": idx.uses_faiss}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--candidates", type=int, default=1_000_000)
    ap.add_argument("--watchlist", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--images", type=int, default=500)
    ap.add_argument("--index", type=int, default=1_000_000)
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.1f}")
    h = bench_handles(a.candidates, a.watchlist, a.repeat)
    print(f"load average after the handles: {os.getloadavg()[0]:.1f}")
    print("handles:", {k: round(v, 3) if isinstance(v, float) else v for k, v in h.items()})
    im = bench_images(a.images, a.index)
    print("images:", {k: round(v, 3) if isinstance(v, float) else v for k, v in im.items()})


if __name__ == "__main__":
    main()
