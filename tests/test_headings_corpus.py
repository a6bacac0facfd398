"""Heading detection on real reports written by others (../shared/corpus), fed as plain text."""

from __future__ import annotations

import pytest

from conftest import SHARED

corpus = pytest.importorskip("corpus")
pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")


def _f1(cases, detect):
    tp = found = true = 0
    for case in cases:
        a, b, c = corpus.score_headings(detect(case.text), case.headings)
        tp, found, true = tp + a, found + b, true + c
    p, r = tp / found, tp / true
    return p, r, 2 * p * r / (p + r)


def test_heading_f1_beats_naive_and_is_high():
    import headings

    cases = corpus.all_cases()
    p, r, f1 = _f1(cases, headings.detect)
    _, _, naive = _f1(cases, headings.naive)
    assert f1 > 0.88, (p, r, f1)
    assert p > 0.88 and r > 0.8
    assert f1 > naive + 0.3


def test_tab_indented_headings_give_levels():
    from policybrief.readers.raw import RawHeading
    from policybrief.readers.text import parse_text

    raw = (SHARED / "corpus" / "A" / "govreport_leval" / "govreport_10.report.txt").read_text(encoding="utf-8")
    heads = [e for e in parse_text(raw).elements if isinstance(e, RawHeading)]
    assert {h.level for h in heads} >= {1, 2}
