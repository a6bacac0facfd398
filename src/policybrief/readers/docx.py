"""Word documents through python-docx: Title, Heading styles and outline levels, list paragraphs, tables.

A document with no heading styles at all gets its headings from how paragraphs are set (bold, larger, numbered:
`readers.docx_headings`)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policybrief.errors import InputError
from policybrief.model import Document
from policybrief.readers import docx_headings
from policybrief.readers.assemble import assemble
from policybrief.readers.docx_headings import Look
from policybrief.readers.pieces import Piece
from policybrief.readers.raw import RawDocument, RawElement, RawHeading, RawList, RawTable, heading, para
from policybrief.readers.text import BULLET
from policybrief.readers.text_reader import sidecar_metadata, title_from_path

if TYPE_CHECKING:
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MAX_ENTRIES = 5_000
"""Most files in the zip package (a Word document has a few dozen, a few hundred with many images)."""
MAX_UNPACKED = 128 * 2**20
"""Most bytes the whole package may unpack to (a zip bomb unpacks to gigabytes)."""
MAX_XML_PART = 32 * 2**20
"""Most bytes one XML part may unpack to (word/document.xml of a book-length report is a few megabytes)."""


def _level(paragraph: Paragraph, style: ParagraphStyle | None) -> int | None:
    """Heading level from the style name ("Heading 2") or the outline level in the paragraph or its style."""
    name = style.name if style is not None else ""
    m = re.match(r"Heading (\d)", name or "")
    if m:
        return int(m.group(1))
    for el in (paragraph._p.pPr, getattr(style, "element", None)):
        if el is None:
            continue
        ol = el.find(f".//{_W}outlineLvl")
        if ol is not None:
            val = int(ol.get(f"{_W}val", "9"))
            if val < 9:
                return val + 1
    return None


def _is_list(paragraph: Paragraph, style: ParagraphStyle | None) -> tuple[bool, bool]:
    name = (style.name if style is not None else "") or ""
    has_num = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
    if name.startswith("List Number"):
        return True, True
    return name.startswith(("List Bullet", "List Paragraph", "List")) or has_num, False


def _chain(style: Any, attr: str) -> Any:
    """A font property from a style or the styles it is based on (None when none sets it)."""
    seen = 0
    while style is not None and seen < 16:
        value = getattr(style.font, attr, None)
        if value is not None:
            return value
        style, seen = style.base_style, seen + 1
    return None


def _look(p: Paragraph, pstyle: ParagraphStyle | None, default_size: float | None) -> Look:
    """Whether every run with text is bold, and the smallest font size, with styles and defaults followed."""
    runs = [r for r in p.runs if r.text.strip()]
    bold = bool(runs)
    sizes: list[float] = []
    style_bold = _chain(pstyle, "bold")
    style_size = _chain(pstyle, "size")
    for r in runs:
        b = r.bold if r.bold is not None else _chain(r.style, "bold") if r.style is not None else None
        bold = bold and bool(b if b is not None else style_bold)
        size = r.font.size or (_chain(r.style, "size") if r.style is not None else None) or style_size
        pt = float(size.pt) if size is not None else default_size
        if pt is not None:
            sizes.append(pt)
    return Look(bold, min(sizes) if sizes else default_size, len(p.text))


def _default_size(d: Any) -> float | None:
    """The document's default font size (w:docDefaults, in half-points), in points."""
    node = d.styles.element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr/{_W}sz")
    try:
        return int(node.get(f"{_W}val")) / 2 if node is not None else None
    except (TypeError, ValueError):
        return None


