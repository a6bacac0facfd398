"""Plain Markdown: for email bodies and for reviewing changes in a diff."""

from __future__ import annotations

import re
from typing import Any

from policybrief.model import Brief, BulletList, Paragraph, Table
from policybrief.writers.layout import appendix_rows, cell_texts, title_lines

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def esc(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(esc(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


def render(brief: Brief, style: dict[str, Any] | None = None) -> bytes:
    out: list[str] = []
    if brief.marking:
        out += [f"**{esc(brief.marking)}**", ""]
    out += [f"# {esc(brief.title)}", "", f"*{esc(brief.subtitle)}*", ""]
    out += [f"- **{k}:** {esc(v)}" for k, v in title_lines(brief)] + [""]
    if brief.summary:
        out += [f"## {esc(brief.summary_title)}", ""]
        if brief.summary_style == "bullets":
            out += [f"- {esc(s.text)}" for s in brief.summary]
        else:
            out += ["> " + " ".join(esc(s.text) for s in brief.summary)]
        out.append("")
    if brief.key_judgments:
        out += ["## Key judgments", ""] + [f"- {esc(it.text)}" for it in brief.key_judgments] + [""]
    if brief.toc:
        out += ["## Contents", ""] + [f"{'  ' * (s.level - 1)}- {esc(s.title)}" for s in brief.sections] + [""]
    for sec in brief.sections:
        out += [f"{'#' * (sec.level + 1)} {esc(sec.title)}", ""]
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                out += [esc(block.text), ""]
            elif isinstance(block, BulletList):
                if block.lead_in:
                    out += [esc(block.lead_in.text), ""]
                for i, it in enumerate(block.items, 1):
                    out.append(f"{i}. {esc(it.text)}" if block.ordered else f"- {esc(it.text)}")
                out.append("")
            elif isinstance(block, Table):
                out += _table(list(block.header), [list(r) for r in block.rows]) + [""]
    for t in brief.tables:
        header, rows = cell_texts(t)
        out += [f"## {esc(t.title)}", ""] + _table(header, rows) + [""]
    out += ["---", "", f"*{esc(brief.source_note)}*", ""]
    if brief.appendix:
        out += ["## Appendix: where each sentence comes from", ""]
        out += _table(["Sentence", "Place in the essay"], [list(r) for r in appendix_rows(brief)]) + [""]
    if brief.marking:
        out += [f"**{esc(brief.marking)}**", ""]
    return "\n".join(out).encode("utf-8")
