"""Raw elements -> Document: clean-ups, sentences with source offsets, nested sections, lead-ins, list roles,
captions and back matter.

Every piece of text goes through the same steps: markup clean-ups (`lang.markup`, for Markdown and plain text; a
reader may have made them already), sentence splitting, text clean-ups (`lang.cleanup`), and then the difference
between the final text and the source is reported as `Cleanup`s. Captions become `Caption` blocks (or the caption
of the table they head); back matter found by its content (`readers.backmatter`) is gathered into back-matter
sections at the end of the document, unless it already sits in one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace

from policybrief.lang import markup, roles
from policybrief.lang.cleanup import Edit, edits
from policybrief.lang.roles import SectionRole
from policybrief.lang.sentences import split_spans
from policybrief.lang.words import slugify
from policybrief.model import (
    Block,
    BulletList,
    Caption,
    Cleanup,
    Document,
    ListItem,
    Paragraph,
    Section,
    Sentence,
    SourceRef,
    Table,
)
from policybrief.readers import backmatter
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable

OPENING_ID = "overview"
BACK_MATTER_TITLES = {"contents": "Contents", "notes": "Notes", "disclaimer": "Disclaimer"}
"""The sections that gather back matter found by its content, in the order they close the document."""


@dataclass
class _Open:
    id: str
    title: str
    level: int
    heading_ref: SourceRef | None
    marked_level: int = 1
    """The level as the reader gave it, before clamping: later headings are compared with this, so a document that
    skips levels (`#` title, `####` sections, `######` subsections) still nests them right."""
    role: SectionRole = "analysis"
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    # Raw text of each block, for classifying lists once the section is complete.
    pending_lists: list[tuple[int, str, str, list[str]]] = field(default_factory=list)
    passes: SectionRole | None = None
    """In a flat outline, the role this section hands on to the sections after it (see `_passed_role`)."""


class _Builder:
    """Turns pieces into sentences and blocks, collecting every clean-up made on the way and the section ids taken."""

    def __init__(self, raw: RawDocument, fmt: str) -> None:
        self.raw = raw
        self.fmt = fmt
        self.cleanups: list[Cleanup] = []
        self.ids: set[str] = set()

    # ------------------------------------------------------------------ clean-ups

    def strip(self, piece: Piece, *, heading: bool = False, code: bool = False) -> Piece:
        """The piece with its markup clean-ups made (once; none for .docx text or code)."""
        if piece.stripped or code or self.fmt == "docx":
            return replace(piece, stripped=True)
        found = markup.edits(piece.text, markdown=self.fmt == "markdown", heading=heading)
        return replace(piece.apply(found), stripped=True)

    def stripped(self, el: RawElement) -> RawElement:
        """The element with the markup clean-ups of all its pieces made (captions and back matter are told apart
        on the cleaned text)."""
        if isinstance(el, RawHeading):
            return RawHeading(self.strip(el.piece, heading=True), el.level)
        if isinstance(el, RawPara):
            return RawPara(self.strip(el.piece, code=el.code), el.code, el.tag)
        if isinstance(el, RawList):
            lead = self.strip(el.lead_in) if el.lead_in else None
            return RawList([self.strip(p) for p in el.items], el.ordered, lead, el.markers, el.context, el.tag)
        return RawTable([self.strip(c) for c in el.header], [[self.strip(c) for c in row] for row in el.rows], el.offset, el.end)

    def sentences(self, piece: Piece, sec: str, block: int, item: int | None, *, whole: bool = False) -> tuple[Sentence, ...]:
        """The piece's sentences (one when `whole`), text clean-ups made, every change reported."""
        spans = [piece.strip(0, len(piece.text))] if whole else split_spans(piece.text)
        spans = [(a, b) for a, b in spans if a < b]
        changes: list[Edit] = []
        bounds: list[tuple[int, int]] = []
        for a, b in spans:
            found = [Edit(e.start + a, e.end + a, e.replacement, e.kind) for e in edits(piece.text[a:b])]
            changes += found
            bounds.append((len(changes) - len(found), len(changes)))
        final = piece.apply(changes)
        cuts: set[int] = set()
        shift = 0
        text_spans = []
        for (a, b), (lo, hi) in zip(spans, bounds, strict=True):
            ta = a + shift
            shift += sum(len(e.replacement) - (e.end - e.start) for e in changes[lo:hi])
            text_spans.append((ta, b + shift))
            cuts |= {ta, b + shift}
        regions = [(a, b) for a, b, _ in final.regions(cuts) if b > a]
        starts = [a for a, _ in regions]

        def snap(pos: int, *, end: bool) -> int:
            """A sentence's edge inside a changed region moves to the region's edge: the region is reported whole."""
            k = bisect.bisect_right(starts, pos - 1 if end else pos) - 1
            if k >= 0 and regions[k][0] < pos < regions[k][1]:
                return regions[k][1] if end else regions[k][0]
            return pos

        out = []
        for k, (ta, tb) in enumerate(text_spans):
            start, stop = snap(final.source_at(ta), end=False), snap(final.source_end(tb), end=True)
            out.append(Sentence(final.text[ta:tb], SourceRef(sec, block, k, start, stop, item)))
        self.report(final, [(s.ref.start, s.ref.end) for s in out], cuts)
        return tuple(out)

    def text(self, piece: Piece) -> str:
        """A piece as one cleaned string (a table cell, a title), its clean-ups reported."""
        a, b = piece.strip(0, len(piece.text))
        found = [Edit(e.start + a, e.end + a, e.replacement, e.kind) for e in edits(piece.text[a:b])]
        final = piece.apply(found)
        self.cleanups += final.cleanups(self.raw.source)
        return final.text.strip()

    def report(self, final: Piece, spans: list[tuple[int, int]], cuts: Collection[int] = ()) -> None:
        """Report the piece's clean-ups; white space and quote marks between two sentences are structure, not text."""
        starts = [s for s, _ in spans]

        def keep(a: int, b: int, before: str, after: str) -> bool:
            k = bisect.bisect_right(starts, max(a, b - 1)) - 1
            inside = k >= 0 and spans[k][0] < max(b, a + 1) and a < spans[k][1]
            return inside or bool(before.strip(" \t\r\n\u00a0>")) or bool(after.strip())

        self.cleanups += final.cleanups(self.raw.source, keep, cuts)

    def unique_id(self, title: str) -> str:
        base = slugify(title)
        sid, n = base, 2
        while sid in self.ids:
            sid, n = f"{base}-{n}", n + 1
        self.ids.add(sid)
        return sid

    # ------------------------------------------------------------------ blocks

    def block(self, el: RawElement, sec: str, idx: int) -> Block | None:
        """The block an element becomes in section `sec` at index `idx` (None when it holds no text)."""
        if isinstance(el, RawPara):
            sents = self.sentences(el.piece, sec, idx, None)
            if not sents:
                return None
            return Caption(sents) if el.tag == "caption" else Paragraph(sents)
        if isinstance(el, RawList):
            items = []
            for k, piece in enumerate(el.items):
                sents = self.sentences(piece, sec, idx, k)
                if sents:
                    marker = el.markers[k] if k < len(el.markers) else ""
                    ref = SourceRef(sec, idx, k, piece.start, piece.end, k)
                    items.append(ListItem(sents, ref, marker))
            lead = None
            if el.lead_in:
                ls = self.sentences(el.lead_in, sec, idx, None, whole=True)
                lead = ls[0] if ls else None
            return BulletList(tuple(items), lead, el.ordered) if items else None
        if isinstance(el, RawTable):
            # Every row as wide as the widest (a converter's header row can span two columns with one cell): a
            # writer gives each column its share of the page, and a row with more cells than columns ran off it.
            width = max([len(el.header), *(len(r) for r in el.rows)])
            header = tuple(self.text(c) for c in el.header) + ("",) * (width - len(el.header)) if el.header else ()
            rows = tuple(tuple(self.text(c) for c in row) + ("",) * (width - len(row)) for row in el.rows)
            caption = None
            if el.caption is not None:
                cs = self.sentences(el.caption.piece, sec, idx, None, whole=True)
                caption = cs[0] if cs else None
            return Table(header, rows, SourceRef(sec, idx, 0, el.offset, el.end, None), caption=caption)
        return None


