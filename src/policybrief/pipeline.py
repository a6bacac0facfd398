"""The one place that wires the stages together: read -> analyse -> compose -> write -> deliver.

STAGES names the order; each function below runs a prefix of it. The CLI calls only this module.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policybrief.model import Document

STAGES = ("read", "analyse", "compose", "write", "deliver")


def read(path: str | Path, fmt: str | None = None) -> Document:
    from policybrief.readers import read_essay

    return read_essay(path, fmt)


def inspect(path: str | Path, fmt: str | None = None) -> dict[str, Any]:
    from policybrief.analysis import analyse
    from policybrief.report import inspect_data

    doc = read(path, fmt)
    a = analyse(doc)
    dups = [
        (a.sentences[i].sentence.ref, a.sentences[i].sentence.text, a.sentences[j].sentence.ref, a.sentences[j].sentence.text)
        for i, j in sorted(a.duplicates.items())
    ]
    return inspect_data(doc, dups)


def _row(r) -> dict[str, Any]:  # noqa: ANN001
    return {"item": r.item.text, "evidence": [e.text for e in r.evidence], "section": r.section}


def summarize(
    path: str | Path,
    *,
    words: int | None = None,
    sentences: int | None = None,
    audience: str | None = None,
    templates: str | Path | None = None,
    fmt: str | None = None,
) -> dict[str, Any]:
    """`{"summary": [{"text", "section", "paragraph", "sentence"}], "tables": {...}}`: keep this shape stable."""
    from policybrief.analysis import analyse
    from policybrief.analysis.findings import tables
    from policybrief.analysis.summarize import summarize as pick

    doc = read(path, fmt)
    a = analyse(doc)
    focus: dict[str, float] = {}
    if audience:
        from policybrief.profiles import load_profiles

        profile = load_profiles(templates).get(audience, doc)
        focus = profile.focus_weights()
        if words is None and sentences is None:
            words, sentences = profile.summary.words, profile.summary.sentences
    chosen = pick(a, max_words=words, max_sentences=sentences, focus=focus)
    summary = [
        {
            "text": a.sentences[k].sentence.text,
            "section": a.sentences[k].sentence.ref.section,
            "paragraph": a.sentences[k].sentence.ref.block,
            "sentence": a.sentences[k].sentence.ref.sentence,
        }
        for k in chosen
    ]
    t = tables(a)
    return {"summary": summary, "tables": {kind: [_row(r) for r in rows] for kind, rows in t.items()}}


def _profiles_for(templates: str | Path | None, audiences: list[str] | None, doc: Document | None = None):  # noqa: ANN202
    from policybrief.profiles import load_profiles

    ps = load_profiles(templates)
    ids = audiences or ps.ids
    return [ps.get(pid, doc) for pid in ids]


def plan_text(path: str | Path, audiences: list[str] | None, templates: str | Path | None, fmt: str | None) -> str:
    """The `plan` table: per audience, its sections in order with words before and after condensing."""
    from policybrief.analysis import analyse
    from policybrief.compose import plan

    doc = read(path, fmt)
    a = analyse(doc)
    out = []
    for profile in _profiles_for(templates, audiences, doc):
        rows = plan(doc, a, profile)
        budget = profile.budget.max_words
        after = sum(r.words_after for r in rows)
        out.append(f"{profile.id}: {profile.title}  (body {after} of {budget or 'unlimited'} words)")
        out.append(f"   {'#':>2}  {'section':<60} {'before':>6} {'after':>6}")
        for i, r in enumerate(rows, 1):
            title = r.title if len(r.title) <= 60 else r.title[:57] + "..."
            out.append(f"   {i:>2}  {title:<60} {r.words_before:>6} {r.words_after:>6}")
        out.append("")
    return "\n".join(out).rstrip()


# ------------------------------------------------------------------------------------------------ build

FORMAT_NAMES = ("docx", "pdf", "md")
_SAFE_NAME = re.compile(r"^[\w.@+-][\w .@+()-]*$")


@dataclass
class Result:
    """One brief file written (or failed)."""

    essay: str
    audience: str
    format: str
    path: str = ""
    pages: int | None = None
    words: int = 0
    size: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_style(templates: str | Path | None, name: str) -> dict[str, Any]:
    from policybrief import yamlio
    from policybrief.errors import BriefError, RenderError
    from policybrief.templates_dir import find_template

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise RenderError(f"style name '{name}' must be a plain name (letters, digits, - and _)")
    path = find_template(templates, "styles", f"{name}.yaml")
    try:
        style = yamlio.load(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError:
        raise RenderError("style file is not UTF-8 text", str(path)) from None
    except BriefError as exc:
        line = getattr(exc, "line", None)
        raise RenderError(f"style file is not valid YAML ({exc.message})", f"{path}:{line}" if line else str(path)) from None
    if not isinstance(style, dict):
        raise RenderError("a style file must be a mapping", str(path))
    ref = style.get("docx_template")
    if ref:
        if not isinstance(ref, str) or "/" in ref or "\\" in ref or ref.startswith("."):
            raise RenderError(f"docx_template: '{ref}' must be a file name in the styles folder", str(path))
        style["docx_template"] = str(find_template(templates, "styles", ref))
    from policybrief.writers.style import check

    check(style, str(path))
    return style


def _check_formats(formats: list[str] | None) -> None:
    from policybrief.errors import RenderError

    for fmt in formats or []:
        if fmt not in FORMAT_NAMES:
            raise RenderError(f"unknown format '{fmt}' (known: {', '.join(FORMAT_NAMES)})")


def output_path(out_dir: Path, essay_id: str, pattern: str, profile_id: str, ext: str, date: str) -> Path:
    """Where a brief goes: inside OUT/ESSAY/, never outside it, with a safe file name."""
    from policybrief.errors import RenderError

    name = pattern.format(essay=essay_id, profile=profile_id, ext=ext, date=date)
    if "/" in name or "\\" in name or name in (".", "..") or not _SAFE_NAME.match(name):
        raise RenderError(f"file name '{name}' from the profile's filename pattern is not a plain file name")
    folder = (out_dir / essay_id).resolve()
    path = (folder / name).resolve()
    if path.parent != folder:
        raise RenderError(f"file name '{name}' would write outside the output folder", str(out_dir))
    return folder / name


def _pages(fmt: str, data_path: Path) -> int | None:
    if fmt != "pdf":
        return None
    return len(re.findall(rb"/Type /Page\b(?!s)", data_path.read_bytes()))


@dataclass
class _Task:
    """One file to render and write: everything a worker process needs, picklable."""

    essay: str
    audience: str
    format: str
    path: Path
    brief: Any
    style: dict[str, Any]


def _warm(formats: tuple[str, ...]) -> None:
    """Run in a worker as soon as it starts: import the writers (reportlab, fonts) while the parent analyses."""
    import importlib

    from policybrief.writers import WRITERS

    for fmt in formats:
        importlib.import_module(WRITERS[fmt].split(":")[0])
    if "pdf" in formats:
        from policybrief.writers.pdf import _register_family

        _register_family("sans")


def _render_task(task: _Task) -> Result:
    from policybrief.errors import BriefError
    from policybrief.writers import write

    try:
        size = write(task.format, task.brief, task.path, task.style)
    except BriefError as exc:
        return Result(task.essay, task.audience, task.format, error=str(exc))
    return Result(task.essay, task.audience, task.format, str(task.path), _pages(task.format, task.path), task.brief.body_words, size)


def _plan_tasks(essays: list[Path], ids: list[str], formats: list[str] | None, out: Path, templates, input_format,  # noqa: ANN001, ANN202
                styles: dict[str, dict[str, Any]], failed: list[Result]):
    """Read and analyse each essay once and compose each audience's brief; yield the files to write.

    `styles` holds every style the audiences use, loaded and checked once by the caller.
    """
    from policybrief.analysis import analyse
    from policybrief.compose import compose
    from policybrief.errors import BriefError
    from policybrief.profiles import load_profiles

    profiles = load_profiles(templates)
    for essay in essays:
        try:
            doc = read(essay, input_format)
            analysis = analyse(doc)
        except BriefError as exc:
            if len(essays) == 1:
                raise  # the only essay is unreadable: one line, exit 2
            failed.append(Result(str(essay), "-", "-", error=str(exc)))
            continue
        for pid in ids:
            try:
                profile = profiles.get(pid, doc)
                brief = compose(doc, analysis, profile)
            except BriefError as exc:
                failed.append(Result(str(essay), pid, "-", error=str(exc)))
                continue
            for fmt in formats or list(profile.formats):
                try:
                    path = output_path(out, brief.essay_id, profile.filename, pid, fmt, brief.date)
                except BriefError as exc:
                    failed.append(Result(str(essay), pid, fmt, error=str(exc)))
                    continue
                yield _Task(str(essay), pid, fmt, path, brief, styles[profile.style])


def build_many(
    essays: list[Path],
    audiences: list[str] | None,
    formats: list[str] | None,
    out: Path,
    templates: str | Path | None,
    *,
    jobs: int | None = None,
    input_format: str | None = None,
    progress: bool = False,
) -> list[Result]:
    """Every essay x audience x format. One failing brief does not stop the others; each result says how it went.

    The parent reads, analyses and composes (each essay once); rendering is shared with `jobs - 1` forked workers,
    started first so that they import reportlab and load fonts while the parent is still analysing. PDFs go to the
    workers and .docx/.md stay in the parent, so each process imports only the libraries it uses.
    """
    from policybrief.profiles import load_profiles

    _check_formats(formats)
    _check_essays(essays, input_format, out)
    profiles = load_profiles(templates)
    ids = audiences or profiles.ids
    wanted: set[str] = set(formats or [])
    styles: dict[str, dict[str, Any]] = {}
    for pid in ids:
        p = profiles.get(pid)  # unknown ids, invalid profiles and styles fail before any work starts
        if p.style not in styles:
            styles[p.style] = load_style(templates, p.style)
        if not formats:
            wanted.update(p.formats)
    _check_out_dir(out)
    workers = max(1, jobs or os.cpu_count() or 1)
    # What the workers will render (see _share): the PDFs, or half of the files when there is one format only.
    pool = _start_pool(workers - 1, tuple(sorted(f for f in wanted if f == "pdf" or len(wanted) == 1)))
    failed: list[Result] = []
    results: list[Result] = []
    done = _progress(0, False)
    try:
        tasks = list(_plan_tasks(essays, ids, formats, out, templates, input_format, styles, failed))
        remote, local = _share(tasks, pool is not None)
        futures = [pool.submit(_render_task, t) for t in remote] if pool else []
        done = _progress(len(tasks), progress)
        for t in local:
            results.append(_render_task(t))
            done()
        for fut in futures:
            results.append(fut.result())
            done()
    finally:
        done(finish=True)
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    order = {(str(e), pid): i for i, (e, pid) in enumerate((str(e), pid) for e in essays for pid in ids)}
    fmt_order = {f: i for i, f in enumerate(formats or FORMAT_NAMES)}
    results += failed
    results.sort(key=lambda r: (order.get((r.essay, r.audience), 0), fmt_order.get(r.format, -1)))
    return results


def _check_essays(essays: list[Path], input_format: str | None, out: Path) -> None:
    """Every essay path usable, and no two essays writing into the same output subfolder."""
    from policybrief.compose import essay_id
    from policybrief.errors import InputError
    from policybrief.readers import check_path

    seen: dict[str, Path] = {}
    for e in essays:
        check_path(Path(e), input_format)
        key = essay_id(str(e))
        if key in seen and Path(seen[key]).resolve() != Path(e).resolve():
            raise InputError(f"'{seen[key]}' and '{e}' would both write to {out / key}: rename one of them")
        seen[key] = Path(e)


def _start_pool(n: int, warm: tuple[str, ...]):  # noqa: ANN202
    """`n` forked worker processes, warming up at once; None when there is nothing to share or no fork."""
    import multiprocessing as mp

    if n < 1 or not warm or "fork" not in mp.get_all_start_methods():
        return None
    import concurrent.futures as cf

    pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"))
    for _ in range(n):
        pool.submit(_warm, warm)
    return pool


def _share(tasks: list[_Task], have_pool: bool) -> tuple[list[_Task], list[_Task]]:
    """(for the workers, for the parent): PDFs to the workers; with a single format, half each."""
    if not have_pool:
        return [], tasks
    pdf = [t for t in tasks if t.format == "pdf"]
    other = [t for t in tasks if t.format != "pdf"]
    if not pdf or not other:
        both = pdf or other
        return both[len(both) // 2 :], both[: len(both) // 2]
    return pdf, other


def _check_out_dir(out: Path) -> None:
    from policybrief.errors import RenderError

    if out.exists() and not out.is_dir():
        raise RenderError("output folder is a file", str(out))
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise RenderError("output folder is not writable", str(out))


def _progress(total: int, enabled: bool):  # noqa: ANN202
    """A callable that advances a rich progress bar (only for 8+ files on a terminal); `finish=True` closes it."""
    if not enabled or total < 8 or not sys.stderr.isatty():
        return lambda finish=False: None
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("Building briefs", total=total)
    bar.start()

    def step(finish: bool = False) -> None:
        if finish:
            bar.stop()
        else:
            bar.advance(task)

    return step


def results_table(results: list[Result]) -> str:
    rows = [("audience", "format", "pages", "words", "size", "path")]
    errors = []
    several = len({r.essay for r in results}) > 1
    for r in results:
        if r.error:
            label = " ".join(x for x in (Path(r.essay).name if several else "", r.audience, r.format) if x and x != "-")
            errors.append(f"FAILED {label}: {r.error}" if r.audience != "-" else f"FAILED {r.error}")  # read errors name the file
            continue
        size = f"{r.size / 1024:.0f} KB"
        rows.append((r.audience, r.format, str(r.pages or "-"), str(r.words), size, os.path.relpath(r.path)))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    ok = len(results) - len(errors)
    lines.append(f"{ok} brief file(s) written" + (f", {len(errors)} failed" if errors else ""))
    return "\n".join(lines + errors)


def validate_profiles(paths: list[Path], essay: Path | None, templates: str | Path | None) -> str:
    """Load and check every profile (in the given files or folders, else the templates in use)."""
    from policybrief.profiles import ProfileSet, load_profiles, read_profile_file

    ps = load_profiles(templates)
    if paths:
        files: list[Path] = []
        for p in paths:
            files += sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
        raw = dict(ps.raw)  # the loaded set is shared: extend a copy
        for f in files:
            rp = read_profile_file(f)
            raw[str(rp.data["id"])] = rp
        ps = ProfileSet(raw, ps.folder)
    doc = read(essay) if essay else None
    ids = ps.ids
    for pid in ids:
        ps.get(pid, doc)
        _recipients(ps.load(pid), {})  # delivery addresses, with file:line
        load_style(templates, ps.load(pid).profile.style)
    return f"{len(ids)} profile(s) valid" + (f" against {essay}" if essay else "") + ": " + ", ".join(ids)


def templates_init(folder: Path, force: bool) -> str:
    """Copy the packaged templates into FOLDER; existing files are kept unless --force."""
    import shutil

    from policybrief.errors import RenderError
    from policybrief.templates_dir import packaged_templates

    src = packaged_templates()
    copied, kept = [], []
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src)
        dest = folder / rel
        if dest.exists() and not force:
            kept.append(str(rel))
            continue
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        except OSError as exc:
            raise RenderError(f"cannot write ({exc.strerror})", str(dest)) from None
        copied.append(str(rel))
    msg = f"copied {len(copied)} template file(s) to {folder}"
    if kept:
        msg += f"; kept {len(kept)} existing file(s) (use --force to overwrite): {', '.join(kept)}"
    return msg + f"\nuse them with: policybrief build ESSAY --templates {folder}"


# ------------------------------------------------------------------------------------------------ email

ATTACHMENT_KINDS = {"pdf": "PDF", "docx": "Word", "md": "Markdown"}


@dataclass
class EmailResult:
    """One audience's message: where the .eml went, what it carries, and what happened to each recipient."""

    audience: str
    subject: str = ""
    sender: str = ""
    to: list[str] | None = None
    cc: list[str] | None = None
    bcc: list[str] | None = None
    eml: str = ""
    attachments: list[dict[str, Any]] | None = None
    attachment_bytes: int = 0
    warnings: list[str] | None = None
    recipients: list[dict[str, str]] | None = None
    """Per recipient: {"address", "status": sent | refused | failed | unknown, "detail"}; empty when not sending."""
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def ok(self) -> bool:
        return not self.error and all(r["status"] == "sent" for r in self.recipients or [])


