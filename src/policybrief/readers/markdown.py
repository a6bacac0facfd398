"""Markdown through markdown-it-py: ATX and setext headings, lists, tables, YAML front matter.

The opening heading is the document's title when `titles.split_title` says so (a `# Title` over `##` sections,
or over unmarked headings). A file with few `#` headings for its length has its one-line paragraphs scored as
plain-text headings (`unmarked.promote_unmarked`): PDF-to-Markdown conversions leave headings unmarked.
"""

from __future__ import annotations

import re
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
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    body = text[body_start:]
    tokens = md.parse(body)
    if _truncated(tokens):  # nested past MAX_NESTING: flatten the deep structure and parse again
        tokens = md.parse(_flatten(body))
    offsets = _Offsets(text, text.count("\n", 0, body_start))
    lost = _lost_runs(body, tokens, offsets)[::-1]  # whatever is still too deep, which markdown-it drops (last first)
    out: list[RawElement] = []
    i = 0
    list_depth = 0
    current_list: RawList | None = None
    item_parts: list[tuple[str, int]] = []
    table: list[list[str]] | None = None
    table_start = 0
    row: list[str] = []
    while i <= len(tokens):
        while lost and lost[-1][0] <= i:  # put back what markdown-it dropped, where it stood
            _, content, off = lost.pop()
            if list_depth:
                item_parts.append((content, off))
            else:
                out.append(RawPara(content, off))
        if i == len(tokens):
            break
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


# ------------------------------------------------------------------------------------------------ deep nesting

MAX_NESTING = 64
"""markdown-it's nesting limit (its commonmark preset has 20). Past it markdown-it silently drops the rest of the
document, so a document that reaches it is flattened (`_flatten`) and parsed again, and `_lost_runs` puts back
anything still dropped as flat paragraphs: no word of an essay is lost. Other documents are parsed as they are."""
_FLAT_MARKERS = 8
"""After flattening, most quote or list marks kept at the start of one line."""
_FLAT_INDENT = 16
"""After flattening, most columns of indentation kept."""
_PREFIX_MARK = re.compile(r"[ \t]*(?:>|[-+*]|\d{1,9}[.)])(?=[ \t]|$)")
_LEAVES = ("inline", "fence", "code_block", "html_block", "hr", "heading_open", "paragraph_open", "table_open")
_MARKERS = re.compile(r"^[ \t]*(?:(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$))[ \t]*)*")


def _truncated(tokens: list[Token]) -> bool:
    """Did the block parser reach the nesting limit (and so drop what followed)?"""
    return any(t.nesting == 1 and t.level >= MAX_NESTING - 1 for t in tokens)


def _flatten(body: str) -> str:
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


def _lost_runs(body: str, tokens: list[Token], offsets: _Offsets) -> list[tuple[int, str, int]]:
    """Runs of lines that no token covers once the nesting limit was reached: (insert before token index, text
    without quote and list marks, offset in the source). Empty for any document that stays within the limit."""
    if not _truncated(tokens):
        return []
    lines = body.split("\n")
    covered = [False] * len(lines)
    after = [0] * (len(lines) + 1)  # per line: the index of the token after the last leaf token starting at or before it
    for k, tok in enumerate(tokens):
        if tok.type in _LEAVES and tok.map:
            a, b = tok.map
            for n in range(a, min(b, len(lines))):
                covered[n] = True
            after[a] = max(after[a], k + 1)
    for n in range(1, len(after)):
        after[n] = max(after[n], after[n - 1])
    runs: list[tuple[int, str, int]] = []
    start = -1
    parts: list[str] = []
    for n, line in enumerate([*lines, ""]):
        bare = _MARKERS.sub("", line).strip() if n < len(lines) and not covered[n] else ""
        if bare and re.search(r"\w", bare):
            if start < 0:
                start = n
            parts.append(bare)
            continue
        if parts:
            first = lines[start]
            col = len(first) - len(_MARKERS.sub("", first).lstrip())
            line_start = offsets.starts[min(start + offsets.base, len(offsets.starts) - 1)]
            runs.append((after[start], " ".join(parts), line_start + col))
        start, parts = -1, []
    return runs


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
