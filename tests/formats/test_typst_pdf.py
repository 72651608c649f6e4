"""Issue 24 (and 22's PDF): PDFs typeset in process by Typst, from the same tokens as the other
formats, with nothing to install besides planforge; cell text stays text."""

from __future__ import annotations

import struct
import zlib
from datetime import date

import pikepdf
import pytest
import typst

from planforge.context.plan import build_context
from planforge.core.images import read_logo
from planforge.core.model import Settings
from planforge.formats.options import WriteOptions
from planforge.formats.typst_pdf import document_pdf, lit, typst_source
from planforge.pipeline import generate
from planforge.render.environment import render_markdown
from support import SAMPLE, make_project

DAY = date(2026, 1, 15)


def test_every_document_of_a_project_is_a_pdf_and_reruns_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        generate(
            [SAMPLE],
            tmp_path / name,
            plan_date=DAY,
            formats=["pdf"],
            only=["HARBOR-004"],
            documents=["all"],
            summary=False,
        )
    pdfs = sorted(p.name for p in (tmp_path / "a").glob("*.pdf"))
    assert len(pdfs) == 6 and "HARBOR-004-sow.pdf" in pdfs
    for name in pdfs:
        data = (tmp_path / "a" / name).read_bytes()
        assert data.startswith(b"%PDF") and data == (tmp_path / "b" / name).read_bytes()
    with pikepdf.open(tmp_path / "a" / "HARBOR-004-implementation-plan.pdf") as pdf:
        assert str(pdf.docinfo["/Title"]).startswith("Implementation Plan: ")
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20260115")
        assert "/StructTreeRoot" in pdf.Root  # tagged for screen readers
        assert len(pdf.pages) > 5
        links = {str(a.A.URI) for page in pdf.pages for a in page.get("/Annots", []) if "/A" in a and "/URI" in a.A}
    # section 11 links each companion written beside the plan, as the PDF sibling (the batch retargets
    # the plan's links to .pdf; the PDF writer kept only .md/.html/.docx and dropped them)
    assert {f"HARBOR-004-{kind}.pdf" for kind in ("sow", "technical-specs", "test-cases")} <= links


@pytest.mark.parametrize(
    "typed", ["#let x = 1 #x", "*not bold* _nor_ $x^2$", 'a "quote" and a \\ backslash', ']) #panic("no")', "<b>@ref ~"]
)
def test_cell_text_reaches_typst_only_as_a_string(typed):
    project = make_project(project_name=typed, client_name=typed)
    ctx = build_context(project, Settings(), DAY)
    options = WriteOptions(plan_date=DAY, formats=("pdf",))
    source = typst_source(ctx, render_markdown(ctx), options, "Implementation Plan", contents=True, logo_file=None)
    assert lit(typed) in source  # as one literal, never as markup
    assert document_pdf(ctx, render_markdown(ctx), options, title="Implementation Plan").startswith(b"%PDF")


def test_a_string_literal_shows_the_text_as_typed():
    shown = typst.compile(f"#set page(width: 8cm, height: auto)\n{lit('*a* #b $c$')}".encode(), format="svg")
    assert isinstance(shown, bytes) and shown.count(b"<path") > 0  # it compiled; the text was laid out


def _png() -> bytes:
    """A 2x2 red PNG, made here so the test carries no binary file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_the_logo_is_an_image_on_the_cover(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    ctx = build_context(make_project(), Settings(), DAY)
    data = document_pdf(
        ctx, render_markdown(ctx), WriteOptions(plan_date=DAY, logo=read_logo(logo)), title="Implementation Plan"
    )
    out = tmp_path / "plan.pdf"
    out.write_bytes(data)
    with pikepdf.open(out) as pdf:
        objects = pdf.pages[0].obj.Resources.get("/XObject", {})
        assert [k for k, v in objects.items() if v.get("/Subtype") == "/Image"]


def test_the_pdf_front_matter_and_running_texts_are_the_word_editions():
    """The Typst PDF carries the Word edition's approval block (not a statement of work's: it has its
    own signatures) and its running header and footer texts."""
    ctx = build_context(make_project(client_name="Client Co", project_name="Books"), Settings(), DAY)
    options = WriteOptions(plan_date=DAY, formats=("pdf",))
    plan = typst_source(ctx, render_markdown(ctx), options, "Implementation Plan", contents=True, logo_file=None)
    assert "=== Approval" in plan and lit("Approved for Client Co") in plan
    assert lit("Client Co \u00b7 Books \u00b7 Implementation Plan") in plan
    assert lit("Version 1.0 \u00b7 15 Jan 2026") in plan
    sow = typst_source(
        ctx, render_markdown(ctx), options, "Statement of Work", contents=False, logo_file=None, approval=False
    )
    assert "=== Approval" not in sow
