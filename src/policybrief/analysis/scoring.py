"""How much each sentence matters to one audience: computed once per brief, read by the summary and by condensing.

Every weight that ranks sentences lives here. The summary leans on centrality and an early position (reports state
their case early); condensing the body ranks by the audience's focus first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from policybrief.analysis import Analysis, FloatArray
from policybrief.lang.words import content_terms


@dataclass(frozen=True)
class SummaryParams:
    """The summary's ranking, checked two-fold by bench/rouge_eval.py. Grid-tuning on one half of the corpus chose
    different values on each half and gained nothing on the other half over these defaults (held-out ROUGE-2 1.03x
    Lead with the tuned values, 1.06x and 1.12x with these), so the defaults stay."""

    centrality: float = 0.5
    """Weight of LexRank centrality (the rest goes to the position prior) when the audience has no focus."""
    exponent: float = 5.0
    """Position prior (1 - position) ** exponent: reports state their case early."""
    purpose: float = 0.0
    """Bonus for a sentence that says what the document does ("This report examines...", "This KEP proposes...")."""


SUMMARY = SummaryParams()
SUMMARY_FOCUS_WEIGHTS = (0.3, 0.15, 0.55)
"""(centrality, position prior, focus) for a summary weighted to an audience."""
CONDENSE_FOCUS_WEIGHTS = (0.4, 0.0, 0.6)
"""(centrality, position prior, focus) when condensing the body for an audience with focus terms; without focus
terms the body keeps its most central sentences."""


@dataclass(frozen=True)
class Scores:
    """One audience's view of the essay's sentences (arrays indexed like `Analysis.sentences`)."""

    relevance: FloatArray
    """Relevance to the focus terms, scaled to a maximum of 1 (all 0 without focus)."""
    summary: FloatArray
    """What the executive summary ranks by."""
    condense: FloatArray
    """What condensing the body ranks by."""
    focused: bool
    """True when the audience has focus terms."""


def focus_vector(analysis: Analysis, focus: dict[str, float]) -> FloatArray:
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


def score(analysis: Analysis, focus: dict[str, float] | None = None, params: SummaryParams = SUMMARY) -> Scores:
    """The audience's scores: one focus vector, then the two blends."""
    focused = bool(focus)
    cent = analysis.centrality
    prior = (1.0 - analysis.positions) ** params.exponent
    if params.purpose:
        prior = prior + params.purpose * analysis.purpose / max(1e-9, 1.0 - params.centrality)
    rel = focus_vector(analysis, focus or {})
    if not len(cent):
        return Scores(rel, cent, cent, focused)
    if focused:
        c, p, f = SUMMARY_FOCUS_WEIGHTS
        summary = c * cent + p * prior + f * rel
        c, _, f = CONDENSE_FOCUS_WEIGHTS
        condense = f * rel + c * cent
    else:
        summary = params.centrality * cent + (1.0 - params.centrality) * prior
        condense = cent
    return Scores(rel, summary, condense, focused)
