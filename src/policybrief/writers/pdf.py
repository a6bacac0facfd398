"""PDF briefs through reportlab platypus, styled by a style file (page size, margins, fonts, sizes, colours).

Fonts are DejaVu (Latin, Greek, Cyrillic), embedded and subset; CJK text switches to an embeddable TrueType
CJK font (Droid Sans Fallback) registered only when the brief has CJK characters, and Hangul to a Korean one
(NanumGothic, Debian's fonts-nanum: Droid Sans Fallback has three Hangul syllables, so Korean came out blank).
Every piece of essay text is
escaped. Headings keep with the next paragraph; tables repeat their header row and split across pages.
Output is deterministic (reportlab invariant mode; SOURCE_DATE_EPOCH for the dates).
"""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.doctemplate import LayoutError

from policybrief.errors import RenderError
from policybrief.lang.cleanup import printable
from policybrief.model import Brief, BriefSection, BulletList, FindingsTable, Paragraph, Table
from policybrief.writers.layout import APPENDIX_COLUMNS, PDF_FINDINGS_WIDTHS, PDF_HEADING_SPACE, BriefWriter, title_lines
from policybrief.writers.style import Style


class RLParagraph(_RLParagraph):
    """A Paragraph that remembers its line breaks for a width: a table that splits over pages wraps every
    remaining cell again at each page, and re-breaking the same text at the same width was most of a brief's cost."""

    _wrapped_for: tuple[float, float, float] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        memo = self._wrapped_for
        if memo is not None and memo[0] == availWidth and "blPara" in self.__dict__:
            self.width, self.height = memo[1], memo[2]
            return memo[1], memo[2]
        w, h = super().wrap(availWidth, availHeight)
        self._wrapped_for = (availWidth, w, h)
        return w, h


CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff]+")
"""Hangul syllables and jamo: drawn with the Korean font; the rest of a CJK run with the CJK font."""
CJK_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
)
KOREAN_FONTS = (
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
)
_FAMILIES = {
    "sans": ("rinoh_typeface_dejavusans", "DejaVuSans", ("", "-Bold", "-Oblique", "-BoldOblique")),
    "serif": ("rinoh_typeface_dejavuserif", "DejaVuSerif", ("", "-Bold", "-Italic", "-BoldItalic")),
}
_registered: set[str] = set()


def warm_up(style: Style) -> None:
    """Register the style's fonts now (a worker process does this while the parent is still analysing)."""
    _register_family(style.font)


def _register_family(kind: str) -> str:
    if kind not in _FAMILIES:
        raise RenderError(f"unknown font '{kind}' in the style file (known: {', '.join(_FAMILIES)})")
    package, base, variants = _FAMILIES[kind]
    name = f"PB-{kind}"
    if name in _registered:
        return name
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise RenderError(f"the font package {package} is not installed (pip install {package.replace('_', '-')})")
    folder = Path(spec.origin).parent
    names = [f"{name}{suffix}" for suffix in ("", "-B", "-I", "-BI")]
    for reg_name, variant in zip(names, variants, strict=True):
        pdfmetrics.registerFont(TTFont(reg_name, str(folder / f"{base}{variant}.ttf")))
    pdfmetrics.registerFontFamily(name, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3])
    _registered.add(name)
    return name


def _register_cjk(path: str | None) -> str:
    return _register_file("PB-CJK", path, CJK_FONTS, "Chinese/Japanese", "fonts-droid-fallback", "fonts.cjk")


def _register_korean(path: str | None) -> str:
    return _register_file("PB-KO", path, KOREAN_FONTS, "Korean", "fonts-nanum", "fonts.korean")


def _register_file(name: str, path: str | None, system: tuple[str, ...], what: str, package: str, key: str) -> str:
    """Register the style's font file (else the first system font found) under `name`, once per process."""
    if name in _registered:
        return name
    for cand in [path] if path else list(system):
        if cand and Path(cand).is_file():
            pdfmetrics.registerFont(TTFont(name, cand))
            _registered.add(name)
            return name
    raise RenderError(
        f"the brief has {what} text but no font for it was found: install Debian's {package} or set {key} in the style file"
    )


