"""Cell text is data: escaped Markdown renders back to exactly the text typed, and tables hold."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from planforge.render import code_span, escape_inline, table_cell

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")

NASTY = [
    "# Heading",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "*bold* and _it_",
    "[link](http://x.test)",
    "![img](x.png)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`code`",
    "a | b",
    "{{ 7*7 }}",
    "{% raw %}",
    "---",
    "===",
    "> quote",
    "&amp; &#169;",
    "trailing\\",
    "~~strike~~",
    "<http://autolink.test>",
    "line one\nline two",
    "    indented code",
    "[ref]: http://x.test",
    "***",
    "1986. A great year",
]


def rendered_text(markdown: str) -> str:
    out = MD.renderInline(markdown)
    return html.unescape(out)


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_renders_as_typed(text):
    assert rendered_text(escape_inline(text)) == " ".join(text.split())


@pytest.mark.parametrize("text", NASTY)
def test_escaped_text_makes_no_block_structure(text):
    tokens = MD.parse("Intro line\n\n" + escape_inline(text) + "\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] * 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_is_inert(text):
    escaped = escape_inline(text)
    assert "\n" not in escaped
    tokens = MD.parse("x\n\n" + escaped + "\n")
    assert all(t.type in ("paragraph_open", "inline", "paragraph_close") for t in tokens)
    children = [c.type for t in tokens if t.type == "inline" for c in t.children]
    assert not {"link_open", "image", "html_inline", "code_inline", "em_open", "strong_open", "s_open"} & set(children)


def test_table_cells_keep_the_row_shape():
    cells = ["a | b", "x\ny", "<b>bold</b>", "\\|"]
    table = "| A | B | C | D |\n|---|---|---|---|\n| " + " | ".join(table_cell(c) for c in cells) + " |\n"
    tokens = MD.parse(table)
    assert sum(1 for t in tokens if t.type == "td_open") == 4
    inline = [t for t in tokens if t.type == "inline"][4:]
    assert html.unescape(MD.renderer.render(inline[0].children, MD.options, {})) == "a | b"


def test_code_span_fences_backticks():
    assert code_span("a`b") == "``a`b``"
    assert rendered_text(code_span("``x")) == "<code>``x</code>"


def test_inlined_includes_keep_real_file_and_line_for_errors(tmp_path):
    import jinja2

    from planforge.render import _InliningLoader

    (tmp_path / "main.md.j2").write_text('# Title\n{% include "part.md.j2" %}\nend {{ ok }}\n')
    (tmp_path / "part.md.j2").write_text("first\n{{ missing }}\n")
    loader = _InliningLoader(str(tmp_path))
    env = jinja2.Environment(loader=loader, undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError) as info:
        env.get_template("main.md.j2").render(ok=1)
    lineno = _template_lineno(info.value)
    assert loader.line_map["main.md.j2"][lineno - 1] == ("part.md.j2", 2)
    assert env.get_template("main.md.j2").render(ok=1, missing="x") == "# Title\nfirst\nx\nend 1"


def _template_lineno(error) -> int:
    import traceback

    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith("main.md.j2")]
    return frames[-1].lineno
