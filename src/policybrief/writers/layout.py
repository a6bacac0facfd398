"""The one layout every writer follows: the parts of a brief in order, their titles, and one traversal.

Each writer is a `BriefWriter` with one handler per part and per kind of block; `render` walks a Brief through
`PARTS` and calls them. Adding a part = one entry in PARTS, one abstract handler here, one handler per writer.
"""

from __future__ import annotations

import datetime as _dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from policybrief import clock
from policybrief.model import Brief, BriefSection, BulletList, FindingsTable, Paragraph, Sentence, Table
from policybrief.writers.style import Style

KEY_JUDGMENTS_TITLE = "Key judgments"
CONTENTS_TITLE = "Contents"
APPENDIX_TITLE = "Appendix: where each sentence comes from"
COLUMN_TITLES = {"item": "Item", "evidence": "Evidence from the essay", "section": "Discussed in"}
APPENDIX_COLUMNS = ("Sentence", "Place in the essay")
PDF_FINDINGS_WIDTHS = {"item": 2.0, "evidence": 3.6, "section": 1.4}
"""A findings table's columns, relative widths, in the PDF (and in its page estimate, `writers.measure`)."""
PDF_HEADING_SPACE = {1: (0.9, 4.0), 2: (0.7, 3.0)}
"""Per heading level in the PDF: space before (times the heading's size) and after (points)."""


class BriefWriter(ABC):
    """One output format: a handler per part of the brief, called in layout order, then `finish` for the bytes."""

    def __init__(self, brief: Brief, style: Style) -> None:
        self.brief = brief
        self.style = style
        self.pages: int | None = None
        """Pages of the finished file, for formats that have pages."""

    @abstractmethod
    def title_block(self, title: str) -> None:
        """Marking, title, subtitle, and the (label, value) lines of `title_lines`."""

    @abstractmethod
    def summary(self, title: str) -> None:
        """The executive summary (`brief.summary`, as `brief.summary_style` says)."""

    @abstractmethod
    def key_judgments(self, title: str) -> None:
        """The essay's key judgments as a list."""

    @abstractmethod
    def toc(self, title: str) -> None:
        """A table of contents of the brief's sections."""

    @abstractmethod
    def heading(self, section: BriefSection) -> None:
        """A section's heading (`section.level` 1 or 2)."""

    @abstractmethod
    def paragraph(self, block: Paragraph) -> None: ...

    @abstractmethod
    def bullet_list(self, block: BulletList) -> None:
        """A list and its lead-in (which must not be left alone at a page foot)."""

    @abstractmethod
    def table(self, block: Table) -> None:
        """A table of the essay."""

    @abstractmethod
    def findings_table(self, table: FindingsTable, header: list[str], rows: list[list[str]]) -> None:
        """A findings table under its title, with the cells of `cell_texts`."""

    @abstractmethod
    def source_note(self, text: str) -> None: ...

    @abstractmethod
    def appendix(self, title: str, rows: list[tuple[str, str]]) -> None:
        """Where each extracted sentence comes from (`appendix_rows`)."""

    @abstractmethod
    def finish(self) -> bytes:
        """The file's bytes."""

    # The composite parts: the same walk for every writer.

    def sections(self, title: str) -> None:
        for sec in self.brief.sections:
            self.heading(sec)
            for block in sec.blocks:
                if isinstance(block, Paragraph):
                    self.paragraph(block)
                elif isinstance(block, BulletList):
                    self.bullet_list(block)
                else:
                    self.table(block)

    def tables(self, title: str) -> None:
        for t in self.brief.tables:
            header, rows = cell_texts(t)
            self.findings_table(t, header, rows)


@dataclass(frozen=True)
class Part:
    """One part of a brief: its handler (given the writer and the part's title), its title, whether it is there."""

    name: str
    handler: Callable[[BriefWriter, str], None]
    title: Callable[[Brief], str]
    present: Callable[[Brief], bool]


PARTS: tuple[Part, ...] = (
    Part("title_block", lambda w, t: w.title_block(t), lambda b: b.title, lambda b: True),
    Part("summary", lambda w, t: w.summary(t), lambda b: b.summary_title, lambda b: bool(b.summary)),
    Part("key_judgments", lambda w, t: w.key_judgments(t), lambda b: KEY_JUDGMENTS_TITLE, lambda b: bool(b.key_judgments)),
    Part("toc", lambda w, t: w.toc(t), lambda b: CONTENTS_TITLE, lambda b: b.toc),
    Part("sections", lambda w, t: w.sections(t), lambda b: "", lambda b: True),
    Part("tables", lambda w, t: w.tables(t), lambda b: "", lambda b: True),
    Part("source_note", lambda w, t: w.source_note(w.brief.source_note), lambda b: "", lambda b: True),
    Part("appendix", lambda w, t: w.appendix(t, appendix_rows(w.brief)), lambda b: APPENDIX_TITLE, lambda b: b.appendix),
)
"""The order of a brief's parts and their titles; every writer renders them in this order."""


def render(writer: BriefWriter) -> bytes:
    """Walk the writer's brief through PARTS, then return its bytes."""
    for part in PARTS:
        if part.present(writer.brief):
            part.handler(writer, part.title(writer.brief))
    return writer.finish()


def title_lines(brief: Brief) -> list[tuple[str, str]]:
    """(label, value) pairs of the title block below the title and subtitle."""
    pairs = [("Prepared for", brief.audience), ("Date", brief.date), ("Organisation", brief.organisation)]
    return [(k, v) for k, v in pairs if v]


def cell_texts(table: FindingsTable) -> tuple[list[str], list[list[str]]]:
    """Header and body rows of a findings table, by the profile's columns."""
    header = [COLUMN_TITLES[c] for c in table.columns]
    rows = []
    for r in table.rows:
        cells = {"item": r.item.text, "evidence": " ".join(e.text for e in r.evidence), "section": r.section_title or r.section}
        rows.append([cells[c] for c in table.columns])
    return header, rows


def appendix_rows(brief: Brief) -> list[tuple[str, str]]:
    """(excerpt, place) for every extracted sentence, in print order, each listed once."""
    seen = set()
    out = []
    for s in brief.sentences():
        if s.ref in seen:
            continue
        seen.add(s.ref)
        out.append((excerpt(s), place(s)))
    return out


def excerpt(s: Sentence, n: int = 10) -> str:
    words = s.text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def place(s: Sentence) -> str:
    r = s.ref
    where = f"{r.section}, block {r.block + 1}"
    where += f", item {r.item + 1}" if r.item is not None else ""
    return f"{where}, sentence {r.sentence + 1} (chars {r.start}-{r.end})"


def fixed_time(brief: Brief) -> _dt.datetime:
    """The timestamp written into files: SOURCE_DATE_EPOCH if set, else the brief's date at midnight UTC."""
    fixed = clock.source_date()
    if fixed is not None:
        return fixed
    try:
        return _dt.datetime.fromisoformat(brief.date[:10]).replace(tzinfo=_dt.UTC)
    except ValueError:
        return _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
