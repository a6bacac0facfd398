"""PDF briefs through reportlab platypus, styled by a style file (page size, margins, fonts, sizes, colours).

Fonts are DejaVu (Latin, Greek, Cyrillic), embedded and subset; CJK text switches to an embeddable TrueType
CJK font (Droid Sans Fallback) registered only when the brief has CJK characters. Every piece of essay text is
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
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as _RLParagraph
from reportlab.platypus import Table as RLTable

from policybrief.errors import RenderError
from policybrief.model import Brief, BulletList, Paragraph, Table
from policybrief.writers.layout import appendix_rows, cell_texts, title_lines


class RLParagraph(_RLParagraph):
    """A Paragraph that remembers its line breaks for a width: a table that splits over pages wraps every
    remaining cell again at each page, and re-breaking the same text at the same width was most of a brief's cost."""

    _wrapped_for: tuple[float, float, float] | None = None

    def wrap(self, availWidth, availHeight):  # noqa: ANN001, ANN201, N803
        memo = self._wrapped_for
        if memo is not None and memo[0] == availWidth and "blPara" in self.__dict__:
            self.width, self.height = memo[1], memo[2]
            return memo[1], memo[2]
        w, h = super().wrap(availWidth, availHeight)
        self._wrapped_for = (availWidth, w, h)
        return w, h


CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+")
CJK_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
)
_FAMILIES = {
    "sans": ("rinoh_typeface_dejavusans", "DejaVuSans", ("", "-Bold", "-Oblique", "-BoldOblique")),
    "serif": ("rinoh_typeface_dejavuserif", "DejaVuSerif", ("", "-Bold", "-Italic", "-BoldItalic")),
}
_registered: set[str] = set()


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
    name = "PB-CJK"
    if name in _registered:
        return name
    candidates = [path] if path else list(CJK_FONTS)
    for cand in candidates:
        if cand and Path(cand).is_file():
            pdfmetrics.registerFont(TTFont(name, cand))
            _registered.add(name)
            return name
    raise RenderError(
        "the brief has Chinese/Japanese/Korean text but no CJK font was found: install Debian's "
        "fonts-droid-fallback or set fonts.cjk in the style file"
    )


class _Markup:
    """Escapes essay text for reportlab's mini-markup and switches CJK runs to the CJK font."""

    def __init__(self, cjk_font: str | None) -> None:
        self.cjk = cjk_font

    def __call__(self, text: str) -> str:
        if not self.cjk:
            return escape(text)
        out, pos = [], 0
        for m in CJK.finditer(text):
            out.append(escape(text[pos : m.start()]))
            out.append(f'<font name="{self.cjk}">{escape(m.group())}</font>')
            pos = m.end()
        out.append(escape(text[pos:]))
        return "".join(out)


class _Heading(RLParagraph):
    def __init__(self, text: str, style: ParagraphStyle, title: str, level: int) -> None:
        super().__init__(text, style)
        self.outline = (title, level)


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


def _numbered_canvas(brief: Brief, font: str, color: Any, size: float):  # noqa: ANN202
    class NumberedCanvas(rl_canvas.Canvas):
        """Defers each page so that the footer can say "Page X of Y"."""

        def __init__(self, *a: Any, **k: Any) -> None:
            super().__init__(*a, **k)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize
            self.saveState()
            self.setFillColor(color)
            if brief.marking:
                self.setFont(f"{font}-B", size)
                self.drawCentredString(w / 2, h - 12 * mm, brief.marking)
                self.drawCentredString(w / 2, 8 * mm, brief.marking)
            self.setFont(font, size)
            self.drawRightString(w - 18 * mm, 12 * mm, f"Page {self._pageNumber} of {total}")
            self.drawString(18 * mm, 12 * mm, brief.subtitle[:80])
            self.restoreState()

    return NumberedCanvas


