"""Rendering one brief of the sample vs writing the same paragraphs directly with python-docx / reportlab.

Run: .venv/bin/python bench/render_speed.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policybrief.analysis import analyse  # noqa: E402
from policybrief.compose import compose  # noqa: E402
from policybrief.model import BulletList, Table, block_sentences  # noqa: E402
from policybrief.profiles import load_profiles  # noqa: E402
from policybrief.readers import read_essay  # noqa: E402
from policybrief.writers import render  # noqa: E402
from policybrief.writers.layout import appendix_rows, cell_texts, title_lines  # noqa: E402
from policybrief.writers.style import load_style  # noqa: E402


def paired_ms(ours, base, n: int = 15) -> tuple[float, float]:
    """Medians of `ours` and `base`, run alternately so that both see the same machine load."""
    ours()
    base()
    a, b = [], []
    for _ in range(n):
        t = time.perf_counter()
        ours()
        a.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        base()
        b.append((time.perf_counter() - t) * 1000)
    return statistics.median(a), statistics.median(b)


def same_paragraphs(brief) -> list[tuple[str, str]]:  # noqa: ANN001
    """Every piece of text the brief prints, in order, as ("h", heading) or ("p", paragraph): the baseline writes
    exactly these with the library's defaults (no template, header, footer, shading, tables, fonts or bookmarks)."""
    out = [("h", brief.title), ("p", brief.subtitle)] + [("p", f"{k}: {v}") for k, v in title_lines(brief)]
    out += [("h", brief.summary_title), ("p", " ".join(s.text for s in brief.summary))]
    if brief.key_judgments:
        out += [("h", "Key judgments")] + [("p", it.text) for it in brief.key_judgments]
    if brief.toc:
        out += [("h", "Contents")] + [("p", s.title) for s in brief.sections]
    for sec in brief.sections:
        out.append(("h", sec.title))
        for b in sec.blocks:
            if isinstance(b, BulletList) and b.lead_in:
                out.append(("p", b.lead_in.text))
            if isinstance(b, BulletList):
                out += [("p", it.text) for it in b.items]
            elif isinstance(b, Table):
                out += [("p", c) for row in (b.header, *b.rows) for c in row]
            else:
                out.append(("p", " ".join(x.text for x in block_sentences(b))))
    for t in brief.tables:
        header, rows = cell_texts(t)
        out += [("h", t.title)] + [("p", c) for row in (header, *rows) for c in row]
    out.append(("p", brief.source_note))
    if brief.appendix:
        out += [("h", "Appendix")] + [("p", c) for row in appendix_rows(brief) for c in row]
    return out


def raw_docx(paras: list[tuple[str, str]]) -> None:
    import docx

    d = docx.Document()
    for kind, text in paras:
        if kind == "h":
            d.add_heading(text, 1)
        else:
            d.add_paragraph(text)
    d.save(io.BytesIO())


def raw_pdf(paras: list[tuple[str, str]], font: str | None = None) -> None:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    ss = getSampleStyleSheet()
    h, b = ss["Heading1"], ss["BodyText"]
    if font:  # the same embedded TrueType font as the brief (Helvetica has no Cyrillic or CJK)
        h = ParagraphStyle("h", parent=h, fontName=f"{font}-B")
        b = ParagraphStyle("b", parent=b, fontName=font)
    story = [Paragraph(escape(text), h if kind == "h" else b) for kind, text in paras]
    SimpleDocTemplate(io.BytesIO()).build(story)


def main() -> None:
    doc = read_essay(ROOT / "seeds" / "china-russia-partnership.txt")
    analysis = analyse(doc)
    profiles = load_profiles(ROOT / "templates")
    style = load_style(ROOT / "templates", "default")
    from policybrief.writers.pdf import PdfWriter

    dejavu = PdfWriter(compose(doc, analysis, profiles.get("principals")), style).font
    print(f"{'brief':20} {'format':16} {'paragraphs':>10} {'policybrief ms':>15} {'direct ms':>10} {'ratio':>6}")
    for pid in ("principals", "congressional-staff"):
        brief = compose(doc, analysis, profiles.get(pid))
        paras = same_paragraphs(brief)
        runs = (("docx", "docx", raw_docx), ("pdf", "pdf", raw_pdf), ("pdf", "pdf (same font)", lambda p: raw_pdf(p, dejavu)))
        for fmt, label, raw in runs:
            ours, base = paired_ms(lambda f=fmt, b=brief: render(f, b, style).data, lambda r=raw, p=paras: r(p))
            print(f"{pid:20} {label:16} {len(paras):10} {ours:15.1f} {base:10.1f} {ours / base:6.2f}")
    print("(medians of 15 alternating runs after one warm-up; direct = the same texts written as plain headings and paragraphs with")
    print(" the library's defaults: no template, header, footer, shading, tables or bookmarks; 'same font' embeds the")
    print(" brief's DejaVu font as the brief must, where the default Helvetica embeds nothing and has no Cyrillic or CJK)")


if __name__ == "__main__":
    main()
