"""The document model: plain frozen dataclasses, the contract between the pipeline's stages.

No I/O and no library types here. Every piece of essay text carries a `SourceRef` so that anything a brief
prints can be traced back to the essay.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Any, Literal, get_args

from policybrief.lang.cleanup import Cleanup
from policybrief.lang.roles import SECTION_ROLES, SectionRole
from policybrief.lang.words import count_words

ListRole = Literal["key_judgments", "recommendations", "drivers", "limitations", "other"]
"""What a bullet list is."""
LIST_ROLES: tuple[ListRole, ...] = get_args(ListRole)
TableKind = Literal["limitations", "drivers", "key_judgments", "recommendations"]
"""The findings tables a profile can ask for (each from the lists of the same role)."""
TABLE_KINDS: tuple[TableKind, ...] = get_args(TableKind)


@dataclass(frozen=True)
class SourceRef:
    """Where a piece of text sits in the essay."""

    section: str
    """Id of the section that holds it."""
    block: int
    """Index of its block within that section's own blocks (0-based)."""
    sentence: int
    """Index of the sentence within its paragraph or list item; for a list item, the item's index."""
    start: int
    """Character offset of its first character in the source text (as read and decoded)."""
    end: int
    """Character offset just past its last character in the source text."""
    item: int | None = None
    """For text inside a list item: the item's index in its list (then `sentence` counts within the item)."""


@dataclass(frozen=True)
class Sentence:
    """One sentence, after clean-up, with its place in the source."""

    text: str
    """The sentence as it will be printed (clean-ups applied, never reworded)."""
    ref: SourceRef
    """Where it came from."""

    @cached_property
    def words(self) -> int:
        """Words as a reader counts them (counted once: budgets and condensing ask many times)."""
        return count_words(self.text)


@dataclass(frozen=True)
class Paragraph:
    """A run of prose."""

    sentences: tuple[Sentence, ...]
    """Its sentences in order."""
    kind: Literal["paragraph", "caption"] = "paragraph"

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class Caption(Paragraph):
    """A figure or table caption, or a "Source: ..." / "Notes: ..." line: text of the essay, but not its argument.

    A paragraph to everything that lays text out; the analysis leaves it out (no summary, finding or condensed body
    quotes it), so a brief never carries a caption torn from its figure.
    """

    kind: Literal["paragraph", "caption"] = "caption"


@dataclass(frozen=True)
class ListItem:
    """One bullet or numbered item; it may hold several sentences."""

    sentences: tuple[Sentence, ...]
    """Its sentences in order (most items are one)."""
    ref: SourceRef
    """The whole item's place; `ref.sentence` is the item's index in its list."""
    marker: str = ""
    """The bullet or number as written ("•", "2)"); structure, not words of the essay."""

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass(frozen=True)
class BulletList:
    """A bullet or numbered list, with the line that introduces it."""

    items: tuple[ListItem, ...]
    """The items in order."""
    lead_in: Sentence | None = None
    """The sentence that introduces it ("These include the following:"), if any."""
    ordered: bool = False
    """True for numbered lists."""
    role: ListRole = "other"
    """What the list is: key judgments, drivers, limitations or other."""
    kind: Literal["list"] = "list"


@dataclass(frozen=True)
class Table:
    """A table as found in the essay: a header row and body rows of plain cell text."""

    header: tuple[str, ...]
    """Header cells (may be empty)."""
    rows: tuple[tuple[str, ...], ...]
    """Body rows."""
    ref: SourceRef
    """Where the table sits."""
    kind: Literal["table"] = "table"
    caption: Sentence | None = None
    """Its title as the essay writes it just before it ("Table 2. Risks by Type"), if any."""


Block = Paragraph | BulletList | Table


