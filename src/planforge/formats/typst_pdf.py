"""PDF documents typeset in process by Typst (the ``typst`` wheel), from the same markdown-it tokens
as the HTML and DOCX writers: no LibreOffice, byte-identical for the same input and plan date.

The Typst source is generated here and compiled from memory. Every piece of text an analyst could
have typed reaches Typst only as a string literal (``#"...";``, the semicolon ending the
expression), so no cell can become Typst markup or code; links keep only our own relative file
names, pointed at their PDF siblings. The look follows the Word edition: a cover (logo, firm,
title, project, client, the document's identity), the version history, an outline with page
numbers, a running header, "Page X of Y", a DRAFT watermark while the document is a draft, and
tables whose header row repeats on every page. The PDF is tagged (Typst's default).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import typst
from markdown_it.token import Token

from planforge.context.plan import PlanContext
from planforge.core.names import DOCX, HTML, MD, PDF
from planforge.formats import md_tokens
from planforge.formats.docx import (
    approval_rows,
    author,
    cover_facts,
    history_rows,
    is_draft,
    running_footer,
    running_header,
)
from planforge.formats.options import WriteOptions, logo

_ACCENT = 'rgb("#1f3864")'
_MUTED = 'rgb("#595959")'
#: Typst's embedded fonts: a serif for the text, a face with the checkbox and arrow symbols after it.
_FONTS = '("Libertinus Serif", "New Computer Modern", "DejaVu Sans Mono")'
#: Locales whose readers use US Letter paper; every other locale gets A4.
_LETTER = frozenset({"en_US", "en_CA", "es_US", "fr_CA"})


def lit(text: str) -> str:
    """``text`` as a Typst string literal placed in markup: shown as typed, never read as markup."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("\r", " ")
    return f'#"{escaped}";'


def _str(text: str) -> str:
    """``text`` as a Typst string literal in code (an argument)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


@dataclass
class _Frame:
    kind: str
    parts: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)  # list items, or table cells of the current row
    rows: list[tuple[bool, list[str]]] = field(default_factory=list)  # table rows: (header?, cells)
    meta: dict[str, object] = field(default_factory=dict)


def _inline(children: Sequence[Token]) -> str:
    """One paragraph's inline tokens as Typst markup."""
    out: list[str] = []
    stack: list[tuple[str, list[str], str]] = []  # (closing wrapper, outer buffer, link target)
    for tok in children:
        t = tok.type
        if t == "text" or (t == "html_inline" and not md_tokens.is_break(tok)):
            out.append(lit(tok.content))
        elif t == "code_inline":
            out.append(f"#raw({_str(tok.content)});")
        elif t in ("softbreak",):
            out.append(" ")
        elif t == "hardbreak" or t == "html_inline":
            out.append("#linebreak();")
        elif t in ("strong_open", "em_open", "link_open"):
            target = _pdf_link(str(tok.attrs.get("href", ""))) if t == "link_open" else ""
            stack.append((t, out, target))
            out = []
        elif t in ("strong_close", "em_close", "link_close") and stack:
            kind, outer, target = stack.pop()
            inner = "".join(out)
            if kind == "strong_open":
                outer.append(f"#strong[{inner}];")
            elif kind == "em_open":
                outer.append(f"#emph[{inner}];")
            else:
                outer.append(f"#link({_str(target)})[{inner}];" if target else inner)
            out = outer
        elif t == "image":
            out.append(lit(tok.content))
    while stack:  # an unclosed span (never from our Markdown): keep its text
        _, outer, _ = stack.pop()
        outer.append("".join(out))
        out = outer
    return "".join(out)


def _paragraph(inline: Token) -> str:
    """An inline token as Typst markup (made once per run for a sentence the run has seen)."""
    return _inline(inline.children or [])


def _pdf_link(href: str) -> str:
    """A link to a sibling document points at its PDF; anything else (never ours) is dropped."""
    if "/" in href or ":" in href or not href:
        return ""
    stem, dot, ext = href.rpartition(".")
    siblings = (MD.extension, HTML.extension, DOCX.extension, PDF.extension)
    return f"{stem}.{PDF.extension}" if dot and ext in siblings else ""


def _table(frame: _Frame) -> str:
    """A table with its header row repeated on every page, columns weighted by their text."""
    rows = frame.rows
    n = max((len(cells) for _, cells in rows), default=1)
    weights = [1] * n
    for _, cells in rows:
        for i, cell in enumerate(cells):
            weights[i] = max(weights[i], min(len(cell), 240))
    total = sum(weights)
    columns = ", ".join(f"{max(w / total, 0.06) * 10:.2f}fr" for w in weights)
    head = [c for h, cells in rows if h for c in cells]
    body = [c for h, cells in rows if not h for c in cells]
    parts = [f"columns: ({columns},)"]
    if head:
        parts.append("table.header(" + ", ".join(f"[#strong[{c}]]" for c in head) + ")")
    parts += [f"[{c}]" for c in body]
    return "#table(" + ", ".join(parts) + ")\n\n"


