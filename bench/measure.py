"""Wall time and peak memory of a command, sampled over its whole process tree.

``/usr/bin/time -v`` reports only the process it started; tools that fork workers (or a JVM)
escape it. This samples the resident memory of the process and all its descendants from
``/proc`` every ``interval`` seconds and reports the peak of their sum (Linux only).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass

__all__ = ["Measurement", "run_measured", "tree_rss"]


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (0 when it is gone)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
        todo += _children(p)
    return total


def run_measured(cmd: list[str], *, timeout: float | None = None, interval: float = 0.1, env: dict | None = None,
                 cwd: str | None = None) -> Measurement:
    """Run ``cmd``; return its wall time, peak process-tree RSS, exit code and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = 0
    import threading

    out: dict[str, str] = {}

    def drain(name, stream):
        out[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s), daemon=True) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        if timeout is not None and time.perf_counter() - t0 > timeout:
            proc.kill()
            break
        time.sleep(interval)
    proc.wait()
    for t in threads:
        t.join()
    return Measurement(time.perf_counter() - t0, peak / 2**20, proc.returncode, out.get("out", ""), out.get("err", ""))
