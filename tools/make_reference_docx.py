"""Regenerate templates/styles/reference.docx, the default Word reference document (run by hand, then commit)."""

from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt, RGBColor

ACCENT = RGBColor(0x1F, 0x3B, 0x5B)

doc = Document()
sec = doc.sections[0]
sec.page_width, sec.page_height = Mm(210), Mm(297)
sec.left_margin = sec.right_margin = Mm(20)
sec.top_margin = sec.bottom_margin = Mm(22)
styles = doc.styles
styles["Normal"].font.name = "Calibri"
styles["Normal"].font.size = Pt(10)
styles["Normal"].paragraph_format.space_after = Pt(6)
for name, size in (("Title", 22), ("Subtitle", 13), ("Heading 1", 14), ("Heading 2", 12)):
    st = styles[name]
    st.font.name = "Calibri"
    st.font.size = Pt(size)
    st.font.color.rgb = ACCENT
    st.font.bold = name != "Subtitle"
    st.paragraph_format.keep_with_next = True
# Spacing as in the PDF (writers/pdf.py), so that a brief fitted to its pages fits them in Word too.
for name, before, after in (("Title", 0, 6), ("Heading 1", 12, 4), ("Heading 2", 9, 3), ("Heading 3", 8, 2)):
    styles[name].paragraph_format.space_before = Pt(before)
    styles[name].paragraph_format.space_after = Pt(after)
doc.core_properties.title = "policybrief reference document"
doc.core_properties.author = "policybrief"
out = Path(__file__).resolve().parents[1] / "templates" / "styles" / "reference.docx"
doc.save(out)
print(out)
