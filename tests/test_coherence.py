"""Briefs an analyst would sign: no sentence quoted without what it leans on, the bottom line first, no summary that
ends on a premise the essay answers, the budget spent."""

from __future__ import annotations

import json

import pytest

from briefs_json import brief as brief_from_json
from conftest import ROOT, SEED, SHARED, run_cli
from policybrief.check import dangling, repeats
from policybrief.compose import compose

BEFORE = ROOT / "tests" / "data" / "briefs-before"
AUDIENCES = ["asia-desk", "congressional-staff", "defense-planners", "economic-energy", "principals"]


def _essay(tmp_path, text: str, name: str = "r.md"):
    """The essay `text`, read and analysed."""
    from policybrief.analysis import analyse
    from policybrief.readers import read_essay

    (tmp_path / name).write_text(text, encoding="utf-8")
    doc = read_essay(tmp_path / name)
    return doc, analyse(doc)


def _body(brief) -> list[str]:
    """The brief's body sentences, in order (paragraphs only)."""
    return [s.text for sec in brief.sections for b in sec.blocks for s in getattr(b, "sentences", ())]


def test_check_flags_the_dangling_sentences_of_the_old_briefs(analysis):
    """The sample's five briefs as the code made them before this check existed (tests/data/briefs-before)."""
    flagged: dict[str, set[str]] = {}
    for pid in AUDIENCES:
        old = brief_from_json(json.loads((BEFORE / f"{pid}.json").read_text(encoding="utf-8")))
        flagged[pid] = {p.sentence for p in dangling(old, analysis)}
    every = set().union(*flagged.values())
    for start in (
        "These motivations include the following:",  # after "Chinese policymakers are well aware of the limitations..."
        "The sum total of these motivations",  # with no motivations before it
        "This pillar of the relationship",
        "Nonetheless, such investment comes",  # after its LNG sentence moved to the summary
        "It is also possible that increasing Russian activities in East Asia",  # evidence stripped of its sentence
        "Beijing is also well aware that Moscow",  # "also", without the first limitation
        "Another limitation is the potential for growing competition",
        "If the presence and influence of the United States and the West are diminishing",  # the premise, unanswered
    ):
        assert any(s.startswith(start) for s in every), start
    assert any(s.startswith("If the presence and influence") for s in flagged["principals"])
    assert sum(len(v) for v in flagged.values()) >= 13


def test_sample_briefs_are_coherent(doc, analysis, profiles):
    thesis = ("China has a number of strong incentives", "Nonetheless, China has strong incentives",
              "China’s incentives to sustain this relationship will remain robust")
    for pid in AUDIENCES:
        profile = profiles.get(pid, doc)
        b = compose(doc, analysis, profile)
        assert not dangling(b, analysis), (pid, [str(p) for p in dangling(b, analysis)])
        assert not repeats(b), pid
        assert b.summary[0].text.startswith(thesis), (pid, b.summary[0].text)
        assert not b.summary[-1].text.startswith("If the presence and influence"), pid
        assert b.body_words >= 0.85 * (profile.budget.max_words or 0), (pid, b.body_words)
        for it in b.key_judgments:  # headline sentences, not 150-word blocks
            assert sum(s.words for s in it.sentences) <= max(60, it.sentences[0].words) or not profile.key_judgments.words


def test_key_judgments_follow_the_audience(doc, analysis, profiles):
    firsts = {pid: compose(doc, analysis, profiles.get(pid, doc)).key_judgments for pid in ("defense-planners", "congressional-staff")}
    whole = firsts["congressional-staff"]  # asks for the whole of each judgment
    assert max(sum(s.words for s in it.sentences) for it in whole) > 100
    assert all(sum(s.words for s in it.sentences) <= 60 for it in firsts["defense-planners"])


