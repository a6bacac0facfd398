"""Plain-data views of a Document and its Analysis for `inspect` and `summarize` (the stable JSON shapes)."""

from __future__ import annotations

from typing import Any

from policybrief.model import Document, Section, SourceRef


def outline(doc: Document) -> dict[str, Any]:
    """`{"sections": [...], "lists": [...]}`: the shape `policybrief inspect --json` prints. Keep it stable."""

    def sec(s: Section) -> dict[str, Any]:
        return {"id": s.id, "title": s.title, "level": s.level, "words": s.words, "sections": [sec(c) for c in s.subsections]}

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


def inspect_data(doc: Document, duplicates: list[tuple[SourceRef, str, SourceRef, str]]) -> dict[str, Any]:
    data = outline(doc)
    data["title"] = doc.title
    data["format"] = doc.format
    data["words"] = doc.words
    data["cleanups"] = [{"kind": c.kind, "before": c.before, "after": c.after, "offset": c.offset} for c in doc.cleanups]
    data["duplicates"] = [
        {"sentence": text, "section": ref.section, "repeats": earlier_text, "repeats_section": earlier.section}
        for ref, text, earlier, earlier_text in duplicates
    ]
    data["notes"] = list(doc.notes)
    return data


def inspect_text(data: dict[str, Any]) -> str:
    """The terminal view of `inspect`."""
    out = [f"{data['title']}  ({data['format']}, {data['words']} words)", "", "Outline"]

    def walk(secs: list[dict[str, Any]]) -> None:
        for s in secs:
            indent = "  " * s["level"]
            out.append(f"{indent}{s['title']}  [{s['id']}]  {s['words']} words")
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
    out += ["", f"Clean-ups ({len(data['cleanups'])})"]
    for c in data["cleanups"]:
        out.append(f"  {c['kind']:<26} {c['before'].strip()!r} -> {c['after'].strip()!r}")
    out += ["", f"Near-duplicate sentences ({len(data['duplicates'])}; kept, but summaries skip repeats)"]
    for d in data["duplicates"]:
        out.append(f"  [{d['section']}] {d['sentence'][:80]}...")
        out.append(f"      repeats [{d['repeats_section']}] {d['repeats'][:80]}...")
    for note in data["notes"]:
        out.append(f"note: {note}")
    return "\n".join(out)
