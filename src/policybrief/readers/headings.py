"""Which unmarked lines are headings: one scorer shared by the plain-text reader and the Markdown reader.

A heading is a short line that stands alone (blank lines or a change of rhythm around it), reads like a title
(capitalised, no closing full stop or comma, no sentence break inside) and introduces prose. Lines that look like
captions, notes, footnotes, table rows or runs of short lines (addresses, unmarked lists) are not headings.

The scorer has two layers. `heading_features` applies the hard rules (a line ending in a full stop, or opening
with a bullet, is never a heading; "1. Introduction" reads as both a list item and a numbered heading and is
weighed) and measures the soft evidence around the line (`readers.lines.Context`) as numbers; `HeadingParams` weighs
that evidence. The weights and the threshold are data, not code, so `bench/headings.py` can fit them on one half of
the corpus and report on the other half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import cached_property

from policybrief.lang.sentences import split_spans
from policybrief.lang.words import STOPWORDS
from policybrief.readers.lines import LINK, Context, Line, unmark

BULLET = re.compile(
    r"^[ \t\u00a0]*(?:(?P<sym>[•●▪◦‣∙·\-*–+])|(?P<num>\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]))[ \t\u00a0]+(?=\S)"
)
NUMBERED_HEADING = re.compile(r"^(?P<num>(?:\d{1,2}\.)*\d{1,2}\.?|[IVX]{1,5}\.|[A-H]\.)\s+(?P<rest>\S.*)$")
_CAPTION = re.compile(
    r"^(figure|fig\.|table|chart|map|exhibit|source|sources|note|notes|box|graph|photo|appendix table|"
    r"panel|image)\b[\s\d.:\-–—A-Za-z]*?([.:\-–—]|\d)",
    re.I,
)
_SMALL = STOPWORDS | {"vs", "via", "de", "la", "del", "von", "van", "et"}
_BOLD_LINE = re.compile(r"(\*\*|__)(?!\s).+?(?<!\s)\1")
_LABEL = re.compile(r"^(\*\*|__)[^*_]{1,60}?(:\*\*|\*\*:|:__|__:)")
_APPENDIX = re.compile(r"^(appendix|annex|chapter|part|section)\s*[A-Z0-9]{0,4}\.\s", re.I)
_TRAILING = frozenset(
    "a an the and or nor of to which that with by as is are was were be its their whose than not include includes "
    "included including through from for in on at into about like such".split()
)
_PAGE_NUMBER = re.compile(r"[A-Za-z)][ .]+\d{1,3}$")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_NUMBER = r"[-+]?\(?[$€£]?\d[\d,]*(?:\.\d+)?%?\)?"
_NOT_A_HEADING = re.compile(
    r"[\w.+-]+@[\w-]+\.\w"  # an e-mail address: a contact line
    r"|\(\d{3}\)\s*\d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b"  # a telephone number
    r"|\*\*\s+\*\*"  # bold cells run together: a table's header row made into a line
    rf"|(?:(?:^|\s){_NUMBER}){{3,}}$"  # ends in three or more figures: a table row
    r"|\(\s*-?\d[\d.]*,\s*-?\d[\d.]*\)$"  # ends in an interval "(0.35, 0.86)": a table row
    r"|^\d{1,3}\s+(?:_\S|[^\n]*?,\s*(?:_\S|“|\"))"  # a number, then an italic title or "Author, “Title”": a footnote
    r"|^\d{1,3}\s+(?-i:[A-Z]{2,})-\d{2,}-\d{3,}"  # a number, then a report number ("8 GAO-24-106192"): a footnote
    rf"|^(?:{_MONTH}\s+\d{{1,2}},?|\d{{1,2}}\s+{_MONTH})\s+\d{{4}}$"  # a date and nothing else
    rf"|^(?:version|v)\s?\d[\w.]*\b.*(?:\d{{1,2}},?\s+\d{{4}}|{_MONTH}\s+\d{{4}}|\d{{4}}-\d\d-\d\d)"  # "Version 1.0, updated 8 May 2026"
    r"|^(?:n/?a|tb[ad]|yes|no|not applicable)\.?(?:$|\s+(?:--|[-–—(]))"  # an answer: "N/A", "TBD -- later"
    r"|^(?:additionally|similarly|moreover|furthermore|however|consequently|therefore|thus|likewise|meanwhile"
    r"|nevertheless|nonetheless|conversely|accordingly|hence|specifically|notably|importantly|indeed|in addition"
    r"|in contrast|in particular|for example|for instance|as a result|on the other hand),\s"  # a sentence's opening
    r"|^(?:the following|below (?:is|are))\b.*\b(?:will|is|are|shall|must|should|was|were|can|may)\b"  # a lead-in
    r"|^(?-i:(?:END )?(?:NOTE|WARNING|CAUTION|TIP))$"  # an admonition's label
    r"|^\d{1,2}[.)]\s+>",  # a numbered quotation: a list item
    re.I,
)
_DATELINE = re.compile(
    rf"\b(?:version|v)\s*\d|\b(?:updated|revised|draft|published)\b|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b|"
    rf"\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b",
    re.I,
)


@dataclass(frozen=True)
class HeadingParams:
    """The scorer's tunable numbers: one weight per piece of evidence, then the threshold a line must pass.

    A line's score is the sum of the weights of the evidence it shows, less `threshold`; above 0 it is a heading.
    The defaults are what ships: a logistic regression on the development corpus (both folds; GAO's plain text
    left out), scaled so the strongest weight is 2, then the threshold with the best F1, as printed by
    `bench/headings.py --fit-shipped`. The bench's held-out figures come from the same procedure run on one fold
    and scored on the other.
    """

    title_case: float = -0.04
    """Three in four significant words capitalised (or numbers)."""
    lower_case_long: float = -0.9
    """Fewer than half the significant words capitalised in a line of more than eight words."""
    numbered: float = 0.66
    """Starts with a section number ("2.3", "2.", "IV.", "B.")."""
    bare_number: float = 0.81
    """Starts with a bare number ("2 Findings"), which a footnote does too."""
    footnote_like: float = 0.0
    """...and has a comma, quotes or italics after it: "3 GAO, _Federal Programs_", a footnote."""
    one_word: float = 0.33
    """A single word (after any number): "Motivation", but also "No", "Rust", "Tables"."""
    opening_comma: float = -0.01
    """A comma after the first word ("Additionally, ...", "Similarly, article 3 states"): a sentence's opening."""
    all_caps: float = 0.27
    """Two or more words, all in capitals."""
    long_line: float = -0.21
    """More than twelve words."""
    very_long: float = 0.1
    """More than sixteen words (a question heading can be that long; a line of prose often is)."""
    blank_before: float = 1.04
    """A blank line (or the start of the text) before it."""
    text_before: float = -1.04
    """Text directly above it, no blank line between."""
    blank_after: float = 1.28
    """A blank line (or the end of the text) after it."""
    prose_after: float = 0.08
    """The next text is running prose: what a heading introduces."""
    list_after: float = 0.06
    """The next text is a list (a heading may introduce one; so does a lead-in line)."""
    table_after: float = -2.0
    """The next text is a pipe table."""
    caption_subtitle: float = -0.26
    """A caption above and a table below: the line is the table's subtitle ("In Trillions of Dollars")."""
    heading_after: float = -0.05
    """The next text is a line that could be a heading itself and stands alone: a section over its subsection."""
    short_after: float = 0.19
    """The next text is another short line, not standing alone: an address block or an unmarked list, more likely."""
    end_of_text: float = -0.28
    """Nothing follows."""
    after_colon: float = -0.3
    """The text before it ends with a colon: the line is the first item of an unmarked list."""
    after_question: float = -0.15
    """The text before it ends with a question mark: the line is an answer ("No", "N/A")."""
    short_answer: float = 0.18
    """...and it is four words or fewer: "N/A", "No", "Not applicable"."""
    after_caption: float = -0.24
    """The text before it is a caption ("Table 2. ..."): the line is the caption's subtitle ("In Millions")."""
    runs_on: float = -1.43
    """The next line, directly below, starts in lower case: the line is the first of a wrapped paragraph."""
    shorter_than_next: float = 0.01
    """Text directly below that opens like a sentence and is much longer: a heading over its paragraph, not the
    first line of a wrapped one."""
    link_only: float = -0.49
    """The whole line is a Markdown link ("[Open Source Software FAQs](http://...)")."""
    trailing_function_word: float = -1.87
    """Ends on a word like "the", "of", "which": a line broken mid-sentence."""
    lower_start: float = -0.15
    """One or two words starting in lower case, standing alone ("rustc", "cargo")."""
    ends_with_number: float = 0.43
    """Ends in a number after a word: a table-of-contents line with its page number ("Background 4")."""
    list_marker: float = -1.13
    """Reads as an ordered-list item too ("1. Introduction", "A. General")."""
    marker_run: float = -0.6
    """...and the text before or after it is a list item as well: an ordered list, not a heading."""
    dateline: float = -0.21
    """A date or version line ("March 3, 2026", "Version 1.0, updated 14 January 2025")."""
    mostly_digits: float = -0.03
    """More than half digits (a table row, a date line), a bare year excepted."""
    question: float = 1.23
    """Ends with a question mark ("What Is at Stake?")."""
    bold_line: float = -1.48
    """The whole line is bold (`**Project Summary**`): in a document with Markdown, its headings would be marked."""
    threshold: float = 1.35
    """The score a line must exceed to be a heading."""
    md_words_per_heading: float = 1500.0
    """Markdown with fewer `#` headings than one per this many words (or just one) has its unmarked headings
    looked for too. Set by design, not tuned."""

    @cached_property
    def weights(self) -> tuple[float, ...]:
        """The weights in `FEATURES` order."""
        return tuple(float(getattr(self, name)) for name in FEATURES)


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(HeadingParams) if f.name not in ("threshold", "md_words_per_heading"))
"""The names of the soft evidence, in the order `heading_features` returns it."""
DEFAULT_PARAMS = HeadingParams()
MAX_HEADING_WORDS = 28
MAX_HEADING_CHARS = 200
REJECT = -9.0
"""The score of a line that can never be a heading."""