def _styles(style: dict[str, Any], font: str) -> dict[str, ParagraphStyle]:
    sizes = {"title": 20, "subtitle": 12, "h1": 14, "h2": 12, "body": 10, "small": 8, **style.get("sizes", {})}
    c = {"accent": "#1F3B5B", "text": "#1A1A1A", "muted": "#555555", **style.get("colors", {})}
    accent = colors.HexColor(c["accent"])
    text = colors.HexColor(c["text"])
    body = ParagraphStyle("body", fontName=font, fontSize=sizes["body"], leading=sizes["body"] * 1.4,
                          textColor=text, spaceAfter=sizes["body"] * 0.6)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=16, bulletIndent=4, bulletFontName=font,
                            spaceAfter=sizes["body"] * 0.35)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=f"{font}-B", fontSize=sizes["title"],
                                leading=sizes["title"] * 1.2, textColor=accent, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=sizes["subtitle"],
                                   leading=sizes["subtitle"] * 1.3, textColor=colors.HexColor(c["muted"]), spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=body, fontName=f"{font}-B", fontSize=sizes["h1"], leading=sizes["h1"] * 1.3,
                             textColor=accent, spaceBefore=sizes["h1"] * 0.9, spaceAfter=4, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=body, fontName=f"{font}-B", fontSize=sizes["h2"], leading=sizes["h2"] * 1.3,
                             textColor=accent, spaceBefore=sizes["h2"] * 0.7, spaceAfter=3, keepWithNext=1),
        "body": body,
        "meta": ParagraphStyle("meta", parent=body, fontSize=sizes["small"] + 1, leading=(sizes["small"] + 1) * 1.35,
                               spaceAfter=1),
        "cell": ParagraphStyle("cell", parent=body, fontSize=sizes["small"] + 0.5, leading=(sizes["small"] + 0.5) * 1.3,
                               spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName=f"{font}-B", fontSize=sizes["small"] + 0.5,
                                   leading=(sizes["small"] + 0.5) * 1.3, spaceAfter=0, textColor=accent),
        "note": ParagraphStyle("note", parent=body, fontSize=sizes["small"],
                               leading=sizes["small"] * 1.35, textColor=colors.HexColor(c["muted"])),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "bullet": bullet,
        "bullet_last": ParagraphStyle("bullet_last", parent=bullet, spaceAfter=body.spaceAfter),  # a list ends like a paragraph
        "leadin": ParagraphStyle("leadin", parent=body, keepWithNext=1),
    }


