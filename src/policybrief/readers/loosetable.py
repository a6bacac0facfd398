"""Pipe tables without a delimiter row, as PDF-to-Markdown converters write them ("| Annual account earnings taxed |
No | No | Yes"): Markdown reads them as one paragraph, and its rows would reach a brief as sentences.

A paragraph is such a table when its first line starts with '|', another line does too, and the first row holds two
cells or more. A line that does not start with '|' continues the row above it (cells wrapped over several lines,
their pipes wherever the wrapping put them). Not a table: a caption set in a
box ("| Figure 1. ..."), which stays a caption, and footnotes set as "| 1. | See ..." rows, which stay notes.
Each cell keeps its place in the source; the pipes are table structure, like a pipe table's.
"""

from __future__ import annotations

import re

from policybrief.readers.backmatter import is_caption
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawTable

_NOTE_NUMBER = re.compile(r"^\d{1,3}\.?$")


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _cells(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """The cells of one row (the text between its pipes), as spans."""
    bars = [i for i in range(a, b) if text[i] == "|"]
    edges = [*bars, b] if bars and text[bars[-1] + 1 : b].strip() else bars
    return [(s + 1, e) for s, e in zip(edges, edges[1:], strict=False)]


def read(piece: Piece) -> RawTable | None:
    """The paragraph as a table, or None when it is not one."""
    text = piece.text
    lines = _line_spans(text)
    piped = [text[a:b].lstrip().startswith("|") for a, b in lines]
    if len(lines) < 2 or not piped[0] or sum(piped) < 2 or is_caption(text.lstrip("| \t")):
        return None
    spans: list[tuple[int, int]] = []  # each row: its first line and the lines that continue its cells
    for (a, b), is_row in zip(lines, piped, strict=True):
        if is_row:
            spans.append((a, b))
        else:
            spans[-1] = (spans[-1][0], b)
    rows = [c for c in (_cells(text, a, b) for a, b in spans) if c]
    rows = [r for r in rows if not all(re.fullmatch(r"\s*:?-{2,}:?\s*", text[s:e]) for s, e in r)]
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    if sum(bool(_NOTE_NUMBER.match(text[r[0][0] : r[0][1]].strip())) for r in rows) >= 0.6 * len(rows):
        return None  # "| 1. | See ...": footnotes, which readers.backmatter sends to the notes
    pieces = [[piece.slice(*piece.strip(s, e)) for s, e in row] for row in rows]
    return RawTable(pieces[0], pieces[1:], piece.start, piece.end)
