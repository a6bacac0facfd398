"""The command line: parse options, call `commands`, print. A `BriefError` becomes one line and exit code 2."""

from __future__ import annotations

import json
import re
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NoReturn

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer >= 0.29 vendors click

from policybrief import __version__
from policybrief.errors import BriefError

app = typer.Typer(
    help="Turn one long analytical essay into tailored policy briefs (Word, PDF, email), one per audience.\n\n"
    "Example: policybrief build seeds/china-russia-partnership.txt --all",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
audiences_app = typer.Typer(help="List, show and validate audience profiles.", no_args_is_help=True)
templates_app = typer.Typer(help="Copy the default templates to customise them.", no_args_is_help=True)
app.add_typer(audiences_app, name="audiences")
app.add_typer(templates_app, name="templates")

FROM_OPT = typer.Option(None, "--from", help="Input format: text, markdown or docx (default: from the suffix).")
NO_PACKAGED_OPT = typer.Option(
    False, "--no-packaged", help="Only the profiles in --templates are audiences (the packaged ones can still be extended)."
)
TEMPLATES_OPT = typer.Option(
    None, "--templates", help="Templates folder (default: ./templates if present, else the packaged defaults)."
)


def _version(value: bool) -> None:
    if value:
        print(f"policybrief {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """policybrief: one essay in, one brief per audience out."""


_C1 = re.compile("[\x7f-\x9f]")
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _print(text: str) -> None:
    """Print text that may quote the user's files (titles, sentences, paths): control characters shown escaped
    (`\x1b`), never sent raw to the terminal; line breaks and tabs kept."""
    sys.stdout.write(_SHOWN.sub(lambda m: repr(m.group())[1:-1], text) + "\n")


def _print_json(data: object) -> None:
    """JSON escapes C0 controls itself; DEL and the C1 controls (which some terminals obey) are escaped here too."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


@app.command()
def inspect(
    essay: Path = typer.Argument(..., help="The essay: .txt, .md or .docx."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (sections, lists...)."),
    fmt: str | None = FROM_OPT,
) -> None:
    """Show how an essay was read: outline, lists and their roles, clean-ups, repeated sentences.

    Example: policybrief inspect seeds/china-russia-partnership.txt --json
    """
    from policybrief import commands
    from policybrief.report import inspect_text

    data = commands.inspect(essay, fmt)
    if as_json:
        _print_json({k: data[k] for k in ("sections", "lists", "title", "words", "cleanups", "duplicates", "warnings")})
    else:
        _print(inspect_text(data))


@app.command()
def summarize(
    essay: Path = typer.Argument(..., help="The essay."),
    words: int | None = typer.Option(None, "--words", min=1, help="Summary length in words."),
    sentences: int | None = typer.Option(None, "--sentences", min=1, help="Summary length in sentences."),
    audience: str | None = typer.Option(None, "--audience", help="Weight the summary to this profile's focus."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary and findings tables as JSON."),
    templates: Path | None = TEMPLATES_OPT,
    fmt: str | None = FROM_OPT,
) -> None:
    """Print an extractive executive summary (real sentences of the essay) as one paragraph.

    Example: policybrief summarize seeds/china-russia-partnership.txt --words 120 --audience defense-planners
    """
    from policybrief import commands

    if words is not None and sentences is not None:
        raise BriefError("give --words or --sentences, not both")
    data = commands.summarize(essay, words=words, sentences=sentences, audience=audience, templates=templates, fmt=fmt)
    if as_json:
        _print_json(data)
    else:
        _print(" ".join(s["text"] for s in data["summary"]))


@app.command()
def plan(
    essay: Path = typer.Argument(..., help="The essay."),
    audience: list[str] = typer.Option([], "--audience", "-a", help="Audience profile id (repeatable; default: all)."),
    templates: Path | None = TEMPLATES_OPT,
    no_packaged: bool = NO_PACKAGED_OPT,
    fmt: str | None = FROM_OPT,
) -> None:
    """Show which sections each audience gets, in what order, with word counts before and after condensing.

    Example: policybrief plan seeds/china-russia-partnership.txt -a principals -a economic-energy
    """
    from policybrief import commands
    from policybrief.report import plan_text

    plans = commands.plan(essay, audience or None, templates, fmt, packaged=not no_packaged)
    _warn(w for p in plans for w in p.warnings)
    _print(plan_text(plans))
    if any(p.error for p in plans):
        raise typer.Exit(1)


@app.command()
def check(
    essay: Path = typer.Argument(..., help="The essay."),
    audience: list[str] = typer.Option([], "--audience", "-a", help="Audience profile id (repeatable; default: all)."),
    strict: bool = typer.Option(False, "--strict", help="A dangling sentence is an error (exit code 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
    templates: Path | None = TEMPLATES_OPT,
    no_packaged: bool = NO_PACKAGED_OPT,
    fmt: str | None = FROM_OPT,
) -> None:
    """Read each audience's brief as its reader would: sentences quoted without what they lean on ("Another
    limitation..." without the first, "This..." without what it points at, a premise without the essay's answer),
    budget use, and sentences said twice. Nothing is written.

    Example: policybrief check report.md --strict
    """
    import dataclasses

    from policybrief import commands, pipeline
    from policybrief.report import check_text

    reports = commands.check(pipeline.Job((essay,), tuple(audience) or None, templates, fmt, packaged=not no_packaged))
    if as_json:
        _print_json([{**dataclasses.asdict(r), "budget_used": r.budget_used} for r in reports])
    else:
        _print(check_text(reports))
    if strict and any(r.dangling for r in reports):
        raise typer.Exit(1)


@app.command()
def build(
    essays: list[Path] = typer.Argument(..., help="One or more essays."),
    audience: list[str] = typer.Option([], "--audience", "-a", help="Audience profile id (repeatable)."),
    all_audiences: bool = typer.Option(False, "--all", help="Every audience profile (the default)."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="Comma-separated formats: docx, pdf, md (default: the profile's)."
    ),
    out: Path = typer.Option(Path("briefs"), "--out", "-o", help="Output folder (one subfolder per essay)."),
    templates: Path | None = TEMPLATES_OPT,
    no_packaged: bool = NO_PACKAGED_OPT,
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Parallel processes (default and at most: the CPUs available)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
    input_format: str | None = FROM_OPT,
) -> None:
    """Build briefs for every essay x audience x format. Existing briefs are replaced atomically.

    Every file is checked before the first is written: two briefs on one path, a brief over the essay, or a symbolic link in the output folder stop the build.

    Exit code: 0 all written, 1 a brief failed, 2 bad input (nothing written), 130 Ctrl-C, 143 SIGTERM (worker processes end with the build and unfinished files are removed).

    Example: policybrief build seeds/china-russia-partnership.txt --all --format docx,pdf --out briefs
    """
    from policybrief import commands, pipeline
    from policybrief.report import results_table
    from policybrief.workers import cpu_count

    _audiences_or_all(audience, all_audiences)
    job = pipeline.Job(tuple(essays), tuple(audience) or None, templates, input_format, _formats(fmt), out, not no_packaged)
    if jobs is not None and jobs > (cpus := cpu_count()):
        sys.stderr.write(f"policybrief: note: --jobs {jobs} is more than the {cpus} CPU(s) here; using {cpus}\n")
        jobs = cpus
    results, warnings = commands.build(job, jobs=jobs, progress=not as_json)
    _warn(warnings)
    if as_json:
        _print_json([r.as_dict() for r in results])
    else:
        _print(results_table(results))
    if any(r.error for r in results):
        raise typer.Exit(1)


@app.command()
def email(
    essay: Path = typer.Argument(..., help="The essay."),
    audience: list[str] = typer.Option([], "--audience", "-a", help="Audience profile id (repeatable)."),
    all_audiences: bool = typer.Option(False, "--all", help="Every audience profile (the default)."),
    to: list[str] = typer.Option([], "--to", help="Recipient (repeatable); replaces the profile's delivery.to."),
    cc: list[str] = typer.Option([], "--cc", help="Cc recipient (repeatable); replaces delivery.cc."),
    bcc: list[str] = typer.Option([], "--bcc", help="Bcc recipient (repeatable); replaces delivery.bcc."),
    sender: str | None = typer.Option(None, "--sender", help="From address (default: the profile's delivery.sender)."),
    fmt: str | None = typer.Option(
        None, "--attach", help="Comma-separated files to attach: pdf, docx, md (default: delivery.attach)."
    ),
    send: bool = typer.Option(False, "--send", help="Deliver over SMTP (otherwise only write .eml drafts)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be written or sent; write and send nothing."),
    out: Path = typer.Option(Path("briefs"), "--out", "-o", help="Output folder: briefs and .eml go in OUT/ESSAY/."),
    max_mb: float | None = typer.Option(
        None, "--max-size", min=0.001, help="Attachment budget in MB (default: delivery.max_attachment_mb, 10)."
    ),
    strict: bool = typer.Option(False, "--strict", help="An audience over the attachment budget fails instead of warning."),
    smtp_host: str | None = typer.Option(None, "--smtp-host", envvar="PB_SMTP_HOST", help="SMTP server [env PB_SMTP_HOST]."),
    smtp_port: int | None = typer.Option(
        None, "--smtp-port", envvar="PB_SMTP_PORT", help="Port (default 587, 465 with tls, 25 with none) [env PB_SMTP_PORT]."
    ),
    smtp_security: str = typer.Option(
        "starttls", "--smtp-security", envvar="PB_SMTP_SECURITY", help="starttls, tls or none [env PB_SMTP_SECURITY]."
    ),
    smtp_user: str | None = typer.Option(
        None,
        "--smtp-user",
        envvar="PB_SMTP_USER",
        help="Login; the password comes from PB_SMTP_PASSWORD or a prompt [env PB_SMTP_USER].",
    ),
    retries: int = typer.Option(2, "--retries", min=0, help="Retries after a temporary SMTP failure."),
    retry_wait: float = typer.Option(
        2.0, "--retry-wait", min=0, envvar="PB_SMTP_RETRY_WAIT", help="Seconds before the first retry (doubles each time)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the messages and per-recipient results as JSON."),
    templates: Path | None = TEMPLATES_OPT,
    no_packaged: bool = NO_PACKAGED_OPT,
    input_format: str | None = FROM_OPT,
) -> None:
    """Write each audience's brief as an email draft (.eml beside the briefs) and, with --send, deliver it.

    The body carries the executive summary and key judgments (text and HTML); the briefs are attached.
    Drafts carry X-Unsent: 1, so a mail client opens them ready to edit and send.
    Exit code: 0 all well, 1 an audience or recipient failed, 2 bad input or settings (nothing written or sent).

    Example: policybrief email seeds/china-russia-partnership.txt -a principals --to "Jane Doe <jane@example.gov>"

    Example: PB_SMTP_PASSWORD=... policybrief email essay.txt --all --send --smtp-host smtp.example.gov --smtp-user analyst
    """
    from policybrief import commands, pipeline
    from policybrief.report import email_table

    _audiences_or_all(audience, all_audiences)
    settings = None
    if send and not dry_run:
        settings = commands.smtp_settings(
            smtp_host, smtp_port, smtp_security, smtp_user, retries=retries, retry_wait=retry_wait, prompt=_prompt_password()
        )
    job = pipeline.Job((essay,), tuple(audience) or None, templates, input_format, _formats(fmt), out, not no_packaged)
    results = commands.email(
        job, to=to, cc=cc, bcc=bcc, sender=sender, send=send, smtp=settings, dry_run=dry_run, max_mb=max_mb, strict=strict
    )
    _warn(w if w.startswith(f"{r.audience}:") else f"{r.audience}: {w}" for r in results for w in r.warnings)
    if as_json:
        _print_json([r.as_dict() for r in results])
    else:
        _print(email_table(results, sending=send, dry_run=dry_run))
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def _warn(warnings: Iterable[str]) -> None:
    for w in warnings:
        sys.stderr.write(f"policybrief: warning: {one_line(w)}\n")


def _formats(fmt: str | None) -> tuple[str, ...] | None:
    """ "docx, pdf" -> ("docx", "pdf"); None when not given (each profile's own formats)."""
    return tuple(f.strip() for f in fmt.split(",") if f.strip()) if fmt else None


def _audiences_or_all(audience: list[str], all_audiences: bool) -> None:
    if audience and all_audiences:
        raise BriefError("give --audience (-a) or --all, not both")


def _prompt_password() -> Callable[[str], str] | None:
    """getpass when someone is at the terminal; None otherwise (then PB_SMTP_PASSWORD must be set)."""
    if not sys.stdin.isatty():
        return None
    import getpass

    return getpass.getpass


@audiences_app.command("list")
def audiences_list(templates: Path | None = TEMPLATES_OPT, no_packaged: bool = NO_PACKAGED_OPT) -> None:
    """List the audience profiles: id, title, budget, where defined.

    Example: policybrief audiences list --templates my-templates
    """
    from policybrief.profiles import load_profiles

    _print(load_profiles(templates, packaged=not no_packaged).table())


@audiences_app.command("show")
def audiences_show(profile_id: str = typer.Argument(..., metavar="ID"), templates: Path | None = TEMPLATES_OPT) -> None:
    """Print one profile as merged after inheritance (`extends`).

    Example: policybrief audiences show principals
    """
    from policybrief.profiles import load_profiles

    _print(load_profiles(templates).show(profile_id))


@audiences_app.command("validate")
def audiences_validate(
    paths: list[Path] = typer.Argument(None, help="Profile files or folders to check (default: every profile in use)."),
    essay: Path | None = typer.Option(
        None, "--essay", help="Also check section ids (and the essay's sidecar) against this essay."
    ),
    templates: Path | None = TEMPLATES_OPT,
    no_packaged: bool = NO_PACKAGED_OPT,
) -> None:
    """Check profiles: YAML, keys, types, inheritance, addresses, styles and (with --essay) section ids.

    Every problem is reported, one line each, and the exit code is 2 if there is any.

    Example: policybrief audiences validate my-templates/audiences/energy-minister.yaml --templates my-templates --essay report.md
    """
    from policybrief import commands

    _print(commands.validate_profiles(paths or [], essay, templates, packaged=not no_packaged))


@templates_app.command("init")
def templates_init(
    folder: Path = typer.Argument(..., help="Where to copy the templates (must not already hold them)."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that already exist."),
) -> None:
    """Copy the default templates (profiles, .docx reference, PDF style, email) for customising.

    Example: policybrief templates init my-templates && policybrief build essay.txt --templates my-templates
    """
    from policybrief.templates_dir import init_templates

    _print(init_templates(folder, force))


def one_line(text: str, limit: int = 2000) -> str:
    """Text as one printable line: control characters (a newline in a path, say) shown escaped, length bounded."""
    if len(text) > limit:
        text = text[: limit // 2] + " ... " + text[-limit // 4 :]
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _usage_error(exc: UsageError) -> str:
    """Click's usage error as one line, with the command to ask for help."""
    msg = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    return f"{msg} (see '{ctx.command_path} --help')" if ctx is not None else msg


def _fail(messages: list[str], code: int) -> NoReturn:
    for message in messages:
        sys.stderr.write(f"policybrief: error: {one_line(message)}\n")
    sys.exit(code)


def main() -> None:
    """Run the app; every user mistake (ours or the command line's) is one line on stderr and exit code 2.
    Ctrl-C ends with "interrupted" and exit code 130, SIGTERM with "terminated" and 143."""
    from policybrief import interrupt

    interrupt.install()
    try:
        from policybrief import clock

        clock.source_date()  # a bad SOURCE_DATE_EPOCH fails before any work (reportlab reads it as well)
        code = app(standalone_mode=False)
    except BriefError as exc:
        _fail(exc.lines(), exc.exit_code)
    except NoArgsIsHelpError as exc:  # `policybrief` or `policybrief audiences` alone: typer has printed the help
        sys.exit(exc.exit_code)
    except UsageError as exc:
        _fail([_usage_error(exc)], 2)
    except ClickException as exc:
        _fail([exc.format_message()], max(2, exc.exit_code))
    except interrupt.Stopped as exc:
        sys.stderr.write("policybrief: terminated\n" if exc.signum == signal.SIGTERM else "policybrief: interrupted\n")
        sys.exit(128 + exc.signum)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("policybrief: interrupted\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
