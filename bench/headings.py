"""Heading detection on real reports fed as plain text: precision, recall and F1 per set and overall.

Compares policybrief's detector with the naive rule "a short line without a full stop is a heading".
Run: .venv/bin/python bench/headings.py [-v]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import all_cases, score_headings  # noqa: E402

from policybrief.readers.raw import RawHeading  # noqa: E402
from policybrief.readers.text import parse_text, unmark  # noqa: E402


def detect(text: str) -> list[str]:
    raw = parse_text(text)
    return [unmark(" ".join(el.text.split())) for el in raw.elements if isinstance(el, RawHeading)]


def naive(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip() and len(ln.split()) <= 12 and not ln.rstrip().endswith(".")]


def prf(tp: int, found: int, true: int) -> tuple[float, float, float]:
    p = tp / found if found else 0.0
    r = tp / true if true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    verbose = "-v" in sys.argv
    cases = all_cases()
    totals: dict[str, list[int]] = {}
    for method, fn in (("naive", naive), ("policybrief", detect)):
        for case in cases:
            found = fn(case.text)
            tp, f, t = score_headings(found, case.headings)
            group = case.name.split("/")[0]
            for key in (f"{method}:{group}", f"{method}:ALL"):
                acc = totals.setdefault(key, [0, 0, 0])
                acc[0] += tp
                acc[1] += f
                acc[2] += t
            if verbose and method == "policybrief":
                p, r, f1 = prf(tp, f, t)
                print(f"{case.name:70s} P={p:.2f} R={r:.2f} F1={f1:.2f}")
                norm = {h.strip().lower() for h in case.headings}
                for h in found:
                    if h.strip().lower() not in norm:
                        print("   + false:", h[:90])
                fl = {h.strip().lower() for h in found}
                for h in case.headings:
                    if h.strip().lower() not in fl:
                        print("   - missed:", h[:90])
    print(f"{'method:set':28s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for key, (tp, f, t) in totals.items():
        p, r, f1 = prf(tp, f, t)
        print(f"{key:28s} {p:9.3f} {r:7.3f} {f1:6.3f}")


if __name__ == "__main__":
    main()
