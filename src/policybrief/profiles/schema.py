"""The audience profile schema (pydantic v2): every key a profile may set, with its type and default."""

from __future__ import annotations

import re
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from policybrief.formats import FormatName
from policybrief.model import TABLE_KINDS, TableKind

Column = Literal["item", "evidence", "section"]
COLUMNS: tuple[Column, ...] = get_args(Column)


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


class Tables(_Strict):
    include: list[TableKind] = Field(default_factory=lambda: list[TableKind](["limitations"]))
    columns: list[Column] = Field(default_factory=lambda: list(COLUMNS))
    titles: dict[str, str] = Field(default_factory=dict)
    """Captions by table kind, e.g. {limitations: "Limits of the partnership"}."""

    @field_validator("titles")
    @classmethod
    def _known_titles(cls, v: dict[str, str]) -> dict[str, str]:
        for k in v:
            if k not in TABLE_KINDS:
                raise ValueError(f"unknown table '{k}' (known: {', '.join(TABLE_KINDS)})")
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
    focus: dict[str, float] = Field(default_factory=dict)
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

    @field_validator("marking", "title", "subtitle")
    @classmethod
    def _one_line(cls, v: str) -> str:
        if "\n" in v or "\r" in v:
            raise ValueError("must be one line")
        return v

    @field_validator("subtitle")
    @classmethod
    def _subtitle_fields(cls, v: str) -> str:
        fill_subtitle(v, {}, {})
        return v

    @model_validator(mode="after")
    def _filename_pattern(self) -> Profile:
        try:
            self.filename.format(essay="e", profile="p", ext="x", date="d")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"filename pattern may use {{essay}}, {{profile}}, {{ext}}, {{date}} ({exc})") from None
        return self

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
