from __future__ import annotations

import pytest

from conftest import ROOT, SEED, assert_user_error, run_cli
from policybrief.compose import compose, select_sections
from policybrief.errors import ProfileError
from policybrief.profiles import load_profiles

AUDIENCES = ["asia-desk", "congressional-staff", "defense-planners", "economic-energy", "principals"]


def test_five_profiles_listed(profiles):
    assert profiles.ids == AUDIENCES


def test_five_different_briefs_within_budget(doc, analysis, profiles):
    cuts = set()
    for pid in AUDIENCES:
        p = profiles.get(pid, doc)
        brief = compose(doc, analysis, p)
        cuts.add(tuple(s.id for s in brief.sections))
        assert brief.body_words <= p.budget.max_words, pid
        # counted independently of the model's own counter
        assert sum(len(b.text.split()) for s in brief.sections for b in s.blocks if hasattr(b, "text")) <= p.budget.max_words
    assert len(cuts) == 5


def test_congressional_staff_keeps_every_section(doc, analysis, profiles):
    brief = compose(doc, analysis, profiles.get("congressional-staff", doc))
    assert [s.id for s in brief.sections] == [s.id for s in doc.walk()]


def test_condensing_keeps_sentences_verbatim_and_in_order(doc, analysis, profiles):
    originals = {}
    for sec in doc.walk():
        for b in sec.blocks:
            for s in getattr(b, "sentences", ()):
                originals[s.ref] = s.text
    brief = compose(doc, analysis, profiles.get("principals", doc))
    for sec in brief.sections:
        refs = [s.ref for b in sec.blocks for s in getattr(b, "sentences", ())]
        assert refs == sorted(refs, key=lambda r: (r.block, r.sentence))
        for b in sec.blocks:
            for s in getattr(b, "sentences", ()):
                assert originals[s.ref] == s.text
        assert sec.blocks, "no heading without text"


def test_focus_ranks_sections(doc, analysis, profiles):
    brief = compose(doc, analysis, profiles.get("economic-energy", doc))
    ids = [s.id for s in brief.sections]
    assert ids[:2] == ["trade-and-investment-links", "cooperation-on-energy-issues"]  # named order first
    defense = compose(doc, analysis, profiles.get("defense-planners", doc))
    order = [s.id for s in defense.sections]
    assert order[0].startswith("access-to-advanced-military")
    # relevance: with the military focus, limitations (arms) before counterbalancing (diplomacy)
    assert order.index("chinese-perspectives-on-results-and-limitations") < order.index("counterbalancing-us-global-influence")


def _write(folder, name, text):
    aud = folder / "audiences"
    aud.mkdir(parents=True, exist_ok=True)
    (aud / name).write_text(text, encoding="utf-8")
    return aud / name


def test_inheritance_and_user_override(tmp_path, doc):
    _write(tmp_path, "mine.yaml", "id: mine\nextends: principals\ntitle: Mine\nbudget:\n  max_words: 123\n")
    ps = load_profiles(tmp_path)
    p = ps.get("mine", doc)
    assert p.budget.max_words == 123
    assert p.sections.include == load_profiles(ROOT / "templates").load("principals").profile.sections.include  # inherited
    assert p.marking.startswith("UNCLASSIFIED")  # from base, two levels up
    _write(tmp_path, "principals.yaml", "id: principals\nextends: base\ntitle: Overridden\n")
    assert load_profiles(tmp_path).get("principals").title == "Overridden"


def test_selection_by_id_glob_and_role(tmp_path, doc):
    _write(tmp_path, "sel.yaml", "id: sel\nextends: base\ntitle: S\nsections:\n  include: [overview, '*energy*', 'role:limitations']\n  exclude: [overview]\n  fill: false\n")
    p = load_profiles(tmp_path).get("sel", doc)
    assert [s.id for s in select_sections(doc, p, {})[0]] == ["cooperation-on-energy-issues", "chinese-perspectives-on-results-and-limitations"]


def test_anchors_and_aliases(tmp_path, doc):
    _write(tmp_path, "a.yaml", "id: a\nextends: base\ntitle: A\nfocus: &f {oil: 2}\nsummary: {sentences: 2}\n")
    assert load_profiles(tmp_path).get("a").focus == {"oil": 2.0}