def _list(frame: _Frame) -> str:
    """A bullet list (no marker when every item carries its own checkbox or tick) or a numbered one."""
    marks = frame.meta.get("marks", [])
    items = [f"[{item}]" for item in frame.items]
    if frame.kind == "ordered_list":
        start = f"start: {frame.meta.get('start', 1)}"
        return f"#enum({', '.join([start, *items])})\n\n"
    own = marks and all(marks)  # type: ignore[arg-type]
    return f"#list({', '.join(['marker: []', *items] if own else items)})\n\n"


def body(tokens: Sequence[Token]) -> str:
    """The document's block tokens as Typst markup (headings one level up: the title is the cover's)."""
    stack = [_Frame("root")]
    for tok in tokens:
        top, t = stack[-1], tok.type
        if t == "inline":
            top.parts.append(md_tokens.memoised(tok, _inline, _paragraph))
        elif t == "heading_open":
            level = max(int(tok.tag[1:]) - 1, 1)
            stack.append(_Frame("heading", meta={"level": level}))
        elif t == "heading_close":
            frame = stack.pop()
            stack[-1].parts.append("=" * int(frame.meta["level"]) + " " + "".join(frame.parts) + "\n\n")  # type: ignore[call-overload]
        elif t == "paragraph_open":
            pass
        elif t == "paragraph_close":
            top.parts.append("\n\n" if top.kind != "list_item" else "#parbreak();")
        elif t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrs.get("start", 1) or 1)
            stack.append(_Frame(t.removesuffix("_open"), meta={"start": start, "marks": []}))
        elif t == "list_item_open":
            mark = {"open": "☐ ", "done": "☑ "}.get(str(tok.meta.get("task", "")), "")
            if tok.meta.get("check"):
                mark = md_tokens.CHECK + " "
            top.meta["marks"].append(bool(mark))  # type: ignore[attr-defined]
            stack.append(_Frame("list_item", parts=[lit(mark)] if mark else []))
        elif t == "list_item_close":
            frame = stack.pop()
            stack[-1].items.append("".join(frame.parts).removesuffix("#parbreak();"))
        elif t in ("bullet_list_close", "ordered_list_close"):
            frame = stack.pop()
            stack[-1].parts.append(_list(frame))
        elif t == "table_open":
            stack.append(_Frame("table", meta={"head": False}))
        elif t in ("thead_open", "thead_close"):
            top.meta["head"] = t == "thead_open"
        elif t in ("th_open", "td_open"):
            stack.append(_Frame("cell"))
        elif t in ("th_close", "td_close"):
            frame = stack.pop()
            stack[-1].items.append("".join(frame.parts))
        elif t == "tr_close":
            top.rows.append((bool(top.meta["head"]), top.items))
            top.items = []
        elif t == "table_close":
            frame = stack.pop()
            stack[-1].parts.append(_table(frame))
        elif t == "blockquote_open":
            stack.append(_Frame("quote"))
        elif t == "blockquote_close":
            frame = stack.pop()
            stack[-1].parts.append("#quote(block: true)[" + "".join(frame.parts) + "]\n\n")
        elif t in ("fence", "code_block"):
            top.parts.append(f"#raw(block: true, {_str(tok.content)});\n\n")
        elif t == "html_block":
            top.parts.append(lit(tok.content) + "\n\n")
        elif t == "hr":
            top.parts.append("#line(length: 100%, stroke: 0.5pt + luma(180))\n\n")
    return "".join(stack[0].parts)


def _cover(ctx: PlanContext, options: WriteOptions, title: str, logo_file: str | None) -> str:
    """The cover page, without header or footer: firm, title, project, client and identity."""
    h = ctx.header
    systems = h.integration or f"{h.system_a} \u2194 {h.system_b}"
    facts = cover_facts(ctx, options.final)
    grid = ", ".join(f"text(fill: {_MUTED})[{lit(k)}], strong[{lit(v)}]" for k, v in facts)
    firm = f'#text(13pt, weight: "bold", fill: {_ACCENT})[{lit(h.firm_name)}]\n\n' if h.firm_name else ""
    if h.firm_details:
        firm += f"#text(9.5pt, fill: {_MUTED})[{lit(h.firm_details)}]\n\n"
    return (
        "#page(header: none, footer: none)[\n"
        + (f'#image("{logo_file}", height: 1.8cm)\n\n' if logo_file else "")
        + firm
        + "#v(110pt)\n"
        + f'#text(28pt, weight: "bold")[{lit(title)}]\n\n'
        + f"#text(18pt, fill: {_ACCENT})[{lit(h.project_name)}]\n\n"
        + f"#text(13pt, fill: {_MUTED})[{lit(systems + ' integration')}]\n\n"
        + f"#v(36pt)\n#text(12pt)[#text(fill: {_MUTED})[Prepared for ] #strong[{lit(h.client_name)}]]\n\n"
        + f"#v(40pt)\n#grid(columns: (1fr, 3fr), row-gutter: 8pt, {grid})\n]\n"
    )


