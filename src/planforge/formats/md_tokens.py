"""Parse a rendered plan once into markdown-it tokens, for the HTML and DOCX writers.

The Markdown is the single content source. Raw HTML is parsed (our table cells use ``<br>``)
but every inline HTML token other than a bare ``<br>`` is turned back into plain text (and
the writers treat HTML blocks as text), so nothing an
analyst typed can become markup even if it slipped past escaping. Checklist items ("- [ ] ...")
are recognised from the source line, not from the rendered text, so a typed "[ ]" stays text;
so are ticked criteria ("- ✓ ..."), which the writers show with the tick as their only marker.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

_BR = re.compile(r"^<br\s*/?>$", re.I)
_TASK_LINE = re.compile(r"^\s*[-*+] \[( |x|X)\] ")
_CHECK_LINE = re.compile(r"^\s*[-*+] \u2713 ")
CHECK = "\u2713"


def new_parser() -> MarkdownIt:
    """A fresh CommonMark parser with tables and raw HTML recognised (then neutralised by ``parse``)."""
    return MarkdownIt("commonmark", dict(html=True, linkify=False, typographer=False)).enable("table")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The parser ``parse`` uses, built once and never modified."""
    return new_parser()


def parse(markdown: str) -> list[Token]:
    """Tokens with raw HTML neutralised, task-list items marked (``token.meta['task']``) and ticked
    criteria marked (``token.meta['check']``), their markers taken out of the text."""
    tokens = parser().parse(markdown)
    lines = markdown.splitlines()
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.children:
            for child in tok.children:
                if child.type == "html_inline" and not _BR.match(child.content.strip()):
                    child.type = "text"
        if tok.type == "list_item_open" and tok.map:
            m = _TASK_LINE.match(lines[tok.map[0]])
            if m:
                tok.meta["task"] = "done" if m.group(1) in "xX" else "open"
                _strip_task_marker(tokens, i)
            elif _CHECK_LINE.match(lines[tok.map[0]]):
                tok.meta["check"] = True
                _strip_check_marker(tokens, i)
    return tokens


def _strip_check_marker(tokens: list[Token], item_index: int) -> None:
    for tok in tokens[item_index + 1 :]:
        if tok.type == "inline":
            first = tok.children[0] if tok.children else None
            if first is not None and first.type == "text" and first.content.startswith(CHECK + " "):
                first.content = first.content[2:]
            return


def _strip_task_marker(tokens: list[Token], item_index: int) -> None:
    for tok in tokens[item_index + 1 :]:
        if tok.type == "inline":
            first = tok.children[0] if tok.children else None
            if first is not None and first.type == "text" and re.match(r"^\[( |x|X)\] ", first.content):
                first.content = first.content[4:]
            return


def heading_slug(text: str, seen: dict[str, int]) -> str:
    """A stable, unique anchor id for a heading."""
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "section"
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def inline_text(token: Token) -> str:
    """Plain text of an inline token (for headings, the TOC and document properties)."""
    return "".join(c.content for c in token.children or () if c.type in ("text", "code_inline"))


