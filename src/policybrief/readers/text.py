"""Plain text with no markup: headings are short standalone lines, bullets are `•`, `-`, `*`, `1.`, `1)`.

Which lines are headings is decided by `readers.headings` (shared with the Markdown reader); levels come from
numbering, leading tabs and, where a document mixes them with title-case headings, ALL-CAPS headings.
"""

from __future__ import annotations

import re

from policybrief.readers.headings import BULLET, DEFAULT_PARAMS, HeadingParams, heading_lines, level_of, wrapped_start
from policybrief.readers.lines import Context, Line, split_lines, unmark
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawDocument, RawElement, RawList, RawTable, heading
from policybrief.readers.raw import para as para_of

__all__ = ["BULLET", "parse_text", "unmark"]


def _table_row(s: str) -> list[str] | None:
    if s.startswith("|") and s.rstrip().endswith("|") and s.count("|") >= 3:
        cells = [c.strip() for c in s.strip().strip("|").split("|")]
        return cells
    return None


def _cells(line: Line) -> list[Piece]:
    """A pipe table row's cells, each where it stands in the source (without the padding around it)."""
    text = line.text
    first, last = text.index("|"), text.rindex("|")
    out = []
    start = first + 1
    while start <= last:
        stop = text.find("|", start)
        stop = last if stop < 0 or stop > last else stop
        cell = text[start:stop]
        a = start + len(cell) - len(cell.lstrip())
        out.append(Piece.verbatim(cell.strip(), line.start + a))
        if stop == last:
            break
        start = stop + 1
    return out


def parse_text(source: str, params: HeadingParams = DEFAULT_PARAMS) -> RawDocument:
    """Find headings, paragraphs, lists and pipe tables in plain text."""
    lines = split_lines(source)
    ctx = Context(lines)
    found = heading_lines(lines, params, ctx=ctx)
    is_heading = dict.fromkeys(found, True)
    heads = [lines[i].stripped for i in found]
    caps_mixed = any(h.isupper() for h in heads) and any(not h.isupper() for h in heads)

    elements: list[RawElement] = []
    para: list[Line] = []
    items: list[list[Line]] = []
    ordered = False
    table: list[Line] = []

    def flush() -> None:
        nonlocal para, items, table
        if para:
            a, b = _content_start(para[0]), para[-1].end
            elements.append(para_of(source[a:b], a))
        if items:
            out, marks = [], []
            for item_lines in items:
                m = BULLET.match(item_lines[0].text)
                a = item_lines[0].start + (m.end() if m else 0)
                b = item_lines[-1].end
                out.append(Piece.verbatim(source[a:b], a))
                marks.append(m.group().strip(" \t\u00a0") if m else "")
            elements.append(RawList(out, ordered, markers=marks))
        if table:
            rows = [_cells(t) for t in table]
            rows = [r for r in rows if not all(re.fullmatch(r":?-{2,}:?", c.text) or not c.text for c in r)]
            if rows:
                elements.append(RawTable(rows[0], rows[1:], table[0].start, table[-1].end))
        para, items, table = [], [], []

    for i, ln in enumerate(lines):
        if ln.blank:
            if para or table:
                flush()
            continue
        if is_heading.get(i):
            first = ln
            if para == [lines[i - 1]] and wrapped_start(ctx, i) == i - 1:
                first, para = lines[i - 1], []  # a heading broken after its colon: both lines are the heading
            flush()
            tabs = len(first.text) - len(first.text.lstrip("\t"))
            a = _content_start(first)
            elements.append(heading(source[a : ln.end], a, level_of(ln.stripped, tabs, caps_mixed)))
            continue
        row = _table_row(ln.stripped)
        if row is not None:
            if not table:
                flush()
            table.append(ln)
            continue
        m = BULLET.match(ln.text)
        if m:
            if para or table:
                flush()
            if not items:
                ordered = m.group("num") is not None
            items.append([ln])
            continue
        if items and not para and _continues_item(lines, i):
            items[-1].append(ln)
            continue
        if items:
            flush()
        if table:
            flush()
        if para and not _continues_para(para[-1], ln):
            flush()
        para.append(ln)
    flush()
    return RawDocument(elements, source)


def _content_start(line: Line) -> int:
    return line.start + len(line.text) - len(line.text.lstrip(" \t\u00a0\ufeff"))


def _continues_item(lines: list[Line], i: int) -> bool:
    """A wrapped bullet item: the line directly follows an item line and is indented or starts lower-case."""
    prev = lines[i - 1] if i else None
    if prev is None or prev.blank:
        return False
    ln = lines[i]
    return ln.text[:1] in " \t\u00a0" or ln.stripped[:1].islower()


def _continues_para(prev: Line, ln: Line) -> bool:
    """Hard-wrapped prose continues on the next line; a line ending a sentence then a new line is a new paragraph."""
    p = prev.stripped
    if not p.endswith((".", "!", "?", ".”", '."', ":", "?”")):
        return True
    # Ends a sentence: a wrapped paragraph would have a long previous line; one-line paragraphs stand alone.
    return len(p) >= 60 and len(p) <= 100 and len(ln.stripped) <= 100
