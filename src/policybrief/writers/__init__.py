"""Writers: one `BriefWriter` per format, each seeing only a `Brief` and a `Style`; found by format name in
`policybrief.formats.FORMATS` and imported on first use, so a docx-only build never imports reportlab.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from policybrief.formats import FORMATS, check_formats
from policybrief.model import Brief
from policybrief.writers.layout import BriefWriter
from policybrief.writers.layout import render as walk
from policybrief.writers.style import Style


@dataclass(frozen=True)
class Rendered:
    """One brief in one format, in memory."""

    data: bytes
    pages: int | None = None
    """Pages, for paged formats (PDF)."""


def writer_class(fmt: str) -> type[BriefWriter]:
    check_formats([fmt])
    module, name = FORMATS[fmt].writer.split(":")
    cls = getattr(importlib.import_module(module), name)
    assert isinstance(cls, type) and issubclass(cls, BriefWriter)
    return cls


def render(fmt: str, brief: Brief, style: Style) -> Rendered:
    """The file's bytes for one format."""
    writer = writer_class(fmt)(brief, style)
    data = walk(writer)
    return Rendered(data, writer.pages)


def warm_up(formats: tuple[str, ...], styles: tuple[Style, ...] = ()) -> None:
    """Import the writers of these formats and let each load what the styles need (fonts), ahead of the first brief."""
    for fmt in formats:
        module = importlib.import_module(FORMATS[fmt].writer.split(":")[0])
        hook = getattr(module, "warm_up", None)
        if hook is not None:
            for style in styles or (Style(),):
                hook(style)
