"""The golden files: each sample audience's Brief as JSON and its Markdown rendering, under tests/golden/.

The test compares them with what the code produces now; after an intended change, regenerate them with
`make golden` (this file run as a script) and review the diff like any other change.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT / "seeds" / "china-russia-partnership.txt"


def current() -> dict[str, str]:
    """File name -> content for every golden file, as the code produces them now."""
    from policybrief import pipeline
    from policybrief.writers import render

    out = {}
    for item in pipeline.run(pipeline.Job((SEED,), templates=ROOT / "templates"), "compose"):  # as `build` composes
        assert item.brief is not None and item.style is not None and item.profile is not None, item.error
        pid, brief = item.profile.profile.id, item.brief
        out[f"{pid}.json"] = json.dumps(brief.to_dict(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        out[f"{pid}.md"] = render("md", brief, item.style).data.decode("utf-8")
    return out


def regenerate() -> None:
    files = current()
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} golden files to {GOLDEN.relative_to(ROOT)}/")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    regenerate()