class _Markup:
    """Escapes essay text for reportlab's mini-markup and switches CJK runs to the CJK font, Hangul to the Korean one."""

    def __init__(self, cjk_font: str | None, korean_font: str | None = None) -> None:
        self.cjk = cjk_font
        self.korean = korean_font

    def __call__(self, text: str) -> str:
        text = printable(text)
        if not self.cjk and not self.korean:
            return escape(text)
        out, pos = [], 0
        for m in CJK.finditer(text):
            out.append(escape(text[pos : m.start()]))
            out.append(self._run(m.group()))
            pos = m.end()
        out.append(escape(text[pos:]))
        return "".join(out)

    def _run(self, run: str) -> str:
        """One CJK run, Hangul and the rest each in its own font."""
        out, pos = [], 0
        for m in HANGUL.finditer(run) if self.korean else ():
            out.append(self._font(self.cjk, run[pos : m.start()]))
            out.append(self._font(self.korean, m.group()))
            pos = m.end()
        out.append(self._font(self.cjk, run[pos:]))
        return "".join(out)

    @staticmethod
    def _font(name: str | None, text: str) -> str:
        if not text:
            return ""
        return f'<font name="{name}">{escape(text)}</font>' if name else escape(text)


class _Heading(RLParagraph):
    """A heading that adds itself to the PDF outline. reportlab splits a paragraph taller than the frame by creating
    two of the same class with its own keyword arguments, so the constructor stays Paragraph's; the outline entry
    goes with the first part only."""

    outline: tuple[str, int] | None = None

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - reportlab's names
        parts: list[Any] = super().split(availWidth, availHeight)
        if parts:
            parts[0].outline = self.outline
        return parts


class _Box(RLTable):
    """The summary's shaded one-cell box: moved whole to the next page when it fits on one, and split inside its
    cell only when it is taller than a page (large type on a small page), where a plain table could not be laid out."""

    page_height = 0.0
    """The frame's height; reportlab re-creates the class with its own arguments when it splits, so not in __init__."""

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - reportlab's names
        if self._height <= self.page_height:  # type: ignore[attr-defined]  # set by wrap
            return []
        parts: list[Any] = super().split(availWidth, availHeight)
        for part in parts:
            part.page_height = self.page_height
        return parts


class _Rows(RLTable):
    """A table that breaks between rows, its header repeated. A row is split across pages only when it is taller
    than a page: reportlab would otherwise split the row that does not fit into what is left of the page, after
    the part before it, and start the header again in mid-page."""

    page_height = 0.0
    """The frame's height (a class attribute for the same reason as `_Box.page_height`)."""

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803 - reportlab's names
        table: Any = self  # Table._calc, _splitRows and _rowHeights (what Table.split uses) are not in the stubs
        table._calc(availWidth, availHeight)
        parts: list[Any] = table._splitRows(availHeight, doInRowSplit=0)
        first = sum(table._rowHeights[: self.repeatRows + 1])  # the header and one row
        if not parts and first > self.page_height:  # a row taller than a page: split inside it
            parts = table._splitRows(availHeight, doInRowSplit=1)
        for part in parts:
            part.page_height = self.page_height
        return parts


class _Doc(BaseDocTemplate):
    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._marks = 0

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab hook
        outline = getattr(flowable, "outline", None)
        if outline:
            self._marks += 1
            key = f"h{self._marks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(outline[0], key, level=outline[1], closed=False)


