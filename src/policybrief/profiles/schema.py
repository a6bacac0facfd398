"""The audience profile schema (pydantic v2): every key a profile may set, with its type and default."""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from policybrief.formats import FormatName
from policybrief.model import TABLE_KINDS, TableKind

Column = Literal["item", "evidence", "section"]
COLUMNS: tuple[Column, ...] = get_args(Column)
FILENAME_FIELDS = ("essay", "profile", "ext", "date")
MAX_FILENAME = 200
MAX_WEIGHT = 100.0

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def one_line(v: str) -> str:
    """Text printed in a brief or a header: one line, no control characters."""
    if "\n" in v or "\r" in v:
        raise ValueError("must be one line")
    m = _CONTROL.search(v)
    if m:
        raise ValueError(f"contains a control character ({m.group()!r})")
    return v


def _no_control(v: str) -> str:
    """Running text: line breaks and tabs allowed, other control characters not."""
    m = _CONTROL_BUT_LINES.search(v)
    if m:
        raise ValueError(f"contains a control character ({m.group()!r})")
    return v


Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False)]
"""A focus term's weight: a finite number from 0 to MAX_WEIGHT."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sections(_Strict):
    include: list[str] = Field(default_factory=lambda: ["*"])
    """Selectors (see profiles/selectors.py): first, last, role:NAME, title:GLOB, relevant:N, or (in an essay's
    sidecar or a user's own profile) section ids and id globs. Back matter only when named."""
    exclude: list[str] = Field(default_factory=list)
    """Same forms as include; wins over include."""
    order: list[str] = Field(default_factory=list)
    """Selectors whose sections come first, in this order."""
    rest: Literal["source", "relevance"] = "source"
    """How the other sections follow: in essay order, or most relevant to the focus first."""
    fill: bool = True
    """When the chosen sections hold fewer words than the budget, add the most relevant other sections (within
    budget.max_sections) until they do."""

    @field_validator("include", "exclude", "order")
    @classmethod
    def _selectors(cls, v: list[str]) -> list[str]:
        from policybrief.profiles.selectors import parse

        for text in v:
            parse(text)
        return v


class Budget(_Strict):
    max_words: int | None = Field(default=None, gt=0)
    """Most words in the body (sections), not counting summary, key judgments and tables."""
    max_sections: int | None = Field(default=None, gt=0)
    pages: int | None = Field(default=None, gt=0, le=100)
    """Fit the PDF on this many pages: the body is condensed further, then the findings tables and key judgments
    shortened, until the estimated layout fits (the summary and the title are kept whole)."""


class Condense(_Strict):
    enabled: bool = True
    """When over budget, keep each section's most relevant sentences (verbatim, in essay order)."""
    min_sentences: int = Field(default=1, ge=1)
    """Never leave a kept heading with fewer sentences than this."""


class KeyJudgments(_Strict):
    show: bool = True
    """Show the essay's key judgments (its key-judgments list) after the summary, ranked by the focus."""
    items: int | None = Field(default=None, gt=0)
    """At most this many (None: all)."""
    words: int | None = Field(default=60, ge=0)
    """A long judgment shows its headline sentences, up to about this many words (0 or None: the whole)."""


class Summary(_Strict):
    sentences: int | None = Field(default=4, gt=0)
    words: int | None = Field(default=None, gt=0)
    style: Literal["paragraph", "bullets"] = "paragraph"
    title: str = "Executive summary"

    @field_validator("title")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return one_line(v)


class Tables(_Strict):
    include: list[TableKind] = Field(default_factory=lambda: list[TableKind](["limitations"]))
    columns: list[Column] = Field(default_factory=lambda: list(COLUMNS))
    titles: dict[str, str] = Field(default_factory=dict)
    """Captions by table kind, e.g. {limitations: "Limits of the partnership"}."""
    max_rows: int | None = Field(default=8, gt=0)
    """At most this many rows per table: the ones most relevant to the focus, in essay order (None: all)."""

    @field_validator("titles")
    @classmethod
    def _known_titles(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            if k not in TABLE_KINDS:
                raise ValueError(f"unknown table '{k}' (known: {', '.join(TABLE_KINDS)})")
            try:
                one_line(v[k])
            except ValueError as exc:
                raise ValueError(f"{k}: {exc}") from None
        return v


class Delivery(_Strict):
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = "{{ profile.title }}: {{ brief.title }}"
    """A Jinja2 template (sandboxed) with `brief`, `profile` and `essay` in scope."""
    sender: str = "policybrief@localhost"
    attach: list[FormatName] = Field(default_factory=lambda: list[FormatName](["pdf", "docx"]), min_length=1)
    max_attachment_mb: float = Field(default=10.0, gt=0)
    """Attachment size budget per message: over it, a warning (a failure with `email --strict`)."""
    text_template: str = Field(default="body.txt.j2", pattern=r"^[A-Za-z0-9_.-]+$")
    """Plain-text body template, in the templates folder's `email/`."""
    html_template: str = Field(default="body.html.j2", pattern=r"^[A-Za-z0-9_.-]+$")


class Profile(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    title: str
    audience: str = ""
    description: str = ""
    extends: str | None = None
    sections: Sections = Field(default_factory=Sections)
    focus: dict[str, Weight] = Field(default_factory=dict)
    """Terms this audience cares about, with weights (a plain list gives each weight 1)."""
    budget: Budget = Field(default_factory=Budget)
    condense: Condense = Field(default_factory=Condense)
    summary: Summary = Field(default_factory=Summary)
    key_judgments: KeyJudgments = Field(default_factory=KeyJudgments)
    """The essay's key judgments after the summary: `true`/`false`, or {show, items, words}."""
    tables: Tables = Field(default_factory=Tables)
    formats: list[FormatName] = Field(default_factory=lambda: list[FormatName](["docx", "pdf"]))
    marking: str = ""
    style: str = "default"
    filename: str = "{essay}-{profile}.{ext}"
    delivery: Delivery = Field(default_factory=Delivery)
    toc: bool = False
    appendix: bool = False
    subtitle: str = "{profile.title}"
    """Printed under the essay's title and in the footer: text with {essay.title}, {essay.date},
    {essay.organisation}, {essay.author}, {profile.title}, {profile.audience}, {profile.id}."""

    @field_validator("key_judgments", mode="before")
    @classmethod
    def _key_judgments_flag(cls, v: object) -> object:
        return {"show": v} if isinstance(v, bool) else v

    @field_validator("focus", mode="before")
    @classmethod
    def _focus_list(cls, v: object) -> object:
        if isinstance(v, list):
            return {str(t): 1.0 for t in v}
        return v

    @field_validator("focus")
    @classmethod
    def _focus_terms(cls, v: dict[str, float]) -> dict[str, float]:
        for term in v:
            try:
                one_line(term)
            except ValueError as exc:
                raise ValueError(f"term {term[:40]!r} {exc}") from None
        return v

    @field_validator("marking", "title", "subtitle", "audience")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return one_line(v)

    @field_validator("description")
    @classmethod
    def _text(cls, v: str) -> str:
        return _no_control(v)

    @field_validator("subtitle")
    @classmethod
    def _subtitle_fields(cls, v: str) -> str:
        fill_subtitle(v, {}, {})
        return v

    @field_validator("filename")
    @classmethod
    def _filename_pattern(cls, v: str) -> str:
        """Only the plain fields, no format specs, conversions, attributes or indexes, and {ext} at least."""
        if len(v) > MAX_FILENAME:
            raise ValueError(f"filename pattern is longer than {MAX_FILENAME} characters")
        plain = ", ".join(f"{{{f}}}" for f in FILENAME_FIELDS)
        try:
            parts = list(string.Formatter().parse(v))
        except ValueError as exc:
            raise ValueError(f"filename pattern: {exc} (use {{{{ and }}}} for literal braces)") from None
        used = set()
        for _text, name, spec, conversion in parts:
            if name is None:
                continue
            if name not in FILENAME_FIELDS or spec or conversion:
                shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                raise ValueError(f"filename pattern may use only the plain fields {plain}, not '{shown}'")
            used.add(name)
        if "ext" not in used:
            raise ValueError("filename pattern must contain {ext}")
        return v

    def focus_weights(self) -> dict[str, float]:
        return dict(self.focus)


SUBTITLE_FIELDS = {"essay": ("title", "date", "organisation", "author"), "profile": ("title", "audience", "id")}
_FIELD = re.compile(r"\{([^{}]*)\}")


def fill_subtitle(template: str, essay: dict[str, str], profile: dict[str, str]) -> str:
    """The subtitle with its {essay.x} and {profile.x} fields filled in; ValueError for any other {...}."""

    def one(m: re.Match[str]) -> str:
        scope, _, name = m.group(1).partition(".")
        if name not in SUBTITLE_FIELDS.get(scope, ()):
            known = ", ".join(f"{{{s}.{n}}}" for s, names in SUBTITLE_FIELDS.items() for n in names)
            raise ValueError(f"unknown field {m.group()} (known: {known})")
        return (essay if scope == "essay" else profile).get(name, "")

    return _FIELD.sub(one, template)
