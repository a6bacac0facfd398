"""How a reader would judge the rows the findings tables show, on a random sample of rows from the whole corpus.

Run:  .venv/bin/python bench/findings_audit.py

bench/findings_eval.py scores rows only inside labelled regions; a row elsewhere in a report is not counted there,
though a reader sees it. bench/findings_audit.jsonl holds 120 rows drawn at random (seed 20, 60 per fold) from the
tables of every development-corpus document (none of the blind test set's), each judged by a reader from the
document (verdict ok / wrong_kind / not_a_row; evidence supports / weak / contradicts), without the tool's code.
This script reports those verdicts for the rows the extractor still gives today, by fold: rows it no longer gives
are counted apart (a rule that drops them should drop mostly not-ok rows). Rows it gives now that the sample does
not hold are unjudged: draw and judge a new sample after large changes.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS  # noqa: E402

SAMPLE = Path(__file__).resolve().parent / "findings_audit.jsonl"


def main() -> None:
    from policybrief.analysis import analyse
    from policybrief.analysis.findings import tables
    from policybrief.readers import read_essay

    rows = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]
    given: dict[str, set[tuple[str, str]]] = {}
    kept: Counter[tuple[int, str]] = Counter()
    gone: Counter[tuple[int, str]] = Counter()
    evidence: Counter[tuple[int, str]] = Counter()
    for r in rows:
        if r["doc"] not in given:
            found = tables(analyse(read_essay(CORPUS / r["doc"])))
            given[r["doc"]] = {(kind, row.item.text) for kind, rs in found.items() for row in rs}
        if (r["kind"], r["item"]) in given[r["doc"]]:
            kept[(r["fold"], r["verdict"])] += 1
            if r["evidence_verdict"]:
                evidence[(r["fold"], r["evidence_verdict"])] += 1
        else:
            gone[(r["fold"], r["verdict"])] += 1
    print(f"findings audit: {len(rows)} judged rows from {len(given)} documents")
    for fold in (0, 1):
        n = sum(v for (f, _), v in kept.items() if f == fold)
        ok = kept[(fold, "ok")]
        ev = {v: evidence[(fold, v)] for v in ("supports", "weak", "contradicts")}
        dropped = {v: gone[(fold, v)] for v in ("ok", "wrong_kind", "not_a_row") if gone[(fold, v)]}
        print(
            f"  fold {fold}: {ok}/{n} rows still given are ok ({ok / max(1, n):.0%}); "
            f"evidence {ev['supports']} supports, {ev['weak']} weak, {ev['contradicts']} contradicts; "
            f"no longer given: {dropped or 'none'}"
        )


if __name__ == "__main__":
    main()
