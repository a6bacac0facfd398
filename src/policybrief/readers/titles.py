"""The document's title from its opening lines, the same way for plain text and Markdown.

A title is the first heading of the document, after at most a short preamble (a version or date line, a link),
when what follows it is not its own prose: the first section heading, a table of contents, a short metadata line
("**Report:** GAO-26-107650 | **Published:** ..."). In Markdown the heading levels say more: the opening heading is
also the title when it is the only one at the top level or the headings after it are deeper. In plain text an opening
line over running prose is the title when it reads like one (four words or more, or a colon); "Overview" over
the essay's first paragraph is the first section.
"""

from __future__ import annotations

from policybrief.readers.headings import NUMBERED_HEADING, could_be_heading, is_dateline, is_link_only
from policybrief.readers.raw import RawElement, RawHeading, RawList, RawPara

PREAMBLE_ELEMENTS = 2
PREAMBLE_WORDS = 12
TITLE_WORDS = 4
"""A plain-text opening line over prose is the title when it is this long or has a colon ("Trade: An Overview");
a shorter one is the first section's heading ("Overview", "Key Judgments")."""


def _is_preamble(el: RawElement) -> bool:
    """A short paragraph, or a version/date line or a bare link that the scorer took for a heading."""
    if isinstance(el, RawPara):
        return len(el.text.split()) <= PREAMBLE_WORDS
    return isinstance(el, RawHeading) and (is_dateline(el.text) or is_link_only(el.text))


def _is_toc(el: RawList) -> bool:
    """A list of links: a table of contents, as Markdown tools write one (in Markdown the link syntax is already
    gone from the text; the clean-up that removed it, at the item's start, says it was there)."""
    return bool(el.items) and all(
        p.text.lstrip().startswith("[") or any(c.kind == "link" and c.start <= p.start for c in p.changes) for p in el.items
    )


def _no_own_prose(el: RawElement) -> bool:
    """What follows a title: a heading, a table of contents or a short line that is not a sentence."""
    if isinstance(el, RawHeading):
        return True
    if isinstance(el, RawList):
        return _is_toc(el)
    if isinstance(el, RawPara):
        text = el.text.strip()
        return len(text.split()) <= 15 and not text.endswith((".", "!", "?", ":"))
    return False


def _candidate(el: RawElement, levels: bool) -> bool:
    """A heading, or (in plain text, where the scorer may have passed over a title) a one-line paragraph that
    could be one."""
    if isinstance(el, RawHeading):
        return not (is_dateline(el.text) or is_link_only(el.text))
    return (
        not levels
        and isinstance(el, RawPara)
        and "\n" not in el.text.strip()
        and could_be_heading(el.text)
        and not is_dateline(el.text)
        and not is_link_only(el.text)
    )


def split_title(elements: list[RawElement], levels: bool) -> tuple[RawHeading | RawPara | None, list[RawElement]]:
    """(the title's element, the elements without it); (None, elements) when the document opens with no title.

    `levels`: heading levels are marked (Markdown), not guessed (plain text).
    """
    k = 0
    while k < len(elements) and not _candidate(elements[k], levels):
        if k >= PREAMBLE_ELEMENTS or not _is_preamble(elements[k]):
            return None, elements
        k += 1
    if k + 1 >= len(elements):
        return None, elements  # a title over nothing: the line is the whole text, not a title
    head = elements[k]
    assert isinstance(head, RawHeading | RawPara)
    after = elements[k + 1]
    if NUMBERED_HEADING.match(head.text.strip()):
        return None, elements  # "6 Selecting Assurance Levels" is a chapter's first section, not a title
    if levels and isinstance(head, RawHeading):
        heads = [e for e in elements if isinstance(e, RawHeading)]
        top = min(h.level for h in heads)
        following = next(iter(heads[heads.index(head) + 1 :]), None)
        deeper = following is not None and following.level > head.level
        is_title = head.level == top and (
            sum(h.level == top for h in heads) == 1
            or (head.level == 1 and deeper)
            or (_no_own_prose(after) and not (isinstance(after, RawHeading) and after.level > head.level))
        )
    else:
        words = head.text.split()
        is_title = _no_own_prose(after) or len(words) >= TITLE_WORDS or ":" in head.text
    if not is_title:
        return None, elements
    return head, elements[:k] + elements[k + 1 :]
