"""The development corpus in ../shared/corpus: every folder as test cases with known headings and summaries.

Each `Case` holds the file in its own format (`path`, read by `policybrief.readers.read_essay`) and the same document
made plain (`text`: heading marks stripped, read by the plain-text reader), with the true headings. Titles are held
apart from headings everywhere: A/ truth files leave the title line out, and B/'s single `#` heading (its title) is
moved from the truth headings to `Case.title`, so both paths are scored on the same outline.

Used by bench/ scripts and by tests (which skip when the corpus is absent).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FOLDERS = ("A/govreport_leval", "A/crs_markdown", "A/gao_markdown", "A/keps", "A/rust_rfcs", "B")
"""Every corpus folder, in the order the bench prints them."""


@dataclass
class Case:
    name: str
    """folder/stem, e.g. "A/crs_markdown/R48910v2"."""
    text: str
    """The document made plain: heading marks (`#`, leading tabs) stripped; everything else as in the file."""
    headings: list[str]
    """The true headings below the title, in order, as written in the source."""
    summary: str = ""
    """The human-written summary, where there is one."""
    path: Path | None = None
    """The file in its own format (.txt or .md)."""
    title: str = ""
    """The document's true title where its text has one (first line, `#` title), else ""."""
    levels: list[int] | None = None
    """The true level of each heading, where the truth file gives one."""

    @property
    def folder(self) -> str:
        return self.name.rsplit("/", 1)[0]

    @property
    def fold(self) -> int:
        assert self.path is not None
        return fold_of(self.path)


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


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def strip_heading_marks(text: str) -> str:
    """ATX `#` marks removed from heading lines outside fenced code (a `# comment` in a shell block stays)."""
    out, fence = [], ""
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[len(m.group(1)):]:
                fence = ""
        elif m and not (m.group(1)[0] == "`" and "`" in line.strip()[len(m.group(1)):]):
            fence = m.group(1)
        else:
            line = re.sub(r"^ {0,3}#{1,6}(?:[ \t]+|$)", "", line)
            line = re.sub(r"[ \t]+#+[ \t]*$", "", line) if line != text else line
        out.append(line)
    return "\n".join(out)


def _stem(path: Path) -> str:
    return re.sub(r"\.report\.(md|txt)$", "", path.name)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def govreport() -> list[Case]:
    out = []
    for rep in sorted((CORPUS / "A" / "govreport_leval").glob("*.report.txt")):
        stem = _stem(rep)
        text = "\n".join(line.lstrip("\t") for line in _read(rep).split("\n"))
        rows = [ln.split("\t", 1) for ln in _read(rep.parent / f"{stem}.headings.tsv").splitlines() if "\t" in ln]
        summary = _read(rep.parent / f"{stem}.summary.txt")
        out.append(Case(f"A/govreport_leval/{stem}", text, [h for _, h in rows], summary, rep, "",
                        [int(d) for d, _ in rows]))
    return out


def crs_markdown() -> list[Case]:
    """CRS reports as Markdown: `# Title` on the first line, unmarked headings in the body."""
    out = []
    for rep in sorted((CORPUS / "A" / "crs_markdown").glob("*.report.md")):
        stem = _stem(rep)
        raw = _read(rep)
        title = raw.split("\n", 1)[0].lstrip("#").strip()
        heads = [h for h in _read(rep.parent / f"{stem}.headings.txt").splitlines() if h.strip()]
        summary = _read(rep.parent / f"{stem}.summary.txt")
        out.append(Case(f"A/crs_markdown/{stem}", strip_heading_marks(raw), heads, summary, rep, title))
    return out


def _tsv_folder(folder: str) -> list[Case]:
    """GAO reports, KEPs and RFCs: `level<TAB>heading` truth; the `# Title` line (if any) left out of it."""
    out = []
    for rep in sorted((CORPUS / "A" / folder).glob("*.report.md")):
        stem = _stem(rep)
        raw = _read(rep)
        first = raw.split("\n", 1)[0]
        title = first.lstrip("#").strip() if first.startswith("# ") else ""
        rows = [ln.split("\t", 1) for ln in _read(rep.parent / f"{stem}.headings.tsv").splitlines() if "\t" in ln]
        summary = _read(rep.parent / f"{stem}.summary.txt")
        out.append(Case(f"A/{folder}/{stem}", strip_heading_marks(raw), [h for _, h in rows], summary, rep, title,
                        [int(lv) for lv, _ in rows]))
    return out


def gao_markdown() -> list[Case]:
    return _tsv_folder("gao_markdown")


def keps() -> list[Case]:
    return _tsv_folder("keps")


def rust_rfcs() -> list[Case]:
    return _tsv_folder("rust_rfcs")


def federal_guides() -> list[Case]:
    """B/: Markdown with real `#` headings. The one level-1 heading, where there is one, is the title."""
    out = []
    for md in sorted((CORPUS / "B").glob("*.md")):
        raw = _read(md)
        rows = [row.split("\t", 2) for row in _read(md.with_name(md.name + ".headings.tsv")).splitlines()[1:]
                if row.count("\t") >= 2]
        title = ""
        if sum(r[0] == "1" for r in rows) == 1 and rows[0][0] == "1":
            title = rows.pop(0)[2]
        out.append(Case(f"B/{md.stem}", strip_heading_marks(raw), [r[2] for r in rows], "", md, title,
                        [int(r[0]) for r in rows]))
    return out


LOADERS: dict[str, Callable[[], list[Case]]] = {
    "A/govreport_leval": govreport,
    "A/crs_markdown": crs_markdown,
    "A/gao_markdown": gao_markdown,
    "A/keps": keps,
    "A/rust_rfcs": rust_rfcs,
    "B": federal_guides,
}


def all_cases() -> list[Case]:
    """Every document of every folder, in FOLDERS order."""
    return [case for folder in FOLDERS for case in LOADERS[folder]()]


def norm_heading(s: str) -> str:
    """A heading as a reader sees it, for matching: Markdown links, code marks, escapes and inline HTML dropped,
    a hyphen split across a line break ("Non- disclosure") joined, spaces squeezed, lower case."""
    s = s.replace("\u00a0", " ")
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = re.sub(r"[`\\\[\]]|\*\*|__", "", s)
    s = re.sub(r"(\w)- (\w)", r"\1-\2", s)
    s = s.replace("’", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", s).strip().lower()


def score_headings(found: list[str], truth: list[str]) -> tuple[int, int, int]:
    """(true positives, found, true) matching normalised texts as multisets."""
    pool: dict[str, int] = {}
    for t in truth:
        pool[norm_heading(t)] = pool.get(norm_heading(t), 0) + 1
    tp = 0
    for f in found:
        k = norm_heading(f)
        if pool.get(k, 0) > 0:
            pool[k] -= 1
            tp += 1
    return tp, len(found), len(truth)