def render(brief: Brief, style: dict[str, Any]) -> bytes:
    font = _register_family(str(style.get("font", "sans")))
    all_text = " ".join(
        [brief.title, brief.subtitle, brief.audience, brief.organisation, brief.source_note]
        + [s.text for s in brief.sentences()]
        + [sec.title for sec in brief.sections]
        + [c for sec in brief.sections for b in sec.blocks if isinstance(b, Table) for row in (b.header, *b.rows) for c in row]
    )
    cjk = _register_cjk(style.get("fonts", {}).get("cjk")) if CJK.search(all_text) else None
    m = _Markup(cjk)
    st = _styles(style, font)
    c = {"accent": "#1F3B5B", "summary_fill": "#EAF0F6", "rule": "#9AAABB", "table_header": "#DCE4EE",
         **style.get("colors", {})}
    page = LETTER if str(style.get("page", "A4")).lower() == "letter" else A4
    mg = {"top": 22, "bottom": 22, "left": 20, "right": 20, **style.get("margins_mm", {})}
    buf = io.BytesIO()
    doc = _Doc(
        buf, pagesize=page, leftMargin=mg["left"] * mm, rightMargin=mg["right"] * mm, topMargin=mg["top"] * mm,
        bottomMargin=mg["bottom"] * mm, title=brief.title, author=brief.author or "policybrief",
        subject=brief.subtitle, keywords=", ".join(brief.keywords), creator="policybrief", lang=brief.language,
        invariant=1, initialFontName=font,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    width = doc.width
    story: list[Any] = []
    level_of = {1: 0, 2: 1}

    def heading(title: str, level: int) -> None:
        story.append(_Heading(m(title), st["h1" if level == 1 else "h2"], title, level_of.get(level, 1)))

    def table(header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        data = [[RLParagraph(m(h), st["cellhead"]) for h in header]]
        data += [[RLParagraph(m(cell), st["cell"]) for cell in row] for row in rows]
        total = sum(widths) or 1
        t = RLTable(data, colWidths=[width * w / total for w in widths], repeatRows=1, splitByRow=1, splitInRow=1, hAlign="LEFT")
        t.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(c["table_header"])),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(c["accent"])),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(c["rule"])),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        story.append(t)
        story.append(Spacer(1, 6))

    def bullets(texts: list[str], ordered: bool = False) -> None:
        # Paragraphs with a bullet rather than a ListFlowable: the same look at a fraction of the layout cost.
        n = len(texts)
        story.extend(
            RLParagraph(m(t), st["bullet_last" if i == n else "bullet"], bulletText=f"{i}." if ordered else "•")
            for i, t in enumerate(texts, 1)
        )

    # Title block
    block = [RLParagraph(m(brief.title), st["title"]), RLParagraph(m(brief.subtitle), st["subtitle"])]
    block += [RLParagraph(f"<b>{escape(k)}:</b> {m(v)}", st["meta"]) for k, v in title_lines(brief)]
    story.append(KeepTogether(block))
    story.append(Spacer(1, 8))
    if brief.summary:
        heading(brief.summary_title, 1)
        if brief.summary_style == "bullets":
            inner: list[Any] = [RLParagraph(m(s.text), st["bullet"], bulletText="•") for s in brief.summary]
        else:
            inner = [RLParagraph(m(" ".join(s.text for s in brief.summary)), st["body"])]
        box = RLTable([[inner]], colWidths=[width])
        box.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(c["summary_fill"])),
            ("LINEBEFORE", (0, 0), (0, -1), 2.5, colors.HexColor(c["accent"])),
            ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
            ("TOPPADDING", (0, 0), (-1, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        story.append(box)
    if brief.key_judgments:
        heading("Key judgments", 1)
        bullets([it.text for it in brief.key_judgments])
    if brief.toc:
        story.append(RLParagraph("Contents", st["h1"]))
        for sec in brief.sections:
            indent = "&nbsp;" * 6 * (sec.level - 1)
            story.append(RLParagraph(indent + m(sec.title), st["meta"]))
    for sec in brief.sections:
        heading(sec.title, sec.level)
        for b in sec.blocks:
            if isinstance(b, Paragraph):
                story.append(RLParagraph(m(b.text), st["body"]))
            elif isinstance(b, BulletList):
                if b.lead_in:
                    story.append(RLParagraph(m(b.lead_in.text), st["leadin"]))  # never alone at a page foot
                bullets([it.text for it in b.items], b.ordered)
            elif isinstance(b, Table):
                n = max(1, len(b.header) or max((len(r) for r in b.rows), default=1))
                table(list(b.header), [list(r) for r in b.rows], [1.0] * n)
    col_w = {"item": 2.0, "evidence": 3.6, "section": 1.4}
    for t in brief.tables:
        heading(t.title, 1)
        header, rows = cell_texts(t)
        table(header, rows, [col_w[x] for x in t.columns])
    story.append(Spacer(1, 10))
    story.append(RLParagraph(m(brief.source_note), st["note"]))
    if brief.appendix:
        heading("Appendix: where each sentence comes from", 1)
        table(["Sentence", "Place in the essay"], [list(r) for r in appendix_rows(brief)], [1.2, 1.0])
    muted = colors.HexColor(c.get("muted", "#555555"))
    try:
        doc.build(story, canvasmaker=_numbered_canvas(brief, font, muted, float(style.get("sizes", {}).get("small", 8))))
    except Exception as exc:
        if type(exc).__name__ == "LayoutError":
            raise RenderError(f"PDF layout failed: {str(exc).splitlines()[0][:160]}") from None
        raise
    return buf.getvalue()
