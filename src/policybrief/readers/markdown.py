"""Markdown through markdown-it-py: ATX and setext headings, lists, tables, YAML front matter.

The opening heading is the document's title when `titles.split_title` says so (a `# Title` over `##` sections,
or over unmarked headings). A file with few `#` headings for its length has its one-line paragraphs scored as
plain-text headings (`unmarked.promote_unmarked`): PDF-to-Markdown conversions leave headings unmarked.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policybrief.model import Document
from policybrief.readers import decode_text
from policybrief.readers.assemble import assemble
from policybrief.readers.headings import DEFAULT_PARAMS, HeadingParams
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable
from policybrief.readers.text_reader import sidecar_metadata, split_front_matter, title_from_path
from policybrief.readers.titles import split_title
from policybrief.readers.unmarked import few_marked_headings, promote_unmarked


def _inline_text(tok: Token) -> str:
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


class _Offsets:
    """Maps a token's first line to a character offset in the source."""

    def __init__(self, source: str, base_line: int) -> None:
        self.starts = [0]
        for i, ch in enumerate(source):
            if ch == "\n":
                self.starts.append(i + 1)
        self.source = source
        self.base = base_line

    def of(self, tok: Token, text: str) -> int:
        line = (tok.map[0] if tok.map else 0) + self.base
        start = self.starts[min(line, len(self.starts) - 1)]
        found = self.source.find(text[:24], start) if text else -1
        return found if found >= 0 and found - start < 400 else start


def parse_markdown(text: str, body_start: int) -> list[RawElement]:
    md = MarkdownIt("commonmark").enable("table")
    body = text[body_start:]
    tokens = md.parse(body)
    offsets = _Offsets(text, text.count("\n", 0, body_start))
    out: list[RawElement] = []
    i = 0
    list_depth = 0
    current_list: RawList | None = None
    item_parts: list[tuple[str, int]] = []
    table: list[list[str]] | None = None
    table_start = 0
    row: list[str] = []
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            inline = tokens[i + 1]
            content = _inline_text(inline)
            out.append(RawHeading(content, offsets.of(inline, content), int(tok.tag[1])))
            i += 3
            continue
        if t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if list_depth == 1:
                current_list = RawList([], ordered=t == "ordered_list_open")
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if list_depth == 0 and current_list is not None:
                out.append(current_list)
                current_list = None
        elif t == "list_item_open" and list_depth == 1:
            item_parts = []
        elif t == "list_item_close" and list_depth == 1 and current_list is not None:
            if item_parts:
                current_list.items.append((" ".join(p for p, _ in item_parts), item_parts[0][1]))
        elif t == "table_open":
            table, table_start = [], offsets.of(tok, "")
        elif t == "tr_open":
            row = []
        elif t == "tr_close" and table is not None:
            table.append(row)
        elif t == "table_close" and table is not None:
            end = offsets.starts[min((tok.map[1] if tok.map else 0), len(offsets.starts) - 1)]
            out.append(RawTable(table[0] if table else [], table[1:], table_start, max(end, table_start)))
            table = None
        elif t == "inline":
            content = _inline_text(tok)
            if table is not None:
                row.append(content)
            elif content.strip():
                off = offsets.of(tok, content)
                if list_depth:
                    item_parts.append((content, off))
                else:
                    out.append(RawPara(content, off))
        elif t in ("fence", "code_block") and tok.content.strip():
            if list_depth:
                item_parts.append((tok.content.strip(), offsets.of(tok, tok.content.strip())))
            else:
                out.append(RawPara(tok.content.strip(), offsets.of(tok, tok.content.strip())))
        i += 1
    return out


def read(path: Path, data: bytes, params: HeadingParams = DEFAULT_PARAMS) -> Document:
    """A Markdown essay; `params` weighs the evidence for unmarked headings (the bench passes tuned ones)."""
    text, notes = decode_text(data, str(path))
    meta = sidecar_metadata(path)
    front, body_start = split_front_matter(text, str(path))
    meta.update(front)
    elements = parse_markdown(text, body_start)
    if few_marked_headings(elements, params):
        elements = promote_unmarked(elements, text, params)
    found, elements = split_title(elements, levels=True)
    title = meta.get("title") or found
    heads = [e for e in elements if isinstance(e, RawHeading)]
    top = min((h.level for h in heads), default=1)
    for h in heads:
        h.level = max(1, h.level - top + 1)
    return assemble(RawDocument(elements, text, title or title_from_path(path), meta, notes), str(path), "markdown")
