"""The one place that wires the stages together: read -> analyse -> compose -> place, then write or deliver.

`run` is the one path: it reads and analyses each essay once, composes each audience's brief and places its
files; the commands (`commands.py`: build, email, plan, check, summarize, inspect) all consume it and stop at the
stage they need.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from policybrief.errors import BriefError
from policybrief.formats import check_formats

if TYPE_CHECKING:
    from policybrief.analysis import Analysis
    from policybrief.model import Brief, Document
    from policybrief.profiles import LoadedProfile, ProfileSet
    from policybrief.sidecar import Sidecar
    from policybrief.writers.style import Style

Stage = Literal["read", "analyse", "profile", "compose", "place"]
STAGES: tuple[Stage, ...] = ("read", "analyse", "profile", "compose", "place")
"""The order every command runs: read the essay, analyse it, match each profile to it, compose the brief, place its
files. build goes to `place`, email to `compose` (it places its own files, the .eml with them), plan and summarize
stop at `profile`, inspect at `analyse`."""


@dataclass(frozen=True)
class Job:
    """What a command asks for."""

    essays: tuple[Path, ...]
    audiences: tuple[str, ...] | None = None
    """Profile ids; None: every profile; (): none (read and analyse only)."""
    templates: Path | None = None
    input_format: str | None = None
    formats: tuple[str, ...] | None = None
    """Output formats; None: each profile's own."""
    out: Path = Path("briefs")
    packaged: bool = True
    """False: only the profiles in `templates` are audiences (--no-packaged)."""


@dataclass(frozen=True)
class Setup:
    """Everything checked before the first essay is read: profiles and the styles they use."""

    profiles: ProfileSet
    ids: tuple[str, ...]
    styles: dict[str, Style]
    templates: Path | None = None

    def style(self, name: str) -> Style:
        """A style by name: loaded up front for the profiles, or now for one an essay's sidecar picks."""
        if name not in self.styles:
            from policybrief.writers.style import load_style

            self.styles[name] = load_style(self.templates, name)
        return self.styles[name]


@dataclass(frozen=True)
class Item:
    """One essay (x one audience) as it leaves the pipeline; `error` says where it stopped, if it did."""

    essay: Path
    doc: Document | None = None
    analysis: Analysis | None = None
    profile: LoadedProfile | None = None
    brief: Brief | None = None
    style: Style | None = None
    outputs: tuple[tuple[str, Path], ...] = ()
    """(format, path) of each file this brief becomes."""
    error: BriefError | None = None
    failed_format: str = "-"


def prepare(job: Job) -> Setup:
    """Load every profile the job names and every style they use: a mistake stops here, before any work."""
    from policybrief.profiles import load_profiles
    from policybrief.writers.style import load_style

    check_formats(job.formats)
    profiles = load_profiles(job.templates, packaged=job.packaged)
    ids = tuple(profiles.ids if job.audiences is None else job.audiences)
    styles: dict[str, Style] = {}
    for pid in ids:
        p = profiles.get(pid)
        if p.style not in styles:
            styles[p.style] = load_style(job.templates, p.style)
    return Setup(profiles, ids, styles, job.templates)


def run(job: Job, upto: Stage = "place", setup: Setup | None = None) -> Iterator[Item]:
    """Every essay x audience of the job, through the stages up to `upto`. A failing essay or audience is yielded
    with its error and the others go on; the consumer decides whether an error stops the command."""
    from policybrief import sidecar
    from policybrief.analysis import analyse
    from policybrief.compose import fit_pages
    from policybrief.outputs import output_path
    from policybrief.readers import read_essay
    from policybrief.writers.measure import pages as measure_pages

    last = STAGES.index(upto)
    if setup is None and last >= STAGES.index("profile") and job.audiences != ():
        setup = prepare(job)
    for essay in job.essays:
        try:
            doc = read_essay(essay, job.input_format)
            if setup is not None:
                check_tailoring(setup.profiles, sidecar.load(essay))
            analysis = analyse(doc)
        except BriefError as exc:
            yield Item(essay, error=exc)
            continue
        if setup is None or last < STAGES.index("profile"):
            yield Item(essay, doc, analysis)
            continue
        for pid in setup.ids:
            lp = setup.profiles.load(pid)
            try:
                lp = setup.profiles.for_essay(pid, doc)  # with the essay's sidecar tailoring
                profile = lp.profile
                style = setup.style(profile.style)
                brief = (
                    fit_pages(doc, analysis, profile, partial(measure_pages, style=style))
                    if last >= STAGES.index("compose")
                    else None
                )
            except BriefError as exc:
                yield Item(essay, doc, analysis, lp, error=exc)
                continue
            if brief is None:
                yield Item(essay, doc, analysis, lp, style=style)
                continue
            outputs: list[tuple[str, Path]] = []
            if last >= STAGES.index("place"):
                for fmt in job.formats or profile.formats:
                    try:
                        outputs.append((fmt, output_path(job.out, brief.essay_id, profile.filename, pid, fmt, brief.date)))
                    except BriefError as exc:
                        yield Item(essay, doc, analysis, lp, brief, style, error=exc, failed_format=fmt)
            yield Item(essay, doc, analysis, lp, brief, style, tuple(outputs))


def check_tailoring(profiles: ProfileSet, side: Sidecar) -> None:
    """Every audience the essay's sidecar tailors is a known profile."""
    from policybrief.errors import InputError, did_you_mean

    for pid in side.audiences:
        if pid not in profiles.raw:
            known = sorted(profiles.ids)
            raise InputError(
                f"audiences: unknown audience '{pid}'{did_you_mean(pid, known)} (known: {', '.join(known)})",
                side.where("audiences", pid),
            )


def run_one(job: Job, upto: Stage) -> Item:
    """The single item of a one-essay, at-most-one-audience job; its error raised."""
    item = next(run(job, upto))
    if item.error is not None:
        raise item.error
    return item