def _starts_like_heading(body: str) -> bool:
    """Opens with a capital or a digit, or with a word that is capitalised inside ("e2e", "iOS") or code (`fn`)."""
    word = body.split(maxsplit=1)[0] if body.split() else ""
    first = next((c for c in body if c.isalnum()), "")
    if not first:
        return False
    if not first.isalpha() or first.isupper():
        return True
    return word.startswith("`") or any(c.isdigit() or c.isupper() for c in word)


@dataclass
class _Shape:
    """A line that passed the hard rules: its text without Markdown residue, words, section number, body."""

    text: str
    words: list[str]
    num: re.Match[str] | None
    body: str
    marker: bool
    """It also reads as an ordered-list item ("1. Introduction", "A. General")."""
    lower: bool
    """One or two words in lower case ("rustc", "cargo"): a heading only where it stands alone."""


def _shape(raw: str) -> _Shape | None:
    """The hard rules: None for a line that can never be a heading (too long, a sentence, a caption, a bullet...)."""
    if _LABEL.match(raw):
        return None
    s = unmark(raw)
    words = s.split()
    n = len(words)
    if not n or n > MAX_HEADING_WORDS or len(s) > MAX_HEADING_CHARS:
        return None
    if s[0] in "|<[!#>{~=_*" or (s[0] == "`" and s.count("`") < 2) or "http" in s or "www." in s:
        return None
    num = NUMBERED_HEADING.match(s)
    marker = bool(BULLET.match(raw))
    if marker and not num:
        return None
    if s.endswith((",", ";", ":", "-", "–", "—", "(", "&", "/")):
        return None
    if s.endswith(".") and not (num and num.group("rest").count(".") == 0):
        return None
    if _CAPTION.match(s) or _NOT_A_HEADING.search(s):
        return None
    body = num.group("rest") if num else s
    sentences = split_spans(body)
    if len(sentences) > 1 and not _APPENDIX.match(s):
        if not all(body[a:b].rstrip().endswith("?") for a, b in sentences[:-1]):
            return None
    lower = not _starts_like_heading(body)
    if lower and (n > 2 or not any(c.isalpha() for c in body)):
        return None
    return _Shape(s, words, num, body, marker, lower)


