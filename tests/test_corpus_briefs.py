"""Briefs built from real reports (../shared/corpus): no markup noise reaches them, and every sentence they print is
found verbatim in the essay's source once the reported clean-ups are applied.

The documents carry the noise the readers have to deal with: a CRS report converted to Markdown (footnotes, figure
boxes, a closing disclaimer), a GAO report converted from PDF (page-foot notes, "[12]" markers, a table of contents),
an 18F guide (Liquid tags, kramdown attribute lists, links) and an EUDI discussion paper (escaped brackets, HTML
risk tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SHARED
from policybrief import pipeline
from policybrief.lang.cleanup import apply_cleanups
from policybrief.model import Brief, Document, Table
from policybrief.writers import render
from policybrief.writers.style import load_style

CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")

DOCUMENTS = (
    "A/crs_markdown/R48910v2.report.md",
    "A/crs_markdown/R46991v32.report.md",
    "A/gao_markdown/gao-26-107650.report.md",
    "B/18f__derisking-government-tech__home__vendor-management.md",
    "B/18f__derisking__federal-field-guide__2-basic-principles.md",
    "B/eudi__a-privacy-risks-and-mitigations.md",
)
NOISE = re.compile(
    r"\{%|%\}|\{\{|\}\}|\{:|\{#[A-Za-z]|\[\^|\^\d+\^|\]\(https?:|\]\(#|<!--|-->|&(?:amp|nbsp|quot|#\d+);"
    r"|</?(?:div|span|p|br|table|tr|td|th|sup|sub|strong|em|a|b|i)\b[^>]*>"
)
"""Markup that must never reach a brief: Liquid and kramdown tags, footnote markers, link syntax, HTML."""
ESCAPE = re.compile(r"\\[\[\]()*_#`{}!.^-]")
"""A Markdown escape left in the text (the Markdown writer's own escaping is undone before looking)."""
_WRITER_ESCAPES = re.compile(r"\\([\\`*_\[\]<>#|])")


@dataclass
class Built:
    doc: Document
    briefs: list[Brief]
    markdown: list[str]


@pytest.fixture(scope="module")
def built() -> dict[str, Built]:
    style = load_style(None, "default")
    out: dict[str, Built] = {}
    for name in DOCUMENTS:
        path = CORPUS / name
        items = list(pipeline.run(pipeline.Job((path,)), "compose"))
        assert items and all(it.error is None and it.brief is not None and it.doc is not None for it in items), name
        briefs = [it.brief for it in items if it.brief is not None]
        assert items[0].doc is not None
        out[name] = Built(items[0].doc, briefs, [render("md", b, style).data.decode("utf-8") for b in briefs])
    return out


def _span_text(doc: Document, start: int, end: int) -> str:
    """The source span with every reported clean-up applied, white space runs as one space (the documented
    `whitespace` clean-up, which between two sentences is not reported)."""
    return " ".join(apply_cleanups(doc.source, doc.cleanups, start, end).split())


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_markup_noise_in_briefs(built, name):
    b = built[name]
    for brief, md in zip(b.briefs, b.markdown, strict=True):
        text = _WRITER_ESCAPES.sub(r"\1", md)
        found = [m.group() for m in NOISE.finditer(text)]
        assert not found, (brief.profile_id, found[:5])
        printed = [s.text for s in brief.sentences()] + [s.title for s in brief.sections]
        printed += [c for s in brief.sections for blk in s.blocks if isinstance(blk, Table) for row in (blk.header, *blk.rows) for c in row]
        escapes = [t for t in printed if ESCAPE.search(t)]
        assert not escapes, (brief.profile_id, escapes[:3])


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_back_matter_in_briefs(built, name):
    b = built[name]
    back = {s.id for s in b.doc.walk() if s.role == "back-matter"}
    assert back, "the report's notes, contents or disclaimer are back matter"
    notes = [blk.text for s in b.doc.walk() if s.role == "back-matter" for blk in s.blocks if hasattr(blk, "text")]
    for brief in b.briefs:
        assert not [s.text for s in brief.sentences() if s.ref.section in back], brief.profile_id
        printed = " ".join(s.text for s in brief.sentences())
        assert not any(len(n) > 60 and n in printed for n in notes), brief.profile_id


def test_every_brief_sentence_is_the_essay_after_its_clean_ups(built):
    checked = verified = exact = 0
    missing = []
    for name, b in built.items():
        for brief in b.briefs:
            checked += 1
            for s in brief.sentences():
                verified += 1
                span = _span_text(b.doc, s.ref.start, s.ref.end)
                wanted = " ".join(s.text.split())
                exact += span == wanted
                if wanted not in span:
                    missing.append((name, brief.profile_id, s.text[:80], span[:80]))
    print(f"\n{checked} briefs, {verified} sentences verified ({exact} equal to their whole span)")
    assert not missing, missing[:5]
    assert checked == len(DOCUMENTS) * len(built[DOCUMENTS[0]].briefs)
    assert verified > 1000


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_sentence_of_the_document_is_its_source_span_cleaned(built, name):
    """Stronger than the briefs' check: each sentence of the model is exactly its span with the clean-ups applied."""
    doc = built[name].doc
    from policybrief.model import block_sentences

    bad = [s.text[:60] for sec in doc.walk() for blk in sec.blocks for s in block_sentences(blk)
           if apply_cleanups(doc.source, doc.cleanups, s.ref.start, s.ref.end) != s.text]
    assert not bad, bad[:5]


def test_the_corpus_files_carry_the_noise(built):
    """The fixture documents really hold what the checks look for (so a passing test means something)."""
    raw = {name: (CORPUS / name).read_text(encoding="utf-8") for name in DOCUMENTS}
    assert "{% include" in raw["B/18f__derisking-government-tech__home__vendor-management.md"]
    assert "<table>" in raw["B/eudi__a-privacy-risks-and-mitigations.md"]
    assert "Disclaimer" in raw["A/crs_markdown/R48910v2.report.md"]
    assert re.search(r"\[\d+\]", raw["A/gao_markdown/gao-26-107650.report.md"])
    kinds = {k for b in built.values() for c in b.doc.cleanups for k in c.kind.split("+")}
    assert {"template", "link", "html", "escape", "footnote-marker", "emphasis"} <= kinds
    assert Path(CORPUS).is_dir()
