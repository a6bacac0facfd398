"""Readers on real-world input: markup noise cleaned and every clean-up reported, captions, back matter found by its
content, HTML tables, .docx headings set by hand, and what `inspect` warns about. Fixtures are written here."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from policybrief.analysis import analyse
from policybrief.compose import compose
from policybrief.lang.cleanup import apply_cleanups
from policybrief.model import BulletList, Caption, Document, Paragraph, Table, block_sentences
from policybrief.profiles import load_profiles
from policybrief.readers import read_essay
from test_readers import essay_words

PROSE = ("The committee asked whether the programme met its goals over the period under review, and it found "
         "that it mostly did, though with some delays in the later years.")


def sentences(doc: Document) -> list[str]:
    return [s.text for sec in doc.walk() for b in sec.blocks for s in block_sentences(b)]


def assert_traceable(doc: Document) -> None:
    """Every sentence is its source span with the reported clean-ups applied, and no word is unaccounted for."""
    for sec in doc.walk():
        for b in sec.blocks:
            for s in block_sentences(b):
                assert apply_cleanups(doc.source, doc.cleanups, s.ref.start, s.ref.end) == s.text, s
    assert doc.words == essay_words(doc)


NOISY_MD = f"""---
title: Trade Accounts
---

{{% include 'chapter_image.html' img_path: "assets/img/accounts.svg" %}}

## Overview {{#overview}}
{{:toc}}

