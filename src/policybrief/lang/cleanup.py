"""Clean-ups that never change meaning, each one reported.

Text clean-ups (`edits`, on any sentence):

- `whitespace`: a run of spaces, tabs, line breaks or non-breaking spaces inside a sentence becomes one space;
- `space-before-punctuation`: "power ." becomes "power.";
- `hyphen-join`: a broken compound "Sino- Russian" becomes "Sino-Russian" (a suspended hyphen such as
  "short- and medium-term" is left alone);
- `control-character`: a control character (an ESC, a bell, a NUL...; not a tab or a line break, which are
  whitespace) is removed: it prints nothing, XML cannot hold most of them, and a terminal would obey them.

Markup clean-ups (`lang.markup`, on Markdown and on plain text converted from it): `template` (Liquid and kramdown
tags), `html` (tags and comments), `entity`, `escape`, `link` (link and image syntax; the link text is kept),
`emphasis`, `code` (backticks), `footnote-marker` and `footnote-label` (a definition's opening `[^3]:`); `markup` for
block structure a reader flattens inside one piece of text (quote marks, the marks of nested list items); and
`front-matter` for a YAML header, which is read as metadata.

Every clean-up is reported as a `Cleanup` whose `before` is exactly the source text at `offset` and whose `after`
replaces it, so that `apply_cleanups` turns any span of the source into the text the model holds: the rule that
every sentence of a brief is found verbatim in the essay after the documented clean-ups can be checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cleanup:
    """One change made to the essay's text that does not change its meaning."""

    kind: str
    """What was done: `whitespace`, `space-before-punctuation`, `hyphen-join`, `control-character`, `decoding`, a markup kind (see the module), or
    several joined by '+' when adjacent changes touch ("footnote-marker+space-before-punctuation")."""
    before: str
    """The source text replaced, exactly as found at `offset`."""
    after: str
    """The text that replaces it."""
    offset: int
    """Character offset of `before` in the source text."""

    @property
    def end(self) -> int:
        """Offset just past `before` in the source."""
        return self.offset + len(self.before)


@dataclass(frozen=True, slots=True)
class Edit:
    """A change to a string: `text[start:end]` becomes `replacement`."""

    start: int
    end: int
    replacement: str
    kind: str


_CONJUNCTIONS = "and|or|nor|to|as|but|versus|vs|through|than"
_CONTROL = r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
_RULES = re.compile(
    rf"(?P<hyphen>(?<=[^\W\d_]{{2}})- +(?=[^\W\d_]{{2}})(?!(?:{_CONJUNCTIONS})\b))"
    r"|(?P<punct>(?<=[^\W_]) +(?=[.,;:!?](?:\s|$)(?!\.)))"
    r"|(?P<space>\s{2,}|[\t\u00a0\u2000-\u200a\u202f\u3000\n\r\x0b\x0c\x1c-\x1f\x85])"
    rf"|(?P<ctrl>(?<=\s){_CONTROL}+\s+|{_CONTROL}+)",  # with the space after it when there is one before it
)
_KIND = {"hyphen": "hyphen-join", "punct": "space-before-punctuation", "space": "whitespace", "ctrl": "control-character"}


def edits(text: str) -> list[Edit]:
    """The text clean-ups `text` needs, as the smallest edits (a run of two spaces loses one; a line break becomes
    a space), in order and never overlapping."""
    out: list[Edit] = []
    for m in _RULES.finditer(text):
        kind = m.lastgroup or "space"
        a, b = m.start(), m.end()
        if kind == "hyphen":
            a += 1  # "- " keeps its hyphen: only the spaces go
            repl = ""
        elif kind in ("punct", "ctrl"):
            repl = ""
        elif text[a] == " ":
            a += 1  # "  " keeps its first space
            repl = ""
        else:
            repl = " "
        if a < b:
            out.append(Edit(a, b, repl, _KIND[kind]))
    return out


def apply_edits(text: str, changes: Iterable[Edit]) -> str:
    """`text` with non-overlapping, ordered edits made."""
    out: list[str] = []
    pos = 0
    for e in changes:
        out.append(text[pos : e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def clean(text: str, offset: int = 0) -> tuple[str, list[Cleanup]]:
    """Return `text` cleaned, and the clean-ups made (offsets relative to the source, via `offset`)."""
    found = edits(text)
    changes = [Cleanup(e.kind, text[e.start : e.end], e.replacement, offset + e.start) for e in found]
    return apply_edits(text, found), changes


def apply_cleanups(source: str, cleanups: Iterable[Cleanup], start: int = 0, end: int | None = None) -> str:
    """`source[start:end]` with every clean-up that lies inside it applied: the text the model holds for that span
    (up to the white space between sentences, which stays as it is in the source).

    Raises ValueError when a clean-up does not match the source (its `before` is not the text at its offset) or
    overlaps another: the record would not be an honest account of what was changed.
    """
    end = len(source) if end is None else end
    out: list[str] = []
    pos = start
    for c in sorted(cleanups, key=lambda c: (c.offset, c.end)):
        if c.offset < start or c.end > end or (not c.before and c.offset == end):
            continue
        if c.offset < pos:
            raise ValueError(f"clean-up at {c.offset} overlaps the one before it")
        if source[c.offset : c.end] != c.before:
            raise ValueError(f"clean-up at {c.offset} does not match the source: {c.before!r}")
        out.append(source[pos : c.offset])
        out.append(c.after)
        pos = c.end
    out.append(source[pos:end])
    return "".join(out)


_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates,
    U+FFFE/U+FFFF) nor DEL and C1 controls. Every writer and the email context pass text through this, so a stray
    ESC in a title can neither break a .docx nor reach a PDF, an email or a terminal (`clean` has already removed
    and reported those in the essay's sentences and headings; this also covers the title). The controls that Python
    counts as whitespace (vertical tab, form feed, the separators, NEL) become a space."""
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: " " if m.group().isspace() else "", text)
