"""Essay readers, chosen by file suffix (or by name with `--from`), each imported on first use.

`read_essay(path)` checks the file (exists, is a file, not empty, not binary, not too large, decodable), reads
it with the right reader and returns a `Document`.
"""

from __future__ import annotations

import codecs
import importlib
from collections.abc import Callable
from pathlib import Path

from policybrief.errors import InputError
from policybrief.fileio import check_regular, read_limited
from policybrief.model import Document

READERS: dict[str, str] = {
    "text": "policybrief.readers.text_reader:read",
    "markdown": "policybrief.readers.markdown:read",
    "docx": "policybrief.readers.docx:read",
}
SUFFIXES: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
}
MAX_BYTES = 20 * 1024 * 1024
"""Essays above this size are refused: even a book-length report is a few megabytes of text."""


def reader_for(path: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in READERS:
            raise InputError(f"unknown input format '{fmt}' (known: {', '.join(READERS)})", str(path))
        return fmt
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(s for s in SUFFIXES if s)
        raise InputError(
            f"cannot tell the format from the suffix '{suffix}' (known: {known}); use --from text|markdown|docx",
            str(path),
        )
    return SUFFIXES[suffix]


def check_path(path: Path, fmt: str | None = None) -> None:
    """The cheap checks (known format, exists, is a file), for commands that take many essays to make up front."""
    reader_for(path, fmt)
    _check_file(path)


def _check_file(path: Path) -> None:
    """Exists, is not a folder, and is a regular file (a FIFO, device or socket is refused without reading it)."""
    if not path.exists():
        raise InputError("no such file", str(path))
    if path.is_dir():
        raise InputError("is a folder, not an essay file", str(path))
    check_regular(path, InputError)


def load_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks every reader needs; never more than MAX_BYTES are read."""
    where = str(path)
    _check_file(path)
    data = read_limited(path, MAX_BYTES, InputError, where, what="file")
    if not data.strip():
        raise InputError("file is empty", where)
    return data


# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def _decode_bom(data: bytes, where: str) -> tuple[str, list[str]] | None:
    """UTF-16 or UTF-32 text that says so with a byte order mark (as Windows tools write it), else None."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"starts with a {name} byte order mark but is not {name} text (bad data at offset {exc.start + len(bom)})",
                    where,
                ) from None
            head = text[:8192]
            if "\x00" in head or sum(c < "\t" or "\r" < c < " " for c in head) > len(head) * 0.05:
                raise InputError("looks like a binary file, not text (use a .txt, .md or .docx essay)", where)
            if not text.strip():
                raise InputError("file is empty", where)
            return text, [f"{where}: decoded as {name} (byte order mark)"]
    return None


def decode_text(data: bytes, where: str) -> tuple[str, list[str]]:
    """UTF-8 (a BOM is dropped), UTF-16/UTF-32 with a BOM (with a note), else Windows-1252 with a note; binary data is refused."""
    bom = _decode_bom(data, where)
    if bom is not None:
        return bom
    head = data[:8192]
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) * 0.05:
        raise InputError("looks like a binary file, not text (use a .txt, .md or .docx essay)", where)
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(f"not UTF-8 text (invalid byte at offset {first_bad}) and not Windows-1252 either", where) from None
    return text, [f"{where}: not UTF-8 (invalid byte at offset {first_bad}); decoded as Windows-1252"]


def read_essay(path: str | Path, fmt: str | None = None) -> Document:
    """Read an essay file into a Document."""
    p = Path(path)
    name = reader_for(p, fmt)
    data = load_bytes(p)
    module, func = READERS[name].split(":")
    reader: Callable[[Path, bytes], Document] = getattr(importlib.import_module(module), func)
    doc = reader(p, data)
    from policybrief import sidecar

    return doc.with_roles(sidecar.check_roles(sidecar.load(p), [s.id for s in doc.walk()]))
