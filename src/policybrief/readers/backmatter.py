"""Captions and back matter told by their content, where no heading names them.

Section titles already mark back matter ("Footnotes", "References", "Disclaimer": `lang.roles.section_role`). This
module finds what sits under no such title, by what it says and where:

- `notes`: footnote definitions: a paragraph opening with a definition label (`[^3]:`, `\\[^3\\]:`, which
  `lang.markup` reports as a `footnote-label` clean-up), a table-like `| 3. | See ...` line, a paragraph opening with
  the next footnote number ("2 The request also asked ..." after "1 See: GAO, ...", as PDF conversions leave them
  at the foot of each page), and a numbered list of citations at the end of the document ("1.  See ...");
- `disclaimer`: the closing "This document was prepared by the Congressional Research Service..." paragraphs (and a
  "Disclaimer:" line over them) at the end of the document;
- `contents`: a table of contents: a list of links to the document's own anchors, or lines ending in page numbers;
- `caption`: "Figure 3. ...", "Table 2: ..." (a number, then a full stop, colon or dash: "Table 2 shows" is prose),
  "Source: ...", "Sources:", and "Notes: ..." next to a table or another caption (elsewhere a note is the essay's
  own remark).

`tag` marks each element it recognises; `assemble` turns captions into `Caption` blocks (or a table's caption) and
gathers the back matter into back-matter sections. Where numbered notes were found, `unmark_notes` removes their
in-text markers ("...retaliation. [8]") from the prose, as `footnote-marker` clean-ups.
"""

from __future__ import annotations

import re

from policybrief.lang.cleanup import Edit
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawElement, RawList, RawPara, RawTable

