"""Golden tests, pandoc-style: the model dump and Markdown of each sample audience's brief, not .docx/.pdf bytes."""

from __future__ import annotations

import difflib

import pytest

from golden_briefs import GOLDEN, current

CURRENT = current()


@pytest.mark.parametrize("name", sorted(CURRENT))
def test_brief_matches_golden(name):
    path = GOLDEN / name
    assert path.is_file(), f"no golden file {name}: run `make golden`"
    want = path.read_text(encoding="utf-8")
    got = CURRENT[name]
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden", "now"))[:60])
        pytest.fail(f"{name} changed; if intended, run `make golden` and review the diff:\n{diff}")


def test_no_stale_golden_files():
    assert sorted(p.name for p in GOLDEN.glob("*")) == sorted(CURRENT)
