"""What a reader hands to the assembler: raw elements in source order, each a `Piece` of the source text.

Readers find structure (which lines are headings, lists, tables); `assemble` turns that into a `Document`
(clean-ups, sentences, sections, ids, lead-ins, list roles, captions and back matter) the same way for every format.
A piece maps its text to the source, so every clean-up made on the way is reported exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policybrief.readers.pieces import Piece


@dataclass
class RawHeading:
    piece: Piece
    level: int = 1

    @property
    def text(self) -> str:
        return self.piece.text

    @property
    def offset(self) -> int:
        return self.piece.offset


@dataclass
class RawPara:
    piece: Piece
    code: bool = False
    """Fenced or indented code: white space is tidied, markup is not touched."""
    tag: str = ""
    """Set by `readers.backmatter`: `caption`, or the back matter it is (`notes`, `contents`, `disclaimer`)."""

    @property
    def text(self) -> str:
        return self.piece.text

    @property
    def offset(self) -> int:
        return self.piece.offset


@dataclass
class RawList:
    items: list[Piece]
    """Each item's text without its marker."""
    ordered: bool = False
    lead_in: Piece | None = None
    markers: list[str] = field(default_factory=list)
    """The bullet or number of each item as written."""
    context: str = ""
    """The sentence before the lead-in, which often names what the list is ("...a number of limitations")."""
    tag: str = ""
    """As for `RawPara`: the back matter a list is (footnotes written as a numbered list, a table of contents)."""


@dataclass
class RawTable:
    header: list[Piece]
    rows: list[list[Piece]]
    offset: int
    end: int
    caption: RawPara | None = None
    """The caption written just before it ("Table 2. ..."), once `assemble` has joined them."""


RawElement = RawHeading | RawPara | RawList | RawTable


def para(text: str, offset: int, code: bool = False) -> RawPara:
    """A paragraph that stands verbatim at `offset` in the source."""
    return RawPara(Piece.verbatim(text, offset), code)


def heading(text: str, offset: int, level: int = 1) -> RawHeading:
    return RawHeading(Piece.verbatim(text, offset), level)


@dataclass
class RawDocument:
    elements: list[RawElement]
    source: str
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    title_piece: Piece | None = None
    """The title when it was taken from the text (its clean-ups are reported like any other text's)."""
    front_matter: int = 0
    """Where the YAML front matter ends (0: none); it is read as metadata, and its removal from the text reported."""
    silent: list[Piece] = field(default_factory=list)
    """Markup that holds no words (a Liquid tag alone, an HTML anchor, a link definition): no element, but its
    removal is reported."""
