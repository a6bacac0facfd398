"""Reading the user's input files safely: regular files only, and never more bytes than the caller's limit.

A FIFO would block the read forever and a link to /dev/zero or /dev/urandom would read until memory runs out, so
anything that is not a regular file is refused before it is opened for reading, and the file is opened without
blocking and checked again on the open descriptor (it may have been swapped in between).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from policybrief.errors import BriefError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: Path, error: type[BriefError], where: str | None = None) -> os.stat_result:
    """The file's stat (following links); an `error` when it is missing, a folder, a device, a FIFO or a socket."""
    where = where or str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise error("no such file", where) from None
    except PermissionError:
        raise error("cannot read the file (permission denied)", where) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror or type(exc).__name__})", where) from None
    if stat.S_ISDIR(st.st_mode):
        raise error("is a folder, not a file", where)
    if not stat.S_ISREG(st.st_mode):
        raise error(f"is {_kind(st.st_mode)}, not a regular file", where)
    return st


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def read_limited(path: Path, limit: int, error: type[BriefError], where: str | None = None, what: str = "file") -> bytes:
    """At most `limit` bytes of a regular file; a larger (or growing) file is an `error`, as is an unreadable one."""
    where = where or str(path)
    st = check_regular(path, error, where)
    if st.st_size > limit:
        raise error(f"{what} is {_size(st.st_size)}; more than {_size(limit)} is refused", where)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise error("cannot read the file (permission denied)", where) from None
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror or type(exc).__name__})", where) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the check
            raise error("is not a regular file", where)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(f"cannot read the file ({exc.strerror or type(exc).__name__})", where) from None
    finally:
        os.close(fd)
    if total > limit:
        raise error(f"{what} is larger than {_size(limit)}; refused", where)
    return b"".join(chunks)


def read_text_limited(path: Path, limit: int, error: type[BriefError], where: str | None = None, what: str = "file") -> str:
    """`read_limited` decoded as UTF-8; other encodings are an `error`."""
    where = where or str(path)
    data = read_limited(path, limit, error, where, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (invalid byte at offset {exc.start})", where) from None
