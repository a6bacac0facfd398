"""`policybrief build` of the sample for all 5 audiences in both formats, and `policybrief --help`, as whole processes.

Run: .venv/bin/python bench/build_speed.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = [sys.executable, "-m", "policybrief"]


def wall(args: list[str], n: int = 5) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(EXE + args, check=True, capture_output=True, cwd=ROOT)
        out.append(time.perf_counter() - t)
    return statistics.median(out)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        b = wall(["build", "seeds/china-russia-partnership.txt", "--all", "--format", "docx,pdf", "--out", tmp])
    h = wall(["--help"])
    print(f"build (5 audiences x docx,pdf): {b:.3f} s wall (median of 5)")
    print(f"--help:                         {h:.3f} s wall (median of 5)")
