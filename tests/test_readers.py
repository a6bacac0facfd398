from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED, assert_user_error, run_cli
from policybrief.lang.cleanup import apply_cleanups
from policybrief.lang.words import count_words
from policybrief.model import block_sentences
from policybrief.readers import read_essay
from policybrief.readers.text_reader import title_from_path

TITLES = [
    "Overview",
    "Counterbalancing U.S. Global Influence",
    "Access to Advanced Military Technology and Other Forms of Defense Cooperation",
    "Trade and Investment Links",
    "Cooperation on Energy Issues",
    "Chinese Perspectives on Results and Limitations",
    "Diplomatic Divergences",
]


def test_sample_outline(doc):
    assert [s.title for s in doc.sections] == TITLES
    assert doc.sections[0].id == "overview"
    assert all(s.level == 1 and not s.subsections for s in doc.sections)


def test_sample_lists_and_roles(doc):
    lists = [(sec.id, bl) for sec, bl in doc.lists()]
    roles = [bl.role for _, bl in lists]
    assert roles == ["key_judgments", "drivers", "limitations"]
    kj, drivers, limits = (bl for _, bl in lists)
    assert len(kj.items) == 2 and kj.items[0].text.startswith("Gone are the days")
    assert kj.items[1].text.startswith("Regardless of the trajectory")
    assert len(drivers.items) == 7
    assert drivers.items[0].text == "countering perceived U.S. hegemony"
    assert drivers.items[-1].text == "gaining access to Russian energy supplies"
    assert drivers.lead_in.text == "These motivations include the following:"
    assert len(limits.items) == 4
    assert limits.items[0].text.startswith("the increasingly asymmetric nature")
    assert limits.items[-1].text == "friction over Chinese activities in Central Asia and Russian activities in East Asia"
    assert limits.lead_in.text == "These include the following:"


def test_cleanups_reported_and_applied(doc):
    kinds = {c.kind for c in doc.cleanups}
    assert {"space-before-punctuation", "hyphen-join"} <= kinds
    text = " ".join(s.text for sec in doc.walk() for b in sec.blocks for s in block_sentences(b))
    assert "power." in text and "power ." not in text
    assert "Sino-Russian diplomatic" in text and "Sino- Russian" not in text


def essay_words(d) -> int:
    """The essay's words as the model should hold them: the words of the source with every reported clean-up
    re-applied, less list marks and a title line taken from the text (it is the document's title, not a section).

    The clean-ups are re-applied to the source and its words counted, rather than each clean-up's words subtracted:
    a clean-up can join two words ("Sino- Russian") or touch part of one ("claim.[^2]" is one word before the marker
    goes and after), so only the cleaned text as a whole says how many words it holds."""
    cleaned = apply_cleanups(d.source, d.cleanups)
    marks = sum(count_words(it.marker) for _, bl in d.lists() for it in bl.items)
    from_text = d.title not in (dict(d.metadata).get("title"), title_from_path(Path(d.path)))
    title = count_words(d.title) if from_text else 0
    return count_words(cleaned) - marks - title


def test_no_word_lost(doc):
    assert doc.words == essay_words(doc)
    assert doc.words > 2900


def test_source_refs_point_into_source(doc):
    for sec in doc.walk():
        for b in sec.blocks:
            for s in block_sentences(b):
                raw = doc.source[s.ref.start : s.ref.end]
                assert s.ref.section == sec.id
                # The source span is the sentence before clean-up: same words, modulo the reported joins.
                assert abs(count_words(raw) - s.words) <= 1, (raw, s.text)


def _markdown_variant(tmp_path):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    out = ["---", "title: Sample", "---", ""]
    for ln in lines:
        s = ln.strip(" \u00a0")
        if s in TITLES[1:]:
            out.append(f"## {s}")
        elif s.startswith("•"):
            out.append("- " + s[1:].strip())
        else:
            out.append(s)
    p = tmp_path / "essay.md"
    p.write_text("\n".join(out), encoding="utf-8")
    return p


