"""Learn how a prose sentence in a findings section (Drawbacks, Risks, Concerns, Conclusions...) is told to be a row.

Run:  .venv/bin/python bench/findings_learn.py [--dump]

Every sentence of a paragraph in a section whose role gives prose rows (the sentences `findings.prose_pool` offers)
is judged against the labelled set (bench/findings_labels.yaml) the way bench/findings_eval.py judges rows: a
sentence that matches a labelled item of its kind is a positive, one inside a labelled region that matches none (or
matches a negative region) a negative; optional and unjudged sentences are left out. A logistic regression over
`prose_features` (below) is fitted on one fold and scored on the other, both ways round, beside the hand-written
rule (`findings.prose_rule`) on the same sentences.

Result (session 20): the learned model does worse than the rule on the held-out fold at every threshold (fold 0:
P 0.74 R 0.72 against the rule's P 0.83 R 0.95; fold 1: P 0.62 R 0.86 against P 0.71 R 0.95, threshold 0.35): some
300 judged sentences are too few to learn from. The rule stays; this script keeps the comparison repeatable.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import findings_eval as fe  # noqa: E402
import findings_set as fs  # noqa: E402

from policybrief.analysis.findings import _REPORTED, KIND_WORDS, NOT_A_FINDING  # noqa: E402

_CONTRAST = re.compile(r"^(however|but|although|though|while|whereas|yet|still|nonetheless|nevertheless|on the other hand)\b", re.I)
_MODAL = re.compile(r"\b(may|might|could|can|would|will)\b", re.I)
_NEGATION = re.compile(r"\b(not|no|never|cannot|can['’]t|won['’]t|isn['’]t|aren['’]t|doesn['’]t|don['’]t|without|neither)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(we|our|us|i|my)\b", re.I)
_CODE = re.compile(r"`|::|\(\)|\{|\}|=>|->|#\[")
_EVALUATIVE = re.compile(
    r"\b(unfortunate\w*|problem\w*|difficult\w*|hard|confus\w*|wasteful|unclear|risk\w*|concern\w*|drawback\w*|"
    r"downside\w*|disadvantage\w*|cost\w*|burden\w*|break\w*|complex\w*|limit\w*|lack\w*|fail\w*|harm\w*|"
    r"threat\w*|vulnerab\w*|challeng\w*|weak\w*|inconsisten\w*|insufficient\w*|inadequate\w*|barrier\w*)\b",
    re.I,
)
_BENEFIT = re.compile(
    r"\b(benefit\w*|advantage\w*|improv\w*|help\w*|enabl\w*|allow\w*|ensur\w*|simplif\w*|easier|better|"
    r"protect\w*|support\w*|useful|safe\w*)\b",
    re.I,
)


def prose_features(analysis: Any, k: int, kind: str) -> dict[str, float]:
    """What `prose_rule` weighs about a sentence its section's role offers as a row of `kind`."""
    info = analysis.sentences[k]
    text = info.sentence.text
    words = max(1, info.sentence.words)
    f: dict[str, float] = {
        "kind_words": min(2, len(KIND_WORDS[kind].findall(text))) if kind != "key_judgments" else 0.0,
        "evaluative": min(2, len(_EVALUATIVE.findall(text))),
        "benefit": min(2, len(_BENEFIT.findall(text))),
        "not_a_finding": float(NOT_A_FINDING.search(text[:80]) is not None),
        "connective": float(info.lean.kind == "connective"),
        "referential": float(info.lean.kind == "referential"),
        "additive": float(info.lean.kind == "additive"),
        "contrast_open": float(_CONTRAST.match(text) is not None),
        "first_in_block": float(info.first_in_block),
        "question": float(text.rstrip().endswith("?")),
        "example": float(re.match(r"^(for example|for instance|e\.g\.)", text, re.I) is not None),
        "modal": float(_MODAL.search(text) is not None),
        "negation": float(_NEGATION.search(text) is not None),
        "first_person": float(_FIRST_PERSON.search(text) is not None),
        "code": float(_CODE.search(text) is not None),
        "long": min(1.0, words / 40),
        "digits": float(re.search(r"\d", text) is not None),
        "conditional": float(re.match(r"^(if|when|unless|once)\b", text, re.I) is not None),
        "reported": float(_REPORTED.search(text) is not None),
        "key_judgments": float(kind == "key_judgments"),
        "recommendations": float(kind == "recommendations"),
    }
    return f


def samples(regions: list[fs.Region]) -> list[tuple[int, str, dict[str, float], bool, int, str]]:
    """(fold, kind, features, rule says row, label 1/0, text) for every judged prose-pool sentence."""
    from policybrief.analysis import analyse
    from policybrief.analysis.findings import prose_pool, prose_rule
    from policybrief.readers import read_essay

    by_doc: dict[str, list[fs.Region]] = defaultdict(list)
    for r in regions:
        by_doc[r.doc].append(r)
    out = []
    for doc, regs in by_doc.items():
        analysis = analyse(read_essay(fs.CORPUS / doc))
        pool = list(prose_pool(analysis))
        rows = [fe.FoundRow("key_findings" if c.kind == "key_judgments" else c.kind, c.item.text, c.section.title, "prose") for c, _ in pool]
        result = fe.Result(regs)
        fe.judge_doc(regs, rows, result)
        for (cand, k), judged in zip(pool, result.judged, strict=True):
            if judged.status in ("optional", "unjudged", "dup"):
                continue
            y = 1 if judged.status == "tp" else 0
            out.append((regs[0].fold, cand.kind, prose_features(analysis, k, cand.kind), prose_rule(analysis, k, cand.kind), y, cand.item.text))
    return out


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 3000) -> np.ndarray:
    """Logistic regression by gradient descent (bias in column 0, not penalised)."""
    w = np.zeros(X.shape[1])
    lr = 0.5
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (p - y) / len(y)
        g[1:] += l2 * w[1:] / len(y)
        w -= lr * g
    return w


def prf(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    tp = int((pred & (y == 1)).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int((y == 1).sum()))
    return p, r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dump", action="store_true", help="print every sample")
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    data = samples(fs.load())
    names = sorted({n for _, _, f, _, _, _ in data for n in f})
    X = np.array([[1.0] + [f.get(n, 0.0) for n in names] for _, _, f, _, _, _ in data])
    y = np.array([d[4] for d in data])
    folds = np.array([d[0] for d in data])
    rule = np.array([d[3] for d in data])
    print(f"{len(data)} judged prose-pool sentences, {int(y.sum())} positive; features: {', '.join(names)}")
    if args.dump:
        for d in data:
            print(d[0], d[4], int(d[3]), d[1], d[5][:100])
    for held in (0, 1):
        tr, te = folds != held, folds == held
        w = fit(X[tr], y[tr])
        pred = (1 / (1 + np.exp(-(X[te] @ w)))) >= args.threshold
        lp, lr_ = prf(pred, y[te])
        rp, rr = prf(rule[te], y[te])
        print(f"held-out fold {held}: learned P {lp:.2f} R {lr_:.2f}   rule P {rp:.2f} R {rr:.2f}   (n={int(te.sum())}, pos={int(y[te].sum())})")


if __name__ == "__main__":
    main()
