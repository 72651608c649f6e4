"""Output formats: declared once (core/names.py), written through one writer registry
(formats/registry.py) that the plans, the companion documents, the HTML index and the summary read."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from planforge.context.plan import build_context
from planforge.core.model import Settings
from planforge.core.names import ALL_FORMATS, FORMATS, SOW, link_order, richest
from planforge.formats.options import WriteOptions
from planforge.formats.registry import WRITERS, made_from_docx, writer
from planforge.outputs.documents import write_documents
from planforge.portfolio.summary import plan_link
from support import make_project

DAY = date(2026, 1, 15)
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "planforge"


def test_format_names_are_literals_in_at_most_two_modules():
    holders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(
            isinstance(node, ast.Constant) and node.value in FORMATS
            for node in ast.walk(ast.parse(path.read_text("utf-8")))
        )
    )
    assert holders == ["api.py", "core/names.py"]  # the declaration, and the API's documented default


def test_every_format_has_a_writer_and_pdf_is_made_from_the_docx_only_by_libreoffice():
    assert {f.name for f in ALL_FORMATS} == set(WRITERS)
    typst, libreoffice = (
        WriteOptions(plan_date=date(2026, 1, 15)),
        WriteOptions(plan_date=date(2026, 1, 15), pdf_engine="libreoffice"),
    )
    assert not [f.name for f in ALL_FORMATS if made_from_docx(f.name, typst)]
    assert [f.name for f in ALL_FORMATS if made_from_docx(f.name, libreoffice)] == ["pdf"]
    with pytest.raises(ValueError, match="rtf"):  # never another format's writer
        writer("rtf")


def test_one_rank_orders_the_index_links_and_the_summary_link():
    assert link_order(FORMATS, first="html") == ("html", "md", "docx", "pdf")  # the page itself first
    assert link_order(("docx", "md")) == ("md", "docx")
    assert richest(FORMATS) == "pdf" and richest(("md", "html")) == "html" and richest(()) == "md"
    assert plan_link("ACME-001", ("md", "docx", "html")) == "ACME-001-implementation-plan.docx"


def test_a_format_without_a_writer_writes_nothing_and_says_so(tmp_path):
    ctx = build_context(make_project(), Settings(), DAY, frozenset({SOW.name}))
    options = WriteOptions(plan_date=DAY, formats=("md", "rtf"), documents=(SOW.name,))
    paths, problems, _ = write_documents(ctx, tmp_path, options)
    assert [p.name for p, _ in paths] == ["T-1-sow.md"]
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["T-1-sow.md"]
    assert [p.code for p in problems] == ["internal-error"]
    assert "T-1-sow.rtf" in problems[0].message and "no writer" in problems[0].message
