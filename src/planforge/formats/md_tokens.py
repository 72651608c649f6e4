"""Parse a rendered document once into markdown-it tokens, shared by the HTML, DOCX and PDF writers.

The Markdown is the single content source. Raw HTML is parsed (our table cells use ``<br>``)
but every inline HTML token other than a bare ``<br>`` is turned back into plain text (and
the writers treat HTML blocks as text), so nothing an
analyst typed can become markup even if it slipped past escaping. Checklist items ("- [ ] ...")
are recognised from the source line, not from the rendered text, so a typed "[ ]" stays text;
so are ticked criteria ("- ✓ ..."), which the writers show with the tick as their only marker.

A ``Document`` is parsed once and read by every writer of it. Its tokens are never changed: a
writer that needs a token changed (an id on a heading, a link pointed at another format's file)
copies it (``copy``). The sentences of a portfolio's plans recur from plan to plan, so the inline
content of a paragraph, cell or heading is parsed once per run and its inline tokens are shared
by every document holding it; what a writer makes of such a token can be kept with it (``memoised``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import lru_cache
from typing import Any, TypeVar, cast

from markdown_it import MarkdownIt
from markdown_it.token import Token

_BR = re.compile(r"^<br\s*/?>$", re.I)
_TASK_LINE = re.compile(r"^\s*[-*+] \[( |x|X)\] ")
_TASK_MARK = re.compile(r"^\[( |x|X)\] ")
_CHECK_LINE = re.compile(r"^\s*[-*+] \u2713 ")
CHECK = "\u2713"
#: Distinct inline contents whose parse a run keeps (each a sentence, cell or heading; 200 plans of
#: the benchmark portfolio hold about 4,000 among 70,000); past it the oldest is dropped.
SHARED_INLINES = 1 << 14
_T = TypeVar("_T")


def new_parser() -> MarkdownIt:
    """A fresh CommonMark parser with tables and raw HTML recognised (then neutralised by ``parse``)."""
    return MarkdownIt("commonmark", dict(html=True, linkify=False, typographer=False)).enable("table")


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The parser ``parse`` uses, built once and never modified."""
    return new_parser()


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    """The same parser without its inline stage (markdown-it's core rules ``inline`` and
    ``text_join``, which read each inline token on its own): ``parse`` fills in each inline
    token's children from the run's shared inline parses."""
    md = new_parser()
    md.core.ruler.disable(["inline", "text_join"])
    return md


class _Shared:
    """One inline content's tokens, parsed once per run, and what writers made of them; ``unmarked``
    the same tokens with a list item's marker taken out of the first text (``parse``), once made."""

    __slots__ = ("children", "memo", "unmarked")

    def __init__(self, children: Sequence[Token]) -> None:
        self.children = tuple(children)
        self.memo: dict[Hashable, Any] = {}
        self.unmarked: _Shared | None = None

    def holds(self, children: Sequence[Token]) -> bool:
        """Whether ``children`` are these very tokens."""
        mine = self.children
        return len(children) == len(mine) and all(a is b for a, b in zip(children, mine))

    def without_marker(self, length: int) -> _Shared:
        """The tokens with the first ``length`` characters taken out of the first (a text): the
        marker of a task item or ticked criterion, whose length the content's start decides."""
        if self.unmarked is None:
            first, *rest = self.children
            self.unmarked = _Shared([copy(first, content=first.content[length:]), *rest])
        return self.unmarked


class InlineCache:
    """The inline parses a run shares between its documents (a run makes one and hands it to each
    ``Document``): at most ``limit`` distinct contents, the oldest dropped first. A document parsed
    without one gets a cache of its own, so it shares nothing and reads the same."""

    __slots__ = ("_found", "limit")

    def __init__(self, limit: int = SHARED_INLINES) -> None:
        self._found: dict[str, _Shared] = {}
        self.limit = limit

    def shared(self, content: str) -> _Shared:
        """The shared parse of one inline content, raw HTML other than ``<br>`` neutralised: the parse
        a whole document gives it (the inline parse reads nothing but the content, unless the document
        defines link references, which ``parse`` leaves to markdown-it)."""
        found = self._found.get(content)
        if found is None:
            children = parser().parseInline(content)[0].children or []
            _neutralise(children)
            if len(self._found) >= self.limit:
                self._found.pop(next(iter(self._found)), None)  # the oldest
            found = self._found[content] = _Shared(children)
        return found


#: the key of an inline token's ``meta`` holding the shared parse its children came from
_SHARED_PARSE = "planforge-shared"


def _neutralise(children: Sequence[Token]) -> None:
    for child in children:
        if child.type == "html_inline" and not _BR.match(child.content.strip()):
            child.type = "text"


def copy(token: Token, **changes: Any) -> Token:
    """A copy of ``token`` with ``changes`` (such as ``attrs=``), its attributes and meta its own,
    so the shared token is left as it was."""
    changes.setdefault("attrs", dict(token.attrs))
    changes.setdefault("meta", dict(token.meta))
    return token.copy(**changes)


def memoised(inline: Token, key: Hashable, make: Callable[[Token], _T]) -> _T:
    """``make(inline)`` (what a writer makes of an inline token), made once per run under ``key``
    while ``inline``'s children are the run's shared parse of its content (the same sentence in
    every plan of a portfolio); for children changed in one document, made each time. ``make``
    must read nothing but the token."""
    shared = inline.meta.get(_SHARED_PARSE)
    children = inline.children
    if shared is None or children is None:
        return make(inline)
    if not shared.holds(children):
        shared = shared.unmarked
        if shared is None or not shared.holds(children):
            return make(inline)
    memo = shared.memo
    if key in memo:
        return cast(_T, memo[key])
    value = memo[key] = make(inline)
    return value


