"""Crash safety: an ingest killed with SIGKILL leaves the workspace as it was (or complete), and
a rerun finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import cibscan

from .test_x_io import HEADER, _row

N_ROWS = 60_000

CHILD = textwrap.dedent(
    """
    import sys, cibscan
    ws_path, path, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    def progress(p, n):
        print("READ" if n < total else "COMMIT", n, flush=True)
    with cibscan.open_workspace(ws_path) as ws:
        ws.ingest([path], progress=progress)
    print("DONE", flush=True)
    """
)


def _snapshot(path: str) -> tuple:
    with cibscan.open_workspace(path, read_only=True) as ws:
        return (
            ws.count("posts"), ws.count("accounts"), ws.count("rejects"), ws.count("sources"),
            hash(frozenset(ws.table("posts").post_id.execute())),
        )


def _kill_when(ws_path: str, big: str, marker: str, delay: float) -> str:
    """Run the ingest in a child process and SIGKILL it ``delay`` s after it prints ``marker``;
    returns the last line it printed."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, ws_path, big, str(N_ROWS)], stdout=subprocess.PIPE, text=True)
    last = ""
    try:
        for line in child.stdout:  # type: ignore[union-attr]
            last = line.strip()
            if last.startswith(marker):
                time.sleep(delay)
                break
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()  # type: ignore[union-attr]
    return last


def _check_before_or_complete(ws_path: str, before: tuple) -> bool:
    after = _snapshot(ws_path)
    complete = after[0] == before[0] + N_ROWS and after[3] == before[3] + 1
    assert after == before or complete, (before, after)
    return complete


@pytest.mark.slow
def test_sigkill_midway_leaves_workspace_before_or_complete(tmp_path):
    ws_path = str(tmp_path / "case.duckdb")
    small = tmp_path / "small.csv"
    small.write_text("\n".join([HEADER, _row("s1", "u0", "already here", "2017-08-01 00:00"), ""]), encoding="utf-8")
    with cibscan.open_workspace(ws_path) as ws:
        ws.ingest([str(small)])
    before = _snapshot(ws_path)

    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for i in range(N_ROWS):
            f.write(_row(str(10_000_000 + i), f"u{i % 997}", f"post number {i} #tag{i % 50}", f"2017-08-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}") + "\n")

    # killed while reading: nothing of the file is in the workspace
    assert _kill_when(ws_path, str(big), "READ", 0.0).startswith("READ")
    assert not _check_before_or_complete(ws_path, before)
    # killed once everything is read, while the commit transaction runs (or just after it)
    assert _kill_when(ws_path, str(big), "COMMIT", 0.2).startswith("COMMIT")
    complete = _check_before_or_complete(ws_path, before)

    with cibscan.open_workspace(ws_path) as ws:
        assert not os.path.exists(ws_path + ".staging"), "a killed run's staging is cleared on open"
        r = ws.ingest([str(big)]).files[0]
        if complete:
            assert r.status == "already ingested"
        else:
            assert (r.status, r.posts, r.rejects) == ("ingested", N_ROWS, 0)
        assert ws.count("posts") == before[0] + N_ROWS
        assert ws.count("sources") == 2
        assert ws.ingest([str(big)]).files[0].status == "already ingested"
