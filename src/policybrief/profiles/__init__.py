"""Audience profiles: YAML files in `audiences/` of a templates folder, merged over the packaged defaults, then
(for one essay) under that essay's sidecar tailoring.

Every error names the file, the line and the key path, and suggests the nearest valid key or section id when one
is close: `my-templates/audiences/econ.yaml:7: sections.include[1]: unknown section 'energy'; did you mean
'cooperation-on-energy-issues'?`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from policybrief import yamlio
from policybrief.errors import BriefError, Errors, ProfileError, did_you_mean
from policybrief.fileio import read_limited
from policybrief.model import Document
from policybrief.profiles.schema import Profile
from policybrief.profiles.selectors import parse
from policybrief.templates_dir import packaged_templates, resolve_templates

if TYPE_CHECKING:
    from policybrief.sidecar import Sidecar

Lines = dict[tuple[Any, ...], tuple[str, int]]
MAX_EXTENDS = 20
"""Longest `extends` chain: a profile, its parent, its grandparent... (real ones are two or three deep)."""


def _fmt_path(path: tuple[Any, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top)"


@dataclass
class RawProfile:
    path: Path
    data: dict[str, Any]
    lines: Lines


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_profile_file(path: Path) -> RawProfile:
    where = _shown(path)
    data_bytes = read_limited(path, yamlio.MAX_CHARS, ProfileError, where, what="profile file")
    try:
        text = data_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise ProfileError("not UTF-8 text", f"{where}:1") from None
    if not text.strip():
        raise ProfileError("profile file is empty", f"{where}:1")
    try:
        data, lines = yamlio.load_with_lines(text)
    except yamlio.YamlSyntaxError as exc:
        raise ProfileError(exc.message, f"{where}:{exc.line}") from None
    if not isinstance(data, dict):
        raise ProfileError("a profile must be a mapping of keys (id, title, sections...)", f"{where}:1")
    if "id" not in data:
        data = {"id": path.stem, **data}
    return RawProfile(path, data, {k: (where, v) for k, v in lines.items()})


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@dataclass
class LoadedProfile:
    profile: Profile
    lines: Lines
    path: Path

    def where(self, *key: Any) -> str:
        for n in range(len(key), -1, -1):
            hit = self.lines.get(tuple(key[:n]))
            if hit:
                return f"{hit[0]}:{hit[1]}"
        return f"{self.path}:1"


@dataclass
class ProfileSet:
    raw: dict[str, RawProfile]
    folder: Path
    cache: dict[str, LoadedProfile] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    """Profiles that `ids` leaves out (the packaged ones, with --no-packaged); they can still be extended."""

    @property
    def ids(self) -> list[str]:
        """The audiences (abstract profiles such as `base` and hidden ones aside), sorted."""
        return sorted(i for i in self.raw if not self.raw[i].data.get("abstract") and i not in self.hidden)

    def load(self, pid: str, chain: tuple[str, ...] = ()) -> LoadedProfile:
        if pid in self.cache:
            return self.cache[pid]
        if pid not in self.raw:
            raise ProfileError(f"unknown audience '{pid}'{did_you_mean(pid, self.ids)} (known: {', '.join(self.ids)})")
        rp = self.raw[pid]
        data = {k: v for k, v in rp.data.items() if k != "abstract"}
        lines = dict(rp.lines)
        parent = data.get("extends")
        if parent is not None:
            if not isinstance(parent, str):
                raise ProfileError("extends: must be a profile id", f"{_shown(rp.path)}:{rp.lines.get(('extends',), ('', 1))[1]}")
            if len(chain) + 1 >= MAX_EXTENDS:
                raise ProfileError(
                    f"extends: inheritance chain longer than {MAX_EXTENDS} profiles ({' -> '.join((*chain[:3], '...', pid))})",
                    f"{_shown(rp.path)}:{rp.lines.get(('extends',), ('', 1))[1]}",
                )
            if parent in chain + (pid,):
                cycle = " -> ".join(chain + (pid, parent))
                raise ProfileError(f"extends: inheritance cycle {cycle}", f"{_shown(rp.path)}:{rp.lines[('extends',)][1]}")
            if parent not in self.raw:
                raise ProfileError(
                    f"extends: unknown profile '{parent}'{did_you_mean(parent, list(self.raw))}",
                    f"{_shown(rp.path)}:{rp.lines[('extends',)][1]}",
                )
            base = self.load(parent, chain + (pid,))
            base_data = base.profile.model_dump(exclude_unset=True)
            base_data.pop("extends", None)
            data = _merge(base_data, data)
            lines = {**base.lines, **lines}
        loaded = LoadedProfile(_validate(data, rp.path, lines), lines, rp.path)
        self.cache[pid] = loaded
        return loaded

    def get(self, pid: str, doc: Document | None = None) -> Profile:
        """The profile (for `doc`: with the essay's sidecar tailoring, its section ids checked)."""
        return self.for_essay(pid, doc).profile if doc is not None else self.load(pid).profile

    def for_essay(self, pid: str, doc: Document, side: Sidecar | None = None) -> LoadedProfile:
        """The profile as this essay's reader gets it: the essay's sidecar `audiences.ID` merged over it, and
        every section id it names checked against the essay (an unknown id is an error at its file:line)."""
        from policybrief import sidecar

        lp = self.load(pid)
        side = side if side is not None else sidecar.load(Path(doc.path))
        tailoring = side.audiences.get(pid)
        if tailoring:
            data = _merge(
                lp.profile.model_dump(exclude_unset=True), {k: v for k, v in tailoring.items() if k not in ("id", "extends")}
            )
            prefix = ("audiences", pid)
            lines = {**lp.lines, **{k[2:]: (str(side.path), n) for k, n in side.lines.items() if k[:2] == prefix}}
            lp = LoadedProfile(_validate(data, side.path or lp.path, lines), lines, lp.path)
        check_sections(lp, doc)
        return lp

    def table(self) -> str:
        rows = [("id", "title", "max words", "sections", "defined in")]
        for pid in self.ids:
            try:
                p = self.load(pid).profile
            except BriefError:
                rows.append((pid, "(invalid: see `policybrief audiences validate`)", "-", "-", str(self.raw[pid].path)))
                continue
            rows.append((pid, p.title, str(p.budget.max_words or "-"), p.sections.rest, str(self.raw[pid].path)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)

    def show(self, pid: str) -> str:
        lp = self.load(pid)
        return f"# {pid}: merged from {lp.path}\n" + yamlio.dump(lp.profile.model_dump(mode="json"))


def _validate(data: dict[str, Any], path: Path, lines: Lines) -> Profile:
    """The merged data as a Profile; every problem in it is reported (one line each), not only the first."""
    try:
        return Profile.model_validate(data)
    except Exception as exc:  # pydantic.ValidationError; imported lazily with the schema
        errors: list[dict[str, Any]] = getattr(exc, "errors", lambda: [])()
        if not errors:
            raise ProfileError(str(exc), f"{_shown(path)}:1") from None
        found = [_validation_error(err, path, lines) for err in errors]
        raise (found[0] if len(found) == 1 else Errors(found)) from None


def _validation_error(err: dict[str, Any], path: Path, lines: Lines) -> ProfileError:
    loc = tuple(err.get("loc", ()))
    hit = None
    for n in range(len(loc), -1, -1):
        hit = lines.get(loc[:n])
        if hit:
            break
    where = f"{hit[0]}:{hit[1]}" if hit else f"{_shown(path)}:1"
    key = _fmt_path(loc)
    if err.get("type") == "extra_forbidden" and "password" in str(loc[-1]).lower():
        return ProfileError(f"{key}: passwords never go in a profile; set PB_SMTP_PASSWORD or answer the prompt", where)
    if err.get("type") == "extra_forbidden":
        model = Profile
        for part in loc[:-1]:
            if isinstance(part, str) and part in model.model_fields:
                ann = model.model_fields[part].annotation
                if isinstance(ann, type) and hasattr(ann, "model_fields"):
                    model = ann
        return ProfileError(f"{key}: unknown key{did_you_mean(str(loc[-1]), list(model.model_fields))}", where)
    if err.get("type") == "missing":
        return ProfileError(f"{key}: required key is missing", where)
    msg = err.get("msg", "invalid value").replace("Value error, ", "")
    return ProfileError(f"{key}: {msg}", where)


_LOADED: dict[tuple[Any, ...], ProfileSet] = {}


def load_profiles(templates: str | Path | None = None, *, packaged: bool = True) -> ProfileSet:
    """Packaged profiles, overridden (by id) by those in the user's templates folder. With `packaged=False` only the
    user's profiles are audiences; the packaged ones stay available to `extends`.

    Remembered for the process while no profile file changes (same names, sizes and modification times), so that a
    build that asks several times parses the YAML once. Treat the result as read-only.
    """
    folders = [packaged_templates()]
    user = resolve_templates(templates)
    if user is not None:
        same = user.resolve() == packaged_templates().resolve()
        folders = [user] if same else [*folders, user]
    files = [
        f for folder in folders for f in sorted([*(folder / "audiences").glob("*.yaml"), *(folder / "audiences").glob("*.yml")])
    ]
    stats = []
    for f in files:
        try:
            stats.append(f.stat())
        except OSError as exc:  # a dangling link, say
            raise ProfileError(f"cannot read ({exc.strerror or type(exc).__name__})", _shown(f)) from None
    key = tuple((str(f), st.st_mtime_ns, st.st_size) for f, st in zip(files, stats, strict=True)) + (str(Path.cwd()),)
    if key not in _LOADED:
        raw: dict[str, RawProfile] = {}
        for folder in folders:  # a later folder overrides an earlier one by id; within one folder an id is unique
            here: dict[str, RawProfile] = {}
            for f in files:
                if f.parent != folder / "audiences":
                    continue
                rp = read_profile_file(f)
                pid = str(rp.data["id"])
                if pid in here:
                    raise ProfileError(
                        f"profile id '{pid}' is also defined in {_shown(here[pid].path)}: give each profile its own id",
                        f"{_shown(f)}:{rp.lines.get(('id',), ('', 1))[1]}",
                    )
                here[pid] = rp
            raw.update(here)
        _LOADED.clear()
        _LOADED[key] = ProfileSet(raw, folders[-1])
    ps = _LOADED[key]
    if packaged or user is None:
        return ps
    theirs = packaged_templates().resolve()
    hidden = frozenset(pid for pid, rp in ps.raw.items() if rp.path.resolve().is_relative_to(theirs))
    return ProfileSet(ps.raw, ps.folder, ps.cache, hidden)


def check_sections(lp: LoadedProfile, doc: Document) -> None:
    """Every section id named in sections.include / exclude / order must be a section of the essay."""
    ids = [s.id for s in doc.walk()]
    errors: list[BriefError] = []
    for key in ("include", "exclude", "order"):
        for i, text in enumerate(getattr(lp.profile.sections, key)):
            sel = parse(text)
            if sel.names_id and sel.value not in ids:
                errors.append(
                    ProfileError(
                        f"sections.{key}[{i}]: unknown section '{sel.value}'{did_you_mean(sel.value, ids)}",
                        lp.where("sections", key, i),
                    )
                )
    if errors:
        raise errors[0] if len(errors) == 1 else Errors(errors)
