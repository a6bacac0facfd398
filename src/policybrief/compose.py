"""(Document, Analysis, Profile) -> Brief: select, order, condense to budget, attach summary and tables.

A pure function: no I/O. Every sentence in the Brief is a `Sentence` of the Document, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from policybrief import clock
from policybrief.analysis import Analysis, FloatArray
from policybrief.analysis.findings import tables as find_tables
from policybrief.analysis.scoring import Scores, score
from policybrief.analysis.summarize import summarize
from policybrief.errors import ProfileError
from policybrief.model import (
    Block,
    Brief,
    BriefSection,
    BulletList,
    Document,
    FindingsTable,
    ListItem,
    Paragraph,
    Section,
    block_words,
)
from policybrief.outputs import essay_id
from policybrief.profiles.schema import Profile, fill_subtitle
from policybrief.profiles.selectors import Selector, body_sections, match, parse


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
    if chosen and profile.sections.fill and profile.budget.max_words:
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
    room = (profile.budget.max_sections or len(body)) - sum(1 for s in body if s.id in chosen and s.own_words)
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
    """The `order` selectors' sections first, then the rest in essay order or by relevance; at most max_sections."""
    first: list[Section] = []
    for text in profile.sections.order:
        first += [s for s in match(parse(text), doc, relevance) if s in sections and s not in first]
    rest = [s for s in sections if s not in first]
    if profile.sections.rest == "relevance":
        rest.sort(key=lambda s: -relevance.get(s.id, 0.0))  # stable: ties keep essay order
    ordered = first + rest
    if profile.budget.max_sections:
        keep = {s.id for s in ordered[: profile.budget.max_sections]}
        ordered = [s for s in ordered if s.id in keep]
    return ordered


@dataclass
class _Unit:
    section: str
    block: int
    sentence: int | None  # None: the whole block (a list or a table)
    words: int
    score: float


def _units(sec: Section, analysis: Analysis, score: FloatArray, skip_roles: set[str]) -> list[_Unit]:
    units = []
    for bi, block in enumerate(sec.blocks):
        if isinstance(block, Paragraph):
            for si, s in enumerate(block.sentences):
                k = analysis.index.get(s.ref)
                sc = float(score[k]) if k is not None else 0.0
                if k is not None and k in analysis.duplicates:
                    sc -= 1.0
                units.append(_Unit(sec.id, bi, si, s.words, sc))
        elif isinstance(block, BulletList) and block.role in skip_roles:
            continue
        else:
            sc = 0.5 if isinstance(block, BulletList) and block.role != "other" else 0.2
            units.append(_Unit(sec.id, bi, None, block_words(block), sc))
    return units


def condense(
    sections: list[Section], analysis: Analysis, profile: Profile, score: FloatArray, skip_roles: set[str]
) -> dict[str, list[Block]]:
    """The kept blocks of each section, within the body budget, sentences verbatim and in source order."""
    units = {s.id: _units(s, analysis, score, skip_roles) for s in sections}
    budget = profile.budget.max_words
    total = sum(u.words for us in units.values() for u in us)
    keep: set[tuple[str, int, int | None]] = set()
    if budget is None or total <= budget or not profile.condense.enabled:
        keep = {(u.section, u.block, u.sentence) for us in units.values() for u in us}
    else:
        used = 0
        # Each kept heading gets its best sentences first (never a heading without text) ...
        floor = profile.condense.min_sentences
        order = sorted(sections, key=lambda s: -max((u.score for u in units[s.id]), default=0))
        for sec in order:
            best = sorted(units[sec.id], key=lambda u: -u.score)[:floor]
            cost = sum(u.words for u in best)
            if best and used + cost <= budget:
                keep.update((u.section, u.block, u.sentence) for u in best)
                used += cost
        # ... then the most relevant of the rest, while they fit.
        rest = sorted(
            (u for us in units.values() for u in us if (u.section, u.block, u.sentence) not in keep),
            key=lambda u: -u.score,
        )
        for u in rest:
            if u.section in {k[0] for k in keep} and used + u.words <= budget:
                keep.add((u.section, u.block, u.sentence))
                used += u.words
    keep = _drop_orphans(sections, keep)
    out: dict[str, list[Block]] = {}
    for sec in sections:
        blocks: list[Block] = []
        for bi, block in enumerate(sec.blocks):
            if isinstance(block, Paragraph):
                kept = tuple(s for si, s in enumerate(block.sentences) if (sec.id, bi, si) in keep)
                if kept:
                    blocks.append(Paragraph(kept))
            elif (sec.id, bi, None) in keep:
                blocks.append(block)
        out[sec.id] = blocks
    return out


