"""(Document, Analysis, Profile) -> Brief: select, order, condense to budget, attach summary and tables.

A pure function: no I/O. Every sentence in the Brief is a `Sentence` of the Document, unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from policybrief import clock, condense
from policybrief.analysis import Analysis, FloatArray
from policybrief.analysis.findings import tables as find_tables
from policybrief.analysis.scoring import Scores, score
from policybrief.analysis.summarize import summarize
from policybrief.errors import ProfileError
from policybrief.model import (
    Block,
    Brief,
    BriefSection,
    Document,
    FindingRow,
    FindingsTable,
    ListItem,
    Section,
    block_sentences,
    block_words,
)
from policybrief.outputs import essay_id
from policybrief.profiles.schema import Profile, fill_subtitle
from policybrief.profiles.selectors import SUBSTANTIAL_WORDS, Selector, body_sections, match, parse


@dataclass(frozen=True)
class SectionPlan:
    """One line of `policybrief plan`: a section as this audience gets it."""

    id: str
    title: str
    words_before: int
    words_after: int
    relevance: float


def brief_date(doc: Document) -> str:
    """The essay's own date, else SOURCE_DATE_EPOCH, else today (UTC)."""
    if doc.meta("date"):
        return doc.meta("date")
    return clock.now().date().isoformat()


FALLBACK_SECTIONS = 4
"""Sections a profile gets when nothing it asks for is in the essay (unless it sets budget.max_sections)."""


def select_sections(doc: Document, profile: Profile, relevance: dict[str, float]) -> tuple[list[Section], list[str]]:
    """(sections the profile includes, minus exclusions, in essay order; warnings). A selected parent brings its
    subsections, back matter aside. When nothing matches, the most relevant sections stand in, with a warning."""
    chosen: set[str] = set()
    missing = []
    for text in profile.sections.include:
        sel = parse(text)
        found = match(sel, doc, relevance)
        if not found:
            missing.append(text)
        explicit = sel.names_id or sel.value == "back-matter"
        for sec in found:
            chosen.update(s.id for s in sec.walk() if explicit or s.role != "back-matter")
    for text in profile.sections.exclude:
        for sec in match(parse(text), doc, relevance):
            chosen.difference_update(s.id for s in sec.walk())
    warnings = []
    if chosen and _fills(profile):
        _fill(doc, profile, relevance, chosen)
    if not chosen:
        n = profile.budget.max_sections or FALLBACK_SECTIONS
        chosen = {s.id for s in match(Selector("relevant", count=n), doc, relevance)} or {s.id for s in body_sections(doc)[:n]}
        what = ", ".join(missing) if missing else "what remains after sections.exclude"
        warnings.append(f"{profile.id}: nothing in this essay matches {what}; using its {len(chosen)} most relevant section(s)")
    return [s for s in doc.walk() if s.id in chosen], warnings


def _fill(doc: Document, profile: Profile, relevance: dict[str, float], chosen: set[str]) -> None:
    """Top up a selection that holds less than the budget with the most relevant other sections."""
    assert profile.budget.max_words is not None
    body = body_sections(doc)
    held = sum(s.own_words for s in body if s.id in chosen)
    room = (profile.budget.max_sections or len(body)) - sum(
        1 for s in body if s.id in chosen and s.own_words >= SUBSTANTIAL_WORDS
    )
    for sec in sorted((s for s in body if s.id not in chosen and s.own_words), key=lambda s: -relevance.get(s.id, 0.0)):
        if held >= profile.budget.max_words or room <= 0:
            break
        chosen.add(sec.id)
        held += sec.own_words
        room -= 1


def section_relevance(analysis: Analysis, values: FloatArray, top: int = 3) -> dict[str, float]:
    """Per section: the sum of its `top` best sentence values (a long section does not win by length alone)."""
    per: dict[str, list[float]] = {}
    for k, info in enumerate(analysis.sentences):
        per.setdefault(info.section, []).append(float(values[k]))
    return {sid: sum(sorted(vals, reverse=True)[:top]) for sid, vals in per.items()}


def order_sections(sections: list[Section], doc: Document, profile: Profile, relevance: dict[str, float]) -> list[Section]:
    """The `order` selectors' sections first, then the rest in essay order or by relevance; at most max_sections.

    A subsection travels with its top-level section: groups are ordered, and each group keeps essay order, so that
    no subsection lands under another section's heading.
    """
    first: list[Section] = []
    for text in profile.sections.order:
        first += [s for s in match(parse(text), doc, relevance) if s in sections and s not in first]
    rest = [s for s in sections if s not in first]
    if profile.sections.rest == "relevance":
        rest.sort(key=lambda s: -relevance.get(s.id, 0.0))  # stable: ties keep essay order
    ranked = first + rest
    if profile.budget.max_sections:  # sections with some text of their own count; a bare heading or a line does not
        counted = [s for s in ranked if s.own_words >= SUBSTANTIAL_WORDS]
        keep = {s.id for s in counted[: profile.budget.max_sections]}
        ranked = [s for s in ranked if s.id in keep or s.own_words < SUBSTANTIAL_WORDS]
    root = _roots(doc)
    groups: list[str] = []
    for s in ranked:
        if root[s.id] not in groups:
            groups.append(root[s.id])
    position = {s.id: i for i, s in enumerate(doc.walk())}
    chosen = {s.id for s in ranked}
    return sorted((s for s in sections if s.id in chosen), key=lambda s: (groups.index(root[s.id]), position[s.id]))


