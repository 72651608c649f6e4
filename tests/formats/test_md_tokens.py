"""The Markdown tokens: one parse per document, shared by the writers, and the passages that carry a mark."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.api import load
from planforge.context.plan import build_context
from planforge.core.model import Settings
from planforge.formats import md_tokens
from planforge.formats.docx import plan_docx
from planforge.formats.html import plan_html
from planforge.formats.md_tokens import Document, marked_passages
from planforge.formats.options import WriteOptions
from planforge.formats.typst_pdf import typst_source
from planforge.render.environment import render_markdown
from support import SAMPLE

DAY = date(2026, 1, 15)

DOC = """# TITLE

## 1\\. Platform

- **Hosting**: AWS (assumed)
- **Monitoring**: Datadog (assumed); logs in Datadog Logs (assumed); alerts to PagerDuty

## 4.1 Stock feed

| Property | Value |
|---|---|
| Direction | NetSuite to Shopify |
| Frequency | Every 5 minutes (assumed) |

A stated line. The rate is $95 an hour (assumed). Nothing else.
"""


def test_each_marked_clause_once_with_its_section_and_row_label():
    assert marked_passages(DOC, "(assumed)") == [
        ("1. Platform", "Hosting: AWS (assumed)"),
        ("1. Platform", "Monitoring: Datadog (assumed)"),
        ("1. Platform", "logs in Datadog Logs (assumed)"),
        ("4.1 Stock feed", "Frequency: Every 5 minutes (assumed)"),
        ("4.1 Stock feed", "The rate is $95 an hour (assumed)"),
    ]


def test_a_document_without_the_mark_has_no_passage():
    assert marked_passages(DOC.replace("(assumed)", ""), "(assumed)") == []


# ------------------------------------------------------------------ one parse shared by every writer

SHARED = """# Plan

## 1. Tasks

- [ ] Confirm the *tax* mapping
- [x] Book the window
- \u2713 Orders post within 5 minutes

Tasks: see [Statement of Work](ACME-001-sow.md) and [elsewhere](notes.md); a <b>bold</b> claim,
a `code` span<br>and a break.

| Item | Value |
|---|---|
| Confirm the *tax* mapping | [ ] not a box |

<div>an HTML block</div>
"""


def _plain_parse(markdown):
    """markdown-it's own parse, with the neutralising and marking ``parse`` documents (the reference)."""
    tokens = md_tokens.new_parser().parse(markdown)
    lines = markdown.splitlines()
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            for child in tok.children:
                if child.type == "html_inline" and not md_tokens.is_break(child):
                    child.type = "text"
        if tok.type == "list_item_open":
            line = lines[tok.map[0]]
            inline = next(t for t in tokens[i:] if t.type == "inline")
            if line.lstrip().startswith(("- [ ] ", "- [x] ")):
                tok.meta["task"] = "done" if "[x]" in line else "open"
                inline.children[0].content = inline.children[0].content[4:]
            elif line.lstrip().startswith("- \u2713 "):
                tok.meta["check"] = True
                inline.children[0].content = inline.children[0].content[2:]
    return [t.as_dict() for t in tokens]


@pytest.mark.parametrize(
    "markdown",
    [SHARED, SHARED + "\n[ref]: ACME-001-sow.md\n\nSee [the SOW][ref].\n", "- [ ] Confirm the *tax* mapping\n"],
    ids=["document", "link-references", "one-item"],
)
def test_the_shared_parse_is_markdown_its_parse(markdown):
    """Inline contents parsed once per run give, in every document, the tokens a whole parse gives
    (twice: the second time from the shared parses), link reference definitions included."""
    cache = md_tokens.InlineCache()
    for _ in range(2):
        assert [_as_parsed(t) for t in md_tokens.parse(markdown, cache)] == _plain_parse(markdown)


def _as_parsed(token):
    """The token as markdown-it gives it: without the note of the shared parse its children are
    (``meta`` of an inline token, which ``md_tokens.memoised`` reads)."""
    found = token.as_dict()
    found["meta"] = {k: v for k, v in found["meta"].items() if not k.startswith("planforge-")}
    return found


def test_documents_share_the_inline_parses_of_their_cache_only():
    cache = md_tokens.InlineCache()
    one, two = md_tokens.parse("Same *words*.\n", cache), md_tokens.parse("Same *words*.\n", cache)
    alone = md_tokens.parse("Same *words*.\n")
    assert one[1].children[0] is two[1].children[0]
    assert alone[1].children[0] is not one[1].children[0] and _as_parsed(alone[1]) == _as_parsed(one[1])


def test_no_writer_changes_the_document_it_reads(tmp_path):
    """HTML, DOCX and PDF read one parse; afterwards its tokens are as parsed, and writing again
    gives the same bytes."""
    ctx = build_context(load([SAMPLE]).projects[0], Settings(), DAY)
    document = Document(render_markdown(ctx) + SHARED)
    before = [t.as_dict() for t in document.tokens]
    options = WriteOptions(plan_date=DAY)
    first = [plan_html(ctx, document, options), plan_docx(ctx, document, options)]
    pdf = typst_source(ctx, document, options, "Plan", contents=True, logo_file=None)
    assert [t.as_dict() for t in document.tokens] == before
    assert [plan_html(ctx, document, options), plan_docx(ctx, document, options)] == first
    assert typst_source(ctx, document, options, "Plan", contents=True, logo_file=None) == pdf
    assert [plan_html(ctx, render_markdown(ctx) + SHARED, options)] == first[:1]  # as from the Markdown


def test_links_are_retargeted_in_copies_of_the_exact_targets_only():
    document = Document(SHARED)
    before = [t.as_dict() for t in document.tokens]
    linked = document.with_links({"ACME-001-sow.md": "ACME-001-sow.html", "ACME-001-sow": "x.html"})
    hrefs = [c.attrs["href"] for t in linked.tokens if t.type == "inline" for c in t.children if c.type == "link_open"]
    assert hrefs == ["ACME-001-sow.html", "notes.md"]
    assert [t.as_dict() for t in document.tokens] == before
    assert linked.markdown == document.markdown
    assert document.with_links({}) is document and document.with_links({"other.md": "other.html"}) is document