def _stands_alone(ctx: Context, j: int) -> bool:
    """Line j could be a heading and has quiet lines (or the text's edge) after it: a subheading, say."""
    return (j + 1 >= len(ctx.lines) or ctx.quiet[j + 1]) and _shape(ctx.lines[j].stripped) is not None


def is_link_only(line: str) -> bool:
    """The line is one Markdown link and nothing else."""
    return bool(LINK.fullmatch(line.strip()))


def could_be_heading(line: str) -> bool:
    """The line passes the hard rules (the title finder asks this of a document's first line)."""
    return _shape(line.strip()) is not None


_FIGURE = re.compile(r"[-+(]*[$€£]?\s?\d[\d,./:–-]*%?[)\]]*|n/?a|yes|no|[-–—$€£]|(?:m|b|tr)illions?|\[[a-z0-9 ]{1,3}\]|\*\*.*\*\*", re.I)


def _table_cells(text: str) -> bool:
    """A row of a table flattened into a line: no letters at all (a bare year aside), more than half of its words
    figures, "N/A", "Yes" or dashes (three numbers among them, or nothing else), or a bracket left open or closed by a cell wrapped
    over two lines ("millions)", "(in millions)")."""
    words = text.split()
    if not any(c.isalpha() for c in text):
        return not re.fullmatch(r"\d{4}(?:\s*[-–—]\s*\d{4})?", text)  # a year or a span of years may head a part
    figures = sum(bool(_FIGURE.fullmatch(w)) for w in words)
    numbers = sum(any(c.isdigit() for c in w) for w in words)
    if 2 * figures > len(words) and (numbers >= 3 or (figures == len(words) >= 2)):
        return True  # "$42.4 million $1.6 billion", "N/A Yes N/A"; not "1 – Introduction", "Costs 2020 – 2024"
    opened, closed = text.count("("), text.count(")")
    return opened != closed or (text.startswith("(") and text.endswith(")"))