def smtp_settings(
    host: str | None, port: int | None, security: str, user: str | None, *, retries: int, retry_wait: float, prompt: Any
) -> Any:
    from policybrief.delivery import smtp

    return smtp.settings(host, port, security, user, retries=retries, retry_wait=retry_wait, prompt=prompt)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _recipients(lp, overrides: dict[str, tuple]):  # noqa: ANN001, ANN202
    """(sender, to, cc, bcc) as Addresses: the command line's where given, else the profile's (errors at file:line)."""
    from policybrief.delivery.addresses import parse_address
    from policybrief.errors import DeliveryError

    d = lp.profile.delivery
    out = {}
    for key in ("to", "cc", "bcc"):
        if overrides.get(key):
            out[key] = overrides[key]
            continue
        addrs = []
        for i, text in enumerate(getattr(d, key)):
            try:
                addrs.append(parse_address(text, f"delivery.{key}[{i}]"))
            except DeliveryError as exc:
                raise DeliveryError(exc.message, lp.where("delivery", key, i)) from None
        out[key] = tuple(addrs)
    if overrides.get("sender"):
        sender = overrides["sender"][0]
    else:
        try:
            sender = parse_address(d.sender, "delivery.sender")
        except DeliveryError as exc:
            raise DeliveryError(exc.message, lp.where("delivery", "sender")) from None
    return sender, out["to"], out["cc"], out["bcc"]


