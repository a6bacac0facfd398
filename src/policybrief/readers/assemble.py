"""Raw elements -> Document: sentences with source offsets, clean-ups, nested sections, lead-ins, list roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from policybrief.lang import roles
from policybrief.lang.cleanup import clean
from policybrief.lang.roles import SectionRole
from policybrief.lang.sentences import split_spans
from policybrief.lang.words import slugify
from policybrief.model import (
    Block,
    BulletList,
    Cleanup,
    Document,
    ListItem,
    Paragraph,
    Section,
    Sentence,
    SourceRef,
    Table,
)
from policybrief.readers.lines import unmark
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable

OPENING_ID = "overview"


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


class _Builder:
    def __init__(self, raw: RawDocument) -> None:
        self.raw = raw
        self.cleanups: list[Cleanup] = []
        self.ids: set[str] = set()

    def sentences(self, text: str, offset: int, sec: str, block: int, item: int | None) -> tuple[Sentence, ...]:
        out = []
        for k, (a, b) in enumerate(split_spans(text)):
            cleaned, changes = clean(text[a:b], offset + a)
            self.cleanups.extend(changes)
            out.append(Sentence(cleaned, SourceRef(sec, block, k, offset + a, offset + b, item)))
        return tuple(out)

    def unique_id(self, title: str) -> str:
        base = slugify(title)
        sid, n = base, 2
        while sid in self.ids:
            sid, n = f"{base}-{n}", n + 1
        self.ids.add(sid)
        return sid


def _split_lead_in(elements: list[RawElement]) -> list[RawElement]:
    """Move a paragraph's closing "...include the following:" sentence onto the list right after it."""
    out: list[RawElement] = []
    for el in elements:
        if isinstance(el, RawList) and el.lead_in is None and out and isinstance(out[-1], RawPara):
            para: RawPara = out[-1]
            spans = split_spans(para.text)
            if spans and para.text[spans[-1][0] : spans[-1][1]].rstrip().endswith(":"):
                a, b = spans[-1]
                el.lead_in = (para.text[a:b], para.offset + a)
                rest = para.text[:a]
                if rest.strip():
                    out[-1] = RawPara(rest.rstrip(), para.offset)
                    el.context = para.text[spans[-2][0] : spans[-2][1]] if len(spans) > 1 else ""
                else:
                    out.pop()
        out.append(el)
    return out


def assemble(raw: RawDocument, path: str, fmt: str) -> Document:
    b = _Builder(raw)
    stack: list[_Open] = []
    done: list[Section] = []
    opening = _Open(
        OPENING_ID, "Overview", 1, None, role=roles.section_role("", opening=True)
    )  # text before the first heading; its id is taken only if it has any
    current = opening
    titles = frozenset(roles.title_key(el.text) for el in raw.elements if isinstance(el, RawHeading))

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

    for el in _split_lead_in(raw.elements):
        if isinstance(el, RawHeading):
            if current is opening and opening.blocks:
                b.ids.add(OPENING_ID)
                done.append(close(opening))
            while stack and stack[-1].marked_level >= el.level:
                attach(close(stack.pop()))
            title, changes = clean(el.text.strip(), el.offset + (len(el.text) - len(el.text.lstrip())))
            b.cleanups.extend(changes)
            bare = unmark(title)
            if bare != title and bare:
                b.cleanups.append(Cleanup("markup", title, bare, el.offset))
                title = bare
            sid = b.unique_id(title)
            ref = SourceRef(sid, -1, 0, el.offset, el.offset + len(el.text), None)
            level = max(1, min(el.level, (stack[-1].level + 1) if stack else 1))
            current = _Open(sid, title, level, ref, el.level, roles.section_role(title, parent=stack[-1].role if stack else None))
            stack.append(current)
            continue
        idx = len(current.blocks)
        if isinstance(el, RawPara):
            sents = b.sentences(el.text, el.offset, current.id, idx, None)
            if sents:
                current.blocks.append(Paragraph(sents))
        elif isinstance(el, RawList):
            items = []
            for k, (text, off) in enumerate(el.items):
                sents = b.sentences(text, off, current.id, idx, k)
                if sents:
                    marker = el.markers[k] if k < len(el.markers) else ""
                    items.append(ListItem(sents, SourceRef(current.id, idx, k, off, off + len(text), k), marker))
            lead = None
            if el.lead_in:
                ls = b.sentences(el.lead_in[0], el.lead_in[1], current.id, idx, None)
                lead = Sentence(" ".join(s.text for s in ls), ls[0].ref) if ls else None
            if items:
                current.blocks.append(BulletList(tuple(items), lead, el.ordered))
                current.pending_lists.append((idx, lead.text if lead else "", el.context, [it.text for it in items]))
        elif isinstance(el, RawTable):
            header = tuple(clean(c)[0].strip() for c in el.header)
            rows = tuple(tuple(clean(c)[0].strip() for c in row) for row in el.rows)
            current.blocks.append(Table(header, rows, SourceRef(current.id, idx, 0, el.offset, el.end, None)))
    if current is opening and opening.blocks:
        done.append(close(opening))
    while stack:
        attach(close(stack.pop()))
    title = raw.title or raw.metadata.get("title", "")
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
