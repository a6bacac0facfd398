"""One exception root; the CLI catches only `BriefError` and prints its one line.

A bug still shows a traceback; a user's mistake shows one line that says what and where.
"""

from __future__ import annotations


class BriefError(Exception):
    """Root of every error a user can cause. `str(err)` is one line: where, then what."""

    exit_code = 2

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


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
