"""Where briefs go and how they are written: one folder per essay inside the output folder, safe file names,
atomic writes. Nothing is written outside the output folder.

Every file a run will write is planned before the first is written (`check_outputs`): two briefs (or a brief and
an .eml) with one path, or a brief that would land on the essay itself, stop the run; so does an essay folder or
a file there that is a symbolic link, since writing through it would put briefs somewhere else. The writes
themselves (`atomic_write`) hold on to the essay folder by descriptor and never follow a link either, so a link
swapped in after the check is refused too.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from policybrief import interrupt
from policybrief.errors import BriefError, InputError, RenderError
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
    """Where a brief goes: inside OUT/ESSAY/, never outside it, with a safe file name. OUT is the user's and is
    resolved; ESSAY and the name are plain names, never followed through a link (see `check_outputs`)."""
    name = pattern.format(essay=essay, profile=profile_id, ext=ext, date=date)
    if "/" in name or "\\" in name or name in (".", "..") or not _SAFE_NAME.match(name):
        raise RenderError(f"file name '{name}' from the profile's filename pattern is not a plain file name")
    return out_dir.resolve() / essay / name


@dataclass(frozen=True)
class Planned:
    """One file a run will write, and what writes it (for the error when two would share a path)."""

    path: Path
    what: str
    """"the pdf brief for principals", "the .eml for principals"..."""
    pattern: str = ""
    """Where its name's pattern is set ("audiences/principals.yaml:12"), when a profile sets it."""


def _key(path: Path) -> str:
    # Case folded: on a case-insensitive file system (macOS, Windows) "A.pdf" and "a.pdf" are one file.
    return os.path.normcase(str(path)).casefold()


def check_outputs(planned: Sequence[Planned], inputs: Sequence[Path] = ()) -> None:
    """Before anything is written: every planned path is distinct, none is an input (the essay, its sidecar), and
    none would be written through a symbolic link. One RenderError line naming both producers otherwise."""
    ins: dict[str, Path] = {}
    for given in inputs:
        try:
            ins[_key(given.resolve())] = given
        except OSError:
            continue
    seen: dict[str, Planned] = {}
    for p in planned:
        key = _key(p.path)
        if key in ins:
            raise RenderError(f"{p.what} would overwrite the input file {ins[key]}{_patterns(p)}", str(p.path))
        first = seen.get(key)
        if first is not None:
            case = " (file names that differ only in case are one file on some systems)" if str(first.path) != str(p.path) else ""
            raise RenderError(
                f"{first.what} and {p.what} would both be written to this file{case}{_patterns(first, p)}", str(p.path)
            )
        seen[key] = p
    for folder in dict.fromkeys(p.path.parent for p in planned):
        _check_folder(folder)
    for p in planned:
        _check_target(p.path)


def _patterns(*planned: Planned) -> str:
    where = list(dict.fromkeys(p.pattern for p in planned if p.pattern))
    if not where:
        return ""
    return (
        f": give them different filename patterns ({' and '.join(where)})"
        if len(planned) > 1
        else f" (filename pattern at {where[0]})"
    )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise RenderError(f"cannot check ({exc.strerror or exc})", str(path)) from None


def _check_folder(folder: Path) -> None:
    st = _lstat(folder)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise RenderError(
            "the essay's output folder is a symbolic link; briefs are never written through a link "
            "(remove it, or choose another --out)",
            str(folder),
        )
    if not stat.S_ISDIR(st.st_mode):
        raise RenderError("the essay's output folder is a file, not a folder", str(folder))


def _check_target(path: Path) -> None:
    st = _lstat(path)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise RenderError("is a symbolic link; a brief is never written through a link (remove it)", str(path))
    if stat.S_ISDIR(st.st_mode):
        raise RenderError("is a folder; a brief cannot replace it", str(path))


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


PENDING: set[str] = set()
"""Temporary files being written by this process right now: removed by `discard_pending` when the process is told
to stop (a worker's SIGTERM handler) so that no `.part` file outlives an interrupted build."""

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_BY_FD = {os.open, os.replace, os.stat, os.unlink} <= os.supports_dir_fd


def temp_name(name: str, pid: int | None = None) -> str:
    """The temporary name a file is written under, beside it: `.NAME.PID.RANDOM.part`."""
    return f".{name}.{os.getpid() if pid is None else pid}.{secrets.token_hex(4)}.part"


def discard_pending() -> None:
    """Remove this process's unfinished temporary files (safe in a signal handler: no locks, no allocation worth
    mentioning)."""
    for tmp in list(PENDING):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        PENDING.discard(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename over it: readers never see half a file.

    The essay folder is opened without following a link and held by descriptor; the temporary file is created new
    (never through a link) and renamed over the target, which must not be a link or a folder."""
    folder, name = path.parent, path.name
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    if not _BY_FD:  # pragma: no cover - a platform without *at() calls: check, then write by path
        _check_folder(folder)
        _check_target(path)
        _write_by_path(path, data)
        return
    try:
        dfd = os.open(folder, _DIR_FLAGS)
    except OSError:
        _check_folder(folder)  # a link or a file: the precise line
        raise
    try:
        tmp = temp_name(name)
        PENDING.add(str(folder / tmp))
        try:
            fd = os.open(tmp, _NEW_FLAGS, 0o644, dir_fd=dfd)
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fh.fileno(), 0o644)
                fh.write(data)
            try:
                st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
            except FileNotFoundError:
                pass
            else:
                if stat.S_ISLNK(st.st_mode) or stat.S_ISDIR(st.st_mode):
                    _check_target(path)
            interrupt.check()  # stopped (and the exception swallowed somewhere): nothing is committed
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dfd)
            except OSError:
                pass
            raise
        finally:
            PENDING.discard(str(folder / tmp))
    finally:
        os.close(dfd)


def _write_by_path(path: Path, data: bytes) -> None:  # pragma: no cover - see atomic_write
    tmp = path.parent / temp_name(path.name)
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        interrupt.check()
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
    except BriefError:
        raise
    except PermissionError:
        raise RenderError("cannot write here (permission denied)", str(path.parent)) from None
    except OSError as exc:
        raise RenderError(f"cannot write ({exc.strerror or exc})", str(path)) from None