class Document:
    """One rendered document (a plan or companion): its Markdown and its tokens, parsed on first
    use, which every writer of the document reads and none changes. ``markdown`` is the text parsed;
    ``with_links`` gives a document whose links point elsewhere, its Markdown as it was."""

    __slots__ = ("_cache", "_tokens", "markdown")

    def __init__(self, markdown: str, tokens: Sequence[Token] | None = None, cache: InlineCache | None = None) -> None:
        self.markdown = markdown
        self._tokens = None if tokens is None else tuple(tokens)
        self._cache = cache

    @property
    def tokens(self) -> tuple[Token, ...]:
        """The block tokens (each inline token's ``children`` its inline tokens), as ``parse`` gives them."""
        if self._tokens is None:
            self._tokens = tuple(parse(self.markdown, self._cache))
        return self._tokens

    def with_links(self, targets: Mapping[str, str]) -> Document:
        """The document with every link whose target is a key of ``targets`` pointing at its value
        instead (section 11 links the sibling files of the format being written); the link tokens
        changed are copies, so this document is left as it was. Only exact targets are matched."""
        if not targets:
            return self
        md = parser()
        hrefs = {md.normalizeLink(old): md.normalizeLink(new) for old, new in targets.items()}
        tokens = list(self.tokens)
        changed = False
        for i, tok in enumerate(tokens):
            if tok.type != "inline" or not tok.children or "]" not in tok.content:
                continue  # no link: a link's text is in brackets
            children: list[Token] | None = None
            for j, child in enumerate(tok.children):
                href = child.attrs.get("href") if child.type == "link_open" else None
                if isinstance(href, str) and href in hrefs:
                    children = children or list(tok.children)
                    children[j] = copy(child, attrs={**child.attrs, "href": hrefs[href]})
            if children is not None:
                tokens[i] = copy(tok, children=children)
                changed = True
        return Document(self.markdown, tokens, self._cache) if changed else self


def document(source: str | Document) -> Document:
    """``source`` as a ``Document``: a writer takes the document or its Markdown."""
    return source if isinstance(source, Document) else Document(source)


def parse(markdown: str, cache: InlineCache | None = None) -> list[Token]:
    """Tokens with raw HTML neutralised, task-list items marked (``token.meta['task']``) and ticked
    criteria marked (``token.meta['check']``), their markers taken out of the text. The block tokens
    are new; the inline tokens may be shared with the other documents parsed with ``cache`` (see
    ``Document``)."""
    cache = cache if cache is not None else InlineCache()
    env: dict[str, Any] = {}
    tokens = _block_parser().parse(markdown, env)
    if env.get("references"):  # link reference definitions: the inline parse reads them
        tokens = parser().parse(markdown)
        for tok in tokens:
            if tok.type == "inline" and tok.children:
                _neutralise(tok.children)
    else:
        for tok in tokens:
            if tok.type == "inline":
                shared = tok.meta[_SHARED_PARSE] = cache.shared(tok.content)
                tok.children = list(shared.children)
    lines: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "list_item_open" and tok.map:
            lines = markdown.splitlines() if lines is None else lines
            m = _TASK_LINE.match(lines[tok.map[0]])
            if m:
                tok.meta["task"] = "done" if m.group(1) in "xX" else "open"
                _strip_marker(tokens, i, _TASK_MARK, 4)
            elif _CHECK_LINE.match(lines[tok.map[0]]):
                tok.meta["check"] = True
                _strip_marker(tokens, i, _CHECK_MARK, 2)
    return tokens


_CHECK_MARK = re.compile("^" + CHECK + " ")


def _strip_marker(tokens: list[Token], item_index: int, marker: re.Pattern[str], length: int) -> None:
    """Take a list item's marker (``length`` characters matching ``marker``) out of its first text,
    in a copy of that text token (the inline tokens are shared), made once per run for a shared one."""
    for j in range(item_index + 1, len(tokens)):
        tok = tokens[j]
        if tok.type == "inline":
            children = tok.children or []
            first = children[0] if children else None
            if first is not None and first.type == "text" and marker.match(first.content):
                shared = tok.meta.get(_SHARED_PARSE)
                if shared is not None and shared.holds(children):
                    unmarked = tok.meta[_SHARED_PARSE] = shared.without_marker(length)
                    tok.children = list(unmarked.children)
                else:
                    tok.children = [copy(first, content=first.content[length:]), *children[1:]]
            return


def heading_slug(text: str, seen: dict[str, int]) -> str:
    """A stable, unique anchor id for a heading."""
    base = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "section"
    count = seen.get(base, 0)
    seen[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def inline_text(token: Token) -> str:
    """Plain text of an inline token (for headings, the TOC and document properties)."""
    return memoised(token, inline_text, _inline_text)


def _inline_text(token: Token) -> str:
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


def without_title_block(tokens: Sequence[Token]) -> Sequence[Token]:
    """The document without its Markdown title block (title, project line, key facts up to the
    first rule): the cover page of the Word and PDF editions carries those facts."""
    if not tokens or tokens[0].type != "heading_open" or tokens[0].tag != "h1":
        return tokens
    rule = next((i for i, t in enumerate(tokens) if t.type == "hr"), None)
    return tokens[rule + 1 :] if rule is not None else tokens
