"""The same plan as plain text, as HTML and as a PDF made from that HTML has the same structure.

The plan is written here for the test (not taken from the seeds): a title, a preamble, parts,
sections numbered "1)", bullets, numbered paragraphs with lettered sub-paragraphs, and a table.
"""

from __future__ import annotations

import unicodedata

import pytest

from tocsin.library import Document, DocumentUnreadable, ParsedDocument, parse_bytes, parse_text

TEXT = """Plan of Action for Early Response

The network agrees on the steps below, to be reviewed every year with the communities concerned.

PART 1: Early warning

1) Monitoring

• Collect reports from local observers and check each one against two independent
sources before it is shared outside the network;
• Keep the identity of every source protected.

2) Alerts

3. Authorities should answer every alert within two days:
a. by acknowledging that it was received;
b. by saying publicly what they did about it.
4. Donors should fund a rapid response reserve that can be released within a week.

PART 2: Response

1) Missions

5. Send a mission to the area when an alert is not answered.
"""

HTML_BODY = """
<h1>Plan of Action for Early Response</h1>
<p>The network agrees on the steps below, to be reviewed every year with the communities
concerned.</p>
<h2>PART 1: Early warning</h2>
<h3>1) Monitoring</h3>
<ul>
  <li>Collect reports from local observers and check each one against two independent
  sources before it is shared outside the network;</li>
  <li>Keep the identity of every source protected.</li>
</ul>
<h3>2) Alerts</h3>
<ol start="3">
  <li>Authorities should answer every alert within two days:
    <ol type="a">
      <li>by acknowledging that it was received;</li>
      <li>by saying publicly what they did about it.</li>
    </ol>
  </li>
  <li>Donors should fund a rapid response reserve that can be released within a week.</li>
</ol>
<h2 class="new-page">PART 2: Response</h2>
<h3>1) Missions</h3>
<ol start="5"><li>Send a mission to the area when an alert is not answered.</li></ol>
"""

TABLE_TEXT = """
2) Follow-up

Recommended actions for donors |
---|
Fund the reserve for three years. |
Report on its use every year. |
"""

TABLE_HTML = """
<h3>2) Follow-up</h3>
<table>
  <thead><tr><th>Recommended actions for donors</th></tr></thead>
  <tbody><tr><td>Fund the reserve for three years.</td></tr>
  <tr><td><p>Report on its use every year.</p></td></tr></tbody>
</table>
"""

# WeasyPrint does not read the start and type attributes of <ol>: the same numbers in CSS.
STYLE = """<style>
@page { size: A4; margin: 2cm;
        @bottom-center { content: "Early response plan, page " counter(page); } }
.new-page { break-before: page; }
ol[start="3"] { counter-reset: list-item 2; }
ol[start="5"] { counter-reset: list-item 4; }
ol[type="a"] { list-style-type: lower-alpha; }
</style>"""


def _html(body: str, nav: str = "<nav>Home | Plans | Contact</nav>") -> bytes:
    page = f"<!DOCTYPE html><html><head><title>Early response</title>{STYLE}</head>"
    return f"{page}<body>{nav}{body}</body></html>".encode()


def _outline(document: Document) -> list[tuple[str, ...]]:
    """What must be the same whatever the format: references, kinds, headings and words."""

    def words(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text).split())

    rows: list[tuple[str, ...]] = [("title", words(document.title))]
    for part in document.parts:
        rows.append((part.reference, words(part.heading)))
        for section in part.sections:
            rows.append((section.reference, words(section.heading)))
            for item in section.items:
                rows.append((item.reference, item.kind.value, words(item.text), *item.context))
    return rows


def _pdf(html: bytes) -> bytes:
    weasyprint = pytest.importorskip("weasyprint")
    pdf: bytes = weasyprint.HTML(string=html.decode()).write_pdf()  # nothing to fetch
    return pdf


def test_the_text_parses_as_written() -> None:
    result = parse_text(TEXT, "early-response.txt")
    outline = _outline(result.document)
    assert outline[0] == ("title", "Plan of Action for Early Response")
    refs = [row[0] for row in outline[1:]]
    assert refs == [
        "early-response/-", "early-response/-/-", "early-response/-/-/p1",
        "early-response/1", "early-response/1/1", "early-response/1/1/b1",
        "early-response/1/1/b2", "early-response/1/2", "early-response/1/2/3",
        "early-response/1/2/3.a", "early-response/1/2/3.b", "early-response/1/2/4",
        "early-response/2", "early-response/2/1", "early-response/2/1/5",
    ]  # fmt: skip
    assert not result.report.entries


def test_html_has_the_structure_of_the_text() -> None:
    from_text = parse_text(TEXT + TABLE_TEXT, "early-response.txt")
    from_html = parse_bytes(_html(HTML_BODY + TABLE_HTML), "early-response.html")
    assert _outline(from_html.document) == _outline(from_text.document)
    rows = [i for i in from_html.document.items() if i.kind == "row"]
    assert [r.reference for r in rows] == ["early-response/2/2/r1", "early-response/2/2/r2"]
    assert rows[0].context == ("Recommended actions for donors",)
    # The site's navigation is not part of the plan, and the report says it was left out.
    assert [e.text for e in from_html.report.artefacts] == ["Home | Plans | Contact"]


def test_pdf_has_the_structure_of_the_text() -> None:
    from_text = parse_text(TEXT, "early-response.txt")
    from_pdf = parse_bytes(_pdf(_html(HTML_BODY, nav="")), "early-response.pdf")
    assert _outline(from_pdf.document) == _outline(from_text.document)
    # The page footer, repeated on both pages, is a running foot: dropped and reported.
    feet = [e for e in from_pdf.report.artefacts if e.reason == "running head"]
    assert [e.page for e in feet] == [1, 2]
    assert all(e.text.startswith("Early response plan, page") for e in feet)


def test_a_format_is_recognised_by_its_bytes_not_its_name() -> None:
    pdf = _pdf(_html(HTML_BODY, nav=""))
    assert parse_bytes(pdf, "upload.txt").document.title == "Plan of Action for Early Response"
    html = _html(HTML_BODY)
    assert parse_bytes(html, "upload").report.layout == "elements"


def _parsed_pdf_with_junk() -> ParsedDocument:
    return parse_bytes(b"%PDF-1.7\nthis is not really a PDF\n%%EOF", "broken.pdf")


def test_a_broken_pdf_is_a_clear_error() -> None:
    with pytest.raises(DocumentUnreadable, match="PDF could not be read"):
        _parsed_pdf_with_junk()
