"""Lines of a text and the layout facts the heading scorer reads around them.

Which lines are quiet (blank, or residue of a Markdown conversion that a reader does not see: HTML anchors and
comments, link definitions, template directives), which are fenced code, and whether a line starts running prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANCHOR = re.compile(r"\s*\{#[^}]*\}\s*$")
_QUIET = re.compile(r"^\s*(?:</?(a|div|span|p|br)\b[^>]*>\s*(</\w+>)?|<!--.*-->|\[[^\]\n]+\]:\s+\S+.*|\{[%{].*[%}]\})\s*$")
LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\([^)\s]+\)")
"""A Markdown link, `[text](target)` (not an image)."""
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_PROSE_END = (".", "?", "!", ".”", '."', ":", ";")


@dataclass
class Line:
    """One line of the source, without its line break, and where it starts and ends."""

    start: int
    end: int
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t\u00a0\ufeff")

    @property
    def blank(self) -> bool:
        return not self.stripped


def split_lines(source: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lines.append(Line(pos, pos + len(body), body))
        pos += len(raw)
    return lines


UNMARK_LIMIT = 2000
"""Longer lines are left as they are: never a heading, always prose, and the link pattern is quadratic on a line of
thousands of brackets."""


def unmark(s: str) -> str:
    """A line without the Markdown residue that plain-text conversions leave: anchors, links, emphasis, escapes."""
    if len(s) > UNMARK_LIMIT:
        return s.strip()
    s = _ANCHOR.sub("", s).replace("\\#", "#")
    s = LINK.sub(r"\1", s)
    s = re.sub(r"<a\b[^>]*>\s*</a>", "", s).strip()
    while len(s) > 4 and s[:2] in ("**", "__") and s[-2:] == s[:2]:
        s = s[2:-2].strip()
    if len(s) > 2 and s[0] in "*_" and s[-1] == s[0] and s[1] != s[0]:
        s = s[1:-1].strip()
    return s


def _words(s: str) -> list[str]:
    return s.split()


def is_prose(s: str) -> bool:
    """A line of running text: long, or ending like a sentence."""
    words = _words(s)
    return len(words) >= 18 or (len(words) >= 6 and s.rstrip().endswith(_PROSE_END))


def is_context_blank(line: Line | None) -> bool:
    """No text: the edge of the document, a blank line, a bare HTML anchor/div or comment, or a Markdown link
    definition (`[motivation]: #motivation`) that a conversion left in."""
    return line is None or line.blank or bool(_QUIET.match(line.text))


class Context:
    """What the scorer needs to know about every line of a text, computed once: which lines are quiet (blank for
    the purpose of layout) and which are fenced code (never headings, never the prose a heading introduces)."""

    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.quiet = [is_context_blank(ln) for ln in lines]
        self.code = [False] * len(lines)
        fence = ""
        for i, ln in enumerate(lines):
            m = _FENCE.match(ln.text)
            if fence:
                self.code[i] = True
                if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not ln.text.strip()[len(m.group(1)) :]:
                    fence = ""
            elif m and not (m.group(1)[0] == "`" and "`" in ln.text.strip()[len(m.group(1)) :]):
                fence = m.group(1)
                self.code[i] = True

    def following(self, i: int) -> int | None:
        """The next line with text after line i (quiet lines skipped)."""
        j = i + 1
        while j < len(self.lines) and self.quiet[j]:
            j += 1
        return j if j < len(self.lines) else None

    def preceding(self, i: int) -> int | None:
        j = i - 1
        while j >= 0 and self.quiet[j]:
            j -= 1
        return j if j >= 0 else None

    def introduces_prose(self, j: int) -> bool:
        """Line j starts running text: a long or sentence-like line, a lead-in ending in a colon, or a hard-wrapped
        paragraph (a line of eight words or more that runs on into the next, eighteen words within three lines)."""
        first = unmark(self.lines[j].stripped)
        if self.code[j] or is_prose(first) or (first.endswith(":") and len(_words(first)) >= 2):
            return True
        words = len(_words(first))
        if words < 8:
            return False
        k = j + 1
        while k < len(self.lines) and k <= j + 2 and not self.quiet[k]:
            words += len(_words(self.lines[k].stripped))
            k += 1
        return k > j + 1 and words >= 18
