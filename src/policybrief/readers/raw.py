"""What a reader hands to the assembler: raw elements in source order, with offsets into the source text.

Readers find structure (which lines are headings, lists, tables); `assemble` turns that into a `Document`
(sentences, clean-ups, sections, ids, lead-ins and list roles) the same way for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawHeading:
    text: str
    offset: int
    level: int = 1


@dataclass
class RawPara:
    text: str
    offset: int


@dataclass
class RawList:
    items: list[tuple[str, int]]
    """(item text without its marker, offset of that text)."""
    ordered: bool = False
    lead_in: tuple[str, int] | None = None
    markers: list[str] = field(default_factory=list)
    """The bullet or number of each item as written."""
    context: str = ""
    """The sentence before the lead-in, which often names what the list is ("...a number of limitations")."""


@dataclass
class RawTable:
    header: list[str]
    rows: list[list[str]]
    offset: int
    end: int


RawElement = RawHeading | RawPara | RawList | RawTable


@dataclass
class RawDocument:
    elements: list[RawElement]
    source: str
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
