"""Briefs back from their JSON dump (tests/golden, tests/data): for checks that read a brief as data."""

from __future__ import annotations

from typing import Any

from policybrief.model import (
    Brief,
    BriefSection,
    BulletList,
    FindingRow,
    FindingsTable,
    ListItem,
    Paragraph,
    Sentence,
    SourceRef,
    Table,
)


def sentence(d: dict[str, Any]) -> Sentence:
    return Sentence(d["text"], SourceRef(**d["ref"]))


def item(d: dict[str, Any]) -> ListItem:
    return ListItem(tuple(sentence(s) for s in d["sentences"]), SourceRef(**d["ref"]), d.get("marker", ""))


def block(d: dict[str, Any]) -> Paragraph | BulletList | Table:
    if d["kind"] == "paragraph":
        return Paragraph(tuple(sentence(s) for s in d["sentences"]))
    if d["kind"] == "list":
        lead = sentence(d["lead_in"]) if d.get("lead_in") else None
        return BulletList(tuple(item(i) for i in d["items"]), lead, d.get("ordered", False), d.get("role", "other"))
    return Table(tuple(d["header"]), tuple(tuple(r) for r in d["rows"]), SourceRef(**d["ref"]))


def brief(d: dict[str, Any]) -> Brief:
    sections = tuple(
        BriefSection(s["id"], s["title"], s["level"], tuple(block(b) for b in s["blocks"]), s.get("words_before", 0), s.get("condensed", False))
        for s in d["sections"]
    )
    tables = tuple(
        FindingsTable(t["kind"], t["title"], tuple(t["columns"]),
                      tuple(FindingRow(sentence(r["item"]), tuple(sentence(e) for e in r["evidence"]), r["section"], r.get("section_title", ""))
                            for r in t["rows"]))
        for t in d["tables"]
    )
    simple = {k: v for k, v in d.items() if k not in ("summary", "key_judgments", "sections", "tables")}
    for key in ("keywords", "warnings"):
        if key in simple:
            simple[key] = tuple(simple[key])
    return Brief(**{**simple, "summary": tuple(sentence(s) for s in d["summary"]),
                    "key_judgments": tuple(item(i) for i in d["key_judgments"]), "sections": sections, "tables": tables})