def _split_lead_in(elements: list[RawElement]) -> list[RawElement]:
    """Move a paragraph's closing "...include the following:" sentence onto the list right after it."""
    out: list[RawElement] = []
    for el in elements:
        prev = out[-1] if out else None
        if isinstance(el, RawList) and el.lead_in is None and isinstance(prev, RawPara) and not prev.tag and not el.tag:
            piece = prev.piece
            spans = split_spans(piece.text)
            if spans and piece.text[spans[-1][0] : spans[-1][1]].rstrip().endswith(":"):
                a, b = spans[-1]
                el.lead_in = piece.slice(a, len(piece.text))
                rest = piece.text[:a]
                if rest.strip():
                    out[-1] = RawPara(piece.slice(0, a), prev.code)
                    el.context = piece.text[spans[-2][0] : spans[-2][1]] if len(spans) > 1 else ""
                else:
                    el.lead_in = piece
                    out.pop()
        out.append(el)
    return out


def _join_captions(elements: list[RawElement]) -> list[RawElement]:
    """A figure or table title right before a table ("Table 2. Risks by Type") becomes the table's caption."""
    out: list[RawElement] = []
    for el in elements:
        prev = out[-1] if out else None
        if (
            isinstance(el, RawTable)
            and isinstance(prev, RawPara)
            and prev.tag == "caption"
            and backmatter.is_title_caption(prev.text)
        ):
            el.caption = prev
            out.pop()
        out.append(el)
    return out