@dataclass(frozen=True)
class Section:
    """A heading and what follows it up to the next heading of the same or a higher level."""

    id: str
    """Stable slug of the title, unique within the document (`overview` for text before the first heading)."""
    title: str
    """The heading text, cleaned of stray whitespace and numbering marks."""
    level: int
    """1 for top-level headings, 2 for their subsections, and so on."""
    blocks: tuple[Block, ...]
    """Paragraphs, lists and tables directly under this heading (not those of subsections)."""
    subsections: tuple[Section, ...] = ()
    """Nested sections."""
    heading_ref: SourceRef | None = None
    """Where the heading line itself sits (None for the opening section, which has no heading)."""
    role: SectionRole = "analysis"
    """What the section does: summary, introduction, background, analysis, findings, limitations,
    recommendations, conclusion, methodology or back-matter (left out of briefs and summaries by default)."""

    def walk(self) -> Iterator[Section]:
        """This section, then every subsection depth-first, in source order."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()

    @cached_property
    def own_words(self) -> int:
        return sum(block_words(b) for b in self.blocks)

    @cached_property
    def words(self) -> int:
        """Words in this section and its subsections (headings not counted)."""
        return self.own_words + sum(s.words for s in self.subsections)


@dataclass(frozen=True)
class Document:
    """An essay read into sections."""

    title: str
    """From metadata, the first heading of a Markdown file, or the Title style of a .docx; else the file name."""
    metadata: tuple[tuple[str, str], ...]
    """Front matter or sidecar metadata (organisation, date, author...) as sorted key/value pairs."""
    sections: tuple[Section, ...]
    """Top-level sections in source order."""
    source: str
    """The source text, as decoded; every `SourceRef` offset points into it."""
    path: str = ""
    """The file it was read from."""
    format: str = "text"
    """Which reader read it: `text`, `markdown` or `docx`."""
    cleanups: tuple[Cleanup, ...] = ()
    """Every clean-up applied, in source order."""
    notes: tuple[str, ...] = ()
    """Things the reader wants the user to know (such as a fallback decoding)."""

    def meta(self, key: str, default: str = "") -> str:
        return dict(self.metadata).get(key, default)

    def walk(self) -> Iterator[Section]:
        for s in self.sections:
            yield from s.walk()

    def section(self, sid: str) -> Section | None:
        return next((s for s in self.walk() if s.id == sid), None)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.sections) + sum(count_words(s.title) for s in self.walk() if s.heading_ref)

    def with_roles(self, roles: dict[str, SectionRole]) -> Document:
        """The same document with these sections' roles replaced (by id); subsections whose role was inherited
        from a changed parent follow it."""
        if not roles:
            return self

        def redo(sec: Section, parent_old: SectionRole | None, parent_new: SectionRole | None) -> Section:
            role = roles.get(sec.id)
            if role is None:
                inherited = parent_old is not None and sec.role == parent_old and parent_new is not None
                role = parent_new if inherited and parent_new is not None else sec.role
            subs = tuple(redo(s, sec.role, role) for s in sec.subsections)
            return replace(sec, role=role, subsections=subs)

        return replace(self, sections=tuple(redo(s, None, None) for s in self.sections))

    def lists(self) -> Iterator[tuple[Section, BulletList]]:
        for sec in self.walk():
            for b in sec.blocks:
                if isinstance(b, BulletList):
                    yield sec, b

    def to_dict(self) -> dict[str, Any]:
        """A plain-data dump, for golden tests and JSON."""
        return asdict(self)


def block_words(block: Block) -> int:
    """Words a block holds, lead-ins and table cells included."""
    if isinstance(block, Paragraph):
        return sum(s.words for s in block.sentences)
    if isinstance(block, BulletList):
        lead = block.lead_in.words if block.lead_in else 0
        return lead + sum(s.words for it in block.items for s in it.sentences)
    cells = list(block.header) + [c for row in block.rows for c in row]
    return sum(count_words(c) for c in cells) + (block.caption.words if block.caption else 0)


def block_sentences(block: Block) -> Iterator[Sentence]:
    """Every sentence of a block in order (tables have none)."""
    if isinstance(block, Paragraph):
        yield from block.sentences
    elif isinstance(block, BulletList):
        if block.lead_in:
            yield block.lead_in
        for it in block.items:
            yield from it.sentences


# ---------------------------------------------------------------------------------------------- the brief


@dataclass(frozen=True)
class BriefSection:
    """One section as this audience reads it."""

    id: str
    """The essay section's id."""
    title: str
    """The essay section's title."""
    level: int
    """Heading level in the brief (1 or 2)."""
    blocks: tuple[Block, ...]
    """What is kept: paragraphs of kept sentences, lists and tables, in source order."""
    words_before: int = 0
    """Words the section had in the essay."""
    condensed: bool = False
    """True if sentences were left out to meet the budget."""

    @property
    def words(self) -> int:
        return sum(block_words(b) for b in self.blocks)