def _docx_variant(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Sample", style="Title")
    for ln in SEED.read_text(encoding="utf-8").splitlines():
        s = ln.strip(" \u00a0")
        if not s:
            continue
        if s in TITLES[1:]:
            d.add_heading(s, level=1)
        elif s.startswith("•"):
            d.add_paragraph(s[1:].strip(), style="List Bullet")
        else:
            d.add_paragraph(s)
    p = tmp_path / "essay.docx"
    d.save(p)
    return p


@pytest.mark.parametrize("make", [_markdown_variant, _docx_variant])
def test_variants_give_same_outline(tmp_path, doc, make):
    other = read_essay(make(tmp_path))
    assert [s.title for s in other.sections] == [s.title for s in doc.sections]
    assert [s.id for s in other.sections] == [s.id for s in doc.sections]
    assert [(bl.role, len(bl.items)) for _, bl in other.lists()] == [(bl.role, len(bl.items)) for _, bl in doc.lists()]


def test_inspect_json_shape():
    proc = run_cli("inspect", str(SEED), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [s["title"] for s in data["sections"]] == TITLES
    assert set(data["sections"][0]) >= {"id", "title", "level", "words", "sections"}
    assert [(x["role"], len(x["items"])) for x in data["lists"]] == [("key_judgments", 2), ("drivers", 7), ("limitations", 4)]
    assert set(data["lists"][0]) >= {"section", "role", "lead_in", "items"}


def test_inspect_terminal_view():
    proc = run_cli("inspect", str(SEED))
    assert proc.returncode == 0
    assert "Diplomatic Divergences" in proc.stdout and "limitations" in proc.stdout
    assert "Near-duplicate" in proc.stdout


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("binary.txt", bytes(range(256)) * 10, "binary"),
        ("bad.docx", b"this is not a zip", "not a .docx"),
        ("essay.pdf", b"%PDF-1.4", "suffix"),
    ],
)
def test_bad_input_one_line(tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_bytes(content)
    assert_user_error(run_cli("inspect", str(p)), needle, name)


def test_missing_file_and_folder(tmp_path):
    assert_user_error(run_cli("inspect", str(tmp_path / "nope.txt")), "no such file")
    assert_user_error(run_cli("inspect", str(tmp_path)), "folder")


def test_huge_file_refused(tmp_path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert_user_error(run_cli("inspect", str(p)), "MB")


def test_windows_1252_decoded_with_note(tmp_path):
    p = tmp_path / "cp.txt"
    p.write_bytes("Heading One\n\nThe caf\u00e9 costs \u20ac5 and it \u2019s fine. Another sentence here follows.\n".encode("cp1252"))
    d = read_essay(p)
    assert any("Windows-1252" in n for n in d.notes)
    assert "caf\u00e9" in d.source


def test_numbered_and_caps_headings_give_levels(tmp_path):
    text = (
        "1 INTRODUCTION\n\nThis report looks at the matter in some detail and with care for the reader.\n\n"
        "1.1 Scope of the Work\n\nThe scope covers several things that matter to the reader of the report.\n\n"
        "2 FINDINGS\n\nThe findings are set out below in the order in which they were reached.\n"
    )
    p = tmp_path / "n.txt"
    p.write_text(text, encoding="utf-8")
    d = read_essay(p)
    assert [s.title for s in d.sections] == ["1 INTRODUCTION", "2 FINDINGS"]
    assert [s.title for s in d.sections[0].subsections] == ["1.1 Scope of the Work"]


def test_list_markers(tmp_path):
    text = "Intro line that is a sentence and long enough to count as prose here. Steps include:\n\n1. first step\n2) second step\n* third\n- fourth\n"
    p = tmp_path / "l.txt"
    p.write_text(text, encoding="utf-8")
    d = read_essay(p)
    lists = [bl for _, bl in d.lists()]
    assert sum(len(bl.items) for bl in lists) == 4
    assert lists[0].lead_in is not None and lists[0].lead_in.text == "Steps include:"


def test_mitigations_are_not_limitations(tmp_path):
    text = ("Risks\n\nThe programme faces several difficulties that the agency has tried to manage over time. "
            "The agency adopted the following mitigations to reduce these risks:\n\n• more staff\n• better training\n")
    p = tmp_path / "m.txt"
    p.write_text(text, encoding="utf-8")
    assert [bl.role for _, bl in read_essay(p).lists()] == ["other"]


words = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(words, st.sampled_from(["", "• item one", "1. step", "Heading Here", "These include:", "- x"])), max_size=30))
def test_random_text_never_crashes_or_loses_words(tmp_path_factory, parts):
    text = "\n".join(parts)
    if not text.strip() or "\x00" in text:
        return
    p = tmp_path_factory.mktemp("h") / "random-essay.txt"
    p.write_text(text, encoding="utf-8")
    try:
        d = read_essay(p)
    except Exception as exc:  # only clear user errors are allowed
        from policybrief.errors import InputError

        assert isinstance(exc, InputError), exc
        return
    assert d.words == essay_words(d)


