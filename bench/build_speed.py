"""`policybrief build` of the sample for all 5 audiences in both formats, against ten pandoc md-to-docx runs of the
same essay (the standing target: no slower), and `policybrief --help` (target: under 0.3 s). Whole processes,
alternated so that both see the same machine load; medians.

Run: .venv/bin/python bench/build_speed.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = [sys.executable, "-m", "policybrief"]
SEED = ROOT / "seeds" / "china-russia-partnership.txt"


def once(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - t


def main(n: int = 5) -> None:
    pandoc = shutil.which("pandoc")
    builds, pandocs, helps = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "essay.md"
        md.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
        for _ in range(n):
            builds.append(once(EXE + ["build", str(SEED), "--all", "--format", "docx,pdf", "--out", tmp]))
            if pandoc:
                pandocs.append(sum(once([pandoc, str(md), "-f", "markdown", "-t", "docx", "-o", str(Path(tmp) / "p.docx")])
                                   for _ in range(10)))
            helps.append(once(EXE + ["--help"]))
    b = statistics.median(builds)
    print(f"build (5 audiences x docx,pdf):  {b:.3f} s wall (median of {n})")
    if pandocs:
        p = statistics.median(pandocs)
        print(f"10 x pandoc md -> docx:          {p:.3f} s wall (median of {n}); build / pandoc x10 = {b / p:.2f}")
    else:
        print("10 x pandoc md -> docx:          (pandoc not installed; apt-get install pandoc to compare)")
    print(f"--help:                          {statistics.median(helps):.3f} s wall (median of {n})")


if __name__ == "__main__":
    main()
