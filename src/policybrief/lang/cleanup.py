"""Clean-ups that never change meaning, each one reported.

- `whitespace`: a run of spaces, tabs or non-breaking spaces inside a sentence becomes one space;
- `space-before-punctuation`: "power ." becomes "power.";
- `hyphen-join`: a broken compound "Sino- Russian" becomes "Sino-Russian" (a suspended hyphen such as
  "short- and medium-term" is left alone);
- `control-character`: a control character (an ESC, a bell, a NUL...; not a tab or a line break, which are
  whitespace) is removed: it prints nothing, XML cannot hold most of them, and a terminal would obey them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cleanup:
    """One change made to the essay's text that does not change its meaning."""

    kind: str
    """`space-before-punctuation`, `hyphen-join`, `whitespace`, `control-character`, `markup` or `decoding`."""
    before: str
    """The text as found."""
    after: str
    """The text as printed."""
    offset: int
    """Character offset in the source text."""


_CONJUNCTIONS = "and|or|nor|to|as|but|versus|vs|through|than"
_CONTROL = r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
_RULES = re.compile(
    rf"(?P<hyphen>(?<=[^\W\d_]{{2}})- +(?=[^\W\d_]{{2}})(?!(?:{_CONJUNCTIONS})\b))"
    r"|(?P<punct>(?<=[^\W_]) +(?=[.,;:!?](?:\s|$)(?!\.)))"
    r"|(?P<space>\s{2,}|[\t\u00a0\u2000-\u200a\u202f\u3000\n\r\x0b\x0c\x1c-\x1f\x85])"
    rf"|(?P<ctrl>(?<=\s){_CONTROL}+\s+|{_CONTROL}+)",  # with the space after it when there is one before it
)
_KIND = {"hyphen": "hyphen-join", "punct": "space-before-punctuation", "space": "whitespace", "ctrl": "control-character"}


def clean(text: str, offset: int = 0) -> tuple[str, list[Cleanup]]:
    """Return `text` cleaned, and the clean-ups made (offsets relative to the source, via `offset`)."""
    out: list[str] = []
    changes: list[Cleanup] = []
    pos = 0
    for m in _RULES.finditer(text):
        kind = m.lastgroup or "space"
        before = m.group()
        after = "-" if kind == "hyphen" else "" if kind in ("punct", "ctrl") else " "
        if before == after:
            continue
        out.append(text[pos : m.start()])
        out.append(after)
        pos = m.end()
        lo, hi = max(0, m.start() - 12), min(len(text), m.end() + 12)
        context_before = text[lo:hi]
        context_after = text[lo : m.start()] + after + text[m.end() : hi]
        changes.append(Cleanup(_KIND[kind], context_before, context_after, offset + m.start()))
    out.append(text[pos:])
    return "".join(out), changes


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
