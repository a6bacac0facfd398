"""Score a findings extractor against the labelled development set (bench/findings_labels.yaml).

Run:  .venv/bin/python bench/findings_eval.py [--fold 0|1] [-v] [--extractor module:function] [--labels PATH ...]
      .venv/bin/python bench/findings_eval.py --blind     # the blind test set (bench/findings_blind0/1.yaml)

The extractor is any function `extract(path: Path) -> list[FoundRow]` (FoundRow below), named `module:function`;
`bench/` and `src/` are importable. The default, `findings_eval:baseline`, wraps the project's current code
(read_essay + analyse + findings.tables), so the figures show where findings detection stands today.

Why these measures. The labelled set covers chosen regions of each document, not whole documents, so a found row
can only be judged where a label says what belongs: inside a labelled region's span, or matching one of its items.
Each found row is judged once, against the region that fits it best (a matching item first, then an optional item,
then the smallest span that contains it):

- `tp`          matches a labelled item of a positive region, with the region's kind (the first such row per item);
- `dup`         matches an item another row already matched (a findings table should not repeat a row);
- `wrong_kind`  matches an item but with another kind (a limitation reported as a driver);
- `extra`       inside a positive region but matching none of its items (a mitigation under "Risks", a lead-in);
- `negative`    inside, or matching an item of, a negative region (kind `none`): benefits, mitigations, examples...;
- `optional`    matches an item the labels leave optional (elaborations, borderline sentences): not counted;
- `unjudged`    outside every labelled region: reported as a count, not counted.

Item precision = tp / (tp + dup + wrong_kind + extra + negative); item recall = labelled items of positive regions
matched by a tp row / all such items. Region level: a positive region is *found* when at least one tp row falls in
it; a region is *flagged* when any counted row (not optional) falls in it; region precision = found / flagged,
region recall = found / positive regions. "neg hit" counts negative regions with at least one row.
Per kind, precision groups rows by the kind the extractor gave them and recall by the labelled kind; per source,
both group by the labelled region's source. Matching is on keys (findings_set.key: Markdown/HTML syntax removed,
lower-cased, letters and digits only), with the prefix/containment rules of findings_set.item_matches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import findings_set as fs  # noqa: E402

COUNTED = ("tp", "dup", "wrong_kind", "extra", "negative")
FALSE = ("dup", "wrong_kind", "extra", "negative")


@dataclass(frozen=True)
class FoundRow:
    """One row an extractor puts in a findings table."""

    kind: str
    """limitations | recommendations | key_findings | drivers"""
    item: str
    """The row's item text, as the extractor would print it."""
    section_title: str
    """Title of the section where the item sits (reported in listings; not used for matching)."""
    source: str
    """list | prose | table: where the extractor took the row from."""


Extractor = Callable[[Path], list[FoundRow]]


def baseline(path: Path) -> list[FoundRow]:
    """The project's findings tables (`policybrief.analysis.findings.tables`) as FoundRows: kinds limitations,
    drivers, recommendations, and key_judgments -> key_findings; the section is where the item is listed."""
    from policybrief.analysis import analyse
    from policybrief.analysis.findings import tables
    from policybrief.readers import read_essay

    doc = read_essay(path)
    out = []
    for kind, rows in tables(analyse(doc)).items():
        for row in rows:
            out.append(FoundRow("key_findings" if kind == "key_judgments" else kind, row.item.text, row.section_title, row.source))
    return out


