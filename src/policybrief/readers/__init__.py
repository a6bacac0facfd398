"""Essay readers, chosen by file suffix (or by name with `--from`), each imported on first use.

`read_essay(path)` checks the file (exists, is a file, not empty, not binary, not too large, decodable), reads
it with the right reader and returns a `Document`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from policybrief.errors import InputError
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
    if not path.exists():
        raise InputError("no such file", str(path))
    if path.is_dir():
        raise InputError("is a folder, not an essay file", str(path))


def load_bytes(path: Path) -> bytes:
    """The file's bytes, after the checks every reader needs."""
    where = str(path)
    _check_file(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"file is {size / 1e6:.0f} MB; essays above {MAX_BYTES // 2**20} MB are refused", where)
        data = path.read_bytes()
    except PermissionError:
        raise InputError("cannot read the file (permission denied)", where) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc})", where) from None
    if not data.strip():
        raise InputError("file is empty", where)
    return data


def decode_text(data: bytes, where: str) -> tuple[str, list[str]]:
    """UTF-8 (a BOM is dropped), else Windows-1252 with a note; binary data is refused."""
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
