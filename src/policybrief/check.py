"""The coherence check a reader would make: does every quoted sentence have what it leans on, is the budget spent,
does the brief say anything twice?

A sentence is *dangling* when it leans on a sentence (see `lang.cohesion`) that the brief does not print right
before it in the same part: the same summary, key judgment, body section or table cell. A premise the essay goes on
to answer must come with its answer. One exception: in a findings table, "Another limitation..." may stand in a cell
of a limitations table, because the table itself shows the other limitations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from policybrief.analysis import UNSATISFIABLE, Analysis
from policybrief.model import Block, Brief, BulletList, Paragraph, Sentence

_KIND_WORDS = {
    "limitations": r"limitations?|risks?|concerns?|drawbacks?|challenges?|constraints?|problems?|threats?|caveats?",
    "drivers": r"reasons?|motivations?|drivers?|incentives?|factors?|benefits?",
    "key_judgments": r"findings?|judg(e)?ments?|conclusions?",
}


@dataclass(frozen=True)
class Problem:
    part: str
    """Where in the brief: "summary", "key judgments", a section title, or a table's title."""
    sentence: str
    reason: str

    def __str__(self) -> str:
        short = self.sentence if len(self.sentence) <= 90 else self.sentence[:87] + "..."
        return f"[{self.part}] {short!r}: {self.reason}"


@dataclass(frozen=True)
class Report:
    audience: str
    dangling: tuple[Problem, ...]
    repeats: tuple[Problem, ...]
    body_words: int
    budget: int | None
    pages: int | None = None
    """The profile's page budget: a brief fitted to its pages may use few of its words."""

    @property
    def budget_used(self) -> float | None:
        return self.body_words / self.budget if self.budget else None


def _flow(part: str, sentences: Sequence[Sentence], analysis: Analysis, table_kind: str = "") -> list[Problem]:
    """Problems in one run of text read in order: its sentences must have what they lean on before them."""
    problems = []
    printed: set[int] = set()
    for pos, s in enumerate(sentences):
        k = analysis.index.get(s.ref)
        if k is None:
            continue
        info = analysis.sentences[k]
        for dep in analysis.closure(k):
            if dep == k or dep in printed:
                continue
            if (
                table_kind
                and info.lean.kind == "additive"
                and re.match(rf"^(another|a (second|third|further|final)) ({_KIND_WORDS.get(table_kind, '$^')})\b", s.text, re.I)
            ):
                continue  # "Another limitation..." in a table of limitations: the table shows the others
            if dep == UNSATISFIABLE and info.lean.kind == "outside":
                reason = "points at a figure, table or chapter of the essay that the brief does not show"
            elif dep == UNSATISFIABLE:
                reason = "leans on text before its section, which the brief cannot show"
            else:
                before = analysis.sentences[dep].sentence.text
                reason = f"leans on a sentence the brief leaves out: {before[:70]!r}"
            problems.append(Problem(part, s.text, reason))
            break  # one problem per sentence: the first thing it misses
        answer = analysis.answer[k]
        if answer is not None and not any(analysis.index.get(x.ref) == answer for x in sentences[pos + 1 :]):
            problems.append(Problem(part, s.text, "a premise the essay answers next, quoted without the answer"))
        printed.add(k)
    return problems


def _continues(last: Sentence, nxt: Block | None, analysis: Analysis) -> bool:
    """Whether the block printed next starts with the essay's sentence right after `last`."""
    k = analysis.index.get(last.ref)
    if k is None or nxt is None:
        return False
    first: Sentence | None = None
    if isinstance(nxt, Paragraph):
        first = nxt.sentences[0]
    elif isinstance(nxt, BulletList):
        first = nxt.lead_in or (nxt.items[0].sentences[0] if nxt.items and nxt.items[0].sentences else None)
    return first is not None and analysis.index.get(first.ref) == k + 1


def dangling(brief: Brief, analysis: Analysis) -> list[Problem]:
    """Every sentence of the brief that leans on something it does not print."""
    problems = _flow("summary", brief.summary, analysis)
    for it in brief.key_judgments:
        problems += _flow("key judgments", it.sentences, analysis)
    for sec in brief.sections:
        flow: list[Sentence] = []
        for i, block in enumerate(sec.blocks):
            if isinstance(block, Paragraph):
                flow += block.sentences
                last = block.sentences[-1].text.rstrip()
                nxt = sec.blocks[i + 1] if i + 1 < len(sec.blocks) else None
                k = analysis.index.get(block.sentences[-1].ref)
                if last.endswith(":") and not isinstance(nxt, BulletList):
                    problems.append(Problem(sec.title, last, "a lead-in quoted without its list"))
                elif k is not None and analysis.unfinished(k) and not _continues(block.sentences[-1], nxt, analysis):
                    problems.append(Problem(sec.title, last, "an unfinished sentence quoted without the text that finishes it"))
            elif isinstance(block, BulletList):
                if block.lead_in:
                    flow.append(block.lead_in)
                flow += [s for item in block.items for s in item.sentences]
        problems += _flow(sec.title, flow, analysis)
    for table in brief.tables:
        if "evidence" in table.columns:
            for row in table.rows:
                problems += _flow(table.title, row.evidence, analysis, table.kind)
    return problems


def repeats(brief: Brief) -> list[Problem]:
    """Sentences printed twice: in the summary and the body, or twice in the body."""
    seen: dict[object, str] = {}
    out = []

    def visit(part: str, sentences: Iterable[Sentence]) -> None:
        for s in sentences:
            if s.ref in seen:
                out.append(Problem(part, s.text, f"also in [{seen[s.ref]}]"))
            else:
                seen[s.ref] = part

    visit("summary", brief.summary)
    for it in brief.key_judgments:
        visit("key judgments", it.sentences)
    for sec in brief.sections:
        for block in sec.blocks:
            if isinstance(block, Paragraph):
                visit(sec.title, block.sentences)
            elif isinstance(block, BulletList):
                visit(sec.title, [block.lead_in] if block.lead_in else [])
                visit(sec.title, [s for it in block.items for s in it.sentences])
    return out


def check(brief: Brief, analysis: Analysis, budget: int | None, pages: int | None = None) -> Report:
    return Report(brief.profile_id, tuple(dangling(brief, analysis)), tuple(repeats(brief)), brief.body_words, budget, pages)