def test_kept_subsection_keeps_its_parent_heading(tmp_path):
    text = ("# Report\n\nThe report finds that the programme works well and should be extended to every region.\n\n"
            "## Costs\n\nCosts rose sharply in every region last year.\n\n### Energy costs\n\n"
            "Energy prices doubled, and the energy bill of the programme rose by half.\n\n"
            "## Staffing\n\nStaff numbers held steady throughout the year in all offices.\n")
    (tmp_path / "r.md").write_text(text, encoding="utf-8")
    aud = tmp_path / "t" / "audiences"
    aud.mkdir(parents=True)
    (aud / "energy.yaml").write_text("id: energy\nextends: base\ntitle: E\nsections: {include: [energy-costs, staffing]}\n"
                                     "summary: {sentences: 1}\n", encoding="utf-8")
    proc = run_cli("build", str(tmp_path / "r.md"), "-a", "energy", "-f", "md", "-o", str(tmp_path / "o"), "--templates", str(tmp_path / "t"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    md = (tmp_path / "o" / "r" / "r-energy.md").read_text(encoding="utf-8")
    assert md.index("## Costs") < md.index("### Energy costs") < md.index("## Staffing")


def test_check_command(tmp_path):
    proc = run_cli("check", str(SEED), "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 dangling" in proc.stdout and "principals: body" in proc.stdout


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize("rel", ["A/gao_markdown/gao-26-107650.report.md", "B/rust-rfc__0809-box-and-in-for-stdlib.md",
                                 "B/kep__sig-api-machinery__5793-manifest-based-admission-control-config.md",
                                 "A/govreport_leval/govreport_12.report.txt"])
def test_corpus_briefs_have_no_dangling_sentence(rel):
    from policybrief import pipeline

    for item in pipeline.run(pipeline.Job((SHARED / "corpus" / rel,)), "compose"):
        assert item.brief is not None and item.analysis is not None, item.error
        assert not dangling(item.brief, item.analysis), [str(p) for p in dangling(item.brief, item.analysis)]


@pytest.mark.parametrize("text,kind", [
    ("To prevent this, the agency added a second review of every claim.", "referential"),
    ("We also interviewed officials at three regional offices.", "additive"),
    ("The table above shows the results for each site.", "outside"),
    ("Figure 2 shows the trend in costs since 2010.", "outside"),
    ("As shown in Figure 1, costs rose in every region.", "outside"),
    ("In the next chapter, we describe the survey method.", "outside"),
    ("Costs rose sharply in every region (see fig. 3).", "none"),
    ("This report examines the costs of the programme.", "none"),
    ("It is also likely that costs will rise again next year.", "additive"),
    ("As previously discussed, the office lacks staff.", "outside"),
    ("As discussed above, the office lacks staff.", "outside"),
    ("As noted, the office lacks staff.", "outside"),
    ("As noted by the IMF, inflation rose in every region.", "none"),
    ("As described in the 2019 treaty, each party may inspect.", "none"),
    ("Table 9 provides information on awards by year.", "outside"),
    ("As Figure 1 illustrates, awards fell after 2020.", "outside"),
    ("Figure 4 and Figure 5 explore the trend by region.", "outside"),
    ("As such, the guidance it publishes is not binding.", "connective"),
    ("Again, the drop was largest among older students.", "connective"),
    ("Table salt prices doubled in the period.", "none"),
    ("For similar reasons, the new rule never needs a waiver.", "connective"),
    ("In doing so, a Member of Congress remarked on the cost.", "connective"),
    ("If so, each claim is reviewed twice.", "connective"),
    ("In both cases the value is kept.", "connective"),
    ("The one exception is the transfer of funds.", "connective"),
    ("Together with Senator Church, he sought to establish a committee.", "connective"),
    ("When states expand the programme, they see gains in coverage.", "none"),
    ("Both men exercised the powers of the office.", "referential"),
    ("In 2019, the committee agreed to act.", "none"),
    ("See GAO, Defense Cyber Efforts, GAO-12-762SU (Washington, D.C.: Aug. 3, 2012).", "outside"),
    ("For a summary of views on the matter, see CRS In Focus IF12762.", "outside"),
    ("Agencies see the program as costly.", "none"),
])
def test_how_a_sentence_leans(text, kind):
    from policybrief.lang.cohesion import lean

    assert lean(text).kind == kind


def test_outside_pointers_and_unfinished_sentences_are_never_quoted_alone(tmp_path):
    from policybrief.analysis import analyse
    from policybrief.readers import read_essay

    filler = " ".join(f"Site {n} reported steady progress on its harbour works during the year." for n in range(12))
    text = ("# Review\n\n## Results\n\n" + filler + "\n\nFigure 2 shows that harbour costs doubled at every site.\n\n"
            "Harbour costs were driven by several factors, including\n\n"
            "dredging, steel prices and delays in permits.\n\n" + filler + "\n")
    (tmp_path / "r.md").write_text(text, encoding="utf-8")
    doc = read_essay(tmp_path / "r.md")
    from policybrief.profiles.schema import Profile

    prof = Profile.model_validate({"id": "t", "title": "T", "focus": {"harbour costs": 5}, "budget": {"max_words": 25},
                                   "summary": {"sentences": 1}, "tables": {"include": []}})
    analysis = analyse(doc)
    brief = compose(doc, analysis, prof)
    body = [s.text for sec in brief.sections for b in sec.blocks for s in getattr(b, "sentences", ())]
    printed = [s.text for s in brief.summary] + body
    assert not any(t.startswith("Figure 2") for t in printed)
    if "Harbour costs were driven by several factors, including" in body:  # only with what finishes it, right after
        assert body[body.index("Harbour costs were driven by several factors, including") + 1].startswith("dredging")
    from policybrief import condense

    k = next(k for k, i in enumerate(analysis.sentences) if i.sentence.text.endswith("including"))
    (unit,) = [u for u in condense.units(list(doc.sections), analysis, analysis.centrality, set(), set())
               if (doc.sections[0].id, analysis.sentences[k].sentence.ref.block, 0) in u.members]
    assert (doc.sections[0].id, analysis.sentences[k].sentence.ref.block + 1, 0) in unit.members
    assert not dangling(brief, analysis)


def test_chart_labels_and_cut_off_sentence_ends_are_never_quoted_alone(tmp_path):
    from policybrief.profiles.schema import Profile

    filler = " ".join(f"Site {n} reported steady progress on its dredging works during the year." for n in range(12))
    text = ("# Review\n\n## Results\n\n" + filler + "\n\nharbour costs ($ millions)\n\n"
            "harbour costs rose at every site or stayed at their peak.\n\nHarbour costs.\n\n" + filler + "\n")
    doc, analysis = _essay(tmp_path, text)
    prof = Profile.model_validate({"id": "t", "title": "T", "focus": {"harbour costs": 5}, "budget": {"max_words": 40},
                                   "summary": {"sentences": 1}, "tables": {"include": []}})
    brief = compose(doc, analysis, prof)
    printed = [s.text for s in brief.summary] + _body(brief)
    assert printed and not any("harbour costs" in t.lower() for t in printed), printed
    assert [i.kind for i in analysis.sentences if i.sentence.text == "harbour costs ($ millions)"] == ["label"]


def test_a_sentence_cut_by_a_page_break_comes_with_its_other_half(tmp_path):
    from policybrief import condense

    filler = " ".join(f"Office {n} reported steady progress on its caseload during the year." for n in range(10))
    text = ("# Review\n\n## Awards\n\n" + filler + "\n\nThe programme pays awards to people who report violations that lead to an SEC"
            "\n\nenforcement action with sanctions of more than one million dollars.\n\n" + filler + "\n")
    doc, analysis = _essay(tmp_path, text)
    k = next(k for k, i in enumerate(analysis.sentences) if i.sentence.text.endswith("an SEC"))
    block = analysis.sentences[k].sentence.ref.block
    (unit,) = [u for u in condense.units(list(doc.sections), analysis, analysis.centrality, set(), set())
               if (doc.sections[0].id, block, 0) in u.members]
    assert (doc.sections[0].id, block + 1, 0) in unit.members
    # and `check` reports a brief that quotes the first half alone
    import dataclasses

    from policybrief.check import dangling
    from policybrief.model import BriefSection, Paragraph
    from policybrief.profiles.schema import Profile

    brief = compose(doc, analysis, Profile.model_validate({"id": "t", "title": "T", "summary": {"sentences": 1}}))
    half = BriefSection(doc.sections[0].id, "Awards", 2, (Paragraph((analysis.sentences[k].sentence,)),))
    cut = dataclasses.replace(brief, sections=(half,), tables=(), key_judgments=())
    assert "an unfinished sentence quoted without the text that finishes it" in [p.reason for p in dangling(cut, analysis)]


def test_a_cut_sentence_prints_as_one_paragraph_and_a_chart_title_is_not_prose(tmp_path):
    from policybrief.model import Paragraph
    from policybrief.profiles.schema import Profile

    text = ("# Review\n\n## Awards\n\nAwards rose in every year of the review, and the office paid them faster than before.\n\n"
            "Funds recovered for awards paid under the Internal Revenue Code\n\n"
            "To shield the identities of whistleblowers, officials do not report the sanctions because this\n\n"
            "could be used to show which sanctions were associated with a disclosure.\n")
    doc, analysis = _essay(tmp_path, text)
    prof = Profile.model_validate({"id": "t", "title": "T", "summary": {"sentences": 1}, "tables": {"include": []},
                                   "key_judgments": False})
    brief = compose(doc, analysis, prof)
    paras = [" ".join(s.text for s in b.sentences) for sec in brief.sections for b in sec.blocks if isinstance(b, Paragraph)]
    assert any(p.endswith("because this could be used to show which sanctions were associated with a disclosure.") for p in paras)
    assert not any("Funds recovered" in p for p in paras)


def test_chinese_prose_and_a_sentence_in_brackets_are_quoted(tmp_path):
    from policybrief.profiles.schema import Profile

    text = ("# 中俄关系评估\n\n## 分析\n\n能源贸易是两国关系的核心支柱，天然气管道项目不断推进。\n\n"
            "军事合作方面，两国定期举行联合演习，技术转让也在增加。\n\n## Data quality\n\n"
            "(The figures for the last year are provisional and may change.)\n")
    doc, analysis = _essay(tmp_path, text, "zh.md")
    assert not any(i.kind == "label" or i.fragment for i in analysis.sentences)
    brief = compose(doc, analysis, Profile.model_validate({"id": "t", "title": "T", "summary": {"sentences": 1}}))
    body = _body(brief)
    assert brief.summary and any("(The figures" in t for t in body) and any("联合演习" in t for t in body + [s.text for s in brief.summary])


def test_legislative_citations_do_not_end_a_sentence():
    from policybrief.lang.sentences import split_spans

    t = ("The committee was created by S.Res. 304 as a special committee. See Pub. L. No. 115-368, 132 Stat. 5092 "
         "for the text. It ended in 1976.")
    assert [t[a:b] for a, b in split_spans(t)] == [
        "The committee was created by S.Res. 304 as a special committee.",
        "See Pub. L. No. 115-368, 132 Stat. 5092 for the text.", "It ended in 1976."]


def test_code_is_never_quoted_even_when_everything_fits(tmp_path):
    from policybrief.profiles.schema import Profile

    prose = " ".join(f"Clients in region {k} send the discriminator with every request they make." for k in range(8))
    doc, analysis = _essay(tmp_path, f"# Unions\n\n## Background\n\n{prose}\n\n## Design\n\nThe discriminator must be a string and is always required.\n\n"
                           "```\n// +enum\ntype UnionType string\n\nconst (\n  FieldA UnionType = \"FieldA\"\n)\n```\n\n"
                           "Every union has exactly one discriminator field, set by the client on each request.\n")
    brief = compose(doc, analysis, Profile.model_validate({"id": "t", "title": "T", "budget": {"max_words": 2000},
                                                           "summary": {"sentences": 1}}))
    body = _body(brief)
    assert any(t.startswith("Every union") for t in body) and not any("UnionType" in t for t in body), body


def test_a_short_brief_quotes_findings_before_how_the_work_was_done(tmp_path):
    from policybrief.profiles.schema import Profile

    doc, analysis = _essay(tmp_path, "# Review\n\n## Introduction\n\n"
                           "For our first objective, we reviewed agency guidance on harbour works and interviewed officials. "
                           "Regarding our second objective, we analysed harbour spending data for the years 2015 to 2024.\n\n"
                           "Harbour works ran late at most sites because funding arrived after each season had started. "
                           "Harbour dredging costs doubled over the period while the volume dredged stayed flat.\n")
    brief = compose(doc, analysis, Profile.model_validate({"id": "t", "title": "T", "budget": {"max_words": 18},
                                                           "summary": {"sentences": 1}}))
    body = _body(brief)
    assert body and not any(t.startswith(("For our", "Regarding our")) for t in body), body
