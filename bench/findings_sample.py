"""Draw the sections of the fresh findings test set (bench/findings_fresh0/1.yaml): per fold, 20 body sections at
random and 15 more at random among sections whose titles use findings-ish words, at most one of each kind per
document, from the documents the labelled sets use, leaving out back matter, sections of under 40 or over 900 words,
and sections any earlier label names. Seed 21. Prints fold, stratum, document, heading and words, tab-separated: the
list the labellers were given (they labelled each section whole, without the extractor).

    python bench/findings_sample.py > sections.tsv
    python bench/findings_sample.py --seed 22 --exclude bench/findings_fresh0.yaml bench/findings_fresh1.yaml  # 2nd set
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
from pathlib import Path

import findings_set as fs
import yaml
from corpus import CORPUS, family_and_key, fold_of

BACK = re.compile(
    r"^(\W*(foot|end)?notes?\b|references|bibliography|appendix|annex|contents|table of contents|acknowledg|author|"
    r"contact|glossary|acronyms|abbreviations|related (gao )?products|gao.s mission|obtaining copies|order by phone|"
    r"connect with|to report fraud|congressional relations|public affairs|strategic planning|implementation history|"
    r"release signoff|infrastructure needed|copyright|disclaimer)",
    re.I,
)
TITLED = re.compile(
    r"\b(risks?|limitations?|challenges?|concerns?|drawbacks?|downsides?|recommend\w*|options?|conclusions?|findings?|"
    r"considerations?|why|motivation|reasons?|issues?|problems?|lessons?|weakness\w*|threats?|caveats?|barriers?|"
    r"implications?|drivers?|factors?|effects?|impacts?|benefits?|mitigations?|trade-?offs?|alternatives?|discussion|"
    r"summary|status)\b",
    re.I,
)
SEED, RANDOM_PER_FOLD, TITLED_PER_FOLD = 21, 20, 15


def pool(exclude: list[Path]) -> dict[int, list[tuple[str, str, int]]]:
    """Per fold, every candidate section: (document, heading, words). Documents are those of the development and
    blind sets; sections any label of those sets or of `exclude` names are left out."""
    used: dict[str, set[str]] = collections.defaultdict(set)
    doc_of_key: dict[str, str] = {}
    for path in (fs.LABELS, *fs.BLIND, *exclude):
        for r in yaml.safe_load(path.read_text(encoding="utf-8")):
            used[r["doc"]].add(fs.key(r["heading"]))
            if path not in exclude:
                doc_of_key.setdefault(family_and_key(CORPUS / r["doc"])[1], r["doc"])
    out: dict[int, list[tuple[str, str, int]]] = {0: [], 1: []}
    for _, doc in sorted(doc_of_key.items()):
        d = fs.document(doc)
        heads = [i for i in d.headings if i not in d.continued]
        for n, i in enumerate(heads):
            title = d.lines[i].strip("#\t ").strip()
            if not title or BACK.search(title) or fs.key(title) in used[doc]:
                continue
            end = heads[n + 1] if n + 1 < len(heads) else len(d.lines)
            words = len(" ".join(d.lines[i + 1 : end]).split())
            if 40 <= words <= 900:
                out[fold_of(CORPUS / doc)].append((doc, title, words))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED}: the first fresh set)")
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="label files whose sections to leave out too")
    args = ap.parse_args(argv)
    sections = pool(args.exclude)
    rng = random.Random(args.seed)
    for fold in (0, 1):
        items = sections[fold][:]
        rng.shuffle(items)
        taken: collections.Counter[str] = collections.Counter()
        drawn: list[tuple[str, str, int]] = []
        for doc, title, words in items:
            if taken[doc] < 1 and len(drawn) < RANDOM_PER_FOLD:
                taken[doc] += 1
                drawn.append((doc, title, words))
        taken.clear()
        titled: list[tuple[str, str, int]] = []
        for doc, title, words in items:
            if (doc, title, words) not in drawn and TITLED.search(title) and taken[doc] < 1 and len(titled) < TITLED_PER_FOLD:
                taken[doc] += 1
                titled.append((doc, title, words))
        for stratum, chosen in (("random", drawn), ("titled", titled)):
            for doc, title, words in chosen:
                sys.stdout.write(f"{fold}\t{stratum}\t{doc}\t{title}\t{words}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