The 2025 law ([P.L. 119-21](https://congress.gov/bill/1)) created the accounts.[^1] A bill, \\[H.R. 4016\\](https://congress.gov/bill/4016), would change them\\[^2\\] and cost^3^ a great deal. The *new* rules are **strict** &amp; clear <!-- check this -->and apply to `IRA<T>` accounts in the \\*\\_bracketed\\_\\* \\#1 case. See <https://treasury.gov/accounts> for more.
{{: .from}}

## Effects

{PROSE} Savers responded<sup>4</sup> slowly to the new accounts over the first years.

[^1]: See the statute.
[^2]: CRS Report R48092, Can Tax Policy Increase Saving?
"""


def test_markdown_noise_cleaned_and_reported(tmp_path):
    p = tmp_path / "accounts.md"
    p.write_text(NOISY_MD, encoding="utf-8")
    doc = read_essay(p)
    text = " ".join(sentences(doc))
    for noise in ("{%", "%}", "{:", "{#", "[^", "\\[", "\\]", "^3^", "](http", "<!--", "<sup>", "**", "&amp;", "\\*", "\\#"):
        assert noise not in text, noise
    assert "The 2025 law (P.L. 119-21) created the accounts." in text
    assert "A bill, H.R. 4016, would change them and cost a great deal." in text
    assert "The new rules are strict & clear and apply to IRA<T> accounts in the *_bracketed_* #1 case." in text
    assert "See https://treasury.gov/accounts for more." in text
    assert "Savers responded slowly to the new accounts over the first years." in text
    kinds = {k for c in doc.cleanups for k in c.kind.split("+")}
    assert {"template", "link", "footnote-marker", "footnote-label", "escape", "emphasis", "entity", "html", "code"} <= kinds
    assert [s.title for s in doc.walk() if s.heading_ref] == ["Overview", "Effects"]
    assert_traceable(doc)


def test_struck_through_text_is_deleted_text(tmp_path):
    p = tmp_path / "tracked.md"
    p.write_text("# Wallet\n\n## Requirements\n\nThe interface SHALL ~~display~~ provide a view with the ~~an~~ EU "
                 "Trust Mark for ~~_every [listed](http://x) wallet_~~ each wallet it lists.\n", encoding="utf-8")
    doc = read_essay(p)
    assert sentences(doc) == ["The interface SHALL provide a view with the EU Trust Mark for each wallet it lists."]
    assert {c.kind for c in doc.cleanups} == {"strikethrough+whitespace"}
    assert_traceable(doc)


def test_text_reader_cleans_markdown_residue(tmp_path):
    p = tmp_path / "converted.txt"
    p.write_text(
        "Overview\n\n{% include 'x.html' %}\nThe law ([P.L. 119-21](https://congress.gov/bill/1)) created the accounts.[^1] "
        "A bill, \\[H.R. 4016\\](https://congress.gov/x), would change them<!-- draft -->. The *rules* stay as written.\n\n"
        "Effects\n\n" + PROSE + "\n",
        encoding="utf-8",
    )
    doc = read_essay(p)
    text = " ".join(sentences(doc))
    assert "The law (P.L. 119-21) created the accounts." in text
    assert "A bill, H.R. 4016, would change them." in text
    assert "The *rules* stay as written." in text  # emphasis marks are Markdown's business, not plain text's
    assert "{%" not in text and "[^1]" not in text
    assert_traceable(doc)


def test_footnotes_and_disclaimer_are_back_matter_left_out_of_briefs(tmp_path):
    definitions = "\n".join(f"\\[^{n}\\]: See CRS Report R4809{n}, by A. Author, 2024, https://crs.gov/R4809{n}." for n in range(1, 4))
    text = (f"# Savings Accounts\n\nIntroduction\n\n{PROSE} Accounts grew fast.\\[^1\\]\n\n{PROSE}\n\nFindings\n\n"
            f"The accounts raised saving among families with children by a small amount.\\[^2\\] {PROSE}\n\n{definitions}\n\n"
            "Disclaimer:\n\nThis document was prepared by the Congressional Research Service (CRS). It should not be relied "
            "upon for purposes other than public understanding.\n")
    p = tmp_path / "crs.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    back = {s.title: s for s in doc.walk() if s.role == "back-matter"}
    assert set(back) == {"Notes", "Disclaimer"}
    assert all(s.heading_ref is None for s in back.values())  # not headings of the essay: the outline is unchanged
    notes = [b.text for b in back["Notes"].blocks]
    assert len(notes) == 3 and notes[0].startswith("See CRS Report R48091")
    assert "prepared by the Congressional Research Service" in " ".join(b.text for b in back["Disclaimer"].blocks)
    assert "Accounts grew fast." in sentences(doc)
    assert_traceable(doc)
    analysis = analyse(doc)
    profiles = load_profiles(ROOT / "templates")
    for pid in profiles.ids:
        brief = compose(doc, analysis, profiles.get(pid, doc))
        printed = " ".join(s.text for s in brief.sentences())
        assert "CRS Report R4809" not in printed and "Congressional Research Service" not in printed, pid
        assert not any(s.ref.section in {x.id for x in back.values()} for s in brief.sentences())


def test_shortcut_links_and_notes_in_prose(tmp_path):
    """`[label]` is a link where the document defines the label; a "Note:" away from any table is the essay's own."""
    p = tmp_path / "kep.md"
    p.write_text(f"# KEP\n\n## Motivation\n\nThe [enhancements repo] tracks it; [RiskRegister] is a citation.\n\n"
                 f"Note: the policy is at beta as of 1.35.\n\n{PROSE}\n\n[enhancements repo]: https://github.com/k/e\n",
                 encoding="utf-8")
    doc = read_essay(p)
    assert "The enhancements repo tracks it; [RiskRegister] is a citation." in sentences(doc)
    sec = doc.section("motivation")
    assert sec is not None and not any(isinstance(b, Caption) for b in sec.blocks)
    assert any(c.before == "[enhancements repo]: https://github.com/k/e" for c in doc.cleanups)
    assert_traceable(doc)


def test_numbered_notes_and_their_markers(tmp_path):
    """A PDF conversion's page-foot notes ("1 See: GAO, ...") go to back matter and their "[1]" markers leave the prose."""
    text = (f"# Report\n\n## Background\n\n{PROSE} Agencies were asked to report. [1]\n\n"
            "1 See: GAO, Whistleblower Program, GAO-16-20 (Washington, D.C.: Nov. 30, 2015).\n\n"
            f"{PROSE} The request also covered states. [2]\n\n2 The request also asked for examples of state laws.\n\n"
            f"## Findings\n\n{PROSE} Table [3] is not a note.\n")
    p = tmp_path / "gao.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    notes = doc.section("notes")
    assert notes is not None and [b.text[:5] for b in notes.blocks] == ["1 See", "2 The"]
    body = " ".join(sentences(doc))
    assert "Agencies were asked to report." in body and "[1]" not in body and "[2]" not in body
    assert "Table [3] is not a note." in body
    assert_traceable(doc)


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_closing_numbered_citations_and_contents_are_back_matter(tmp_path, suffix):
    """A report that ends on its footnotes as a numbered list ("1.  See ..."), with a table of contents up front."""
    contents = "\n".join(f"- [Part {k}](#part-{k})" for k in (1, 2, 3))
    notes = "\n".join(f"{n}.  See CRS Report R4809{n}, Saving Accounts, by A. Author ({2020 + n})." for n in range(1, 5))
    body = "\n\n".join(f"Part {k}\n\n{PROSE} It is point {k} of the report." for k in (1, 2, 3))
    p = tmp_path / f"report{suffix}"
    p.write_text(f"Savings Accounts: An Overview\n\n{contents}\n\n{body}\n\n{notes}\n", encoding="utf-8")
    doc = read_essay(p)
    back = {s.title: s for s in doc.walk() if s.role == "back-matter"}
    assert set(back) == {"Contents", "Notes"}, [s.title for s in doc.walk()]
    assert [it.text[:20] for b in back["Notes"].blocks if isinstance(b, BulletList) for it in b.items] == \
        ["See CRS Report R4809"] * 4
    assert [s.title for s in doc.walk() if s.heading_ref] == ["Part 1", "Part 2", "Part 3"]
    assert_traceable(doc)


def test_superscript_markers_go_but_units_stay(tmp_path):
    p = tmp_path / "units.txt"
    p.write_text(f"Overview\n\nThe reserve covers 40 km² of seabed.² Its policy³ was set in 2019. {PROSE}\n", encoding="utf-8")
    text = " ".join(sentences(read_essay(p)))
    assert "The reserve covers 40 km² of seabed." in text and "Its policy was set in 2019." in text


def test_captions_are_not_prose(tmp_path):
    text = (f"# Report\n\n## Costs\n\n{PROSE}\n\nTable 1. Parameters of Selected Savings Accounts\n\n"
            "| Account | Taxed |\n|---|---|\n| Roth | No |\n| 529 | No |\n\n**Source:** CRS analysis of the statute.\n\n"
            f"Notes: Figures are rounded. They exclude fees.\n\nFigure 2: Growth of Savings, 2020-2025\n\n{PROSE}\n\n"
            "Table 1 shows that both accounts escape tax on earnings, which matters most for savers with long horizons.\n")
    p = tmp_path / "captions.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    costs = doc.section("costs")
    assert costs is not None
    captions = [b.text for b in costs.blocks if isinstance(b, Caption)]
    assert captions == ["Source: CRS analysis of the statute.", "Notes: Figures are rounded. They exclude fees.",
                        "Figure 2: Growth of Savings, 2020-2025"]
    table = next(b for b in costs.blocks if isinstance(b, Table))
    assert table.caption is not None and table.caption.text == "Table 1. Parameters of Selected Savings Accounts"
    assert table.header == ("Account", "Taxed") and table.rows == (("Roth", "No"), ("529", "No"))
    prose = [b for b in costs.blocks if type(b) is Paragraph]
    assert prose[-1].text.startswith("Table 1 shows that")  # a sentence about a table is prose
    analysed = {info.sentence.text for info in analyse(doc).sentences}
    assert not any(c in analysed for c in captions)
    assert_traceable(doc)


def test_pipe_rows_without_a_delimiter_row_are_a_table(tmp_path):
    """As CRS conversions write tables: no '|---|' row, cells wrapped over lines, a figure box in pipes after it."""
    text = (f"# Report\n\n## Priorities\n\n{PROSE}\n\nTable 1. Comparison of Priorities\n\n| FY2012-FY2016\n"
            "(Administration priorities) | FY2017-2021\n(Statutory priorities)\n| Regional innovation\nPublic private "
            "partnerships | Recovery and resilience\n| Global competitiveness | Workforce\n\n| Figure 1. Growth of "
            "Savings by Account Type\n|  \n| Source: CRS analysis.\nNotes: Assumes a 7% rate of return and no taxes on "
            "gains for the whole of the period, which is generous.\n\n| Who's Who in the Program\nSeveral people and "
            "institutions manage an account on behalf of the child who holds it.\n")
    p = tmp_path / "crs.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    sec = doc.section("priorities")
    assert sec is not None
    table = next(b for b in sec.blocks if isinstance(b, Table))
    assert table.caption is not None and table.caption.text == "Table 1. Comparison of Priorities"
    assert table.header == ("FY2012-FY2016 (Administration priorities)", "FY2017-2021 (Statutory priorities)")
    assert table.rows == (("Regional innovation Public private partnerships", "Recovery and resilience"),
                          ("Global competitiveness", "Workforce"))
    # one bar, then prose: a box's title (a caption) over its paragraph, not a table, nor one sentence with the title
    assert [b.text[:20] for b in sec.blocks if isinstance(b, Caption)] == ["| Figure 1. Growth o", "Who's Who in the Pro"]
    prose = [b.text for b in sec.blocks if type(b) is Paragraph]
    assert not any("|" in t for t in prose)
    assert "Several people and institutions manage an account on behalf of the child who holds it." in sentences(doc)
    assert_traceable(doc)


def test_html_table_in_markdown(tmp_path):
    text = ("# Privacy risks\n\n## Related risks\n\nThe register contains the following risks:\n\n<table>\n<colgroup>\n"
            '<col style="width: 31%" />\n</colgroup>\n<thead>\n<tr>\n<th><strong>Risk type </strong></th>\n<th>Risk ID</th>\n'
            "<th>Related risk titles</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><strong>High-level risks</strong></td>\n"
            "<td>R6</td>\n<td>Data disclosure &amp; misuse</td>\n</tr><tr>\n<td>System-related risks</td>\n<td>SR1</td>\n"
            "<td>Wholesale\nsurveillance<br/>of users</td>\n</tr>\n</tbody>\n</table>\n\n<div class=\"note\">A note kept as "
            "text after the table.</div>\n\n" + PROSE + "\n")
    p = tmp_path / "risks.md"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    sec = doc.section("related-risks")
    assert sec is not None
    table = next(b for b in sec.blocks if isinstance(b, Table))
    assert table.header == ("Risk type", "Risk ID", "Related risk titles")
    assert table.rows == (("High-level risks", "R6", "Data disclosure & misuse"),
                          ("System-related risks", "SR1", "Wholesale surveillance of users"))
    assert doc.source[table.ref.start : table.ref.end].startswith("<table>")
    assert "A note kept as text after the table." in sentences(doc)
    assert any(c.kind == "html" for c in doc.cleanups)
    lists = list(doc.lists())
    assert not lists  # the lead-in stays a paragraph: what follows is a table
    assert_traceable(doc)


def test_docx_headings_from_bold_and_larger_paragraphs(tmp_path):
    import docx
    from docx.shared import Pt

    d = docx.Document()

    def add(text: str, bold: bool = False, size: float | None = None) -> None:
        run = d.add_paragraph().add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)

    add("Review of the Pilot Programme", bold=True, size=20)
    add("1 Introduction", bold=True, size=14)
    add(PROSE)
    add("1.1 Scope of the Review", bold=True, size=12)
    add(PROSE)
    add("Background", size=14)
    add(PROSE)
    add("Earlier Pilots", bold=True)
    add(PROSE)
    add("2.3 Numbered but Plain")
    add(PROSE)
    add("A bold line that is a sentence, not a heading.", bold=True)
    add(PROSE)
    p = tmp_path / "unstyled.docx"
    d.save(p)
    doc = read_essay(p)
    assert doc.title == "Review of the Pilot Programme"
    assert [(s.title, s.level) for s in doc.walk()] == [
        ("1 Introduction", 1), ("1.1 Scope of the Review", 2), ("Background", 1), ("Earlier Pilots", 2),
        ("2.3 Numbered but Plain", 2),
    ]
    assert "A bold line that is a sentence, not a heading." in sentences(doc)


def test_docx_with_heading_styles_ignores_bold_paragraphs(tmp_path):
    import docx

    d = docx.Document()
    d.add_heading("Findings", level=1)
    d.add_paragraph().add_run("Bold Lead Line").bold = True
    d.add_paragraph(PROSE)
    p = tmp_path / "styled.docx"
    d.save(p)
    assert [s.title for s in read_essay(p).walk()] == ["Findings"]


def test_inspect_warns_when_the_outline_looks_wrong(tmp_path):
    p = tmp_path / "flat.md"
    p.write_text("\n\n".join([PROSE * 6] * 30), encoding="utf-8")
    proc = run_cli("inspect", str(p), "--json")
    assert proc.returncode == 0, proc.stderr
    warnings = json.loads(proc.stdout)["warnings"]
    assert len(warnings) == 1 and "headings may be unmarked" in warnings[0] and "--from text" in warnings[0]
    view = run_cli("inspect", str(p))
    assert "warning: " in view.stdout and "headings may be unmarked" in view.stdout
    items = "\n\n".join(f"Item number {i} of the register" for i in range(20))
    as_text = tmp_path / "lines.txt"
    as_text.write_text(f"{items}\n\n{PROSE}\n", encoding="utf-8")
    data = json.loads(run_cli("inspect", str(as_text), "--json").stdout)
    assert any("sections hold no text" in w for w in data["warnings"])  # the plain-text reader took them for headings
    as_md = tmp_path / "lines.md"
    as_md.write_text(f"# Register\n\n## Entries\n\n{items}\n\n## Next\n\n{PROSE}\n", encoding="utf-8")
    data = json.loads(run_cli("inspect", str(as_md), "--json").stdout)
    assert any("paragraphs are one short line" in w for w in data["warnings"])


def test_inspect_warns_about_lists_without_roles(tmp_path):
    p = tmp_path / "lists.md"
    body = "\n\n".join(f"## Part {i}\n\n{PROSE}\n\n- apples and pears\n- plums and cherries\n" for i in range(4))
    p.write_text("# Essay\n\n" + body, encoding="utf-8")
    data = json.loads(run_cli("inspect", str(p), "--json").stdout)
    assert any("none of the 4 lists has a role" in w for w in data["warnings"])
    assert not [w for w in json.loads(run_cli("inspect", str(ROOT / "seeds" / "china-russia-partnership.txt"), "--json").stdout)["warnings"]]


_PIECES = ["word", "Alpha", "beta.", "[", "]", "(", ")", "[^1]", "\\[", "\\]", "**", "*", "_", "`", "<b>", "</b>", "<br>",
           "<!--", "-->", "{%", "%}", "{{", "}}", "{:", "}", "{#x}", "&amp;", "&", "^2^", "²", "!", "# ", "## ", "- ",
           "1. ", "> ", "|", "\n", "\n\n", " ", "  ", "<https://a.b>", "](http://u)", "<table><tr><td>", "</td><td>",
           "</td></tr></table>", "\t", "~~", ":", "Figure 1. ", "Source: ", "[^3]: "]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60), st.sampled_from([".md", ".txt"]))