def assemble(raw: RawDocument, path: str, fmt: str) -> Document:
    b = _Builder(raw, fmt)
    elements = [b.stripped(el) for el in raw.elements]
    numbers = backmatter.tag(elements, raw.source)
    elements = backmatter.split_definitions(elements)
    if numbers:
        elements = [backmatter.unmark_notes(el, numbers) for el in elements]
    elements = _join_captions(_split_lead_in(elements))
    stack: list[_Open] = []
    done: list[Section] = []
    opening = _Open(
        OPENING_ID, "Overview", 1, None, role=roles.section_role("", opening=True)
    )  # text before the first heading; its id is taken only if it has any
    current = opening
    titles = frozenset(roles.title_key(el.text) for el in raw.elements if isinstance(el, RawHeading))
    # Flat: every heading of the body at one level (back matter such as a marked "# Footnotes" aside).
    flat = len({el.level for el in raw.elements if isinstance(el, RawHeading) and roles.section_role(el.text) != "back-matter"}) == 1
    back: dict[str, list[RawElement]] = {}

    def close(sec: _Open) -> Section:
        blocks = list(sec.blocks)
        for idx, lead, context, items in sec.pending_lists:
            bl = blocks[idx]
            assert isinstance(bl, BulletList)
            role = roles.classify(
                f"{context} {lead}".strip(),
                "" if sec.id == OPENING_ID else sec.title,
                items,
                opening_section=sec.id == OPENING_ID,
                section_role=sec.role,
                headings=titles,
            )
            blocks[idx] = BulletList(bl.items, bl.lead_in, bl.ordered, role)  # type: ignore[arg-type]
        return Section(sec.id, sec.title, sec.level, tuple(blocks), tuple(sec.children), sec.heading_ref, sec.role)

    def attach(sec: Section) -> None:
        if stack:
            stack[-1].children.append(sec)
        else:
            done.append(sec)

    for el in elements:
        if isinstance(el, RawHeading):
            if current is opening and opening.blocks:
                b.ids.add(OPENING_ID)
                done.append(close(opening))
            while stack and stack[-1].marked_level >= el.level:
                attach(close(stack.pop()))
            title = b.text(el.piece)
            sid = b.unique_id(title)
            ref = SourceRef(sid, -1, 0, el.piece.start, el.piece.end, None)
            level = max(1, min(el.level, (stack[-1].level + 1) if stack else 1))
            role = roles.section_role(title, parent=stack[-1].role if stack else None)
            if title[:1].islower() and current is not opening:
                role = current.role  # "of Environmental Management...": a heading broken over two lines goes on
            passes = _passed_role(current, role, title) if flat and current is not opening else None
            current = _Open(sid, title, level, ref, el.level, passes or role, passes=passes)
            stack.append(current)
            continue
        tag = getattr(el, "tag", "")
        if tag in BACK_MATTER_TITLES and current.role != "back-matter":
            back.setdefault(tag, []).append(el)
            continue
        idx = len(current.blocks)
        block = b.block(el, current.id, idx)
        if block is None:
            continue
        current.blocks.append(block)
        if isinstance(block, BulletList) and isinstance(el, RawList):
            current.pending_lists.append(
                (idx, block.lead_in.text if block.lead_in else "", el.context, [it.text for it in block.items])
            )
    if current is opening and opening.blocks:
        done.append(close(opening))
    while stack:
        attach(close(stack.pop()))
    for tag, title in BACK_MATTER_TITLES.items():
        if tag in back:
            sid = b.unique_id(title)
            blocks = [blk for blk in (b.block(el, sid, k) for k, el in enumerate(back[tag])) if blk is not None]
            blocks = [_reindex(blk, sid, k) for k, blk in enumerate(blocks)]
            if blocks:
                done.append(Section(sid, title, 1, tuple(blocks), (), None, "back-matter"))
    for piece in raw.silent:
        b.report(b.strip(piece), [])
    if raw.front_matter:
        b.cleanups.append(Cleanup("front-matter", raw.source[: raw.front_matter], "", 0))
    title = raw.title or raw.metadata.get("title", "")
    if raw.title_piece is not None:
        title = b.text(b.strip(raw.title_piece, heading=True)) or title
    return Document(
        title=title,
        metadata=tuple(sorted(raw.metadata.items())),
        sections=tuple(done),
        source=raw.source,
        path=path,
        format=fmt,
        cleanups=tuple(sorted(b.cleanups, key=lambda c: c.offset)),
        notes=tuple(raw.notes),
    )