def _numbered_canvas(brief: Brief, font: str, color: Any, size: float) -> type[rl_canvas.Canvas]:
    marking, subtitle = printable(brief.marking), printable(brief.subtitle)

    class NumberedCanvas(rl_canvas.Canvas):
        """Defers each page so that the footer can say "Page X of Y"."""

        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab internals the stubs leave out

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize  # type: ignore[attr-defined]
            self.saveState()
            self.setFillColor(color)
            if marking:
                self.setFont(f"{font}-B", size)
                self.drawCentredString(w / 2, h - 12 * mm, marking)
                self.drawCentredString(w / 2, 8 * mm, marking)
            self.setFont(font, size)
            self.drawRightString(w - 18 * mm, 12 * mm, f"Page {self._pageNumber} of {total}")  # type: ignore[attr-defined]
            self.drawString(18 * mm, 12 * mm, subtitle[:80])
            self.restoreState()

    return NumberedCanvas


def _styles(style: Style, font: str) -> dict[str, ParagraphStyle]:
    sizes = style.sizes
    accent = colors.HexColor(style.colors.accent)
    text = colors.HexColor(style.colors.text)
    body = ParagraphStyle(
        "body", fontName=font, fontSize=sizes.body, leading=sizes.body * 1.4, textColor=text, spaceAfter=sizes.body * 0.6
    )
    bullet = ParagraphStyle(
        "bullet", parent=body, leftIndent=16, bulletIndent=4, bulletFontName=font, spaceAfter=sizes.body * 0.35
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=f"{font}-B",
            fontSize=sizes.title,
            leading=sizes.title * 1.2,
            textColor=accent,
            spaceAfter=4,
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=body,
            fontSize=sizes.subtitle,
            leading=sizes.subtitle * 1.3,
            textColor=colors.HexColor(style.colors.muted),
            spaceAfter=8,
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=body,
            fontName=f"{font}-B",
            fontSize=sizes.h1,
            leading=sizes.h1 * 1.3,
            textColor=accent,
            spaceBefore=sizes.h1 * PDF_HEADING_SPACE[1][0],
            spaceAfter=PDF_HEADING_SPACE[1][1],
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=f"{font}-B",
            fontSize=sizes.h2,
            leading=sizes.h2 * 1.3,
            textColor=accent,
            spaceBefore=sizes.h2 * PDF_HEADING_SPACE[2][0],
            spaceAfter=PDF_HEADING_SPACE[2][1],
        ),
        "body": body,
        "meta": ParagraphStyle("meta", parent=body, fontSize=sizes.small + 1, leading=(sizes.small + 1) * 1.35, spaceAfter=1),
        "cell": ParagraphStyle("cell", parent=body, fontSize=sizes.small + 0.5, leading=(sizes.small + 0.5) * 1.3, spaceAfter=0),
        "cellhead": ParagraphStyle(
            "cellhead",
            parent=body,
            fontName=f"{font}-B",
            fontSize=sizes.small + 0.5,
            leading=(sizes.small + 0.5) * 1.3,
            spaceAfter=0,
            textColor=accent,
        ),
        "note": ParagraphStyle(
            "note", parent=body, fontSize=sizes.small, leading=sizes.small * 1.35, textColor=colors.HexColor(style.colors.muted)
        ),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "bullet": bullet,
        "bullet_last": ParagraphStyle("bullet_last", parent=bullet, spaceAfter=body.spaceAfter),  # a list ends like a paragraph
        "leadin": ParagraphStyle("leadin", parent=body, keepWithNext=1),
    }


def _all_text(brief: Brief) -> str:
    """Every piece of text the brief prints, to decide whether it needs the CJK font."""
    return " ".join(
        [brief.title, brief.subtitle, brief.audience, brief.organisation, brief.source_note]
        + [s.text for s in brief.sentences()]
        + [sec.title for sec in brief.sections]
        + [c for sec in brief.sections for b in sec.blocks if isinstance(b, Table) for row in (b.header, *b.rows) for c in row]
    )


def _layout_problem(message: str, doc: BaseDocTemplate) -> str:
    """reportlab's LayoutError (a repr of the flowable, with memory addresses) as one plain, stable sentence."""
    m = re.search(r"<(\w+)(?: at |@)", message)
    what = {"Table": "a table", "_Box": "the summary box", "KeepTogether": "a heading with its text"}.get(
        m.group(1) if m else "", "a block of text"
    )
    return (
        f"PDF layout failed: {what} does not fit on a page of {doc.width / mm:.0f} x {doc.height / mm:.0f} mm "
        "of text area with these font sizes and margins (try smaller sizes or margins)"
    )


