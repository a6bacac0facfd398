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
from xml.sax.saxutils import escape

from docx import Document as load_docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph as DocxParagraph

from policybrief.errors import RenderError
from policybrief.lang.cleanup import printable
from policybrief.model import Brief, BriefSection, BulletList, FindingsTable, Paragraph, Table
from policybrief.writers.layout import APPENDIX_COLUMNS, BriefWriter, fixed_time, title_lines
from policybrief.writers.style import Style, check_docx_template


@functools.lru_cache(maxsize=8)
def _template_bytes(path: str) -> bytes:
    return check_docx_template(Path(path))


def _open_template(path: str | None) -> DocxDocument:
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


def _field(paragraph: DocxParagraph, instr: str, shown: str, half_points: int = 16) -> None:
    """A field (PAGE, NUMPAGES) in the footer's small size."""
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(half_points))
    rpr.append(sz)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = shown
    r.append(t)
    fld.append(r)
    paragraph._p.append(fld)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _x(text: str) -> str:
    """Text escaped for WordprocessingML (and stripped of characters XML 1.0 cannot hold)."""
    return escape(printable(text), {'"': "&quot;"})


def _run(text: str, *, bold: bool = False, italic: bool = False) -> str:
    rpr = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{_x(text)}</w:t></w:r>'


