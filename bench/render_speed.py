"""Rendering one brief of the sample vs writing the same paragraphs directly with python-docx / reportlab.

Run: .venv/bin/python bench/render_speed.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policybrief.analysis import analyse  # noqa: E402
from policybrief.compose import compose  # noqa: E402
from policybrief.model import block_sentences  # noqa: E402
from policybrief.pipeline import load_style  # noqa: E402
from policybrief.profiles import load_profiles  # noqa: E402
from policybrief.readers import read_essay  # noqa: E402
from policybrief.writers import render  # noqa: E402


def median_ms(fn, n: int = 9) -> float:
    fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def main() -> None:
    doc = read_essay(ROOT / "seeds" / "china-russia-partnership.txt")
    brief = compose(doc, analyse(doc), load_profiles(ROOT / "templates").get("congressional-staff"))
    style = load_style(ROOT / "templates", "default")
    paras = [(s.title, [" ".join(x.text for x in block_sentences(b)) for b in s.blocks]) for s in brief.sections]

    def raw_docx() -> None:
        import docx

        d = docx.Document()
        for title, ps in paras:
            d.add_heading(title, 1)
            for p in ps:
                d.add_paragraph(p)
        d.save(io.BytesIO())

    def raw_pdf() -> None:
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.platypus import Paragraph, SimpleDocTemplate

        ss = getSampleStyleSheet()
        story = []
        for title, ps in paras:
            story.append(Paragraph(title, ss["Heading1"]))
            story += [Paragraph(p, ss["BodyText"]) for p in ps]
        SimpleDocTemplate(io.BytesIO()).build(story)

    print(f"{'format':6} {'policybrief ms':>15} {'direct ms':>10} {'ratio':>6}")
    for fmt, raw in (("docx", raw_docx), ("pdf", raw_pdf)):
        ours = median_ms(lambda f=fmt: render(f, brief, style))
        base = median_ms(raw)
        print(f"{fmt:6} {ours:15.1f} {base:10.1f} {ours / base:6.2f}")
    print("(congressional-staff brief of the sample; medians of 9 runs after one warm-up)")


if __name__ == "__main__":
    main()