def _roots(doc: Document) -> dict[str, str]:
    """Section id -> id of its top-level section."""
    out: dict[str, str] = {}
    for top in doc.sections:
        for s in top.walk():
            out[s.id] = top.id
    return out


def _with_parents(ordered: list[Section], doc: Document) -> list[Section]:
    """Insert, before a subsection, the headings of its parents that are not in the brief (heading only)."""
    parents: dict[str, Section] = {}
    for s in doc.walk():
        for c in s.subsections:
            parents[c.id] = s
    out: list[Section] = []
    shown = {s.id for s in ordered}
    for s in ordered:
        chain = []
        p = parents.get(s.id)
        while p is not None and p.id not in shown:
            chain.append(p)
            shown.add(p.id)
            p = parents.get(p.id)
        out += [dataclasses.replace(p, blocks=()) for p in reversed(chain)]
        out.append(s)
    return out


def key_judgments(doc: Document, analysis: Analysis, profile: Profile, scores: Scores) -> tuple[ListItem, ...]:
    """The essay's key judgments for this audience: ranked by its focus, each cut to its headline sentences."""
    kj = profile.key_judgments
    items = [it for _, bl in doc.lists() if bl.role == "key_judgments" for it in bl.items]
    if scores.focused:

        def relevance(it: ListItem) -> float:
            ks = [analysis.index[s.ref] for s in it.sentences if s.ref in analysis.index]
            return max((float(scores.relevance[k]) for k in ks), default=0.0)

        items.sort(key=lambda it: -relevance(it))
    if kj.items:
        items = items[: kj.items]
    if not kj.words:
        return tuple(items)
    out = []
    for it in items:
        head = [it.sentences[0]]
        for s in it.sentences[1:]:
            if sum(x.words for x in head) + s.words > kj.words:
                break
            head.append(s)
        out.append(dataclasses.replace(it, sentences=tuple(head)))
    return tuple(out)


def plan(
    doc: Document, analysis: Analysis, profile: Profile, measure: Callable[[Brief], float] | None = None
) -> tuple[list[SectionPlan], tuple[str, ...]]:
    """Per section the audience gets, in order: words before and after condensing, relevance; and the warnings.
    `measure`: a brief's pages in the profile's style, to fit a page budget as the build does."""
    scores = score(analysis, profile.focus_weights())
    brief = compose(doc, analysis, profile, scores) if measure is None else fit_pages(doc, analysis, profile, measure, scores)
    before = {s.id: s.own_words for s in doc.walk()}
    rel = _relevance(analysis, scores)
    return [SectionPlan(s.id, s.title, before[s.id], s.words, rel.get(s.id, 0.0)) for s in brief.sections], brief.warnings


def _relevance(analysis: Analysis, scores: Scores) -> dict[str, float]:
    """Per section, how much it matters to this audience: its relevance to the focus, then its centrality (which
    alone ranks sections an audience's focus says nothing about, or all of them when there is no focus)."""
    central = section_relevance(analysis, analysis.centrality)
    if not scores.focused:
        return central
    focused = section_relevance(analysis, scores.relevance)
    return {sid: focused.get(sid, 0.0) + 1e-3 * central.get(sid, 0.0) for sid in central}


FEW_ON_FOCUS = 3
"""Fewer sentences than this on an audience's focus: the brief is not really tailored, and the build says so."""