@pytest.mark.parametrize(
    "text,needles",
    [
        ("id: bad\nextends: base\ntitle: B\nbudgett: {max_words: 3}\n", ["bad.yaml:4", "budgett", "did you mean 'budget'"]),
        ("id: bad\nextends: base\ntitle: B\nbudget:\n  max_words: lots\n", ["bad.yaml:5", "budget.max_words"]),
        ("id: bad\nextends: base\ntitle: B\nsections:\n  include: [overview, energy]\n", ["bad.yaml:5", "sections.include[1]", "unknown section 'energy'", "cooperation-on-energy-issues"]),
        ("id: bad\nextends: bad2\ntitle: B\n", ["extends", "cycle"]),
        ("id: bad\ntitle: B\nsections:\n\tinclude: [x]\n", ["bad.yaml:4", "tab"]),
        ("", ["bad.yaml:1", "empty"]),
        ("id: bad\ntitle: !!python/object:os.system {}\n", ["bad.yaml:2", "python/object"]),
    ],
)
def test_profile_errors_one_line_with_file_and_line(tmp_path, text, needles):
    _write(tmp_path, "bad.yaml", text)
    _write(tmp_path, "bad2.yaml", "id: bad2\nextends: bad\ntitle: C\n")
    proc = run_cli("plan", str(SEED), "--audience", "bad", "--templates", str(tmp_path))
    assert_user_error(proc, *needles)


def test_unknown_audience_suggests(doc):
    with pytest.raises(ProfileError, match="did you mean 'principals'"):
        load_profiles().get("principal")


def test_cli_audiences_and_plan():
    assert run_cli("audiences", "list").returncode == 0
    show = run_cli("audiences", "show", "principals")
    assert show.returncode == 0 and "max_words: 400" in show.stdout
    plan = run_cli("plan", str(SEED), "-a", "principals", "-a", "congressional-staff")
    assert plan.returncode == 0
    assert "Diplomatic Divergences" in plan.stdout and "before" in plan.stdout
    assert run_cli("audiences", "validate", "--essay", str(SEED)).returncode == 0


def test_a_focus_the_essay_barely_mentions_is_reported(doc, analysis):
    from policybrief.compose import compose
    from policybrief.profiles.schema import Profile

    off = Profile.model_validate({"id": "farm", "title": "Farm desk", "focus": {"wheat": 2, "irrigation": 1}})
    assert any("farm: its focus terms are in no sentence" in w for w in compose(doc, analysis, off).warnings)
    on = Profile.model_validate({"id": "energy", "title": "Energy desk", "focus": {"energy": 2, "gas": 1}})
    assert not compose(doc, analysis, on).warnings


def test_a_page_budget_cuts_body_then_tables_and_keeps_the_summary(doc, analysis, profiles):
    from policybrief.compose import PAGE_SAFETY, compose, fit_pages

    profile = profiles.get("congressional-staff", doc)
    profile = profile.model_copy(update={"budget": profile.budget.model_copy(update={"pages": 2})})
    full = compose(doc, analysis, profile)

    def measure(brief):  # a page per 500 body words, a tenth of a page per table row
        return brief.body_words / 500 + 0.1 * sum(len(t.rows) for t in brief.tables)

    assert measure(full) > 2
    fitted = fit_pages(doc, analysis, profile, measure)
    assert measure(fitted) <= 2 * PAGE_SAFETY and not fitted.warnings
    assert fitted.summary == full.summary and fitted.title == full.title
    assert measure(fitted) > 2 * PAGE_SAFETY * 0.85  # cut in coarse steps, then given back what room is left
    # Nothing fits a budget the summary alone overruns: the brief is as short as it goes, and says so.
    tight = fit_pages(doc, analysis, profile, lambda b: 3.0)
    assert tight.body_words <= 60 and any("runs over its 2 page(s)" in w for w in tight.warnings)
    assert fit_pages(doc, analysis, profiles.get("asia-desk", doc), lambda b: 9.0) == compose(
        doc, analysis, profiles.get("asia-desk", doc)
    )  # no page budget: as composed