def test_opening_text_gets_its_own_id_only_when_present(tmp_path):
    body = "The committee asked whether the claims survive the trip into a brief intact and found that they do.\n"
    first = tmp_path / "first.txt"
    first.write_text("Overview\n\n" + body)
    assert [s.id for s in read_essay(first).sections] == ["overview"]
    pre = tmp_path / "pre.txt"
    pre.write_text(body + "\nOverview\n\n" + body)
    assert [s.id for s in read_essay(pre).sections] == ["overview", "overview-2"]


def test_markdown_with_unmarked_headings(tmp_path):
    """A PDF-to-Markdown conversion: '# Title', the real headings as plain lines, a '# Footnotes' at the end."""
    prose = ("The committee asked whether the programme met its goals over the period under review, and it "
             "found that it mostly did, though with some delays in the later years.")
    text = (f"# Trade Accounts: Overview and Policy Considerations\n\nIntroduction \n\n{prose}\n\n{prose}\n\n"
            f"Description of the Accounts\n\n{prose}\n\nContributions\n\n{prose}\n\n{prose}\n\n"
            f"# Footnotes\n\n| 1. | See the statute. |\n")
    p = tmp_path / "crs.md"
    p.write_text(text, encoding="utf-8")
    d = read_essay(p)
    assert d.title == "Trade Accounts: Overview and Policy Considerations"
    assert [s.title for s in d.walk()] == ["Introduction", "Description of the Accounts", "Contributions", "Footnotes"]
    assert d.words == essay_words(d)


@pytest.mark.parametrize(
    "text,title",
    [
        ("# DeFi Lending\n\n## Risks\n\nBorrowers post collateral that can fall in value.\n\n# Sources\n\nA list.\n",
         "DeFi Lending"),
        ("Version 1.0, updated 14 January 2025\n\n# A - Privacy risks\n\n## 1 Introduction\n\nThis paper looks "
         "at the risks.\n\n## 2 Risks\n\nThere are several.\n", "A - Privacy risks"),
        ("# Introduction\n\nThis essay has sections only.\n\n# Findings\n\nThey are set out here.\n", "Essay"),
    ],
)
def test_markdown_title(tmp_path, text, title):
    p = tmp_path / "essay.md"
    p.write_text(text, encoding="utf-8")
    assert read_essay(p).title == title


@pytest.mark.parametrize(
    "first,title,first_section",
    [
        ("Trade and Energy: A Partnership of Convenience", "Trade and Energy: A Partnership of Convenience", None),
        ("Overview", "Essay", "Overview"),
    ],
)
def test_text_title_from_first_line(tmp_path, first, title, first_section):
    body = "The committee asked whether the claims survive the trip into a brief intact and found that they do.\n"
    p = tmp_path / "essay.txt"
    p.write_text(f"{first}\n\n{body}\nFindings\n\n{body}", encoding="utf-8")
    d = read_essay(p)
    assert d.title == title
    assert [s.title for s in d.walk() if s.heading_ref] == ([first_section] if first_section else []) + ["Findings"]


md_word = st.from_regex(r"[A-Za-z]{1,9}[.,;?!]?", fullmatch=True)
md_line = st.tuples(
    st.sampled_from(["", "", "# ", "## ", "### ", "- ", "* ", "1. ", "> "]), st.lists(md_word, min_size=1, max_size=14)
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(md_line, st.just(("", []))), max_size=30))
def test_random_markdown_never_crashes_or_loses_words(tmp_path_factory, lines):
    text = "\n".join(mark + " ".join(words) for mark, words in lines)
    if not text.strip():
        return
    p = tmp_path_factory.mktemp("m") / "random-essay.md"
    p.write_text(text, encoding="utf-8")
    d = read_essay(p)
    removed = sum(count_words(c.before) - count_words(c.after) for c in d.cleanups)
    from_text = d.title != title_from_path(p)
    expected = sum(len(words) for _, words in lines) - removed - (count_words(d.title) if from_text else 0)
    assert d.words == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(words, st.sampled_from(["", "# Title", "Heading Here", "- x", "```", "| a | b |", "> q"])),
                max_size=30))
def test_random_text_as_markdown_never_crashes(tmp_path_factory, parts):
    text = "\n".join(parts)
    if not text.strip() or "\x00" in text:
        return
    p = tmp_path_factory.mktemp("m") / "random-essay.md"
    p.write_text(text, encoding="utf-8")
    try:
        read_essay(p)
    except Exception as exc:  # only clear user errors are allowed
        from policybrief.errors import InputError

        assert isinstance(exc, InputError), exc