def compose(doc: Document, analysis: Analysis, profile: Profile, scores: Scores | None = None) -> Brief:
    """The audience's brief. `scores`: the audience's sentence scores, when the caller already has them."""
    focus = profile.focus_weights()
    scores = scores or score(analysis, focus)
    relevance = _relevance(analysis, scores)
    selected, warnings = select_sections(doc, profile, relevance)
    if focus and (on_focus := int((scores.relevance > 0).sum())) < FEW_ON_FOCUS:
        where = "no sentence" if not on_focus else f"only {on_focus} sentence{'s' * (on_focus > 1)}"
        warnings.append(
            f"{profile.id}: its focus terms are in {where} of this essay, so the brief follows the "
            "essay's main line (the essay's sidecar can give this audience terms of its own)"
        )
    sections = order_sections(selected, doc, profile, relevance)
    if not sections:
        raise ProfileError(f"profile '{profile.id}' finds no section with text in this essay", doc.path)
    show_kj = profile.key_judgments.show
    key_items = key_judgments(doc, analysis, profile, scores) if show_kj else ()
    kj_sentences = {k for k, info in enumerate(analysis.sentences) if info.list_role == "key_judgments" and info.kind == "item"}
    picked = summarize(
        analysis,
        scores,
        max_words=profile.summary.words,
        max_sentences=profile.summary.sentences,
        exclude=kj_sentences if show_kj else (),
    )
    # The body does not repeat the summary: summary sentences, and what leans on them, stay out of it.
    budget = profile.budget.max_words if profile.condense.enabled else None
    while True:
        found_units = condense.units(sections, analysis, scores.condense, {"key_judgments"} if show_kj else set(), set(picked))
        keep = condense.select(sections, found_units, budget, floor=profile.condense.min_sentences > 0)
        kept = condense.assemble(sections, keep)
        more = _more_sections(doc, profile, relevance, sections, kept)
        if not more:
            break
        sections = order_sections(sections + more, doc, profile, relevance)
    has_text = {s.id for s in sections if kept[s.id]}
    body = tuple(
        BriefSection(
            s.id,
            s.title,
            min(s.level, 3),
            tuple(kept.get(s.id, ())),
            s.own_words,
            block_words_sum(kept.get(s.id, [])) < s.own_words,
        )
        for s in _with_parents([s for s in sections if s.id in has_text or _has_kept_child(s, has_text)], doc)
    )
    summary = tuple(analysis.sentences[k].sentence for k in picked)
    found = find_tables(analysis) if profile.tables.include else {}
    with_evidence = "evidence" in profile.tables.columns
    # A row stated in a sentence the brief already prints would repeat it: the table leaves it out.
    printed = {s.ref for s in summary} | {s.ref for it in key_items for s in it.sentences}
    printed |= {s.ref for sec in body for b in sec.blocks for s in block_sentences(b)}
    shown = {
        kind: _top_rows(
            [
                r
                for r in found.get(kind, [])
                if (r.evidence or not with_evidence) and not (r.source == "prose" and r.item.ref in printed)
            ],
            analysis,
            scores,
            profile.tables.max_rows,
        )
        for kind in profile.tables.include
    }
    tables = tuple(  # a row without evidence is left out where the table shows evidence; a table without rows too
        FindingsTable(
            kind,
            profile.tables.titles.get(kind, kind.replace("_", " ").capitalize()),
            tuple(profile.tables.columns),
            tuple(shown[kind]),
        )
        for kind in profile.tables.include
        if shown[kind]
    )
    date = brief_date(doc)
    source = " ".join(
        part
        for part in (f"Source: {doc.title}", f"({doc.meta('organisation')}, {date})" if doc.meta("organisation") else f"({date})")
        if part
    )
    keywords = tuple(sorted(focus, key=lambda t: (-focus[t], t))[:8])
    essay_fields = {"title": doc.title, "date": date, "organisation": doc.meta("organisation"), "author": doc.meta("author")}
    profile_fields = {"title": profile.title, "audience": profile.audience, "id": profile.id}
    return Brief(
        title=doc.title,
        subtitle=fill_subtitle(profile.subtitle, essay_fields, profile_fields),
        audience=profile.audience,
        profile_id=profile.id,
        marking=profile.marking,
        date=date,
        organisation=doc.meta("organisation"),
        summary=summary,
        summary_style=profile.summary.style,
        key_judgments=key_items,
        sections=body,
        tables=tables,
        source_note=source + ". Every sentence in this brief is quoted from the essay.",
        essay_id=essay_id(doc.path, doc.title),
        author=doc.meta("author") or doc.meta("organisation"),
        keywords=keywords,
        toc=profile.toc,
        appendix=profile.appendix,
        summary_title=profile.summary.title,
        warnings=tuple(warnings),
    )


def _top_rows(rows: list[FindingRow], analysis: Analysis, scores: Scores, most: int | None) -> list[FindingRow]:
    """At most `most` rows: the most relevant to the focus (then the most central), kept in essay order."""
    if most is None or len(rows) <= most:
        return rows

    def weight(r: FindingRow) -> float:
        k = analysis.index.get(r.item.ref)
        return 0.0 if k is None else float(scores.relevance[k] + 1e-3 * analysis.centrality[k])

    chosen = set(sorted(range(len(rows)), key=lambda i: (-weight(rows[i]), i))[:most])
    return [r for i, r in enumerate(rows) if i in chosen]


