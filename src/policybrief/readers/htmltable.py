"""HTML tables inside Markdown (`<table><tr><td>...`), read as tables.

Markdown converters write a table they cannot express in pipes as HTML (a risk register with long cells, merged
header cells). Each cell keeps its place in the source; the tags between cells are table structure, reported as
`html` clean-ups like any other markup removed; tags inside a cell (`<strong>`, `<br>`) are cleaned with the cell.
The header is the `<thead>` row, else a first row of `<th>` cells, else the first row.
"""

from __future__ import annotations

import re
from dataclasses import replace

from policybrief.lang import markup
from policybrief.lang.cleanup import Edit
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawPara, RawTable

_TAG = re.compile(r"<(/?)(table|thead|tbody|tfoot|tr|th|td|caption)\b[^<>]*>", re.I)
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def split(piece: Piece) -> list[tuple[str, Piece]]:
    """The HTML block cut into ("table", piece) and ("html", piece) parts, in order."""
    out: list[tuple[str, Piece]] = []
    pos = 0
    for m in _TABLE.finditer(piece.text):
        if m.start() > pos:
            out.append(("html", piece.slice(pos, m.start())))
        out.append(("table", piece.slice(m.start(), m.end())))
        pos = m.end()
    if pos < len(piece.text) or not out:
        out.append(("html", piece.slice(pos, len(piece.text))))
    return out


def _removed(piece: Piece, a: int, b: int) -> Piece:
    """The structure between two cells, as a piece whose removal is reported (a space keeps the cells apart)."""
    part = piece.slice(a, b)
    return replace(part.apply([Edit(0, len(part.text), " ", "html")]), stripped=True)


def read(piece: Piece) -> tuple[RawTable, list[Piece]] | None:
    """The table, and the structure between its cells (to be reported as removed); None when it has no cells."""
    rows: list[list[Piece]] = []
    heads: list[bool] = []
    thead_rows = 0
    in_thead = False
    depth = 0
    cell_start = -1
    cell_is_head = False
    caption: Piece | None = None
    caption_start = -1
    gaps: list[Piece] = []
    last = 0  # end of the last cell or caption taken

    def close_cell(at: int) -> None:
        nonlocal cell_start, last
        if cell_start >= 0:
            if not rows:
                rows.append([])
                heads.append(True)
            rows[-1].append(piece.slice(cell_start, at))
            heads[-1] = heads[-1] and cell_is_head
            if cell_start > last:
                gaps.append(_removed(piece, last, cell_start))
            last = at
            cell_start = -1

    for m in _TAG.finditer(piece.text):
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name == "table":
            depth += -1 if closing else 1
            continue
        if depth != 1:
            continue  # a table inside a cell is that cell's text
        if name == "caption":
            if closing and caption_start >= 0:
                caption = piece.slice(caption_start, m.start())
                gaps.append(_removed(piece, last, caption_start))
                last = m.start()
            else:
                caption_start = m.end()
        elif name == "thead":
            in_thead = not closing
        elif name == "tr":
            close_cell(m.start())
            if not closing:
                rows.append([])
                heads.append(True)
                thead_rows += in_thead
        elif name in ("td", "th"):
            close_cell(m.start())
            if not closing:
                cell_start, cell_is_head = m.end(), name == "th"
    close_cell(len(piece.text))
    rows = [r for r in rows if r]
    if not rows:
        return None
    if last < len(piece.text):
        gaps.append(_removed(piece, last, len(piece.text)))
    header_rows = 1 if (thead_rows or heads[0] or len(rows) > 1) else 0
    header, body = (rows[0], rows[1:]) if header_rows else ([], rows)
    table = RawTable(header, body, piece.start, piece.end)
    if caption is not None and caption.text.strip():
        table.caption = RawPara(replace(caption.apply(markup.edits(caption.text, markdown=True)), stripped=True), tag="caption")
    return table, gaps
