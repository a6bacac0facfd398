"""Plain text with no markup: headings are short standalone lines, bullets are `•`, `-`, `*`, `1.`, `1)`.

Heading detection weighs what a human reader sees: a heading is a short line that stands alone (blank lines or
a change of rhythm around it), reads like a title (capitalised, no closing full stop or comma, no sentence
break inside) and introduces prose. Lines that look like captions, notes, footnotes, table rows or runs of
short lines (addresses, unmarked lists) are not headings. Numbered headings ("2.3 A Few Limitations") and,
where a document mixes them with title-case headings, ALL-CAPS headings give levels; so do leading tabs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policybrief.lang.sentences import split_spans
from policybrief.lang.words import STOPWORDS
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable

BULLET = re.compile(r"^[ \t\u00a0]*(?:(?P<sym>[•●▪◦‣∙·\-*–+])|(?P<num>\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]))[ \t\u00a0]+(?=\S)")
NUMBERED_HEADING = re.compile(r"^(?P<num>(?:\d{1,2}\.)*\d{1,2}\.?|[IVX]{1,5}\.|[A-H]\.)\s+(?P<rest>\S.*)$")
_CAPTION = re.compile(
    r"^(figure|fig\.|table|chart|map|exhibit|source|sources|note|notes|box|graph|photo|appendix table|"
    r"panel|image)\b[\s\d.:\-–—A-Za-z]*?([.:\-–—]|\d)",
    re.I,
)
_SMALL = STOPWORDS | {"vs", "via", "de", "la", "del", "von", "van", "et"}
MAX_HEADING_WORDS = 16
MAX_HEADING_CHARS = 120


@dataclass
class Line:
    start: int
    end: int
    text: str  # without the line break

    @property
    def stripped(self) -> str:
        return self.text.strip(" \t\u00a0\ufeff")

    @property
    def blank(self) -> bool:
        return not self.stripped


def split_lines(source: str) -> list[Line]:
    lines = []
    pos = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lines.append(Line(pos, pos + len(body), body))
        pos += len(raw)
    return lines


def _words(s: str) -> list[str]:
    return [w for w in re.split(r"\s+", s) if w]


def _is_prose(s: str) -> bool:
    """A line of running text: long, or ending like a sentence."""
    words = _words(s)
    return len(words) >= 18 or (len(words) >= 6 and s.rstrip().endswith((".", "?", "!", ".”", '."', ":", ";")))


_ANCHOR = re.compile(r"\s*\{#[^}]*\}\s*$")
_LABEL = re.compile(r"^(\*\*|__)[^*_]{1,60}?(:\*\*|\*\*:|:__|__:)")
_APPENDIX = re.compile(r"^(appendix|annex|chapter|part|section)\s*[A-Z0-9]{0,4}\.\s", re.I)


def unmark(s: str) -> str:
    """A line without the Markdown residue that plain-text conversions leave: anchors, emphasis, escapes."""
    s = _ANCHOR.sub("", s).replace("\\#", "#")
    s = re.sub(r"<a\b[^>]*>\s*</a>", "", s).strip()
    while len(s) > 4 and s[:2] in ("**", "__") and s[-2:] == s[:2]:
        s = s[2:-2].strip()
    if len(s) > 2 and s[0] in "*_" and s[-1] == s[0] and s[1] != s[0]:
        s = s[1:-1].strip()
    return s


def _is_context_blank(line: Line | None) -> bool:
    return line is None or line.blank or bool(re.match(r"^\s*</?(a|div|span|p|br)\b[^>]*>\s*(</\w+>)?\s*$", line.text))


def heading_score(line: Line, prev: Line | None, nxt: Line | None, prev2: Line | None, nxt2: Line | None) -> float:
    """How much a line looks like a heading; > 0 means it is one."""
    raw = line.stripped
    if _LABEL.match(raw):
        return -9.0
    s = unmark(raw)
    words = _words(s)
    n = len(words)
    if not n or n > MAX_HEADING_WORDS or len(s) > MAX_HEADING_CHARS:
        return -9.0
    if s[0] in "|<[!#>{`~=_*" or "http" in s or "www." in s or BULLET.match(line.text):
        return -9.0
    if s.endswith((",", ";", ":", "-", "–", "—", "(", "&", "/")):
        return -9.0
    num = NUMBERED_HEADING.match(s)
    if s.endswith(".") and not (num and num.group("rest").count(".") == 0):
        return -9.0
    if _CAPTION.match(s):
        return -9.0
    sentences = split_spans(s)
    if len(sentences) > 1 and not _APPENDIX.match(s):
        if not all(s[a:b].rstrip().endswith("?") for a, b in sentences[:-1]):
            return -9.0
    body = num.group("rest") if num else s
    first = next((c for c in body if c.isalnum()), "")
    if not first or (first.isalpha() and not first.isupper()):
        return -9.0
    score = 0.0
    bwords = _words(body)
    sig = [w for w in bwords if w.strip("()\"'“”‘’,").lower() not in _SMALL]
    caps = [w for w in sig if (w.strip("(\"'“‘")[:1] or "x").isupper() or w[:1].isdigit()]
    cap_ratio = len(caps) / len(sig) if sig else 0.0
    if cap_ratio >= 0.75 and len(sig) >= 2:
        score += 1.0
    elif cap_ratio < 0.5 and n > 8:
        score -= 0.75
    if num:
        score += 1.0
    if s.isupper() and n >= 2:
        score += 1.0
    if n > 12:
        score -= 0.5
    score += 1.0 if _is_context_blank(prev) else -1.0
    score += 0.5 if _is_context_blank(nxt) else 0.0
    # What follows: prose confirms a heading; another short line suggests an address block or a list.
    following = nxt if not _is_context_blank(nxt) else nxt2
    if following is None:
        score -= 1.0
    elif _is_prose(unmark(following.stripped)) or BULLET.match(following.text):
        score += 1.0
    else:
        score -= 0.5
    preceding = prev if not _is_context_blank(prev) else prev2
    if preceding is not None and preceding.stripped.endswith(":"):
        score -= 1.5  # the line is the first item of an unmarked list
    digits = sum(ch.isdigit() for ch in body)
    if digits > len(body) / 2 and not re.fullmatch(r"\d{4}", body):
        score -= 1.5
    if s.endswith("?"):
        score += 0.75
    return score - 1.5


def _level_of(s: str, tabs: int, caps_mixed: bool) -> int:
    if tabs:
        return tabs
    num = NUMBERED_HEADING.match(s)
    if num and re.match(r"\d", num.group("num")):
        return num.group("num").rstrip(".").count(".") + 1
    if caps_mixed and not s.isupper():
        return 2
    return 1


def _table_row(s: str) -> list[str] | None:
    if s.startswith("|") and s.rstrip().endswith("|") and s.count("|") >= 3:
        cells = [c.strip() for c in s.strip().strip("|").split("|")]
        return cells
    return None


def parse_text(source: str) -> RawDocument:
    """Find headings, paragraphs, lists and pipe tables in plain text."""
    lines = split_lines(source)
    nonblank = [i for i, ln in enumerate(lines) if not ln.blank]

    def neighbour(i: int, step: int, skip: int) -> Line | None:
        j = i + step * skip
        return lines[j] if 0 <= j < len(lines) else None

    is_heading: dict[int, bool] = {}
    for i in nonblank:
        sc = heading_score(lines[i], neighbour(i, -1, 1), neighbour(i, 1, 1), neighbour(i, -1, 2), neighbour(i, 1, 2))
        is_heading[i] = sc > 0
    heads = [lines[i].stripped for i in nonblank if is_heading[i]]
    caps_mixed = any(h.isupper() for h in heads) and any(not h.isupper() for h in heads)

    elements: list[RawElement] = []
    para: list[Line] = []
    items: list[list[Line]] = []
    ordered = False
    table: list[Line] = []

    def flush() -> None:
        nonlocal para, items, table
        if para:
            a, b = _content_start(para[0]), para[-1].end
            elements.append(RawPara(source[a:b], a))
        if items:
            out, marks = [], []
            for item_lines in items:
                m = BULLET.match(item_lines[0].text)
                a = item_lines[0].start + (m.end() if m else 0)
                b = item_lines[-1].end
                out.append((source[a:b], a))
                marks.append(m.group().strip(" \t\u00a0") if m else "")
            elements.append(RawList(out, ordered, markers=marks))
        if table:
            rows = [_table_row(t.stripped) or [] for t in table]
            rows = [r for r in rows if not all(re.fullmatch(r":?-{2,}:?", c) or not c for c in r)]
            if rows:
                elements.append(RawTable(rows[0], rows[1:], table[0].start, table[-1].end))
        para, items, table = [], [], []

    for i, ln in enumerate(lines):
        if ln.blank:
            if para or table:
                flush()
            continue
        if is_heading.get(i):
            flush()
            tabs = len(ln.text) - len(ln.text.lstrip("\t"))
            a = _content_start(ln)
            elements.append(RawHeading(source[a : ln.end], a, _level_of(ln.stripped, tabs, caps_mixed)))
            continue
        row = _table_row(ln.stripped)
        if row is not None:
            if not table:
                flush()
            table.append(ln)
            continue
        m = BULLET.match(ln.text)
        if m:
            if para or table:
                flush()
            if not items:
                ordered = m.group("num") is not None
            items.append([ln])
            continue
        if items and not para and _continues_item(lines, i):
            items[-1].append(ln)
            continue
        if items:
            flush()
        if table:
            flush()
        if para and not _continues_para(para[-1], ln):
            flush()
        para.append(ln)
    flush()
    return RawDocument(elements, source)


def _content_start(line: Line) -> int:
    return line.start + len(line.text) - len(line.text.lstrip(" \t\u00a0\ufeff"))


def _continues_item(lines: list[Line], i: int) -> bool:
    """A wrapped bullet item: the line directly follows an item line and is indented or starts lower-case."""
    prev = lines[i - 1] if i else None
    if prev is None or prev.blank:
        return False
    ln = lines[i]
    return ln.text[:1] in " \t\u00a0" or ln.stripped[:1].islower()


def _continues_para(prev: Line, ln: Line) -> bool:
    """Hard-wrapped prose continues on the next line; a line ending a sentence then a new line is a new paragraph."""
    p = prev.stripped
    if not p.endswith((".", "!", "?", ".”", '."', ":", "?”")):
        return True
    # Ends a sentence: a wrapped paragraph would have a long previous line; one-line paragraphs stand alone.
    return len(p) >= 60 and len(p) <= 100 and len(ln.stripped) <= 100
