"""The one place that wires the stages together: read -> analyse -> compose -> write -> deliver.

STAGES names the order; each function below runs a prefix of it. The CLI calls only this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policybrief.model import Document

STAGES = ("read", "analyse", "compose", "write", "deliver")


def read(path: str | Path, fmt: str | None = None) -> Document:
    from policybrief.readers import read_essay

    return read_essay(path, fmt)


def inspect(path: str | Path, fmt: str | None = None) -> dict[str, Any]:
    from policybrief.analysis import analyse
    from policybrief.report import inspect_data

    doc = read(path, fmt)
    a = analyse(doc)
    dups = [
        (a.sentences[i].sentence.ref, a.sentences[i].sentence.text, a.sentences[j].sentence.ref, a.sentences[j].sentence.text)
        for i, j in sorted(a.duplicates.items())
    ]
    return inspect_data(doc, dups)


def _row(r) -> dict[str, Any]:  # noqa: ANN001
    return {"item": r.item.text, "evidence": [e.text for e in r.evidence], "section": r.section}


def summarize(
    path: str | Path,
    *,
    words: int | None = None,
    sentences: int | None = None,
    audience: str | None = None,
    templates: str | Path | None = None,
    fmt: str | None = None,
) -> dict[str, Any]:
    """`{"summary": [{"text", "section", "paragraph", "sentence"}], "tables": {...}}`: keep this shape stable."""
    from policybrief.analysis import analyse
    from policybrief.analysis.findings import tables
    from policybrief.analysis.summarize import summarize as pick

    doc = read(path, fmt)
    a = analyse(doc)
    focus: dict[str, float] = {}
    if audience:
        from policybrief.profiles import load_profiles

        profile = load_profiles(templates).get(audience, doc)
        focus = profile.focus_weights()
        if words is None and sentences is None:
            words, sentences = profile.summary.words, profile.summary.sentences
    chosen = pick(a, max_words=words, max_sentences=sentences, focus=focus)
    summary = [
        {
            "text": a.sentences[k].sentence.text,
            "section": a.sentences[k].sentence.ref.section,
            "paragraph": a.sentences[k].sentence.ref.block,
            "sentence": a.sentences[k].sentence.ref.sentence,
        }
        for k in chosen
    ]
    t = tables(a)
    return {"summary": summary, "tables": {kind: [_row(r) for r in rows] for kind, rows in t.items()}}
