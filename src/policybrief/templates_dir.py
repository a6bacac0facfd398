"""Where templates live: `--templates DIR`, else `./templates` in the working folder, else the packaged defaults."""

from __future__ import annotations

from pathlib import Path

from policybrief.errors import RenderError


def packaged_templates() -> Path:
    return Path(__file__).resolve().parent / "templates"


def resolve_templates(folder: str | Path | None) -> Path | None:
    """The user's templates folder, or None to use only the packaged defaults."""
    if folder is not None:
        p = Path(folder)
        if not p.is_dir():
            raise RenderError("templates folder does not exist", str(p))
        return p
    cwd = Path.cwd() / "templates"
    if (cwd / "audiences").is_dir() or (cwd / "styles").is_dir():
        return cwd
    return None


def find_template(folder: str | Path | None, *parts: str) -> Path:
    """A template file from the user's folder if it has one, else the packaged default."""
    user = resolve_templates(folder)
    if user is not None and (user.joinpath(*parts)).is_file():
        return user.joinpath(*parts)
    default = packaged_templates().joinpath(*parts)
    if not default.is_file():
        raise RenderError(f"no template '{'/'.join(parts)}'", str(user or packaged_templates()))
    return default


def init_templates(folder: Path, force: bool) -> str:
    """Copy the packaged templates into FOLDER; existing files are kept unless `force`."""
    import shutil

    src = packaged_templates()
    copied, kept = [], []
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = f.relative_to(src)
        dest = folder / rel
        if dest.exists() and not force:
            kept.append(str(rel))
            continue
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        except OSError as exc:
            raise RenderError(f"cannot write ({exc.strerror})", str(dest)) from None
        copied.append(str(rel))
    msg = f"copied {len(copied)} template file(s) to {folder}"
    if kept:
        msg += f"; kept {len(kept)} existing file(s) (use --force to overwrite): {', '.join(kept)}"
    return msg + f"\nuse them with: policybrief build ESSAY --templates {folder}"
