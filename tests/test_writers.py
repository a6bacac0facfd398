from __future__ import annotations

import dataclasses
import io
import re

import pytest

from conftest import ROOT
from policybrief.compose import compose
from policybrief.model import Paragraph, Sentence, SourceRef
from policybrief.writers import render as render_file
from policybrief.writers.style import load_style


def render(fmt, brief, style):
    return render_file(fmt, brief, style).data


@pytest.fixture(scope="module")
def brief(doc, analysis, profiles):
    return compose(doc, analysis, profiles.get("congressional-staff", doc))


@pytest.fixture(scope="module")
def style():
    return load_style(ROOT / "templates", "default")


def test_docx_reads_back(brief, style):
    import docx

    d = docx.Document(io.BytesIO(render("docx", brief, style)))
    heads = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert "Diplomatic Divergences" in heads and "Executive summary" in heads
    assert d.sections[0].header.paragraphs[0].text == brief.marking
    limits = [t for t in d.tables if len(t.rows) == 5 and t.rows[1].cells[0].text.startswith("the increasingly asymmetric")]
    assert limits, "limitations table with 4 rows and a header"
    assert any(p.style.name == "List Bullet" for p in d.paragraphs)
    assert d.core_properties.title == brief.title and d.core_properties.language == "en"
    toc = [p.text for p in d.paragraphs if p.style.name.lower().startswith("toc")]
    assert "Trade and Investment Links" in toc


def test_pdf_reads_back(brief, style):
    from pypdf import PdfReader

    data = render("pdf", brief, style)
    r = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in r.pages)
    flat = " ".join(text.split())
    assert flat.index("Executive summary") < flat.index("Key judgments") < flat.index("Diplomatic Divergences")
    n = len(r.pages)
    assert f"Page {n} of {n}" in text and f"Page 1 of {n}" in text
    titles = [o.title for o in r.outline if not isinstance(o, list)]
    assert "Diplomatic Divergences" in titles and "Executive summary" in titles
    assert r.metadata.title == brief.title and r.metadata.author
    assert brief.marking in text


def test_builds_are_byte_identical(brief, style, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for fmt in ("docx", "pdf", "md"):
        assert render(fmt, brief, style) == render(fmt, brief, style)


def _with_text(brief, text):
    s = Sentence(text, SourceRef("x", 0, 0, 0, len(text)))
    sec = dataclasses.replace(brief.sections[0], blocks=(Paragraph((s,)),))
    return dataclasses.replace(brief, sections=(sec,), summary=(s,))


def test_pdf_escapes_markup_and_shows_unicode(brief, style):
    from pypdf import PdfReader

    text = 'A <font name="x">tag</font> & <b>bold</b> < 3 in Россия and 中俄全面战略协作伙伴关系.'
    data = render("pdf", _with_text(brief, text), style)
    out = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert '<font name="x">tag</font>' in out and "& <b>bold</b> < 3" in out
    assert "Россия" in out and "中俄全面战略协作伙伴关系" in out
    assert b"DejaVuSans" in data and (b"PB-CJK" in data or b"DroidSans" in data)


def test_long_table_cells_split_across_pages(brief, style):
    from pypdf import PdfReader

    long = " ".join(["This is a very long limitation statement that goes on."] * 60)
    row = dataclasses.replace(brief.tables[0].rows[0], item=Sentence(long, SourceRef("x", 0, 0, 0, 1)))
    table = dataclasses.replace(brief.tables[0], rows=(row,) * 12)
    data = render("pdf", dataclasses.replace(brief, tables=(table,)), style)
    assert len(PdfReader(io.BytesIO(data)).pages) > 3


def test_a_table_header_starts_only_at_the_top_of_a_page(brief, style):
    from pypdf import PdfReader

    rows = []
    for n in range(14):  # rows of varied height: one that does not fit moves whole to the next page
        text = " ".join([f"Limitation {n} is that the programme lacks staff."] * (2 + 7 * (n % 3)))
        rows.append(dataclasses.replace(brief.tables[0].rows[0], item=Sentence(text, SourceRef("x", 0, n, 0, 1))))
    table = dataclasses.replace(brief.tables[0], rows=tuple(rows))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render("pdf", dataclasses.replace(brief, tables=(table,), appendix=False), style))).pages]
    with_table = [p for p in pages if re.search(r"Limitation \d+ is", p)]
    assert len(with_table) >= 2
    for text in with_table:
        assert text.count("Evidence from the essay") == 1, text  # the header once per page, repeated on each
        assert all(f"Limitation {n} is" not in text or text.count(f"Limitation {n} is") % (2 + 7 * (n % 3)) == 0
                   for n in range(14))  # and no row cut in two


def test_markdown_writer(brief, style):
    md = render("md", brief, style).decode()
    assert md.index("## Executive summary") < md.index("## Key judgments") < md.index("## Diplomatic Divergences")
    assert "| Item |" in md and md.count(brief.marking) == 2


def test_large_essay_renders(tmp_path, profiles, style):
    from policybrief.analysis import analyse
    from policybrief.readers import read_essay

    src = (ROOT / "seeds" / "china-russia-partnership.txt").read_text(encoding="utf-8")
    parts = []
    for i in range(34):  # about 100,000 words
        parts.append(re.sub(r"(?m)^(Trade and Investment Links|Diplomatic Divergences)$", rf"\1 Part {i}", src))
    p = tmp_path / "big.txt"
    p.write_text("\n\n".join(parts), encoding="utf-8")
    doc = read_essay(p)
    assert doc.words > 95_000
    base = profiles.get("congressional-staff")
    everything = base.model_copy(update={"budget": base.budget.model_copy(update={"max_words": None})})
    b = compose(doc, analyse(doc), everything)
    assert b.body_words > 90_000
    assert render("pdf", b, style)[:5] == b"%PDF-"
    assert render("docx", b, style)[:2] == b"PK"
