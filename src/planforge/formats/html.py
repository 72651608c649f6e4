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
from markdown_it.token import Token

from planforge.context.plan import PlanContext
from planforge.core.names import FORMAT_LABELS, HTML, PLAN, link_order, plan_filename
from planforge.formats import md_tokens
from planforge.formats.options import WriteOptions, logo
from planforge.render.environment import render_template

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def plan_html(ctx: PlanContext, markdown: str, options: WriteOptions, *, title: str | None = None) -> str:
    """One plan (or companion document, named by ``title``) as a standalone HTML page, the firm's logo
    (``options.logo``, else Settings > Logo) at its top as a ``data:`` URI, so the page stays one file."""
    tokens = md_tokens.parse(markdown)
    toc = _prepare(tokens)
    md = _renderer()
    body = md.renderer.render(tokens, md.options, {})
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


def _prepare(tokens: list[Token]) -> list[tuple[int, str, str]]:
    """Give headings ids, turn task items into checkboxes, neutralise HTML blocks; return the TOC."""
    seen: dict[str, int] = {}
    toc: list[tuple[int, str, str]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            text = md_tokens.inline_text(tokens[i + 1])
            slug = md_tokens.heading_slug(text, seen)
            tok.attrSet("id", slug)
            level = int(tok.tag[1])
            if level in (2, 3):
                toc.append((level, slug, text))
        elif tok.type == "html_block":
            tok.type, tok.content = "text_block", tok.content
        elif tok.type == "list_item_open" and "task" in tok.meta:
            tok.attrSet("class", "task")
            _prefix_mark(tokens, i, "☑" if tok.meta["task"] == "done" else "☐", "box")
        elif tok.type == "list_item_open" and tok.meta.get("check"):
            tok.attrSet("class", "check")
            _prefix_mark(tokens, i, md_tokens.CHECK, "tick")
        elif tok.type == "bullet_list_open":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and ("task" in nxt.meta or nxt.meta.get("check")):
                tok.attrSet("class", "checklist")  # the box or tick is the item's only marker
    return toc


def _prefix_mark(tokens: list[Token], item_index: int, mark: str, css_class: str) -> None:
    for tok in tokens[item_index + 1 :]:
        if tok.type == "inline":
            box = Token("html_inline", "", 0)
            box.content = f'<span class="{css_class}" aria-hidden="true">{mark}</span> '
            tok.children = [box, *(tok.children or [])]
            return


def _text_block(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    return f"<p>{html.escape(tokens[idx].content)}</p>\n"


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    """A parser of its own for rendering, with HTML blocks neutralised to text paragraphs
    (the shared token parser in md_tokens is never changed)."""
    md = md_tokens.new_parser()
    md.add_render_rule("text_block", _text_block)
    return md
