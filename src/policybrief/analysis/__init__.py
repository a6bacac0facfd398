"""Document -> Analysis: every sentence indexed and vectorised once, near-duplicates flagged, centrality ranked.

Summaries (per audience) and findings tables are computed from an Analysis; the composer reads them. The scores
that rank sentences for an audience come from `analysis.scoring.score`, once per brief.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from policybrief.analysis.vectors import TermMatrix
from policybrief.model import BulletList, Document, Paragraph, Sentence, SourceRef

FloatArray = npt.NDArray[np.float64]

LEANING = re.compile(
    r"^(this|these|that|those|such|another|other|moreover|furthermore|additionally|also|however|nonetheless|"
    r"nevertheless|similarly|likewise|thus|therefore|hence|consequently|accordingly|in essence|in particular|"
    r"in addition|as such|as a result|on the other hand|at the very least|for example|for instance|that said|"
    r"yet|still|then|they|them|their|it|its|he|she|his|her|the latter|the former|both|instead|indeed|"
    r"specifically|fundamentally|interestingly|by contrast|in contrast|in this context|"
    r"the (same|upshot|question|answer)|but|and|or|so)\b",
    re.I,
)
"""Openers that lean on the sentence before: such a sentence is only summarised with its predecessor."""


@dataclass(frozen=True)
class SentenceInfo:
    """One sentence of the essay as the analysis sees it."""

    sentence: Sentence
    section: str
    kind: str
    """`paragraph`, `item` (a list item's sentence), `lead-in`."""
    position: float
    """0 at the start of the essay, 1 at the end."""
    first_in_block: bool
    leaning: bool
    """Opens by leaning on the sentence before ("This", "Another limitation is...")."""
    fragment: bool
    """Too short or not a sentence (no closing punctuation, lower-case start): never summarised."""
    list_role: str = ""
    """For list items: the list's role."""


@dataclass(frozen=True)
class Analysis:
    """What the summariser, the composer and the findings tables need, computed once per essay."""

    doc: Document
    sentences: tuple[SentenceInfo, ...]
    matrix: TermMatrix
    """The TF-IDF term matrix over `sentences`."""
    centrality: FloatArray
    """LexRank score per sentence, scaled so that the most central sentence scores 1."""
    position_prior: FloatArray
    """Per sentence, how early it comes: (1 - position)^5 (reports state their case early)."""
    duplicates: Mapping[int, int]
    """Index of a near-duplicate sentence -> index of the earlier sentence it repeats."""
    index: Mapping[SourceRef, int]
    """Where each sentence is in `sentences`, by its source reference."""


def _is_fragment(text: str) -> bool:
    words = text.split()
    if len(words) < 6:
        return True
    if not text.rstrip("”’\"')]").endswith((".", "!", "?")):
        return True
    return text[:1].islower()


def collect(doc: Document) -> list[SentenceInfo]:
    raw: list[tuple[Sentence, str, str, bool, str]] = []
    for sec in doc.walk():
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                for k, s in enumerate(block.sentences):
                    raw.append((s, sec.id, "paragraph", k == 0, ""))
            elif isinstance(block, BulletList):
                if block.lead_in:
                    raw.append((block.lead_in, sec.id, "lead-in", True, block.role))
                for item in block.items:
                    for k, s in enumerate(item.sentences):
                        raw.append((s, sec.id, "item", k == 0, block.role))
    n = max(1, len(raw) - 1)
    out = []
    for i, (s, sid, kind, first, role) in enumerate(raw):
        frag = kind == "lead-in" or _is_fragment(s.text) or s.text.rstrip().endswith(":")
        out.append(SentenceInfo(s, sid, kind, i / n, first, bool(LEANING.match(s.text)), frag, role))
    return out


def find_duplicates(m: TermMatrix, infos: list[SentenceInfo], threshold: float = 0.75) -> dict[int, int]:
    """Near-duplicate sentences: most of the shorter one's terms appear in an earlier one.

    Candidates come from an inverted index of each sentence's rarest terms, so the cost stays near-linear.
    """
    postings: dict[str, list[int]] = {}
    df: dict[str, int] = {}
    for sentence_terms in m.terms:
        for t in set(sentence_terms):
            df[t] = df.get(t, 0) + 1
    dups: dict[int, int] = {}
    sets = [set(ts) for ts in m.terms]
    comparable = [info.kind == "paragraph" or info.list_role == "key_judgments" for info in infos]
    for i, ts in enumerate(sets):
        if not comparable[i]:
            continue
        if len(ts) >= 5:
            rare = sorted(ts, key=lambda t: (df[t], t))[:8]
            cands: dict[int, int] = {}
            for t in rare:
                for j in postings.get(t, ())[-200:]:
                    cands[j] = cands.get(j, 0) + 1
            best, best_score = -1, 0.0
            for j, hits in cands.items():
                if hits < 2:
                    continue
                other = sets[j]
                overlap = len(ts & other) / min(len(ts), len(other))
                if overlap > best_score:
                    best, best_score = j, overlap
            if best >= 0 and best_score >= threshold and len(sets[best]) >= 5:
                dups[i] = dups.get(best, best)
        for t in ts:
            postings.setdefault(t, []).append(i)
    return dups


def analyse(doc: Document) -> Analysis:
    from policybrief.analysis import vectors

    infos = collect(doc)
    m = vectors.build([i.sentence.text for i in infos])
    cent = vectors.lexrank(m)
    if len(cent):
        cent = cent / (cent.max() or 1.0)
    prior = (1.0 - np.array([i.position for i in infos], dtype=np.float64)) ** 5
    dups = find_duplicates(m, infos)
    index = {info.sentence.ref: k for k, info in enumerate(infos)}
    return Analysis(doc, tuple(infos), m, cent, prior, dups, index)
