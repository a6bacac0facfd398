"""Sparse TF-IDF sentence vectors in plain numpy (COO arrays), and the few products the analysis needs.

Everything is linear in the number of non-zero entries: no sentence-by-sentence similarity matrix is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from policybrief.lang.words import content_terms

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class TermMatrix:
    rows: IntArray
    """Sentence index of each non-zero entry (sorted)."""
    cols: IntArray
    """Term index of each entry."""
    vals: FloatArray
    """L2-normalised TF-IDF weight of each entry."""
    n: int
    """Number of sentences."""
    vocab: dict[str, int]
    idf: FloatArray
    terms: list[list[str]]
    """Each sentence's terms (stemmed), kept for term-level checks."""
    bounds: IntArray
    """Sentence i's entries are `bounds[i]:bounds[i + 1]`."""

    def matvec(self, v: FloatArray) -> FloatArray:
        """X @ v for a dense term vector v."""
        return cast(FloatArray, np.bincount(self.rows, weights=self.vals * v[self.cols], minlength=self.n))

    def rmatvec(self, u: FloatArray) -> FloatArray:
        """X.T @ u for a dense sentence vector u."""
        return cast(FloatArray, np.bincount(self.cols, weights=self.vals * u[self.rows], minlength=len(self.vocab)))

    def row(self, i: int) -> FloatArray:
        """Sentence i as a dense term vector."""
        v = np.zeros(len(self.vocab))
        lo, hi = self.bounds[i], self.bounds[i + 1]
        v[self.cols[lo:hi]] = self.vals[lo:hi]
        return v

    def similarity_to(self, i: int) -> FloatArray:
        """Cosine similarity of every sentence to sentence i."""
        return self.matvec(self.row(i))

    def query(self, weights: dict[str, float]) -> FloatArray:
        """A dense term vector for weighted query terms (unknown terms ignored)."""
        v = np.zeros(len(self.vocab))
        for term, w in weights.items():
            j = self.vocab.get(term)
            if j is not None:
                v[j] += w * self.idf[j]
        return v


def build(texts: list[str]) -> TermMatrix:
    vocab: dict[str, int] = {}
    terms = [content_terms(t) for t in texts]
    rows: list[int] = []
    cols: list[int] = []
    counts: list[float] = []
    for i, ts in enumerate(terms):
        local: dict[int, int] = {}
        for t in ts:
            j = vocab.setdefault(t, len(vocab))
            local[j] = local.get(j, 0) + 1
        for j in sorted(local):
            rows.append(i)
            cols.append(j)
            counts.append(local[j])
    n = len(texts)
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    tf = np.asarray(counts, dtype=np.float64)
    df = np.bincount(c, minlength=len(vocab)).astype(np.float64)
    idf = np.log((1 + n) / (1 + df)) + 1.0
    vals = (1 + np.log(tf)) * idf[c] if len(tf) else tf
    norms = np.sqrt(np.bincount(r, weights=vals * vals, minlength=n))
    norms[norms == 0] = 1.0
    vals = vals / norms[r] if len(vals) else vals
    return TermMatrix(r, c, vals, n, vocab, idf, terms, np.searchsorted(r, np.arange(n + 1)))


def lexrank(m: TermMatrix, damping: float = 0.15, iterations: int = 40) -> FloatArray:
    """Continuous LexRank centrality by power iteration over S = X X^T without its diagonal, never formed."""
    n = m.n
    if n == 0:
        return np.zeros(0)
    ones = np.ones(n)
    self_sim = np.bincount(m.rows, weights=m.vals * m.vals, minlength=n)
    degree = m.matvec(m.rmatvec(ones)) - self_sim
    degree[degree <= 1e-12] = 1.0
    p = ones / n
    for _ in range(iterations):
        q = p / degree
        nxt = damping / n + (1 - damping) * (m.matvec(m.rmatvec(q)) - self_sim * q)
        nxt /= nxt.sum() or 1.0
        if np.abs(nxt - p).sum() < 1e-7:
            p = nxt
            break
        p = nxt
    return p
