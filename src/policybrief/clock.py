"""The one reader of SOURCE_DATE_EPOCH: reproducible builds fix every date written into a file through it."""

from __future__ import annotations

import datetime as _dt
import os

from policybrief.errors import SettingsError

MAX_EPOCH = int(_dt.datetime(2107, 12, 31, 23, 59, 59, tzinfo=_dt.UTC).timestamp())
"""The last second every output can record: zip timestamps (.docx) end with 2107 (datetime itself with 9999)."""


def source_date() -> _dt.datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC datetime, or None when it is unset or not a number of seconds.

    A number past the year 2107 is a SettingsError (one line), not a traceback.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not (epoch.isascii() and epoch.isdigit()):
        return None
    if len(epoch) > len(str(MAX_EPOCH)) or int(epoch) > MAX_EPOCH:
        shown = epoch if len(epoch) <= 20 else epoch[:17] + "..."
        raise SettingsError(f"SOURCE_DATE_EPOCH={shown} is past the year 2107; give seconds since 1970, at most {MAX_EPOCH}")
    return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC)


def now() -> _dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the current time (UTC, whole seconds)."""
    return source_date() or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