def read(path: Path, data: bytes) -> Document:
    import docx

    where = str(path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError("not a .docx file (it is not a zip package)", where)
    check_package(data, where)
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise InputError(f"cannot open as a Word document ({type(exc).__name__})", where) from None
    body = d.element.body
    if body is None:
        raise InputError("not a Word document: word/document.xml has no <w:body>", where)
    styles: dict[str | None, ParagraphStyle | None] = {}  # python-docx looks a paragraph's style up anew each time, slowly

    def style_of(p: Paragraph) -> ParagraphStyle | None:
        sid = p._p.style
        if sid not in styles:
            styles[sid] = p.style
        return styles[sid]

    parts: list[str] = []
    pos = 0
    elements: list[RawElement] = []
    title = ""
    current: RawList | None = None
    looks: dict[int, Look] = {}  # plain paragraphs by element index: how they are set, for unstyled headings
    default_size = _default_size(d)

    def emit(text: str) -> int:
        nonlocal pos
        start = pos
        parts.append(text + "\n\n")
        pos += len(text) + 2
        return start

    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            from docx.text.paragraph import Paragraph

            p = Paragraph(child, d)
            text = p.text.replace("\n", " ")
            if not text.strip():
                continue
            off = emit(text)
            pstyle = style_of(p)
            style = (pstyle.name if pstyle is not None else "") or ""
            is_list, ordered = _is_list(p, pstyle)
            if style == "Title" and not title:
                title = text.strip()
                continue
            level = _level(p, pstyle)
            if is_list and level is None:
                m = BULLET.match(text)
                cut = m.end() if m else 0
                if current is None:
                    current = RawList([], ordered)
                    elements.append(current)
                current.items.append(Piece.verbatim(text[cut:], off + cut))
                current.markers.append(text[:cut].strip())
                continue
            current = None
            if level is not None:
                elements.append(heading(text, off, level))
            else:
                looks[len(elements)] = _look(p, pstyle, default_size)
                elements.append(para(text, off))
        elif child.tag == f"{_W}tbl":
            from docx.table import Table

            current = None
            t = Table(child, d)
            rows = [[cell.text.strip() for cell in row.cells] for row in t.rows]
            off = emit(" | ".join(" | ".join(r) for r in rows))
            at = off
            pieces: list[list[Piece]] = []
            for r in rows:
                pieces.append([])
                for cell in r:
                    pieces[-1].append(Piece.verbatim(cell, at))
                    at += len(cell) + 3
            if rows:
                elements.append(RawTable(pieces[0], pieces[1:], off, pos - 2))
    meta = sidecar_metadata(path)
    cp = d.core_properties
    for key, val in (("title", cp.title), ("author", cp.author), ("subject", cp.subject), ("keywords", cp.keywords)):
        if val and key not in meta:
            meta[key] = str(val)
    if not elements and not title:
        raise InputError("no text found in the Word document", where)
    if not any(isinstance(e, RawHeading) for e in elements):
        elements, found = docx_headings.promote(elements, looks)
        title = title or found
    heads = [e for e in elements if isinstance(e, RawHeading)]
    top = min((h.level for h in heads), default=1)
    for h in heads:
        h.level = h.level - top + 1
    doc_title = meta.get("title") or title or title_from_path(path)
    return assemble(RawDocument(elements, "".join(parts), doc_title, meta), where, "docx")


def check_package(data: bytes, where: str) -> None:
    """Refuse zip bombs before python-docx unpacks anything: the entry count and the unpacked sizes are checked in
    the zip's directory, and then by inflating each entry with a cap, since a directory can lie about sizes."""
    if data.count(b"PK\x01\x02") > MAX_ENTRIES:  # directory entries, counted before zipfile builds a list of them
        raise InputError(f"the .docx package holds more than {MAX_ENTRIES:,} files; refused", where)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise InputError(f"not a .docx file (a broken zip package: {exc})", where) from None
    if len(infos) > MAX_ENTRIES:
        raise InputError(f"the .docx package holds more than {MAX_ENTRIES:,} files; refused", where)
    total = 0
    for info in infos:
        cap = MAX_XML_PART if info.filename.endswith((".xml", ".rels")) else MAX_UNPACKED
        if info.file_size > cap or total + info.file_size > MAX_UNPACKED:
            raise InputError(
                f"the .docx package unpacks to more than {min(cap, MAX_UNPACKED) // 2**20} MB; refused (a zip bomb?)", where
            )
        size = _unpacked_size(data, info, info.file_size, where)
        if size != info.file_size:
            raise InputError(
                f"the .docx package is damaged or forged ('{info.filename[:60]}' is not the size its directory says)", where
            )
        total += size


def _unpacked_size(data: bytes, info: zipfile.ZipInfo, declared: int, where: str) -> int:
    """Bytes the entry really inflates to, counted in small steps and never more than `declared` + 1."""
    if info.flag_bits & 0x1:
        raise InputError("the .docx package is encrypted", where)
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputError("not a .docx file (a broken zip package)", where)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return len(raw)
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise InputError(f"the .docx package uses an unsupported compression (method {info.compress_type})", where)
    inflater = zlib.decompressobj(-15)
    size, pos, step = 0, 0, 1 << 16
    try:
        while size <= declared and not inflater.eof:
            if inflater.unconsumed_tail:
                chunk = inflater.unconsumed_tail
            elif pos < len(raw):
                chunk, pos = raw[pos : pos + step], pos + step
            else:
                break
            size += len(inflater.decompress(chunk, step))
    except zlib.error:
        raise InputError(f"not a .docx file (damaged data in '{info.filename[:60]}')", where) from None
    return size
