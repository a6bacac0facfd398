"""Heading detection on real reports, per corpus folder and fold, through the real readers, tuned honestly.

Two paths for every document:
  plain  the document made plain (heading marks stripped; a CRS file's first line is its title) through the
         plain-text reader;
  own    the file in its own format through the reader `read_essay` picks for it (.txt -> text, .md -> Markdown).
Headings are the section titles of the `Document` (the title is scored apart, as "title ok").

Three detectors:
  naive     "a short line without a full stop is a heading", on the plain text;
  shipped   the readers with the shipped `HeadingParams`;
  held-out  the readers with params tuned on the OTHER fold (fold 0 tuned -> fold 1 scored, and the reverse):
            the honest figure for documents the numbers were not fitted to.

Run: .venv/bin/python bench/headings.py               the tables
     .venv/bin/python bench/headings.py --show 0      also list fold 0's misses and false headings (read failures
                                                      from one fold only when designing a rule; check the other)
     .venv/bin/python bench/headings.py --params      also print the tuned params
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import FOLDERS, Case, all_cases, norm_heading, score_headings  # noqa: E402

from policybrief.model import Document  # noqa: E402
from policybrief.readers import READERS, load_bytes, reader_for  # noqa: E402
from policybrief.readers.headings import DEFAULT_PARAMS, FEATURES, HeadingParams, line_evidence  # noqa: E402
from policybrief.readers.lines import split_lines, unmark  # noqa: E402
from policybrief.readers.text_reader import split_front_matter  # noqa: E402

Reader = Callable[..., Document]
PATHS = ("plain", "own")


def _reader(name: str) -> Reader:
    module, func = READERS[name].split(":")
    fn: Reader = getattr(importlib.import_module(module), func)
    return fn


def read_plain(case: Case, params: HeadingParams) -> Document:
    """The plain text through the plain-text reader (named like the file, as .txt, for the fallback title)."""
    assert case.path is not None
    return _reader("text")(case.path.with_suffix(".txt"), case.text.encode("utf-8"), params=params)


def read_own(case: Case, params: HeadingParams) -> Document:
    """The file through the reader `read_essay` dispatches to for its suffix, with `params` passed on."""
    assert case.path is not None
    return _reader(reader_for(case.path, None))(case.path, load_bytes(case.path), params=params)


def outline(doc: Document) -> list[str]:
    """The section headings a reader found (the opening text before any heading is not one)."""
    return [s.title for s in doc.walk() if s.heading_ref is not None]


def naive(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip() and len(ln.split()) <= 12 and not ln.rstrip().endswith(".")]


@dataclass
class Tally:
    tp: int = 0
    found: int = 0
    true: int = 0
    titles_ok: int = 0
    titles: int = 0
    docs: int = 0

    def add(self, found: list[str], case: Case, title: str | None = None) -> None:
        tp, f, t = score_headings(found, case.headings)
        self.tp, self.found, self.true, self.docs = self.tp + tp, self.found + f, self.true + t, self.docs + 1
        if title is not None and case.title:
            self.titles += 1
            self.titles_ok += norm_heading(title) == norm_heading(case.title)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.found if self.found else 0.0
        r = self.tp / self.true if self.true else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def cell(self) -> str:
        p, r, f1 = self.prf()
        return f"{p:5.3f} {r:5.3f} {f1:5.3f}"


# --- Tuning: the scorer is linear in its evidence, so each line's evidence is computed once and any weights are
# --- scored in milliseconds. The objective is the mean over folders of the plain path's F1 on the tuning fold.


@dataclass
class Evidence:
    matrix: np.ndarray
    """One row of evidence per candidate line, every document of the fold stacked."""
    key: np.ndarray
    """Per row: the id of (document, normalised line text), for multiset matching against the truth."""
    truth_count: np.ndarray
    """Per key id: how often that text is a true heading of that document."""
    key_folder: np.ndarray
    row_folder: np.ndarray
    true_per_folder: np.ndarray
    folders: list[str] = field(default_factory=list)


def gather(cases: Sequence[Case]) -> Evidence:
    folders = sorted({c.folder for c in cases})
    keys: dict[tuple[int, str], int] = {}
    truth: list[int] = []
    key_folder: list[int] = []
    rows: list[tuple[float, ...]] = []
    row_key: list[int] = []
    row_folder: list[int] = []
    true_per_folder = np.zeros(len(folders))

    def key_of(d: int, text: str, fo: int) -> int:
        k = keys.setdefault((d, text), len(keys))
        if k == len(truth):
            truth.append(0)
            key_folder.append(fo)
        return k

    for d, case in enumerate(cases):
        fo = folders.index(case.folder)
        for h in case.headings:
            truth[key_of(d, norm_heading(h), fo)] += 1
        true_per_folder[fo] += len(case.headings)
        _, body_start = split_front_matter(case.text, case.name)
        lines = split_lines(" " * body_start + case.text[body_start:] if body_start else case.text)
        first = next((i for i, ln in enumerate(lines) if not ln.blank), -1)
        for i, feats in line_evidence(lines).items():
            text = norm_heading(unmark(lines[i].stripped))
            if i == first and case.title and text == norm_heading(case.title):
                continue  # the title line: scored as a title, not as a heading
            rows.append(feats)
            row_key.append(key_of(d, text, fo))
            row_folder.append(fo)
    return Evidence(np.array(rows), np.array(row_key), np.array(truth), np.array(key_folder), np.array(row_folder),
                    true_per_folder, folders)


def objective(ev: Evidence, params: HeadingParams) -> float:
    chosen = ev.matrix @ np.array(params.weights) - params.threshold > 0
    counts = np.bincount(ev.key[chosen], minlength=len(ev.truth_count))
    tp = np.bincount(ev.key_folder, weights=np.minimum(counts, ev.truth_count), minlength=len(ev.folders))
    found = np.bincount(ev.row_folder[chosen], minlength=len(ev.folders))
    p = np.divide(tp, found, out=np.zeros_like(tp), where=found > 0)
    r = tp / np.maximum(ev.true_per_folder, 1)
    f1 = np.divide(2 * p * r, p + r, out=np.zeros_like(p), where=(p + r) > 0)
    return float(f1.mean())


def fit_weights(ev: Evidence, l2: float = 1.0, iterations: int = 30) -> np.ndarray:
    """Logistic regression of "this line is a true heading" on its evidence (Newton's method, L2-regularised,
    every folder weighing the same), returning the weights and, last, the intercept."""
    x = np.hstack([ev.matrix, np.ones((len(ev.matrix), 1))])
    y = (ev.truth_count[ev.key] > 0).astype(float)
    per_folder = np.bincount(ev.row_folder, minlength=len(ev.folders)).astype(float)
    sw = (len(x) / len(ev.folders)) / per_folder[ev.row_folder]
    reg = np.full(x.shape[1], l2)
    reg[-1] = 0.0
    w = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (sw * (p - y)) + reg * w
        hess = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


NOT_TUNED_ON = ("A/gao_markdown",)
"""Measured, never fitted: GAO's true headings are the `#` marks a PDF converter set from font sizes ("Back round g",
headings run together, page furniture around them). Made plain they are not something a reader of plain text could
find, and fitting the weights to them pulled every other folder's held-out F1 down (B fold 0: 0.905 with them in,
0.926 without, when this was decided). The GAO files in their own format do not use the scorer at all."""


def tuning_cases(cases: Sequence[Case]) -> list[Case]:
    return [c for c in cases if c.folder not in NOT_TUNED_ON]


def tune(cases: Sequence[Case], l2: float = 1.0) -> HeadingParams:
    """Weights from a logistic regression on the evidence of every candidate line of `cases`, scaled so the
    strongest is 2; then the threshold that gives the best mean F1 over folders (plain path) on the same cases,
    averaged over neighbouring thresholds."""
    ev = gather(cases)
    w = fit_weights(ev, l2)
    scale = 2.0 / max(np.abs(w[:-1]).max(), 1e-9)
    weights = {name: round(float(v * scale), 2) for name, v in zip(FEATURES, w[:-1], strict=True)}
    base = replace(DEFAULT_PARAMS, **weights)
    grid = [round(float(t), 2) for t in np.arange(-4.0, 4.0, 0.05)]
    scores = np.array([objective(ev, replace(base, threshold=t)) for t in grid])
    # The objective is flat near its top and jagged within the flat part (one document's lines cross together), so
    # the best single step is luck: take the best average over a window of +-0.15 instead, the middle of the plateau.
    smooth = np.convolve(scores, np.ones(7) / 7, mode="same")
    return replace(base, threshold=grid[int(np.argmax(smooth))])


# --- Reporting


def pooled(tallies: list[Tally | None]) -> Tally | None:
    """Both folds' counts added up (each fold scored with the params it was not tuned on, for the held-out column)."""
    if any(t is None for t in tallies):
        return None
    out = Tally()
    for t in tallies:
        assert t is not None
        for f in fields(Tally):
            setattr(out, f.name, getattr(out, f.name) + getattr(t, f.name))
    return out


