"""The style file (templates/styles/NAME.yaml), checked before any brief is rendered, without importing the
rendering libraries: a typo in a colour or a broken Word template is one line at the start, not a failure per brief.
"""

from __future__ import annotations

import difflib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from policybrief.errors import RenderError

FONT_FAMILIES = ("sans", "serif")
PAGES = ("a4", "letter")
KEYS = {
    "page": "A4 or Letter",
    "margins_mm": "top, bottom, left, right in millimetres",
    "font": "sans or serif",
    "fonts": "cjk: a TrueType font file",
    "sizes": "title, subtitle, h1, h2, body, small in points",
    "colors": "accent, text, muted, summary_fill, rule, table_header as #RRGGBB",
    "docx_template": "a Word reference document",
    "docx_table_style": "a table style name in the reference document",
}
_HEX = re.compile(r"^#?[0-9A-Fa-f]{6}$")


def check(style: dict[str, Any], where: str) -> None:
    """Raise RenderError naming the file and key for anything a writer could not use."""
    for key in style:
        if key not in KEYS:
            near = difflib.get_close_matches(str(key), list(KEYS), n=1)
            hint = f"; did you mean '{near[0]}'?" if near else f" (known: {', '.join(KEYS)})"
            raise RenderError(f"unknown key '{key}'{hint}", where)
    if str(style.get("page", "A4")).lower() not in PAGES:
        raise RenderError(f"page: '{style.get('page')}' is not A4 or Letter", where)
    if str(style.get("font", "sans")) not in FONT_FAMILIES:
        raise RenderError(f"font: unknown font '{style.get('font')}' (known: {', '.join(FONT_FAMILIES)})", where)
    for key, lo, hi in (("margins_mm", 0, 100), ("sizes", 4, 72)):
        value = style.get(key, {})
        if not isinstance(value, dict):
            raise RenderError(f"{key}: must be a mapping", where)
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
                raise RenderError(f"{key}.{k}: {v!r} is not a number from {lo} to {hi}", where)
    colors = style.get("colors", {})
    if not isinstance(colors, dict):
        raise RenderError("colors: must be a mapping", where)
    for k, v in colors.items():
        if not isinstance(v, str) or not _HEX.match(v):
            raise RenderError(f"colors.{k}: {v!r} is not a colour like \"#1F3B5B\"", where)
    fonts = style.get("fonts") or {}
    if not isinstance(fonts, dict):
        raise RenderError("fonts: must be a mapping", where)
    cjk = fonts.get("cjk")
    if cjk and not Path(str(cjk)).is_file():
        raise RenderError(f"fonts.cjk: no font file '{cjk}'", where)
    ref = style.get("docx_template")
    if ref:
        check_docx_template(Path(str(ref)))


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
