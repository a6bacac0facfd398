"""Word briefs through python-docx, from a reference .docx (as pandoc's --reference-doc does).

The reference document's styles, page setup, header and fonts are used; its body text is dropped. Headings use
the real "Heading 1/2" styles, lists "List Bullet"/"List Number", tables the style file's table style. The
file is deterministic: fixed core-property dates and fixed zip timestamps.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from typing import Any

from docx import Document as load_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from policybrief.errors import RenderError
from policybrief.model import Brief, BulletList, Paragraph, Table
from policybrief.writers.layout import appendix_rows, cell_texts, fixed_time, title_lines


@functools.lru_cache(maxsize=8)
def _template_bytes(path: str) -> bytes:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read the .docx template ({exc.strerror})", path) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RenderError("the .docx template is not a Word document", path)
    return data


def _open_template(path: str | None):  # noqa: ANN202 - python-docx Document
    if not path:
        return load_docx()
    try:
        doc = load_docx(io.BytesIO(_template_bytes(path)))
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"cannot open the .docx template ({type(exc).__name__})", path) from None
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _field(paragraph, instr: str, shown: str) -> None:  # noqa: ANN001
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = shown
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


def _complex_field(paragraph, part: str, instr: str = "") -> None:  # noqa: ANN001
    run = paragraph.add_run()
    fc = OxmlElement("w:fldChar")
    fc.set(qn("w:fldCharType"), part)
    run._r.append(fc)
    if instr:
        it = OxmlElement("w:instrText")
        it.set(qn("xml:space"), "preserve")
        it.text = instr
        paragraph.add_run()._r.append(it)


def _shade(paragraph, fill: str, border: str) -> None:  # noqa: ANN001
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "6")
        el.set(qn("w:space"), "6")
        el.set(qn("w:color"), border)
        bdr.append(el)
    ppr.append(bdr)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr.append(shd)


def _repeat_header(row) -> None:  # noqa: ANN001
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _style(doc, name: str, fallback: str) -> str:  # noqa: ANN001
    names = {s.name for s in doc.styles}
    return name if name in names else fallback


def _add_table(doc, header: list[str], rows: list[list[str]], style_name: str, widths: list[float] | None = None) -> None:  # noqa: ANN001
    table = doc.add_table(rows=1 + len(rows), cols=max(1, len(header)))
    table.style = _style(doc, style_name, "Table Grid")
    for j, h in enumerate(header):
        cell = table.rows[0].cells[j]
        cell.text = ""
        cell.paragraphs[0].add_run(h).bold = True
    _repeat_header(table.rows[0])
    for i, row in enumerate(rows, 1):
        cells = table.rows[i].cells
        for j, text in enumerate(row):
            cells[j].text = text
    if widths:
        from docx.shared import Inches

        for row in table.rows:
            for j, w in enumerate(widths[: len(row.cells)]):
                row.cells[j].width = Inches(w)
    doc.add_paragraph()


def _header_footer(doc, brief: Brief) -> None:  # noqa: ANN001
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    hp.text = brief.marking
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in hp.runs:
        run.bold = True
        run.font.size = Pt(8)
    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fp.text = ""
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if brief.marking:
        fp.add_run(brief.marking + "    ").font.size = Pt(8)
    fp.add_run("Page ").font.size = Pt(8)
    _field(fp, "PAGE", "1")
    fp.add_run(" of ").font.size = Pt(8)
    _field(fp, "NUMPAGES", "1")


def _toc(doc, brief: Brief) -> None:  # noqa: ANN001
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Inches

    names = {s.name for s in doc.styles}
    for level in (1, 2):
        if f"toc {level}" not in names:
            st = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = doc.styles["Normal"]
            st.paragraph_format.left_indent = Inches(0.25 * (level - 1))
            st.paragraph_format.space_after = Pt(2)
    doc.add_paragraph("Contents", style=_style(doc, "TOC Heading", "Heading 1"))
    entries = [(s.title, s.level) for s in brief.sections]
    for i, (title, level) in enumerate(entries):
        p = doc.add_paragraph(style=_style(doc, f"toc {level}", "Normal"))
        if i == 0:
            _complex_field(p, "begin", ' TOC \\o "1-2" \\h \\z \\u ')
            _complex_field(p, "separate")
        p.add_run(title)
        if i == len(entries) - 1:
            _complex_field(p, "end")


def _properties(doc, brief: Brief) -> None:  # noqa: ANN001
    cp = doc.core_properties
    when = fixed_time(brief).replace(tzinfo=None)
    cp.title = brief.title
    cp.subject = brief.subtitle
    cp.author = brief.author or "policybrief"
    cp.keywords = ", ".join(brief.keywords)
    cp.language = brief.language
    cp.category = brief.marking
    cp.comments = brief.source_note
    cp.last_modified_by = "policybrief"
    cp.revision = 1
    cp.created = when
    cp.modified = when
    cp.last_printed = when


def _normalise_zip(data: bytes, brief: Brief) -> bytes:
    when = fixed_time(brief)
    stamp = (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, zin.read(info.filename))
    return out.getvalue()


def render(brief: Brief, style: dict[str, Any]) -> bytes:
    doc = _open_template(style.get("docx_template"))
    accent = str(style.get("colors", {}).get("summary_fill", "EAF0F6")).lstrip("#")
    border = str(style.get("colors", {}).get("accent", "1F3B5B")).lstrip("#")
    table_style = str(style.get("docx_table_style", "Light Grid Accent 1"))
    _header_footer(doc, brief)
    doc.add_paragraph(brief.title, style=_style(doc, "Title", "Heading 1"))
    doc.add_paragraph(brief.subtitle, style=_style(doc, "Subtitle", "Normal"))
    for label, value in title_lines(brief):
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    if brief.summary:
        doc.add_heading(brief.summary_title, level=1)
        if brief.summary_style == "bullets":
            for s in brief.summary:
                _shade(doc.add_paragraph(s.text, style=_style(doc, "List Bullet", "Normal")), accent, border)
        else:
            _shade(doc.add_paragraph(" ".join(s.text for s in brief.summary)), accent, border)
    if brief.key_judgments:
        doc.add_heading("Key judgments", level=1)
        for it in brief.key_judgments:
            doc.add_paragraph(it.text, style=_style(doc, "List Bullet", "Normal"))
    if brief.toc:
        _toc(doc, brief)
    for sec in brief.sections:
        doc.add_heading(sec.title, level=sec.level)
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                doc.add_paragraph(block.text)
            elif isinstance(block, BulletList):
                if block.lead_in:
                    doc.add_paragraph(block.lead_in.text)
                name = "List Number" if block.ordered else "List Bullet"
                for it in block.items:
                    doc.add_paragraph(it.text, style=_style(doc, name, "Normal"))
            elif isinstance(block, Table):
                _add_table(doc, list(block.header), [list(r) for r in block.rows], table_style)
    for t in brief.tables:
        doc.add_heading(t.title, level=1)
        header, rows = cell_texts(t)
        widths = {"item": 2.0, "evidence": 3.4, "section": 1.3}
        _add_table(doc, header, rows, table_style, [widths[c] for c in t.columns])
    note = doc.add_paragraph()
    note.add_run(brief.source_note).italic = True
    if brief.appendix:
        doc.add_heading("Appendix: where each sentence comes from", level=1)
        _add_table(doc, ["Sentence", "Place in the essay"], [list(r) for r in appendix_rows(brief)], table_style, [3.6, 3.0])
    _properties(doc, brief)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue(), brief)
