"""Sentence segmentation with character offsets.

Rule-based and linear: a candidate boundary is a run of `.`, `!` or `?` (with any closing quotes or brackets)
followed by white space. It is a boundary unless the word before it is a known abbreviation ("e.g.", "Dr.",
"No."), a single initial ("J. Smith"), or an initialism such as "U.S." followed by a word that does not usually
open a sentence ("the U.S. Navy" stays whole, "...than the U.S. The..." splits).
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_WORD_BEFORE = re.compile(r"([^\s(\[\"“‘']+)$")

ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st vs etc e.g i.e cf no nos fig figs vol vols pp p ed eds inc corp co ltd gen sen
    rep reps gov col lt capt adm maj sgt cmdr jan feb mar apr jun jul aug sep sept oct nov dec approx est dept
    univ assn op art sec secs ch para paras min max al viz ca c.f a.m p.m u.s.c et seq pub stat res amdt cong sess
    s.res h.res s.j.res h.j.res s.con.res h.con.res""".split()
)
# Words that often open a sentence: after an initialism ("U.S."), one of these means a new sentence.
OPENERS = frozenset(
    """The This That These Those It Its In On At For But And However Moreover Furthermore A An As If While When
    We They He She There Such Some Many Most Both Each Yet Since So Thus Although After Before During Other Our
    His Her Their I Nonetheless Nevertheless Meanwhile Still Instead Indeed Today Now Then Under What Why How
    Given Despite Because Overall Finally First Second Third Also Accordingly""".split()
)
_NEVER_SPLIT = frozenset({"e.g.", "i.e.", "cf.", "viz.", "et al."})


def _is_initialism(word: str) -> bool:
    return bool(re.fullmatch(r"(?:[A-Za-z]\.){2,}", word))


def split_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans `(start, end)` of the sentences of `text[start:end]`, trimmed of surrounding white space."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    sent_start = start
    for m in _CANDIDATE.finditer(text, start, end):
        cut = m.end()
        nxt = cut
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt >= end:
            break
        if not _boundary(text, sent_start, m.start(), m.group(), nxt, end):
            continue
        spans.append((sent_start, cut))
        sent_start = nxt
    spans.append((sent_start, end))
    return [t for t in (_trim(text, a, b) for a, b in spans) if t[0] < t[1]]


def _boundary(text: str, sent_start: int, punct_at: int, punct: str, nxt: int, end: int) -> bool:
    following = text[nxt]
    # The next sentence must open like one: a capital, a digit, an opening quote or bracket, a bullet.
    if following.islower():
        return False
    wm = _WORD_BEFORE.search(text, max(sent_start, punct_at - 100), punct_at)  # a word is never that long
    word = wm.group(1) if wm else ""
    if punct.startswith(".") and not punct.startswith(".."):
        token = (word + ".").lower()
        if token in _NEVER_SPLIT or word.lower().rstrip(".") in ABBREVIATIONS:
            return False
        if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
            return False
        if _is_initialism(word + "."):
            nm = re.match(r"[\"'“‘(]*([A-Za-z]+)", text[nxt : min(end, nxt + 40)])
            return bool(nm and nm.group(1) in OPENERS)
    if following.isdigit() and punct == "." and word[-1:].isdigit():
        return False
    return True


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def split(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[a:b] for a, b in split_spans(text)]


_CLOSERS = "\"'”’)]）」』"
_ENDS = (".", "!", "?", "…", "。", "！", "？", "．")


def ends_sentence(text: str, also: str = "") -> bool:
    """Whether `text` ends as a sentence does, after any closing quotes or brackets: a full stop, question or
    exclamation mark (Latin or full-width), or one of `also` (":;" where a colon or semicolon counts)."""
    t = text.rstrip().rstrip(_CLOSERS)
    return t.endswith(_ENDS) or (bool(also) and t.endswith(tuple(also)))


UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
"""Chinese and Japanese script, written without spaces between words."""

