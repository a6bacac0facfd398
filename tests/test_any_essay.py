"""Any essay, any audience: packaged profiles work on essays nobody tuned them for; essay-specific tailoring lives
in the essay's sidecar; section roles; validation of a user's own profiles."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, SEED, SHARED, assert_user_error, run_cli
from policybrief.readers import read_essay

ESSAY = """Summary

The pilot programme cut processing times by a third in two years, and the agency should extend it nationwide.
Costs were lower than planned in every region that took part in the pilot programme.

Background

The agency launched the pilot in 2021 after years of complaints about slow processing of claims.
Twelve regional offices took part, covering about a fifth of all claims filed in those years.

Risks and Limitations

The main risk is that savings depend on staff who were trained for the pilot and may leave.
Another limitation is that the pilot regions were not chosen at random, so results may not generalise.

Recommendations

The agency should extend the programme to every region by the end of next year.
It should also publish quarterly data on processing times so that progress can be checked.
"""


@pytest.fixture()
def essay(tmp_path):
    p = tmp_path / "pilot-review.txt"
    p.write_text(ESSAY, encoding="utf-8")
    return p


def test_packaged_profiles_name_nothing_of_the_sample():
    doc = read_essay(SEED)
    ids = {s.id for s in doc.walk()} - {"overview"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "templates" / "audiences").glob("*.yaml")}
    assert len(texts) >= 6
    for name, text in texts.items():
        for sid in ids:
            assert sid not in text, (name, sid)
        for words in ("China and Russia", "Sino-Russian", "China's Partnership", "North Korea", "Central Asia", "Putin"):
            assert words not in text, (name, words)


def test_section_roles_inferred_and_shown(essay):
    doc = read_essay(essay)
    assert [(s.title, s.role) for s in doc.walk()] == [
        ("Summary", "summary"), ("Background", "background"), ("Risks and Limitations", "limitations"),
        ("Recommendations", "recommendations"),
    ]
    data = json.loads(run_cli("inspect", str(essay), "--json").stdout)
    assert [s["role"] for s in data["sections"]] == ["summary", "background", "limitations", "recommendations"]
    assert "(limitations)" in run_cli("inspect", str(essay)).stdout


def test_every_packaged_audience_builds_on_an_essay_that_starts_with_a_heading(essay, tmp_path):
    proc = run_cli("build", str(essay), "--all", "--format", "md", "--out", str(tmp_path / "o"), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 5 and not any(r["error"] for r in rows)
    for r in rows:
        md = open(r["path"], encoding="utf-8").read()
        assert md.count("# Pilot review") == 1  # the essay's own title (from its file name), never the sample's
        assert "China" not in md and "Russia" not in md
    principals = next(open(r["path"], encoding="utf-8").read() for r in rows if r["audience"] == "principals")
    assert "## Recommendations" in principals or "## Summary" in principals


def test_sidecar_tailors_one_audience_and_sets_roles(essay, tmp_path):
    essay.with_suffix(".yaml").write_text(
        "title: Review of the claims pilot\n"
        "roles:\n  background: methodology\n"
        "audiences:\n  principals:\n    sections: {include: [recommendations]}\n    budget: {max_words: 60}\n",
        encoding="utf-8",
    )
    doc = read_essay(essay)
    assert doc.title == "Review of the claims pilot"
    assert {s.id: s.role for s in doc.walk()}["background"] == "methodology"
    proc = run_cli("plan", str(essay), "-a", "principals", "-a", "asia-desk")
    assert proc.returncode == 0, proc.stderr
    plans = {block.split(":", 1)[0]: block for block in proc.stdout.strip().split("\n\n")}
    assert "of 60 words" in plans["principals"] and "Recommendations" in plans["principals"]
    assert "Background" not in plans["principals"]
    assert "of 1000 words" in plans["asia-desk"]  # still the packaged profile's budget


@pytest.mark.parametrize(
    "sidecar,needles",
    [
        ("audiences:\n  principals:\n    sections: {include: [recomendations]}\n",
         ["pilot-review.yaml:3", "unknown section 'recomendations'", "did you mean 'recommendations'"]),
        ("audiences:\n  principal:\n    focus: {cost: 2}\n", ["pilot-review.yaml:2", "unknown audience 'principal'", "did you mean 'principals'"]),
        ("roles:\n  backgroud: methodology\n", ["pilot-review.yaml:2", "unknown section 'backgroud'", "did you mean 'background'"]),
        ("roles:\n  background: method\n", ["pilot-review.yaml:2", "unknown role 'method'"]),
        ("titel: X\n", ["pilot-review.yaml:1", "unknown key 'titel'", "did you mean 'title'"]),
    ],
)
def test_sidecar_mistakes_are_one_line_with_file_and_line(essay, tmp_path, sidecar, needles):
    essay.with_suffix(".yaml").write_text(sidecar, encoding="utf-8")
    assert_user_error(run_cli("plan", str(essay), "-a", "principals"), *needles)


def test_no_match_falls_back_with_a_warning(essay, tmp_path):
    aud = tmp_path / "t" / "audiences"
    aud.mkdir(parents=True)
    (aud / "drivers-only.yaml").write_text(
        "id: drivers-only\nextends: base\ntitle: Drivers\nsections: {include: ['role:drivers', 'title:*energy*']}\n", encoding="utf-8"
    )
    proc = run_cli("build", str(essay), "-a", "drivers-only", "-f", "md", "-o", str(tmp_path / "o"), "--templates", str(tmp_path / "t"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    warning = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(warning) == 1 and "warning: drivers-only" in warning[0] and "role:drivers, title:*energy*" in warning[0]
    assert "1 brief file(s) written" in proc.stdout


def test_did_you_mean_only_when_close(tmp_path):
    aud = tmp_path / "t" / "audiences"
    aud.mkdir(parents=True)
    (aud / "mine.yaml").write_text("id: mine\nextends: base\ntitle: M\nsections: {include: [duplicate-medals]}\n", encoding="utf-8")
    proc = run_cli("plan", str(SEED), "-a", "mine", "--templates", str(tmp_path / "t"))
    assert_user_error(proc, "unknown section 'duplicate-medals'")
    assert "did you mean" not in proc.stderr


def test_validate_named_files_only_and_every_error(tmp_path, essay):
    mine = tmp_path / "my" / "audiences"
    mine.mkdir(parents=True)
    good = mine / "energy-minister.yaml"
    good.write_text("id: energy-minister\nextends: economic-energy\ntitle: Energy in one page\nbudget: {max_words: 350}\n"
                    "focus: {LNG: 3}\n", encoding="utf-8")
    proc = run_cli("audiences", "validate", str(good), "--templates", str(tmp_path / "my"), "--essay", str(essay))
    assert proc.returncode == 0, proc.stderr
    assert "1 profile(s) valid" in proc.stdout and "energy-minister" in proc.stdout
    bad = mine / "bad.yaml"
    bad.write_text("id: bad\nextends: base\ntitle: B\nbudgett: {max_words: 3}\nsummary: {sentences: lots}\n", encoding="utf-8")
    proc = run_cli("audiences", "validate", str(bad), str(good), "--templates", str(tmp_path / "my"))
    assert proc.returncode == 2
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 2 and "Traceback" not in proc.stderr
    assert any("bad.yaml:4" in ln and "budgett" in ln for ln in lines)
    assert any("bad.yaml:5" in ln and "summary.sentences" in ln for ln in lines)
    listed = run_cli("audiences", "list", "--templates", str(tmp_path / "my"), "--no-packaged").stdout
    assert "energy-minister" in listed and "principals" not in listed.split("\n", 1)[1]


def test_plan_all_reports_every_failing_profile(tmp_path):
    aud = tmp_path / "t" / "audiences"
    aud.mkdir(parents=True)
    for name in ("one", "two"):
        (aud / f"{name}.yaml").write_text(f"id: {name}\nextends: base\ntitle: T\nsections: {{include: [no-such-{name}]}}\n", encoding="utf-8")
    proc = run_cli("plan", str(SEED), "--templates", str(tmp_path / "t"))
    assert proc.returncode == 1
    assert proc.stdout.count("FAILED") == 2 and "principals:" in proc.stdout


CORPUS = SHARED / "corpus"
SAMPLES = [
    "A/crs_markdown/R48910v2.report.md",
    "A/gao_markdown/gao-26-107759.report.md",
    "A/govreport_leval/govreport_04.report.txt",
    "B/eudi__a-privacy-risks-and-mitigations.md",
    "B/18f__derisking-government-tech__home__vendor-management.md",
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("rel", SAMPLES)
def test_packaged_audiences_on_corpus_documents(tmp_path, rel):
    from policybrief.profiles import load_profiles

    path = CORPUS / rel
    proc = run_cli("build", str(path), "--all", "--format", "docx,pdf,md", "--out", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 15 and not any(r["error"] for r in rows)
    title = read_essay(path).title
    budgets = {pid: load_profiles().get(pid).budget.max_words for pid in load_profiles().ids}
    for r in rows:
        assert r["words"] <= budgets[r["audience"]]
        if r["format"] == "md":
            md = open(r["path"], encoding="utf-8").read()
            assert md.splitlines()[2] == "# " + re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", title)
            summary = md.split("## Executive summary", 1)[1].split("\n## ", 1)[0]
            assert len(summary.split()) > 10, (r["audience"], summary)
