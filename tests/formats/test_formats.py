"""HTML and DOCX plans read back for structure, injection safety and byte stability."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser

import docx
import openpyxl
import pytest

from planforge.core.errors import UsageError
from planforge.pipeline import generate
from planforge.rerun.manifest import MANIFEST_NAME
from support import PROJECT_HEADER, RISK_HEADER, SAMPLE

DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def formats_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats")
    generate(
        [SAMPLE], out, plan_date=DAY, formats=("md", "html", "docx"), only=["HARBOR-004", "FJORD-009"], summary=False
    )
    return out


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse_html(text: str) -> _Collect:
    collector = _Collect()
    collector.feed(text)
    return collector


def test_html_structure(formats_run):
    page = parse_html((formats_run / "HARBOR-004-implementation-plan.html").read_text("utf-8"))
    tags = [t for t, _ in page.tags]
    assert tags.count("h1") == 1 and tags.count("h2") >= 13 and "h4" in tags
    assert tags.count("table") == 3  # team, risks, alerts
    assert ("style" in tags) and ("script" not in tags) and ("link" not in tags)  # self-contained
    ids = [a["id"] for t, a in page.tags if t in ("h2", "h3") and "id" in a]
    hrefs = [a["href"][1:] for t, a in page.tags if t == "a" and a.get("href", "").startswith("#")]
    assert hrefs and set(hrefs) <= set(ids)  # the table of contents points at real headings
    assert "".join(page.text).count("☐") >= 40
    assert "@media print" in "".join(page.text)


def test_index_lists_every_plan_with_links(formats_run):
    page = parse_html((formats_run / "index.html").read_text("utf-8"))
    links = [a["href"] for t, a in page.tags if t == "a"]
    assert "HARBOR-004-implementation-plan.docx" in links and "FJORD-009-implementation-plan.html" in links
    assert "Harbor Home Goods" in "".join(page.text)
    text = "".join(page.text)
    assert "Shopify ↔ NetSuite" in text  # the key facts' systems line: HARBOR's workflows run both ways
    assert "Shopify → NetSuite" not in text


def _plan_table(document, *header: str):
    return next(t for t in document.tables if tuple(c.text for c in t.rows[0].cells) == header)


def test_docx_structure_and_properties(formats_run):
    document = docx.Document(str(formats_run / "HARBOR-004-implementation-plan.docx"))
    styles = [p.style.name for p in document.paragraphs]
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Implementation Plan")  # the cover page
    assert ("Heading 1", "1. PROJECT CONTEXT & WHY THIS MATTERS") in headings
    assert ("Heading 2", "1.1 Business Problem") in headings
    assert ("Heading 3", "2.5 Inventory-Specific Features") in headings
    assert "IMPLEMENTATION PLAN" not in [text for _, text in headings]  # the Markdown title block is the cover
    team = _plan_table(document, "Role", "Name", "Responsibilities")
    assert team.rows[0]._tr.trPr.xml.count("tblHeader") == 1
    assert sum(p.text.startswith("☐ ") for p in document.paragraphs) >= 40
    assert "List Bullet" in styles
    props = document.core_properties
    assert (props.title, props.subject, props.created.date()) == (
        "Implementation Plan: ERP Orders, Inventory & Financials",
        "Harbor Home Goods",
        DAY,
    )
    assert "PAGE" in document.sections[0].footer._element.xml
    assert document.sections[0].header.paragraphs[0].text.lstrip("\t").startswith("Harbor Home Goods")  # after the logo


def test_formats_are_byte_identical_across_runs(formats_run, tmp_path):
    generate(
        [SAMPLE],
        tmp_path,
        plan_date=DAY,
        formats=("md", "html", "docx"),
        only=["HARBOR-004", "FJORD-009"],
        summary=False,
    )
    for path in formats_run.rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(formats_run)).read_bytes(), path.name


def test_injection_stays_inert_in_html_and_docx(book, tmp_path):
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) ## heading"
    projects = [PROJECT_HEADER, ["P-1", evil, evil, "Shopify", "QuickBooks Online", 0.85, "2026-02-02"]]
    risks = [RISK_HEADER, ["P-1", evil + "\nsecond line", "Low", "High", "<b>bold</b>", "javascript:alert(4)"]]
    generate([book(Projects=projects, Risks=risks)], tmp_path, plan_date=DAY, formats=("html", "docx"), summary=False)
    page = (tmp_path / "P-1-implementation-plan.html").read_text("utf-8")
    parsed = parse_html(page)
    assert not [t for t, _ in parsed.tags if t in ("script", "img", "b")]
    assert not [a for t, a in parsed.tags if any(k.startswith("on") for k in a) or "javascript:" in a.get("href", "")]
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown as text, exactly as typed
    index = parse_html((tmp_path / "index.html").read_text("utf-8"))
    assert not [t for t, _ in index.tags if t in ("script", "img")]
    document = docx.Document(str(tmp_path / "P-1-implementation-plan.docx"))
    assert any(evil in p.text for p in document.paragraphs)
    assert not any("hyperlink" in p._p.xml for p in document.paragraphs)


def test_reference_docx_styles_are_used(tmp_path):
    reference = docx.Document()
    reference.styles["Heading 1"].font.name = "Georgia"
    reference.styles["Heading 1"].font.size = docx.shared.Pt(21)
    reference.add_paragraph("Reference body text that must not appear")
    reference.save(tmp_path / "firm.docx")
    generate(
        [SAMPLE],
        tmp_path / "out",
        plan_date=DAY,
        formats=("docx",),
        only=["ACME-001"],
        summary=False,
        reference_docx=tmp_path / "firm.docx",
    )
    document = docx.Document(str(tmp_path / "out" / "ACME-001-implementation-plan.docx"))
    heading = document.styles["Heading 1"]
    assert (heading.font.name, heading.font.size.pt) == ("Georgia", 21)
    assert not any("must not appear" in p.text for p in document.paragraphs)


def test_unknown_format_and_pdf_without_libreoffice(tmp_path, monkeypatch):
    with pytest.raises(UsageError):
        generate([SAMPLE], tmp_path, plan_date=DAY, formats=("rtf",))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(UsageError, match="LibreOffice"):
        generate([SAMPLE], tmp_path, plan_date=DAY, formats=("pdf",), pdf_engine="libreoffice")
    with pytest.raises(UsageError, match="pdf_engine"):
        generate([SAMPLE], tmp_path, plan_date=DAY, formats=("pdf",), pdf_engine="ghostscript")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("formats", [("pdf",), ("docx", "pdf")])
def test_pdf_through_libreoffice(tmp_path, formats):
    generate(
        [SAMPLE], tmp_path, plan_date=DAY, formats=formats, only=["BLOOM-002"], summary=False, pdf_engine="libreoffice"
    )
    pdf = tmp_path / "BLOOM-002-implementation-plan.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdffonts"):  # the house fonts only: nothing substituted or fallen back to
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
        assert fonts <= {"LiberationSans", "LiberationSans-Bold", "LiberationSans-Italic", "DejaVuSans"}, fonts
    assert sorted(p.suffix for p in tmp_path.iterdir() if p.is_file() and p.name != MANIFEST_NAME) == sorted(
        "." + f for f in formats
    )


def test_docx_front_matter_toc_approval_and_draft_watermark(formats_run):
    document = docx.Document(str(formats_run / "HARBOR-004-implementation-plan.docx"))
    texts = [p.text for p in document.paragraphs]
    cover = texts[: texts.index("Document Control")]
    assert "Implementation Plan" in cover and "ERP Orders, Inventory & Financials" in cover
    assert "Prepared for Harbor Home Goods" in cover
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert (facts["Project ID"], facts["Version"], facts["Date"]) == ("HARBOR-004", "1.0", "15 Jan 2026")
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and body.count("PAGEREF _Toc") >= 13  # an updatable contents field
    # Word opens it with no prompt: the field's shown result holds the entries, nothing asks for an update
    assert "updateFields" not in document.settings.element.xml and "w:dirty" not in body
    contents = texts[texts.index("Contents") + 1 :]
    assert contents[0].startswith("Document Control") and any("RISK ASSESSMENT" in t for t in contents[:40])
    approval = _plan_table(document, "Role", "Name", "Signature", "Date")
    approver = approval.rows[2].cells
    assert approver[0].text == "Approved for Harbor Home Goods" and [c.text for c in approver[1:]] == ["", "", ""]
    header = document.sections[0].header._element.xml
    assert 'string="DRAFT"' in header  # HARBOR has TBDs and no approval
    assert document.sections[0].different_first_page_header_footer  # no running header on the cover
    assert document.core_properties.author == "Northwind Integration Partners" != "planforge"  # the firm


def test_docx_headings_keep_with_next_tables_readable_single_ticks(formats_run):
    document = docx.Document(str(formats_run / "HARBOR-004-implementation-plan.docx"))
    for p in document.paragraphs:
        if p.style.name.startswith("Heading"):
            assert p.paragraph_format.keep_with_next or p.style.paragraph_format.keep_with_next, p.text
    risks = _plan_table(document, "Risk", "Likelihood", "Impact", "Mitigation Strategy", "Owner")
    sizes = {run.font.size.pt for row in risks.rows for cell in row.cells for p in cell.paragraphs for run in p.runs}
    assert sizes and min(sizes) >= 9.5
    ticks = [p for p in document.paragraphs if "✓" in p.text]
    assert ticks and all(p.text.startswith("✓ ") and p.style.name != "List Bullet" for p in ticks)  # no "• ✓"
    for p in document.paragraphs:  # symbols the body font lacks are set in a font that has them
        for run in p.runs:
            if any(ch in run.text for ch in "☐☑✓"):
                assert run.font.name == "DejaVu Sans", run.text
    styles_xml = document.styles.element.xml
    assert "asciiTheme" not in styles_xml and "Liberation Sans" in styles_xml
    page = parse_html((formats_run / "HARBOR-004-implementation-plan.html").read_text("utf-8"))
    assert "planforge" not in "".join(page.text) and not [a for t, a in page.tags if a.get("name") == "generator"]
    checks = [a for t, a in page.tags if t == "li" and a.get("class") == "check"]
    assert checks and "✓ ✓" not in "".join(page.text)


def test_approved_plan_has_no_watermark_and_the_firm_as_author(tmp_path):
    def approve(wb):
        projects = wb["Projects"]
        header = [c.value for c in projects[1]]
        row = next(r for r in range(2, projects.max_row + 1) if projects.cell(r, 1).value == "ACME-001")
        for name, value in (("Approved By", "Marco Ruiz (Controller)"), ("Approval Date", date(2026, 1, 20))):
            col = header.index(name) + 1 if name in header else len(header) + 1
            if name not in header:
                projects.cell(1, col, name)
                header.append(name)
            projects.cell(row, col, value)
        settings = wb["Settings"]
        settings.append(["Firm Name", "Northbridge Integration Partners"])

    book = openpyxl.load_workbook(SAMPLE)
    approve(book)
    book.save(tmp_path / "intake.xlsx")
    result = generate([tmp_path / "intake.xlsx"], tmp_path / "out", plan_date=DAY, formats=("docx",), only=["ACME-001"])
    assert result.ok, [p.line() for p in result.report.errors]
    document = docx.Document(str(tmp_path / "out" / "ACME-001-implementation-plan.docx"))
    assert "DRAFT" not in document.sections[0].header._element.xml  # complete and approved
    assert document.core_properties.author == "Northbridge Integration Partners"
    approver = _plan_table(document, "Role", "Name", "Signature", "Date").rows[2].cells
    assert [c.text for c in approver] == ["Approved for Acme Outdoor Co.", "Marco Ruiz (Controller)", "", "20 Jan 2026"]
    assert "Northbridge Integration Partners" in [p.text for p in document.paragraphs]