def _drop_orphans(sections: list[Section], keep: set[tuple[str, int, int | None]]) -> set[tuple[str, int, int | None]]:
    """A sentence that leans on the one before ("This...", "Another...") stays only if that one stays."""
    from policybrief.analysis import LEANING

    keep = set(keep)
    for sec in sections:
        for bi, block in enumerate(sec.blocks):
            if not isinstance(block, Paragraph):
                continue
            for si, s in enumerate(block.sentences):
                if si and (sec.id, bi, si) in keep and (sec.id, bi, si - 1) not in keep and LEANING.match(s.text):
                    keep.discard((sec.id, bi, si))
    return keep


def plan(doc: Document, analysis: Analysis, profile: Profile) -> tuple[list[SectionPlan], tuple[str, ...]]:
    """Per section the audience gets, in order: words before and after condensing, relevance; and the warnings."""
    scores = score(analysis, profile.focus_weights())
    brief = compose(doc, analysis, profile, scores)
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


def compose(doc: Document, analysis: Analysis, profile: Profile, scores: Scores | None = None) -> Brief:
    """The audience's brief. `scores`: the audience's sentence scores, when the caller already has them."""
    focus = profile.focus_weights()
    scores = scores or score(analysis, focus)
    relevance = _relevance(analysis, scores)
    selected, warnings = select_sections(doc, profile, relevance)
    sections = order_sections(selected, doc, profile, relevance)
    if not sections:
        raise ProfileError(f"profile '{profile.id}' finds no section with text in this essay", doc.path)
    skip_roles = {"key_judgments"} if profile.key_judgments else set()
    picked = summarize(analysis, scores, max_words=profile.summary.words, max_sentences=profile.summary.sentences)
    # The body need not repeat the summary: when condensing, summary sentences go last.
    body_score = scores.condense.copy()
    body_score[picked] -= 2.0
    kept = condense(sections, analysis, profile, body_score, skip_roles)
    body = tuple(
        BriefSection(s.id, s.title, 1 if s.level == 1 else 2, tuple(kept[s.id]), s.own_words, block_words_sum(kept[s.id]) < s.own_words)
        for s in sections
        if kept[s.id]
    )
    summary = tuple(analysis.sentences[k].sentence for k in picked)
    key_items: tuple[ListItem, ...] = ()
    if profile.key_judgments:
        key_items = tuple(it for _, bl in doc.lists() if bl.role == "key_judgments" for it in bl.items)
    found = find_tables(analysis) if profile.tables.include else {}
    tables = tuple(
        FindingsTable(
            kind,
            profile.tables.titles.get(kind, kind.replace("_", " ").capitalize()),
            tuple(profile.tables.columns),
            tuple(found[kind]),
        )
        for kind in profile.tables.include
        if found.get(kind)
    )
    date = brief_date(doc)
    source = " ".join(
        part for part in (f"Source: {doc.title}", f"({doc.meta('organisation')}, {date})" if doc.meta("organisation") else f"({date})") if part
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


def block_words_sum(blocks: list[Block]) -> int:
    return sum(block_words(b) for b in blocks)


__all__ = ["SectionPlan", "compose", "plan"]