def test_the_date_a_document_states_at_its_top(tmp_path):
    body = "\n\n## Findings\n\nThe office paid awards faster in every year of the review period than before.\n"
    md = tmp_path / "r.md"
    md.write_text("# Review\n\n**Report:** GAO-26-1 | **Published:** 2026-03-03 | **Source:** GAO" + body, encoding="utf-8")
    assert read_essay(md).meta("date") == "2026-03-03"
    txt = tmp_path / "t.txt"
    txt.write_text("Review of awards\n\nDate: March 3, 2026" + body, encoding="utf-8")
    assert read_essay(txt).meta("date") == "2026-03-03"
    (tmp_path / "t.yaml").write_text("date: '2026-04-01'\n", encoding="utf-8")
    assert read_essay(txt).meta("date") == "2026-04-01"  # the sidecar wins
    late = tmp_path / "late.md"
    late.write_text("# Review" + body * 8 + "\nPublished: 2020-01-01\n", encoding="utf-8")
    assert read_essay(late).meta("date") == ""  # a date deep in the text is not the document's
    other = tmp_path / "o.md"
    other.write_text("# Review\n\nDate: 3 March 2026" + body, encoding="utf-8")
    assert read_essay(other).meta("date") == "2026-03-03"
    other.write_text("# Review\n\nPublished: 2026-02-30" + body, encoding="utf-8")
    assert read_essay(other).meta("date") == ""  # no such day: not taken
    other.write_text("Version 1.0, updated 14 January 2025\n\n# Review" + body, encoding="utf-8")
    assert read_essay(other).meta("date") == "2025-01-14"  # a version line's date
    other.write_text("# Review\n\nWe updated 14 files in 2024." + body, encoding="utf-8")
    assert read_essay(other).meta("date") == ""
    other.write_text("---\ndate: 2026-13-45\n---\n# Review" + body, encoding="utf-8")
    from conftest import assert_user_error, run_cli

    assert_user_error(run_cli("inspect", str(other)), "o.md:2", "not a valid date")


PROSE = "The agency reviewed the programme over two years and reported its results to the committee in full.\n\n"


@pytest.mark.parametrize("line", [
    "Jane Doe, Director, doej@agency.example",  # a contact line
    "Automated answering system: (800) 555-0100",  # a telephone number
    "Variable** **Description** **Source",  # a table's bold header row run together
    "Rural schools 0.97 (0.82, 1.14)",  # a table row ending in an interval
    "Regional offices 3,255 38 13",  # a table row ending in figures
    "$562.1",  # a cell with no words
    "(in millions)",  # a unit line
    "N/A Yes N/A N/A",  # answers in a table row
    "38 Office of Budget, _Reminder of New Requirements_",  # a footnote citing a work
    "8 ABC-24-106192",  # a footnote citing a report number
    "March 5, 2026",  # a date alone
    "Version 1.0, updated 14 January 2025",  # a version line
    "N/A",  # an answer
    "TBD -- not decided yet",
    "Similarly, article 3 states",  # a sentence's opening
    "The following requirements will be added to the annex",  # a lead-in
    "NOTE",  # an admonition's label
    "NSF National Science Foundation",  # a line of a list of abbreviations
])
def test_lines_that_are_never_headings(tmp_path, line):
    """Standing alone between blank lines above prose, each line has a heading's layout but is something else:
    contact details, table rows, footnotes, dates, answers, openings of sentences, abbreviations."""
    p = tmp_path / "r.txt"
    p.write_text("Review of the Programme\n\nBackground\n\n" + PROSE + line + "\n\n" + PROSE, encoding="utf-8")
    assert [s.title for s in read_essay(p).walk() if s.heading_ref is not None] == ["Background"]


@pytest.mark.parametrize("line", ["Phase 1 and 2", "Years 2020 to 2024", "2 The \"Grey Zone\" Problem",
                                  "US Strategy Review", "What Is Next (and When?)", "No Action Alternative",
                                  "1 – Introduction", "Costs 2020 – 2024", "2020–2024", "Budget 2024 2025",
                                  "2 COVID-19 and the Economy", "3 MQ-9 Procurement", "3 \"Deterrence by Denial\" Revisited",
                                  "No-First-Use Policy", "Unknown: The Road Ahead", "The Following Options", "Note"])