def evaluate(cases: Sequence[Case], params: HeadingParams, path: str) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for case in cases:
        doc = (read_plain if path == "plain" else read_own)(case, params)
        for key in (case.folder, "ALL"):
            out.setdefault(key, Tally()).add(outline(doc), case, doc.title)
    return out


def show_failures(cases: Sequence[Case], params: HeadingParams, path: str) -> None:
    for case in cases:
        doc = (read_plain if path == "plain" else read_own)(case, params)
        found = outline(doc)
        t = Tally()
        t.add(found, case, doc.title)
        print(f"[{path}] {case.name:70s} P/R/F1 {t.cell()}  title {'ok' if t.titles_ok else repr(doc.title[:60])}")
        truth = {norm_heading(h) for h in case.headings}
        got = {norm_heading(h) for h in found}
        for h in found:
            if norm_heading(h) not in truth:
                print("   + false:", h[:100])
        for h in case.headings:
            if norm_heading(h) not in got:
                print("   - missed:", h[:100])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", type=int, choices=(0, 1),
                    help="list misses and false headings of this fold, with the params tuned on it")
    ap.add_argument("--held-out", action="store_true", help="with --show: use the params tuned on the other fold")
    ap.add_argument("--path", choices=PATHS, help="with --show: only this path")
    ap.add_argument("--folder", help="with --show: only this folder")
    ap.add_argument("--params", action="store_true", help="print the tuned params")
    ap.add_argument("--fit-shipped", action="store_true", help="print the params tuned on the whole corpus and stop")
    args = ap.parse_args(argv)

    cases = all_cases()
    by_fold = {k: [c for c in cases if c.fold == k] for k in (0, 1)}
    tuned = {k: tune(tuning_cases(by_fold[k])) for k in (0, 1)}  # tuned[k]: fitted on fold k, scored on fold 1-k
    if args.fit_shipped:
        fitted = tune(tuning_cases(cases))
        print("params tuned on both folds (the shipped defaults are these):")
        for f in fields(HeadingParams):
            print(f"    {f.name} = {getattr(fitted, f.name)!r}")
        return
    if args.params:
        for k in (0, 1):
            diff = {f.name: getattr(tuned[k], f.name) for f in fields(HeadingParams)
                    if getattr(tuned[k], f.name) != getattr(DEFAULT_PARAMS, f.name)}
            print(f"tuned on fold {k} (changes from shipped): {diff}")
    if args.show is not None:
        sel = [c for c in by_fold[args.show] if not args.folder or c.folder == args.folder]
        for path in [args.path] if args.path else PATHS:
            show_failures(sel, tuned[1 - args.show] if args.held_out else tuned[args.show], path)

    naive_t: dict[tuple[int, str], Tally] = {}
    for k in (0, 1):
        for case in by_fold[k]:
            for key in (case.folder, "ALL"):
                naive_t.setdefault((k, key), Tally()).add(naive(case.text), case)
    print("Heading P/R/F1 per folder and fold. held-out = params tuned on the other fold (the honest figure).")
    print("title ok = documents whose title was read right / documents that have a title in their text.")
    head = f"{'path':5s} {'folder':17s} {'fold':>4s} {'docs':>4s} {'true':>5s} | {'naive P/R/F1':17s} | " \
           f"{'shipped P/R/F1':17s} | {'HELD-OUT P/R/F1':17s} | title ok"
    for path in PATHS:
        print()
        print(head)
        shipped = {k: evaluate(by_fold[k], DEFAULT_PARAMS, path) for k in (0, 1)}
        held = {k: evaluate(by_fold[k], tuned[1 - k], path) for k in (0, 1)}
        for folder in [*FOLDERS, "ALL"]:
            rows: list[tuple[str, Tally | None, Tally | None, Tally | None]] = [
                (str(k), naive_t.get((k, folder)), shipped[k].get(folder), held[k].get(folder)) for k in (0, 1)
            ]
            rows.append(("0+1", pooled([r[1] for r in rows]), pooled([r[2] for r in rows]), pooled([r[3] for r in rows])))
            for fold, n, s, h in rows:
                if n is None or s is None or h is None:
                    continue
                titles = f"{h.titles_ok}/{h.titles}" if h.titles else "-"
                print(f"{path:5s} {folder:17s} {fold:>4s} {s.docs:4d} {s.true:5d} | {n.cell()} | "
                      f"{s.cell()} | {h.cell()} | {titles}")


if __name__ == "__main__":
    main()