def email_many(
    essay: Path,
    audiences: list[str] | None,
    *,
    out: Path,
    templates: str | Path | None = None,
    input_format: str | None = None,
    formats: list[str] | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    sender: str | None = None,
    send: bool = False,
    smtp: Any = None,
    dry_run: bool = False,
    max_mb: float | None = None,
    strict: bool = False,
) -> list[EmailResult]:
    """Per audience: build its briefs, write an .eml draft beside them and, with `send`, deliver it over `smtp`.

    Everything that can be checked is checked before the first file is written: addresses, templates, recipients,
    and (when sending) the SMTP connection and login. After that one audience's failure never stops the others.
    """
    from policybrief import clock
    from policybrief.analysis import analyse
    from policybrief.compose import compose
    from policybrief.delivery import message, templating
    from policybrief.delivery.addresses import parse_addresses
    from policybrief.errors import BriefError, DeliveryError
    from policybrief.profiles import load_profiles
    from policybrief.templates_dir import find_template
    from policybrief.writers import render, save

    _check_formats(formats)
    overrides = {k: parse_addresses(v, f"--{k}") for k, v in (("to", to), ("cc", cc), ("bcc", bcc)) if v}
    if sender:
        overrides["sender"] = parse_addresses([sender], "--sender")
    doc = read(essay, input_format)
    analysis = analyse(doc)
    ps = load_profiles(templates)
    ids = audiences or ps.ids
    for pid in ids:
        ps.load(pid)
    _check_out_dir(out)
    when = clock.now()
    essay_ctx = {"title": doc.title, "date": doc.meta("date") or "", "file": Path(essay).name}

    # Phase 1: everything in memory. A template, address or recipient problem stops here, before any write.
    planned: list[tuple[EmailResult, Any, list[tuple[Path, bytes]], Path]] = []
    for pid in ids:
        lp = ps.load(pid)
        profile = ps.get(pid, doc)
        d = profile.delivery
        from_addr, to_a, cc_a, bcc_a = _recipients(lp, overrides)
        if send and not (to_a or cc_a or bcc_a):
            raise DeliveryError(f"audience '{pid}' has no recipients: set delivery.to in its profile or give --to", lp.where("delivery"))
        brief = compose(doc, analysis, profile)
        style = load_style(templates, profile.style)
        files: list[tuple[Path, bytes]] = []
        attachments = []
        for fmt in formats or list(d.attach):
            path = output_path(out, brief.essay_id, profile.filename, pid, fmt, brief.date)
            data = render(fmt, brief, style)
            files.append((path, data))
            attachments.append(message.Attachment(path.name, data, fmt))
        eml_path = output_path(out, brief.essay_id, profile.filename, pid, "eml", brief.date)
        ctx = {
            "brief": message.brief_context(brief),
            "profile": {"id": profile.id, "title": profile.title, "audience": profile.audience, "description": profile.description},
            "essay": {**essay_ctx, "id": brief.essay_id},
            "attachments": [{"filename": a.filename, "kind": ATTACHMENT_KINDS[a.format], "size": _size(len(a.data))} for a in attachments],
            "language": brief.language,
        }
        subject = templating.render(d.subject, ctx, where=lp.where("delivery", "subject"))
        subject = subject.strip()  # a line break inside stays, and message.build rejects it
        text_t = find_template(templates, "email", d.text_template)
        html_t = find_template(templates, "email", d.html_template)
        text = templating.render(text_t.read_text(encoding="utf-8"), ctx, where=str(text_t))
        html = templating.render(html_t.read_text(encoding="utf-8"), ctx, where=str(html_t), html=True)
        outgoing = message.Outgoing(pid, from_addr, to_a, cc_a, bcc_a, subject, text, html, tuple(attachments), when)
        try:
            message.build(outgoing, draft=True)
        except DeliveryError as exc:
            raise DeliveryError(exc.message, lp.where("delivery", "subject")) from None
        res = EmailResult(
            pid, subject, str(from_addr), [str(a) for a in to_a], [str(a) for a in cc_a], [str(a) for a in bcc_a], str(eml_path),
            [{"filename": a.filename, "format": a.format, "size": len(a.data), "path": str(p)} for a, (p, _) in zip(attachments, files, strict=True)],
            outgoing.attachment_bytes, [], [],
        )
        budget = max_mb if max_mb is not None else d.max_attachment_mb
        if outgoing.attachment_bytes > budget * 1024 * 1024:
            over = f"attachments total {_size(outgoing.attachment_bytes)}, over the {budget:g} MB budget"
            if strict:
                res.error = over + " (--strict)"
            else:
                res.warnings = [over]
        planned.append((res, outgoing, files, eml_path))
    if dry_run:
        return [p[0] for p in planned]

    session = None
    if send:
        if smtp is None:
            raise DeliveryError("no SMTP settings given for --send")
        from policybrief.delivery.smtp import Sender

        session = Sender(smtp)
        session.check()  # bad host, no STARTTLS, wrong password: exit 2, nothing written
    try:
        # Phase 2: write the briefs and the drafts.
        for res, outgoing, files, eml_path in planned:
            if res.error:
                continue
            try:
                for path, data in files:
                    save(path, data)
                save(eml_path, message.as_bytes(message.build(outgoing, draft=True)))
            except BriefError as exc:
                res.error = str(exc)
        # Phase 3: send.
        if session is not None:
            for res, outgoing, _files, _eml in planned:
                if res.error:
                    continue
                sent = session.send(message.build(outgoing, draft=False), outgoing.sender.addr_spec, outgoing.recipients)
                res.recipients = [{"address": d.address, "status": d.status, "detail": d.detail} for d in sent]
                if any(d.status in ("sent", "unknown") for d in sent):
                    # The .eml becomes the record of what was sent: no X-Unsent, so nobody sends it twice by mistake.
                    # "unknown" (the server may have kept it) counts as sent here: the user decides whether to resend.
                    try:
                        save(Path(res.eml), message.as_bytes(message.build(outgoing, draft=False, keep_bcc=True)))
                    except BriefError as exc:
                        res.warnings = [*(res.warnings or []), f"sent, but the .eml record was not updated: {exc}"]
    finally:
        if session is not None:
            session.close()
    return [p[0] for p in planned]


