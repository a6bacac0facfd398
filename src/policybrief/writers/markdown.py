"""Plain Markdown: for email bodies and for reviewing changes in a diff."""

from __future__ import annotations

import re

from policybrief.lang.cleanup import printable
from policybrief.model import Brief, BriefSection, BulletList, FindingsTable, Paragraph, Table
from policybrief.writers.layout import APPENDIX_COLUMNS, BriefWriter, title_lines
from policybrief.writers.style import Style

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def esc(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", printable(text))


def _table(header: list[str] | tuple[str, ...], rows: list[list[str]] | list[tuple[str, ...]]) -> list[str]:
    out = ["| " + " | ".join(esc(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return out


class MarkdownWriter(BriefWriter):
    def __init__(self, brief: Brief, style: Style) -> None:
        super().__init__(brief, style)
        self.out: list[str] = []

    def title_block(self, title: str) -> None:
        b = self.brief
        if b.marking:
            self.out += [f"**{esc(b.marking)}**", ""]
        self.out += [f"# {esc(title)}", "", f"*{esc(b.subtitle)}*", ""]
        self.out += [f"- **{k}:** {esc(v)}" for k, v in title_lines(b)] + [""]

    def summary(self, title: str) -> None:
        self.out += [f"## {esc(title)}", ""]
        if self.brief.summary_style == "bullets":
            self.out += [f"- {esc(s.text)}" for s in self.brief.summary]
        else:
            self.out += ["> " + " ".join(esc(s.text) for s in self.brief.summary)]
        self.out.append("")

    def key_judgments(self, title: str) -> None:
        self.out += [f"## {title}", ""] + [f"- {esc(it.text)}" for it in self.brief.key_judgments] + [""]

    def toc(self, title: str) -> None:
        self.out += [f"## {title}", ""] + [f"{'  ' * (s.level - 1)}- {esc(s.title)}" for s in self.brief.sections] + [""]

    def heading(self, section: BriefSection) -> None:
        self.out += [f"{'#' * (section.level + 1)} {esc(section.title)}", ""]

    def paragraph(self, block: Paragraph) -> None:
        self.out += [esc(block.text), ""]

    def bullet_list(self, block: BulletList) -> None:
        if block.lead_in:
            self.out += [esc(block.lead_in.text), ""]
        for i, it in enumerate(block.items, 1):
            self.out.append(f"{i}. {esc(it.text)}" if block.ordered else f"- {esc(it.text)}")
        self.out.append("")

    def table(self, block: Table) -> None:
        self.out += _table(list(block.header), [list(r) for r in block.rows]) + [""]

    def findings_table(self, table: FindingsTable, header: list[str], rows: list[list[str]]) -> None:
        self.out += [f"## {esc(table.title)}", ""] + _table(header, rows) + [""]

    def source_note(self, text: str) -> None:
        self.out += ["---", "", f"*{esc(text)}*", ""]

    def appendix(self, title: str, rows: list[tuple[str, str]]) -> None:
        self.out += [f"## {title}", ""]
        self.out += _table(APPENDIX_COLUMNS, [list(r) for r in rows]) + [""]

    def finish(self) -> bytes:
        if self.brief.marking:
            self.out += [f"**{esc(self.brief.marking)}**", ""]
        return "\n".join(self.out).encode("utf-8")
