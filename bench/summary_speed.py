"""Summary + findings tables on 10k, 30k and 100k-word essays: seconds, peak memory, growth ratio.

Run: .venv/bin/python bench/summary_speed.py
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policybrief.analysis import analyse  # noqa: E402
from policybrief.analysis.findings import tables  # noqa: E402
from policybrief.analysis.scoring import score  # noqa: E402
from policybrief.analysis.summarize import summarize  # noqa: E402
from policybrief.readers.assemble import assemble  # noqa: E402
from policybrief.readers.text import parse_text  # noqa: E402

SEED = (ROOT / "seeds" / "china-russia-partnership.txt").read_text(encoding="utf-8")


def essay(words: int) -> str:
    parts, n, i = [], 0, 0
    while n < words:
        parts.append(re.sub(r"(?m)^(Trade and Investment Links|Diplomatic Divergences)$", rf"\1 {i}", SEED))
        n += len(SEED.split())
        i += 1
    return "\n\n".join(parts)


def run(text: str) -> tuple[float, float]:
    doc = assemble(parse_text(text), "bench.txt", "text")
    times = []
    for _ in range(3):
        t = time.perf_counter()
        a = analyse(doc)
        summarize(a, score(a, {"energy": 2, "military": 1}), max_words=300)
        tables(a)
        times.append(time.perf_counter() - t)
    tracemalloc.start()
    a = analyse(doc)
    summarize(a, max_words=300)
    tables(a)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak


if __name__ == "__main__":
    prev = None
    print(f"{'words':>8} {'seconds':>8} {'peak MB':>8} {'s per 10k words':>16}")
    for words in (10_000, 30_000, 100_000):
        secs, peak = run(essay(words))
        print(f"{words:>8} {secs:8.3f} {peak:8.1f} {secs / words * 10_000:16.3f}")
    print("(analysis + summary + tables, median of 3; document already read)")