_CELL_PADDING = (("LEFTPADDING", 4), ("RIGHTPADDING", 4), ("TOPPADDING", 3), ("BOTTOMPADDING", 3))


class PdfWriter(BriefWriter):
    """A platypus story built part by part, then laid out once in `finish`."""

    def __init__(self, brief: Brief, style: Style) -> None:
        super().__init__(brief, style)
        self.font = _register_family(style.font)
        text = _all_text(brief)
        korean = _register_korean(style.korean_font) if HANGUL.search(text) else None
        cjk = _register_cjk(style.cjk_font) if CJK.search(HANGUL.sub("", text) if korean else text) else None
        self.m = _Markup(cjk, korean)
        self.st = _styles(style, self.font)
        page = LETTER if style.page == "letter" else A4
        mg = style.margins
        self.buf = io.BytesIO()
        self.doc = _Doc(
            self.buf,
            pagesize=page,
            leftMargin=mg.left * mm,
            rightMargin=mg.right * mm,
            topMargin=mg.top * mm,
            bottomMargin=mg.bottom * mm,
            title=printable(brief.title),
            author=printable(brief.author) or "policybrief",
            subject=printable(brief.subtitle),
            keywords=printable(", ".join(brief.keywords)),
            creator="policybrief",
            lang=printable(brief.language),
            invariant=1,
            initialFontName=self.font,
        )
        frame = Frame(self.doc.leftMargin, self.doc.bottomMargin, self.doc.width, self.doc.height, id="body")
        # What a flowable gets on an empty page: the frame less its paddings.
        self.frame_height = self.doc.height - frame.topPadding - frame.bottomPadding
        self.doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.width = self.doc.width
        self.story: list[Any] = []

    def _heading(self, title: str, level: int, room: float = 0.0) -> None:
        """`room`: the height what follows needs on the heading's page (a table's header and first row)."""
        st = self.st["h1" if level == 1 else "h2"]
        heading = _Heading(self.m(title), st)
        heading.outline = (title, {1: 0, 2: 1}.get(level, 1))
        # A new page only when the heading and three lines of what follows would not fit: keeping a heading with
        # a whole table or long paragraph left pages nearly empty.
        body = self.st["body"]
        self.story.append(CondPageBreak(st.spaceBefore + st.leading * 2 + st.spaceAfter + max(body.leading * 3, room)))
        self.story.append(heading)

    def _cells(self, header: list[str], rows: list[list[str]]) -> list[list[Flowable]]:
        data: list[list[Flowable]] = [[RLParagraph(self.m(h), self.st["cellhead"]) for h in header]]
        data += [[RLParagraph(self.m(cell), self.st["cell"]) for cell in row] for row in rows]
        return data

    def _col_widths(self, widths: list[float]) -> list[float]:
        """Relative widths -> points across the text width."""
        total = sum(widths) or 1
        return [self.width * w / total for w in widths]

    def _table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        c = self.style.colors
        t = _Rows(self._cells(header, rows), colWidths=self._col_widths(widths), repeatRows=1, splitByRow=1, hAlign="LEFT")
        t.page_height = self.frame_height
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(c.table_header)),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(c.accent)),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(c.rule)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    *[(side, (0, 0), (-1, -1), pad) for side, pad in _CELL_PADDING],
                ]
            )
        )
        self.story.append(t)
        self.story.append(Spacer(1, 6))

    def _bullets(self, texts: list[str], ordered: bool = False) -> None:
        # Paragraphs with a bullet rather than a ListFlowable: the same look at a fraction of the layout cost.
        n = len(texts)
        self.story.extend(
            RLParagraph(self.m(t), self.st["bullet_last" if i == n else "bullet"], bulletText=f"{i}." if ordered else "•")
            for i, t in enumerate(texts, 1)
        )

    def title_block(self, title: str) -> None:
        m, st = self.m, self.st
        block: list[Flowable] = [RLParagraph(m(title), st["title"]), RLParagraph(m(self.brief.subtitle), st["subtitle"])]
        block += [RLParagraph(f"<b>{escape(k)}:</b> {m(v)}", st["meta"]) for k, v in title_lines(self.brief)]
        self.story.append(KeepTogether(block))
        self.story.append(Spacer(1, 8))

    def summary(self, title: str) -> None:
        m, st, c = self.m, self.st, self.style.colors
        self._heading(title, 1)
        if self.brief.summary_style == "bullets":
            inner: list[Any] = [RLParagraph(m(s.text), st["bullet"], bulletText="•") for s in self.brief.summary]
        else:
            inner = [RLParagraph(m(" ".join(s.text for s in self.brief.summary)), st["body"])]
        box = _Box([[inner]], colWidths=[self.width], splitInRow=1)
        box.page_height = self.frame_height
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(c.summary_fill)),
                    ("LINEBEFORE", (0, 0), (0, -1), 2.5, colors.HexColor(c.accent)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        self.story.append(box)

    def key_judgments(self, title: str) -> None:
        self._heading(title, 1)
        self._bullets([it.text for it in self.brief.key_judgments])

    def toc(self, title: str) -> None:
        self.story.append(RLParagraph(title, self.st["h1"]))
        for sec in self.brief.sections:
            indent = "&nbsp;" * 6 * (sec.level - 1)
            self.story.append(RLParagraph(indent + self.m(sec.title), self.st["meta"]))

    def heading(self, section: BriefSection) -> None:
        self._heading(section.title, section.level)

    def paragraph(self, block: Paragraph) -> None:
        self.story.append(RLParagraph(self.m(block.text), self.st["body"]))

    def bullet_list(self, block: BulletList) -> None:
        if block.lead_in:
            self.story.append(RLParagraph(self.m(block.lead_in.text), self.st["leadin"]))  # never alone at a page foot
        self._bullets([it.text for it in block.items], block.ordered)

    def table(self, block: Table) -> None:
        n = max(1, len(block.header) or max((len(r) for r in block.rows), default=1))
        self._table(list(block.header), [list(r) for r in block.rows], [1.0] * n)

    def findings_table(self, table: FindingsTable, header: list[str], rows: list[list[str]]) -> None:
        widths = [PDF_FINDINGS_WIDTHS[x] for x in table.columns]
        # The heading goes to a new page with the table's first row when that row would not fit under it: a
        # heading alone at a page foot, its table on the next page, reads as an empty table.
        # (A first row taller than half a page is split across pages anyway: no room is asked for it.)
        first = self._first_rows_height(header, rows[:1], widths)
        self._heading(table.title, 1, room=first if first <= self.frame_height / 2 else 0.0)
        self._table(header, rows, widths)

    def _first_rows_height(self, header: list[str], rows: list[list[str]], widths: list[float]) -> float:
        probe = RLTable(self._cells(header, rows), colWidths=self._col_widths(widths))
        probe.setStyle(TableStyle([(side, (0, 0), (-1, -1), pad) for side, pad in _CELL_PADDING]))
        return float(probe.wrap(self.width, self.frame_height)[1])

    def source_note(self, text: str) -> None:
        self.story.append(Spacer(1, 10))
        self.story.append(RLParagraph(self.m(text), self.st["note"]))

    def appendix(self, title: str, rows: list[tuple[str, str]]) -> None:
        self._heading(title, 1)
        self._table(list(APPENDIX_COLUMNS), [list(r) for r in rows], [1.2, 1.0])

    def finish(self) -> bytes:
        muted = colors.HexColor(self.style.colors.muted)
        try:
            self.doc.build(self.story, canvasmaker=_numbered_canvas(self.brief, self.font, muted, float(self.style.sizes.small)))
        except LayoutError as exc:
            raise RenderError(_layout_problem(str(exc), self.doc), self.style.path or "the default style") from None
        self.pages = self.doc.page
        return self.buf.getvalue()
