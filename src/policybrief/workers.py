"""Rendering in forked worker processes: started first, so that they import the writers and load fonts while the
parent is still reading and analysing; then PDFs go to the workers and the lighter formats stay in the parent.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from policybrief.errors import BriefError
from policybrief.model import Brief
from policybrief.outputs import Result, save
from policybrief.writers.style import Style


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
    pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"))
    for _ in range(n):
        pool.submit(_warm, formats, styles)
    return pool


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
        results.append(render_task(t))
        step()
    for fut in futures:
        results.append(fut.result())
        step()
    return results