PASSING_ROLES: frozenset[SectionRole] = frozenset({"recommendations"})
"""Roles a short section hands on in a flat outline: "Policy Considerations" over the options it introduces."""
PASSING_WORDS = 200
"""At most this many words: the section only introduces what follows (two short paragraphs)."""


_NOT_PASSED = re.compile(r"\b(comments?|evaluation|discussion|responses?|reply)\b", re.I)
"""Titles that end what an options section introduces: the agency's reply, a general discussion."""


def _passed_role(before: _Open, own: SectionRole, title: str) -> SectionRole | None:
    """The role a section takes from the one before it when the outline is flat (every heading at one level, as in
    a PDF converted with unmarked headings), so its nesting is lost: a short "Selected Policy Options for Congress"
    that only introduces the options is followed by one section per option ("Continued Oversight", "Retailer Price
    Gouging"), each an option for Congress. The role goes on until a section whose own title gives one."""
    if own != "analysis" or _NOT_PASSED.search(title):
        return None
    if before.passes is not None:
        return before.passes
    if before.role in PASSING_ROLES and not before.children:
        words = sum(len(blk.text.split()) for blk in before.blocks if isinstance(blk, Paragraph))
        if words <= PASSING_WORDS and all(isinstance(blk, Paragraph) for blk in before.blocks):
            return before.role
    return None


def _reindex(block: Block, sid: str, idx: int) -> Block:
    """The block with its references pointing at position `idx` of section `sid` (an element with no text before it
    was skipped)."""

    def fix(s: Sentence) -> Sentence:
        return replace(s, ref=replace(s.ref, section=sid, block=idx))

    if isinstance(block, Paragraph):  # Caption too
        return replace(block, sentences=tuple(fix(s) for s in block.sentences))
    if isinstance(block, BulletList):
        items = tuple(
            replace(it, sentences=tuple(fix(s) for s in it.sentences), ref=replace(it.ref, section=sid, block=idx))
            for it in block.items
        )
        return replace(block, items=items, lead_in=fix(block.lead_in) if block.lead_in else None)
    return replace(block, ref=replace(block.ref, section=sid, block=idx), caption=fix(block.caption) if block.caption else None)
