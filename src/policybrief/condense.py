"""Condensing the chosen sections to the body budget: whole arguments, not orphaned sentences.

The body is cut in *units*: a sentence together with everything it leans on (its `Analysis.closure`), a list with
its lead-in (and what the lead-in leans on), a table. A unit is kept whole or not at all, so "Another limitation
is..." never appears without the first one, and "These motivations include the following:" never without the
sentence that names the motivations. Each kept section first gets its best unit (no heading without text), then
the best units anywhere, while they fit; then smaller units fill what is left, so the budget is spent.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from policybrief.analysis import UNSATISFIABLE, Analysis, FloatArray
from policybrief.analysis.thesis import housekeeping
from policybrief.lang.cohesion import cut_off
from policybrief.lang.sentences import UNSPACED, ends_sentence
from policybrief.model import Block, BulletList, Paragraph, Section, Sentence, block_words

Key = tuple[str, int, int | None]
"""(section id, block index, sentence index; None for a whole list or table)."""

DUPLICATE_PENALTY = 1.0
"""A near-duplicate of an earlier sentence ranks below everything that says something new."""
HOUSEKEEPING_PENALTY = 1.0
"""How the work was done ("For our first objective, we reviewed ...") ranks below what it found: quoted only when
everything fits."""
LIST_SCORE = {"other": 0.2}
"""Score of a whole list or table by role (lists with a findings role rank above plain lists)."""
DEFAULT_LIST_SCORE = 0.5


@dataclass(frozen=True)
class _Unit:
    section: str
    members: frozenset[Key]
    score: float
    order: int


def _key_of(analysis: Analysis, k: int, blocks: dict[str, tuple[Block, ...]]) -> Key | None:
    """Where sentence k sits in its section: a paragraph sentence, or the list it belongs to."""
    info = analysis.sentences[k]
    ref = info.sentence.ref
    block = blocks.get(info.section, ())[ref.block] if ref.block < len(blocks.get(info.section, ())) else None
    if block is None:
        return None
    return (info.section, ref.block, ref.sentence if isinstance(block, Paragraph) else None)


def _broken(text: str) -> bool:
    """Not a sentence to quote on its own: a few words ("Contractor performance.", "recommendations."), or the
    rest of a sentence a page break cut ("for EM sites or ensure projects stay on track."); it is quoted only
    when the sentence it finishes pulls it in."""
    t = text.lstrip(" \t\"'“‘(")
    unspaced = UNSPACED.search(t) is not None  # Chinese and Japanese put no spaces between words
    return (len(t.split()) < 4 and not unspaced) or t[:1].islower()


def _title_line(k: int, analysis: Analysis) -> bool:
    """A paragraph that is one line without a sentence end and finishes nothing ("Funds recovered for awards paid
    under Internal Revenue Code section 7623(b)"): a chart's title or a heading the reader kept as text."""
    info = analysis.sentences[k]
    return info.kind == "paragraph" and not ends_sentence(info.sentence.text, ":;") and not analysis.unfinished(k)




def units(
    sections: list[Section], analysis: Analysis, score: FloatArray, skip_lists: Collection[str], shown: Collection[int]
) -> list[_Unit]:
    """Every unit of the chosen sections. `skip_lists`: list roles shown elsewhere (key judgments); `shown`:
    sentences already in the summary, which the body does not repeat (nor anything that leans on them)."""
    blocks = {s.id: s.blocks for s in sections}
    out: list[_Unit] = []

    infos = analysis.sentences
    lead_of = {
        (sec.id, bi): analysis.index.get(b.lead_in.ref)
        for sec in sections
        for bi, b in enumerate(sec.blocks)
        if isinstance(b, BulletList) and b.lead_in is not None
    }

    def pulls(j: int) -> set[int] | None:
        """What quoting sentence j brings along besides what it leans on; None when it can never be quoted."""
        more: set[int] = set()
        text = infos[j].sentence.text.rstrip()
        if infos[j].kind in ("paragraph", "code") and text.endswith(":"):  # "...the following:" only with what follows
            nxt = j + 1
            ref = infos[j].sentence.ref
            if nxt >= len(infos) or infos[nxt].section != infos[j].section or infos[nxt].sentence.ref.block != ref.block:
                return None
            more.add(nxt)
        elif analysis.unfinished(j):  # "...in areas including", "...leads to an SEC" / "enforcement action": with what finishes it
            nxt = j + 1
            if nxt >= len(infos) or infos[nxt].section != infos[j].section:
                return None
            more.add(nxt)
        answer = analysis.answer[j]
        if answer is not None:  # a premise only with the essay's answer to it
            more.add(answer)
        if infos[j].kind == "item":  # a list is quoted with its lead-in, and so with what the lead-in leans on
            lead = lead_of.get((infos[j].section, infos[j].sentence.ref.block))
            if lead is not None:
                more.add(lead)
        return more

    def closure_keys(k: int) -> frozenset[Key] | None:
        needed: set[int] = set()
        todo = [k]
        while todo:
            j = todo.pop()
            if j in needed:
                continue
            if j == UNSATISFIABLE or j in shown:
                return None
            needed.add(j)
            more = pulls(j)
            if more is None:
                return None
            todo += list(analysis.closure(j)) + list(more)
        keys = set()
        for j in needed:
            key = _key_of(analysis, j, blocks)
            if key is None or key[0] != infos[k].section:
                return None
            bl = blocks[key[0]][key[1]]
            if isinstance(bl, BulletList) and bl.role in skip_lists:
                return None
            keys.add(key)
        return frozenset(keys)

    for sec in sections:
        for bi, block in enumerate(sec.blocks):
            if isinstance(block, Paragraph):
                for s in block.sentences:
                    k = analysis.index.get(s.ref)
                    if k is None or infos[k].kind in ("label", "code") or _broken(s.text) or _title_line(k, analysis):
                        continue  # code, flattened into a paragraph of a brief, reads as neither code nor prose
                    members = closure_keys(k)
                    if members is not None:
                        sc = float(score[k]) - (DUPLICATE_PENALTY if k in analysis.duplicates else 0.0)
                        sc -= HOUSEKEEPING_PENALTY if housekeeping(s.text) else 0.0
                        out.append(_Unit(sec.id, members, sc, len(out)))
            elif isinstance(block, BulletList):
                if block.role in skip_lists:
                    continue
                members_l: frozenset[Key] | None = frozenset({(sec.id, bi, None)})
                if any(UNSATISFIABLE in analysis.closure(k) for k in _item_sentences(block, analysis)):
                    continue  # an item that says "as noted above": the list is never quoted
                lead = analysis.index.get(block.lead_in.ref) if block.lead_in else None
                if lead is not None:
                    more = closure_keys(lead)
                    members_l = None if more is None else frozenset({(sec.id, bi, None)}) | more
                if members_l is not None:
                    out.append(_Unit(sec.id, members_l, LIST_SCORE.get(block.role, DEFAULT_LIST_SCORE), len(out)))
            else:
                out.append(_Unit(sec.id, frozenset({(sec.id, bi, None)}), LIST_SCORE["other"], len(out)))
    return out


def _item_sentences(block: BulletList, analysis: Analysis) -> list[int]:
    return [k for it in block.items for s in it.sentences if (k := analysis.index.get(s.ref)) is not None]


def _words(key: Key, blocks: dict[str, tuple[Block, ...]]) -> int:
    block = blocks[key[0]][key[1]]
    if key[2] is None or not isinstance(block, Paragraph):
        return block_words(block)
    return block.sentences[key[2]].words


def select(sections: list[Section], found: list[_Unit], budget: int | None, floor: bool = True) -> set[Key]:
    """The kept keys: everything when it fits, else each section's best unit, then the best units anywhere."""
    blocks = {s.id: s.blocks for s in sections}
    everything = set().union(*(u.members for u in found)) if found else set()
    if budget is None or sum(_words(k, blocks) for k in everything) <= budget:
        return everything
    keep: set[Key] = set()
    used = 0

    def add(u: _Unit) -> bool:
        nonlocal used
        cost = sum(_words(k, blocks) for k in u.members - keep)
        if used + cost > budget:
            return False
        keep.update(u.members)
        used += cost
        return True

    ranked = sorted(found, key=lambda u: (-u.score, u.order))
    if floor:
        best: dict[str, _Unit] = {}
        for u in ranked:
            best.setdefault(u.section, u)
        for u in sorted(best.values(), key=lambda u: (-u.score, u.order)):
            add(u)
    kept_sections = {k[0] for k in keep} if floor else {s.id for s in sections}
    for u in ranked:
        if u.section in kept_sections and not u.members <= keep:
            add(u)
    return keep


def assemble(sections: list[Section], keep: set[Key]) -> dict[str, list[Block]]:
    """The kept blocks of each section, sentences verbatim and in source order."""
    out: dict[str, list[Block]] = {}
    for sec in sections:
        blocks: list[Block] = []
        for bi, block in enumerate(sec.blocks):
            if isinstance(block, Paragraph):
                kept = tuple(s for si, s in enumerate(block.sentences) if (sec.id, bi, si) in keep)
                if kept and _rejoins(blocks, sec.blocks, bi, kept[0]):  # the rest of a sentence a page break cut
                    prev = blocks[-1]
                    assert isinstance(prev, Paragraph)
                    blocks[-1] = Paragraph(prev.sentences + kept)
                elif kept:
                    blocks.append(Paragraph(kept))
            elif (sec.id, bi, None) in keep:
                blocks.append(block)
        out[sec.id] = blocks
    return out


def _rejoins(kept: list[Block], source: tuple[Block, ...], bi: int, first: Sentence) -> bool:
    """Whether `first` (the first kept sentence of source block `bi`) finishes the sentence the last kept
    paragraph ends on, cut in two by a page break: printed as one paragraph, as the essay's author wrote it."""
    before, this = (source[bi - 1], source[bi]) if bi > 0 else (None, None)
    if not kept or not isinstance(kept[-1], Paragraph) or not isinstance(before, Paragraph) or not isinstance(this, Paragraph):
        return False
    last = before.sentences[-1]
    return kept[-1].sentences[-1].ref == last.ref and first.ref == this.sentences[0].ref and cut_off(last.text, first.text)