def load_extractor(spec: str) -> Extractor:
    """`module:function` -> the function (bench/ is on sys.path, so `findings_eval:baseline` works)."""
    module, _, name = spec.partition(":")
    if not module or not name:
        raise SystemExit(f"--extractor must be module:function, not {spec!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"cannot load extractor {spec!r}: {exc}") from None


@dataclass
class Judged:
    """A found row with its verdict."""

    row: FoundRow
    doc: str
    status: str
    region: fs.Region | None = None
    label: str = ""
    """The labelled item (or optional item) it matched, if any."""


@dataclass
class Result:
    """Everything judged for one run."""

    regions: list[fs.Region]
    judged: list[Judged] = field(default_factory=list)
    credited: set[tuple[int, int]] = field(default_factory=set)
    """(region number, item index) of every labelled item matched by a tp row."""
    errors: list[str] = field(default_factory=list)


def _best_label(labels: Iterable[str], row: FoundRow, taken: Callable[[int], bool]) -> tuple[int, str] | None:
    hits = [(i, lab) for i, lab in enumerate(labels) if fs.item_matches(lab, row.item)]
    if not hits:
        return None
    return min(hits, key=lambda h: (taken(h[0]), -len(fs.key(h[1]))))


def _located(fk: str, span_key: str, region: fs.Region, row: FoundRow) -> bool:
    """Whether the row's text lies in the region's span. When the matching text also occurs elsewhere in the
    document (a reference such as "rust-lang/rust-clippy#1313", a repeated sentence), the row's section title must
    agree with the region's heading too."""
    if not fs.inside(fk, span_key):
        return False
    doc_key = fs.document(region.doc).text
    windows = [fk] if len(fk) <= 40 else [fk[:40], fk[(len(fk) - 40) // 2 :][:40], fk[-40:]]
    if all(doc_key.count(w) <= span_key.count(w) for w in windows if w in span_key):
        return True
    kt, kh = fs.key(row.section_title), fs.key(region.heading)
    return bool(kt) and (kt in kh or kh in kt)


def judge_doc(regions: list[fs.Region], rows: list[FoundRow], result: Result) -> None:
    """Judge one document's rows against its regions (see the module docstring)."""
    spans = {r.number: fs.region_text(r) for r in regions}
    for row in rows:
        fk = fs.key(row.item)
        best: tuple[tuple[bool, bool, bool, int], fs.Region, tuple[int, str] | None, str] | None = None
        for r in regions:
            hit = _best_label(r.items, row, lambda i, r=r: (r.number, i) in result.credited)
            opt = _best_label(r.optional, row, lambda i: False)
            ins = _located(fk, spans[r.number], r, row)
            if not (hit or opt or ins):
                continue
            rank = (hit is not None, opt is not None, ins, -len(spans[r.number]))
            if best is None or rank > best[0]:
                best = (rank, r, hit, opt[1] if opt else "")
        if best is None:
            result.judged.append(Judged(row, regions[0].doc, "unjudged"))
            continue
        _, r, hit, opt_label = best
        if hit is not None:
            idx, label = hit
            if not r.positive:
                status = "negative"
            elif row.kind != r.kind:
                status = "wrong_kind"
            elif (r.number, idx) in result.credited:
                status = "dup"
            else:
                status = "tp"
                result.credited.add((r.number, idx))
            result.judged.append(Judged(row, r.doc, status, r, label))
        elif opt_label:
            result.judged.append(Judged(row, r.doc, "optional", r, opt_label))
        else:
            result.judged.append(Judged(row, r.doc, "negative" if not r.positive else "extra", r))


def run(extract: Extractor, regions: list[fs.Region]) -> Result:
    """Run the extractor on every labelled document once and judge its rows."""
    result = Result(regions)
    by_doc: dict[str, list[fs.Region]] = defaultdict(list)
    for r in regions:
        by_doc[r.doc].append(r)
    for doc, regs in by_doc.items():
        try:
            rows = list(extract(fs.CORPUS / doc))
        except Exception as exc:  # noqa: BLE001 - one failing document must not hide the others' figures
            result.errors.append(f"{doc}: {type(exc).__name__}: {exc}")
            continue
        for row in rows:
            if row.kind not in fs.KINDS:
                raise SystemExit(f"{doc}: the extractor returned kind {row.kind!r}; expected one of {fs.KINDS}")
        judge_doc(regs, rows, result)
    return result


@dataclass
class Score:
    """Counts behind one line of the report."""

    tp: int = 0
    false: int = 0
    items: int = 0
    recalled: int = 0
    positives: int = 0
    found: int = 0
    flagged: int = 0
    negatives: int = 0
    neg_hit: int = 0

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def precision(self) -> float | None:
        return self._ratio(self.tp, self.tp + self.false)

    @property
    def recall(self) -> float | None:
        return self._ratio(self.recalled, self.items)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None else (2 * p * r / (p + r) if p + r else 0.0)


def score(result: Result, regions: list[fs.Region], rows: list[Judged], *, kind_by_row: str | None = None) -> Score:
    """Item- and region-level counts over `regions` (recall side) and `rows` (precision side)."""
    s = Score()
    for r in regions:
        if r.positive:
            s.positives += 1
            s.items += len(r.items)
            s.recalled += sum((r.number, i) in result.credited for i in range(len(r.items)))
        else:
            s.negatives += 1
    numbers = {r.number for r in regions}
    per_region: dict[int, set[str]] = defaultdict(set)
    for j in result.judged:
        if j.region is not None and j.region.number in numbers and (kind_by_row is None or j.row.kind == kind_by_row):
            per_region[j.region.number].add(j.status)
    for r in regions:
        statuses = per_region.get(r.number, set())
        if statuses & set(COUNTED):
            s.flagged += 1
        if r.positive and "tp" in statuses:
            s.found += 1
        if not r.positive and "negative" in statuses:
            s.neg_hit += 1
    for j in rows:
        if j.status == "tp":
            s.tp += 1
        elif j.status in FALSE:
            s.false += 1
    return s


def _pct(x: float | None) -> str:
    return "    -" if x is None else f"{x:5.2f}"


HEADER = f"{'':22s} {'item P':>7s} {'item R':>7s} {'F1':>6s}   {'regions found':>13s} {'region P':>8s}   {'neg hit':>8s}   rows tp/false"


def line(name: str, s: Score) -> str:
    rp = _pct(s._ratio(s.found, s.flagged))
    return (
        f"{name:22s} {_pct(s.precision):>7s} {_pct(s.recall):>7s} {_pct(s.f1):>6s}   "
        f"{s.found:>5d}/{s.positives:<7d} {rp:>8s}   {s.neg_hit:>3d}/{s.negatives:<4d}   {s.tp}/{s.false}"
    )


def report(result: Result, folds: list[int], verbose: bool) -> str:
    """The printed report: per fold, then per kind and per source over the chosen folds, then listings."""
    regions = [r for r in result.regions if r.fold in folds]
    numbers = {r.number for r in regions}
    judged = [j for j in result.judged if j.region is not None and j.region.number in numbers]
    docs = {r.doc for r in regions}
    unjudged = sum(1 for j in result.judged if j.status == "unjudged" and j.doc in docs)
    optional = sum(1 for j in judged if j.status == "optional")
    out = [HEADER]
    for f in folds:
        regs = [r for r in regions if r.fold == f]
        out.append(line(f"fold {f}", score(result, regs, [j for j in judged if j.region.fold == f])))
    if len(folds) > 1:
        out.append(line("both folds", score(result, regions, judged)))
    out.append("by kind (precision and region P: rows the extractor gave that kind; recall: the labelled kind)")
    for k in fs.KINDS:
        regs = [r for r in regions if r.kind == k or not r.positive]
        out.append(line(f"  {k}", score(result, regs, [j for j in judged if j.row.kind == k], kind_by_row=k)))
    out.append("by source (the labelled region's)")
    for src in fs.SOURCES:
        regs = [r for r in regions if r.source == src]
        out.append(line(f"  {src}", score(result, regs, [j for j in judged if j.region.source == src])))
    out.append(f"rows: {len(judged) - optional} counted, {optional} optional (not counted), {unjudged} outside labelled regions")
    if result.errors:
        out.append(f"extractor errors ({len(result.errors)}):")
        out.extend(f"  {e}" for e in result.errors)
    if verbose:
        out.append("")
        out.append("MISSES (labelled items no row matched with the right kind)")
        for r in regions:
            missing = [it for i, it in enumerate(r.items) if r.positive and (r.number, i) not in result.credited]
            if missing:
                ctx = f" ({r.context})" if r.context else ""
                out.append(f"  {r.label()}{ctx}")
                out.extend(f"      - {it}" for it in missing)
        out.append("")
        out.append("FALSE POSITIVES (counted rows that are not a labelled item of the right kind)")
        for j in judged:
            if j.status in FALSE:
                text = " ".join(j.row.item.split())
                text = text if len(text) <= 110 else text[:107] + "..."
                out.append(f"  [{j.status}] {j.row.kind}/{j.row.source} in {j.region.label()}")
                out.append(f"      {text!r}  (section: {j.row.section_title})")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fold", type=int, choices=(0, 1), help="report one fold only")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses and false positives")
    ap.add_argument("--extractor", default="findings_eval:baseline", help="module:function (default: %(default)s)")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--labels", type=Path, nargs="+", default=[fs.LABELS], help="the labelled set(s) (default: %(default)s)")
    which.add_argument("--blind", action="store_true", help="score the blind test set (bench/findings_blind0/1.yaml) instead")
    args = ap.parse_args(argv)
    if not fs.CORPUS.is_dir():
        print(f"corpus not found: {fs.CORPUS}", file=sys.stderr)
        return 2
    regions = fs.load_all(fs.BLIND if args.blind else args.labels)
    problems = fs.check(regions)
    if problems:
        print("the labelled set is not well-formed:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    folds = [args.fold] if args.fold is not None else [0, 1]
    chosen = [r for r in regions if r.fold in folds]
    extract = load_extractor(args.extractor)
    t0 = time.perf_counter()
    result = run(extract, chosen)
    took = time.perf_counter() - t0
    npos = sum(r.positive for r in chosen)
    ndocs = len({r.doc for r in chosen})
    print(
        f"findings eval: {args.extractor} on {len(chosen)} regions ({npos} positive, {len(chosen) - npos} negative) "
        f"in {ndocs} documents, {took:.1f} s"
    )
    print(report(result, folds, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
