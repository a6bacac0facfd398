"""Writers: one per format, each seeing only a `Brief`; a registry by format name, imported on first use.

`write(fmt, brief, path, style)` writes atomically: to a temporary file in the target folder, then renamed.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Any

from policybrief.errors import RenderError
from policybrief.model import Brief

WRITERS: dict[str, str] = {
    "docx": "policybrief.writers.docx:render",
    "pdf": "policybrief.writers.pdf:render",
    "md": "policybrief.writers.markdown:render",
}


def render(fmt: str, brief: Brief, style: dict[str, Any]) -> bytes:
    """The file's bytes for one format."""
    if fmt not in WRITERS:
        raise RenderError(f"unknown format '{fmt}' (known: {', '.join(WRITERS)})")
    module, func = WRITERS[fmt].split(":")
    return getattr(importlib.import_module(module), func)(brief, style)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write(fmt: str, brief: Brief, path: Path, style: dict[str, Any]) -> int:
    data = render(fmt, brief, style)
    save(path, data)
    return len(data)


def save(path: Path, data: bytes) -> None:
    """`atomic_write` with the user-facing errors (permission, disk full...)."""
    try:
        atomic_write(path, data)
    except PermissionError:
        raise RenderError("cannot write here (permission denied)", str(path.parent)) from None
    except OSError as exc:
        raise RenderError(f"cannot write ({exc.strerror or exc})", str(path)) from None
