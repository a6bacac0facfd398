"""The style file (templates/styles/NAME.yaml) as a frozen, typed `Style`: loaded and checked once, before any
brief is rendered, without importing the rendering libraries. A typo in a colour or a broken Word template is one
line at the start, not a failure per brief. Every default lives here.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from policybrief.errors import BriefError, RenderError

FontFamily = Literal["sans", "serif"]
FONT_FAMILIES: tuple[FontFamily, ...] = ("sans", "serif")
PAGES = ("a4", "letter")
KEYS = {
    "page": "A4 or Letter",
    "margins_mm": "top, bottom, left, right in millimetres",
    "font": "sans or serif",
    "fonts": "cjk, korean: TrueType font files",
    "sizes": "title, subtitle, h1, h2, body, small in points",
    "colors": "accent, text, muted, summary_fill, rule, table_header as #RRGGBB",
    "docx_template": "a Word reference document",
    "docx_table_style": "a table style name in the reference document",
}
_HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")
PAGE_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
"""Width and height of each page size in millimetres."""
MIN_TEXT_MM = 60.0
"""The text area (the page less its margins) must be at least this wide and tall: on less, a table column or a line
of large type no longer fits and reportlab can only fail (or take minutes doing so)."""


@dataclass(frozen=True)
class Margins:
    """Page margins in millimetres."""

    top: float = 22
    bottom: float = 22
    left: float = 20
    right: float = 20


@dataclass(frozen=True)
class Sizes:
    """Font sizes in points."""

    title: float = 20
    subtitle: float = 12
    h1: float = 14
    h2: float = 12
    body: float = 10
    small: float = 8


@dataclass(frozen=True)
class Colors:
    """Colours as "#RRGGBB"."""

    accent: str = "#1F3B5B"
    text: str = "#1A1A1A"
    muted: str = "#555555"
    summary_fill: str = "#EAF0F6"
    rule: str = "#9AAABB"
    table_header: str = "#DCE4EE"


@dataclass(frozen=True)
class Style:
    """How a brief looks, in every format."""

    name: str = "default"
    page: Literal["a4", "letter"] = "a4"
    margins: Margins = field(default_factory=Margins)
    font: FontFamily = "sans"
    cjk_font: str | None = None
    """A TrueType CJK font file; None: the system's Droid Sans Fallback."""
    korean_font: str | None = None
    """A TrueType font with Hangul; None: the system's NanumGothic (Debian's fonts-nanum)."""
    sizes: Sizes = field(default_factory=Sizes)
    colors: Colors = field(default_factory=Colors)
    docx_template: str | None = None
    """The Word reference document (its styles, page setup, header and fonts), resolved to a path."""
    docx_table_style: str = "Light Grid Accent 1"
    path: str = ""
    """The style file it was loaded from ("" for the built-in defaults), named in layout errors."""


