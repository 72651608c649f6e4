"""The direct WordprocessingML writer (``formats.docx``) writes, byte for byte, the .docx the
python-docx writer wrote (kept as ``docx_oracle``, test-only, fed the Markdown with section 11's
links rewritten in the text, as the run once did; the writer gets the run's shared parse with the
link tokens retargeted): every project and document kind of
the sample, draft and final, with the TOC field and with PAGEREF paragraphs, with and without a
logo, with the house styles and with reference documents (styles only, a letterhead header and
footer, a hostile one), and for hostile cell text."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from datetime import date

import docx
import pytest
from lxml import etree

import docx_oracle
from planforge.context.plan import build_context
from planforge.core.images import read_logo
from planforge.core.names import COMPANIONS
from planforge.formats import docx_xml
from planforge.formats.docx import SYMBOLS, plan_docx
from planforge.formats.md_tokens import Document
from planforge.formats.options import WriteOptions
from planforge.formats.registry import front_matter
from planforge.outputs.documents import for_format, render_document, sibling_links
from planforge.render import environment as render
from planforge.render.environment import render_markdown
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, SAMPLE, write_book
from test_reference_docx import _hostile

DAY = date(2026, 1, 15)
KINDS = ("plan", *(k.name for k in COMPANIONS))
PRODUCED = frozenset(k.name for k in COMPANIONS)


def _contexts(path):
    report = validate_files([path])
    assert not report.errors, [p.line() for p in report.errors]
    portfolio = report.portfolio
    return [build_context(p, portfolio.settings_for(p), DAY, PRODUCED) for p in portfolio.projects]


@pytest.fixture(scope="module")
def sample():
    return _contexts(SAMPLE)


def _linked_text(markdown, ctx, ext):
    """The Markdown with section 11's link targets rewritten in the text (what the oracle reads)."""
    for old, new in sibling_links(ctx, ext).items():
        markdown = markdown.replace(f"]({old})", f"]({new})")
    return markdown


def _document(ctx, kind, options):
    """(the oracle's markdown, the document as the run hands it to the Word writer, title, contents,
    approval)."""
    if kind == "plan":
        markdown = render_markdown(ctx)
        document = for_format(Document(markdown), ctx, "docx")
        return _linked_text(markdown, ctx, "docx"), document, "Implementation Plan", True, True
    resolved = render.document_kind(kind, options.templates)
    markdown = render_document(kind, ctx, options)
    contents, approval = front_matter(resolved, markdown)
    return markdown, Document(markdown), resolved.title, contents, approval


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _assert_same(ctx, kind, options, toc_field=True):
    markdown, document, title, contents, approval = _document(ctx, kind, options)
    args = dict(toc_field=toc_field, title=title, contents=contents, approval=approval)
    old = docx_oracle.plan_docx(ctx, markdown, options, **args)
    new = plan_docx(ctx, document, options, **args)
    if new != old:  # name the part that differs before failing on the bytes
        old_parts, new_parts = _parts(old), _parts(new)
        assert list(new_parts) == list(old_parts)
        for name, data in old_parts.items():
            assert new_parts[name] == data, (ctx.project.project_id, kind, name)
    assert new == old


@pytest.mark.parametrize("kind", KINDS)
def test_every_document_of_the_sample_is_the_python_docx_one(sample, kind):
    for ctx in sample:
        _assert_same(ctx, kind, WriteOptions(plan_date=DAY), toc_field=True)
        _assert_same(ctx, kind, WriteOptions(plan_date=DAY, final=True), toc_field=False)


def _letterhead(path):
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "Northwind letterhead: 200 Harbor Street"
    reference.sections[0].footer.paragraphs[0].text = "Registered in Massachusetts"
    reference.save(path)


def _styles_only(path):
    reference = docx.Document()
    reference.styles["Heading 1"].font.name = "Georgia"
    reference.styles["Heading 1"].font.size = docx.shared.Pt(21)
    reference.add_paragraph("Reference body text that must not appear")
    reference.save(path)


def _empty_header(path):
    """A reference whose header and first-page header exist but hold nothing (planforge writes its own)."""
    reference = docx.Document()
    section = reference.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].style = reference.styles["Normal"]
    section.first_page_header.paragraphs[0].text = "  "
    reference.save(path)


REFERENCES = {"styles": _styles_only, "letterhead": _letterhead, "hostile": _hostile, "empty-header": _empty_header}


@pytest.mark.parametrize("reference", sorted(REFERENCES))
def test_reference_documents_and_logos_give_the_python_docx_bytes(sample, tmp_path, reference):
    path = tmp_path / f"{reference}.docx"
    REFERENCES[reference](path)
    gif = tmp_path / "mark.gif"
    gif.write_bytes(
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00"
        b"\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    for ctx in (sample[0], sample[3]):
        bare = dataclasses.replace(ctx, header=dataclasses.replace(ctx.header, logo=None))
        for context, logo in ((ctx, None), (bare, None), (ctx, read_logo(gif))):
            for final in (False, True):
                options = WriteOptions(plan_date=DAY, reference_docx=path, logo=logo, final=final)
                for kind in ("plan", "sow"):
                    _assert_same(context, kind, options, toc_field=not final)


def test_documents_without_a_logo_give_the_python_docx_bytes(sample):
    for ctx in sample[:3]:
        bare = dataclasses.replace(ctx, header=dataclasses.replace(ctx.header, logo=None))
        for kind in KINDS:
            _assert_same(bare, kind, WriteOptions(plan_date=DAY))


HOSTILE = [
    "Tom & Jerry <b>bold</b> \"quoted\" 'single'",
    "   leading spaces and trailing   ",
    "tab\tinside\tcells",
    "emoji 🚀🎉 and accents: café, naïve, Zürich",
    "symbols " + " ".join(sorted(SYMBOLS)) + " ✓done ☐open",
    "[a link](ACME-001-sow.md) and [another](https://evil.example/x) <https://evil.example>",
    "x" * 5000 + " " + "word " * 400,
    "**bold** _italic_ `code & <tag>` ~~strike~~ \\*escaped\\*",
]


def test_hostile_cell_text_gives_the_python_docx_bytes(tmp_path):
    rows = [PROJECT_HEADER]
    risks = [RISK_HEADER]
    for n, text in enumerate(HOSTILE, start=1):
        rows.append([f"P-{n}", text[:300], text, *PROJECT_ROW[3:]])
        risks.append([f"P-{n}", text, "Low", "High", text, text[:200]])
    path = write_book(tmp_path / "hostile.xlsx", {"Projects": rows, "Risks": risks})
    for ctx in _contexts(path):
        for kind in KINDS:
            _assert_same(ctx, kind, WriteOptions(plan_date=DAY))
        _assert_same(ctx, "plan", WriteOptions(plan_date=DAY, final=True), toc_field=False)


@pytest.mark.parametrize("bad", ["nul\x00", "bell\x07", "vt\x0b", "\ufffe", "lone \ud800 surrogate"])
def test_text_xml_cannot_hold_is_refused_as_lxml_refused_it(bad):
    element = etree.Element("t")
    with pytest.raises((ValueError, UnicodeEncodeError)) as expected:
        element.text = bad
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        docx_xml.text(bad)


@pytest.mark.parametrize("value", ["a&b<c>d\"e'f", "\t\n\r x ", "", "plain", "é🚀"])
def test_escaping_is_lxmls(value):
    element = etree.Element("e")
    element.text = value
    element.set("a", value)
    assert etree.tostring(element, encoding="unicode") == f'<e a="{docx_xml.attr(value)}">{docx_xml.text(value)}</e>'
