"""Rendering in forked worker processes: started first, so that they import the writers and load fonts while the
parent is still reading and analysing; then PDFs go to the workers and the lighter formats stay in the parent.

Workers never outlive the build. Each asks the kernel for SIGTERM when its parent dies (Linux: PR_SET_PDEATHSIG),
checks that its parent is still the one that started it before it writes a file, ignores Ctrl-C (the terminal
sends it to the whole process group; the parent decides), and on SIGTERM removes its unfinished `.part` file and
exits at once. When the build stops early (Ctrl-C, SIGTERM, an error), `stop_pool` terminates the workers and
removes whatever temporary files they left.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import NoReturn

from policybrief import interrupt
from policybrief.errors import BriefError
from policybrief.model import Brief
from policybrief.outputs import Result, discard_pending, save
from policybrief.writers.style import Style

_PR_SET_PDEATHSIG = 1
_parent = 0
"""The pid of the build that started this worker (0 in the build's own process)."""


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _stop(signum: int = signal.SIGTERM, frame: FrameType | None = None) -> NoReturn:
    """SIGTERM in a worker: remove the file being written, exit now (no cleanup that could block)."""
    discard_pending()
    os._exit(128 + signum)


def _die_with_parent() -> None:
    """Ask the kernel to send SIGTERM when the parent dies (Linux); elsewhere the pid check alone."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        pass


def _init_worker(parent: int) -> None:
    global _parent
    _parent = parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    _die_with_parent()
    _check_parent()  # the parent may have died before the request above


def _check_parent() -> None:
    """In a worker: stop at once when the build that started it is gone (the worker was adopted by init)."""
    if _parent and os.getppid() != _parent:
        _stop()


@dataclass(frozen=True)
class Task:
    """One file to render and write: everything a worker process needs, picklable."""

    essay: str
    audience: str
    format: str
    path: Path
    brief: Brief
    style: Style


def render_task(task: Task) -> Result:
    """Render and write one file; a user-facing problem becomes the result's error."""
    from policybrief.writers import render

    try:
        out = render(task.format, task.brief, task.style)
        _check_parent()  # nothing is written after the build is gone
        save(task.path, out.data)
    except BriefError as exc:
        return Result(task.essay, task.audience, task.format, error=str(exc))
    return Result(task.essay, task.audience, task.format, str(task.path), out.pages, task.brief.body_words, len(out.data))


def _warm(formats: tuple[str, ...], styles: tuple[Style, ...]) -> None:
    from policybrief.writers import warm_up

    warm_up(formats, styles)


def start_pool(n: int, formats: tuple[str, ...], styles: tuple[Style, ...]) -> cf.ProcessPoolExecutor | None:
    """`n` forked workers, warming up at once for `formats`; None when there is nothing to share or no fork."""
    if n < 1 or not formats or "fork" not in mp.get_all_start_methods():
        return None
    pool = cf.ProcessPoolExecutor(
        max_workers=n, mp_context=mp.get_context("fork"), initializer=_init_worker, initargs=(os.getpid(),)
    )
    for _ in range(n):
        pool.submit(_warm, formats, styles)
    return pool


def stop_pool(pool: cf.ProcessPoolExecutor, paths: Iterable[Path]) -> None:
    """End the workers now (the build was interrupted or failed): SIGTERM, which each answers by removing its
    `.part` file and exiting; SIGKILL for one that does not within two seconds; then remove any temporary file a
    worker left beside `paths`."""
    handles = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    for proc in handles:
        if proc.is_alive():
            proc.terminate()
    for proc in handles:
        proc.join(2)
        if proc.is_alive():
            proc.kill()
            proc.join(2)
    pids = {proc.pid for proc in handles if proc.pid is not None}
    for path in dict.fromkeys(paths):
        for pid in pids:
            for left in path.parent.glob(f".{glob_escape(path.name)}.{pid}.*.part"):
                try:
                    left.unlink()
                except OSError:
                    pass
    # With its workers gone the pool's manager thread ends at once; waiting for it here avoids a race in
    # concurrent.futures' exit hook, which would wake the thread through a pipe it is closing.
    pool.shutdown(wait=True, cancel_futures=True)


def glob_escape(name: str) -> str:
    """A file name as a glob pattern that matches only itself."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def shared_formats(wanted: Iterable[str]) -> tuple[str, ...]:
    """The formats workers render (see `share`): PDFs, or every format when there is only one."""
    wanted = sorted(set(wanted))
    return tuple(f for f in wanted if f == "pdf" or len(wanted) == 1)


def share(tasks: list[Task], have_pool: bool) -> tuple[list[Task], list[Task]]:
    """(for the workers, for the parent): PDFs to the workers; with a single format, half each."""
    if not have_pool:
        return [], tasks
    pdf = [t for t in tasks if t.format == "pdf"]
    other = [t for t in tasks if t.format != "pdf"]
    if not pdf or not other:
        both = pdf or other
        return both[len(both) // 2 :], both[: len(both) // 2]
    return pdf, other


def run_tasks(tasks: list[Task], pool: cf.ProcessPoolExecutor | None, step: Callable[[], None]) -> list[Result]:
    """Render every task, shared between the pool and this process; `step` is called after each file."""
    remote, local = share(tasks, pool is not None)
    futures = [pool.submit(render_task, t) for t in remote] if pool is not None else []
    results = []
    for t in local:
        interrupt.check()
        results.append(render_task(t))
        step()
    for fut in futures:
        results.append(fut.result())
        interrupt.check()
        step()
    return results
