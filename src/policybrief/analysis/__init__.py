"""Document -> Analysis: every sentence indexed and vectorised once, near-duplicates flagged, centrality ranked.

Summaries (per audience) and findings tables are computed from an Analysis; the composer reads them. The scores
that rank sentences for an audience come from `analysis.scoring.score`, once per brief.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt

from policybrief.analysis.vectors import TermMatrix
from policybrief.lang.cohesion import ANSWERS, Lean, cut_off, is_hypothetical, lean, unfinished
from policybrief.lang.sentences import UNSPACED, ends_sentence
from policybrief.lang.words import content_terms, stem
from policybrief.model import BulletList, Caption, Document, Paragraph, Sentence, SourceRef

FloatArray = npt.NDArray[np.float64]

PURPOSE = re.compile(
    r"^(this|the present|our) (report|paper|document|study|review|memo|analysis|rfc|kep|proposal|enhancement|essay|"
    r"brief|testimony|guide)\b.{0,60}\b(propos\w*|aims?|seeks?|examines?|describes?|discuss\w*|analy[sz]\w*|"
    r"provides?|presents?|introduces?|explores?|assess\w*|recommends?|addresses|focuses|outlines?|summari[sz]\w*|"
    r"reviews?|considers?)\b|^(we|gao) (propose|examine|reviewed|assessed|found|recommend)",
    re.I,
)
"""A sentence that says what the document does: summaries tend to say it too."""

UNSATISFIABLE = -1
"""In `Analysis.depends`: the sentence leans on something outside its section; it is never quoted without it."""
ANTECEDENT_REACH = 6
"""How far back (in sentences of the same section) "these motivations" looks for the sentence naming them."""


@dataclass(frozen=True)
class SentenceInfo:
    """One sentence of the essay as the analysis sees it."""

    sentence: Sentence
    section: str
    kind: str
    """`paragraph`, `item` (a list item's sentence), `lead-in`, `code` or `label` (a few words, no sentence)."""
    position: float
    """0 at the start of the essay, 1 at the end."""
    first_in_block: bool
    lean: Lean
    """How it leans on what comes before ("This...", "However,...", "Another limitation is...")."""
    fragment: bool
    """Too short or not a sentence (no closing punctuation, lower-case start): never summarised."""
    list_role: str = ""
    """For list items: the list's role."""
    section_role: str = "analysis"
    """The role of its section (back matter is never summarised)."""

    @property
    def leaning(self) -> bool:
        return self.lean.leans


@dataclass(frozen=True)
class Analysis:
    """What the summariser, the composer and the findings tables need, computed once per essay."""

    doc: Document
    sentences: tuple[SentenceInfo, ...]
    matrix: TermMatrix
    """The TF-IDF term matrix over `sentences`."""
    centrality: FloatArray
    """LexRank score per sentence, scaled so that the most central sentence scores 1."""
    positions: FloatArray
    """Per sentence, where it sits: 0 at the start of the essay, 1 at the end."""
    duplicates: Mapping[int, int]
    """Index of a near-duplicate sentence -> index of the earlier sentence it repeats."""
    index: Mapping[SourceRef, int]
    """Where each sentence is in `sentences`, by its source reference (a whole list item's: its first sentence)."""
    depends: tuple[tuple[int, ...], ...]
    """Per sentence, the sentences it cannot be quoted without (UNSATISFIABLE: none that a brief can show)."""
    purpose: FloatArray
    """Per sentence: 1 where it says what the document does ("This report examines...", "This KEP proposes..."),
    else 0."""
    answer: tuple[int | None, ...]
    """Per sentence that is a premise or question the essay answers right after it ("If ... then this could..."
    then "On the other hand, ..."): the answering sentence; else None. A brief never quotes the premise without
    the answer."""

    def unfinished(self, k: int) -> bool:
        """Sentence `k`, of a paragraph, stops short of its end: cut off mid-phrase ("...in areas including") or by
        a page break (the essay goes on in lower case); the sentence after it finishes it."""
        info = self.sentences[k]
        if info.kind != "paragraph":  # code runs on without full stops
            return False
        following = self.sentences[k + 1].sentence.text if k + 1 < len(self.sentences) else ""
        return unfinished(info.sentence.text) or cut_off(info.sentence.text, following)

    def closure(self, k: int) -> tuple[int, ...]:
        """`k` and everything it leans on, transitively, in source order (UNSATISFIABLE first when it cannot be met)."""
        seen: set[int] = set()
        todo = [k]
        while todo:
            j = todo.pop()
            if j in seen:
                continue
            seen.add(j)
            if j >= 0:
                todo.extend(self.depends[j])
        return tuple(sorted(seen))


def _is_fragment(text: str) -> bool:
    short = len(text.strip()) < 12 if UNSPACED.search(text) else len(text.split()) < 6  # no spaces: count characters
    if short:
        return True
    if not ends_sentence(text):
        return True
    return text[:1].islower()


_CODE_START = re.compile(
    r"^\s*(//|/\*|#\[|#!|#include|\$ |>>> |[a-z_]+\s*:\s*$|(pub |fn |let |impl |struct |"
    r"enum |use |mod |def |class |import |func |const |var |type )\S)"
)
_CODE_CHARS = re.compile(r"[{}();=<>\[\]|&*`\\]")


def is_label(text: str) -> bool:
    """A paragraph of a few words and no sentence ending ("Cost Performance [49]", "Schedule Performance"): a chart's
    or a form's label left in the text, never quoted as prose."""
    t = text.strip()
    return len(t.split()) < 5 and not UNSPACED.search(t) and not ends_sentence(t, ":")


def looks_like_code(text: str) -> bool:
    """A block of code (a fenced block the reader kept as a paragraph): not prose to summarise or quote as evidence."""
    if _CODE_START.match(text):
        return True
    marks = len(_CODE_CHARS.findall(text))
    return len(text) >= 20 and marks >= 4 and marks / len(text) > 0.06


def collect(doc: Document) -> list[SentenceInfo]:
    raw: list[tuple[Sentence, str, str, bool, str, str]] = []
    for sec in doc.walk():
        for block in sec.blocks:
            if isinstance(block, Caption):
                continue  # a caption is not the essay's argument: never summarised, condensed or a finding
            if isinstance(block, Paragraph):
                kind = "code" if looks_like_code(block.text) else "label" if is_label(block.text) else "paragraph"
                for k, s in enumerate(block.sentences):
                    raw.append((s, sec.id, kind, k == 0, "", sec.role))
            elif isinstance(block, BulletList):
                if block.lead_in:
                    raw.append((block.lead_in, sec.id, "lead-in", True, block.role, sec.role))
                for item in block.items:
                    for k, s in enumerate(item.sentences):
                        raw.append((s, sec.id, "item", k == 0, block.role, sec.role))
    n = max(1, len(raw) - 1)
    out = []
    for i, (s, sid, kind, first, role, sec_role) in enumerate(raw):
        frag = kind in ("lead-in", "code", "label") or _is_fragment(s.text) or s.text.rstrip().endswith(":")
        how = lean(s.text) if kind != "item" or not first else Lean()  # a list item stands on its own list
        out.append(SentenceInfo(s, sid, kind, i / n, first, how, frag, role, sec_role))
    return out


TOPIC_TERMS = 5
"""The essay's most frequent terms (with its title's) are its topic: "this relationship" in an essay about one
relationship points at the essay's subject, not at the sentence before."""


def topic_terms(doc: Document, terms: list[list[str]]) -> set[str]:
    counts: dict[str, int] = {}
    for ts in terms:
        for t in set(ts):
            counts[t] = counts.get(t, 0) + 1
    top = sorted(counts, key=lambda t: (-counts[t], t))[:TOPIC_TERMS]
    return set(top) | set(content_terms(doc.title))


def dependencies(infos: list[SentenceInfo], terms: list[list[str]], topic: set[str]) -> tuple[tuple[int, ...], ...]:
    """What each sentence leans on: the sentence naming what it points at ("these motivations"), else the
    sentence before it in its section; within a list item, the item's earlier sentence."""
    out: list[tuple[int, ...]] = []
    for k, info in enumerate(infos):
        if info.lean.kind == "outside":  # "the table above", "Figure 2 shows": nothing a brief can show
            out.append((UNSATISFIABLE,))
            continue
        about_topic = info.lean.kind == "referential" and info.lean.noun and stem(info.lean.noun) in topic
        if not info.lean.leans or about_topic:
            out.append(())
            continue
        same = [
            j
            for j in range(k - 1, max(-1, k - 1 - ANTECEDENT_REACH), -1)
            if infos[j].section == info.section and infos[j].kind != "label"
        ]  # a chart's label is no antecedent
        if info.kind == "item":  # a later sentence of an item leans on the item's earlier sentences
            same = [j for j in same if infos[j].sentence.ref.item == info.sentence.ref.item and infos[j].kind == "item"]
        if not same:
            out.append((UNSATISFIABLE,))
            continue
        deps = [] if info.lean.noun and info.lean.kind != "connective" else [same[0]]
        if info.lean.noun:
            # "These motivations": the sentence that names them, nearby; "Another limitation": the last one before.
            key = stem(info.lean.noun)
            pool = same if info.lean.kind != "additive" else [j for j in range(k - 1, -1, -1) if infos[j].section == info.section]
            named = next((j for j in pool if key in terms[j]), None)
            deps.append(named if named is not None else same[0])
        out.append(tuple(sorted(set(deps))))
    return tuple(out)


def answers(infos: list[SentenceInfo]) -> tuple[int | None, ...]:
    """For a hypothetical sentence whose paragraph goes on to answer it ("If ... then this could..." followed within
    three sentences by "On the other hand, ..."), the answering sentence."""
    out: list[int | None] = []
    for k, info in enumerate(infos):
        ref = info.sentence.ref
        answer = None
        if is_hypothetical(info.sentence.text):
            for j in range(k + 1, min(len(infos), k + 4)):
                r = infos[j].sentence.ref
                if (r.section, r.block, r.item) != (ref.section, ref.block, ref.item):
                    break
                if ANSWERS.match(infos[j].sentence.text):
                    answer = j
                    break
        out.append(answer)
    return tuple(out)


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
            cands = Counter(chain.from_iterable(postings.get(t, ())[-200:] for t in rare))
            best, best_score = -1, 0.0
            for j, hits in cands.items():
                if hits < 2:
                    continue
                other = sets[j]
                overlap = len(ts & other) / min(len(ts), len(other))
                if overlap > best_score:
                    best, best_score = j, overlap
                    if overlap >= 1.0:  # nothing can beat a full match, and the first one found is kept anyway
                        break
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
    positions = np.array([i.position for i in infos], dtype=np.float64)
    dups = find_duplicates(m, infos)
    index = {info.sentence.ref: k for k, info in enumerate(infos)}
    for sec in doc.sections:  # a whole list item (a findings row) is found at its first sentence
        for block in sec.blocks:
            if isinstance(block, BulletList):
                for it in block.items:
                    if it.sentences and (k := index.get(it.sentences[0].ref)) is not None:
                        index.setdefault(it.ref, k)
    deps = dependencies(infos, m.terms, topic_terms(doc, m.terms))
    purpose = np.array([1.0 if PURPOSE.search(i.sentence.text) else 0.0 for i in infos], dtype=np.float64)
    return Analysis(doc, tuple(infos), m, cent, positions, dups, index, deps, purpose, answers(infos))