def email_table(results: list[EmailResult], *, sending: bool, dry_run: bool) -> str:
    lines = []
    for r in results:
        head = f"{r.audience}: {r.subject}"
        lines.append(head)
        if r.error:
            lines.append(f"   FAILED: {r.error}")
            continue
        for label, addrs in (("to", r.to), ("cc", r.cc), ("bcc", r.bcc)):
            if addrs:
                lines.append(f"   {label + ':':<7}{', '.join(addrs)}")
        att = ", ".join(f"{a['filename']} ({_size(a['size'])})" for a in r.attachments or [])
        lines.append(f"   {'files:':<7}{att}")
        lines.append(f"   {'draft:':<7}{os.path.relpath(r.eml) if not dry_run else '(dry run: not written)'}")
        for w in r.warnings or []:
            lines.append(f"   warning: {w}")
        for d in r.recipients or []:
            lines.append(f"   {d['status'].upper():<8}{d['address']}" + (f"  ({d['detail']})" if d["status"] != "sent" else ""))
    ok = sum(1 for r in results if r.ok)
    verb = "would be written" if dry_run else ("sent" if sending else "written as drafts")
    if sending and not dry_run:
        n_sent = sum(1 for r in results for d in r.recipients or [] if d["status"] == "sent")
        n_all = sum(len(r.recipients or []) for r in results)
        n_unknown = sum(1 for r in results for d in r.recipients or [] if d["status"] == "unknown")
        lines.append(f"{ok} of {len(results)} message(s) fully sent; {n_sent} of {n_all} recipient(s) accepted"
                     + (f", {n_unknown} unknown (not resent)" if n_unknown else ""))
    else:
        lines.append(f"{ok} of {len(results)} message(s) {verb}")
    return "\n".join(lines)