def _control(ctx: PlanContext, options: WriteOptions, approval: bool = True) -> str:
    """The document control as the Word edition gives it: the version history, then (``approval``)
    the approval block with room to sign."""
    head = ", ".join(f"[#strong[{lit(c)}]]" for c in ("Version", "Date", "Author", "Description"))
    row = ", ".join(f"[{lit(v)}]" for values in history_rows(ctx, options.plan_date, options.final) for v in values)
    text = (
        "= Document Control\n\n=== Version history\n\n"
        f"#table(columns: (1fr, 1.4fr, 2.2fr, 3.4fr), table.header({head}), {row})\n\n"
    )
    if not approval:
        return text
    head = ", ".join(f"[#strong[{lit(c)}]]" for c in ("Role", "Name", "Signature", "Date"))
    rows = ", ".join(f"[{lit(v)}]" for values in approval_rows(ctx, options.plan_date) for v in values)
    return text + (
        "=== Approval\n\n"
        f"#table(columns: (2.2fr, 2.4fr, 2.6fr, 1.4fr), rows: (auto, 1.3cm), table.header({head}), {rows})\n\n"
    )


def _setup(ctx: PlanContext, options: WriteOptions, title: str, logo_file: str | None = None) -> str:
    """Document metadata, page (paper, running header with the logo as Word's has it, version and
    page X of Y in the footer, watermark) and text styles."""
    d = options.plan_date
    paper = "us-letter" if ctx.locale in _LETTER else "a4"
    running, version = lit(running_header(ctx, title)), lit(running_footer(ctx))
    header = f"align(right, text(8pt, fill: {_MUTED})[{running}])"
    if logo_file:
        header = f'grid(columns: (auto, 1fr), align: horizon, image("{logo_file}", height: 0.6cm), {header})'
    watermark = (
        'rotate(-45deg, text(96pt, weight: "bold", fill: luma(236))[DRAFT])' if is_draft(ctx, options.final) else "none"
    )
    return (
        f"#set document(title: {_str(f'{title}: {ctx.project.project_name}')}, author: {_str(author(ctx))}, "
        f"date: datetime(year: {d.year}, month: {d.month}, day: {d.day}))\n"
        f'#set page(paper: "{paper}", margin: (x: 2.2cm, y: 2.4cm), background: {watermark},\n'
        f"  header: {header},\n"
        f"  footer: context text(8pt, fill: {_MUTED})[{version} #h(1fr) Page #counter(page).display() of "
        "#counter(page).final().first()])\n"
        f'#set text(font: {_FONTS}, size: 10.5pt, lang: "en")\n'
        "#set par(justify: false, leading: 0.6em)\n"
        f"#show heading: set text(fill: {_ACCENT})\n"
        "#set table(stroke: 0.5pt + luma(190), inset: 5pt)\n"
        "#show table: set text(9.5pt)\n"
        "#show table: set par(justify: false)\n"
        "#show link: set text(fill: " + _ACCENT + ")\n"
    )


def typst_source(
    ctx: PlanContext,
    markdown: str | md_tokens.Document,
    options: WriteOptions,
    title: str,
    *,
    contents: bool,
    logo_file: str | None,
    approval: bool = True,
) -> str:
    """The whole Typst document of one plan or companion document (its Markdown or its parse)."""
    tokens = md_tokens.without_title_block(md_tokens.document(markdown).tokens)
    outline = '#pagebreak(weak: true)\n#outline(title: "Contents", depth: 2)\n\n' if contents else ""
    front = (
        _setup(ctx, options, title, logo_file)
        + _cover(ctx, options, title, logo_file)
        + _control(ctx, options, approval)
        + outline
    )
    return front + ("#pagebreak(weak: true)\n" if contents else "") + body(tokens)


def document_pdf(
    ctx: PlanContext,
    markdown: str | md_tokens.Document,
    options: WriteOptions,
    *,
    title: str,
    contents: bool = True,
    approval: bool = True,
) -> bytes:
    """One document (its Markdown or its parse) as a PDF, compiled in process; the logo (``--logo``, else Settings > Logo) is
    written beside the source in a private folder, the only files Typst may read."""
    moment = datetime(options.plan_date.year, options.plan_date.month, options.plan_date.day, tzinfo=UTC)
    image = logo(ctx, options)
    with tempfile.TemporaryDirectory(prefix="planforge-typst-") as tmp:
        root = Path(tmp)
        name = None
        if image is not None:
            name = "logo." + image.mime.rpartition("/")[2].replace("jpeg", "jpg")
            (root / name).write_bytes(image.data)
        source = root / "document.typ"
        source.write_text(
            typst_source(ctx, markdown, options, title, contents=contents, logo_file=name, approval=approval), "utf-8"
        )
        data = typst.compile(str(source), root=str(root), ignore_system_fonts=True, timestamp=int(moment.timestamp()))
    if not isinstance(data, bytes):
        raise RuntimeError("Typst returned no PDF")
    return data
