"""Word documents through python-docx: Title, Heading styles and outline levels, list paragraphs, tables."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from policybrief.errors import InputError
from policybrief.model import Document
from policybrief.readers.assemble import assemble
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawPara, RawTable
from policybrief.readers.text import BULLET
from policybrief.readers.text_reader import sidecar_metadata, title_from_path

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph as DocxParagraph

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _level(paragraph: DocxParagraph) -> int | None:
    """Heading level from the style name ("Heading 2") or the outline level in the paragraph or its style."""
    name = paragraph.style.name if paragraph.style is not None else ""
    m = re.match(r"Heading (\d)", name or "")
    if m:
        return int(m.group(1))
    for el in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        if el is None:
            continue
        ol = el.find(f".//{_W}outlineLvl")
        if ol is not None:
            val = int(ol.get(f"{_W}val", "9"))
            if val < 9:
                return val + 1
    return None


def _is_list(paragraph: DocxParagraph) -> tuple[bool, bool]:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    has_num = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if name.startswith("List Number"):
        return True, True
    return name.startswith(("List Bullet", "List Paragraph", "List")) or has_num, False


def read(path: Path, data: bytes) -> Document:
    import docx

    where = str(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not a .docx file (it is not a zip package)", where)
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise InputError(f"cannot open as a Word document ({type(exc).__name__})", where) from None
    parts: list[str] = []
    pos = 0
    elements: list[RawElement] = []
    title = ""
    current: RawList | None = None

    def emit(text: str) -> int:
        nonlocal pos
        start = pos
        parts.append(text + "\n\n")
        pos += len(text) + 2
        return start

    body = d.element.body
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            from docx.text.paragraph import Paragraph

            p = Paragraph(child, d)
            text = p.text.replace("\n", " ")
            if not text.strip():
                continue
            off = emit(text)
            style = (p.style.name if p.style is not None else "") or ""
            is_list, ordered = _is_list(p)
            if style == "Title" and not title:
                title = text.strip()
                continue
            level = _level(p)
            if is_list and level is None:
                m = BULLET.match(text)
                cut = m.end() if m else 0
                if current is None:
                    current = RawList([], ordered)
                    elements.append(current)
                current.items.append((text[cut:], off + cut))
                current.markers.append(text[:cut].strip())
                continue
            current = None
            if level is not None:
                elements.append(RawHeading(text, off, level))
            else:
                elements.append(RawPara(text, off))
        elif child.tag == f"{_W}tbl":
            from docx.table import Table

            current = None
            t = Table(child, d)
            rows = [[cell.text.strip() for cell in row.cells] for row in t.rows]
            off = emit(" | ".join(" | ".join(r) for r in rows))
            if rows:
                elements.append(RawTable(rows[0], rows[1:], off, pos - 2))
    meta = sidecar_metadata(path)
    cp = d.core_properties
    for key, val in (("title", cp.title), ("author", cp.author), ("subject", cp.subject), ("keywords", cp.keywords)):
        if val and key not in meta:
            meta[key] = str(val)
    if not elements and not title:
        raise InputError("no text found in the Word document", where)
    heads = [e for e in elements if isinstance(e, RawHeading)]
    top = min((h.level for h in heads), default=1)
    for h in heads:
        h.level = h.level - top + 1
    doc_title = meta.get("title") or title or title_from_path(path)
    return assemble(RawDocument(elements, "".join(parts), doc_title, meta), where, "docx")
