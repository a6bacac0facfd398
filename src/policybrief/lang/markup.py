"""Markup clean-ups: what Markdown (and plain text converted from it) carries that a reader does not read.

`edits(text, markdown=...)` finds, in one pass over one piece of text, the edits that turn source markup into the
words it stands for, each with its kind (see `lang.cleanup`):

- `template`: Liquid tags (`{% include ... %}`, `{{ page.title }}`) and kramdown or pandoc attribute lists
  (`{:toc}`, `{: .from}`, `{#anchor}`) are removed;
- `html`: HTML comments, `<script>`/`<style>` elements and tags of known HTML elements are removed (a block tag or
  `<br>` between two words leaves a space); `<expr>` or `<T>` are not HTML and stay;
- `entity`: `&amp;`, `&#8217;` become the character;
- `footnote-marker`: `[^2]`, `\\[^2\\]`, `^2^`, `<sup>2</sup>` and superscript digits glued to a word ("policy²",
  but not "km²") are removed; `footnote-label`: a definition's opening `[^2]:` is removed (the reader sends the
  definition to back matter);
- `link`: link and image syntax keeps the text: `[text](url)`, `\\[text\\](url)`, `[text][ref]`, `![alt](src)`,
  `<https://...>` (the address is the text), and `[text]` where the document defines that label;
- `escape`: `\\[`, `\\*`, `\\_`, `\\#` become the character;
- Markdown only: `code` (the backticks of a code span; its content is kept verbatim and nothing in it is touched)
  and `emphasis` (`*`, `_`, `**`, `~~` delimiters that pair up the CommonMark way, and stray `**`), and
  `strikethrough` (`~~deleted text~~`, removed whole).

A heading (`heading=True`) in plain text also loses emphasis that wraps it whole ("**Background**").
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Collection
from dataclasses import dataclass

from policybrief.lang import emphasis
from policybrief.lang.cleanup import Edit

_TOKEN = re.compile(
    r"(?=[<{\[\\!&^`\u2070\u00b9\u00b2\u00b3\u2074-\u2079])"
    r"(?:(?P<comment><!--.*?-->)"
    r"|(?P<element><(?P<el>script|style)\b[^>]*>.*?</(?P=el)\s*>)"
    r"|(?P<liquid>\{%.*?%\}|\{\{.*?\}\})"
    r"|(?P<ial>\{:[^{}\n]*\}|\{[#.][A-Za-z][\w:.-]*(?:[ \t]+[^{}\n]*)?\})"
    r"|(?P<fnmark>\\?\[\^[^\]\s\\]{1,40}\\?\](?P<colon>:[ \t]*)?|\^\d{1,3}(?:,\d{1,3})*\^)"
    r"|(?P<sup><sup>\s*[\d,\s*†‡]{1,12}\s*</sup>)"
    r"|(?P<autolink><(?:https?://|mailto:|www\.)[^<>\s]+>)"
    r"|(?P<tag></?(?P<name>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>)"
    r"|(?P<entity>&(?:[A-Za-z][A-Za-z0-9]{1,31}|\#\d{1,7}|\#[xX][0-9A-Fa-f]{1,6});)"
    r"|(?P<image>!\[)"
    r"|(?P<elink>\\\[)"
    r"|(?P<link>\[)"
    r"|(?P<escape>\\[!-/:-@\[-`{-~]|\\(?=\n))"
    r"|(?P<code>`+)"
    r"|(?P<supdigits>[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+))",
    re.S,
)
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd mark q s samp small span strike strong sub sup "
    "time tt u var wbr".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br caption center col colgroup dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr iframe img li link main menu meta nav ol p picture "
    "pre section source summary table tbody td tfoot th thead tr ul video audio input button label select option "
    "textarea svg path".split()
)
_DEST = re.compile(
    r"\(\s*(?:<[^<>\n]*>|\{\{[^{}\n]*\}\}|\{%[^{}\n]*%\}|(?:[^()\s\\]|\\.|\((?:[^()\s\\]|\\.)*\))*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
)
_REF = re.compile(r"\[[^\[\]\n]{0,100}\]")
_LINK_TEXT_LIMIT = 1000
_UNITS_BEFORE = 3
"""Superscript digits are a footnote marker after a word of at least this many letters ("policy²"), not a unit
("m²", "km²")."""


@dataclass
class _Scan:
    text: str
    markdown: bool
    out: list[Edit]
    protected: list[tuple[int, int]]
    """Code spans: nothing inside is touched, emphasis included."""
    skip: dict[int, int]
    """Start -> end of the closing part of a link, already edited: the scan jumps over it."""
    pairs: dict[int, int] | None = None
    """Matching brackets, found once when the first '[' is met."""
    references: Collection[str] = ()


def edits(text: str, *, markdown: bool, heading: bool = False, references: Collection[str] = ()) -> list[Edit]:
    """The markup clean-ups `text` needs, in order and never overlapping. `references`: the labels of the document's
    link definitions (normalised by `reference_label`), which make `[text]` a link."""
    sc = _Scan(text, markdown, [], [], {}, references=references)
    pos = 0
    n = len(text)
    while pos < n:
        if pos in sc.skip:
            pos = sc.skip.pop(pos)
            continue
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        nxt = min((s for s in sc.skip if pos <= s <= m.start()), default=None)
        if nxt is not None:  # the closing part of a link comes first
            pos = nxt
            continue
        pos = _handle(sc, m)
    out = _merge([], sc.out)
    if markdown:
        marks = emphasis.delimiters(text, [(e.start, e.end) for e in out] + sc.protected)
        struck = [e for e in marks if e.kind == "strikethrough"]  # deleted text goes whole, links inside it too
        out = _merge(struck, _merge(out, [e for e in marks if e.kind != "strikethrough"]))
    elif heading:
        out = _merge(out, emphasis.wrapping(text, [(e.start, e.end) for e in out]))
    return out


def _handle(sc: _Scan, m: re.Match[str]) -> int:
    """Record the edits for one token; return where scanning goes on."""
    text, kind = sc.text, m.lastgroup or ""
    a, b = m.start(), m.end()
    if kind == "comment" or kind == "element":
        sc.out.append(Edit(a, b, _gap(text, a, b), "html"))
    elif kind in ("liquid", "ial"):
        sc.out.append(Edit(a, b, "", "template"))
    elif kind == "fnmark":
        if m.group("colon") is not None and not text[text.rfind("\n", 0, a) + 1 : a].strip():
            sc.out.append(Edit(a, b, "", "footnote-label"))  # "[^3]: See ...", a definition
        else:
            b = m.start("colon") if m.group("colon") is not None else b
            sc.out.append(Edit(a, b, "", "footnote-marker"))
    elif kind == "sup":
        sc.out.append(Edit(a, b, "", "footnote-marker"))
    elif kind == "autolink":
        sc.out += [Edit(a, a + 1, "", "link"), Edit(b - 1, b, "", "link")]
    elif kind == "tag":
        name = m.group("name").lower()
        if name in _BLOCK_TAGS:
            sc.out.append(Edit(a, b, _gap(text, a, b), "html"))
        elif name in _INLINE_TAGS:
            sc.out.append(Edit(a, b, "", "html"))
        else:
            return a + 1  # "<T>", "<expr>": not HTML
    elif kind == "entity":
        char = html.unescape(m.group())
        if char == m.group():
            return a + 1
        sc.out.append(Edit(a, b, char, "entity"))
    elif kind in ("image", "link"):
        return _link(sc, a, b, image=kind == "image")
    elif kind == "elink":
        return _escaped_link(sc, a, b)
    elif kind == "escape":
        sc.out.append(Edit(a, a + 1, "", "escape"))
        sc.protected.append((a + 1, b))  # "\*" is a star, never emphasis
    elif kind == "code":
        return _code(sc, a, b)
    elif kind == "supdigits":
        word = re.search(r"[^\W\d_]*$", text[max(0, a - 40) : a])
        letters = len(word.group()) if word else 0
        after = text[b : b + 1]
        glued = letters >= _UNITS_BEFORE or (a > 0 and text[a - 1] in ".,;:!?)\"”’'")
        if glued and not (after.isalnum()):
            sc.out.append(Edit(a, b, "", "footnote-marker"))
    return b


def _gap(text: str, a: int, b: int) -> str:
    """What a removed block of markup leaves: a space when it stood between two words."""
    before = text[a - 1] if a > 0 else " "
    after = text[b] if b < len(text) else " "
    return "" if before.isspace() or after.isspace() else " "


def _link(sc: _Scan, a: int, b: int, *, image: bool) -> int:
    """`[text](dest)`, `[text][ref]`, `![alt](src)`: the brackets and destination go, the text stays (and is
    scanned on). A bracket that opens no link is literal."""
    text = sc.text
    close = _closing_bracket(sc, b)
    if close < 0:
        return a + 1  # "rights![^erase]": the '[' may open something else
    after = close + 1
    dest = _DEST.match(text, after)
    ref = None if dest else _REF.match(text, after)
    end = dest.end() if dest else ref.end() if ref and sc.markdown else -1
    if end < 0 and sc.references and reference_label(text[b:close]) in sc.references:
        end = close + 1  # "[kubernetes/enhancements]", a link by its definition elsewhere in the document
    if end < 0:
        return a + 1  # "[RiskRegister]": a bracketed word, not a link
    if not text[b:close].strip():
        sc.out.append(Edit(a, end, "", "link"))  # "![](image.png)": nothing to keep
        return end
    sc.out.append(Edit(a, b, "", "link"))
    sc.out.append(Edit(close, end, "", "link"))
    sc.skip[close] = end
    return b


def reference_label(text: str) -> str:
    """A link label as CommonMark compares labels: white space collapsed, case folded (markdown-it's form)."""
    return " ".join(text.split()).lower().upper()


def _escaped_link(sc: _Scan, a: int, b: int) -> int:
    """`\\[text\\](url)`, as converters that escape brackets write a link; else an escaped bracket."""
    text = sc.text
    close = text.find("\\](", b, b + _LINK_TEXT_LIMIT)
    dest = _DEST.match(text, close + 2) if close >= 0 and "\n\n" not in text[b:close] else None
    if dest is None:
        sc.out.append(Edit(a, a + 1, "", "escape"))
        sc.protected.append((a + 1, b))
        return b
    sc.out.append(Edit(a, b, "", "link"))
    sc.out.append(Edit(close, dest.end(), "", "link"))
    sc.skip[close] = dest.end()
    return b


def _bracket_pairs(text: str) -> dict[int, int]:
    """Index of each '[' -> index of the ']' that closes it (nesting and escapes allowed), in one pass."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in re.finditer(r"\\.|[\[\]]", text, re.S):
        c = m.group()
        if c == "[":
            stack.append(m.start())
        elif c == "]" and stack:
            pairs[stack.pop()] = m.start()
    return pairs


def _closing_bracket(sc: _Scan, start: int) -> int:
    """Index of the ']' that closes the '[' before `start`, or -1 (also for link text too long to be one)."""
    if sc.pairs is None:
        sc.pairs = _bracket_pairs(sc.text)
    close = sc.pairs.get(start - 1, -1)
    if close < 0 or close - start > _LINK_TEXT_LIMIT or "\n\n" in sc.text[start:close]:
        return -1
    return close


def _code(sc: _Scan, a: int, b: int) -> int:
    """A code span (Markdown): the backticks go, the content is kept and protected from every other clean-up."""
    if not sc.markdown:
        return b
    n = b - a
    closer = re.compile(rf"(?<!`)`{{{n}}}(?!`)")
    m = closer.search(sc.text, b)
    if m is None:
        return b  # an unclosed backtick is literal
    sc.out.append(Edit(a, b, "", "code"))
    sc.out.append(Edit(m.start(), m.end(), "", "code"))
    sc.protected.append((b, m.start()))
    return m.end()


def _merge(first: list[Edit], second: list[Edit]) -> list[Edit]:
    """Both lists as one, in order, never overlapping: `first` wins over `second`, an earlier edit over a later."""
    kept: list[Edit] = []
    for e in sorted(first, key=lambda e: (e.start, e.end)):
        if not kept or e.start >= kept[-1].end and (e.start, e.end) != (kept[-1].start, kept[-1].end):
            kept.append(e)
    ends = [e.end for e in kept]
    extra: list[Edit] = []
    for e in sorted(second, key=lambda e: (e.start, e.end)):
        k = bisect.bisect_right(ends, e.start)  # the first kept edit that ends after e starts
        clash = k < len(kept) and kept[k].start < max(e.end, e.start + 1)
        if not clash and not (extra and extra[-1].end > e.start):
            extra.append(e)
    return sorted(kept + extra, key=lambda e: (e.start, e.end))
