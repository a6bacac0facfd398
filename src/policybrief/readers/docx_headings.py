"""Headings of a Word document that has no heading styles: short paragraphs set apart by their look.

Many reports are typed with "Normal" paragraphs throughout and their headings made bold or larger by hand, which
Word's outline does not see. In such a document (no paragraph with a heading style or outline level), a paragraph is
a heading when it is short, reads like a title (`readers.headings.could_be_heading`: no closing full stop, not a
sentence, not a caption) and stands out: every run bold, or a font larger than the body text, or a section number
("2.3 Scope") in front of a title. Levels come from the number's depth ("2.3" is 2), else from the look: the
largest headings are level 1, the next size down level 2, and bold text at body size comes last.

This module sees only plain facts about each paragraph (`Look`); readers/docx.py reads them with python-docx.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from policybrief.readers.backmatter import is_caption
from policybrief.readers.headings import NUMBERED_HEADING, could_be_heading
from policybrief.readers.raw import RawElement, RawHeading, RawPara

MAX_WORDS = 15
"""Longer paragraphs are text, however they are set."""
LARGER_BY = 1.0
"""Points above the body text's size that make a paragraph's font larger."""


@dataclass(frozen=True)
class Look:
    """How a paragraph is set."""

    bold: bool
    """Every run with text is bold."""
    size: float | None
    """Its smallest font size in points (None when Word leaves it to defaults nobody set)."""
    chars: int
    """Characters of text, to find the body text's size."""


def body_size(looks: list[Look]) -> float | None:
    """The font size most of the text is set in."""
    sizes: Counter[float] = Counter()
    for lk in looks:
        if lk.size is not None:
            sizes[lk.size] += lk.chars
    return sizes.most_common(1)[0][0] if sizes else None


def _signature(lk: Look, body: float | None) -> float:
    """What sets a heading's level: its size (bold at body size ranks last, by being the smallest)."""
    return lk.size if lk.size is not None else (body or 0.0)


def promote(elements: list[RawElement], looks: dict[int, Look]) -> tuple[list[RawElement], str]:
    """The elements with paragraphs that look like headings turned into headings, and a title: the document's
    first paragraph when it is set larger than every heading after it (else "")."""
    body = body_size(list(looks.values()))
    chosen: dict[int, Look] = {}
    for k, lk in looks.items():
        el = elements[k]
        if not isinstance(el, RawPara):
            continue
        text = el.text.strip()
        if not text or len(text.split()) > MAX_WORDS or not could_be_heading(text) or is_caption(text):
            continue
        larger = lk.size is not None and body is not None and lk.size >= body + LARGER_BY
        numbered = NUMBERED_HEADING.match(text) is not None and not text.rstrip().endswith(".")
        if lk.bold or larger or (numbered and len(text.split()) <= 10):
            chosen[k] = lk
    if not chosen:
        return elements, ""
    ranks = sorted({_signature(lk, body) for lk in chosen.values()}, reverse=True)
    title = ""
    first = min(chosen)
    out: list[RawElement] = []
    top = _signature(chosen[first], body)
    opening = elements[first]
    if (
        first == 0
        and len(chosen) > 1
        and isinstance(opening, RawPara)
        and all(_signature(other, body) < top for k, other in chosen.items() if k != first)
    ):
        title = opening.text.strip()
        ranks.remove(top)
    for k, el in enumerate(elements):
        look = chosen.get(k)
        if look is None or not isinstance(el, RawPara):
            out.append(el)
            continue
        if title and k == first:
            continue
        num = NUMBERED_HEADING.match(el.text.strip())
        if num and num.group("num")[:1].isdigit():
            level = num.group("num").rstrip(".").count(".") + 1
        else:
            level = ranks.index(_signature(look, body)) + 1
        out.append(RawHeading(el.piece, min(level, 6)))
    return out, title