def test_headings_that_look_a_little_like_those_lines(tmp_path, line):
    p = tmp_path / "r.txt"
    p.write_text("Review of the Programme\n\nBackground\n\n" + PROSE + line + "\n\n" + PROSE, encoding="utf-8")
    assert [s.title for s in read_essay(p).walk() if s.heading_ref is not None] == ["Background", line]


def test_contents_entries_are_not_headings(tmp_path):
    """A table of contents (lines ending in page numbers) is not read as headings; the headings it lists are."""
    toc = "Contents\n\nBackground 2\n\nFindings 4\n\nRecommendations 7\n\n"
    body = "".join(f"{h}\n\n{PROSE}" for h in ("Background", "Findings", "Recommendations"))
    p = tmp_path / "r.txt"
    p.write_text("Review of the Programme\n\n" + toc + body, encoding="utf-8")
    titles = [s.title for s in read_essay(p).walk() if s.heading_ref is not None]
    assert titles[-3:] == ["Background", "Findings", "Recommendations"]
    assert not any(t.endswith(("2", "4", "7")) for t in titles)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_heading_broken_after_its_colon_is_one_heading(tmp_path, suffix):
    """PDF conversions break a long heading over two lines; standing alone, the two lines are one heading."""
    title = "# Foreign Debt" if suffix == ".md" else "Foreign Debt"
    p = tmp_path / f"r{suffix}"
    p.write_text(f"{title}\n\nBackground\n\n{PROSE}Foreign Investment in Federal Debt:  \nWhy Is It an Issue of Concern?\n\n"
                 f"{PROSE}Holdings by Country:\n\n- Japan\n- China\n", encoding="utf-8")
    doc = read_essay(p)
    assert [s.title for s in doc.walk() if s.heading_ref is not None] == [
        "Background", "Foreign Investment in Federal Debt: Why Is It an Issue of Concern?"]
    assert [bl.lead_in.text for _, bl in doc.lists() if bl.lead_in] == ["Holdings by Country:"]


def test_a_bold_line_in_unmarked_markdown_is_a_label_not_a_heading(tmp_path):
    """In Markdown whose headings are unmarked lines (a PDF conversion), a wholly bold line above prose is a label
    the converter kept ("**Project Summary**" on each of a dozen profile pages), not a heading: a document with
    Markdown would have marked its headings (weight learned on the corpus: no bold line is a true heading outside
    GAO's PDF conversions, and 26 of 745 there)."""
    p = tmp_path / "r.md"
    p.write_text(f"# Review of the Programme\n\nBackground\n\n{PROSE}**Project Summary**\n\n{PROSE}Findings\n\n{PROSE}",
                 encoding="utf-8")
    assert [s.title for s in read_essay(p).walk() if s.heading_ref is not None] == ["Background", "Findings"]


def test_an_essay_whose_headings_are_bold_lines_keeps_them(tmp_path):
    """Bold counts against a heading only where the essay marks its headings some other way."""
    for suffix in (".txt", ".md"):
        p = tmp_path / f"b{suffix}"
        p.write_text("Reforming the Program\n\n" + "".join(f"**{h}**\n\n{PROSE}" for h in (
            "Background", "Key Findings", "Policy Options", "Recommendations")), encoding="utf-8")
        titles = [s.title for s in read_essay(p).walk() if s.heading_ref is not None]
        assert titles == ["Background", "Key Findings", "Policy Options", "Recommendations"], (suffix, titles)


def test_a_lead_in_over_its_first_item_is_not_a_heading(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text(f"Review of the Programme\n\nBackground\n\n{PROSE}Two approaches stand out:\nThe Nordic Model\n\n{PROSE}",
                 encoding="utf-8")
    assert [s.title for s in read_essay(p).walk() if s.heading_ref is not None] == ["Background"]


def test_a_two_line_heading_is_joined_only_where_one_paragraph_holds_both_lines(tmp_path):
    """Markdown reads a tab-indented first line as code of its own: no heading "...:" over an empty section."""
    p = tmp_path / "r.md"
    p.write_text(f"# Foreign Debt\n\n{PROSE}\tForeign Investment in Federal Debt:\n  Why Is It an Issue of Concern?\n\n{PROSE}",
                 encoding="utf-8")
    secs = [s for s in read_essay(p).walk() if s.heading_ref is not None]
    assert not any(s.title.endswith(":") for s in secs) and all(s.blocks for s in secs), [s.title for s in secs]