_LEAD = r"^[\s|*_>]*"
_TITLE_CAPTION = re.compile(
    _LEAD + r"(figure|fig\.|table|chart|map|exhibit|box|graph|photo|illustration|text box)\s+"
    r"([A-Z]?\d{1,3}(?:[.\-–]\d{1,3})*[a-z]?|[IVX]{1,5}|[A-Z])\s*(?:[.:–—]|-\s|$|\n)",
    re.I,
)
_SOURCE_CAPTION = re.compile(_LEAD + r"(sources?|notes?|source\(s\)|data sources?|sources? and notes?)\s*:", re.I)
_CAPTION_WORDS = 150
_SOURCE_IN_BOX = re.compile(r"(?:^|\n|\|)[\s*_]*sources?\s*:", re.I)
_TABLE_NOTE = re.compile(r"^\s*\|\s*\d{1,3}\.?\s*\|")
_NUMBERED_NOTE = re.compile(r"^\s*(\d{1,3})\s+(?=[A-Z\"“(‘'_*\[])")
_CITATION = re.compile(
    r"^\W*(see|ibid|id\.|for (more|further|additional|a (more|fuller))|available (at|from)|cf\.|quoted in|"
    r"source|accessed)\b|https?://|www\.|\b(crs (report|in focus|insight)|u\.s\.c\.|stat\.|fed\. ?reg\.|"
    r"federal register|p\.l\.|pub\. ?l\.|cong\. rec\.|gao-\d)|,\s*(?:19|20)\d\d[,.;)]|\((?:19|20)\d\d\)",
    re.I,
)
_DISCLAIMER = re.compile(
    r"^\W*disclaimer\b|\b(this|these) (document|report|paper|publication|brief|product)s? "
    r"(was|were|is|are|has been|have been) prepared by\b|\bshould not be relied upon\b|\bnot subject to "
    r"copyright\b|\ball rights reserved\b|\b(does|do) not (necessarily )?(reflect|represent) the (official )?"
    r"(views|positions?|polic(y|ies))\b|^\W*(©|copyright\b)|\breproduced and distributed in its entirety\b|"
    r"\bpermission (of|from) the copyright holder\b|\bthis is a work of the u\.s\. government\b",
    re.I,
)
_STRONG_DISCLAIMER = 2
"""Distinct disclaimer phrases a paragraph must hold to be a disclaimer away from the end of the document (one
phrase, such as "not subject to copyright", can be the subject of a report's own prose)."""
_LABEL = re.compile(r"^\W*(disclaimer|notice|legal notice|copyright)\W*$", re.I)
_PAGE_LINE = re.compile(r"\S\s*(?:\.{2,}\s*)?\b\d{1,3}$")
_ANCHOR_LINK = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*\[[^\]\n]+\]\(#[^)\s]*\)\s*$")


def is_title_caption(text: str) -> bool:
    """A figure or table title: "Figure 3. ...", "Table 2: ..."."""
    return bool(_TITLE_CAPTION.match(text))


def is_caption(text: str) -> bool:
    """A caption, source line or notes line; a figure box ("Figure 3. ... Source: ... Notes: ...") of any length."""
    if _TITLE_CAPTION.match(text) and _SOURCE_IN_BOX.search(text):
        return True
    return len(text.split()) <= _CAPTION_WORDS and bool(_TITLE_CAPTION.match(text) or _SOURCE_CAPTION.match(text))


def _citation_share(texts: list[str]) -> float:
    return sum(bool(_CITATION.search(t)) for t in texts) / len(texts) if texts else 0.0


def _is_contents(el: RawElement, source: str) -> bool:
    """A list of links to the document's own anchors, or a block of lines most of which end in page numbers."""
    if isinstance(el, RawList):
        raws = [source[p.start : p.end] for p in el.items]
        return len(raws) >= 3 and all(re.match(r"\s*\[[^\]\n]+\]\(#", r) for r in raws)
    if not isinstance(el, RawPara) or el.code:
        return False
    lines = [ln.strip() for ln in source[el.piece.start : el.piece.end].splitlines() if ln.strip()]
    if len(lines) >= 3 and all(_ANCHOR_LINK.match(ln) for ln in lines):
        return True
    paged = sum(bool(_PAGE_LINE.search(ln)) and len(ln.split()) <= 16 for ln in lines)
    sentences = sum(ln.endswith((".", "?", "!")) for ln in lines)
    return len(lines) >= 3 and paged >= 2 and paged >= 0.25 * len(lines) and sentences <= 0.1 * len(lines)


def tag(elements: list[RawElement], source: str) -> set[int]:
    """Mark captions and back matter among the elements (in place); return the numbers of the footnotes found
    (an in-text "[12]" is a marker when note 12 exists)."""
    expected = 1  # the next footnote number, for "2 The request also asked..." paragraphs
    numbers: set[int] = set()
    for el in elements:
        if isinstance(el, RawPara) and not el.code:
            text = el.text
            if any(c.kind == "footnote-label" and c.start <= el.piece.start + 1 for c in el.piece.changes) or _TABLE_NOTE.match(
                text
            ):
                el.tag = "notes"
                continue
            m = _NUMBERED_NOTE.match(text)
            if m and int(m.group(1)) in (expected, expected + 1) and not is_caption(text):
                el.tag = "notes"
                expected = int(m.group(1)) + 1
                numbers.add(int(m.group(1)))
                continue
            if _is_contents(el, source):
                el.tag = "contents"
            elif is_caption(text):
                el.tag = "caption" if not _NOTE_LINE.match(text) else "note?"
            elif len({m.group().lower() for m in _DISCLAIMER.finditer(text)}) >= _STRONG_DISCLAIMER:
                el.tag = "disclaimer"
        elif isinstance(el, RawList) and _is_contents(el, source):
            el.tag = "contents"
    _tag_table_notes(elements)
    _tag_contents_runs(elements)
    _tag_closing(elements)
    return numbers


_NOTE_LINE = re.compile(_LEAD + r"notes?\s*:", re.I)


def _tag_table_notes(elements: list[RawElement]) -> None:
    """A "Note: ..." line is a caption next to a table or another caption ("Notes: This table is not exhaustive");
    elsewhere it is the essay's own remark ("Note: the policy is at beta as of 1.35") and stays prose."""
    for k, el in enumerate(elements):
        if isinstance(el, RawPara) and el.tag == "note?":
            near = [elements[j] for j in (k - 1, k + 1) if 0 <= j < len(elements)]
            beside_table = any(isinstance(n, RawTable) or (isinstance(n, RawPara) and n.tag == "caption") for n in near)
            el.tag = "caption" if beside_table else ""


_PAGED = re.compile(r"^[^.!?]{2,150}?\s\d{1,3}$")
_CONTENTS_LABEL = re.compile(r"^\W*(contents|table of contents|tables|figures|figures and tables|tables and figures)\W*$", re.I)
_CONTENTS_RUN = 3


def _tag_contents_runs(elements: list[RawElement]) -> None:
    """A table of contents written as one-line paragraphs ("Appendix I State-Level Protections 30"): a run of short
    lines ending in page numbers (with the "Tables" or "Figures" labels and the wrapped entries among them)."""

    def paged(el: RawElement) -> bool:
        text = el.text.strip() if isinstance(el, RawPara) else ""
        return (
            isinstance(el, RawPara)
            and not el.tag
            and "\n" not in text
            and len(text.split()) <= 16
            and bool(_PAGED.match(text))
            and bool(re.search(r"[^\W\d_]{3}", text))
        )

    def filler(el: RawElement) -> bool:
        if not isinstance(el, RawPara) or el.tag not in ("", "caption", "contents"):
            return False
        text = el.text.strip()
        return (
            el.tag == "contents"
            or bool(_CONTENTS_LABEL.match(text))
            or ("\n" not in text and len(text.split()) <= 16 and not text.endswith((".", "?", "!", ":")))
        )

    k = 0
    while k < len(elements):
        if not (paged(elements[k]) or getattr(elements[k], "tag", "") == "contents"):
            k += 1
            continue
        j = k
        while j < len(elements) and (paged(elements[j]) or filler(elements[j])):
            j += 1
        while j > k and not (paged(elements[j - 1]) or getattr(elements[j - 1], "tag", "") == "contents"):
            j -= 1  # a run ends on an entry, not on the text after it
        run = elements[k:j]
        score = sum(paged(e) for e in run) + _CONTENTS_RUN * sum(getattr(e, "tag", "") == "contents" for e in run)
        if score >= _CONTENTS_RUN and sum(paged(e) for e in run) >= 1 or score > _CONTENTS_RUN:
            for e in run:
                if isinstance(e, RawPara):
                    e.tag = "contents"
        k = max(j, k + 1)


_NOTE_MARK = re.compile(r"(?<=\S)\s?\[(\d{1,3})\]|\[(\d{1,3})\](?=\S)")


def unmark_notes(el: RawElement, numbers: set[int]) -> RawElement:
    """A paragraph or list without its "[12]" footnote markers, when the document has those footnotes (as PDF
    conversions write them)."""

    def unmarked(piece: Piece) -> Piece:
        found = [
            Edit(m.start(), m.end(), "", "footnote-marker")
            for m in _NOTE_MARK.finditer(piece.text)
            if int(m.group(1) or m.group(2)) in numbers
        ]
        return piece.apply(found)

    if isinstance(el, RawPara) and not el.code and not el.tag:
        return RawPara(unmarked(el.piece), el.code, el.tag)
    if isinstance(el, RawList) and not el.tag:
        return RawList(
            [unmarked(p) for p in el.items],
            el.ordered,
            unmarked(el.lead_in) if el.lead_in else None,
            el.markers,
            el.context,
            el.tag,
        )
    return el


def split_definitions(elements: list[RawElement]) -> list[RawElement]:
    """A paragraph of footnote definitions one per line (Markdown runs them into one paragraph) as one paragraph per
    definition."""
    out: list[RawElement] = []
    for el in elements:
        if not (isinstance(el, RawPara) and el.tag == "notes" and "\n" in el.text):
            out.append(el)
            continue
        piece = el.piece
        labels = [c for c in piece.changes if c.kind == "footnote-label"]
        cuts = [0]
        for i, ch in enumerate(piece.text):
            if ch == "\n" and i + 1 < len(piece.text):
                lo, hi = piece.source_end(i + 1), piece.source_at(i + 1)
                if any(lo <= c.start <= hi for c in labels):
                    cuts.append(i + 1)
        cuts.append(len(piece.text))
        out += [RawPara(piece.slice(a, b), el.code, el.tag) for a, b in zip(cuts, cuts[1:], strict=False) if a < b]
    return out


def _tag_closing(elements: list[RawElement]) -> None:
    """The document's closing run: disclaimers (with their label line), then footnotes written as a numbered list of
    citations (with any note paragraphs among them)."""
    k = len(elements) - 1
    found = False
    while k >= 0:
        el = elements[k]
        if isinstance(el, RawPara) and (_DISCLAIMER.search(el.text) or (_LABEL.match(el.text) and found)):
            el.tag, found = "disclaimer", True
            k -= 1
            continue
        break
    while k >= 0:
        el = elements[k]
        if isinstance(el, RawList) and el.ordered and len(el.items) >= 2 and _citation_share([p.text for p in el.items]) >= 0.6:
            el.tag = "notes"
        elif not (isinstance(el, RawPara) and el.tag == "notes"):
            break
        k -= 1


__all__ = ["is_caption", "is_title_caption", "split_definitions", "tag", "unmark_notes"]
