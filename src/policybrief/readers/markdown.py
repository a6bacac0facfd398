"""Markdown through markdown-it-py: ATX and setext headings, lists, pipe and HTML tables, YAML front matter.

markdown-it finds the blocks; their text is taken from the source itself (`content_piece`: each line where it stands,
without the quote or list marks before it), and inline markup is removed by `lang.markup` with every removal
reported, so a sentence can always be traced back to its exact place in the file. Nothing is dropped silently: an
HTML block becomes a table (`readers.htmltable`) or the text it holds, and markup that holds no words (a Liquid tag on
its own line, an HTML anchor, a link definition) is reported as removed.

The opening heading is the document's title when `titles.split_title` says so (a `# Title` over `##` sections,
or over unmarked headings). A file with few `#` headings for its length has its one-line paragraphs scored as
plain-text headings (`unmarked.promote_unmarked`): PDF-to-Markdown conversions leave headings unmarked.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policybrief.lang import markup
from policybrief.model import Document
from policybrief.readers import decode_text, htmltable, loosetable
from policybrief.readers.assemble import assemble
from policybrief.readers.headings import DEFAULT_PARAMS, HeadingParams
from policybrief.readers.mdsource import MAX_NESTING, SourceLines, content_piece, definitions, flatten, lost_runs, truncated
from policybrief.readers.pieces import Piece, join
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable
from policybrief.readers.text_reader import sidecar_metadata, split_front_matter, stated_date, titled
from policybrief.readers.titles import split_title
from policybrief.readers.unmarked import few_marked_headings, promote_unmarked


class _Builder:
    """Token stream -> raw elements, each a piece of the source with its markup clean-ups made."""

    def __init__(self, lines: SourceLines, references: Collection[str]) -> None:
        self.lines = lines
        self.references = references
        """The labels of the document's link definitions: `[label]` alone is a link to them."""
        self.out: list[RawElement] = []
        self.silent: list[Piece] = []
        """Markup that holds no words (a Liquid tag alone, an HTML anchor, a link definition): no element, but its
        removal is reported."""

    def piece(self, tok: Token, cursor: int = 0) -> Piece:
        return self.strip(content_piece(tok.content, tok.map[0] if tok.map else 0, self.lines, cursor))

    def strip(self, p: Piece) -> Piece:
        """The piece with its markup clean-ups made (links by definition included)."""
        return replace(p.apply(markup.edits(p.text, markdown=True, references=self.references)), stripped=True)

    def para(self, piece: Piece, code: bool = False) -> RawPara | None:
        if not code and not any(c.isalnum() for c in piece.text):
            self.silent.append(piece)
            return None
        return RawPara(piece, code)


def parse_markdown(text: str, body_start: int) -> tuple[list[RawElement], list[Piece]]:
    """The raw elements of a Markdown body, and the markup pieces that hold no words."""
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table").disable("inline")  # inline markup: lang.markup
    body = text[body_start:]
    env: dict[str, Any] = {}
    tokens = md.parse(_mask_liquid(body), env)
    if truncated(tokens):  # nested past MAX_NESTING: flatten the deep structure and parse again
        env = {}
        tokens = md.parse(_mask_liquid(flatten(body)), env)
    _unmask(tokens)
    lines = SourceLines(text, text.count("\n", 0, body_start))
    bld = _Builder(lines, frozenset(env.get("references", {})))
    out = bld.out
    lost = lost_runs(body, tokens, lines)[::-1]  # whatever is still too deep, which markdown-it drops (last first)
    lost_defs = definitions(body, tokens, lines)
    i = 0
    list_depth = 0
    current_list: RawList | None = None
    list_lines: tuple[int, int] | None = None
    item_parts: list[Piece] = []
    table: list[list[Piece]] | None = None
    table_start = table_end = 0
    row: list[Piece] = []
    row_cursor = 0
    marker = ""
    while i <= len(tokens):
        while lost and lost[-1][0] <= i:  # put back what markdown-it dropped, where it stood
            _, piece = lost.pop()
            piece = bld.strip(piece)
            if list_depth:
                item_parts.append(piece)
            elif (p := bld.para(piece)) is not None:
                out.append(p)
        if i == len(tokens):
            break
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            out.append(RawHeading(bld.piece(tokens[i + 1]), int(tok.tag[1])))
            i += 3
            continue
        if t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if list_depth == 1:
                current_list = RawList([], ordered=t == "ordered_list_open")
                list_lines = (tok.map[0], tok.map[1]) if tok.map else None
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and current_list is not None:
                if _year_line(current_list) and list_lines is not None:
                    # the whole of it, number included: "2026." ends the sentence before
                    raw = "\n".join(lines.source[slice(*lines.span(n))] for n in range(*list_lines)).rstrip()
                    if (p := bld.para(bld.strip(content_piece(raw, list_lines[0], lines)))) is not None:
                        out.append(p)
                elif current_list.items:
                    out.append(current_list)
                current_list = None
        elif t == "list_item_open" and list_depth == 1:
            item_parts = []
            marker = (tok.info or "") + (tok.markup or "")
        elif t == "list_item_close" and list_depth == 1 and current_list is not None:
            if any(c.isalnum() for p in item_parts for c in p.text):
                current_list.items.append(_joined(item_parts))
                current_list.markers.append(marker)
            else:
                bld.silent += item_parts
        elif t == "table_open":
            table, table_start = [], lines.start(tok.map[0] if tok.map else 0)
            table_end = lines.span(tok.map[1] - 1)[1] if tok.map else table_start
        elif t == "tr_open":
            row, row_cursor = [], 0
        elif t == "tr_close" and table is not None:
            table.append(row)
        elif t == "table_close" and table is not None:
            out.append(RawTable(table[0] if table else [], table[1:], table_start, max(table_end, table_start)))
            table = None
        elif t == "inline":
            if table is not None:
                cell = bld.piece(tok, row_cursor)
                row.append(cell)
                row_cursor = max(row_cursor, cell.end - lines.start(tok.map[0] if tok.map else 0))
            elif tok.content.strip():
                piece = bld.piece(tok)
                loose = loosetable.read(piece) if not list_depth and piece.text.startswith("|") else None
                if list_depth:
                    item_parts.append(piece)
                elif loose is not None:
                    out.append(loose)
                elif (box := _box_title(piece)) is not None:
                    bld.silent.append(piece.slice(0, box[0]))  # the bar
                    out.append(RawPara(piece.slice(box[0], box[1]), tag="caption"))
                    if (p := bld.para(piece.slice(box[1], len(piece.text)))) is not None:
                        out.append(p)
                elif (p := bld.para(piece)) is not None:
                    out.append(p)
        elif t in ("fence", "code_block") and tok.content.strip():
            piece = _code_piece(tok, lines)
            if list_depth:
                item_parts.append(piece)
            else:
                out.append(RawPara(piece, code=True))
        elif t == "html_block":
            piece = content_piece(tok.content.rstrip("\n"), tok.map[0] if tok.map else 0, lines)
            if list_depth:
                item_parts.append(bld.strip(piece))
            else:
                _html_block(bld, piece)
        i += 1
    bld.silent += lost_defs
    return out, bld.silent


