"""Where markdown-it's blocks stand in the source, and the text markdown-it leaves out.

markdown-it gives each block its line range and its text without the quote or list marks in front of each line;
`content_piece` finds that text again in the source lines, so each block becomes a `Piece` mapped exactly to the
source. What markdown-it takes in without a token is put back or reported: lines past its nesting limit
(`lost_runs`) and link reference definitions (`definitions`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from policybrief.lang.cleanup import Edit
from policybrief.readers.pieces import Piece, join


class Token(Protocol):
    """What this module reads of a markdown-it block token (markdown-it itself stays in readers/markdown.py)."""

    @property
    def type(self) -> str: ...
    @property
    def map(self) -> list[int] | None: ...
    @property
    def nesting(self) -> int: ...
    @property
    def level(self) -> int: ...


class SourceLines:
    """Where each line of the source starts and ends (without its line break)."""

    def __init__(self, source: str, base_line: int) -> None:
        self.starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self.starts.append(i + 1)
        self.source = source
        self.base = base_line

    def span(self, line: int) -> tuple[int, int]:
        """(start, end) of body line `line` in the source; end is where its line break starts."""
        k = min(line + self.base, len(self.starts) - 1)
        a = self.starts[k]
        b = self.starts[k + 1] - 1 if k + 1 < len(self.starts) else len(self.source)
        if b > a and self.source[b - 1] == "\r":
            b -= 1
        return a, max(a, b)

    def start(self, line: int) -> int:
        return self.span(line)[0]


def content_piece(content: str, first_line: int, lines: SourceLines, cursor: int = 0) -> Piece:
    """The piece of source that markdown-it's `content` stands for: each line found at the end of its source line
    (after the quote marks, list marks or indentation markdown-it took off), line breaks copied. A line whose words
    are found but not its leading spaces (a tab markdown-it expanded into indentation) is copied without them; a line
    that cannot be found as written (a `\\|` in a table cell) is inserted, so the difference is reported."""
    parts: list[tuple[str, int | None]] = []
    rows = content.split("\n")
    first = last = -1
    for k, row in enumerate(rows):
        a, b = lines.span(first_line + k)
        line = lines.source[a:b]
        pos = line.find(row, cursor) if k == 0 and cursor else line.rfind(row)
        if pos < 0 and "|" in row:
            pos = line.find(row.replace("|", "\\|"), cursor)
        text = row.lstrip(" \t")
        if row and pos < 0 and text and (found := line.rfind(text)) >= 0:
            # Indentation markdown-it made of a tab: the words are the source's own, the made-up spaces are left out.
            parts.append((text, a + found))
            first = a + found if first < 0 else first
            last = a + found + len(text)
        elif row:
            if pos >= 0:
                parts.append((row, a + pos))
                first = a + pos if first < 0 else first
                last = a + pos + len(row)
            else:
                parts.append((row, None))
                first = a if first < 0 else first
                last = max(last, a)
        if k + 1 < len(rows):
            parts.append(("\n", b if lines.source[b : b + 1] == "\n" else None))
    if first < 0:
        first = last = lines.span(first_line)[0] + cursor
    return join(parts, first, max(first, last))


# ------------------------------------------------------------------------------------------------ deep nesting

MAX_NESTING = 64
"""markdown-it's nesting limit (its commonmark preset has 20). Past it markdown-it silently drops the rest of the
document, so a document that reaches it is flattened (`flatten`) and parsed again, and `lost_runs` puts back
anything still dropped as flat paragraphs: no word of an essay is lost. Other documents are parsed as they are."""
_FLAT_MARKERS = 8
"""After flattening, most quote or list marks kept at the start of one line."""
_FLAT_INDENT = 16
"""After flattening, most columns of indentation kept."""
_PREFIX_MARK = re.compile(r"[ \t]*(?:>|[-+*]|\d{1,9}[.)])(?=[ \t]|$)")
_LEAVES = ("inline", "fence", "code_block", "html_block", "hr", "heading_open", "paragraph_open", "table_open")
_MARKERS = re.compile(r"^[ \t]*(?:(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*)*")


def truncated(tokens: Sequence[Token]) -> bool:
    """Did the block parser reach the nesting limit (and so drop what followed)?"""
    return any(t.nesting == 1 and t.level >= MAX_NESTING - 1 for t in tokens)


def flatten(body: str) -> str:
    """The same lines (so line numbers still hold), with at most _FLAT_MARKERS quote/list marks at the start of
    a line and at most _FLAT_INDENT columns of indentation: deep structure becomes shallower, the words stay."""
    out = []
    for line in body.split("\n"):
        marks: list[str] = []
        pos = 0
        while (m := _PREFIX_MARK.match(line, pos)) is not None and len(marks) <= _FLAT_MARKERS:
            marks.append(m.group())
            pos = m.end()
        if len(marks) > _FLAT_MARKERS:  # drop the marks past the limit: their text joins the deepest kept block
            while (m := _PREFIX_MARK.match(line, pos)) is not None:
                pos = m.end()
            line = "".join(marks[:_FLAT_MARKERS]) + " " + line[pos:].lstrip()
        indent = len(line) - len(line.lstrip(" \t"))
        width = len(line[:indent].expandtabs(4))
        if width > _FLAT_INDENT:
            line = " " * _FLAT_INDENT + line[indent:]
        out.append(line)
    return "\n".join(out)


def _covered(body: str, tokens: Sequence[Token]) -> tuple[list[str], list[bool], list[int]]:
    """The body's lines, which of them a leaf token covers, and per line the index of the token after the last leaf
    token starting at or before it (where something found on that line goes back into the stream)."""
    lines = body.split("\n")
    covered = [False] * len(lines)
    after = [0] * (len(lines) + 1)
    for k, tok in enumerate(tokens):
        if tok.type in _LEAVES and tok.map:
            a, b = tok.map
            for n in range(a, min(b, len(lines))):
                covered[n] = True
            after[a] = max(after[a], k + 1)
    for n in range(1, len(after)):
        after[n] = max(after[n], after[n - 1])
    return lines, covered, after


def lost_runs(body: str, tokens: Sequence[Token], lines: SourceLines) -> list[tuple[int, Piece]]:
    """Runs of lines that no token covers once the nesting limit was reached: (insert before token index, the text
    without quote and list marks, joined by spaces). Empty for any document that stays within the limit."""
    if not truncated(tokens):
        return []
    rows, covered, after = _covered(body, tokens)
    runs: list[tuple[int, Piece]] = []
    start = -1
    parts: list[tuple[str, int | None]] = []
    for n, line in enumerate([*rows, ""]):
        bare = _MARKERS.sub("", line).strip() if n < len(rows) and not covered[n] else ""
        if bare and re.search(r"\w", bare):
            if start < 0:
                start = n
            col = line.index(bare)
            if parts:
                parts.append((" ", None))
            parts.append((bare, lines.start(n) + col))
            continue
        if parts:
            first_src = next(src for _, src in parts if src is not None)
            runs.append((after[start], join(parts, first_src, lines.span(n - 1)[1])))
        start, parts = -1, []
    return runs


_DEFINITION = re.compile(r"^[ \t]*(?:>[ \t]*)*\[[^\]\n]+\]:[ \t]*\S")


def definitions(body: str, tokens: Sequence[Token], lines: SourceLines) -> list[Piece]:
    """Link reference definitions (`[summary]: #summary`), which markdown-it takes in without a token: their removal
    is reported (a definition is an address, not text)."""
    if "]:" not in body:
        return []
    rows, covered, _ = _covered(body, tokens)
    out = []
    for n, row in enumerate(rows):
        if not covered[n] and _DEFINITION.match(row):
            a, b = lines.span(n)
            p = Piece.verbatim(lines.source[a:b], a)
            out.append(replace(p.apply([Edit(0, len(p.text), "", "link")]), stripped=True))
    return out