class _Body:
    """The body as WordprocessingML text, parsed once at the end: python-docx's per-paragraph API looks styles up
    by scanning every style each time and tables cell by cell, which made a brief cost 4x a plain document."""

    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        self.parts: list[str] = []
        self.ids: dict[str, str] = {}
        for el in doc.styles.element.iterchildren(qn("w:style")):
            name = el.find(qn("w:name"))
            if name is not None:
                self.ids[str(name.get(qn("w:val"))).lower()] = str(el.get(qn("w:styleId")))

    def text_width(self) -> int:
        """The page's text width in twentieths of a point (the reference document's page less its margins)."""
        sec = self.doc.sections[-1]
        width, left, right = sec.page_width, sec.left_margin, sec.right_margin
        if width is None or left is None or right is None:
            return int(6.5 * 1440)
        return max(1440, int((width - left - right) / 635))  # 635 EMU to the twip

    def style(self, *names: str) -> str | None:
        for n in names:
            sid = self.ids.get(n.lower())
            if sid:
                return sid
        return None

    def para(self, runs: str, style: str | None = None, ppr: str = "") -> None:
        pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
        props = pstyle + ppr
        self.parts.append(f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>")

    def text(self, text: str, *names: str, ppr: str = "") -> None:
        self.para(_run(text) if text else "", self.style(*names) if names else None, ppr)

    def heading(self, text: str, level: int) -> None:
        self.text(text, f"heading {min(max(level, 1), 9)}")

    def table(self, header: list[str], rows: list[list[str]], style_name: str, widths: list[float] | None = None) -> None:
        """A table across the text width; `widths`: the columns' relative widths (equal when not given)."""
        ncols = max(1, len(header))
        shares = (widths or [])[:ncols]
        shares += [1.0] * (ncols - len(shares))
        room = self.text_width()
        tw = [int(room * w / sum(shares)) for w in shares]  # the columns fill the text width, in proportion
        sid = self.style(style_name, "Table Grid")
        tblpr = (f'<w:tblStyle w:val="{sid}"/>' if sid else "") + f'<w:tblW w:type="dxa" w:w="{sum(tw)}"/>'
        # The table style's header-row look only: a bold first column made long cells heavy to read.
        tblpr += '<w:tblLook w:firstColumn="0" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="0420"/>'
        out = [f"<w:tbl><w:tblPr>{tblpr}</w:tblPr><w:tblGrid>", *(f'<w:gridCol w:w="{w}"/>' for w in tw), "</w:tblGrid>"]

        def row(cells: list[str], head: bool) -> str:
            trpr = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if head else ""
            tcs = "".join(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{tw[j]}"/></w:tcPr><w:p>{_run(c, bold=head) if c else ""}</w:p></w:tc>'
                for j, c in enumerate((cells + [""] * ncols)[:ncols])
            )
            return f"<w:tr>{trpr}{tcs}</w:tr>"

        out.append(row(header, True))
        out += [row(r, False) for r in rows]
        out.append("</w:tbl>")
        self.parts.append("".join(out))
        self.para("")

    def commit(self) -> None:
        body = self.doc.element.body
        xml = f'<w:body xmlns:w="{_W}">{"".join(self.parts)}</w:body>'
        new = parse_xml(xml)
        sect = body.find(qn("w:sectPr"))
        for child in list(new):
            if sect is not None:
                sect.addprevious(child)
            else:
                body.append(child)


def _shading(fill: str, border: str) -> str:
    sides = "".join(
        f'<w:{s} w:val="single" w:sz="6" w:space="6" w:color="{border}"/>' for s in ("top", "left", "bottom", "right")
    )
    return f'<w:pBdr>{sides}</w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'


def _header_footer(doc: DocxDocument, brief: Brief) -> None:
    section = doc.sections[0]
    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    marking = printable(brief.marking)
    hp.text = marking
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in hp.runs:
        run.bold = True
        run.font.size = Pt(8)
    # The footer as in the PDF: the marking centred, then the subtitle on the left and "Page X of Y" on the right.
    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    fp.text = ""
    if marking:
        fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        mark = fp.add_run(marking)
        mark.bold, mark.font.size = True, Pt(8)
        fp = footer.add_paragraph()
    fp.alignment = WD_ALIGN_PARAGRAPH.LEFT
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is not None and left is not None and right is not None:
        fp.paragraph_format.tab_stops.add_tab_stop(width - left - right, WD_TAB_ALIGNMENT.RIGHT)
    fp.add_run(printable(brief.subtitle)[:80] + "\t").font.size = Pt(8)
    fp.add_run("Page ").font.size = Pt(8)
    _field(fp, "PAGE", "1")
    fp.add_run(" of ").font.size = Pt(8)
    _field(fp, "NUMPAGES", "1")


def _toc(b: _Body, brief: Brief, title: str) -> None:
    """A TOC field whose cached result already lists the entries, so the contents are not empty when opened."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Inches

    doc = b.doc
    for level in (1, 2):
        if b.style(f"toc {level}") is None:
            st = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = doc.styles["Normal"]
            st.paragraph_format.left_indent = Inches(0.25 * (level - 1))
            st.paragraph_format.space_after = Pt(2)
            b.ids[f"toc {level}"] = st.style_id
    b.text(title, "TOC Heading", "heading 1")
    entries = [(s.title, s.level) for s in brief.sections]
    begin = '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
    begin += '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    for i, (title, level) in enumerate(entries):
        runs = (begin if i == 0 else "") + _run(title)
        if i == len(entries) - 1:
            runs += '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        b.para(runs, b.style(f"toc {level}", "Normal"))


def _properties(doc: DocxDocument, brief: Brief) -> None:
    cp = doc.core_properties
    when = fixed_time(brief).replace(tzinfo=None)
    cp.title = printable(brief.title)
    cp.subject = printable(brief.subtitle)
    cp.author = printable(brief.author) or "policybrief"
    cp.keywords = printable(", ".join(brief.keywords))
    cp.language = printable(brief.language)
    cp.category = printable(brief.marking)
    cp.comments = printable(brief.source_note)
    cp.last_modified_by = "policybrief"
    cp.revision = 1
    cp.created = when
    cp.modified = when
    cp.last_printed = when


def _stamp(brief: Brief) -> tuple[int, int, int, int, int, int]:
    when = fixed_time(brief)
    return (max(1980, when.year), when.month, when.day, when.hour, when.minute, when.second)


def _zip(entries: list[tuple[str, bytes]], brief: Brief) -> bytes:
    """A zip with fixed timestamps and permissions, so that equal inputs give equal bytes."""
    stamp = _stamp(brief)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()


def _save(doc: DocxDocument, brief: Brief) -> bytes:
    """Serialise the package straight into a deterministic zip (python-docx's own save stamps the current time,
    and re-zipping its output cost as much as the save itself)."""
    try:
        from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
        from docx.opc.pkgwriter import _ContentTypesItem

        pkg = doc.part.package
        parts = list(pkg.iter_parts())
        types = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]  # python-docx leaves it untyped
        entries = [(CONTENT_TYPES_URI.membername, types.blob), (PACKAGE_URI.rels_uri.membername, pkg.rels.xml)]
        for part in parts:
            entries.append((part.partname.membername, part.blob))
            if len(part.rels):
                entries.append((part.partname.rels_uri.membername, part.rels.xml))
    except (ImportError, AttributeError):  # a python-docx without these internals: save, then re-zip
        buf = io.BytesIO()
        doc.save(buf)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin:
            entries = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    return _zip(entries, brief)


class DocxWriter(BriefWriter):
    def __init__(self, brief: Brief, style: Style) -> None:
        super().__init__(brief, style)
        self.doc = _open_template(style.docx_template)
        self.fill = style.colors.summary_fill.lstrip("#")
        self.border = style.colors.accent.lstrip("#")
        self.table_style = style.docx_table_style
        _header_footer(self.doc, brief)
        self.b = _Body(self.doc)

    def title_block(self, title: str) -> None:
        self.b.text(title, "Title", "heading 1")
        self.b.text(self.brief.subtitle, "Subtitle")
        for label, value in title_lines(self.brief):
            self.b.para(_run(f"{label}: ", bold=True) + _run(value))

    def summary(self, title: str) -> None:
        self.b.heading(title, 1)
        if self.brief.summary_style == "bullets":
            for s in self.brief.summary:
                self.b.text(s.text, "List Bullet", ppr=_shading(self.fill, self.border))
        else:
            self.b.text(" ".join(s.text for s in self.brief.summary), ppr=_shading(self.fill, self.border))

    def key_judgments(self, title: str) -> None:
        self.b.heading(title, 1)
        for it in self.brief.key_judgments:
            self.b.text(it.text, "List Bullet")

    def toc(self, title: str) -> None:
        _toc(self.b, self.brief, title)

    def heading(self, section: BriefSection) -> None:
        self.b.heading(section.title, section.level)

    def paragraph(self, block: Paragraph) -> None:
        self.b.text(block.text)

    def bullet_list(self, block: BulletList) -> None:
        if block.lead_in:
            self.b.text(block.lead_in.text, ppr="<w:keepNext/>")  # never alone at a page foot
        name = "List Number" if block.ordered else "List Bullet"
        for it in block.items:
            self.b.text(it.text, name)

    def table(self, block: Table) -> None:
        self.b.table(list(block.header), [list(r) for r in block.rows], self.table_style)

    def findings_table(self, table: FindingsTable, header: list[str], rows: list[list[str]]) -> None:
        self.b.heading(table.title, 1)
        widths = {"item": 2.0, "evidence": 3.4, "section": 1.3}
        self.b.table(header, rows, self.table_style, [widths[c] for c in table.columns])

    def source_note(self, text: str) -> None:
        self.b.para(_run(text, italic=True))

    def appendix(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.b.heading(title, 1)
        self.b.table(list(APPENDIX_COLUMNS), [list(r) for r in rows], self.table_style, [3.6, 3.0])

    def finish(self) -> bytes:
        self.b.commit()
        _properties(self.doc, self.brief)
        return _save(self.doc, self.brief)
