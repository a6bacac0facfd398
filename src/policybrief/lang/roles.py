"""What a bullet list is: key judgments, drivers, limitations or other.

Evidence is weighed from three places, strongest first: the lead-in that introduces the list, the title of the
section it sits in, and its items. Words of mitigation or benefit ("mitigations", "benefits", "advantages")
count against the limitation and driver roles: a list of ways to reduce risks is not a list of risks.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal, get_args

from policybrief.lang.sentences import split_spans

ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "key_judgments": re.compile(
        r"\b(key (judg(e)?ments?|findings?|points?|takeaways?|messages?)|bottom line|main (findings?|points?)|"
        r"conclusions?|judg(e)?ments?|takeaways?|highlights|in brief|summary of findings|lessons? learned|"
        r"what (gao|we) found|findings)\b",
        re.I,
    ),
    "recommendations": re.compile(
        r"\b(recommend(ation)?s?|recommended|options? for (congress|policymakers)|(issues|considerations|questions) "
        r"for (congress|policymakers)|policy options?|(legislative|policy) considerations|matters? for congressional "
        r"consideration|next steps|should consider)\b",
        re.I,
    ),
    "drivers": re.compile(
        r"\b(drivers?|driving|motivations?|motivators?|motives?|incentives?|reasons?|rationales?|interests? (that|which) "
        r"(drive|animate)|factors?|why|animate[sd]?|impetus)\b",
        re.I,
    ),
    "limitations": re.compile(
        r"\b(limitations?|limits?|constraints?|constrain(s|ed)?|risks?|challenges?|caveats?|drawbacks?|cons|"
        r"disadvantages?|concerns?|obstacles?|weakness(es)?|vulnerabilit(y|ies)|shortcomings?|frictions?|tensions?|"
        r"threats?|problems?|barriers?|impediments?|downsides?|pitfalls?|uncertaint(y|ies)|attacks?)\b",
        re.I,
    ),
}
ROLES = ("key_judgments", "recommendations", "drivers", "limitations")
_NOT_A_FINDING = re.compile(
    r"\b(mitigat\w*|benefits?|advantages?|pros|opportunit(y|ies)|solutions?|remed(y|ies)|countermeasures?|"
    r"safeguards?|best practices?|strengths?|ways to (reduce|address|manage|avoid)|address(ing)?|overcom\w*|"
    r"reduc(e|ing) (the |this |these )?risks?|examples?|for instance|such as|e\.g\.|instructions?|steps?|how to|"
    r"avoid|prevent|requirements?|questions?|will be validated|strategies|common areas|alternatives?|"
    r"rejected|considered but|undesi?rable|to determine|scale|criteria|defin(ed|es|itions?)|categor(y|ies)|"
    r"milestones?|timeline|chronology|specifically\s*:|we used|methodology|into the following|"
    r"(this|the) (report|paper|review|study|testimony) (examines|describes|addresses|assesses|reviews|discusses|covers)|"
    r"in this (report|paper|review|study), (we|gao))\b|approach\s*:",
    re.I,
)
"""Words that make a list something else: mitigations, benefits, examples, instructions, questions, alternatives."""
_FAILED_CONDITION = re.compile(
    r"^\W*(if|unless)\b[^:]*?(\b(not|never|fail\w*|neglect\w*|without)\b|n['’]t\b)[^:]*?\b(may|might|could|will|would|can)\b"
    r"( \w+)? (end up|face|suffer|lose|risk|fail|struggle|experience|encounter)\b[^:]{0,40}:?\s*$",
    re.I,
)
"""A lead-in that says what follows when something is not done ("If agencies haven't done research, they may end
up:"): the list is of risks."""
_LACKS = re.compile(
    r"\b((does|do|will|would|could)\s*(not|n['’]t)|can(not| not|['’]t)|won['’]t) (yet )?(support|cover|include|address|handle|allow|provide|"
    r"apply to)\b|\b(is|are) not (yet )?(supported|covered|included|addressed|handled|possible)\b",
    re.I,
)
"""A lead-in that says what the subject does not do ("This concept does not support:", "The following are not
covered:"): the list is of its limits."""
_DEFICIENT = re.compile(
    r"\b(is|are|was|were|seems?|remains?) (\w+ )?(lacking|incorrect|inaccurate|missing|inconsistent|ambiguous|"
    r"insufficient|inadequate|incomplete|undefined|unclear|not (defined|specified|clear|documented))\b",
    re.I,
)
"""An item that says something is wrong or missing ("the documentation ... is lacking detail", "the definition ... is
incorrect"): a list of such items is of limitations."""
_IMPERATIVE = re.compile(
    r"^(use|review|consider|ensure|avoid|require|make|build|start|plan|include|keep|define|establish|create|do|"
    r"don['’]t|hire|set|write|test|engage|break|work|get|give|take|identify|develop|prioriti[sz]e|limit|look|ask|"
    r"provide|focus|adopt|allow|encourage|choose|find|assign|document|treat|talk|involve|conduct|publish|share|"
    r"budget|pay|buy|favor|favour|insist|monitor|track|measure|evaluate|assess|invest|train|clarify|reduce)\b",
    re.I,
)
_NOT_JUDGMENT_ITEM = re.compile(
    r"^\W*((we )?(used|interviewed|reviewed|analy[sz]ed|examined|surveyed|visited|met with|obtained|collected)\b|"
    r"in (fy ?)?\d{4}\b|"
    r"[\w ,'’-]{1,40}(—|–|:| - )\s*(meaning|means|defined as|refers to)\b)",
    re.I,
)
"""Items that are not judgments: what the authors did (methods), dated milestones, definitions."""
_ROMAN_MARKER = re.compile(r"^\(?([ivxlc]+|[a-z]|\d+)[).]\s+", re.I)


def title_key(text: str) -> str:
    """A heading's text for matching a contents list's entries: lower case, letters and digits only."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _contents_entry(item: str, headings: Collection[str]) -> bool:
    """An entry of a table of contents: it starts with one of the document's headings and has no sentence in it
    ("Drawbacks Code bloat Narrow solution scope"; not "Energy. Russia supplies...")."""
    if not headings or re.search(r"[.!?](\s|$)", item):
        return False
    return any(title_key(" ".join(item.split()[:n])) in headings for n in (1, 2, 3, 4))


def _statement(item: str, introduced: bool) -> bool:
    """An item that can be a judgment: a statement of six words or more, not mostly capitalised (not a title, a
    run of contents entries, a "Name: value" line or a checklist entry); without a lead-in, it starts like a
    sentence (a capital letter)."""
    t = _ROMAN_MARKER.sub("", item.lstrip("*_ "))
    words = t.split()
    if len(words) < 6 or sum(w[:1].isupper() for w in words) / len(words) > 0.6:  # short, or a run of titles
        return False
    return introduced or t[:1].isupper()


_SECTION_PRIOR = {
    "limitations": "limitations",
    "recommendations": "recommendations",
    "findings": "key_judgments",
    "conclusion": "key_judgments",
}


def _score(text: str, weight: float, scores: dict[str, float]) -> bool:
    """Add `weight` to each role `text` names; a mitigation, benefit or example word counts against them.
    True when the text names something that is not a finding."""
    if not text:
        return False
    counter = bool(_NOT_A_FINDING.search(text))
    for role in ROLES:
        if ROLE_PATTERNS[role].search(text):
            scores[role] += -weight if counter and role in ("limitations", "drivers") else weight
    if counter:
        scores["other"] += weight
    return counter


def classify(
    lead_in: str,
    section_title: str,
    items: list[str],
    *,
    opening_section: bool = False,
    section_role: str = "analysis",
    headings: Collection[str] = (),
) -> str:
    """The role of a list: key_judgments, recommendations, drivers, limitations or other, from its lead-in (and the
    sentence before it), its section's title and role, and its items."""
    scores = {role: 0.0 for role in (*ROLES, "other")}
    negative_lead = _score(lead_in, 3.0, scores)
    if ROLE_PATTERNS["limitations"].search(section_title) and _NOT_A_FINDING.search(section_title):
        negative_title = False  # "Risks and Mitigations" names both: its title says nothing of which one a list holds
    else:
        negative_title = _score(section_title, 1.5, scores) and not ROLE_PATTERNS["limitations"].search(section_title)
    # Where the role would come only from where the list sits (a findings section, an opening summary), its
    # items must read as judgments: not a contents list, "Feature Name: x" lines, methods or milestones.
    judgments = bool(items) and sum(_statement(it, bool(lead_in)) for it in items) / len(items) >= 0.5
    contents = sum(_contents_entry(it, headings) for it in items)
    if items and (sum(bool(_NOT_JUDGMENT_ITEM.match(it)) for it in items) / len(items) >= 0.5 or contents / len(items) >= 0.5):
        scores["other"] += 2.5
        judgments = False
    if section_role in _SECTION_PRIOR and not negative_lead and (judgments or _SECTION_PRIOR[section_role] != "key_judgments"):
        scores[_SECTION_PRIOR[section_role]] += 1.5
    item_hits = dict.fromkeys(ROLES, 0)
    imperative = 0
    for item in items:
        first = " ".join(item.split()[:12])
        imperative += bool(_IMPERATIVE.match(item.lstrip("*_ ")))
        for role in item_hits:
            if ROLE_PATTERNS[role].search(first) or role == "limitations" and _DEFICIENT.search(first):
                item_hits[role] += 1
    for role, hits in item_hits.items():
        if items and hits / len(items) >= 0.5:
            scores[role] += 1.0
    if items and imperative / len(items) >= 0.5:
        # Advice: recommendations where the essay sums up or recommends, else instructions (not a finding).
        if section_role in ("summary", "recommendations", "conclusion") or scores["recommendations"] > 0:
            scores["recommendations"] += 2.5
        else:
            scores["other"] += 2.5
    elif section_role == "summary" and judgments and not negative_lead:
        scores["key_judgments"] += 1.0
    # An unintroduced list of full-sentence judgments opening an essay is its key judgments.
    if opening_section and not lead_in and items:
        long_items = sum(1 for it in items if len(it.split()) >= 12 and it.rstrip().endswith((".", "”", '"')))
        if long_items / len(items) >= 0.5:
            scores["key_judgments"] += 2.5
    spans = split_spans(lead_in)
    last = lead_in[spans[-1][0] : spans[-1][1]] if spans else lead_in  # the lead-in proper, after the sentence before
    if (
        re.search(r"\bgoals?\b", last, re.I)
        and not any(ROLE_PATTERNS[r].search(last) for r in ROLES)
        and not re.search(r"\b(not|never|fail\w*|miss\w*)\b|n['’]t\b", last, re.I)
    ):
        return "other"  # "... achieve three goals:": what the proposal aims at, not a finding
    if _LACKS.search(last) and last.rstrip().endswith(":"):
        scores["limitations"] += 3.0
    if re.match(r"^\W*(if|unless)\b", last, re.I) and not ROLE_PATTERNS["drivers"].search(last):
        scores["drivers"] = min(scores["drivers"], 0.0)  # "If agencies have done ..., they will:" says what follows, not why
        if _FAILED_CONDITION.match(last):
            scores["limitations"] += 3.0  # "If agencies haven't done research, they may end up:": what goes wrong
    if negative_lead or (negative_title and scores["other"] >= max(scores[r] for r in ROLES)):
        return "other"
    # A tie goes to what the lead-in names: "The review found the following limitations:" under "Findings".
    named = {r for r in ROLES if lead_in and ROLE_PATTERNS[r].search(lead_in)}
    best = max(scores, key=lambda r: (scores[r], r in named, r == "other"))
    return best if scores[best] >= 1.0 and best != "other" else "other"


# ---------------------------------------------------------------------------------------------- section roles

SectionRole = Literal[
    "summary",
    "introduction",
    "background",
    "analysis",
    "findings",
    "limitations",
    "recommendations",
    "conclusion",
    "methodology",
    "back-matter",
]
"""What a section does in the essay. `analysis` is the default; `back-matter` is left out of briefs and summaries."""
SECTION_ROLES: tuple[SectionRole, ...] = get_args(SectionRole)

_TITLE_PATTERNS: tuple[tuple[SectionRole, str], ...] = (
    # Back matter first: "Appendix I: Objectives, Scope, and Methodology" is an appendix before it is a method.
    (
        "back-matter",
        r"^(\W*(foot|end)?notes?\b|references\b|bibliography|works cited|sources\b|sources and notes|"
        r"author(s|'s)? (information|contact)|about the authors?|acknowledge?ments?|"
        r"(gao )?contacts? (and )?staff acknowledge?ments?|staff acknowledge?ments?|disclaimer|"
        r"(table of )?contents$|index$|glossary|(list of )?(acronyms|abbreviations)|appendix|annex|"
        r"related (gao )?products|order by phone|obtaining copies|connect with|to report fraud|"
        r"gao.s mission|implementation history|release signoff checklist|infrastructure needed)",
    ),
    (
        "findings",
        r"^(key )?(findings|judg(e)?ments|results)\b|^what (gao|we) found|^main findings|^assessment\b|"
        r"\bfindings\b|^lessons? learned",
    ),
    (
        "summary",
        r"^(executive summary|summary|overview|abstract|in brief|at a glance|synopsis|highlights|"
        r"bottom line|key (points|takeaways|messages))\b",
    ),
    (
        "recommendations",
        r"\brecommendations?\b|^(policy )?options\b|\boptions for (congress|policymakers)|"
        r"\b(issues|considerations|questions) for (congress|policymakers)|^policy (considerations|issues)|"
        r"\bissues (in|before|facing) (the )?(\d+\s?\w* )?congress|"
        r"^matters? for congressional consideration|^next steps|^the way forward|^what gao recommends",
    ),
    (
        "limitations",
        r"\b(limitations?|risks?|drawbacks?|disadvantages?|concerns?|caveats?|challenges?|threats?|"
        r"constraints?|vulnerabilit(y|ies)|weakness(es)?|downsides?|pitfalls?|shortcomings?|failure modes?)\b|"
        r"\bhow (can|could|might|would) [^?]{0,60}\bfail\?",
    ),
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
