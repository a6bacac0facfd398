"""Extractive executive summaries: the audience's summary scores, selected by MMR, printed in source order.

Never picks a heading, a lead-in, a fragment or a near-duplicate of a sentence already picked; a sentence that
leans on the one before ("This...", "Another limitation...") is picked only after that one.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from policybrief.analysis import Analysis
from policybrief.analysis.scoring import Scores, score

REDUNDANCY = 0.5
"""Cosine similarity above which a candidate repeats a picked sentence and is skipped."""


def eligible(analysis: Analysis, sections: Iterable[str] | None = None) -> npt.NDArray[np.bool_]:
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
    scores: Scores | None = None,
    *,
    max_words: int | None = None,
    max_sentences: int | None = None,
    sections: Iterable[str] | None = None,
    mmr_lambda: float = 0.75,
) -> list[int]:
    """Indexes into `analysis.sentences` of the summary, in source order (`scores`: the audience's, else none)."""
    infos = analysis.sentences
    n = len(infos)
    if n == 0:
        return []
    if max_words is None and max_sentences is None:
        max_sentences = 5
    base = (scores or score(analysis)).summary
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
        for cand in np.flatnonzero(mask):
            if infos[cand].leaning and not _predecessor_chosen(analysis, int(cand), chosen):
                mask[cand] = False
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
