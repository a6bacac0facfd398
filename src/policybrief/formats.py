"""The output formats, defined once: the profile schema, the writers registry, output names and email MIME types
all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

FormatName = Literal["docx", "pdf", "md"]
"""An output format's name, as profiles and `--format` spell it."""


@dataclass(frozen=True)
class OutputFormat:
    name: FormatName
    writer: str
    """`module:Class` of its `BriefWriter`, imported on first use."""
    mime: tuple[str, str]
    """(maintype, subtype) when attached to an email."""
    label: str
    """What a reader calls it ("Word")."""


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat(
            "docx",
            "policybrief.writers.docx:DocxWriter",
            ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "Word",
        ),
        OutputFormat("pdf", "policybrief.writers.pdf:PdfWriter", ("application", "pdf"), "PDF"),
        OutputFormat("md", "policybrief.writers.markdown:MarkdownWriter", ("text", "markdown"), "Markdown"),
    )
}
FORMAT_NAMES: tuple[FormatName, ...] = get_args(FormatName)
assert tuple(FORMATS) == FORMAT_NAMES, "FormatName and FORMATS list the same formats in the same order"


def check_formats(names: list[str] | tuple[str, ...] | None) -> tuple[FormatName, ...] | None:
    """The names as formats, or a RenderError naming the unknown one and the known ones."""
    from policybrief.errors import RenderError

    if names is None:
        return None
    out: list[FormatName] = []
    for name in names:
        if name not in FORMATS:
            raise RenderError(f"unknown format '{name}' (known: {', '.join(FORMAT_NAMES)})")
        out.append(FORMATS[name].name)
    return tuple(out)
