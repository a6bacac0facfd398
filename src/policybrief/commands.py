"""The commands behind the CLI (inspect, summarize, plan, check, build, email, audiences validate), each a consumer of
`pipeline.run`, the one path: it stops at the stage the command needs and formats or writes what comes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policybrief.errors import BriefError, DeliveryError
from policybrief.formats import FORMAT_NAMES, check_formats
from policybrief.pipeline import Job, prepare, run, run_one

if TYPE_CHECKING:
    from policybrief.check import Report
    from policybrief.compose import SectionPlan
    from policybrief.delivery.package import EmailResult
    from policybrief.delivery.smtp import SmtpSettings
    from policybrief.outputs import Result
    from policybrief.profiles.schema import Profile


# ------------------------------------------------------------------------------------------------ inspect, plan


def inspect(path: Path, fmt: str | None = None) -> dict[str, Any]:
    from policybrief.report import inspect_data

    item = run_one(Job((path,), (), input_format=fmt), "analyse")
    assert item.doc is not None and item.analysis is not None
    a = item.analysis
    dups = [(a.sentences[i].sentence, a.sentences[j].sentence) for i, j in sorted(a.duplicates.items())]
    return inspect_data(item.doc, dups)


def summarize(
    path: Path,
    *,
    words: int | None = None,
    sentences: int | None = None,
    audience: str | None = None,
    templates: Path | None = None,
    fmt: str | None = None,
) -> dict[str, Any]:
    """`{"summary": [{"text", "section", "paragraph", "sentence"}], "tables": {...}}`: keep this shape stable."""
    from policybrief.analysis.findings import tables
    from policybrief.analysis.scoring import score
    from policybrief.analysis.summarize import summarize as pick
    from policybrief.report import summary_data

    item = run_one(Job((path,), (audience,) if audience else (), templates, fmt), "profile")
    assert item.analysis is not None
    focus: dict[str, float] = {}
    if item.profile is not None:
        profile = item.profile.profile
        focus = profile.focus_weights()
        if words is None and sentences is None:
            words, sentences = profile.summary.words, profile.summary.sentences
    chosen = pick(item.analysis, score(item.analysis, focus), max_words=words, max_sentences=sentences)
    return summary_data(item.analysis, chosen, tables(item.analysis))


@dataclass(frozen=True)
class Plan:
    """One audience's cut of an essay, or why there is none."""

    audience: str
    profile: Profile | None = None
    rows: tuple[SectionPlan, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""


def plan(path: Path, audiences: list[str] | None, templates: Path | None, fmt: str | None, packaged: bool = True) -> list[Plan]:
    """Per audience: its sections in order with words before and after condensing. A profile that fails on this
    essay is reported and the others go on."""
    from policybrief.compose import plan as plan_sections
    from policybrief.errors import Errors
    from policybrief.writers.measure import pages as measure_pages

    out, errors = [], []
    for item in run(Job((path,), tuple(audiences) if audiences else None, templates, fmt, packaged=packaged), "profile"):
        if item.error is not None and item.profile is None:
            raise item.error  # the essay itself (or its sidecar) is the problem
        assert item.profile is not None and item.doc is not None and item.analysis is not None
        pid = item.profile.profile.id
        try:
            if item.error is not None:
                raise item.error
            assert item.style is not None  # loaded with the profile: an item without it carries an error
            rows, warnings = plan_sections(
                item.doc, item.analysis, item.profile.profile, partial(measure_pages, style=item.style)
            )
        except BriefError as exc:
            errors.append(exc)
            out.append(Plan(pid, error=str(exc)))
            continue
        out.append(Plan(pid, item.profile.profile, tuple(rows), warnings))
    if errors and len(errors) == len(out):  # nothing to show: the profiles are the problem (exit 2)
        raise errors[0] if len(errors) == 1 else Errors(errors)
    return out


def check(job: Job) -> list[Report]:
    """Per essay x audience: dangling sentences, budget use and repeats of the brief it would get."""
    from policybrief.check import check as check_brief

    out = []
    for item in run(job, "compose"):
        if item.error is not None:
            raise item.error
        assert item.brief is not None and item.analysis is not None and item.profile is not None
        budget = item.profile.profile.budget
        out.append(check_brief(item.brief, item.analysis, budget.max_words, budget.pages))
    return out


# ------------------------------------------------------------------------------------------------ build


def build(job: Job, *, jobs: int | None = None, progress: bool = False) -> tuple[list[Result], list[str]]:
    """Every essay x audience x format. One failing brief does not stop the others; each result says how it went.

    The parent reads, analyses and composes (each essay once); rendering is shared with `jobs - 1` forked workers,
    started first so that they import the writers and load fonts while the parent is still analysing.
    """
    from policybrief.outputs import check_essay_folders, check_out_dir
    from policybrief.readers import check_path
    from policybrief.workers import cpu_count, shared_formats, start_pool, stop_pool

    check_formats(job.formats)
    for e in job.essays:
        check_path(e, job.input_format)
    check_essay_folders(list(job.essays), job.out)
    check_out_dir(job.out)
    workers = max(1, min(jobs or cpu_count(), cpu_count()))  # more processes than CPUs only cost memory
    # With the formats known, the workers start now and import the writers while this process loads the rest.
    pool = start_pool(workers - 1, shared_formats(job.formats), ()) if job.formats else None
    from policybrief import interrupt
    from policybrief.check import dangling
    from policybrief.outputs import Planned, Result, check_outputs
    from policybrief.report import progress_bar
    from policybrief.workers import Task, run_tasks

    try:
        setup = prepare(job)
    except BaseException:
        if pool is not None:
            stop_pool(pool, [])
        raise
    if pool is None and not job.formats:
        wanted = {f for pid in setup.ids for f in setup.profiles.get(pid).formats}
        pool = start_pool(workers - 1, shared_formats(wanted), tuple(setup.styles.values()))
    failed: list[Result] = []
    warnings: list[str] = []
    tasks: list[Task] = []
    planned: list[Planned] = []
    step = progress_bar(0, False)
    try:
        for item in run(job, "place", setup):
            interrupt.check()
            audience = item.profile.profile.id if item.profile else "-"
            if item.error is not None:
                if item.doc is None and len(job.essays) == 1:
                    raise item.error  # the only essay is unreadable: one line, exit 2
                failed.append(Result(str(item.essay), audience, item.failed_format, error=str(item.error)))
                continue
            assert item.brief is not None and item.style is not None and item.analysis is not None
            said = list(item.brief.warnings)
            loose = dangling(item.brief, item.analysis)
            if loose:
                said.append(
                    f"{audience}: {len(loose)} sentence(s) quoted without what they lean on (see `policybrief check`): {loose[0]}"
                )
            warnings += [f"{item.essay.name}: {w}" if len(job.essays) > 1 else w for w in said]
            tasks += [Task(str(item.essay), audience, fmt, path, item.brief, item.style) for fmt, path in item.outputs]
            of = f" of {item.essay.name}" if len(job.essays) > 1 else ""
            assert item.profile is not None
            planned += [
                Planned(path, f"the {fmt} brief for {audience}{of}", item.profile.where("filename")) for fmt, path in item.outputs
            ]
        check_outputs(planned, _inputs(job))  # two files on one path, the essay overwritten, a link: nothing written
        step = progress_bar(len(tasks), progress)
        results = run_tasks(tasks, pool, step)
    except BaseException:  # Ctrl-C, SIGTERM (raised by the CLI's handler), an error: no worker goes on alone
        if pool is not None:
            stop_pool(pool, [t.path for t in tasks])
            pool = None
        raise
    finally:
        step(True)
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    order = {(str(e), pid): i for i, (e, pid) in enumerate((e, pid) for e in job.essays for pid in setup.ids)}
    fmt_order = {f: i for i, f in enumerate(job.formats or FORMAT_NAMES)}
    results += failed
    results.sort(key=lambda r: (order.get((r.essay, r.audience), 0), fmt_order.get(r.format, -1)))
    return results, warnings


def _inputs(job: Job) -> list[Path]:
    """The job's input files (essays and their sidecars), which no output may overwrite."""
    from policybrief import sidecar

    found = [sidecar.find(Path(e)) for e in job.essays]
    return [*job.essays, *(f for f in found if f is not None)]


# ------------------------------------------------------------------------------------------------ email

MAX_TEMPLATE = 1024 * 1024
"""An email body template larger than this is refused (the packaged ones are a few kilobytes)."""


def email(
    job: Job,
    *,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    sender: str | None = None,
    send: bool = False,
    smtp: SmtpSettings | None = None,
    dry_run: bool = False,
    max_mb: float | None = None,
    strict: bool = False,
) -> list[EmailResult]:
    """Per audience: build its briefs, write an .eml draft beside them and, with `send`, deliver it over `smtp`.

    Everything that can be checked is checked before the first file is written: addresses, templates, recipients,
    and (when sending) the SMTP connection and login. After that one audience's failure never stops the others.
    """
    from policybrief import clock
    from policybrief.delivery import package as pk
    from policybrief.delivery.addresses import parse_addresses
    from policybrief.delivery.message import Attachment
    from policybrief.delivery.smtp import Sender
    from policybrief.errors import RenderError
    from policybrief.fileio import read_text_limited
    from policybrief.outputs import Planned, check_out_dir, check_outputs, output_path, save
    from policybrief.templates_dir import find_template
    from policybrief.writers import render

    check_formats(job.formats)
    overrides = {k: parse_addresses(v, f"--{k}") for k, v in (("to", to), ("cc", cc), ("bcc", bcc)) if v}
    if sender:
        overrides["sender"] = parse_addresses([sender], "--sender")
    if send and smtp is None and not dry_run:
        raise DeliveryError("no SMTP settings given for --send")
    setup = prepare(job)
    check_out_dir(job.out)
    when = clock.now()

    def template(name: str) -> pk.Template:
        path = find_template(job.templates, "email", name)
        return pk.Template(read_text_limited(path, MAX_TEMPLATE, RenderError, str(path), what="email template"), str(path))

    # Everything in memory first: a template, address or recipient problem stops here, before any write.
    packages: list[pk.Package] = []
    planned: list[Planned] = []
    for item in run(job, "compose", setup):
        if item.error is not None:
            raise item.error
        assert item.brief is not None and item.style is not None and item.profile is not None and item.doc is not None
        lp, brief = item.profile, item.brief
        profile, d = lp.profile, lp.profile.delivery
        who = pk.recipients(d, overrides, lp.where)
        if send and not who.anyone:
            raise DeliveryError(
                f"audience '{profile.id}' has no recipients: set delivery.to in its profile or give --to", lp.where("delivery")
            )
        attachments = []
        for fmt in job.formats or d.attach:
            path = output_path(job.out, brief.essay_id, profile.filename, profile.id, fmt, brief.date)
            attachments.append((path, Attachment(path.name, render(fmt, brief, item.style).data, fmt)))
        ctx = pk.context(
            brief,
            {"id": profile.id, "title": profile.title, "audience": profile.audience, "description": profile.description},
            {"title": brief.title, "date": item.doc.meta("date"), "file": item.essay.name, "id": brief.essay_id},
            [a for _, a in attachments],
        )
        eml = output_path(job.out, brief.essay_id, profile.filename, profile.id, "eml", brief.date)
        pattern = lp.where("filename")
        planned += [Planned(path, f"the {a.format} brief for {profile.id}", pattern) for path, a in attachments]
        planned.append(Planned(eml, f"the .eml for {profile.id}", pattern))
        subject = pk.Template(d.subject, lp.where("delivery", "subject"))
        p = pk.package(
            profile.id, brief, who, attachments, eml, ctx, (subject, template(d.text_template), template(d.html_template)), when
        )
        p.result.warnings += list(brief.warnings)
        pk.check_budget(p, max_mb if max_mb is not None else d.max_attachment_mb, strict)
        packages.append(p)
    check_outputs(planned, _inputs(job))  # before the dry run returns: it shows what a real run would say
    if dry_run:
        return [p.result for p in packages]
    session = Sender(smtp) if send and smtp is not None else None
    try:
        if session is not None:
            session.check()  # bad host, no STARTTLS, wrong password: exit 2, nothing written
        pk.write_and_send(packages, session, save)
    finally:
        if session is not None:
            session.close()
    return [p.result for p in packages]


def smtp_settings(
    host: str | None, port: int | None, security: str, user: str | None, *, retries: int, retry_wait: float, prompt: Any
) -> SmtpSettings:
    from policybrief.delivery import smtp

    return smtp.settings(host, port, security, user, retries=retries, retry_wait=retry_wait, prompt=prompt)


# ------------------------------------------------------------------------------------------------ profiles


def validate_profiles(paths: list[Path], essay: Path | None, templates: Path | None, *, packaged: bool = True) -> str:
    """Check the profiles in the given files or folders (and what they extend), else every profile in use: YAML,
    keys, types, inheritance, delivery addresses, styles and (with an essay) section ids. Every problem is
    reported, not only the first."""
    from policybrief.delivery.package import recipients
    from policybrief.errors import Errors
    from policybrief.profiles import ProfileSet, load_profiles, read_profile_file
    from policybrief.readers import read_essay
    from policybrief.writers.style import load_style

    ps = load_profiles(templates, packaged=packaged)
    errors: list[BriefError] = []
    ids = ps.ids
    if paths:
        raw, ids = dict(ps.raw), []  # the loaded set is shared: extend a copy
        for p in paths:
            for f in sorted(p.glob("*.y*ml")) if p.is_dir() else [p]:
                try:
                    rp = read_profile_file(f)
                except BriefError as exc:
                    errors.append(exc)
                    continue
                raw[str(rp.data["id"])] = rp
                ids.append(str(rp.data["id"]))
        ps = ProfileSet(raw, ps.folder)
    doc = read_essay(essay) if essay else None
    for pid in ids:
        try:
            lp = ps.for_essay(pid, doc) if doc is not None else ps.load(pid)
            recipients(lp.profile.delivery, {}, lp.where)  # delivery addresses, with file:line
            load_style(templates, lp.profile.style)
        except BriefError as exc:
            errors.append(exc)
    if errors:
        raise errors[0] if len(errors) == 1 else Errors(errors)
    return f"{len(ids)} profile(s) valid" + (f" against {essay}" if essay else "") + ": " + ", ".join(ids)
