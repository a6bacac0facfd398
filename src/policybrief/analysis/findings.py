"""Findings tables: each item of a limitations, drivers or key-judgments list with the essay's own evidence.

Evidence for an item is chosen from the body's prose sentences: term overlap with the item (IDF-weighted),
plus the section whose title names the item's subject, plus sentences that say they state such a finding
("Another limitation is..."). The second evidence sentence must cover terms of the item the first did not.
Where an essay has no limitations list but a section on limitations or risks in prose, its rows are the
sentences there that state one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from policybrief.analysis import Analysis
from policybrief.lang.roles import ROLE_PATTERNS
from policybrief.lang.words import content_terms
from policybrief.model import TABLE_KINDS, BulletList, FindingRow, Sentence, TableKind

_STATES = {
    "limitations": re.compile(r"\b(limitation|constraint|limit|risk|tension|friction|challenge|concern|problem)s?\b", re.I),
    "drivers": re.compile(r"\b(motivat\w*|incentive|driver|reason|interest|benefit|seek|desire)s?\b", re.I),
    "key_judgments": re.compile(r"\b(likely|will|remain|judge|assess)\b", re.I),
}


@dataclass
class _Index:
    """What every item's evidence search needs, built once per analysis (not once per item)."""

    idf: dict[str, float]
    titles: dict[str, set[str]]
    terms: list[set[str]]
    postings: dict[str, list[int]]
    """Term -> prose sentences (not near-duplicates) holding it, in source order."""


def _index(analysis: Analysis) -> _Index:
    m = analysis.matrix
    terms = [set(ts) for ts in m.terms]
    postings: dict[str, list[int]] = {}
    for k, info in enumerate(analysis.sentences):
        if info.kind == "paragraph" and k not in analysis.duplicates:
            for t in terms[k]:
                postings.setdefault(t, []).append(k)
    return _Index(
        {t: float(m.idf[j]) for t, j in m.vocab.items()},
        {s.id: set(content_terms(s.title)) for s in analysis.doc.walk()},
        terms,
        postings,
    )


def evidence_for(
    analysis: Analysis, item_text: str, kind: str, home: str, limit: int = 2, index: _Index | None = None
) -> list[int]:
    """Indexes of the best one or two prose sentences that discuss an item."""
    ix = index or _index(analysis)
    idf, titles = ix.idf, ix.titles
    want = set(content_terms(item_text))
    if not want:
        return []
    total = sum(idf.get(t, 1.0) for t in want)
    scored: list[tuple[float, int]] = []
    candidates = sorted({k for t in want for k in ix.postings.get(t, ())})
    for k in candidates:
        info = analysis.sentences[k]
        if analysis.depends[k] and not (info.lean.kind == "additive" and _STATES[kind].search(info.lean.noun or "")):
            continue  # evidence that leans on a sentence the table does not show would be quoted half-way
        overlap = sum(idf.get(t, 1.0) for t in want & ix.terms[k]) / total
        title_hit = len(want & titles.get(info.section, set())) / len(want)
        score = overlap + 0.5 * title_hit
        # The bonuses only rank sentences that discuss the item: a sentence about the list as a whole ("The sum total
        # of these motivations...") sits in the list's own section and names the kind, but shares a word at most.
        if overlap + title_hit >= 0.25:
            if _STATES[kind].search(info.sentence.text):
                score += 0.25
            if info.section == home:
                score += 0.1
        scored.append((score, k))
    scored.sort(key=lambda p: (-p[0], p[1]))
    if not scored:
        return []
    first = scored[0][1]
    picked = [first]
    if limit > 1:
        covered = ix.terms[first] & want
        rest = want - covered
        if rest:
            best, best_gain = None, 0.0
            for _score, k in scored[1:40]:
                if analysis.sentences[k].section != analysis.sentences[first].section:
                    continue
                gain = sum(idf.get(t, 1.0) for t in rest & ix.terms[k]) / total
                if gain > best_gain + 1e-9:
                    best, best_gain = k, gain
            if best is not None and best_gain >= 0.15:
                picked.append(best)
    return picked


def tables(analysis: Analysis) -> dict[TableKind, list[FindingRow]]:
    """Rows for every kind: from the essay's lists of that role, else (limitations) from a prose section."""
    out: dict[TableKind, list[FindingRow]] = {k: [] for k in TABLE_KINDS}
    ix = _index(analysis)
    titles = {s.id: s.title for s in analysis.doc.walk()}
    for sec, bl in analysis.doc.lists():
        if bl.role == "other":
            continue
        for item in _items(bl):
            ev = evidence_for(analysis, item.text, bl.role, sec.id, index=ix)
            sents = tuple(analysis.sentences[k].sentence for k in sorted(ev))
            where = analysis.sentences[ev[0]].section if ev else sec.id
            out[bl.role].append(FindingRow(item, sents, where, titles.get(where, where)))
    if not out["limitations"]:
        out["limitations"] = _prose_limitations(analysis, titles)
    return out


def _items(bl: BulletList) -> list[Sentence]:
    """Each item as one Sentence (items of several sentences joined), keeping the item's SourceRef."""
    return [Sentence(it.text, it.ref) for it in bl.items]


def _prose_limitations(analysis: Analysis, titles: dict[str, str]) -> list[FindingRow]:
    pattern = ROLE_PATTERNS["limitations"]
    rows = []
    for sec in analysis.doc.walk():
        if not pattern.search(sec.title):
            continue
        for k, info in enumerate(analysis.sentences):
            if info.section != sec.id or info.kind != "paragraph" or info.fragment:
                continue
            if pattern.search(info.sentence.text) and k not in analysis.duplicates:
                nxt = analysis.sentences[k + 1] if k + 1 < len(analysis.sentences) else None
                ev = (nxt.sentence,) if nxt and nxt.section == sec.id and nxt.kind == "paragraph" else ()
                rows.append(FindingRow(info.sentence, ev, sec.id, titles.get(sec.id, sec.id)))
    return rows
