"""The labelled development set for findings detection (bench/findings_labels.yaml): loading, text keys, regions.

Ground truth is kept as plain text that a person can check against the corpus file: each region names its document,
the heading of the section it sits in, optionally an anchor (the words it starts at) and an `until` (the words just
after it), and, for positives, a verbatim prefix of every row a good extractor should produce. Everything the scorer
(bench/findings_eval.py) and the data-file test (tests/test_findings_labels.py) need to locate a region is here, so
both read the file the same way.

Matching works on *keys*: text after clean-up of Markdown and HTML syntax (links keep their text, emphasis marks,
tags, footnote marks and template directives go), lower-cased, with everything but ASCII letters and digits removed
(so whitespace, punctuation, quotes and line breaks never decide a match). A region's *span* is an interval of its
document's key, found as follows:

- the section: from the line after the heading line to the next heading line of any level (a region sits among
  the section's own blocks, never in a subsection). When several headings have the same text, the first one whose
  section holds the anchor is used (the first one, when there is no anchor);
- the start: where the anchor's key first occurs in the section, else the start of the section;
- the end: where `until`'s key first occurs after the start, else, by source, the end of the first list after the
  start (`list`), the end of the first table after the start (`table`), or the end of the section (`prose`).

Heading lines are the family's own: `#` lines outside code fences (Markdown files, GAO, KEPs, RFCs), lines that start
with a TAB (GovReport text), lines that spell a `headings.txt` entry, alone or with the next line (CRS Markdown).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import yaml
from corpus import CORPUS, fold_of

LABELS = Path(__file__).resolve().parent / "findings_labels.yaml"
BLIND = tuple(Path(__file__).resolve().parent / f"findings_blind{fold}.yaml" for fold in (0, 1))
"""The blind test set: regions of documents the development set does not touch, labelled without the extractor."""
KINDS = ("limitations", "recommendations", "key_findings", "drivers")
"""The four findings kinds; a region may also be `none` (a negative: no row belongs there)."""
SOURCES = ("list", "prose", "table")

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _keep_newlines(m: re.Match[str]) -> str:
    return "\n" * m.group(0).count("\n")


def clean(text: str) -> str:
    """Text with Markdown/HTML syntax removed and the line count kept (removed spans leave their line breaks)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"<!--.*?-->", _keep_newlines, text, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", _keep_newlines, text, flags=re.S)
    text = re.sub(r"\[\^[^\]\n]*\]", "", text)  # footnote references [^name]
    # [text](target) and ![alt](src): keep the text (a target may hold one level of parentheses).
    text = re.sub(
        r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:[^()]|\([^()]*\))*\)",
        lambda m: m.group(1) + "\n" * (m.group(0).count("\n") - m.group(1).count("\n")),
        text,
    )
    text = re.sub(r"\[([^\[\]\n]+)\]\[[^\]\n]*\]", r"\1", text)  # reference links [text][ref]
    text = re.sub(r"</?[A-Za-z][^>]*>", _keep_newlines, text)  # HTML tags
    text = re.sub(r"\{[#.][^}\n]*\}", "", text)  # attribute lists {#id .class}
    return html.unescape(text)


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def key(text: str) -> str:
    """The matching key of a text: cleaned, lower-cased, ASCII letters and digits only."""
    return _squash(clean(text))


def words(text: str) -> int:
    return len(clean(text).split())


@dataclass(frozen=True)
class Region:
    """One labelled region of one corpus document (see findings_labels.yaml for the meaning of each field)."""

    number: int
    """1-based position in the data file, for messages."""
    doc: str
    """Path relative to the corpus folder."""
    fold: int
    source: str
    heading: str
    kind: str
    """One of KINDS, or `none` for a negative region."""
    items: tuple[str, ...] = ()
    """Positives: a verbatim prefix of every row a good extractor should produce. Negatives: the rows a naive
    extractor would produce there (optional; documentation and extra matching)."""
    optional: tuple[str, ...] = ()
    """Rows that may be produced or not (elaborations, borderline sentences): neither credited nor penalised."""
    anchor: str = ""
    until: str = ""
    context: str = ""
    note: str = ""

    @property
    def path(self) -> Path:
        return CORPUS / self.doc

    @property
    def positive(self) -> bool:
        return self.kind != "none"

    def label(self) -> str:
        """A short human name: `#12 B/kep__...md § Risks and Mitigations [list, limitations]`."""
        where = f" @ {self.anchor[:40]!r}" if self.anchor else ""
        return f"#{self.number} {self.doc} § {self.heading}{where} [{self.source}, {self.kind}]"


