"""A piece of essay text that knows where every character of it came from in the source.

Readers cut the source into pieces (a paragraph, a list item, a heading, a table cell); clean-ups edit a piece and
the piece keeps the map from its text to the source. Runs of the text are either copied from the source (a
paragraph's lines without the quote marks or indentation before them) or inserted (the space a clean-up puts in
place of a line break). Comparing the final text with the source then gives the clean-ups exactly, as `Cleanup`s
whose `before` is the source text they replace: nothing is changed without a record, and the record is precise
enough to be re-applied (`lang.cleanup.apply_cleanups`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from policybrief.lang.cleanup import Cleanup, Edit


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of a piece's text, from index `at` up to the next run."""

    at: int
    src: int
    """Source offset of its first character when copied; where it was inserted in the source otherwise."""
    copied: bool
    replaced: int = -1
    """For an inserted run that replaces source text (an entity, a line break): where that text ends."""


@dataclass(frozen=True, slots=True)
class Change:
    """The source range a clean-up touched, and its kind (to name the reported clean-ups)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Piece:
    """Text with its map to the source."""

    text: str
    runs: tuple[Run, ...]
    start: int
    """Where the piece begins in the source (clean-ups at its edges count from here)."""
    end: int
    """Where it ends in the source."""
    changes: tuple[Change, ...] = ()
    """The clean-ups made so far, in order."""
    stripped: bool = False
    """True once markup clean-ups were made (`lang.markup`)."""

    @staticmethod
    def verbatim(text: str, offset: int) -> Piece:
        """`text` as it stands at `offset` in the source."""
        return Piece(text, (Run(0, offset, True),), offset, offset + len(text))

    @property
    def offset(self) -> int:
        return self.start

    def _run(self, i: int) -> int:
        return max(0, bisect.bisect_right(self._starts, i) - 1)

    @cached_property
    def _starts(self) -> list[int]:
        return [r.at for r in self.runs]

    def source_at(self, i: int) -> int:
        """Source offset of character i (for an inserted character: where it was inserted)."""
        if i >= len(self.text):
            return self.source_end(len(self.text))
        r = self.runs[self._run(i)]
        return r.src + (i - r.at) if r.copied else r.src

    def source_end(self, i: int) -> int:
        """Source offset just past character i - 1: where text[:i] ends in the source (past the whole source text an
        inserted run replaced, when text[:i] ends with that run)."""
        if i <= 0:
            return self.start
        k = self._run(i - 1)
        r = self.runs[k]
        if r.copied:
            return r.src + (i - r.at)
        run_end = self.runs[k + 1].at if k + 1 < len(self.runs) else len(self.text)
        return max(r.src, r.replaced) if i == run_end else r.src

    def apply(self, edits: Sequence[Edit]) -> Piece:
        """The piece with these edits made (ordered, not overlapping, in this piece's text coordinates)."""
        if not edits:
            return self
        old = self.runs
        ends = [r.at for r in old[1:]] + [len(self.text)]
        text: list[str] = []
        runs: list[Run] = []
        changes = list(self.changes)
        length = 0
        k = 0  # the run being read: edits come in order, so one pass over the runs serves them all

        def at(i: int) -> int:
            """Source offset of character i (the run pointer is moved to it)."""
            nonlocal k
            while k + 1 < len(old) and ends[k] <= i:
                k += 1
            r = old[k]
            return r.src + (i - r.at) if r.copied else r.src

        def copy(a: int, b: int) -> None:
            nonlocal length, k
            while a < b:
                at(a)
                r = old[k]
                stop = min(b, ends[k])
                _add(runs, Run(length, r.src + (a - r.at) if r.copied else r.src, r.copied, r.replaced))
                text.append(self.text[a:stop])
                length += stop - a
                a = stop

        pos = 0
        for e in edits:
            copy(pos, e.start)
            lo = at(e.start) if e.start < len(self.text) else self.source_end(e.start)
            hi = self.source_end(e.end) if e.end > e.start else lo
            changes.append(Change(lo, max(lo, hi), e.kind))
            if e.replacement:
                _add(runs, Run(length, lo, False, max(lo, hi)))
                text.append(e.replacement)
                length += len(e.replacement)
            pos = e.end
        copy(pos, len(self.text))
        return Piece(
            "".join(text), tuple(runs) or (Run(0, self.end, False),), self.start, self.end, tuple(changes), self.stripped
        )

    def slice(self, a: int, b: int) -> Piece:
        """The piece's text[a:b], mapped the same way. Slices that meet tile the source: a slice begins where text[:a]
        ends in the source, so what was removed between two slices falls in the later one and is still reported; a
        slice from the start (or to the end) keeps the piece's own edge."""
        lo = self.start if a == 0 else self.source_end(a)
        hi = self.end if b >= len(self.text) else self.source_end(b)
        runs: list[Run] = []
        for k in range(self._run(a), len(self.runs)):
            r = self.runs[k]
            stop = self.runs[k + 1].at if k + 1 < len(self.runs) else len(self.text)
            s, e = max(a, r.at), min(b, stop)
            if r.at >= b:
                break
            if s < e:
                _add(runs, Run(s - a, r.src + (s - r.at) if r.copied else r.src, r.copied, r.replaced))
        changes = tuple(c for c in self.changes if c.end >= lo and c.start <= hi)
        return Piece(self.text[a:b], tuple(runs) or (Run(0, lo, False),), lo, max(lo, hi), changes, self.stripped)

    def strip(self, a: int, b: int) -> tuple[int, int]:
        """(a, b) narrowed past white space at either end."""
        while a < b and self.text[a].isspace():
            a += 1
        while b > a and self.text[b - 1].isspace():
            b -= 1
        return a, b

    def cleanups(
        self, source: str, keep: Callable[[int, int, str, str], bool] | None = None, cuts: Collection[int] = ()
    ) -> list[Cleanup]:
        """Every difference between this text and the source it covers, as clean-ups named by the changes that made
        them ('markup' for structure the reader flattened, such as quote marks between two lines).

        `keep(start, end, before, after)` may leave out differences that are not clean-ups of text (white space and
        quote marks between two sentences)."""
        regions = self.regions(cuts)
        out = []
        for (a, b, after), kind in zip(regions, self._kinds(regions), strict=True):
            before = source[a:b]
            if before == after or (keep is not None and not keep(a, b, before, after)):
                continue
            out.append(Cleanup(kind, before, after, a))
        return out

    def regions(self, cuts: Collection[int] = ()) -> list[tuple[int, int, str]]:
        """Where the text differs from the source: (source start, source end, the text in its place), in order.

        `cuts`: text positions (sentence edges) where a region of changes is split rather than run on, so that the
        text a region puts in belongs to one sentence or to the space between two."""
        regions: list[tuple[int, int, str]] = []
        expect, pending = self.start, ""
        for k, r in enumerate(self.runs):
            stop = self.runs[k + 1].at if k + 1 < len(self.runs) else len(self.text)
            if not r.copied:
                if r.at in cuts and (pending or r.src > expect):
                    regions.append((expect, max(expect, r.src), pending))
                    expect, pending = max(expect, r.src), ""
                pending += self.text[r.at : stop]
                continue
            if r.src != expect or pending:
                regions.append((expect, max(expect, r.src), pending))
            expect, pending = r.src + (stop - r.at), ""
        if self.end != expect or pending:
            regions.append((expect, max(expect, self.end), pending))
        return regions

    def _kinds(self, regions: list[tuple[int, int, str]]) -> list[str]:
        """Per region, the kinds of the changes that touch it (one sweep over both, in source order)."""
        changes = sorted(self.changes, key=lambda c: c.start)
        out = []
        active: list[Change] = []
        j = 0
        for a, b, _ in regions:
            while j < len(changes) and (changes[j].start < b if b > a else changes[j].start <= a):
                active.append(changes[j])
                j += 1
            active = [c for c in active if c.end >= a]
            kinds: list[str] = []
            for c in active:
                touches = c.start < b and c.end > a if b > a else c.start <= a <= c.end
                if touches and c.kind not in kinds:
                    kinds.append(c.kind)
            out.append("+".join(kinds) or "markup")
        return out


def _add(runs: list[Run], run: Run) -> None:
    """Append a run, merging it into the last when it simply continues it."""
    if runs:
        last = runs[-1]
        if run.at == last.at:
            runs[-1] = run
            return
        if last.copied and run.copied and run.src == last.src + (run.at - last.at):
            return
        if not last.copied and not run.copied and run.src == last.src and run.replaced <= last.replaced:
            return
    runs.append(run)


def join(parts: Iterable[tuple[str, int | None]], start: int, end: int) -> Piece:
    """A piece from parts in source order: (text, its source offset) copied, or (text, None) inserted at the end of
    the part before it. `start`/`end`: the source range the whole piece covers."""
    text: list[str] = []
    runs: list[Run] = []
    length, last_end = 0, start
    for part, src in parts:
        if not part:
            continue
        if src is None:
            _add(runs, Run(length, last_end, False))
        else:
            _add(runs, Run(length, src, True))
            last_end = src + len(part)
        text.append(part)
        length += len(part)
    return Piece("".join(text), tuple(runs) or (Run(0, start, False),), start, end)
