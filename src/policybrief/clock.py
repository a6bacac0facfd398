"""The one reader of SOURCE_DATE_EPOCH: reproducible builds fix every date written into a file through it."""

from __future__ import annotations

import datetime as _dt
import os


def source_date() -> _dt.datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC datetime, or None when it is unset or not a number of seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC) if epoch.isdigit() else None


def now() -> _dt.datetime:
    """SOURCE_DATE_EPOCH when set, else the current time (UTC, whole seconds)."""
    return source_date() or _dt.datetime.now(_dt.UTC).replace(microsecond=0)