def _mapping(value: object, key: str, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RenderError(f"{key}: must be a mapping", where)
    return value


def _numbers(raw: dict[str, Any], key: str, allowed: tuple[str, ...], lo: float, hi: float, where: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in raw.items():
        if k not in allowed:
            raise RenderError(f"{key}.{k}: unknown key{_hint(str(k), allowed)}", where)
        if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
            raise RenderError(f"{key}.{k}: {v!r} is not a number from {lo} to {hi}", where)
        out[k] = v
    return out


def _hint(word: str, options: tuple[str, ...] | list[str]) -> str:
    near = difflib.get_close_matches(word, list(options), n=1)
    return f"; did you mean '{near[0]}'?" if near else f" (known: {', '.join(options)})"


def check(raw: dict[str, Any], where: str, name: str = "default") -> Style:
    """The style described by `raw` (a style file's mapping), or a RenderError naming the file and key."""
    for key in raw:
        if key not in KEYS:
            raise RenderError(f"unknown key '{key}'{_hint(str(key), list(KEYS))}", where)
    page = str(raw.get("page", "A4")).lower()
    if page not in PAGES:
        raise RenderError(f"page: '{raw.get('page')}' is not A4 or Letter", where)
    font = str(raw.get("font", "sans"))
    if font not in FONT_FAMILIES:
        raise RenderError(f"font: unknown font '{raw.get('font')}' (known: {', '.join(FONT_FAMILIES)})", where)
    margins = _numbers(
        _mapping(raw.get("margins_mm", {}), "margins_mm", where), "margins_mm", tuple(Margins.__dataclass_fields__), 0, 100, where
    )
    sizes = _numbers(_mapping(raw.get("sizes", {}), "sizes", where), "sizes", tuple(Sizes.__dataclass_fields__), 4, 72, where)
    _check_text_area(page, Margins(**margins), where)
    colors: dict[str, str] = {}
    for k, v in _mapping(raw.get("colors", {}), "colors", where).items():
        if k not in Colors.__dataclass_fields__:
            raise RenderError(f"colors.{k}: unknown key{_hint(str(k), tuple(Colors.__dataclass_fields__))}", where)
        if not isinstance(v, str) or not _HEX.match(v):
            raise RenderError(f'colors.{k}: {v!r} is not a colour like "#1F3B5B"', where)
        colors[k] = v if v.startswith("#") else f"#{v}"
    fonts = _mapping(raw.get("fonts"), "fonts", where)
    for key in fonts:
        if key not in ("cjk", "korean"):
            raise RenderError(f"fonts.{key}: unknown key{_hint(str(key), ('cjk', 'korean'))}", where)
        if fonts[key] and not Path(str(fonts[key])).is_file():
            raise RenderError(f"fonts.{key}: no font file '{fonts[key]}'", where)
    cjk, korean = fonts.get("cjk"), fonts.get("korean")
    ref = raw.get("docx_template")
    if ref:
        check_docx_template(Path(str(ref)))
    return Style(
        name=name,
        page="letter" if page == "letter" else "a4",
        margins=Margins(**margins),
        font="serif" if font == "serif" else "sans",
        cjk_font=str(cjk) if cjk else None,
        korean_font=str(korean) if korean else None,
        sizes=Sizes(**sizes),
        colors=Colors(**colors),
        docx_template=str(ref) if ref else None,
        docx_table_style=str(raw.get("docx_table_style", "Light Grid Accent 1")),
        path=where,
    )


def _check_text_area(page: str, m: Margins, where: str) -> None:
    """The margins leave a text area of at least MIN_TEXT_MM each way."""
    pw, ph = PAGE_MM[page]
    for across, (a, b), size in (("wide", (m.left, m.right), pw), ("tall", (m.top, m.bottom), ph)):
        left = size - a - b
        if left < MIN_TEXT_MM:
            keys = "left + right" if across == "wide" else "top + bottom"
            raise RenderError(
                f"margins_mm: {keys} ({a:g} + {b:g} mm) leave a text area {max(left, 0):g} mm {across} "
                f"on {'A4' if page == 'a4' else 'Letter'} paper; at least {MIN_TEXT_MM:g} mm is needed",
                where,
            )


def load_style(templates: str | Path | None, name: str) -> Style:
    """The style NAME from the user's templates folder, else the packaged one, checked."""
    from policybrief import yamlio
    from policybrief.templates_dir import find_template

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise RenderError(f"style name '{name}' must be a plain name (letters, digits, - and _)")
    from policybrief.fileio import read_text_limited

    path = find_template(templates, "styles", f"{name}.yaml")
    text = read_text_limited(path, yamlio.MAX_CHARS, RenderError, str(path), what="style file")
    try:
        raw = yamlio.load(text) or {}
    except BriefError as exc:
        line = getattr(exc, "line", None)
        raise RenderError(f"style file is not valid YAML ({exc.message})", f"{path}:{line}" if line else str(path)) from None
    if not isinstance(raw, dict):
        raise RenderError("a style file must be a mapping", str(path))
    ref = raw.get("docx_template")
    if ref:
        if not isinstance(ref, str) or "/" in ref or "\\" in ref or ref.startswith("."):
            raise RenderError(f"docx_template: '{ref}' must be a file name in the styles folder", str(path))
        raw["docx_template"] = str(find_template(templates, "styles", ref))
    return check(raw, str(path), name)


def check_docx_template(path: Path) -> bytes:
    """The template's bytes, once they are known to be a Word document."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(f"cannot read the .docx template ({exc.strerror})", str(path)) from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        raise RenderError("the .docx template is not a Word document (not a zip file)", str(path)) from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise RenderError("the .docx template is not a Word document (no word/document.xml)", str(path))
    return data