def _fills(profile: Profile) -> bool:
    """Whether the budget may pull in sections the profile did not ask for: not when it names sections by id
    (an analyst's own choice for this essay is kept as made)."""
    named = any(parse(t).names_id for t in profile.sections.include)
    return profile.sections.fill and bool(profile.budget.max_words) and not named


FILL_TARGET = 0.85
"""A selection whose condensed text spends less of the budget than this takes in more sections (`sections.fill`)."""


def _more_sections(
    doc: Document, profile: Profile, relevance: dict[str, float], sections: list[Section], kept: dict[str, list[Block]]
) -> list[Section]:
    """The next most relevant sections to add when condensing left the budget underspent (whole units did not
    fit, or the chosen sections were short): two at a time, within max_sections."""
    budget = profile.budget.max_words
    if not _fills(profile) or not budget or not profile.condense.enabled:
        return []
    if block_words_sum([b for bl in kept.values() for b in bl]) >= FILL_TARGET * budget:
        return []
    room = (profile.budget.max_sections or 10**6) - sum(1 for s in sections if s.own_words >= SUBSTANTIAL_WORDS)
    ids = {s.id for s in sections}
    rest = [s for s in body_sections(doc) if s.id not in ids and s.own_words]
    rest.sort(key=lambda s: -relevance.get(s.id, 0.0))
    return rest[: max(0, min(2, room))]


def _has_kept_child(sec: Section, has_text: set[str]) -> bool:
    return any(s.id in has_text for s in sec.walk() if s is not sec)


def block_words_sum(blocks: list[Block]) -> int:
    return sum(block_words(b) for b in blocks)


__all__ = ["SectionPlan", "compose", "plan"]


PAGE_SAFETY = 0.95
"""A brief is fitted to its page budget when its estimated length is at most this share of the pages: the estimate
(writers/measure.py) errs short about one time in ten (bench/page_fit.py)."""
_MIN_BODY = 40


def fit_pages(
    doc: Document, analysis: Analysis, profile: Profile, measure: Callable[[Brief], float], scores: Scores | None = None
) -> Brief:
    """The audience's brief within `profile.budget.pages` as `measure` estimates them: table rows, the body, key
    judgments and the last tables give way in turn (`steps`), then the body gets back what room is left; the
    summary and the title block are kept whole. Without a page budget, `compose` as it is."""
    scores = scores or score(analysis, profile.focus_weights())
    brief = compose(doc, analysis, profile, scores)
    pages = profile.budget.pages
    if pages is None:
        return brief
    room = pages * PAGE_SAFETY
    limit = profile.budget.max_words or brief.body_words

    def again(**changes: object) -> Brief:
        nonlocal profile
        for part, values in changes.items():
            section = getattr(profile, part)
            profile = profile.model_copy(update={part: section.model_copy(update=values)})
        return compose(doc, analysis, profile, scores)

    # What gives way, in order: a long table's rows, then the body down to a fair paragraph or two, key
    # judgments beyond three, more rows, the body to a short paragraph, the last key judgments and rows, the
    # last tables, and the body to its least.
    steps: tuple[tuple[str, int], ...] = (
        ("rows", 3), ("body", 150), ("judgments", 3), ("rows", 2), ("body", 80),
        ("judgments", 1), ("rows", 1), ("tables", 1), ("tables", 0), ("body", _MIN_BODY),
    )
    def size(b: Brief) -> tuple[int, int, int, int]:
        return b.body_words, max((len(t.rows) for t in b.tables), default=0), len(b.key_judgments), len(b.tables)

    for step, floor in steps:
        while measure(brief) > room:
            body, rows, judgments, tables = size(brief)
            if step == "body" and body > floor:
                nxt = again(budget={"max_words": max(floor, int(body * 0.8))})
            elif step == "rows" and rows > floor:
                nxt = again(tables={"max_rows": rows - 1})
            elif step == "judgments" and judgments > floor:
                nxt = again(key_judgments={"items": judgments - 1, "words": min(profile.key_judgments.words or 40, 40)})
            elif step == "tables" and tables > floor:
                nxt = again(tables={"include": [t.kind for t in brief.tables[:-1]]})
            else:
                break
            if size(nxt) == size(brief):  # nothing left to give at this step
                break
            brief = nxt
    # The cuts go in coarse steps: give the body back what room is left.
    while measure(brief) <= room and brief.body_words < limit:
        more = again(budget={"max_words": min(limit, int(max(brief.body_words, _MIN_BODY) * 1.25))})
        if measure(more) > room or more.body_words <= brief.body_words:
            break
        brief = more
    if measure(brief) > room:
        brief = dataclasses.replace(
            brief,
            warnings=(
                *brief.warnings,
                (
                    f"{profile.id}: the brief runs over its {pages} page(s) even with the body and tables cut down "
                    "(its summary and key judgments alone fill them)"
                ),
            ),
        )
    return brief