def _box_title(piece: Piece) -> tuple[int, int] | None:
    """Where a text box's title stands, when a paragraph opens with one: a first line "| Domain Name System", then
    prose with no other bar (a box of a report converted from PDF; a figure box has a bar on every line). Its title is a caption; run into the box's first
    sentence it made "| Domain Name System A domain name is ...". (start, end) of the title in the piece's text."""
    text = piece.text
    nl = text.find("\n")
    if not text.startswith("|") or nl < 0 or "|" in text[1:] or not text[nl + 1 :].strip():
        return None
    start = len(text) - len(text[1:].lstrip()) if text[1:nl].strip() else -1
    return (start, nl) if 0 < start < nl else None


def _year_line(lst: RawList) -> bool:
    """A one-item "list" numbered like a year ("2026. According to NSF officials, ..."): in Markdown converted from
    PDF, the end of a sentence that wrapped onto a new line after a blank one, not a list."""
    return lst.ordered and len(lst.items) == 1 and lst.markers[0][:-1].isdigit() and int(lst.markers[0][:-1]) >= 1000


_LIQUID = re.compile(r"\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\}")
_MASK = "\x1f"
"""Stands in for a '|' inside a Liquid tag while markdown-it parses: `{{ "https://..." | url }}` in a table row is one
cell's text, not two cells. Same length, so line and character positions hold."""


def _mask_liquid(body: str) -> str:
    if "|" not in body or "{" not in body:
        return body
    return _LIQUID.sub(lambda m: m.group().replace("|", _MASK), body)


def _unmask(tokens: list[Token]) -> None:
    for tok in tokens:
        if _MASK in tok.content:
            tok.content = tok.content.replace(_MASK, "|")


def _joined(parts: list[Piece]) -> Piece:
    """A list item's paragraphs (and what was nested in it) as one piece, joined by spaces."""
    if len(parts) == 1:
        return parts[0]
    text: list[tuple[str, int | None]] = []
    for k, p in enumerate(parts):
        if k:
            text.append((" ", None))
        text += _parts_of(p)
    joined = join(text, parts[0].start, parts[-1].end)
    return replace(joined, changes=tuple(c for p in parts for c in p.changes), stripped=True)


def _parts_of(p: Piece) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for k, r in enumerate(p.runs):
        stop = p.runs[k + 1].at if k + 1 < len(p.runs) else len(p.text)
        out.append((p.text[r.at : stop], r.src if r.copied else None))
    return out


def _code_piece(tok: Token, lines: SourceLines) -> Piece:
    """A fence's or indented block's code, stripped of the blank lines around it."""
    content = tok.content.strip("\n")
    first = (tok.map[0] if tok.map else 0) + (1 if tok.type == "fence" else 0)
    lead = len(tok.content) - len(tok.content.lstrip("\n"))
    return content_piece(content, first + lead, lines)


def _html_block(bld: _Builder, piece: Piece) -> None:
    """An HTML block: a table becomes a table; other HTML becomes the paragraph of text it holds (tags removed)."""
    for kind, part in htmltable.split(piece):
        if kind == "table":
            found = htmltable.read(part)
            if found is not None:
                bld.out.append(found[0])
                bld.silent += found[1]
                continue
        stripped = bld.strip(part)
        if (p := bld.para(stripped)) is not None:
            bld.out.append(p)


def read(path: Path, data: bytes, params: HeadingParams = DEFAULT_PARAMS) -> Document:
    """A Markdown essay; `params` weighs the evidence for unmarked headings (the bench passes tuned ones)."""
    text, notes = decode_text(data, str(path))
    meta = sidecar_metadata(path)
    front, body_start = split_front_matter(text, str(path))
    meta.update(front)
    if "date" not in meta and (date := stated_date(text[body_start:])):
        meta["date"] = date
    elements, silent = parse_markdown(text, body_start)
    if few_marked_headings(elements, params):
        elements = promote_unmarked(elements, text, params)
    found, elements = split_title(elements, levels=True)
    heads = [e for e in elements if isinstance(e, RawHeading)]
    top = min((h.level for h in heads), default=1)
    for h in heads:
        h.level = max(1, h.level - top + 1)
    raw = titled(RawDocument(elements, text, metadata=meta, notes=notes, front_matter=body_start, silent=silent), found, path)
    return assemble(raw, str(path), "markdown")