@dataclass(frozen=True)
class FindingRow:
    """One row of a findings table: an item as written, the essay's evidence for it, and where."""

    item: Sentence
    """The list item (or the stated limitation) as written in the essay."""
    evidence: tuple[Sentence, ...]
    """One or two sentences of the essay that discuss it."""
    section: str
    """Id of the section where the item is listed (or stated)."""
    section_title: str = ""
    """That section's title."""
    context: str = ""
    """The list's lead-in or the heading the item came from ("Drawbacks: Method A" when a heading repeats)."""
    source: str = "list"
    """Where the row comes from: `list`, `prose` or `table`."""


@dataclass(frozen=True)
class FindingsTable:
    """A table of limitations, drivers or key judgments."""

    kind: TableKind
    """`limitations`, `drivers` or `key_judgments`."""
    title: str
    """Caption, from the profile."""
    columns: tuple[str, ...]
    """Which columns to show, from `item`, `evidence`, `section`."""
    rows: tuple[FindingRow, ...]


@dataclass(frozen=True)
class Brief:
    """What one audience reads, in order; writers see only this."""

    title: str
    subtitle: str
    audience: str
    """Who it is for (from the profile)."""
    profile_id: str
    marking: str
    """Handling banner for header and footer; may be empty."""
    date: str
    organisation: str
    summary: tuple[Sentence, ...]
    """Executive summary: real sentences of the essay, in source order."""
    summary_style: Literal["paragraph", "bullets"]
    key_judgments: tuple[ListItem, ...]
    """The essay's key judgments, if the profile shows them."""
    sections: tuple[BriefSection, ...]
    tables: tuple[FindingsTable, ...]
    source_note: str
    """Essay title, date and file, from the document's metadata."""
    essay_id: str = "essay"
    """Slug of the essay's file name, for output names."""
    author: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en"
    toc: bool = False
    """Write a table of contents."""
    appendix: bool = False
    """Append a map from each extracted sentence to its place in the essay."""
    summary_title: str = "Executive summary"
    warnings: tuple[str, ...] = ()
    """What the user should know about this cut (such as a profile that matched nothing here); never printed in it."""

    @property
    def body_words(self) -> int:
        return sum(s.words for s in self.sections)

    def sentences(self) -> Iterator[Sentence]:
        """Every essay sentence the brief prints, in print order."""
        yield from self.summary
        for it in self.key_judgments:
            yield from it.sentences
        for sec in self.sections:
            for b in sec.blocks:
                yield from block_sentences(b)
        for t in self.tables:
            for r in t.rows:
                yield r.item
                yield from r.evidence

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


__all__ = [
    "Block",
    "Brief",
    "BriefSection",
    "BulletList",
    "Caption",
    "Cleanup",
    "Document",
    "FindingRow",
    "FindingsTable",
    "ListItem",
    "Paragraph",
    "Section",
    "Sentence",
    "SourceRef",
    "Table",
    "TableKind",
    "SectionRole",
    "SECTION_ROLES",
    "TABLE_KINDS",
    "ListRole",
    "LIST_ROLES",
    "block_sentences",
    "block_words",
]