def _glossary_entry(words: list[str]) -> bool:
    """An abbreviation followed by what it stands for ("GSA General Services Administration"): a line of a list
    of abbreviations. The abbreviation's letters are the initials of the words after it, in order."""
    if len(words) < 3 or not re.fullmatch(r"[A-Z][A-Z0-9&-]*[A-Z0-9]", words[0]):
        return False
    letters = [c.lower() for c in words[0] if c.isalpha()]
    initials = [w.lstrip("(\"'“‘")[:1].lower() for w in words[1:]]
    if len(letters) < 3 or not initials or initials[0] != letters[0]:
        return False
    it = iter(initials)
    return all(any(c == i for i in it) for c in letters)


def _paged(ctx: Context, j: int | None) -> bool:
    """Line j ends in a page number after a word, like a line of a table of contents ("Background 4"), and is not a
    list item ("- [Part 3](#part-3)" is a link to a part)."""
    if j is None:
        return False
    line = ctx.lines[j].stripped
    return not BULLET.match(line) and bool(_PAGE_NUMBER.search(unmark(line)))


def _contents_entry(ctx: Context, i: int) -> bool:
    """Line i is one of three or more lines in a row (blank lines aside) that end in page numbers: an entry in a
    table of contents, not the heading it points to."""
    if not _paged(ctx, i):
        return False
    run = 1
    for step in (ctx.preceding, ctx.following):
        j = step(i)
        while run < 3 and _paged(ctx, j):
            run += 1
            j = step(j) if j is not None else None
    return run >= 3


