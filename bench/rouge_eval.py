"""Summary quality on ../shared/corpus/A: ROUGE-2 F1 of policybrief vs Lead and sumy's LexRank, cut to the
reference summary's length in words.

Run: .venv/bin/python bench/rouge_eval.py
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import crs_markdown, govreport  # noqa: E402
from rouge_score import rouge_scorer  # noqa: E402

from policybrief.analysis import analyse  # noqa: E402
from policybrief.analysis.summarize import summarize  # noqa: E402
from policybrief.lang.sentences import split  # noqa: E402
from policybrief.lang.words import tokens  # noqa: E402
from policybrief.readers.assemble import assemble  # noqa: E402
from policybrief.readers.text import parse_text  # noqa: E402


def cut(sentences: list[str], words: int) -> str:
    out, n = [], 0
    for s in sentences:
        if n >= words:
            break
        out.append(s)
        n += len(s.split())
    return " ".join(out)


class Tok:
    """The tokenizer sumy needs (it cannot download NLTK's punkt here)."""

    def to_sentences(self, text: str) -> list[str]:
        return split(text)

    def to_words(self, sentence: str) -> list[str]:
        return tokens(sentence)


def lexrank(text: str, words: int) -> str:
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer

    parser = PlaintextParser.from_string(text, Tok())
    summ = LexRankSummarizer()
    summ.stop_words = []
    picked = [str(s) for s in summ(parser.document, 40)]
    return cut(picked, words)


def ours(text: str, words: int) -> str:
    doc = assemble(parse_text(text), "x.txt", "text")
    a = analyse(doc)
    idx = summarize(a, max_words=words)
    return " ".join(a.sentences[k].sentence.text for k in idx)


def lead(text: str, words: int) -> str:
    doc = assemble(parse_text(text), "x.txt", "text")
    a = analyse(doc)
    return cut([i.sentence.text for i in a.sentences if i.kind == "paragraph"], words)


if __name__ == "__main__":
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    results: dict[str, list[float]] = {"policybrief": [], "lead": [], "lexrank": []}
    for case in govreport() + crs_markdown():
        words = len(case.summary.split())
        for name, fn in (("policybrief", ours), ("lead", lead), ("lexrank", lexrank)):
            results[name].append(scorer.score(case.summary, fn(case.text, words))["rouge2"].fmeasure)
    n = len(results["lead"])
    for name, vals in results.items():
        print(f"{name:12s} ROUGE-2 F1 mean {statistics.mean(vals):.4f} over {n} reports")
