"""Findings tables: limitations, drivers, key judgments and recommendations, each row an item of the essay with
the essay's own evidence for it and where it is discussed.

Rows come from three places:
- lists whose role (lead-in, section title and role, items) says they are one of these kinds; mitigations,
  benefits, examples and instructions are lists of another kind and give no row;
- prose: sentences that state a limitation, a recommendation or a finding in a section whose role says so
  ("Drawbacks", "Risks and Mitigations", "Recommendations", "Conclusions"), and sentences anywhere that say what
  they are ("One limitation is...", "Another concern...", "The main drawback...");
- tables whose header names risks, threats or limitations (a risk register): the cell that names each one.

Each row keeps its context (the list or heading it came from, and for a repeated heading such as "Drawbacks",
which part of the essay it belongs to) and the section where the item is listed. Its evidence is the sentence of
the essay that supports it best: it shares the item's telling terms, does not say the opposite, is not quoted
half-way (see `check`), and is used for no other row. No evidence is better than weak evidence.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass

from policybrief.analysis import Analysis
from policybrief.lang.roles import ROLE_PATTERNS
from policybrief.lang.words import content_terms
from policybrief.model import TABLE_KINDS, BulletList, FindingRow, Paragraph, Section, Sentence, SourceRef, Table, TableKind

KIND_WORDS: dict[TableKind, re.Pattern[str]] = {
    "limitations": re.compile(
        r"\b(limitations?|limits?|constraints?|risks?|risky|challenges?|concerns?|drawbacks?|downsides?|disadvantages?|"
        r"problems?|issues?|weakness(es)?|weak point|vulnerab\w*|threats?|attacks?|tensions?|frictions?|pitfalls?|"
        r"obstacles?|barriers?|caveats?|costs?|complex\w*|complicat\w*|burden\w*|break(s|ing)?|confus\w*|unclear|"
        r"difficult\w*|harder|unsustainable|cannot|can['’]t|unable|not (possible|clear|reliable|address|cover|allow|"
        r"work)|does not|doesn['’]t|won['’]t|isn['’]t|lack\w*|misconfigur\w*|hang\w*|fail\w*|expos\w*|malicious\w*|"
        r"unreliable|redundan\w*|verbose|disappoint\w*|lag\w*|suspicio\w*|competition|worr\w*|implications?|"
        r"leaves? out|may change|might not|no longer|(also )?excluded|not be clear|additional thing|take care|could easily|"
        r"tamper\w*|latency|slow\w*|overhead|expensive|borne|anomal\w*|less (?!than\b)\w+|incorrect\w*|unfortunate\w*|"
        r"overly \w+|restrictive|limited to|impossible|insufficient|inadequate|no (reliable |good |easy |standard |"
        r"clear |simple )?(way|mechanism|means|support|guarantee)s?|churn|degradation|racing|broken|breakage|"
        r"fragmentation|bloat|hard|lose|loss|reduces? (the )?(predictab\w*|accuracy|performance)|(may|might|could|can|"
        r"will) (cause|result in|become|lead to|induce|need to|not))\b",
        re.I,
    ),
    "drivers": re.compile(r"\b(reasons?|motivat\w*|drivers?|incentives?|factors?|because|benefits? from|seeks?|desire)\b", re.I),
    "recommendations": re.compile(
        r"\b(congress|policymakers|lawmakers|legislators|members)\b.{0,40}\b(could|might|may|should|consider\w*|face|"
        r"wish)\b|\b(should|recommend\w*)\b|\b(issues?|questions?|options?|considerations?) for (congress|policymakers)\b|"
        r"\boptions? (include|would|could)\b|^(another|one|a further|a related|finally, an?( ongoing)?) (issue|option|"
        r"question|consideration)",
        re.I,
    ),
    "key_judgments": re.compile(r".", re.I),
}
"""Words with which a sentence states a finding of each kind."""

STATES: dict[TableKind, re.Pattern[str]] = {
    "limitations": re.compile(
        r"^(the |a |one |another |an )?((main|major|key|biggest|primary|final|further|second|third|important|"
        r"potential|additional|related|notable|other|significant|obvious|weak|most \w+|greatest|largest|central|"
        r"fundamental|practical|concrete|serious|critical|remaining|inherent|common)\s+)*(limitation|drawback|risk|"
        r"concern|challenge|downside|disadvantage|weakness|problem|issue|threat|weak point|cost|complication)s?\b(?![-#]\d)"
        r"(?![- ](assessments?|management|registers?|analys[ie]s|levels?|tolerance|profiles?|scores?|ratings?|"
        r"appetite|matri(x|ces)|models?|owners?)\b)"
        r"|^(there is|there are|there's) (a |some |also (a |some )?)?(risk|concern|drawback|downside|danger|"
        r"limitation|challenge)"
        r"|\b(does|do|can|will) not (yet )?(support|cover|address|handle)\b",
        re.I,
    ),
    "drivers": re.compile(
        r"^(the |a |one |another )?((main|major|key|final|further|second|other|primary|"
        r"somewhat weaker)[, ]+)*(reason|motivat\w*|driver|incentive)s?\b"
        r"|\b(one|another|a|the (main|key|primary|major|biggest)) (\w+ )?factors? (that |which )?(may have |might have |"
        r"likely |also |has |have )?(led|contributed|contributes|drove|drives|driven|explains?)\b"
        r"|\b(likely|may|might|also|could) contribute (\w+ )?to (this|the|these) (variation|decline|decrease|increase|"
        r"differences?|gap|trend|growth|drop|rise|shift)\b",
        re.I,
    ),
    "recommendations": re.compile(
        r"^(we|gao|crs|the committee) recommends?\b|\bshould\b|^((conversely|alternatively|similarly|likewise|further|"
        r"additionally|in addition|also|for example|for instance),\s*)?(congress|parliament|the legislature|policymakers|"
        r"lawmakers|legislators|"
        r"ministers|the government)( \w+){0,2} (could|might|may)\b(?! have\b)",
        re.I,
    ),
    "key_judgments": re.compile(r"^(we|gao) (found|find|concluded?)\b|^(in|overall|in sum|in conclusion)\b.*\bfound\b", re.I),
}
"""How a sentence announces what it is ("Another limitation is...", "A major risk of...", "We found...")."""
NOT_A_FINDING = re.compile(
    r"^(however|but|fortunately|to mitigate|mitigat\w*|this (risk|concern|issue) (is|can be|will be) (mitigated|addressed)|"
    r"for example|for instance|e\.g\.|note:|in (practice|fact)|that said|to (avoid|address|prevent|reduce)|"
    r"we (will|plan|intend|propose|expect|believe|think|do not expect|don['’]t expect)|this (can|could|will) be (mitigated|"
    r"addressed|avoided)|the (mitigation|solution|fix)|users? can\b(?!['’]t| ?not)|you can\b(?!['’]t| ?not)|"
    r"it is (important|essential|recommended|advisable|necessary) to|in previous discussions|since .{0,80} out of scope)\b"
    r"|\b(mitigat\w*|is not a (concern|problem|risk)|not (a|an) (issue|problem|concern)|no (risk|concern|drawback)s?\b|"
    r"address(es|ed)? (both |these |this |the |those )?(concerns?|issues?|risks?|problems?|limitations?)|should (ensure|verify|check|use)|"
    r"not (be )?affected|continues? to work|(will|does|do|did|would|should|can)\s*(not|n['’]t) (be able to )?(impact|affect|"
    r"fail)\b|\bno (impact|effect)\b|has no effect|avert\w*|will ensure|"
    r"are essential to|low risk|reduc\w* (the |\w+ )?(risks?|instability|volatility|uncertainty|vulnerabilit\w*)|not concerned|"
    r"(has|have|had|did|does|do) not (yet |so far )?(imposed|caused|created|posed|led to|resulted in)|(don['’]t|does not|doesn['’]t|do not) seem|"
    r"is expected to be|(no|any) threat|not (be )?(relevant|significant)|out of scope|never an? (problem|concern|issue)|"
    r"(zero|no) (cases|instances) of|(another|other|a) possible solution|(does|do|will) not (change|affect|alter|modify))"
    r"|^(in addition|additionally|moreover|furthermore|also),\s*it is (important|essential|recommended|advisable|necessary) to\b",
    re.I,
)
"""A sentence in a risks section that reassures, mitigates, advises or illustrates rather than states a risk."""
_REPORTED = re.compile(
    r"\b(has|have|had) (also |long |repeatedly |publicly )?(debated|stated|noted|said|argued|asserted|claimed|contended|"
    r"observed|reported|testified|questioned)\b|\b(congress|parliament|the legislature|lawmakers) (also |previously )?"
    r"(directed|required|mandated|enacted|passed|appropriated)\b",
    re.I,
)
"""What someone has said or a legislature did ("stakeholders have debated who should benefit", "Congress also
directed the Secretary to ..."): a report of the record, whatever modal it quotes, not an option the essay puts."""
_PROCESS = re.compile(r"\bwill (continue to )?(be )?(reviewed|tested|monitored|audited|validated) by\b", re.I)
"""A review process ("Security ... will continue to be reviewed by the SIG"): how a risk is handled, not a risk."""
RESPONSE = re.compile(
    r"\b(concurred|did not concur|(neither )?agreed|disagreed|partially agreed|written comments|technical comments)\b", re.I
)
"""An agency's reply to the recommendations: what it says of them, not one of them."""
NOT_FINDING_SECTIONS = re.compile(
    r"\b(mitigat\w*|advantages?|benefits?|pros|examples?|alternatives?( considered)?)\b|^(\d+(\.\d+)*\.?\s+)?(non-?)?goals( and non-?goals)?$", re.I
)
"""Sections that hold no rows: mitigations, advantages, examples, rejected alternatives, a proposal's goals."""
_MITIGATION = re.compile(r"\b(risks?|threats?)[- ](mitigation|reduction)\b", re.I)
"""A "risk mitigation prototype" is about mitigating; "Risks and Mitigations" names both."""
_POINTER = re.compile(
    r"\b(discussed|described|detailed|explained|mentioned|noted|covered|outlined|listed) (above|below|earlier|previously|later)\b",
    re.I,
)
_FOOTNOTE = re.compile(r"\d{1,3}\s+((see|id\.|ibid)\b|[A-Z]{2,}[A-Za-z]*,)")  # "110 GAO, Data ...", "3 See ..."


def _points_elsewhere(text: str) -> bool:
    """Not a row: a sentence that points elsewhere for its substance ("The reasons ... are discussed above"), or a
    footnote left in the text by a PDF conversion ("110 GAO, Data Governance: ...")."""
    if _FOOTNOTE.match(text):
        return True
    low = text.lower()
    return any(w in low for w in ("above", "below", "earlier", "previously", "later")) and _POINTER.search(text) is not None
_NUMBER_RUN = re.compile(r"(?:(?<!\S)[$€£]?\d[\d.,]*%?\s+){4,}")
_DETAIL = re.compile(r"^(this|these|that|those|it|they|such)\b", re.I)
"""A recommendation's detail ("This should include guidance ..."): its subject is the one before."""
_ALTERNATIVES = re.compile(
    r"^(alternatives?|alternatives? considered|alternative (designs?|approaches|solutions))$|"
    r"^alternative\b(?!.*\b(chosen|primary|selected|adopted|preferred)\b)",
    re.I,
)
_MOTIVATION = re.compile(
    r"^(\d+(\.\d+)*\.?\s+)?\W*(motivations?\b|problem statement$|the problem\b|why now\b|"
    r"current (behaviou?r|state|situation|approach) and (its )?problems?\b)",
    re.I,
)
"""A proposal's Motivation: the problems it sets out to solve are the reasons for it (drivers)."""
PROSE_ROLES: dict[str, TableKind] = {
    "limitations": "limitations",
    "recommendations": "recommendations",
    "findings": "key_judgments",
    "conclusion": "key_judgments",
}
TABLE_HEADER = re.compile(r"\b(risks?|threats?|attacks?|limitations?|drawbacks?|challenges?|concerns?|vulnerabilit\w*)\b", re.I)
TABLE_NOT = re.compile(r"\b(requirements?|specifications?|settings?|configuration|safe|index)\b", re.I)
EVIDENCE_MIN = 0.3
"""Least share of an item's telling terms (IDF-weighted) its evidence must hold."""
EVIDENCE_MAX_WORDS = 70


@dataclass(frozen=True)
class Candidate:
    kind: TableKind
    item: Sentence
    section: Section
    context: str
    source: str
    """list | prose | table"""
    under: int = -1
    """For a row named by a paragraph's bold title: the index of the sentence after the title, its evidence."""


def _body(analysis: Analysis) -> list[Section]:
    return [s for s in analysis.doc.walk() if s.role != "back-matter"]


def _context(sec: Section, parents: dict[str, Section], repeated: set[str], lead: str = "") -> str:
    """What a reader needs to place a row: the list's lead-in, else the heading; a heading the essay repeats
    ("Drawbacks" under three approaches) names the part it belongs to."""
    title = sec.title
    if title.lower() in repeated and sec.id in parents:
        title = f"{title}: {parents[sec.id].title}"
    return lead or title


def _outline(analysis: Analysis) -> tuple[dict[str, Section], set[str]]:
    """Each section's parent (by id), and the titles the essay repeats (lower case), for `_context`."""
    parents = {c.id: s for s in analysis.doc.walk() for c in s.subsections}
    counts: dict[str, int] = {}
    for sec in analysis.doc.walk():
        counts[sec.title.lower()] = counts.get(sec.title.lower(), 0) + 1
    return parents, {t for t, n in counts.items() if n > 1}


def _prose_sections(
    analysis: Analysis, parents: dict[str, Section], repeated: set[str]
) -> Iterator[tuple[Section, TableKind | None, set[str], str]]:
    """The sections that may hold rows, each with the kind its role gives prose, the kinds its lists hold, and its
    context."""
    for sec in _body(analysis):
        if (
            NOT_FINDING_SECTIONS.search(sec.title)
            and (not ROLE_PATTERNS["limitations"].search(sec.title) or _MITIGATION.search(sec.title))
            or _rejected(sec, parents)
        ):
            continue
        # A section that lists its limitations (or drivers...) states them there: its prose discusses them.
        listed: set[str] = {b.role for b in sec.blocks if isinstance(b, BulletList)}
        kind = "drivers" if _MOTIVATION.match(sec.title.strip()) else PROSE_ROLES.get(sec.role)
        yield sec, kind, listed, _context(sec, parents, repeated)


def candidates(analysis: Analysis) -> Iterator[Candidate]:
    """Every row the essay offers, before evidence: from lists, prose and tables, in essay order."""
    parents, repeated = _outline(analysis)
    for sec, prose_kind, listed, context in _prose_sections(analysis, parents, repeated):
        for block in sec.blocks:
            if isinstance(block, BulletList):
                if block.role != "other":
                    kind: TableKind = block.role
                    lead = block.lead_in.text if block.lead_in else ""
                    commas = sum(it.text.rstrip().endswith(",") for it in block.items)
                    if commas >= 2 and 2 * commas > len(block.items):
                        continue  # "- the salt of every attribute that is presented," ...: one sentence in pieces
                    for it in block.items:
                        first = it.sentences[0].text
                        if it.text.rstrip().endswith("?"):
                            continue  # "What is the role of the federal government ...?": a question, not a finding
                        if not (NOT_A_FINDING.search(it.text[:80]) or _PROCESS.search(first)) or kind != "limitations":
                            yield Candidate(kind, Sentence(it.text, it.ref), sec, _context(sec, parents, repeated, lead), "list")
            elif isinstance(block, Table):
                yield from _table_rows(block, sec, context)
            elif isinstance(block, Paragraph):
                rows = list(_paragraph_rows(analysis, block, sec, prose_kind, listed, context))
                named, umbrella = _titles(analysis, block)
                title = named if prose_kind else None
                if (
                    title is not None
                    and prose_kind
                    and _under_title_is_finding(analysis, block, sec, prose_kind, context)
                    and all(by_role for _, by_role in rows)
                ):
                    # "**Nonreporting agencies.** In November 2023, we reported ...": one finding, named by its
                    # title (unless a sentence under it says what it is: "The main drawback ... is ...").
                    if not NOT_A_FINDING.search(title.text):
                        after = analysis.index.get(block.sentences[1].ref, -1)
                        yield Candidate(prose_kind, title, sec, context, "prose", after)
                    continue
                for cand, by_role in rows:
                    if umbrella is not None and cand.item.ref == umbrella.ref:
                        continue
                    if not by_role or (title is None and prose_rule(analysis, analysis.index[cand.item.ref], cand.kind)):
                        yield cand


def _paragraph_rows(
    analysis: Analysis, block: Paragraph, sec: Section, prose_kind: TableKind | None, listed: set[str], context: str
) -> Iterator[tuple[Candidate, bool]]:
    """The paragraph's sentences that may be rows, each with whether only its section's role makes it one (True:
    `prose_rule` decides) or it says what it is ("Another limitation is ...": False, a row). A paragraph that opens
    by announcing limitations ("Consensus mechanisms can have limitations.") has that role where its section has
    none: the sentences after the announcement are judged as a limitations section's are; one that opens "In
    conclusion, ..." is the essay's conclusion, its sentences judged as a conclusion's are."""
    sentences = block.sentences
    if prose_kind is None and sentences and _announces(sentences[0].text):
        prose_kind, sentences = "limitations", sentences[1:]
    elif prose_kind is None and sentences and _CONCLUDES.match(sentences[0].text):
        prose_kind = "key_judgments"
    for s in sentences:
        k = analysis.index.get(s.ref)
        if k is None or analysis.sentences[k].fragment or _points_elsewhere(s.text):
            continue
        stated = next((kd for kd, pattern in STATES.items() if pattern.search(s.text)), None)
        option = _option(s.text)
        if stated is None and option:
            stated = "recommendations"  # "In addition to ..., Congress may consider requiring ...": wherever it stands
        raised = stated is None and _raised(s.text)
        if raised:
            stated = "limitations"  # "Some Members of Congress have expressed concern about ...": wherever it stands
        if "recommendations" in (stated, prose_kind) and (
            RESPONSE.search(s.text) or _DETAIL.match(s.text) or _REPORTED.search(s.text)
        ):
            continue  # "DOE concurred with ...": the reply; "This should include ...": a detail of one
        if stated == "limitations" and (sec.role == "introduction" or prose_kind == "drivers") and not raised:
            stated = "drivers"  # a Motivation's "another concern of mine": a reason for the change
        if stated == "limitations" and prose_kind == "recommendations" and not raised:
            stated = "recommendations"  # "Another issue for Congress is whether..."
        if stated in listed:
            continue
        if (
            stated in ("limitations", "drivers")
            or (stated and prose_kind == stated)
            or (stated == "recommendations" and (prose_kind == "key_judgments" or option))
        ):
            if stated not in ("limitations", "drivers") or not NOT_A_FINDING.search(s.text):
                yield Candidate(stated, s, sec, context, "prose"), False
            continue
        if prose_kind and prose_kind not in listed:
            yield Candidate(prose_kind, s, sec, context, "prose"), True


_RAISED = re.compile(r"\b(have|has|had) (also )?(raised|expressed|voiced) (\w+ ){0,2}concerns?\b", re.I)
_NEGATION = re.compile(r"\b(no|not|never|neither|nor|none|nobody|without)\b|n['’]t\b", re.I)
_REBUTTED = re.compile(r"\b(but|however|yet|in fact|unfounded|misplaced|overstated|exaggerated)\b", re.I)


def _raised(text: str) -> bool:
    """Concerns others have raised ("Some stakeholders have raised concerns regarding ..."): a limitation of the
    subject as the essay reports it, in whatever section it stands; not when no one raised them ("No one has raised
    concerns", "have raised no concerns") or the sentence rebuts them ("..., but these concerns are unfounded")."""
    m = _RAISED.search(text)
    return m is not None and not _NEGATION.search(text[: m.end()]) and not _REBUTTED.search(text[m.end() :])


_OPTION = re.compile(
    r"^([^,;.]{0,100},\s*)?(congress|policymakers|lawmakers|legislators|the legislature|parliament)( \w+){0,2} "
    r"(may|might|could) (also )?(consider|wish|choose|opt|want|examine|evaluate|weigh)\b|^(we|gao) recommends?\b",
    re.I,
)
_HEARSAY = re.compile(
    r"\b(according to|as early as|is (scheduled|expected) to|reportedly|(observers|analysts|experts|commentators|some) "
    r"(say|said|note|noted|suggest|suggested))\b",
    re.I,
)


def _option(text: str) -> bool:
    """An option put to the legislature, or the authors' recommendation, wherever it stands ("In addition to the
    reporting requirements, Congress may consider requiring ..."); not a schedule or what others say ("Congress may
    consider the bill as early as next month, according to press reports"). A bare "should" is one only in a section
    of them."""
    return _OPTION.match(text) is not None and not _HEARSAY.search(text)


_ANNOUNCE_VERB = (
    r"^[^.;:]{0,80}?\b(have|has|face|faces|pose|poses|present|presents|raise|raises|carry|carries|comes? with|cited|"
    r"identified|described|noted|mentioned|reported) "
)
_ANNOUNCE_KINDS = r"(limitations|drawbacks|risks|challenges|concerns|disadvantages|weaknesses|downsides|shortcomings|problems)"
_ANNOUNCES = re.compile(
    _ANNOUNCE_VERB + r"((certain|its own|their own|important|significant|serious|also|potential|notable|clear)\s+)*"
    + _ANNOUNCE_KINDS + r"\s*[.:]$|"
    + _ANNOUNCE_VERB + r"(also\s+)?(some|several|a number of|a few|other|additional|various|many|multiple)\s+"
    r"((other|additional|important|significant|serious|potential|key)\s+)*" + _ANNOUNCE_KINDS
    + r"( (to|with|of|in|for) [^.;:]{0,60})?\s*[.:]$"
    r"|^there (are|were) ((some|several|a number of|a few|also|other|important|significant|serious|potential|notable|"
    r"additional|various|many|multiple)\s+)+"
    r"(limitations|drawbacks|risks|challenges|concerns|disadvantages|weaknesses|downsides|shortcomings|problems)"
    r"( (to|with|of|in) [^.;:]{0,60})?\s*[.:]$",
    re.I,
)
"""A sentence that only announces limitations ("Consensus mechanisms can have limitations.", "Museums also cited
several other challenges to addressing repair needs."): what follows it states them; it is no row itself. A named
problem ("The old version has problems with large files.") is one."""


def _announces(text: str) -> bool:
    """See `_ANNOUNCES`; a denial ("These approaches do not have significant limitations.") announces nothing."""
    return _ANNOUNCES.search(text) is not None and not _NEGATION.search(text)


_CONCLUDES = re.compile(r"^(in conclusion|in sum|in summary|to conclude|to sum up|taken together),", re.I)

_RUN_IN_WORDS = 15


_UMBRELLA = re.compile(
    r"^(other|additional|further|several|some|various|remaining|more|related)\s+(\w+\s+)?(limitations|drawbacks|risks|"
    r"concerns|challenges|issues|problems|weaknesses|considerations|options|recommendations|findings|reasons|factors)\b",
    re.I,
)
_FINITE = re.compile(
    r"\b(is|are|was|were|remains?|remained|has|have|had|needed|lacks?|lacked|exists?|existed|persists?|persisted|"
    r"grew|grows|increased|decreased)\b",
    re.I,
)
"""A title over several findings ("Other challenges to addressing repair needs."), not the name of one; a title
that states something ("More options are needed for rural borrowers.") names one (see `_FINITE`)."""


def _bold_title(analysis: Analysis, block: Paragraph) -> Sentence | None:
    """The bold title a paragraph opens with ("**Nonreporting agencies.** In November 2023, we reported ..."), where
    it has one and more follows."""
    if len(block.sentences) < 2:
        return None
    first = block.sentences[0]
    src = analysis.doc.source
    opening, closing = src[max(0, first.ref.start - 2) : first.ref.start], src[first.ref.end : first.ref.end + 2]
    if first.words > _RUN_IN_WORDS or opening not in ("**", "__") or closing != opening:
        return None
    return first if first.text.rstrip().endswith((".", ":")) else None


def _titles(analysis: Analysis, block: Paragraph) -> tuple[Sentence | None, Sentence | None]:
    """The paragraph's bold title as (the title naming its one finding, the title heading several), one of them
    None or both. In a section of findings, a paragraph with a named title is one finding, named by its title; the
    sentences under it are its evidence, not rows of their own. A title that names findings in general ("**Other
    challenges to addressing repair needs.**", see `_UMBRELLA`) heads several: the sentences under it are the rows,
    the title none."""
    title = _bold_title(analysis, block)
    if title is None:
        return None, None
    return (None, title) if _UMBRELLA.match(title.text) and not _FINITE.search(title.text) else (title, None)


def _under_title_is_finding(analysis: Analysis, block: Paragraph, sec: Section, kind: TableKind, context: str) -> bool:
    """Whether the sentence under a bold title could be a row itself (not the agency's reply, a pointer, a detail):
    a title over such a sentence names nothing ("**Agency comments.** DOE concurred with ...")."""
    under = block.sentences[1].ref
    return any(c.item.ref == under for c, _ in _paragraph_rows(analysis, block, sec, kind, set(), context))


def prose_pool(analysis: Analysis) -> Iterator[tuple[Candidate, int]]:
    """Every sentence whose section's role alone could make it a row, with its index: what `prose_rule` decides on
    (bench/findings_learn.py fits and scores that decision)."""
    for sec, prose_kind, listed, context in _prose_sections(analysis, *_outline(analysis)):
        for block in sec.blocks:
            if not isinstance(block, Paragraph):
                continue
            named, umbrella = _titles(analysis, block)
            if prose_kind is None or named is None:
                for cand, by_role in _paragraph_rows(analysis, block, sec, prose_kind, listed, context):
                    if by_role and (umbrella is None or cand.item.ref != umbrella.ref):
                        yield cand, analysis.index[cand.item.ref]


def _rejected(sec: Section, parents: dict[str, Section]) -> bool:
    """A section under "Alternatives": designs the essay rejected, whose pros and cons are not findings."""
    p: Section | None = sec
    while p is not None:
        if _ALTERNATIVES.match(p.title.strip()):
            return True
        p = parents.get(p.id)
    return False


_ANECDOTE = re.compile(
    r"^(according to )?(one|a|an|another|two|three|some)( of)?( these| the)?( \S+){0,4}? (we (visited|interviewed|spoke with|met "
    r"with)|stakeholders?|officials?|representatives?|respondents?|participants?)\b",
    re.I,
)
"""What one of the people the authors spoke to said ("One museum we visited also mentioned ...", "A stakeholder
added that ..."): an illustration of a finding, not one."""


def prose_rule(analysis: Analysis, k: int, kind: TableKind) -> bool:
    """The hand-written test: whether the sentence states a row of its section's kind."""
    return _states(analysis.sentences[k].sentence.text, kind, k, analysis)


def _states(text: str, kind: TableKind, k: int, analysis: Analysis) -> bool:
    """A prose sentence in a section of this kind that states one (not one that mitigates, asks or illustrates)."""
    if text.rstrip().endswith("?") or re.match(r"^(for example|for instance|e\.g\.)", text, re.I):
        return False
    if kind in ("limitations", "drivers"):
        if NOT_A_FINDING.search(text[:80]) or analysis.sentences[k].lean.kind == "connective" or _ANECDOTE.match(text):
            return False
        if _announces(text):
            return False  # "Museums also cited several other challenges to ...": what follows names them
    elif kind == "key_judgments" and (
        analysis.sentences[k].lean.kind == "referential"
        or re.search(r"\b(recommendations?|agreed|disagreed|stated that|commented|comments)\b", text, re.I)
    ):
        return False
    if kind == "drivers":  # a Motivation's problem with things as they are is a reason for the change
        return bool(KIND_WORDS["drivers"].search(text) or KIND_WORDS["limitations"].search(text))
    return bool(KIND_WORDS[kind].search(text))


def _table_rows(table: Table, sec: Section, context: str) -> Iterator[Candidate]:
    """A risk register: one row per risk, the cell naming it (the column whose header names risks or threats)."""
    header = [h.strip() for h in table.header]
    mitigations = re.search(r"mitigat", sec.title, re.I) and (not TABLE_HEADER.search(sec.title) or _MITIGATION.search(sec.title))
    if not header or any(TABLE_NOT.search(h) for h in header) or mitigations:
        return
    named = [i for i, h in enumerate(header) if TABLE_HEADER.search(h)]
    if not named:
        return
    # The column that names each risk: its title or description, not its type, id or category.
    col = next(
        (i for i in named if re.search(r"\b(titles?|descriptions?|names?)\b", header[i], re.I)),
        next((i for i in named if not re.search(r"\b(type|id|category|level|no\.?)\s*$", header[i], re.I)), named[0]),
    )
    for r, row in enumerate(table.rows):
        cell = row[col].strip() if col < len(row) else ""
        if len(re.sub(r"[^A-Za-z]", "", cell)) < 3 or re.fullmatch(r"[A-Z]{0,3}[-_.]?\d[\w.-]*", cell):
            continue
        ref = SourceRef(sec.id, table.ref.block, r, table.ref.start, table.ref.end, r)
        yield Candidate("limitations", Sentence(cell, ref), sec, context, "table")


# ------------------------------------------------------------------------------------------------ evidence


@dataclass
class _Index:
    """What every item's evidence search needs, built once per analysis (not once per item)."""

    idf: dict[str, float]
    titles: dict[str, set[str]]
    sections: list[Section]
    """Every section, in document order."""
    terms: list[set[str]]
    postings: dict[str, list[int]]
    """Term -> prose sentences (not near-duplicates, not back matter) holding it, in source order."""


def _index(analysis: Analysis) -> _Index:
    m = analysis.matrix
    terms = [set(ts) for ts in m.terms]
    postings: dict[str, list[int]] = {}
    for k, info in enumerate(analysis.sentences):
        if (
            info.kind == "paragraph"
            and not info.fragment  # a heading kept as text, half a sentence
            and k not in analysis.duplicates
            and info.section_role != "back-matter"
            and not _NUMBER_RUN.search(info.sentence.text)  # a table's row run into the text: "Total 739 757 858 785"
            and info.lean.kind != "outside"  # "For a summary of ..., see CRS In Focus IF12762": a pointer elsewhere
        ):
            for t in terms[k]:
                postings.setdefault(t, []).append(k)
    return _Index(
        {t: float(m.idf[j]) for t, j in m.vocab.items()},
        {s.id: set(content_terms(s.title)) for s in analysis.doc.walk()},
        list(analysis.doc.walk()),
        terms,
        postings,
    )


_NEGATED = re.compile(r"\b(no|not|little|never|neither|nor|without|more than they)\b", re.I)


def _opposes(text: str, kind: TableKind) -> bool:
    """Evidence that says the opposite of a limitation ("little evidence ... of any major tension", "converge more
    than they diverge") or of a driver."""
    if kind not in ("limitations", "drivers"):
        return False
    head = text
    return bool(
        re.search(
            r"\b(little|no) evidence\b|\bmore than they\b|\bis not (a|an) (major |significant )?(source|"
            r"concern|problem|issue|risk)\b",
            head,
            re.I,
        )
    )


EVIDENCE_UNIT_WORDS = 60
"""A sentence that leans on others is evidence only together with them, and only if all of them stay this short."""


def _unit(analysis: Analysis, k: int, kind: TableKind) -> list[int] | None:
    """The sentences quoted when k is the evidence: k alone, or with what it leans on ("Another limitation..."
    may open a cell of a limitations table alone); None when that would be too long or cannot be shown."""
    if not analysis.depends[k]:
        return [k]
    lean = analysis.sentences[k].lean
    if lean.kind == "additive" and ROLE_PATTERNS.get(kind, ROLE_PATTERNS["limitations"]).search(lean.noun or ""):
        return [k]
    members = list(analysis.closure(k))
    infos = analysis.sentences
    if members[0] < 0 or any(infos[j].kind != "paragraph" or infos[j].section != infos[k].section for j in members):
        return None
    return members if sum(infos[j].sentence.words for j in members) <= EVIDENCE_UNIT_WORDS else None


def evidence_for(analysis: Analysis, cand: Candidate, ix: _Index, used: set[int]) -> list[int]:
    """The sentence that best supports the item (with what it leans on), and a second one when it adds what the
    first leaves out."""
    want = set(content_terms(cand.item.text))
    own = analysis.index.get(cand.item.ref)
    if not want:
        return []
    total = sum(ix.idf.get(t, 1.0) for t in want)
    telling = max(want, key=lambda t: (ix.idf.get(t, 1.0), t))
    scored: list[tuple[float, int]] = []
    units: dict[int, list[int]] = {}
    for k in sorted({k for t in want for k in ix.postings.get(t, ())}):
        info = analysis.sentences[k]
        unit = _unit(analysis, k, cand.kind)
        if k == own or unit is None or used & set(unit) or info.sentence.words > EVIDENCE_MAX_WORDS:
            continue
        units[k] = unit
        share = sum(ix.idf.get(t, 1.0) for t in want & ix.terms[k]) / total
        if share < EVIDENCE_MIN and telling not in ix.terms[k]:
            continue
        if any(_opposes(analysis.sentences[j].sentence.text, cand.kind) for j in unit):
            continue
        title_hit = len(want & ix.titles.get(info.section, set())) / len(want)
        score = share + 0.3 * title_hit
        if KIND_WORDS[cand.kind].search(info.sentence.text):
            score += 0.2
        if info.section == cand.section.id:
            score += 0.15
        scored.append((score, k))
    scored.sort(key=lambda p: (-p[0], p[1]))
    if not scored:
        return []
    first = scored[0][1]
    picked = list(units[first])
    rest = want - ix.terms[first]
    if rest and len(picked) == 1:
        for _score, k in scored[1:30]:
            gain = sum(ix.idf.get(t, 1.0) for t in rest & ix.terms[k]) / total
            more = set(units[k]) - set(picked)
            if (
                gain >= 0.2
                and analysis.sentences[k].section == analysis.sentences[first].section
                and (more == {k} and (not analysis.depends[k] or set(analysis.depends[k]) <= set(picked)))
            ):
                picked.append(k)
                break
    return sorted(picked)


RESTATES = 0.4
"""A prose row sharing this much of its terms with a listed item of its kind restates that item: it is evidence."""


def _without_restatements(found: list[Candidate], ix: _Index) -> list[Candidate]:
    """Drop prose rows that restate an item listed in their section ("Another limitation could arise from friction
    ... in Central Asia" beside the listed "friction over Chinese activities in Central Asia ..."): they are that
    item's evidence. Only a list in the same section or the one before counts: a list far off (stakeholders'
    suggestions) does not make a later section's own options restatements."""
    order = {s.id: n for n, s in enumerate(ix.sections)}
    listed = [(c.kind, order[c.section.id], set(content_terms(c.item.text))) for c in found if c.source != "prose"]
    out = []
    for c in found:
        if c.source == "prose" and c.under < 0:  # a bold-titled paragraph is an item of its own, as a list's are
            terms = set(content_terms(c.item.text))
            at = order[c.section.id]
            if any(
                kind == c.kind and 0 <= at - n <= 1 and item and len(terms & item) / min(len(terms), len(item)) >= RESTATES
                for kind, n, item in listed
            ):
                continue
        out.append(c)
    return out


_TABLES: dict[int, tuple[weakref.ref[Analysis], dict[TableKind, list[FindingRow]]]] = {}


def tables(analysis: Analysis) -> dict[TableKind, list[FindingRow]]:
    """The rows of every kind, each item once, with its evidence (never shared between rows). Computed once per
    analysis: every audience of an essay asks for them."""
    hit = _TABLES.get(id(analysis))
    if hit is not None and hit[0]() is analysis:
        return {k: list(v) for k, v in hit[1].items()}
    found = _tables(analysis)
    for key in [k for k, (ref, _) in _TABLES.items() if ref() is None]:
        del _TABLES[key]
    _TABLES[id(analysis)] = (weakref.ref(analysis), found)
    return {k: list(v) for k, v in found.items()}


def _tables(analysis: Analysis) -> dict[TableKind, list[FindingRow]]:
    out: dict[TableKind, list[FindingRow]] = {k: [] for k in TABLE_KINDS}
    ix = _index(analysis)
    found = _without_restatements(list(candidates(analysis)), ix)
    used = {k for c in found if (k := analysis.index.get(c.item.ref)) is not None}  # an item is no other row's evidence
    seen: set[str] = set()
    for cand in found:
        key = " ".join(cand.item.text.lower().split())
        if key in seen:
            continue
        seen.add(key)
        unit = _unit(analysis, cand.under, cand.kind) if cand.under >= 0 else None
        if unit is not None and not used & set(unit) and not analysis.sentences[cand.under].fragment:
            ev = unit  # "**Nonreporting agencies.** In 2023, we reported that ...": what the title names
        else:
            ev = evidence_for(analysis, cand, ix, used)
        used.update(ev)
        out[cand.kind].append(
            FindingRow(
                cand.item,
                tuple(analysis.sentences[k].sentence for k in ev),
                cand.section.id,
                cand.section.title,
                cand.context,
                cand.source,
            )
        )
    return out
