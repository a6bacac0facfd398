"""The labelled findings set (bench/findings_labels.yaml) is well-formed, and its scorer gives an oracle full marks.

Ground truth that silently drifts from the corpus (a heading renamed, an item mistyped, a region that no longer
holds its items) would make every figure of bench/findings_eval.py meaningless, so the data file is checked here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import SHARED

pytestmark = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")


@pytest.fixture(scope="module")
def fs():
    import findings_set

    return findings_set


@pytest.fixture(scope="module")
def regions(fs):
    return fs.load()


def test_every_region_is_located_and_holds_its_items(fs, regions):
    """Docs exist, headings are heading lines, anchors and items occur verbatim (after normalisation) in the
    region's span, folds agree with corpus.fold_of."""
    assert fs.check(regions) == []


def test_size_and_balance(fs, regions):
    negatives = [r for r in regions if not r.positive]
    assert len(regions) >= 60 and len(negatives) >= 15
    for fold in (0, 1):
        in_fold = [r for r in regions if r.fold == fold]
        assert any(r.positive for r in in_fold) and any(not r.positive for r in in_fold), fold
        kinds = Counter(r.kind for r in in_fold)
        assert all(kinds[k] >= 3 for k in fs.KINDS), (fold, kinds)
        assert {r.source for r in in_fold if r.positive} == set(fs.SOURCES), fold


def test_positive_items_are_long_enough_to_match_one_row(fs, regions):
    """A prefix of fewer than 6 words must be a whole item; such short items are table cells or titled items, and
    none may be repeated inside its region."""
    for r in regions:
        short = [it for it in r.items if fs.words(it) < 6]
        assert len({fs.key(it) for it in short}) == len(short), r.label()


def test_keys_ignore_markdown_html_and_punctuation(fs):
    assert fs.key("**Risk**: see [the table](#t1) <b>now</b>") == fs.key("Risk: see the table now")
    assert fs.key("a****ction ****p****lan") == "actionplan"
    assert fs.key("“Quoted” — dash’s") == "quoteddashs"


def test_item_matching_rules(fs):
    assert fs.item_matches("Theft", "Theft: A physical authenticator is stolen by an Attacker.")
    assert fs.item_matches("Data disclosure", "High-level risks to the wallets | R6 | Data disclosure")
    assert not fs.item_matches("Theft", "An OTP device is stolen after a theft at the office building nearby.")
    long = "The biggest downside of provenance is complexity."
    assert fs.item_matches(long, "Drawback: The biggest downside of provenance is complexity. More text.")
    assert fs.item_matches("Silent Dashboard/Alert Failures on Upgrade: When upgrading to a", "Silent Dashboard/Alert Failures on Upgrade")


def test_a_short_anchor_inside_a_word_is_refused(fs, regions):
    base = next(r for r in regions if r.doc.endswith("3541-add-recreate-strategy-to-statefulset.md") and r.anchor.startswith("Cons:"))
    from dataclasses import replace

    bad = replace(base, anchor="ment", items=())
    assert any("inside a word" in p for p in fs.check([bad]))


def test_scorer_gives_an_oracle_full_marks_and_penalises_negatives(fs, regions):
    import findings_eval as fe

    by_doc: dict[str, list] = {}
    for r in regions:
        by_doc.setdefault(r.doc, []).append(r)

    def oracle(path: Path) -> list:
        rel = path.relative_to(fs.CORPUS).as_posix()
        return [fe.FoundRow(r.kind, it, r.heading, r.source) for r in by_doc[rel] if r.positive for it in r.items]

    def oracle_plus_negatives(path: Path) -> list:
        rel = path.relative_to(fs.CORPUS).as_posix()
        extra = [fe.FoundRow("limitations", it, r.heading, r.source) for r in by_doc[rel] if not r.positive for it in r.items]
        return oracle(path) + extra

    result = fe.run(oracle, regions)
    s = fe.score(result, regions, result.judged)
    assert (s.precision, s.recall, s.found, s.neg_hit) == (1.0, 1.0, s.positives, 0)

    noisy = fe.run(oracle_plus_negatives, regions)
    s = fe.score(noisy, regions, noisy.judged)
    assert s.recall == 1.0 and s.precision < 1.0
    assert s.neg_hit == sum(1 for r in regions if not r.positive and r.items)