def wrapped_start(ctx: Context, i: int) -> int | None:
    """The line above line i when the two are one heading broken after a colon, standing alone ("Foreign Investment
    in U.S. Federal Debt:" over "Why Is It an Issue of Concern?"); else None."""
    h = i - 1
    if h < 0 or ctx.quiet[h] or ctx.code[h] or not (h == 0 or ctx.quiet[h - 1]):
        return None
    first = ctx.lines[h].stripped
    if not first.endswith(":") or _LABEL.match(first):
        return None
    head = _shape(first[:-1])
    sig = [w for w in head.words if w.lower() not in _SMALL] if head else []
    if head is None or len(head.words) < 2 or sum(w[:1].isupper() or w[:1].isdigit() for w in sig) < 0.75 * len(sig):
        return None  # a lead-in ("Two approaches stand out:", "Contact:") over its first item, not a title
    joined = _shape(f"{first} {ctx.lines[i].stripped}")
    return h if joined is not None and len(joined.words) <= 20 else None


def heading_features(ctx: Context, i: int) -> tuple[float, ...] | None:
    """The evidence that line i is a heading, in `FEATURES` order; None when a hard rule says it cannot be one."""
    if ctx.code[i] or ctx.quiet[i]:
        return None
    sh = _shape(ctx.lines[i].stripped)
    if sh is None or _table_cells(sh.text) or _glossary_entry(sh.words) or _contents_entry(ctx, i):
        return None
    wrapped = wrapped_start(ctx, i)
    blank_before = i == 0 or ctx.quiet[i - 1] or wrapped is not None
    blank_after = i + 1 >= len(ctx.lines) or ctx.quiet[i + 1]
    if sh.lower and not (blank_before and blank_after):
        return None
    raw = ctx.lines[i].stripped
    s, words, body, n = sh.text, sh.words, sh.body, len(sh.words)
    bwords = body.split()
    sig = [w for w in bwords if w.strip("()\"'“”‘’,").lower() not in _SMALL]
    caps = [w for w in sig if (w.strip("(\"'“‘`")[:1] or "x").isupper() or w[:1].isdigit()]
    cap_ratio = len(caps) / len(sig) if sig else 0.0
    title_case = cap_ratio >= 0.75 and len(sig) >= 1
    bare = sh.num is not None and sh.num.group("num").isdigit()
    f = ctx.following(i)
    after = ctx.lines[f].text if f is not None else ""
    list_after = bool(BULLET.match(after))
    heading_after = f is not None and not list_after and _stands_alone(ctx, f)
    prose_after = f is not None and not (list_after or heading_after) and ctx.introduces_prose(f)
    p = ctx.preceding(i if wrapped is None else wrapped)
    before = ctx.lines[p].stripped if p is not None else ""
    nxt = ctx.lines[i + 1].stripped if not blank_after else ""
    digits = sum(ch.isdigit() for ch in body)
    table_after = after.lstrip().startswith("|") and after.count("|") >= 2
    after_caption = bool(_CAPTION.match(unmark(before)))
    ev = {
        "title_case": title_case,
        "lower_case_long": not title_case and cap_ratio < 0.5 and n > 8,
        "numbered": sh.num is not None and not bare,
        "bare_number": bare,
        "footnote_like": bare and any(c in s for c in ',_“"'),
        "one_word": len(bwords) == 1,
        "opening_comma": bwords[0].endswith(",") and len(bwords) > 1,
        "all_caps": s.isupper() and n >= 2,
        "long_line": n > 12,
        "very_long": n > 16,
        "blank_before": blank_before,
        "text_before": not blank_before,
        "blank_after": blank_after,
        "prose_after": prose_after,
        "list_after": list_after,
        "heading_after": heading_after,
        "table_after": table_after,
        "caption_subtitle": table_after and after_caption,
        "short_after": f is not None and not (prose_after or list_after or heading_after),
        "lower_start": sh.lower,
        "end_of_text": f is None,
        "after_colon": before.endswith(":"),
        "after_question": before.endswith("?"),
        "short_answer": before.endswith("?") and n <= 4,
        "after_caption": after_caption,
        "runs_on": nxt[:1].islower(),
        "shorter_than_next": bool(nxt) and not nxt[:1].islower() and len(raw) < 0.6 * len(nxt),
        "link_only": is_link_only(raw),
        "trailing_function_word": words[-1].lower().strip("\"'”’)") in _TRAILING,
        "ends_with_number": bool(_PAGE_NUMBER.search(s)) and sh.num is None,
        "list_marker": sh.marker,
        "marker_run": sh.marker and (bool(BULLET.match(before)) or list_after),
        "dateline": bool(_DATELINE.search(s)),
        "mostly_digits": digits > len(body) / 2 and not re.fullmatch(r"\d{4}", body),
        "question": s.endswith("?"),
        "bold_line": bool(_BOLD_LINE.fullmatch(raw)),
    }
    return tuple(float(ev[name]) for name in FEATURES)


