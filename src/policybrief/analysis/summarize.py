"""Extractive executive summaries: centrality + audience focus + position, selected by MMR, printed in source order.

Never picks a heading, a lead-in, a fragment or a near-duplicate of a sentence already picked; a sentence that
leans on the one before ("This...", "Another limitation...") is picked only after that one.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from policybrief.analysis import Analysis
from policybrief.lang.words import content_terms

REDUNDANCY = 0.5
"""Cosine similarity above which a candidate repeats a picked sentence and is skipped."""


def focus_vector(analysis: Analysis, focus: dict[str, float]) -> np.ndarray:
    """Relevance of every sentence to weighted focus terms (0 when there are none)."""
    m = analysis.matrix
    weights: dict[str, float] = {}
    for phrase, w in focus.items():
        for t in content_terms(phrase):
            weights[t] = max(weights.get(t, 0.0), float(w))
    if not weights:
        return np.zeros(m.n)
    rel = m.matvec(m.query(weights))
    top = rel.max() if len(rel) else 0.0
    return rel / top if top > 0 else rel


def scores(analysis: Analysis, focus: dict[str, float] | None = None) -> np.ndarray:
    cent = np.asarray(analysis.centrality, dtype=float)
    if len(cent) == 0:
        return cent
    cent = cent / (cent.max() or 1.0)
    # Position prior: reports state their case early. A bonus for each paragraph's first sentence was tried and
    # dropped: it spread picks thinly over the whole essay (ROUGE-2 0.289 with it, 0.319 without; bench/rouge_eval.py).
    pos = np.array([i.position for i in analysis.sentences])
    prior = (1.0 - pos) ** 5
    if focus:
        rel = focus_vector(analysis, focus)
        return 0.3 * cent + 0.15 * prior + 0.55 * rel
    return 0.5 * cent + 0.5 * prior


def eligible(analysis: Analysis, sections: Iterable[str] | None = None) -> np.ndarray:
    allowed = set(sections) if sections is not None else None
    ok = np.zeros(len(analysis.sentences), dtype=bool)
    for k, info in enumerate(analysis.sentences):
        if info.fragment or k in analysis.duplicates:
            continue
        if info.kind == "item" and info.list_role != "key_judgments":
            continue
        if allowed is not None and info.section not in allowed:
            continue
        ok[k] = True
    return ok


def summarize(
    analysis: Analysis,
    *,
    max_words: int | None = None,
    max_sentences: int | None = None,
    focus: dict[str, float] | None = None,
    sections: Iterable[str] | None = None,
    mmr_lambda: float = 0.75,
) -> list[int]:
    """Indexes into `analysis.sentences` of the summary, in source order."""
    infos = analysis.sentences
    n = len(infos)
    if n == 0:
        return []
    if max_words is None and max_sentences is None:
        max_sentences = 5
    base = scores(analysis, focus)
    ok = eligible(analysis, sections)
    words = np.array([i.sentence.words for i in infos])
    max_sim = np.zeros(n)
    chosen: list[int] = []
    used = 0
    m = analysis.matrix
    while True:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        gain = mmr_lambda * base - (1 - mmr_lambda) * max_sim
        room = (max_words - used) if max_words is not None else 10**9
        mask = ok & (words <= room) & (max_sim < REDUNDANCY)
        for k in np.flatnonzero(mask):
            if infos[k].leaning and not _predecessor_chosen(analysis, k, chosen):
                mask[k] = False
        if not mask.any():
            break
        k = int(np.argmax(np.where(mask, gain, -np.inf)))
        chosen.append(k)
        ok[k] = False
        used += int(words[k])
        max_sim = np.maximum(max_sim, m.similarity_to(k))
    return sorted(chosen)


def _predecessor_chosen(analysis: Analysis, k: int, chosen: list[int]) -> bool:
    if k == 0:
        return False
    here, before = analysis.sentences[k].sentence.ref, analysis.sentences[k - 1].sentence.ref
    same_block = (here.section, here.block, here.item) == (before.section, before.block, before.item)
    return same_block and (k - 1) in chosen
