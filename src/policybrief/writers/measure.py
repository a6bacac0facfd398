"""How many PDF pages a brief will fill, estimated in a millisecond: the same walk as the PDF writer, with each
paragraph's lines counted from its length instead of laid out. It lets a profile ask for a page budget (principals:
one page) without rendering the PDF again and again.

The sizes mirror `writers.pdf` (leading, space before and after, paddings). Text width is estimated from an average
character width of CHAR_EM times the font size; the estimate is checked against real PDFs by bench/page_fit.py.
"""

from __future__ import annotations

import math

from policybrief.model import Brief, BriefSection, BulletList, FindingsTable, Paragraph, Table
from policybrief.writers.layout import PDF_FINDINGS_WIDTHS, PDF_HEADING_SPACE, BriefWriter, render, title_lines
from policybrief.writers.style import PAGE_MM, Style

CHAR_EM = 0.53
"""Average width of a character of running text, in ems of the font size (DejaVu Sans, the default font)."""
_PT_PER_MM = 72 / 25.4


class Measure(BriefWriter):
    """Adds up the height of everything the PDF writer would draw, in points."""

    def __init__(self, brief: Brief, style: Style) -> None:
        super().__init__(brief, style)
        w, h = PAGE_MM[style.page]
        mg = style.margins
        self.width = (w - mg.left - mg.right) * _PT_PER_MM
        self.height = (h - mg.top - mg.bottom) * _PT_PER_MM
        self.used = 0.0
        s = style.sizes
        self.body, self.small = s.body, s.small

    def _text(self, text: str, size: float, leading: float, width: float | None = None, after: float = 0.0) -> float:
        per_line = max(1, int((width or self.width) / (CHAR_EM * size)))
        lines = max(1, math.ceil(len(text) * 1.04 / per_line))  # words do not break: a line is a little short
        return lines * leading + after

    def _add(self, points: float) -> None:
        self.used += points

    def _heading(self, text: str, level: int) -> None:
        size = self.style.sizes.h1 if level == 1 else self.style.sizes.h2
        before, after = PDF_HEADING_SPACE[1 if level == 1 else 2]
        self._add(size * before + self._text(text, size * 1.08, size * 1.3, after=after))

    def _para(self, text: str) -> None:
        self._add(self._text(text, self.body, self.body * 1.4, after=self.body * 0.6))

    def _bullets(self, texts: list[str]) -> None:
        for t in texts:
            self._add(self._text(t, self.body, self.body * 1.4, self.width - 16, self.body * 0.35))
        self._add(self.body * 0.25)

    def _table(self, rows: list[list[str]], widths: list[float]) -> None:
        total = sum(widths) or 1.0
        size = self.small + 0.5
        for row in rows:
            cells = [self._text(c, size, size * 1.3, self.width * w / total - 8) for c, w in zip(row, widths, strict=False)]
            self._add(max(cells, default=0.0) + 6)
        self._add(6)

    def title_block(self, title: str) -> None:
        s = self.style.sizes
        self._add(self._text(title, s.title * 1.08, s.title * 1.2, after=4))
        self._add(self._text(self.brief.subtitle, s.subtitle, s.subtitle * 1.3, after=8))
        for k, v in title_lines(self.brief):
            self._add(self._text(f"{k}: {v}", self.small + 1, (self.small + 1) * 1.35, after=1))
        self._add(8)

    def summary(self, title: str) -> None:
        self._heading(title, 1)
        if self.brief.summary_style == "bullets":
            for s in self.brief.summary:
                self._add(self._text(s.text, self.body, self.body * 1.4, self.width - 36, self.body * 0.35))
        else:
            text = " ".join(s.text for s in self.brief.summary)
            self._add(self._text(text, self.body, self.body * 1.4, self.width - 20, self.body * 0.6))
        self._add(12)

    def key_judgments(self, title: str) -> None:
        self._heading(title, 1)
        self._bullets([it.text for it in self.brief.key_judgments])

    def toc(self, title: str) -> None:
        self._heading(title, 1)
        self._add(len(self.brief.sections) * (self.small + 1) * 1.35)

    def heading(self, section: BriefSection) -> None:
        self._heading(section.title, section.level)

    def paragraph(self, block: Paragraph) -> None:
        self._para(block.text)

    def bullet_list(self, block: BulletList) -> None:
        if block.lead_in:
            self._para(block.lead_in.text)
        self._bullets([it.text for it in block.items])

    def table(self, block: Table) -> None:
        n = max(1, len(block.header) or max((len(r) for r in block.rows), default=1))
        self._table([list(block.header), *[list(r) for r in block.rows]], [1.0] * n)

    def findings_table(self, table: FindingsTable, header: list[str], rows: list[list[str]]) -> None:
        self._heading(table.title, 1)
        self._table([header, *rows], [PDF_FINDINGS_WIDTHS[c] for c in table.columns])

    def source_note(self, text: str) -> None:
        self._add(10 + self._text(text, self.small, self.small * 1.35))

    def appendix(self, title: str, rows: list[tuple[str, str]]) -> None:
        self._heading(title, 1)
        self._table([["", ""], *[list(r) for r in rows]], [1.2, 1.0])

    def finish(self) -> bytes:
        return b""


def pages(brief: Brief, style: Style) -> float:
    """The PDF's estimated length in pages (fractional: 0.9 fills nine tenths of the first page)."""
    m = Measure(brief, style)
    render(m)
    return m.used / m.height
