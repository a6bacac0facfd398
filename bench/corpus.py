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


def family_and_key(path: Path) -> tuple[str, str]:
    """(family, document key) of a corpus file. The same KEP or RFC in A/ and B/ has one key, so it is never
    in both folds."""
    name = path.name
    stem = re.sub(r"\.(report\.(md|txt)|md)$", "", name)
    if path.parent.name == "keps" or name.startswith("kep__"):
        return "kep", "kep-" + re.search(r"(\d+)-", stem.split("__")[-1]).group(1)  # type: ignore[union-attr]
    if path.parent.name == "rust_rfcs" or name.startswith("rust-rfc__"):
        return "rfc", "rfc-" + stem.split("__")[-1][:4]
    folder = path.parent.name
    if folder in ("govreport_leval", "crs_markdown", "gao_markdown"):
        return folder.split("_")[0], stem
    return stem.split("__")[0], stem


def fold_of(path: Path) -> int:
    """0 or 1: the two halves of the corpus for honest tuning (design on one, report on the other, both ways).

    Within each family (govreport, crs, gao, kep, rfc, 18f, eudi, nist, pod) the document keys are sorted and
    dealt alternately, so each fold holds half of every kind of document.
    """
    family, key = family_and_key(path)
    return _FOLDS.setdefault(family, _deal(family)).get(key, 0)


_FOLDS: dict[str, dict[str, int]] = {}


def _deal(family: str) -> dict[str, int]:
    keys = sorted({family_and_key(p)[1] for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".md", ".txt")
                   and (p.name.endswith((".report.md", ".report.txt")) or p.parent.name == "B")
                   and family_and_key(p)[0] == family})
    return {k: i % 2 for i, k in enumerate(keys)}


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
