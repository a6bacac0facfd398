"""The plain-text reader: decoding, front matter or sidecar metadata, `text.parse_text`, then the title.

The title is the front matter's or the sidecar's, else the document's opening line when `titles.split_title` finds
one (a title line over the first heading), else the file name.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from policybrief import yamlio
from policybrief.errors import InputError
from policybrief.model import Document
from policybrief.readers import decode_text
from policybrief.readers.assemble import assemble
from policybrief.readers.headings import DEFAULT_PARAMS, HeadingParams
from policybrief.readers.raw import RawDocument, RawHeading, RawPara
from policybrief.readers.text import parse_text
from policybrief.readers.titles import split_title

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
METADATA_KEYS = ("title", "subtitle", "organisation", "organization", "date", "author", "classification", "keywords")


def split_front_matter(text: str, where: str) -> tuple[dict[str, str], int]:
    """YAML front matter between `---` lines: its fields and where the body starts."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, 0
    try:
        data = yamlio.load(m.group(1))
    except yamlio.YamlSyntaxError as exc:  # the YAML starts on the file's second line
        raise InputError(f"front matter is not valid YAML ({exc.message})", f"{where}:{exc.line + 1}") from None
    if not isinstance(data, dict):
        return {}, 0
    return _as_metadata(data), m.end()


def sidecar_metadata(path: Path) -> dict[str, str]:
    """Metadata from the essay's sidecar (`ESSAY.yaml` beside it), if it has one."""
    from policybrief import sidecar

    return dict(sidecar.load(path).metadata)


def _as_metadata(data: dict[object, object]) -> dict[str, str]:
    out = {}
    for k, v in data.items():
        if v is None:
            continue
        key = "organisation" if k == "organization" else str(k)
        out[key] = ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    return out


_DATE_LINE = re.compile(
    r"(?im)^(?:.*[|>]\s*|version\s*v?[\d.]+,?\s*)?[*_]*(?:published|date|dated|issued|(?:last )?updated|revised|created)"
    r"[*_]*\s*(?::|(?<=[a-z])(?=\s+\d|\s+[a-z]{3}))\s*[*_]*\s*"
    r"(\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4}|"
    r"\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{4})\b"
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_HEAD_LINES = 12


def stated_date(text: str) -> str | None:
    """The date the document states near its top ("**Published:** 2026-03-03", "Date: March 3, 2026", "Version 1.0,
    updated 14 January 2025"), as
    YYYY-MM-DD; None when its first lines state none."""
    head = "\n".join(text.lstrip("\ufeff").splitlines()[:_HEAD_LINES])
    m = _DATE_LINE.search(head)
    if m is None:
        return None
    value = m.group(1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        year, month, day = (int(x) for x in value.split("-"))
    else:
        words = re.findall(r"[a-z]+|\d+", value, re.I)  # "March 3, 2026" or "3 March 2026"
        name = next(w for w in words if w.isalpha())
        day, year = (int(w) for w in words if w.isdigit())
        month = _MONTHS.index(name[:3].lower()) + 1
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:  # "2026-02-30": not a date, so not the document's
        return None


def title_from_path(path: Path) -> str:
    return re.sub(r"[-_.]+", " ", path.stem).strip().capitalize() or "Essay"  # "govreport_08.report" -> "Govreport 08 report"


def read(path: Path, data: bytes, params: HeadingParams = DEFAULT_PARAMS) -> Document:
    """A plain-text essay; `params` weighs the heading evidence (the bench passes tuned ones)."""
    text, notes = decode_text(data, str(path))
    meta = sidecar_metadata(path)
    front, body_start = split_front_matter(text, str(path))
    meta.update(front)
    if "date" not in meta and (date := stated_date(text[body_start:])):
        meta["date"] = date
    # Blank out the front matter so offsets still point into the file as read.
    body = " " * body_start + text[body_start:] if body_start else text
    raw = parse_text(body, params)
    if not raw.elements:
        raise InputError("no text found in the essay", str(path))
    found, elements = split_title(raw.elements, levels=False)
    raw_doc = RawDocument(elements, text, metadata=meta, notes=notes, front_matter=body_start)
    return assemble(titled(raw_doc, found, path), str(path), "text")


def titled(raw: RawDocument, found: RawHeading | RawPara | None, path: Path) -> RawDocument:
    """The document's title: the metadata's, else the title line found in the text (cleaned and its clean-ups
    reported by `assemble`), else the file name."""
    if raw.metadata.get("title"):
        raw.title = raw.metadata["title"]
    elif found is not None:
        raw.title, raw.title_piece = " ".join(found.text.split()), found.piece
    else:
        raw.title = title_from_path(path)
    return raw
