"""Extractive executive summaries: the essay's bottom line first, then the audience's best sentences by MMR, in
source order.

Never picks a heading, a lead-in, a fragment, back matter, a near-duplicate of a sentence already picked, or a
premise the essay goes on to answer; a sentence that leans on others ("This...", "Another limitation...") comes
only with the sentences it leans on.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from policybrief.analysis import UNSATISFIABLE, Analysis
from policybrief.analysis.scoring import Scores, score
from policybrief.analysis.thesis import housekeeping, thesis

REDUNDANCY = 0.5
"""Cosine similarity above which a candidate repeats a picked sentence and is skipped."""


def eligible(analysis: Analysis, sections: Iterable[str] | None = None, exclude: Iterable[int] = ()) -> npt.NDArray[np.bool_]:
    """Sentences a summary may quote."""
    allowed = set(sections) if sections is not None else None
    skip = set(exclude)
    ok = np.zeros(len(analysis.sentences), dtype=bool)
    for k, info in enumerate(analysis.sentences):
        if info.fragment or k in analysis.duplicates or k in skip or analysis.answer[k] is not None:
            continue
        if housekeeping(info.sentence.text):
            continue
        if info.section_role == "back-matter":
            continue
        if info.kind == "item" and info.list_role != "key_judgments" or info.kind == "code":
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
    exclude: Iterable[int] = (),
    bottom_line: bool = True,
    mmr_lambda: float = 0.75,
) -> list[int]:
    """Indexes into `analysis.sentences`: the bottom line's sentences first (when the essay states one), then the
    rest in source order. `scores`: the audience's (else none); `exclude`: sentences shown elsewhere."""
    infos = analysis.sentences
    n = len(infos)
    if n == 0:
        return []
    if max_words is None and max_sentences is None:
        max_sentences = 5
    base = (scores or score(analysis)).summary
    ok = eligible(analysis, sections, exclude)
    words = np.array([i.sentence.words for i in infos])
    max_sim = np.zeros(n)
    chosen: list[int] = []
    m = analysis.matrix
    room_words = max_words if max_words is not None else 10**9
    room_count = max_sentences if max_sentences is not None else 10**9

    def unit(k: int) -> list[int] | None:
        """k with the sentences it leans on that are not yet chosen; None when one of them cannot be quoted."""
        members = [j for j in analysis.closure(k) if j not in chosen]
        if any(j == UNSATISFIABLE or not (ok[j] or j == k) for j in members):
            return None
        return members

    def take(members: list[int]) -> None:
        nonlocal max_sim
        for j in members:
            chosen.append(j)
            ok[j] = False
            max_sim = np.maximum(max_sim, m.similarity_to(j))

    lead: list[int] = []
    t = thesis(analysis) if bottom_line else None
    if t is not None and t in analysis.duplicates and not ok[t] and t not in set(exclude):
        # The bottom line the essay repeats may be quoted in its later, standalone wording; then not the earlier.
        ok[t] = True
        ok[analysis.duplicates[t]] = False
    if t is not None and ok[t]:
        members = unit(t)
        if members and words[members].sum() <= room_words and len(members) <= room_count:
            take(members)
            lead = list(members)
    while True:
        used_words = int(words[chosen].sum()) if chosen else 0
        if len(chosen) >= room_count:
            break
        gain = mmr_lambda * base - (1 - mmr_lambda) * max_sim
        mask = ok & (max_sim < REDUNDANCY)
        picked = None
        for k in np.flatnonzero(mask)[np.argsort(-gain[mask], kind="stable")]:
            members = unit(int(k))
            if members is None:
                continue
            if used_words + int(words[members].sum()) > room_words or len(chosen) + len(members) > room_count:
                continue
            picked = members
            break
        if picked is None:
            break
        take(picked)
    rest = sorted(set(chosen) - set(lead))
    return lead + rest
