"""What the terminal shows: the stable JSON shapes of `inspect` and `summarize`, and the tables of `inspect`,
`plan`, `build` and `email`. Formatting only: no reading, analysing or writing happens here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policybrief.model import Document, FindingRow, Paragraph, Section, Sentence, TableKind

if TYPE_CHECKING:
    from policybrief.analysis import Analysis
    from policybrief.check import Report
    from policybrief.commands import Plan
    from policybrief.delivery.package import EmailResult
    from policybrief.outputs import Result


def outline(doc: Document) -> dict[str, Any]:
    """`{"sections": [...], "lists": [...]}`: the shape `policybrief inspect --json` prints. Keep it stable."""

    def sec(s: Section) -> dict[str, Any]:
        return {
            "id": s.id,
            "title": s.title,
            "level": s.level,
            "role": s.role,
            "words": s.words,
            "sections": [sec(c) for c in s.subsections],
        }

    lists = [
        {
            "section": s.id,
            "role": bl.role,
            "lead_in": bl.lead_in.text if bl.lead_in else None,
            "items": [it.text for it in bl.items],
        }
        for s, bl in doc.lists()
    ]
    return {"sections": [sec(s) for s in doc.sections], "lists": lists}


CLEANUPS_SHOWN = 200
"""Clean-ups listed one by one in the terminal view (all of them are counted by kind, and all are in the JSON)."""
UNMARKED_WORDS = 3000
"""An essay this long in two sections or fewer has headings the reader did not see."""
ONE_LINERS = 12
"""This many one-line paragraphs (a fifth of them or more) look like headings or list items read as text."""
EMPTY_SECTIONS = 5
"""This many sections without a word of their own (three in ten or more) look like lines taken for headings."""
ROLELESS_LISTS = 4
"""This many lists and not one with a role: findings tables will find nothing in lists."""


def outline_warnings(doc: Document) -> list[str]:
    """What looks wrong in how the essay was read, and what to try."""
    out = []
    sections = [s for s in doc.walk() if s.role != "back-matter" or s.heading_ref is not None]
    body = doc.words - sum(s.own_words for s in doc.walk() if s.role == "back-matter")
    if body >= UNMARKED_WORDS and len(sections) <= 2:
        how = {
            "markdown": "mark headings with '#'",
            "docx": "give headings a Heading style",
            "text": "put each heading on a line of its own, with blank lines around it",
        }.get(doc.format, "mark headings")
        alt = "--from text" if doc.format == "markdown" else "--from markdown" if doc.format == "text" else "--from markdown/text"
        out.append(f"{body:,} words in {len(sections)} section(s): headings may be unmarked; try {alt}, or {how}")
    paras = [b for s in doc.walk() if s.role != "back-matter" for b in s.blocks if type(b) is Paragraph]
    short = [
        b for b in paras if len(b.sentences) == 1 and len(b.text.split()) <= 12 and not b.text.rstrip().endswith((".", "?", "!"))
    ]
    if len(short) >= ONE_LINERS and len(short) >= 0.2 * len(paras):
        examples = "; ".join(f'"{b.text[:40]}"' for b in short[:3])
        out.append(
            f"{len(short)} of {len(paras)} paragraphs are one short line ({examples}...): they may be headings or "
            "list items read as text; mark them as such, or try another --from"
        )
    leaves = [s for s in doc.walk() if s.heading_ref is not None and not s.subsections]
    empty = [s for s in leaves if not s.own_words]
    if len(empty) >= EMPTY_SECTIONS and len(empty) >= 0.3 * len(leaves):
        examples = "; ".join(f'"{s.title[:40]}"' for s in empty[:3])
        out.append(
            f"{len(empty)} of {len(leaves)} sections hold no text ({examples}...): short lines may have been taken "
            "for headings; try another --from, or separate list items and headings clearly"
        )
    lists = list(doc.lists())
    if len(lists) >= ROLELESS_LISTS and all(bl.role == "other" for _, bl in lists):
        out.append(
            f"none of the {len(lists)} lists has a role (key judgments, drivers, limitations, recommendations): "
            "introduce them with a line that names them ('The main risks are:'), or set roles in the sidecar"
        )
    return out


def inspect_data(doc: Document, duplicates: list[tuple[Sentence, Sentence]]) -> dict[str, Any]:
    """`inspect --json`: the outline, lists, clean-ups, (sentence, the earlier sentence it repeats) pairs, and
    warnings about the outline (`outline_warnings`)."""
    data = outline(doc)
    data["title"] = doc.title
    data["format"] = doc.format
    data["words"] = doc.words
    data["cleanups"] = [
        {
            "kind": c.kind,
            "before": c.before,
            "after": c.after,
            "offset": c.offset,
            "context": _context(doc.source, c.offset, c.end),
        }
        for c in doc.cleanups
    ]
    data["warnings"] = outline_warnings(doc)
    data["duplicates"] = [
        {"sentence": s.text, "section": s.ref.section, "repeats": earlier.text, "repeats_section": earlier.ref.section}
        for s, earlier in duplicates
    ]
    data["notes"] = list(doc.notes)
    return data


def _context(source: str, start: int, end: int, width: int = 20) -> str:
    """The source around a clean-up, on one line, for reading it in a list."""
    return " ".join(source[max(0, start - width) : min(len(source), end + width)].split())


def inspect_text(data: dict[str, Any]) -> str:
    """The terminal view of `inspect`."""
    out = [f"{data['title']}  ({data['format']}, {data['words']} words)", "", "Outline"]

    def walk(secs: list[dict[str, Any]]) -> None:
        for s in secs:
            indent = "  " * s["level"]
            role = "" if s["role"] == "analysis" else f"  ({s['role']})"
            out.append(f"{indent}{s['title']}  [{s['id']}]  {s['words']} words{role}")
            walk(s["sections"])

    walk(data["sections"])
    out += ["", "Lists"]
    for lst in data["lists"] or []:
        lead = f' after "{lst["lead_in"]}"' if lst["lead_in"] else ""
        out.append(f"  {lst['role']:<14} {len(lst['items'])} items in [{lst['section']}]{lead}")
        for it in lst["items"]:
            out.append(f"      - {it if len(it) < 90 else it[:87] + '...'}")
    if not data["lists"]:
        out.append("  (none)")
    kinds: dict[str, int] = {}
    for c in data["cleanups"]:
        kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
    by_kind = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    out += ["", f"Clean-ups ({len(data['cleanups'])}{': ' + by_kind if by_kind else ''})"]
    for c in data["cleanups"][:CLEANUPS_SHOWN]:
        out.append(f"  {c['kind']:<26} {c['before'][:60]!r} -> {c['after'][:60]!r}  in '{c.get('context', '')}'")
    if len(data["cleanups"]) > CLEANUPS_SHOWN:
        out.append(f"  ... {len(data['cleanups']) - CLEANUPS_SHOWN} more (inspect --json lists them all)")
    out += ["", f"Near-duplicate sentences ({len(data['duplicates'])}; kept, but summaries skip repeats)"]
    for d in data["duplicates"]:
        out.append(f"  [{d['section']}] {d['sentence'][:80]}...")
        out.append(f"      repeats [{d['repeats_section']}] {d['repeats'][:80]}...")
    for note in data["notes"]:
        out.append(f"note: {note}")
    for w in data.get("warnings", []):
        out.append(f"warning: {w}")
    return "\n".join(out)


def summary_data(analysis: Analysis, chosen: list[int], tables: dict[TableKind, list[FindingRow]]) -> dict[str, Any]:
    """`summarize --json`: `{"summary": [{"text", "section", "paragraph", "sentence"}], "tables": {...}}`."""
    summary = [
        {
            "text": analysis.sentences[k].sentence.text,
            "section": analysis.sentences[k].sentence.ref.section,
            "paragraph": analysis.sentences[k].sentence.ref.block,
            "sentence": analysis.sentences[k].sentence.ref.sentence,
        }
        for k in chosen
    ]
    rows = {
        kind: [{"item": r.item.text, "evidence": [e.text for e in r.evidence], "section": r.section} for r in found]
        for kind, found in tables.items()
    }
    return {"summary": summary, "tables": rows}


def plan_text(plans: Sequence[Plan]) -> str:
    """The `plan` table: per audience, its sections in order with words before and after condensing."""
    out = []
    for plan in plans:
        if plan.profile is None:
            out += [f"{plan.audience}: FAILED: {plan.error}", ""]
            continue
        profile, rows = plan.profile, plan.rows
        budget = profile.budget.max_words
        after = sum(r.words_after for r in rows)
        out.append(f"{profile.id}: {profile.title}  (body {after} of {budget or 'unlimited'} words)")
        out.append(f"   {'#':>2}  {'section':<60} {'before':>6} {'after':>6}")
        for i, r in enumerate(rows, 1):
            title = r.title if len(r.title) <= 60 else r.title[:57] + "..."
            out.append(f"   {i:>2}  {title:<60} {r.words_before:>6} {r.words_after:>6}")
        out.append("")
    return "\n".join(out).rstrip()


def check_text(reports: Sequence[Report]) -> str:
    """`policybrief check`: per audience, budget use, then every dangling sentence and repeat."""
    out = []
    for r in reports:
        used = f"{r.body_words} of {r.budget} words ({r.budget_used:.0%})" if r.budget else f"{r.body_words} words"
        used += f", fitted to {r.pages} page(s)" if r.pages else ""
        out.append(f"{r.audience}: body {used}; {len(r.dangling)} dangling; {len(r.repeats)} repeated")
        out += [f"   dangling {p}" for p in r.dangling]
        out += [f"   repeated {p}" for p in r.repeats]
    total = sum(len(r.dangling) for r in reports)
    out.append(f"{len(reports)} brief(s) checked: {total} dangling sentence(s), {sum(len(r.repeats) for r in reports)} repeat(s)")
    return "\n".join(out)


def results_table(results: list[Result]) -> str:
    """The closing table of `build`: one line per file written, then a count, then one line per failure."""
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


def email_table(results: list[EmailResult], *, sending: bool, dry_run: bool) -> str:
    """What `email` did per audience: recipients, files, the draft, and each recipient's fate when sending."""
    from policybrief.delivery.package import human_size

    lines = []
    for r in results:
        lines.append(f"{r.audience}: {r.subject}")
        if r.error:
            lines.append(f"   FAILED: {r.error}")
            continue
        for label, addrs in (("to", r.to), ("cc", r.cc), ("bcc", r.bcc)):
            if addrs:
                lines.append(f"   {label + ':':<7}{', '.join(addrs)}")
        att = ", ".join(f"{a['filename']} ({human_size(a['size'])})" for a in r.attachments)
        lines.append(f"   {'files:':<7}{att}")
        lines.append(f"   {'draft:':<7}{os.path.relpath(r.eml) if not dry_run else '(dry run: not written)'}")
        for w in r.warnings:
            lines.append(f"   warning: {w}")
        for d in r.recipients:
            lines.append(f"   {d['status'].upper():<8}{d['address']}" + (f"  ({d['detail']})" if d["status"] != "sent" else ""))
    ok = sum(1 for r in results if r.ok)
    verb = "would be written" if dry_run else ("sent" if sending else "written as drafts")
    if sending and not dry_run:
        n_sent = sum(1 for r in results for d in r.recipients if d["status"] == "sent")
        n_all = sum(len(r.recipients) for r in results)
        n_unknown = sum(1 for r in results for d in r.recipients if d["status"] == "unknown")
        lines.append(
            f"{ok} of {len(results)} message(s) fully sent; {n_sent} of {n_all} recipient(s) accepted"
            + (f", {n_unknown} unknown (not resent)" if n_unknown else "")
        )
    else:
        lines.append(f"{ok} of {len(results)} message(s) {verb}")
    return "\n".join(lines)


def progress_bar(total: int, enabled: bool) -> Callable[..., None]:
    """A callable that advances a rich progress bar (only for 8+ files on a terminal); `step(True)` closes it."""
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
