"""Headings a Markdown file leaves unmarked: plain lines, the way PDF-to-Markdown converters write them.

A CRS report converted to Markdown has a `# Title`, perhaps a `# Footnotes`, and its real headings as plain
one-line paragraphs. When a document has few `#` headings for its length, its one-line paragraphs are scored with
the plain-text heading scorer (`readers.headings`), reading the same source lines around them as the plain-text
reader would, and the ones that pass become headings below the marked ones.
"""

from __future__ import annotations

import bisect

from policybrief.lang.words import count_words
from policybrief.readers.headings import BULLET, DEFAULT_PARAMS, HeadingParams, heading_lines, level_of, wrapped_start
from policybrief.readers.lines import Context, split_lines
from policybrief.readers.raw import RawElement, RawHeading, RawPara

_BLOCK_START = ("#", ">", "|", "<", "```", "~~~")


def few_marked_headings(elements: list[RawElement], params: HeadingParams = DEFAULT_PARAMS) -> bool:
    """At most one `#` heading besides an opening title (a '# Footnotes', say), or fewer than one per
    `params.md_words_per_heading` words of text."""
    marked = sum(isinstance(e, RawHeading) for e in elements) - bool(elements and isinstance(elements[0], RawHeading))
    words = sum(count_words(e.text) for e in elements if isinstance(e, RawPara))
    return marked <= 1 or marked * params.md_words_per_heading < words


def promote_unmarked(elements: list[RawElement], source: str, params: HeadingParams = DEFAULT_PARAMS) -> list[RawElement]:
    """The elements with each one-line paragraph that scores as a heading turned into one."""
    lines = split_lines(source)
    if not lines:
        return elements
    starts = [ln.start for ln in lines]
    ctx = Context(lines)
    line_of: dict[int, int] = {}
    for k, el in enumerate(elements):
        if not isinstance(el, RawPara):
            continue
        i = bisect.bisect_right(starts, el.offset) - 1
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None or ctx.quiet[i + 1] or BULLET.match(nxt.text) or nxt.text.lstrip().startswith(_BLOCK_START):
            line_of[k] = i
        elif (i + 2 >= len(lines) or ctx.quiet[i + 2]) and wrapped_start(ctx, i + 1) == i and el.piece.end > nxt.start:
            line_of[k] = i + 1  # a heading broken after its colon: the paragraph's two lines are the heading
    chosen = set(heading_lines(lines, params, sorted(set(line_of.values())), ctx))
    promoted: dict[int, RawPara] = {}
    for k, i in line_of.items():
        el = elements[k]
        if i in chosen and isinstance(el, RawPara):
            promoted[k] = el
    if not promoted:
        return elements
    base = max((e.level for e in elements if isinstance(e, RawHeading)), default=0)
    texts = [p.text.strip() for p in promoted.values()]
    caps_mixed = any(t.isupper() for t in texts) and any(not t.isupper() for t in texts)
    out: list[RawElement] = []
    for k, el in enumerate(elements):
        para = promoted.get(k)
        if para is not None:
            out.append(RawHeading(para.piece, base + level_of(para.text.strip(), 0, caps_mixed)))
        else:
            out.append(el)
    return out