def load(path: Path = LABELS) -> list[Region]:
    """The regions of the data file, in order; raises ValueError on a missing or unknown field."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path}: expected a list of regions")
    allowed = {"doc", "fold", "source", "heading", "anchor", "until", "kind", "context", "items", "optional", "note"}
    out = []
    for n, r in enumerate(raw, 1):
        unknown = set(r) - allowed
        missing = {"doc", "fold", "source", "heading", "kind", "note"} - set(r)
        if unknown or missing:
            raise ValueError(f"region #{n}: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
        out.append(
            Region(
                n,
                str(r["doc"]),
                int(r["fold"]),
                str(r["source"]),
                str(r["heading"]),
                str(r["kind"]),
                tuple(str(i) for i in r.get("items") or ()),
                tuple(str(i) for i in r.get("optional") or ()),
                str(r.get("anchor") or ""),
                str(r.get("until") or ""),
                str(r.get("context") or ""),
                str(r["note"]),
            )
        )
    return out


class RegionError(ValueError):
    """A region cannot be located in its document (bad heading, anchor or until)."""


@dataclass
class Doc:
    """A corpus document as the region finder sees it: cleaned lines, their keys and where each starts in the key."""

    path: Path
    raw: list[str]
    """The file's lines as they are."""
    lines: list[str]
    """The same lines cleaned (see `clean`): line i of one is line i of the other."""
    keys: list[str]
    offsets: list[int]
    """offsets[i] = position of line i's key in `text`; offsets[len(lines)] = len(text)."""
    text: str
    """The whole document's key."""
    headings: list[int] = field(default_factory=list)
    """Indexes of heading lines."""
    continued: set[int] = field(default_factory=set)
    """Second lines of two-line headings (CRS Markdown wraps some long headings)."""

    def line_at(self, pos: int) -> int:
        """The line whose key holds key position `pos`."""
        lo, hi = 0, len(self.lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.offsets[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo


@cache
def document(doc: str) -> Doc:
    """The corpus document at `doc` (relative path), read and keyed once per process."""
    path = CORPUS / doc
    raw = path.read_text(encoding="utf-8").split("\n")
    lines = clean("\n".join(raw)).split("\n")
    if len(lines) != len(raw):
        raise RegionError(f"{doc}: clean-up changed the number of lines ({len(raw)} -> {len(lines)})")
    keys = [_squash(line) for line in lines]
    offsets = [0]
    for k in keys:
        offsets.append(offsets[-1] + len(k))
    d = Doc(path, raw, lines, keys, offsets, "".join(keys))
    d.headings, d.continued = _heading_lines(path, raw, keys)
    return d


def _heading_lines(path: Path, raw: list[str], keys: list[str]) -> tuple[list[int], set[int]]:
    family = path.parent.name
    if family == "govreport_leval":
        return [i for i, line in enumerate(raw) if line.startswith("\t") and line.strip()], set()
    if family == "crs_markdown":
        stem = path.name[: -len(".report.md")]
        toc = {key(h) for h in (path.parent / f"{stem}.headings.txt").read_text(encoding="utf-8").splitlines() if h.strip()}
        out, continued = [], set()
        for i, k in enumerate(keys):
            if not k:
                continue
            pair_next = i + 1 < len(keys) and k + keys[i + 1] in toc
            pair_prev = i > 0 and keys[i - 1] + k in toc
            if k in toc or pair_next or pair_prev or raw[i].startswith("#"):
                out.append(i)
            if pair_prev and k not in toc:
                continued.add(i)
        return out, continued
    out, fence = [], False
    for i, line in enumerate(raw):
        if _FENCE.match(line) and not re.match(r"^\s*```[^`]*```", line):
            fence = not fence
            continue
        if not fence and re.match(r"^#{1,6}\s+\S", line):
            out.append(i)
    return out, set()


def heading_key(line: str) -> str:
    """The key of a heading line without its # marks."""
    return key(re.sub(r"^#{1,6}\s+", "", line.strip()))


def span(region: Region) -> tuple[int, int]:
    """[start, end) of the region in its document's key (see the module docstring)."""
    d = document(region.doc)
    hk = key(region.heading)
    cands = [i for i in d.headings if heading_key(d.lines[i]) == hk]
    if not cands:
        raise RegionError(f"{region.label()}: no heading line reads {region.heading!r}")
    ak = key(region.anchor)
    for h in cands:
        body = h + 2 if h + 1 in d.continued else h + 1  # a two-line CRS heading: the section starts after both
        nxt = next((j for j in d.headings if j >= body), len(d.lines))
        sec_start, sec_end = d.offsets[body], d.offsets[nxt]
        start = sec_start
        if ak:
            pos = d.text.find(ak, sec_start, sec_end)
            if pos < 0:
                continue
            start = pos
        end = _end(region, d, start, sec_end)
        return start, end
    raise RegionError(f"{region.label()}: anchor {region.anchor!r} not found under that heading")


def _end(region: Region, d: Doc, start: int, sec_end: int) -> int:
    if region.until:
        pos = d.text.find(key(region.until), start + 1, sec_end)
        if pos < 0:
            raise RegionError(f"{region.label()}: until {region.until!r} not found after the start")
        return pos
    if region.source == "prose":
        return sec_end
    last_line = d.line_at(sec_end - 1) if sec_end > 0 else 0
    i = d.line_at(start)
    raw = d.raw
    if region.source == "table":
        while i <= last_line and not (raw[i].lstrip().startswith("|") or "<table" in raw[i]):
            i += 1
        if i > last_line:
            raise RegionError(f"{region.label()}: no table after the start")
        if "<table" in raw[i]:
            while i <= last_line and "</table>" not in raw[i]:
                i += 1
            return min(d.offsets[i + 1], sec_end)
        while i <= last_line and raw[i].lstrip().startswith("|"):
            i += 1
        return min(d.offsets[i], sec_end)
    while i <= last_line and not _LIST_ITEM.match(raw[i]):
        i += 1
    if i > last_line:
        raise RegionError(f"{region.label()}: no list after the start")
    blank = False
    while i <= last_line:
        line = raw[i]
        if not line.strip():
            blank = True
        elif _LIST_ITEM.match(line) or line[:1] in (" ", "\t") or not blank:
            blank = False
        else:
            break
        i += 1
    return min(d.offsets[i], sec_end)


def _at_word_start(d: Doc, pos: int) -> bool:
    """Whether key position `pos` is the first letter of a word in the cleaned text (so that a short anchor such
    as "Cons:" cannot be found inside "reconciliation")."""
    i = d.line_at(pos)
    low = d.lines[i].lower()
    idx = [j for j, ch in enumerate(low) if ch.isascii() and ch.isalnum()]
    c = idx[pos - d.offsets[i]]
    return c == 0 or not low[c - 1].isalnum()


def region_text(region: Region) -> str:
    """The key of the region's span."""
    s, e = span(region)
    return document(region.doc).text[s:e]


def inside(text_key: str, haystack: str, width: int = 40) -> bool:
    """Whether a found row's text lies in a span: its first, middle or last `width` key characters occur there
    (windows, because a reader may render a footnote mark or a line-spanning link differently)."""
    if not text_key:
        return False
    if len(text_key) <= width:
        return text_key in haystack
    mid = (len(text_key) - width) // 2
    return any(w in haystack for w in (text_key[:width], text_key[mid : mid + width], text_key[-width:]))


def item_matches(label: str, found: str) -> bool:
    """Whether a found row's item text is the labelled item (`label` is a verbatim prefix of the item).

    A label of four words or more matches when its key is contained in the found item's key (the extractor may
    prefix a title or join table cells), or when the found item's key is a prefix of it at least 20 characters
    long (an item cut at its first sentence). A shorter label (a table cell such as "Theft") must begin or end the
    found item, or be most of it.
    """
    lk, fk = key(label), key(found)
    if not lk or not fk:
        return False
    if words(label) >= 4:
        return lk in fk or (len(fk) >= 20 and lk.startswith(fk))
    return fk.startswith(lk) or fk.endswith(lk) or (lk in fk and len(fk) <= 2 * len(lk) + 12)


def load_all(paths: Iterable[Path]) -> list[Region]:
    """The regions of several data files, numbered once over all of them (the scorer keys regions by number)."""
    regions = [r for path in paths for r in load(path)]
    return [replace(r, number=n) for n, r in enumerate(regions, 1)]


def check(regions: list[Region]) -> list[str]:
    """Every problem with the data file itself (empty when it is well-formed)."""
    problems = []
    for r in regions:
        if not r.path.is_file():
            problems.append(f"{r.label()}: no such corpus file")
            continue
        if r.source not in SOURCES:
            problems.append(f"{r.label()}: source must be one of {SOURCES}")
        if r.kind not in (*KINDS, "none"):
            problems.append(f"{r.label()}: kind must be one of {KINDS} or none")
        if r.fold != fold_of(r.path):
            problems.append(f"{r.label()}: fold {r.fold} but fold_of() says {fold_of(r.path)}")
        if r.positive and not r.items:
            problems.append(f"{r.label()}: a positive region needs items")
        try:
            start, end = span(r)
        except RegionError as exc:
            problems.append(str(exc))
            continue
        d = document(r.doc)
        text = d.text[start:end]
        if r.anchor and not _at_word_start(d, start):
            problems.append(f"{r.label()}: the anchor is first found inside a word; make it longer")
        if r.until and not _at_word_start(d, end):
            problems.append(f"{r.label()}: `until` is first found inside a word; make it longer")
        for it in (*r.items, *r.optional):
            k = key(it)
            if not k:
                problems.append(f"{r.label()}: empty item")
            elif k not in document(r.doc).text:
                problems.append(f"{r.label()}: item not in the document: {it!r}")
            elif k not in text:
                problems.append(f"{r.label()}: item outside the region's span: {it!r}")
        dupes = {key(i) for i in r.items if sum(key(j) == key(i) for j in r.items) > 1}
        if dupes:
            problems.append(f"{r.label()}: duplicate items {sorted(dupes)}")
    return problems
