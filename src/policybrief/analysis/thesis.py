"""The essay's bottom line: the claim it makes, repeats and concludes on, which every summary opens with.

A sentence scores as a thesis for what a reader of reports looks for: a claim the essay repeats (a near-duplicate
elsewhere), made in its opening paragraph or in a summary, findings or conclusion section, in the language of
assessment ("will remain", "likely", "we conclude", "on balance", "nonetheless"), central to the essay, and able
to stand alone (a thesis that leans on the sentence before would open the summary mid-argument).
"""

from __future__ import annotations

import re

import numpy as np

from policybrief.analysis import Analysis, FloatArray

MARKERS = re.compile(
    r"\b(on balance|overall|in sum|in short|in conclusion|to conclude|nonetheless|nevertheless|the bottom line|"
    r"(we|gao|crs|this report) (judge|judges|assess|assesses|conclude|concludes|found|finds|recommend|recommends)|"
    r"will (likely|remain|continue)|(is|are|remain) likely|most likely|remain robust)\b",
    re.I,
)
ASSESSMENT = re.compile(
    r"\b(will|likely|unlikely|remain|remains|should|must|judge|assess|conclude|recommend|expect|"
    r"robust|strong|significant|key|critical|substantial)\b",
    re.I,
)
_HOUSEKEEPING = re.compile(
    r"(?:(?:[a-z]+ ){1,3}(?:our|the|this|each|both|all(?: our)?) (?:\w+ ){0,2}objectives?,\s*)?"  # "For our first objective, we reviewed"
    r"(?:(we|gao) (selected|interviewed|reviewed|analy[sz]ed|examined|surveyed|visited|met with|obtained|collected|"
    r"conducted (this|our)|used(?! to\b)|assessed the reliability|performed|are sending|provided a draft|will send)\b"
    r"|you (asked|requested) (us|that we)\b|to address (our|this|these|the|each)( \w+){0,3} objectives?\b"
    r"|(our|the|this) (objectives?|review|audit) (was|were|is|are) to\b"
    r"|(this|the following) (section|subsection|chapter|appendix|table|figure)s? (covers?|describes?|presents?|"
    r"provides?|lists?|contains?|outlines?|summari[sz]es|discusses)\b"
    r"|\[[ xX]\]"
    r"|our (report|review|work|audit)s? ((on|of|about) [^,.;]{1,80}? )?(describes|examines|addresses|assesses|reviews)\b"
    r"|.{0,200}?\b(provision|mandate|request|requirement|direction)s? for (us|gao|this office) to (review|examine|assess|"
    r"evaluate|study|report)\b)",  # "..., the Committee includes a provision for us to review ..."
    re.I,
)
_RFC2119 = re.compile(r"\bkey ?words\b.{0,120}\b(must|shall)\b.{0,300}\b(rfc ?2119|bcp ?14)\b", re.I | re.S)


def housekeeping(text: str) -> bool:
    """A sentence about the work rather than its substance, never in a summary: how it was done ("We interviewed
    officials..."), where copies go, what a section covers, the RFC 2119 key-word notice, checklist lines."""
    if _HOUSEKEEPING.match(text):  # anchored: one try per sentence
        return True
    notice = len(text) < 2000 and ("2119" in text or "BCP" in text.upper())  # the notice is a sentence or two
    return notice and _RFC2119.search(text) is not None


SELF_DESCRIPTION = re.compile(
    r"^(this|the present|our) (document|report|paper|proposal|kep|rfc|testimony|discussion paper|brief|memo|study|"
    r"review)s? ((on|of|about) [^,.;]{1,80}?\s(?!(is|was)\b))?(is|was|covers|describes|presents|provides|contains|"
    r"outlines|sets out|summari[sz]es|examines|discusses|assesses|reviews|addresses)\b",
    re.I,
)
"""What the document is ("This document is the Discussion Paper for..."): in a summary, never its bottom line."""
THESIS_ROLES = ("summary", "findings", "conclusion")

WEIGHTS = {"repeated": 1.0, "opening": 0.6, "role": 0.4, "marker": 0.5, "assessment": 0.15, "centrality": 0.5}
"""How much each sign of a thesis counts (bench/rouge_eval.py checks the summaries they lead to, two-fold)."""
EARLY = 0.35
"""Outside a summary, findings or conclusion section, a bottom line sits in the first third of the essay."""
THRESHOLD = 0.9
"""Below this, no sentence is confidently the bottom line, and the summary simply follows the essay."""


def scores(analysis: Analysis) -> FloatArray:
    """Per sentence, how much it reads as the essay's bottom line (0 for what can never be one)."""
    infos = analysis.sentences
    out = np.zeros(len(infos))
    repeated = set(analysis.duplicates) | set(analysis.duplicates.values())
    opening = _opening_block(analysis)
    for k, info in enumerate(infos):
        if info.kind != "paragraph" or info.fragment or info.section_role == "back-matter" or analysis.answer[k] is not None:
            continue
        if analysis.depends[k]:  # a thesis stands alone
            continue
        if housekeeping(info.sentence.text) or SELF_DESCRIPTION.match(info.sentence.text):
            continue  # what the document is or how it was made is not what it concludes
        if info.position > EARLY and info.section_role not in THESIS_ROLES:
            continue  # a bottom line is stated early, or where the essay sums up
        text = info.sentence.text
        s = WEIGHTS["repeated"] * (k in repeated)
        s += WEIGHTS["opening"] * ((info.section, info.sentence.ref.block) == opening)
        s += WEIGHTS["role"] * (info.section_role in THESIS_ROLES)
        s += WEIGHTS["marker"] * bool(MARKERS.search(text))
        s += WEIGHTS["assessment"] * min(2, len(ASSESSMENT.findall(text)))
        s += WEIGHTS["centrality"] * float(analysis.centrality[k])
        out[k] = s
    return out


def thesis(analysis: Analysis) -> int | None:
    """The sentence that states the essay's bottom line, if one does so clearly."""
    sc = scores(analysis)
    if not len(sc):
        return None
    k = int(np.argmax(sc))
    return k if sc[k] >= THRESHOLD else None


def _opening_block(analysis: Analysis) -> tuple[str, int] | None:
    """(section, block) of the essay's first paragraph of prose outside back matter."""
    for info in analysis.sentences:
        if info.kind == "paragraph" and info.section_role != "back-matter" and not info.fragment:
            return info.section, info.sentence.ref.block
    return None
