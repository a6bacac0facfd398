"""Clean-ups that never change meaning, each one reported.

- `whitespace`: a run of spaces, tabs or non-breaking spaces inside a sentence becomes one space;
- `space-before-punctuation`: "power ." becomes "power.";
- `hyphen-join`: a broken compound "Sino- Russian" becomes "Sino-Russian" (a suspended hyphen such as
  "short- and medium-term" is left alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cleanup:
    """One change made to the essay's text that does not change its meaning."""

    kind: str
    """`space-before-punctuation`, `hyphen-join`, `whitespace`, `markup` or `decoding`."""
    before: str
    """The text as found."""
    after: str
    """The text as printed."""
    offset: int
    """Character offset in the source text."""


_CONJUNCTIONS = "and|or|nor|to|as|but|versus|vs|through|than"
_RULES = re.compile(
    rf"(?P<hyphen>(?<=[^\W\d_]{{2}})- +(?=[^\W\d_]{{2}})(?!(?:{_CONJUNCTIONS})\b))"
    r"|(?P<punct>(?<=[^\W_]) +(?=[.,;:!?](?:\s|$)(?!\.)))"
    r"|(?P<space>\s{2,}|[\t\u00a0\u2000-\u200a\u202f\u3000\n\r])",
)
_KIND = {"hyphen": "hyphen-join", "punct": "space-before-punctuation", "space": "whitespace"}


def clean(text: str, offset: int = 0) -> tuple[str, list[Cleanup]]:
    """Return `text` cleaned, and the clean-ups made (offsets relative to the source, via `offset`)."""
    out: list[str] = []
    changes: list[Cleanup] = []
    pos = 0
    for m in _RULES.finditer(text):
        kind = m.lastgroup or "space"
        before = m.group()
        after = "-" if kind == "hyphen" else "" if kind == "punct" else " "
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
