"""Ctrl-C and SIGTERM: an exception in the main thread, so that what is under way is undone on the way out (worker
processes, `.part` files), and a flag that stays set, so that a library's bare `except:` that swallows the
exception cannot let the run go on writing files: `check` raises again at the next file.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

_received = 0


class Stopped(BaseException):
    """The run was stopped by a signal; the command line exits with 128 + its number (130 Ctrl-C, 143 SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _handler(signum: int, frame: FrameType | None) -> None:
    global _received
    if _received:  # already stopping: a second Ctrl-C must not cut the clean-up short
        return
    _received = signum
    raise Stopped(signum)


def install() -> None:
    """Turn SIGINT and SIGTERM into `Stopped` (main thread only: elsewhere Python cannot set handlers)."""
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _handler)


def check() -> None:
    """Raise `Stopped` again if a signal has arrived (call before anything that commits a file)."""
    if _received:
        raise Stopped(_received)
