"""The firm's identity in every format (issue 22): the firm, never the client, prepares each
document; its name is in the front matter of the md, html and docx; its logo is a media part of
the DOCX (cover and running header) and a data: URI at the top of the HTML; a reference DOCX's own
header survives, with planforge's page numbers added to its footer."""

from __future__ import annotations

import zipfile
from datetime import date

import docx
import docx.image.image
import pytest
from click.testing import CliRunner

from planforge.cli import main
from planforge.pipeline import generate
from support import PROJECT_HEADER, PROJECT_ROW, SAMPLE, write_book

DAY = date(2026, 1, 15)
FIRM = "Northwind Integration Partners"  # the sample's Settings > Firm Name
KINDS = ("implementation-plan", "sow", "technical-specs", "test-cases", "deployment-runbook", "support-playbook")


def _png() -> bytes:
    return (SAMPLE.parent / "logo.png").read_bytes()


@pytest.fixture(scope="module")
def firm_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("firm")
    result = generate(
        [SAMPLE], out, plan_date=DAY, formats=("md", "html", "docx"), only=["FJORD-009"], documents=("all",)
    )
    assert result.ok, [p.line() for p in result.report.errors]
    return out


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


@pytest.mark.parametrize("kind", KINDS)
def test_the_firm_is_in_every_documents_front_matter(firm_run, kind):
    markdown = (firm_run / f"FJORD-009-{kind}.md").read_text("utf-8")
    front = markdown.split("\n---\n", 1)[0]
    assert f"**Prepared by**: {FIRM} (200 Harbor Street" in front
    assert "delivery@northwind-integrations.example" in front
    html = (firm_run / f"FJORD-009-{kind}.html").read_text("utf-8")
    assert FIRM in html.split("<main>", 1)[1].split("<h2", 1)[0]
    assert '<img class="logo" src="data:image/png;base64,' in html and 'alt="Northwind' in html
    document = docx.Document(str(firm_run / f"FJORD-009-{kind}.docx"))
    assert document.core_properties.author == FIRM == document.core_properties.last_modified_by


def test_the_docx_never_names_the_client_as_preparer(firm_run):
    path = firm_run / "FJORD-009-implementation-plan.docx"
    document = docx.Document(str(path))
    facts = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows}
    assert facts["Prepared by"] == FIRM
    history = next(t for t in document.tables if t.rows[0].cells[0].text == "Version")
    assert FIRM in history.rows[1].cells[2].text and "Fjord" not in history.rows[1].cells[2].text
    approval = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    assert approval.rows[1].cells[0].text == f"Prepared by {FIRM}"


def test_the_logo_is_a_media_part_on_the_cover_and_in_the_header(firm_run):
    parts = _parts(firm_run / "FJORD-009-sow.docx")
    media = [n for n in parts if n.startswith("word/media/")]
    assert [parts[n] for n in media] == [_png()]
    assert b"<w:drawing>" in parts["word/document.xml"]  # the cover
    headers = [d for n, d in parts.items() if n.startswith("word/header")]
    assert any(b"<w:drawing>" in d and b"Fjord Knitwear" in d for d in headers)  # the running header


def test_the_logo_option_overrides_settings(tmp_path):
    gif = tmp_path / "mark.gif"
    gif.write_bytes(
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00"
        b"\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    generate([SAMPLE], tmp_path / "out", plan_date=DAY, formats=("html", "docx"), only=["ACME-001"], logo=gif)
    html = (tmp_path / "out" / "ACME-001-implementation-plan.html").read_text("utf-8")
    assert 'src="data:image/gif;base64,' in html and "image/png" not in html
    parts = _parts(tmp_path / "out" / "ACME-001-implementation-plan.docx")
    assert [n for n in parts if n.startswith("word/media/")] == ["word/media/image1.gif"]


def test_a_bad_logo_option_is_a_usage_error(tmp_path):
    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    result = CliRunner().invoke(main, ["generate", str(SAMPLE), "-o", str(tmp_path / "out"), "--logo", str(bad)])
    assert result.exit_code == 2 and "not a PNG, JPEG or GIF image" in result.output
    assert not (tmp_path / "out").exists()


def test_a_reference_docx_header_survives_with_page_numbers_added(tmp_path):
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "Northwind letterhead: 200 Harbor Street"
    reference.sections[0].footer.paragraphs[0].text = "Registered in Massachusetts"
    reference.save(tmp_path / "letterhead.docx")
    generate(
        [SAMPLE],
        tmp_path / "out",
        plan_date=DAY,
        formats=("docx",),
        only=["ACME-001"],
        reference_docx=tmp_path / "letterhead.docx",
    )
    document = docx.Document(str(tmp_path / "out" / "ACME-001-implementation-plan.docx"))
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Northwind letterhead: 200 Harbor Street"
    assert "Acme Outdoor Co. \u00b7" not in section.header._element.xml  # planforge's line is not added over it
    footer = [p.text for p in section.footer.paragraphs]
    assert footer[0] == "Registered in Massachusetts" and footer[-1].startswith("Version 1.0")
    assert "PAGE" in section.footer._element.xml and "NUMPAGES" in section.footer._element.xml


def test_without_a_reference_header_planforge_writes_its_own(firm_run):
    section = docx.Document(str(firm_run / "FJORD-009-implementation-plan.docx")).sections[0]
    assert section.header.paragraphs[0].text.strip().startswith("Fjord Knitwear \u00b7")


def _no_firm(tmp_path):
    return write_book(tmp_path / "intake.xlsx", {"Projects": [PROJECT_HEADER, PROJECT_ROW]}, firm=None)


def test_generate_refuses_client_documents_without_a_firm_name(tmp_path):
    result = CliRunner().invoke(main, ["generate", str(_no_firm(tmp_path)), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "Settings" in result.output and "Firm Name is blank" in result.output
    assert not list((tmp_path / "out").glob("P-1-*"))


def test_a_draft_run_writes_the_firm_placeholder_and_the_review_lists_it(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["generate", str(_no_firm(tmp_path)), "-o", str(out), "--draft", "--format", "md,docx", "--date", "2026-01-15"],
    )
    assert result.exit_code == 0, result.output
    assert "warning" in result.output and "[Firm name]" in result.output
    assert "**Prepared by**: \\[Firm name\\]" in (out / "P-1-implementation-plan.md").read_text("utf-8")
    assert docx.Document(str(out / "P-1-implementation-plan.docx")).core_properties.author == "[Firm name]"
    review = (out / "review" / "P-1-review.md").read_text("utf-8")
    assert "Firm name" in review and "Settings > Firm Name" in review


def test_settings_tools_are_the_firms_facts_never_assumed(firm_run):
    for kind in KINDS:
        text = (firm_run / f"FJORD-009-{kind}.md").read_text("utf-8")
        for tool in (
            "Datadog (assumed)",
            "PagerDuty, escalating to #integrations-alerts (assumed)",
            "Jira Service Management (assumed)",
            "AWS Secrets Manager (assumed)",
            "AWS (us-east-1) (assumed)",
        ):
            assert tool not in text, (kind, tool)
    assert "Datadog" in (firm_run / "FJORD-009-sow.md").read_text("utf-8")


def test_the_sample_logo_is_small_and_a_real_png():
    data = _png()
    assert data.startswith(b"\x89PNG") and len(data) < 2_000
    assert docx.image.image.Image.from_blob(data).content_type == "image/png"
