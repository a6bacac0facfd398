"""Where briefs go and how they are written: one folder per essay inside the output folder, safe file names,
atomic writes. Nothing is written outside the output folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policybrief.errors import InputError, RenderError
from policybrief.lang.words import slugify

_SAFE_NAME = re.compile(r"^[\w.@+-][\w .@+()-]*$")


@dataclass
class Result:
    """One brief file written (or failed): a line of the build's closing table and of `build --json`."""

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


def essay_id(path: str, title: str = "") -> str:
    """The essay's slug, from its file name (else its title): names the output subfolder and the brief files."""
    return slugify(os.path.splitext(os.path.basename(path))[0] or title, "essay")


def output_path(out_dir: Path, essay: str, pattern: str, profile_id: str, ext: str, date: str) -> Path:
    """Where a brief goes: inside OUT/ESSAY/, never outside it, with a safe file name."""
    name = pattern.format(essay=essay, profile=profile_id, ext=ext, date=date)
    if "/" in name or "\\" in name or name in (".", "..") or not _SAFE_NAME.match(name):
        raise RenderError(f"file name '{name}' from the profile's filename pattern is not a plain file name")
    folder = (out_dir / essay).resolve()
    path = (folder / name).resolve()
    if path.parent != folder:
        raise RenderError(f"file name '{name}' would write outside the output folder", str(out_dir))
    return folder / name


def check_out_dir(out: Path) -> None:
    """The output folder can be created or written to."""
    if out.exists() and not out.is_dir():
        raise RenderError("output folder is a file", str(out))
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not os.access(probe, os.W_OK | os.X_OK):
        raise RenderError("output folder is not writable", str(out))


def check_essay_folders(essays: list[Path], out: Path) -> None:
    """No two essays write into the same output subfolder."""
    seen: dict[str, Path] = {}
    for e in essays:
        key = essay_id(str(e))
        if key in seen and seen[key].resolve() != Path(e).resolve():
            raise InputError(f"'{seen[key]}' and '{e}' would both write to {out / key}: rename one of them")
        seen[key] = Path(e)


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


def save(path: Path, data: bytes) -> None:
    """`atomic_write` with the user-facing errors (permission, disk full...)."""
    try:
        atomic_write(path, data)
    except PermissionError:
        raise RenderError("cannot write here (permission denied)", str(path.parent)) from None
    except OSError as exc:
        raise RenderError(f"cannot write ({exc.strerror or exc})", str(path)) from None
