from __future__ import annotations

import json

from conftest import SEED, run_cli
from policybrief.analysis.scoring import score
from policybrief.analysis.summarize import summarize
from policybrief.model import Document


def _texts(a, idx):
    return [a.sentences[k].sentence.text for k in idx]


def test_summary_has_no_heading_lead_in_or_duplicate(doc: Document, analysis):
    titles = {s.title for s in doc.walk()}
    leads = {bl.lead_in.text for _, bl in doc.lists() if bl.lead_in}
    for focus in (None, {"military": 2, "arms": 2}, {"energy": 2, "oil": 2, "gas": 2}):
        idx = summarize(analysis, score(analysis, focus), max_words=250)
        texts = _texts(analysis, idx)
        assert texts and not (set(texts) & (titles | leads))
        assert not any(t.endswith(":") for t in texts)
        # No repeat, except that the bottom line may be quoted in its later, standalone wording (never both).
        assert all(k not in analysis.duplicates for k in idx[1:])
        assert analysis.duplicates.get(idx[0]) not in idx
        rest = idx[1:] if idx[0] != min(idx) else idx
        assert rest == sorted(rest)  # the bottom line first, then source order
        for k in idx:  # a leaning sentence only with what it leans on, which comes first
            assert set(analysis.closure(k)) <= set(idx)
            assert all(idx.index(j) <= idx.index(k) for j in analysis.closure(k))
        assert sum(len(t.split()) for t in texts) <= 250


def test_thesis_repeats_never_both_in(analysis):
    idx = summarize(analysis, max_sentences=12)
    thesis = [t for t in _texts(analysis, idx) if "strong incentives to further enhance" in t]
    assert len(thesis) <= 1


def test_summary_follows_the_audience(analysis):
    base = set(summarize(analysis, max_sentences=5))
    defense = _texts(analysis, summarize(analysis, score(analysis, {"military": 3, "arms": 3, "defense": 3}), max_sentences=5))
    energy = _texts(analysis, summarize(analysis, score(analysis, {"energy": 3, "oil": 3, "gas": 3}), max_sentences=5))
    assert sum(("military" in t or "arms" in t or "defense" in t) for t in defense) >= 2
    assert sum(("oil" in t or "gas" in t or "energy" in t) for t in energy) >= 2
    assert set(defense) != set(energy)
    assert base


def test_summarize_cli_plain_and_json():
    proc = run_cli("summarize", str(SEED), "--words", "80")
    assert proc.returncode == 0 and proc.stdout.count("\n") == 1
    assert len(proc.stdout.split()) <= 80
    data = json.loads(run_cli("summarize", str(SEED), "--sentences", "3", "--json", "--audience", "economic-energy").stdout)
    assert len(data["summary"]) == 3
    assert set(data["summary"][0]) == {"text", "section", "paragraph", "sentence"}
    assert set(data["tables"]) == {"limitations", "drivers", "key_judgments", "recommendations"}
    assert set(data["tables"]["limitations"][0]) == {"item", "evidence", "section"}


def test_a_summary_quotes_findings_not_how_the_work_was_done(tmp_path):
    from policybrief.analysis import analyse
    from policybrief.analysis.thesis import thesis
    from policybrief.readers import read_essay

    text = ("# Whistleblower protections\n\n## Introduction\n\n"
            "You asked us to review how agencies protect whistleblowers who report wrongdoing.\n\n"
            "This document is the review of how agencies protect whistleblowers who report wrongdoing.\n\n"
            "To address our first objective, we reviewed agency guidance on whistleblowers and interviewed officials.\n\n"
            "We interviewed officials at five agencies that protect whistleblowers who report wrongdoing.\n\n"
            "For our second objective, we reviewed the files of whistleblowers who report wrongdoing at agencies.\n\n"
            "In support of our third objective, we reviewed the files of whistleblowers who report wrongdoing.\n\n"
            "Our report on whistleblowers who report wrongdoing describes (1) agency protections and (2) records.\n\n"
            "In its report, the Senate Committee includes a provision for us to review how agencies protect whistleblowers.\n\n"
            "## Findings\n\nAgencies protect whistleblowers unevenly, and most lack a way to track retaliation complaints.\n\n"
            "Whistleblowers who report wrongdoing often face retaliation that agencies never record.\n\n"
            "## Contacts\n\nWe are sending copies of this report to the appropriate congressional committees.\n")
    (tmp_path / "w.md").write_text(text, encoding="utf-8")
    a = analyse(read_essay(tmp_path / "w.md"))
    picked = [a.sentences[k].sentence.text.split()[0] for k in summarize(a, max_sentences=4)]
    assert picked and set(picked) <= {"Agencies", "Whistleblowers"}, picked
    t = thesis(a)
    assert t is None or a.sentences[t].sentence.text.startswith(("Agencies", "Whistleblowers"))
