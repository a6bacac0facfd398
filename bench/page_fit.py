"""The page estimate (writers/measure.py) against real PDFs, and how many briefs with a page budget fit it.

For every corpus document of one fold (or both) and every packaged audience: the estimated pages against the pages
of the rendered PDF (how often the estimate's page count is right, too low or too high), and for the audiences with
`budget.pages` the share of briefs that fit their budget.

Run: .venv/bin/python bench/page_fit.py [--fold 0|1] [--limit N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import fold_of  # noqa: E402
from corpus_build import documents  # noqa: E402

from policybrief import pipeline  # noqa: E402
from policybrief.writers import render  # noqa: E402
from policybrief.writers.measure import pages as estimate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fold", type=int, choices=(0, 1), default=None)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--audience", action="append", help="only these audiences (repeatable; default: all packaged)")
    args = ap.parse_args()
    docs = [p for p in documents() if args.fold is None or fold_of(p) == args.fold][: args.limit or None]
    right = low = high = 0
    fits: dict[str, list[bool]] = {}
    kept: dict[str, list[tuple[int, int, int]]] = {}
    t_est = 0.0
    for doc in docs:
        job = pipeline.Job((doc,), tuple(args.audience) if args.audience else None, formats=("pdf",))
        for item in pipeline.run(job, "compose"):
            if item.brief is None or item.style is None or item.profile is None:
                continue
            t0 = time.perf_counter()
            est = estimate(item.brief, item.style)
            t_est += time.perf_counter() - t0
            real = render("pdf", item.brief, item.style).pages or 0
            guess = max(1, math.ceil(est))
            right += guess == real
            low += guess < real
            high += guess > real
            budget = item.profile.profile.budget.pages
            if budget:
                fits.setdefault(item.brief.profile_id, []).append(real <= budget)
                rows = sum(len(t.rows) for t in item.brief.tables)
                kept.setdefault(item.brief.profile_id, []).append((item.brief.body_words, len(item.brief.key_judgments), rows))
    n = right + low + high
    print(f"documents: {len(docs)} (fold {'both' if args.fold is None else args.fold}); briefs: {n}")
    print(f"estimated page count right {right / n:.0%}, too low {low / n:.0%}, too high {high / n:.0%}; "
          f"{1000 * t_est / n:.1f} ms per estimate")
    for pid, ok in sorted(fits.items()):
        body, kjs, rows = (statistics.median(x) for x in zip(*kept[pid], strict=True))
        print(f"{pid}: within its page budget {sum(ok)} of {len(ok)} ({sum(ok) / len(ok):.0%}); median body words "
              f"{body:.0f}, key judgments {kjs:.0f}, table rows {rows:.0f}")


if __name__ == "__main__":
    main()
