"""The essay's sidecar: `ESSAY.yaml` (or `.yml`) beside the essay, for what belongs to this one essay.

```yaml
title: "China's Partnership with Russia"     # metadata: title, subtitle, author, organisation, date, keywords...
date: "2026-11-28"
roles:                                       # section id -> role, where the inferred role is wrong
  magnitude-of-risk: limitations
audiences:                                   # per-audience tailoring, merged over the packaged profile
  asia-desk:
    sections: {include: [diplomatic-divergences, "role:limitations"]}
    focus: {North Korea: 3}
```

The essay itself stays untouched. Section ids named here are checked strictly against the essay, with file:line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policybrief import yamlio
from policybrief.errors import BriefError, InputError, did_you_mean
from policybrief.fileio import check_regular, read_text_limited
from policybrief.lang.roles import SECTION_ROLES, SectionRole

METADATA_KEYS = ("title", "subtitle", "organisation", "organization", "date", "author", "classification", "keywords")
KEYS = (*METADATA_KEYS, "roles", "audiences")
MAX_BYTES = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Metadata is one line of text: no control characters (the same rule as a profile's title)."""


@dataclass(frozen=True)
class Sidecar:
    path: Path | None
    """The file, or None when the essay has none."""
    metadata: dict[str, str] = field(default_factory=dict)
    """title, subtitle, organisation, date, author, classification, keywords (lists joined with ", ")."""
    roles: dict[str, SectionRole] = field(default_factory=dict)
    """Section id -> role, overriding the inferred one."""
    audiences: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Profile id -> profile keys to merge over that profile for this essay."""
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    """Key path -> line in the file."""

    def where(self, *key: Any) -> str:
        """ "file:line" of a key path (or of its nearest parent that has a line)."""
        for n in range(len(key), -1, -1):
            line = self.lines.get(tuple(key[:n]))
            if line:
                return f"{self.path}:{line}"
        return f"{self.path}:1"


def find(essay: Path) -> Path | None:
    """ESSAY.yaml or ESSAY.yml beside the essay (a dangling link or a FIFO there is found, and refused when read)."""
    for suffix in (".yaml", ".yml"):
        side = essay.with_suffix(suffix)
        if side != essay and (side.exists() or side.is_symlink()) and not side.is_dir():
            return side
    return None


def load(essay: Path) -> Sidecar:
    """The essay's sidecar, checked (keys, types, role names); an empty Sidecar when there is none."""
    side = find(Path(essay))
    if side is None:
        return Sidecar(None)
    st = check_regular(side, InputError)
    return _load(side, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _load(side: Path, _mtime: int, _size: int) -> Sidecar:
    where = str(side)
    text = read_text_limited(side, MAX_BYTES, InputError, where, what="sidecar")
    try:
        data, lines = yamlio.load_with_lines(text)
    except yamlio.YamlSyntaxError as exc:
        raise InputError(f"sidecar is not valid YAML ({exc.message})", f"{where}:{exc.line}") from None
    except BriefError as exc:
        raise InputError(f"sidecar is not valid YAML ({exc.message})", where) from None
    if data is None:
        return Sidecar(side)
    sc = Sidecar(side, lines=lines)
    if not isinstance(data, dict):
        raise InputError("a sidecar must be a mapping (title, date, roles, audiences...)", f"{where}:1")
    metadata: dict[str, str] = {}
    for key, value in data.items():
        if key not in KEYS:
            raise InputError(f"unknown key '{key}'{did_you_mean(str(key), KEYS)} (known: {', '.join(KEYS)})", sc.where(key))
        if key in METADATA_KEYS and value is not None:
            if isinstance(value, dict):
                raise InputError(f"{key}: must be text, not a mapping", sc.where(key))
            text_value = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            bad = _CONTROL.search(text_value)
            if bad:  # printed in every brief, its header and its file properties: refused, as in a profile
                raise InputError(f"{key}: contains a control character ({bad.group()!r})", sc.where(key))
            metadata["organisation" if key == "organization" else str(key)] = text_value
    roles: dict[str, SectionRole] = {}
    raw_roles = data.get("roles") or {}
    if not isinstance(raw_roles, dict):
        raise InputError("roles: must map section ids to roles", sc.where("roles"))
    for sid, role in raw_roles.items():
        if role not in SECTION_ROLES:
            raise InputError(
                f"roles.{sid}: unknown role '{role}'{did_you_mean(str(role), SECTION_ROLES)} (known: {', '.join(SECTION_ROLES)})",
                sc.where("roles", sid),
            )
        roles[str(sid)] = role
    audiences = data.get("audiences") or {}
    if not isinstance(audiences, dict) or not all(isinstance(v, dict) for v in audiences.values()):
        raise InputError("audiences: must map profile ids to profile keys (sections, focus, budget...)", sc.where("audiences"))
    return Sidecar(side, metadata, roles, {str(k): v for k, v in audiences.items()}, lines)


def check_roles(sc: Sidecar, section_ids: list[str]) -> dict[str, SectionRole]:
    """The role overrides, once every id they name is a section of the essay."""
    for sid in sc.roles:
        if sid not in section_ids:
            raise InputError(f"roles: unknown section '{sid}'{did_you_mean(sid, section_ids)}", sc.where("roles", sid))
    return dict(sc.roles)
