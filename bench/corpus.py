"""The development corpus in ../shared/corpus as plain-text test cases with known headings and summaries.

Used by bench/ scripts and by tests (which skip when the corpus is absent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@dataclass
class Case:
    name: str
    text: str
    """Plain text with heading marks stripped."""
    headings: list[str]
    """The true headings, in order."""
    summary: str = ""
    """The human-written summary, where there is one."""


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip().lower()


def govreport() -> list[Case]:
    out = []
    for rep in sorted((CORPUS / "A" / "govreport_leval").glob("*.report.txt")):
        stem = rep.name[: -len(".report.txt")]
        raw = rep.read_text(encoding="utf-8")
        text = "\n".join(line.lstrip("\t") for line in raw.split("\n"))
        heads = [ln.split("\t", 1)[1] for ln in (rep.parent / f"{stem}.headings.tsv").read_text().splitlines() if "\t" in ln]
        summary = (rep.parent / f"{stem}.summary.txt").read_text(encoding="utf-8")
        out.append(Case(f"govreport/{stem}", text, heads, summary))
    return out


def crs_markdown() -> list[Case]:
    out = []
    for rep in sorted((CORPUS / "A" / "crs_markdown").glob("*.report.md")):
        stem = rep.name[: -len(".report.md")]
        lines = rep.read_text(encoding="utf-8").split("\n")
        text = "\n".join(lines[1:])  # the first line is the title
        heads = [h for h in (rep.parent / f"{stem}.headings.txt").read_text().splitlines() if h.strip()]
        summary = (rep.parent / f"{stem}.summary.txt").read_text(encoding="utf-8")
        out.append(Case(f"crs/{stem}", text, heads, summary))
    return out


def federal_guides() -> list[Case]:
    out = []
    for md in sorted((CORPUS / "B").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        text = re.sub(r"\A---\n.*?\n---\n", lambda m: "\n" * m.group().count("\n"), text, flags=re.S)
        text = re.sub(r"(?m)^#{1,6}[ \t]+", "", text)
        tsv = md.with_name(md.name + ".headings.tsv").read_text(encoding="utf-8").splitlines()[1:]
        heads = [row.split("\t")[2] for row in tsv if row.count("\t") >= 2]
        out.append(Case(f"guides/{md.stem}", text, heads))
    return out


def all_cases() -> list[Case]:
    return govreport() + crs_markdown() + federal_guides()


def score_headings(found: list[str], truth: list[str]) -> tuple[int, int, int]:
    """(true positives, found, true) matching normalised texts as multisets."""
    pool: dict[str, int] = {}
    for t in truth:
        pool[_norm(t)] = pool.get(_norm(t), 0) + 1
    tp = 0
    for f in found:
        k = _norm(f)
        if pool.get(k, 0) > 0:
            pool[k] -= 1
            tp += 1
    return tp, len(found), len(truth)
