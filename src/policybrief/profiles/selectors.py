"""Section selectors: how a profile names the sections it wants, in any essay.

    first, last            the essay's first or last top-level section with some text (40 words; back matter aside)
    role:NAME              sections with that role (summary, introduction, background, analysis, findings,
                           limitations, recommendations, conclusion, methodology, back-matter), or holding a
                           list of that role (key_judgments, drivers, limitations)
    title:GLOB             sections whose title matches, case-insensitively ("title:*energy*")
    relevant:N             the N sections most relevant to the profile's focus terms
    ID or ID-GLOB          section ids of one essay ("trade-and-investment-links", "*energy*"): for the essay's
                           sidecar or a user's own profile; an id that is not in the essay is an error

Back matter (footnotes, references, author information...) is only selected when named: by id or `role:back-matter`.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from policybrief.model import LIST_ROLES, SECTION_ROLES, Document, Section

Kind = Literal["first", "last", "role", "title", "relevant", "glob", "id"]
ROLE_NAMES: tuple[str, ...] = tuple(dict.fromkeys((*SECTION_ROLES, *(r for r in LIST_ROLES if r != "other"))))
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Selector:
    kind: Kind
    value: str = ""
    count: int = 0
    text: str = ""
    """As written in the profile."""

    @property
    def names_id(self) -> bool:
        return self.kind == "id"


def parse(text: str) -> Selector:
    """A selector from its text; ValueError with a message a profile author can act on."""
    t = text.strip()
    if t in ("first", "last"):
        return Selector(t, text=text)  # type: ignore[arg-type]  # t is one of the two literals
    head, sep, rest = t.partition(":")
    if sep:
        if head == "role":
            if rest not in ROLE_NAMES:
                from policybrief.errors import did_you_mean

                raise ValueError(f"unknown role '{rest}'{did_you_mean(rest, ROLE_NAMES)} (known: {', '.join(ROLE_NAMES)})")
            return Selector("role", rest, text=text)
        if head == "title":
            if not rest:
                raise ValueError("title: needs a pattern, such as title:*energy*")
            return Selector("title", rest.lower(), text=text)
        if head == "relevant":
            if not rest.isdigit() or not 0 < int(rest) <= 50:
                raise ValueError(f"'{t}': relevant:N needs a number of sections from 1 to 50")
            return Selector("relevant", count=int(rest), text=text)
        raise ValueError(f"unknown selector '{t}' (use first, last, role:NAME, title:GLOB, relevant:N or a section id)")
    if any(ch in t for ch in "*?["):
        return Selector("glob", t, text=text)
    if not _ID.match(t):
        raise ValueError(f"'{t}' is not a section id (ids are lower-case words joined by '-', as `policybrief inspect` shows)")
    return Selector("id", t, text=text)


SUBSTANTIAL_WORDS = 40
"""A section shorter than this (a byline, a version line before the first heading) is not an essay's "first"."""


def body_sections(doc: Document) -> list[Section]:
    """Every section but back matter, in essay order."""
    return [s for s in doc.walk() if s.role != "back-matter"]


def match(sel: Selector, doc: Document, relevance: Mapping[str, float]) -> list[Section]:
    """The sections a selector picks, in essay order (`relevant:N` in order of relevance)."""
    body = body_sections(doc)
    top = [s for s in body if s.level == min((b.level for b in body), default=1) and s.words >= SUBSTANTIAL_WORDS]
    if sel.kind == "first":
        return top[:1]
    if sel.kind == "last":
        return top[-1:]
    if sel.kind == "role":
        pool = list(doc.walk()) if sel.value == "back-matter" else body
        return [s for s in pool if s.role == sel.value or any(getattr(b, "role", None) == sel.value for b in s.blocks)]
    if sel.kind == "title":
        return [s for s in body if fnmatch.fnmatchcase(s.title.lower(), sel.value)]
    if sel.kind == "relevant":
        ranked = sorted(((relevance.get(s.id, 0.0), i, s) for i, s in enumerate(body)), key=lambda t: (-t[0], t[1]))
        return [s for score, _, s in ranked[: sel.count] if score > 0]
    if sel.kind == "glob":
        return [s for s in body if fnmatch.fnmatchcase(s.id, sel.value)]
    return [s for s in doc.walk() if s.id == sel.value]
