"""What a bullet list is: key judgments, drivers, limitations or other.

Evidence is weighed from three places, strongest first: the lead-in that introduces the list, the title of the
section it sits in, and its items. Words of mitigation or benefit ("mitigations", "benefits", "advantages")
count against the limitation and driver roles: a list of ways to reduce risks is not a list of risks.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "key_judgments": re.compile(
        r"\b(key (judg(e)?ments?|findings?|points?|takeaways?|messages?)|bottom line|main findings?|"
        r"conclusions?|judg(e)?ments?|takeaways?|highlights?|in brief|summary of findings)\b",
        re.I,
    ),
    "drivers": re.compile(
        r"\b(drivers?|driving|motivations?|motives?|incentives?|reasons?|rationales?|interests? (that|which) "
        r"(drive|animate)|factors? (behind|driving|that drive)|why|animate[sd]?|impetus)\b",
        re.I,
    ),
    "limitations": re.compile(
        r"\b(limitations?|limits?|constraints?|constrain(s|ed)?|risks?|challenges?|caveats?|drawbacks?|"
        r"concerns?|obstacles?|weakness(es)?|vulnerabilit(y|ies)|shortcomings?|frictions?|tensions?|"
        r"threats?|problems?|barriers?|impediments?|downsides?|pitfalls?|uncertaint(y|ies))\b",
        re.I,
    ),
}
_NOT_A_PROBLEM = re.compile(
    r"\b(mitigat\w*|benefits?|advantages?|opportunit(y|ies)|solutions?|remed(y|ies)|recommendations?|"
    r"countermeasures?|safeguards?|best practices?|strengths?|ways to (reduce|address|manage)|"
    r"address(ing)?|overcom\w*|reduc(e|ing) (the )?risks?)\b",
    re.I,
)


def _score(text: str, weight: float, scores: dict[str, float]) -> None:
    if not text:
        return
    counter = bool(_NOT_A_PROBLEM.search(text))
    for role, pattern in ROLE_PATTERNS.items():
        if pattern.search(text):
            if counter and role != "key_judgments":
                scores[role] -= weight
            else:
                scores[role] += weight
    if counter:
        scores["other"] += weight


def classify(
    lead_in: str,
    section_title: str,
    items: list[str],
    *,
    opening_section: bool = False,
) -> str:
    """The role of a list from its lead-in, its section's title and its items."""
    scores = {"key_judgments": 0.0, "drivers": 0.0, "limitations": 0.0, "other": 0.0}
    _score(lead_in, 3.0, scores)
    _score(section_title, 1.5, scores)
    item_hits = {"limitations": 0, "drivers": 0, "key_judgments": 0}
    for item in items:
        first = " ".join(item.split()[:12])
        for role in item_hits:
            if ROLE_PATTERNS[role].search(first):
                item_hits[role] += 1
    for role, hits in item_hits.items():
        if items and hits / len(items) >= 0.5:
            scores[role] += 1.0
    # An unintroduced list of full-sentence judgments opening an essay is its key judgments.
    if opening_section and not lead_in and items:
        long_items = sum(1 for it in items if len(it.split()) >= 12 and it.rstrip().endswith((".", "”", '"')))
        if long_items / len(items) >= 0.5:
            scores["key_judgments"] += 2.5
    best = max(scores, key=lambda r: (scores[r], r == "other"))
    return best if scores[best] >= 1.0 and best != "other" else "other"


# ---------------------------------------------------------------------------------------------- section roles

SectionRole = Literal[
    "summary", "introduction", "background", "analysis", "findings", "limitations", "recommendations", "conclusion",
    "methodology", "back-matter",
]
"""What a section does in the essay. `analysis` is the default; `back-matter` is left out of briefs and summaries."""
SECTION_ROLES: tuple[SectionRole, ...] = get_args(SectionRole)

_TITLE_PATTERNS: tuple[tuple[SectionRole, str], ...] = (
    # Back matter first: "Appendix I: Objectives, Scope, and Methodology" is an appendix before it is a method.
    ("back-matter", r"^(\W*(foot|end)?notes?\b|references\b|bibliography|works cited|sources\b|sources and notes|"
                    r"author(s|'s)? (information|contact)|about the authors?|acknowledge?ments?|"
                    r"(gao )?contacts? (and )?staff acknowledge?ments?|staff acknowledge?ments?|disclaimer|"
                    r"(table of )?contents$|index$|glossary|(list of )?(acronyms|abbreviations)|appendix|annex|"
                    r"related (gao )?products|order by phone|obtaining copies|connect with|to report fraud|"
                    r"gao.s mission|implementation history|release signoff checklist|infrastructure needed)"),
    ("summary", r"^(executive summary|summary|overview|abstract|in brief|at a glance|synopsis|highlights|"
                r"bottom line|key (points|takeaways|messages))\b"),
    ("findings", r"^(key )?(findings|judg(e)?ments|results)\b|^what (gao|we) found|^main findings|^assessment\b"),
    ("recommendations", r"\brecommendations?\b|^(policy )?options\b|\boptions for (congress|policymakers)|"
                        r"\b(issues|considerations|questions) for (congress|policymakers)|^policy (considerations|issues)|"
                        r"^matters? for congressional consideration|^next steps|^the way forward|^what gao recommends"),
    ("limitations", r"\b(limitations?|risks?|drawbacks?|disadvantages?|concerns?|caveats?|challenges?|threats?|"
                    r"constraints?|vulnerabilit(y|ies)|weakness(es)?|downsides?|pitfalls?|shortcomings?)\b"),
    ("conclusion", r"^(conclusions?|concluding (remarks|observations|thoughts)|looking ahead|outlook|final thoughts)\b"),
    ("methodology", r"\b(methodology|methods|scope and method\w*|data and methods|how we did this|our approach)\b"),
    ("introduction", r"^(introduction|purpose|motivation|about this report|scope|why (gao|we) did this study)\b"),
    ("background", r"^(background|history|context|legislative history|historical background)\b"),
)
_SECTION_TITLES = tuple((role, re.compile(pattern, re.I)) for role, pattern in _TITLE_PATTERNS)


def section_role(title: str, *, opening: bool = False, parent: SectionRole | None = None) -> SectionRole:
    """The role of a section from its title; text before the first heading is the essay's summary; a subsection
    whose own title says nothing takes its parent's role (a "Background" section's subsections are background)."""
    if opening:
        return "summary"
    bare = re.sub(r"^\s*((\d+(\.\d+)*|[IVXLC]+|[A-Z])[.):]?\s+)", "", title).strip()
    for role, pattern in _SECTION_TITLES:
        if pattern.search(bare):
            return role
    return parent if parent and parent != "analysis" else "analysis"
