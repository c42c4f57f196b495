"""Run a command and report its own wall time and peak RSS: ``python bench/measure_process.py COMMAND [ARG...]``.

The command's output passes through unchanged; after it exits this prints one line
``BENCH-PROCESS:: {"exit_code": ..., "wall_seconds": ..., "peak_rss_mb": ...}`` and exits 0.

Why a separate small process: on Linux a child's ``ru_maxrss`` is at least the resident size of the
process that spawned it (the high-water mark survives ``exec``), so a benchmark parent holding a
million bars would inflate every child's peak. This process imports only the standard library, so
the peak it reports (``os.wait4`` on its only child, MiB) is the command's own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

RESULT_PREFIX = "BENCH-PROCESS:: "


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    started = time.perf_counter()
    process = subprocess.Popen(argv)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    report = {"exit_code": process.returncode, "wall_seconds": wall, "peak_rss_mb": usage.ru_maxrss / 1024}
    print(RESULT_PREFIX + json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
