"""Self-contained HTML plans and the portfolio index, from the rendered Markdown.

One file per plan: embedded CSS with a print stylesheet, a table of contents, styled tables
and checkboxes. All cell text arrives escaped in the Markdown and is escaped again on output;
raw HTML never passes (md_tokens). The page carries a Content-Security-Policy that forbids
scripts, as a second wall.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from planforge.context.plan import PlanContext
from planforge.core.names import FORMAT_LABELS, HTML, PLAN, link_order, plan_filename
from planforge.formats import md_tokens
from planforge.formats.options import WriteOptions, logo
from planforge.render.environment import render_template

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def plan_html(
    ctx: PlanContext, markdown: str | md_tokens.Document, options: WriteOptions, *, title: str | None = None
) -> str:
    """One plan (or companion document, named by ``title``; its Markdown or its parse) as a standalone
    HTML page, the firm's logo (``options.logo``, else Settings > Logo) at its top as a ``data:`` URI,
    so the page stays one file."""
    tokens, toc = _prepare(md_tokens.document(markdown).tokens)
    body = _render(tokens)
    title = title or f"{ctx.project.project_id} {PLAN.title.lower()}: {ctx.project.project_name}"
    image = logo(ctx, options)
    return render_template(
        "html/plan.html.j2",
        title=title,
        body=_Html(body),
        toc=toc,
        csp=_CSP,
        ctx=ctx,
        logo=_Html(image.data_uri()) if image else None,
        firm=ctx.header.firm_name,
    )


def index_html(contexts: Sequence[PlanContext], options: WriteOptions) -> str:
    """The portfolio index: every plan with client, types, confidence, timeline and links to each format written."""
    links = link_order(options.formats, first=HTML.name)  # the page itself first
    labels = FORMAT_LABELS
    rows = [
        {
            "ctx": c,
            "main": plan_filename(c.project.project_id, HTML.extension),
            "links": [(labels[f], plan_filename(c.project.project_id, f)) for f in links],
        }
        for c in contexts
    ]
    return render_template("html/index.html.j2", rows=rows, csp=_CSP, count=len(rows))


class _Html(str):
    """Markup produced by markdown-it from escaped Markdown (already safe)."""

    def __html__(self) -> str:
        return self


def _prepare(tokens: Sequence[Token]) -> tuple[list[Token], list[tuple[int, str, str]]]:
    """The tokens with ids on the headings, task items as checkboxes and HTML blocks neutralised
    (each token changed a copy: the document's tokens are shared with its other formats); and the TOC."""
    out = list(tokens)
    seen: dict[str, int] = {}
    toc: list[tuple[int, str, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            text = md_tokens.inline_text(out[i + 1])
            slug = md_tokens.heading_slug(text, seen)
            out[i] = md_tokens.copy(tok, attrs={**tok.attrs, "id": slug})
            level = int(tok.tag[1])
            if level in (2, 3):
                toc.append((level, slug, text))
        elif tok.type == "html_block":
            out[i] = md_tokens.copy(tok, type="text_block")
        elif tok.type == "list_item_open" and "task" in tok.meta:
            out[i] = md_tokens.copy(tok, attrs={**tok.attrs, "class": "task"})
            _prefix_mark(out, i, "☑" if tok.meta["task"] == "done" else "☐", "box")
        elif tok.type == "list_item_open" and tok.meta.get("check"):
            out[i] = md_tokens.copy(tok, attrs={**tok.attrs, "class": "check"})
            _prefix_mark(out, i, md_tokens.CHECK, "tick")
        elif tok.type == "bullet_list_open":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and ("task" in nxt.meta or nxt.meta.get("check")):
                out[i] = md_tokens.copy(
                    tok, attrs={**tok.attrs, "class": "checklist"}
                )  # the box or tick is the item's only marker
    return out, toc


def _prefix_mark(tokens: list[Token], item_index: int, mark: str, css_class: str) -> None:
    """Put the item's box or tick before its first inline, in a copy of that inline token."""
    for j in range(item_index + 1, len(tokens)):
        tok = tokens[j]
        if tok.type == "inline":
            box = Token("html_inline", "", 0)
            box.content = f'<span class="{css_class}" aria-hidden="true">{mark}</span> '
            tokens[j] = md_tokens.copy(tok, children=[box, *(tok.children or [])])
            return


def _render(tokens: Sequence[Token]) -> str:
    """The body's HTML, as markdown-it's renderer writes it (``RendererHTML.render``), each inline
    token's HTML made once per run for a sentence the run has seen (``md_tokens.memoised``)."""
    md = _renderer()
    renderer, options = _html(md), md.options
    rules = renderer.rules
    env: dict[str, object] = {}
    out: list[str] = []
    for i, tok in enumerate(tokens):
        kind = tok.type
        if kind == "inline":
            if tok.children:
                out.append(md_tokens.memoised(tok, _render, _inline_html))
        elif kind in rules:
            out.append(rules[kind](tokens, i, options, env))
        else:
            out.append(renderer.renderToken(tokens, i, options, env))
    return "".join(out)


def _inline_html(inline: Token) -> str:
    md = _renderer()
    return _html(md).renderInline(inline.children or [], md.options, {})


def _html(md: MarkdownIt) -> RendererHTML:
    renderer = md.renderer
    assert isinstance(renderer, RendererHTML)
    return renderer


def _text_block(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    return f"<p>{html.escape(tokens[idx].content)}</p>\n"


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    """A parser of its own for rendering, with HTML blocks neutralised to text paragraphs
    (the shared token parser in md_tokens is never changed)."""
    md = md_tokens.new_parser()
    md.add_render_rule("text_block", _text_block)
    return md
