"""The one layout every writer follows, as an ordered list of parts, and shared helpers."""

from __future__ import annotations

import datetime as _dt

from policybrief import clock
from policybrief.model import Brief, FindingsTable, Sentence

PARTS = ("title_block", "summary", "key_judgments", "toc", "sections", "tables", "source_note", "appendix")
"""The order of a brief's parts; each writer renders each part in this order."""


def title_lines(brief: Brief) -> list[tuple[str, str]]:
    """(label, value) pairs of the title block below the title and subtitle."""
    pairs = [("Prepared for", brief.audience), ("Date", brief.date), ("Organisation", brief.organisation)]
    return [(k, v) for k, v in pairs if v]


def cell_texts(table: FindingsTable) -> tuple[list[str], list[list[str]]]:
    """Header and body rows of a findings table, by the profile's columns."""
    names = {"item": "Item", "evidence": "Evidence from the essay", "section": "Discussed in"}
    header = [names[c] for c in table.columns]
    rows = []
    for r in table.rows:
        cells = {"item": r.item.text, "evidence": " ".join(e.text for e in r.evidence), "section": r.section_title or r.section}
        rows.append([cells[c] for c in table.columns])
    return header, rows


def appendix_rows(brief: Brief) -> list[tuple[str, str]]:
    """(excerpt, place) for every extracted sentence, in print order, each listed once."""
    seen = set()
    out = []
    for s in brief.sentences():
        if s.ref in seen:
            continue
        seen.add(s.ref)
        out.append((excerpt(s), place(s)))
    return out


def excerpt(s: Sentence, n: int = 10) -> str:
    words = s.text.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


def place(s: Sentence) -> str:
    r = s.ref
    where = f"{r.section}, block {r.block + 1}"
    where += f", item {r.item + 1}" if r.item is not None else ""
    return f"{where}, sentence {r.sentence + 1} (chars {r.start}-{r.end})"


def fixed_time(brief: Brief) -> _dt.datetime:
    """The timestamp written into files: SOURCE_DATE_EPOCH if set, else the brief's date at midnight UTC."""
    fixed = clock.source_date()
    if fixed is not None:
        return fixed
    try:
        return _dt.datetime.fromisoformat(brief.date[:10]).replace(tzinfo=_dt.UTC)
    except ValueError:
        return _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
