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


def _unit(lines: list[str], n: int, tables: dict[int, bool]) -> str:
    """The smallest Markdown that parses line ``n`` as it parses in place: the line alone, or,
    in a table's body, the table's header and delimiter rows with it (a blank line ends every paragraph,
    list item and table, so the table starts after the last blank line above)."""
    first = n
    while first > 0 and lines[first - 1].strip():
        first -= 1
    if n - first < 2:  # not a table's body row
        return lines[n]
    if first not in tables:
        head = parser().parse("\n".join(lines[first : first + 2]))
        tables[first] = bool(head) and head[0].type == "table_open"
    return "\n".join((lines[first], lines[first + 1], lines[n])) if tables[first] else lines[n]


def _section(lines: list[str], line: int, memo: dict[int, str | None]) -> str:
    """The text of the nearest ATX heading at or above ``line``: each line that may be one (a "#"
    after at most three spaces) is parsed alone, nearest first, so markdown-it decides which is."""
    for n in range(line, -1, -1):
        text = lines[n]
        if not text.lstrip(" ").startswith("#") or len(text) - len(text.lstrip(" ")) > 3:
            continue
        if n not in memo:
            tokens = parser().parse(text)
            memo[n] = _plain(tokens[1]) if tokens and tokens[0].type == "heading_open" else None
        heading = memo[n]
        if heading is not None:
            return heading
    return ""


def marked_passages(markdown: str, mark: str) -> list[tuple[str, str]]:
    """Every passage of a rendered document that carries ``mark`` (such as "(assumed)"), with the
    heading of the section it is in: a table cell is prefixed with its row's first cell ("Frequency:
    ..."). Read from markdown-it tokens, so Markdown syntax and escapes never show in a passage;
    only the blocks holding the mark and the heading lines are parsed (a whole plan's parse costs
    milliseconds, which a Markdown-only run of thousands of plans must not pay). A setext heading
    (text underlined with === or ---) is not seen as a section."""
    if mark not in markdown:
        return []
    lines = markdown.splitlines()
    memo: dict[int, str | None] = {}
    tables: dict[int, bool] = {}
    found: list[tuple[str, str]] = []
    for n, line in enumerate(lines):
        if mark in line:
            section = _section(lines, n, memo)
            found += [(section, passage) for passage in _passages(parse(_unit(lines, n, tables)), mark)]
    return found


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
