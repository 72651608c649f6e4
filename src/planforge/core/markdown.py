"""Markdown escaping, the one module for it: the render stage's filters (analyst text) and the
reference documents (our own text in tables) both escape through these rules, so a fix to one rule
reaches every Markdown file planforge writes. Text in, text out: what a value means (a TBD, a date)
is the render stage's business, not this module's."""

from __future__ import annotations

import re

#: Characters with a meaning anywhere in a line: escaped wherever they appear.
_ALWAYS = re.compile(r"([\\`*_\[\]<|~])")
#: An ``&`` that would start an HTML entity (``&amp;``, ``&#38;``).
_ENTITY = re.compile(r"&(?=#?\w+;)")
#: What only means something at the start of a line: headings, list and quote markers, rules.
_LINE_START = re.compile(r"^()(#{1,6}(?=\s|$)|[-+>](?=\s|$)|>|\d{1,9}(?=[.)](?:\s|$))|=+\s*$|-{3,})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Anything ``escape_text`` would change; most cell text has none of it.
_NEEDS_WORK = re.compile(r"[\\`*_\[\]<|~&\x00-\x1f\x7f]|\s\s|^\s|\s$|^(?:[#+=>\-]|\d{1,9}[.)])")


def strip_control(text: str) -> str:
    """Control characters removed (tab, line feed and carriage return kept): they never print."""
    return _CONTROL.sub("", text)


def needs_escaping(text: str) -> bool:
    """False when ``escape_text`` would answer ``text`` unchanged (the common case, checked cheaply)."""
    return _NEEDS_WORK.search(text) is not None


def escape_text(text: str) -> str:
    """Arbitrary text as inert inline Markdown: one line, no emphasis, links, HTML, code, headings,
    lists or table breaks. Rendered, it reads exactly as typed."""
    s = " ".join(strip_control(text).split())
    s = _ALWAYS.sub(r"\\\1", s)
    s = _ENTITY.sub(r"\\&", s)
    m = _LINE_START.match(s)
    if m:
        lead = m.group(2)
        s = s[: m.start(2)] + (lead + "\\" if lead[0].isdigit() else "\\" + lead) + s[m.end(2) :]
    return s


def code_span(text: str) -> str:
    """Inline code whose fence is longer than any backtick run inside the text."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def pipe_cell(text: str) -> str:
    """Our own text (schema help, problem titles) as a GFM table cell: only what would break the
    table is escaped, a pipe and a line break; its emphasis and code marks are meant."""
    return text.replace("|", "\\|").replace("\n", " ")


def code_cell(text: str) -> str:
    """Text as inline code in a GFM table cell: the pipe escaped (GFM reads it before the code span)."""
    return "`" + text.replace("|", "\\|") + "`"