def score(features: tuple[float, ...] | None, params: HeadingParams = DEFAULT_PARAMS) -> float:
    """Weighted evidence less the threshold: > 0 means a heading; `REJECT` when a hard rule said no."""
    if features is None:
        return REJECT
    return sum(w * f for w, f in zip(params.weights, features, strict=True)) - params.threshold


def level_of(s: str, tabs: int, caps_mixed: bool) -> int:
    """A heading's level: leading tabs, else the depth of its number ("2.3" is 2), else 2 for a title-case heading
    in a document that also has ALL-CAPS ones, else 1."""
    if tabs:
        return tabs
    num = NUMBERED_HEADING.match(s)
    if num and re.match(r"\d", num.group("num")):
        return num.group("num").rstrip(".").count(".") + 1
    if caps_mixed and not s.isupper():
        return 2
    return 1


def line_evidence(lines: list[Line], only: list[int] | None = None, ctx: Context | None = None) -> dict[int, tuple[float, ...]]:
    """The evidence for every line that may be a heading (hard rules passed), by line index.

    `only` limits the work to some line indices (the Markdown reader asks about its one-line paragraphs).
    """
    ctx = ctx or Context(lines)
    out = {}
    for i in range(len(lines)) if only is None else only:
        feats = heading_features(ctx, i)
        if feats is not None:
            out[i] = feats
    return out


def heading_lines(
    lines: list[Line],
    params: HeadingParams = DEFAULT_PARAMS,
    only: list[int] | None = None,
    ctx: Context | None = None,
) -> list[int]:
    """Indices of the lines that score as headings, in order. Where the only heading-like lines are wholly bold
    (an essay that marks its headings with bold and nothing else), bold is not held against them."""
    evidence = line_evidence(lines, only, ctx)
    found = [i for i, feats in evidence.items() if score(feats, params) > 0]
    bold = FEATURES.index("bold_line")
    if len(found) < 2 and sum(f[bold] > 0 for f in evidence.values()) >= 2:
        unbold = replace(params, bold_line=0.0)
        found = [i for i, feats in evidence.items() if score(feats, unbold) > 0]
    return found


def is_dateline(text: str) -> bool:
    """A short version or date line ("Version 1.0, updated 14 January 2025", "March 3, 2026")."""
    return len(text.split()) <= 12 and bool(_DATELINE.search(text))
