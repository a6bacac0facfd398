"""Every packaged audience on every document of ../shared/corpus (A and B, each in its own format) and on .docx
versions of three of them: failed briefs, briefs over budget, empty summaries, wrong titles, dangling sentences.

Run: .venv/bin/python bench/corpus_build.py [--formats docx,pdf,md] [--limit N] [-v]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import CORPUS  # noqa: E402

from policybrief import commands, pipeline  # noqa: E402
from policybrief.check import dangling, repeats  # noqa: E402
from policybrief.profiles import load_profiles  # noqa: E402

DOCX_FROM = (
    "B/eudi__a-privacy-risks-and-mitigations.md",
    "B/18f__derisking-government-tech__home__vendor-management.md",
    "B/rust-rfc__2497-if-let-chains.md",
)


def documents() -> list[Path]:
    a = sorted(p for p in (CORPUS / "A").rglob("*") if p.name.endswith((".report.md", ".report.txt")))
    b = sorted((CORPUS / "B").glob("*.md"))
    return a + b


def as_docx(md: Path, folder: Path) -> Path:
    """A Word version of a Markdown document: `#` lines as Heading styles, `-`/`*` items as List Bullet, the rest
    as paragraphs (fenced code and tables left out), with the first heading as the Title."""
    import docx

    d = docx.Document()
    text = re.sub(r"(?s)\A---\n.*?\n---\n", "", md.read_text(encoding="utf-8"))
    text = re.sub(r"(?ms)^```.*?^```\s*$", "", text)
    para: list[str] = []
    titled = False

    def flush() -> None:
        if para:
            d.add_paragraph(" ".join(para))
            para.clear()

    for line in text.splitlines():
        s = line.strip()
        m = re.match(r"^(#{1,6})\s+(.*)$", s)
        if m:
            flush()
            if not titled:
                d.add_paragraph(m.group(2), style="Title")
                titled = True
            else:
                d.add_heading(m.group(2), level=min(len(m.group(1)) - 1, 4) or 1)
        elif re.match(r"^[-*+]\s+", s):
            flush()
            d.add_paragraph(re.sub(r"^[-*+]\s+", "", s), style="List Bullet")
        elif not s or s.startswith("|"):
            flush()
        else:
            para.append(s)
    flush()
    out = folder / (md.stem + "-word.docx")
    d.save(out)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--formats", default="docx,pdf,md")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    formats = tuple(args.formats.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents()[: args.limit or None]
        docs += [as_docx(CORPUS / rel, Path(tmp)) for rel in DOCX_FROM]
        profiles = load_profiles()
        budgets = {pid: profiles.get(pid).budget.max_words for pid in profiles.ids}
        paged = {pid for pid in profiles.ids if profiles.get(pid).budget.pages}  # their pages bind before their words
        t0 = time.perf_counter()
        problems: list[str] = []
        briefs = fallbacks = n_dangling = n_repeats = underspent = 0
        words_used: list[float] = []
        for doc_path in docs:
            for item in pipeline.run(pipeline.Job((doc_path,), formats=formats), "compose"):
                name = doc_path.relative_to(CORPUS) if doc_path.is_relative_to(CORPUS) else doc_path.name
                if item.error is not None or item.brief is None or item.doc is None:
                    problems.append(f"FAILED {name} {item.profile.profile.id if item.profile else ''}: {item.error}")
                    continue
                briefs += 1
                b, pid = item.brief, item.brief.profile_id
                fallbacks += bool(b.warnings)
                budget = budgets[pid]
                if budget and b.body_words > budget:
                    problems.append(f"OVER BUDGET {name} {pid}: {b.body_words} > {budget}")
                if budget and pid not in paged:
                    words_used.append(b.body_words / budget)
                    body = sum(s.words for s in item.doc.walk() if s.role != "back-matter")
                    if body >= 2 * budget and b.body_words < 0.85 * budget:
                        underspent += 1
                        if args.v:
                            problems.append(f"UNDERSPENT {name} {pid}: {b.body_words} of {budget}")
                assert item.analysis is not None
                loose = dangling(b, item.analysis)
                n_dangling += len(loose)
                problems += [f"DANGLING {name} {pid}: {p}" for p in loose]
                n_repeats += len(repeats(b))
                if not b.summary:
                    problems.append(f"EMPTY SUMMARY {name} {pid}")
                if b.title != item.doc.title or not b.title.strip():
                    problems.append(f"TITLE {name} {pid}: {b.title!r}")
        compose_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        out = Path(tmp) / "out"
        results, _warnings = commands.build(pipeline.Job(tuple(docs), None, formats=formats, out=out), jobs=2)
        build_s = time.perf_counter() - t1
        failed = [r for r in results if r.error]
        problems += [f"FAILED FILE {Path(r.essay).name} {r.audience} {r.format}: {r.error}" for r in failed]
    print(f"documents: {len(docs)} ({len(docs) - len(DOCX_FROM)} corpus files + {len(DOCX_FROM)} as .docx)")
    print(f"briefs composed: {briefs}; with a fallback warning: {fallbacks}")
    print(f"dangling sentences: {n_dangling}; repeated sentences: {n_repeats}")
    print(f"files written: {len(results) - len(failed)} of {len(results)} ({', '.join(formats)}); failed: {len(failed)}")
    if words_used:
        used = sorted(words_used)
        print(f"budget used (audiences without a page budget): median {used[len(used) // 2]:.0%}, lowest {used[0]:.0%}; "
              f"below 85% where the essay has twice the budget: {underspent}")
    pages: dict[str, list[int]] = {}
    for r in results:
        if r.format == "pdf" and r.pages and not r.error:
            pages.setdefault(r.audience, []).append(r.pages)
    for aud, ps in sorted(pages.items()):
        ps.sort()
        print(f"pdf pages {aud:<20} median {ps[len(ps) // 2]}, max {ps[-1]}, one page: {sum(p == 1 for p in ps)} of {len(ps)}")
    print(f"problems: {len(problems)}")
    for p in problems[: None if args.v else 20]:
        print("  " + p)
    print(f"time: compose {compose_s:.1f} s, build {build_s:.1f} s (2 processes)")


if __name__ == "__main__":
    main()
