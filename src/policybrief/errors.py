"""One exception root; the CLI catches only `BriefError` and prints its one line.

A bug still shows a traceback; a user's mistake shows one line that says what and where.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class BriefError(Exception):
    """Root of every error a user can cause. `str(err)` is one line: where, then what."""

    exit_code = 2

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def lines(self) -> list[str]:
        """What the command line prints, one error per line."""
        return [str(self)]


class Errors(BriefError):
    """Several independent mistakes found in one run (such as every bad profile file): one line each."""

    def __init__(self, errors: Sequence[BriefError]) -> None:
        self.errors = [line for e in errors for line in e.lines()]
        super().__init__(f"{len(self.errors)} errors: " + "; ".join(self.errors))

    def lines(self) -> list[str]:
        return list(self.errors)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """ "; did you mean 'x'?" when one option is close to `word`, else "": a near spelling ("principal" ->
    "principals"), or the only option holding all of its words ("energy" -> "cooperation-on-energy-issues").
    A far-fetched guess is worse than none."""
    opts = list(options)
    near = difflib.get_close_matches(word, opts, n=1, cutoff=0.75)
    if not near:
        words = {w for w in word.lower().replace("_", "-").split("-") if w}
        holding = [o for o in opts if words and words <= set(o.lower().split("-"))]
        near = holding if len(holding) == 1 else []
    return f"; did you mean '{near[0]}'?" if near else ""


class InputError(BriefError):
    """Raised by readers: missing, empty, binary, undecodable or oversized essays."""


class ProfileError(BriefError):
    """Raised by profile loading: YAML syntax, unknown keys, wrong types, unknown sections, cycles."""


class RenderError(BriefError):
    """Raised by writers and the pipeline: bad templates, formats, unwritable or unsafe output paths."""


class DeliveryError(BriefError):
    """Raised by email packaging and SMTP delivery: bad addresses, header injection, SMTP failures."""


class SettingsError(BriefError):
    """Raised for unusable settings from the environment or the command line (SOURCE_DATE_EPOCH, say)."""
