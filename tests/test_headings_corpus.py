"""Heading detection on real reports written by others (../shared/corpus), held out: the scorer's weights are fitted
on one fold of the corpus and scored on the other, both ways round, for both reading paths (bench/headings.py):

  plain  the document made plain (heading marks stripped), through the plain-text reader;
  own    the file as it is (.txt or .md), through the reader `read_essay` picks for it.
"""

from __future__ import annotations

import pytest

from conftest import SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")
corpus = pytest.importorskip("corpus")
bench = pytest.importorskip("headings")

TARGET = 0.92
FOLDERS = (*corpus.FOLDERS, "ALL")
SHORTFALLS: dict[tuple[str, str, int], tuple[float, str]] = {
    ("A/crs_markdown", "plain", 0): (0.89, "the truth is each report's table of contents, which leaves out deeper "
                                           "headings the text has (R46991v32's appendix programs), and '# Footnotes'"),
    ("A/crs_markdown", "own", 0): (0.87, "as for plain text; the file's '# Footnotes' heading is not in the contents"),
    ("A/gao_markdown", "plain", 0): (0.52, "the truth is a PDF converter's font-size marks ('Back round g', headings "
                                           "run together) in hard-wrapped text with page furniture; measured, not fitted"),
    ("A/gao_markdown", "plain", 1): (0.48, "as for fold 0; and one report's 120 per-project labels ('Project Summary', "
                                           "'Cost Performance'), bold lines above prose, are not in its truth"),
}
"""Where the held-out F1 is below TARGET today: the floor it must stay above, and why it is short."""


@pytest.fixture(scope="module")
def held_out() -> dict[tuple[str, str, int], object]:
    """Tallies per (folder, path, fold), each fold read with the params tuned on the other fold."""
    cases = corpus.all_cases()
    by_fold = {k: [c for c in cases if c.fold == k] for k in (0, 1)}
    tuned = {k: bench.tune(bench.tuning_cases(by_fold[k])) for k in (0, 1)}
    out = {}
    for k in (0, 1):
        for path in bench.PATHS:
            for folder, tally in bench.evaluate(by_fold[k], tuned[1 - k], path).items():
                out[(folder, path, k)] = tally
    return out


def _f1(tally) -> float:
    return tally.prf()[2]


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize("path", ["plain", "own"])
@pytest.mark.parametrize("folder", FOLDERS)
def test_held_out_f1(held_out, folder, path, fold):
    f1 = _f1(held_out[(folder, path, fold)])
    if (folder, path, fold) in SHORTFALLS:
        floor, why = SHORTFALLS[(folder, path, fold)]
        assert f1 >= floor, (f1, why)
        if f1 >= TARGET:
            pytest.fail(f"{folder} {path} fold {fold} now reaches {f1:.3f}: drop it from SHORTFALLS")
    else:
        assert f1 >= TARGET, f1


def test_crs_markdown_as_it_is(held_out):
    """The CRS Markdown files in their own format (headings unmarked, '# Title' first): >= 0.9 over both folds,
    every title right."""
    tallies = [held_out[("A/crs_markdown", "own", k)] for k in (0, 1)]
    pooled = bench.pooled(tallies)
    assert _f1(pooled) >= 0.9, pooled.prf()
    assert pooled.titles_ok == pooled.titles == 13


def test_beats_naive_by_far(held_out):
    for k in (0, 1):
        cases = [c for c in corpus.all_cases() if c.fold == k]
        naive = bench.Tally()
        for case in cases:
            naive.add(bench.naive(case.text), case)
        for path in bench.PATHS:
            assert _f1(held_out[("ALL", path, k)]) > _f1(naive) + 0.5


def test_tab_indented_headings_give_levels():
    from policybrief.readers.raw import RawHeading
    from policybrief.readers.text import parse_text

    raw = (SHARED / "corpus" / "A" / "govreport_leval" / "govreport_10.report.txt").read_text(encoding="utf-8")
    heads = [e for e in parse_text(raw).elements if isinstance(e, RawHeading)]
    assert {h.level for h in heads} >= {1, 2}