@example(["\n", "- ", "\t", "word"], ".md")  # a tab markdown-it turns into indentation, in a list item's code
def test_random_markup_is_traceable(tmp_path_factory, parts, suffix):
    """Any mix of markup: the reader never crashes, and every sentence is its source with the clean-ups applied."""
    text = " ".join(parts)
    if not any(c.isalnum() for c in text):
        return
    p = tmp_path_factory.mktemp("noise") / f"random-essay{suffix}"
    p.write_text(text, encoding="utf-8")
    doc = read_essay(p)
    for sec in doc.walk():
        for b in sec.blocks:
            for s in block_sentences(b):
                assert apply_cleanups(doc.source, doc.cleanups, s.ref.start, s.ref.end) == s.text
            if isinstance(b, BulletList):
                for it in b.items:
                    assert it.text.strip()


@pytest.mark.parametrize("name", ["bad.md", "bad.txt"])
def test_unreadable_markup_input_is_still_one_line(tmp_path, name):
    from conftest import assert_user_error

    p = tmp_path / name
    p.write_bytes(b"\x00\x01binary{% include %}" * 50)
    assert_user_error(run_cli("inspect", str(p)), "binary")


def test_a_long_run_of_emphasis_marks_between_words_leaves_a_space(tmp_path):
    """PDF conversions toggle bold at every word and drop the space between ("Congress********may"): the run goes,
    and the words keep apart, as a reported clean-up."""
    p = tmp_path / "r.md"
    p.write_text(f"# Report\n\n## Options\n\n{PROSE} **Congress********may choose to ****act soon****.** The end.******"
                 "Figure 1 shows the trend. A b**c stays joined.\n", encoding="utf-8")
    doc = read_essay(p)
    body = " ".join(sentences(doc))
    assert "Congress may choose to act soon." in body and "Figure 1 shows the trend." in body
    assert "A bc stays joined." in body
    assert any(c.kind == "emphasis" and c.after == " " for c in doc.cleanups)
    assert_traceable(doc)


def test_a_ragged_table_is_made_rectangular(tmp_path):
    """A converter's header row can span two columns with one cell, so it has fewer cells than the body: every row
    is padded to the widest, or the writers' columns (sized from the header) let the last cells run off the page."""
    p = tmp_path / "r.md"
    p.write_text(f"# Report\n\n## Holdings\n\n{PROSE}\n\n|  | December 2025 |  | December 2021 \n"
                 "| Country | Held | Country | Held | Share \n| Japan | 1,185 | Japan | 1,300 | 16% \n", encoding="utf-8")
    (table,) = [b for s in read_essay(p).walk() for b in s.blocks if isinstance(b, Table)]
    assert {len(table.header), *(len(r) for r in table.rows)} == {5}
    assert table.rows[-1] == ("Japan", "1,185", "Japan", "1,300", "16%")
