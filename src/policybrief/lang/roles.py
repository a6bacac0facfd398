"""What a bullet list is: key judgments, drivers, limitations or other.

Evidence is weighed from three places, strongest first: the lead-in that introduces the list, the title of the
section it sits in, and its items. Words of mitigation or benefit ("mitigations", "benefits", "advantages")
count against the limitation and driver roles: a list of ways to reduce risks is not a list of risks.
"""

from __future__ import annotations

import re

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
