"""Markdown emphasis delimiters (`*`, `_`, `**`, `~~`): which ones pair up, and so are markup, not text.

CommonMark's rules, simplified: a run of delimiters can open emphasis when it is left-flanking (a word follows it)
and close it when right-flanking; `_` inside a word ("snake_case") does neither; runs pair with the nearest
opener of the same character, two delimiters at a time where both have two ("the rule of three" kept). What pairs
is removed; what does not is text ("5 * 3"), except a stray `**`, which is broken emphasis and never a word.
Text struck through (`~~deleted~~`) is deleted text, removed with its marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policybrief.lang.cleanup import Edit


@dataclass(slots=True)
class _Run:
    char: str
    start: int
    end: int
    can_open: bool
    can_close: bool
    front: int = 0
    """Delimiters used from the start (as a closer)."""
    back: int = 0
    """Delimiters used from the end (as an opener)."""

    @property
    def left(self) -> int:
        return self.end - self.start - self.front - self.back


_DELIMS = re.compile(r"\*+|_+|~~")


def _flanking(text: str, a: int, b: int) -> tuple[bool, bool]:
    prev = text[a - 1] if a > 0 else " "
    nxt = text[b] if b < len(text) else " "
    punct_p, punct_n = _is_punct(prev), _is_punct(nxt)
    left = not nxt.isspace() and (not punct_n or prev.isspace() or punct_p)
    right = not prev.isspace() and (not punct_p or nxt.isspace() or punct_n)
    return left, right


def _is_punct(c: str) -> bool:
    return not (c.isalnum() or c.isspace())


def delimiters(text: str, dead: list[tuple[int, int]]) -> list[Edit]:
    """Edits removing the emphasis delimiters of `text` that pair up, and stray `**` runs; `dead`: ranges already
    edited or protected (code spans), whose characters are not delimiters."""
    runs: list[_Run] = []
    taken = bytearray(len(text))
    for s, e in dead:
        taken[s:e] = b"\x01" * (e - s)
    for m in _DELIMS.finditer(text):
        a, b = m.start(), m.end()
        if any(taken[a:b]):
            continue
        left, right = _flanking(text, a, b)
        ch = m.group()[0]
        prev = text[a - 1] if a > 0 else " "
        nxt = text[b] if b < len(text) else " "
        if ch == "_":
            can_open = left and (not right or _is_punct(prev))
            can_close = right and (not left or _is_punct(nxt))
        else:
            can_open, can_close = left, right
        runs.append(_Run(ch, a, b, can_open, can_close))
    openers: list[_Run] = []
    struck: list[tuple[int, int]] = []
    for run in runs:
        while run.can_close and run.left > 0:
            k = _opener_for(openers, run)
            if k < 0:
                break
            op = openers[k]
            use = 2 if op.left >= 2 and run.left >= 2 else 1
            if run.char == "~" and use < 2:
                break
            if run.char == "~":
                struck.append((op.start, run.end))
            op.back += use
            run.front += use
            del openers[k + 1 :]  # delimiters between them can no longer match
            if op.left == 0:
                openers.pop(k)
        if run.can_open and run.left > 0:
            openers.append(run)
    # Struck-through text is deleted text (a tracked change): it goes whole, with whatever markup is inside it.
    out = [Edit(a, b, "", "strikethrough") for a, b in struck]
    for run in runs:
        if any(a <= run.start and run.end <= b for a, b in struck):
            continue
        if run.char == "*" and run.end - run.start >= 2 and run.left > 0 and (run.can_open or run.can_close):
            run.front, run.back = run.end - run.start, 0  # a stray "**" of broken emphasis: never a word
        if run.left <= 0:
            out.append(Edit(run.start, run.end, _lost_space(text, run), "emphasis"))
            continue
        if run.front:
            out.append(Edit(run.start, run.start + run.front, "", "emphasis"))
        if run.back:
            out.append(Edit(run.end - run.back, run.end, "", "emphasis"))
    return out


def _lost_space(text: str, run: _Run) -> str:
    """What a run of emphasis marks leaves when it goes whole: a space where a long run ("Congress********may",
    "services.******Figure 1") stands between two words, the space a PDF conversion dropped where bold ended and
    began again; else nothing."""
    if run.end - run.start < 4 or run.start == 0 or run.end >= len(text):
        return ""
    prev, nxt = text[run.start - 1], text[run.end]
    return " " if nxt.isalnum() and (prev.isalnum() or prev in ".!?;:,)”’\"'") else ""


def _opener_for(openers: list[_Run], closer: _Run) -> int:
    for k in range(len(openers) - 1, -1, -1):
        op = openers[k]
        if op.char != closer.char or op.left <= 0:
            continue
        both = (op.can_open and op.can_close) or (closer.can_open and closer.can_close)
        total = (op.end - op.start) + (closer.end - closer.start)
        if both and total % 3 == 0 and not ((op.end - op.start) % 3 == 0 and (closer.end - closer.start) % 3 == 0):
            continue  # CommonMark's rule of three
        return k
    return -1


_WRAP = re.compile(r"^(\s*)(\*\*|__|\*|_)(?=\S)(.*\S)\2(\s*)$", re.S)


def wrapping(text: str, dead: list[tuple[int, int]]) -> list[Edit]:
    """A plain-text heading wrapped whole in emphasis marks ("**Background**"): the marks go."""
    m = _WRAP.match(text)
    if m is None or any(s < m.end(2) and m.start(2) < e for s, e in dead):
        return []
    a, b = m.start(2), m.end(2)
    c, d = m.end(3), m.end(3) + len(m.group(2))
    return [Edit(a, b, "", "emphasis"), Edit(c, d, "", "emphasis")]