def _plain(inline: Token) -> str:
    """An inline token's text as a reader sees it: breaks as spaces, emphasis markers dropped."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak", "html_inline"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _clauses(text: str, mark: str) -> list[str]:
    """Each clause of ``text`` that ends in ``mark``: from the previous sentence or clause break
    (". ", "; ") to the mark, so one line listing three assumed tools gives three passages."""
    found = []
    end = text.find(mark)
    while end >= 0:
        stop = end + len(mark)
        head = text[:end]
        start = max(head.rfind(". "), head.rfind("; "))
        found.append(text[start + 2 if start >= 0 else 0 : stop].strip())
        end = text.find(mark, stop)
    return found


def _maybe_heading(line: str) -> bool:
    """Whether a line may be an ATX heading (a "#" after at most three spaces): markdown-it decides."""
    body = line.lstrip(" ")
    return body.startswith("#") and len(line) - len(body) <= 3


def _unit(lines: list[str], n: int) -> list[str]:
    """The smallest Markdown that parses line ``n`` as it parses in place: the line alone, or, in
    what may be a table's body (its run's second line has only pipes, colons, dashes and spaces),
    the run's header and delimiter rows with it; a blank line ends every paragraph, list item and
    table, so a run starts after the last blank line above. markdown-it decides what it is."""
    first = n
    while first > 0 and lines[first - 1].strip():
        first -= 1
    if n - first >= 2:
        rule = lines[first + 1].replace(" ", "")
        if "-" in rule and set(rule) <= set("|:-"):
            return [lines[first], lines[first + 1], lines[n]]
    return [lines[n]]


def marked_passages(markdown: str, mark: str) -> list[tuple[str, str]]:
    """Every passage of a rendered document that carries ``mark`` (such as "(assumed)"), with the
    heading of the section it is in: a table cell is prefixed with its row's first cell ("Frequency:
    ..."). Read from markdown-it tokens, so Markdown syntax and escapes never show in a passage.
    Only the lines holding the mark (with a table's header rows) and the heading nearest each are
    parsed, each once per run (the same default line recurs in every plan of a portfolio): a whole
    plan's parse costs milliseconds, which a Markdown-only run of thousands of plans must not pay.
    A setext heading (text underlined with === or ---) is not seen as a section."""
    if mark not in markdown:
        return []
    lines = markdown.splitlines()
    section, pending = "", -1  # the section so far; the last line that may start a new one, unread
    found: list[tuple[str, str]] = []
    for n, line in enumerate(lines):
        if _maybe_heading(line):
            pending = n
        elif mark in line:
            if pending >= 0:
                section = _heading_text(lines[pending]) or section
                pending = -1
            found += [(section, passage) for passage in _unit_passages("\n".join(_unit(lines, n)), mark)]
    return found


@lru_cache(maxsize=4096)
def _heading_text(line: str) -> str | None:
    """A heading line's text as a reader sees it, None when markdown-it does not read it as a heading."""
    tokens = parser().parse(line)
    return _plain(tokens[1]) if len(tokens) > 1 and tokens[0].type == "heading_open" else None


@lru_cache(maxsize=16384)
def _unit_passages(unit: str, mark: str) -> tuple[str, ...]:
    """The passages of one unit (a marked line, with a table's header rows): the same default line
    recurs in every plan of a portfolio, so each is parsed once per run."""
    return tuple(_passages(parse(unit), mark))


def _passages(tokens: list[Token], mark: str) -> list[str]:
    """The clauses carrying ``mark`` in a unit's tokens, table cells prefixed with their row's first cell."""
    row_label, cell = "", -1
    found: list[str] = []
    for tok in tokens:
        if tok.type == "tr_open":
            row_label, cell = "", -1
        elif tok.type == "table_close":
            cell = -1
        elif tok.type in ("td_open", "th_open"):
            cell += 1
        elif tok.type == "inline":
            text = _plain(tok)
            if cell == 0:
                row_label = text
            found += [f"{row_label}: {c}" if cell > 0 and row_label else c for c in _clauses(text, mark)]
    return found


def is_break(tok: Token) -> bool:
    """An inline ``<br>`` (our table cells' line breaks), the one raw HTML the writers honour."""
    return tok.type == "html_inline" and bool(_BR.match(tok.content.strip()))


def without_title_block(tokens: list[Token]) -> list[Token]:
    """The document without its Markdown title block (title, project line, key facts up to the
    first rule): the cover page of the Word and PDF editions carries those facts."""
    if not tokens or tokens[0].type != "heading_open" or tokens[0].tag != "h1":
        return tokens
    rule = next((i for i, t in enumerate(tokens) if t.type == "hr"), None)
    return tokens[rule + 1 :] if rule is not None else tokens
