"""The one Jinja environment, its filters, and rendering of plans to Markdown.

Cell text is data: every ``{{ value }}`` is escaped for Markdown by the environment's
``finalize`` hook unless a filter already produced ``Markdown`` (our own, trusted markup), so
a template cannot forget to escape. Values are passed as data and never compiled as templates.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from .completeness import Tbd
from .derive import long_date
from .errors import TemplateError
from .plan_context import PlanContext, Review

TBD_MARK = "[TBD]"
_ALWAYS = re.compile(r"([\\`*_\[\]<|~])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^()(#{1,6}(?=\s|$)|[-+>](?=\s|$)|>|\d{1,9}(?=[.)](?:\s|$))|=+\s*$|-{3,})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Markdown(str):
    """Text already safe to place in Markdown: produced by a filter, not by an analyst."""


_NEEDS_WORK = re.compile(r"[\\`*_\[\]<|~&\x00-\x1f\x7f]|\s\s|^\s|\s$|^(?:[#+=>\-]|\d{1,9}[.)])")


def escape_inline(text: Any) -> Markdown:
    """Make arbitrary text inert inline Markdown: one line, no emphasis, links, HTML, code,
    headings, lists or table breaks. Rendered, it reads exactly as typed."""
    if type(text) is str:
        return _escape_str(text)
    if isinstance(text, Markdown):
        return text
    return _escape_any(text)


@lru_cache(maxsize=1 << 16)
def _escape_str(text: str) -> Markdown:
    """Escaping of plain strings, memoised: portfolios repeat names, systems and phrases."""
    if not _NEEDS_WORK.search(text):
        return Markdown(text)  # the common case: nothing to escape
    return _escape_any(text)


def _escape_any(text: Any) -> Markdown:
    if text is None or isinstance(text, Tbd):
        return Markdown(TBD_MARK)
    if isinstance(text, (date, datetime)):
        return Markdown(format_date(text))
    s = _CONTROL.sub("", str(text))
    s = " ".join(s.split())
    s = _ALWAYS.sub(r"\\\1", s)
    s = _ENTITY.sub(r"\\&", s)
    m = _LINE_START.match(s)
    if m:
        lead = m.group(2)
        s = s[: m.start(2)] + (lead + "\\" if lead[0].isdigit() else "\\" + lead) + s[m.end(2) :]
    return Markdown(s)


def table_cell(value: Any) -> Markdown:
    """Escape for a GFM table cell: pipes escaped, line breaks kept as <br>."""
    if isinstance(value, Markdown):
        return value
    if value is None or isinstance(value, Tbd):
        return Markdown(TBD_MARK)
    lines = [escape_inline(line) for line in _CONTROL.sub("", str(value)).splitlines() if line.strip()]
    return Markdown("<br>".join(lines) if lines else "")


_BULLET = re.compile(r"[-*\u2022\u00b7\u2013]\s+|\d{1,3}[.)]\s+")


def _lines(value: Any) -> list[tuple[bool, str]]:
    """Analyst text split into (is_bullet, text) lines; blank lines dropped."""
    out = []
    for line in _CONTROL.sub("", str(value)).splitlines():
        text = line.strip()
        if not text:
            continue
        m = _BULLET.match(text)
        out.append((True, text[m.end() :]) if m and text[m.end() :] else (False, text))
    return out


def item_lines(value: Any) -> Markdown:
    """Multi-line analyst text inside a list item or sentence: each line kept (a hard line
    break), lines typed as bullets become a nested list; every line escaped, so still inert."""
    if isinstance(value, Markdown):
        return value
    if value is None or isinstance(value, Tbd) or not isinstance(value, str):
        return escape_inline(value)
    lines = _lines(value)
    if len(lines) <= 1:
        return escape_inline(lines[0][1] if lines else "")
    parts: list[str] = []
    for i, (bullet, text) in enumerate(lines):
        body = escape_inline(text)
        if bullet:
            parts.append(f"\n   - {body}")
        elif i == 0:
            parts.append(body)
        else:
            parts.append(("  \n   " if not lines[i - 1][0] else "\n\n   ") + body)
    return Markdown("".join(parts))


def blocks(value: Any) -> Markdown:
    """Multi-line analyst text as top-level Markdown blocks: paragraphs (blank lines in the
    cell separate them, single breaks stay line breaks) and bullet lines as a list. Inert."""
    if value is None or isinstance(value, Tbd):
        return Markdown(TBD_MARK)
    out: list[str] = []
    for para in re.split(r"\n[ \t]*\n", _CONTROL.sub("", str(value).replace("\r\n", "\n"))):
        lines = _lines(para)
        if not lines:
            continue
        chunk: list[str] = []
        for i, (bullet, text) in enumerate(lines):
            body = escape_inline(text)
            if bullet:
                chunk.append(("\n" if i and not lines[i - 1][0] else "") + f"- {body}\n")
            else:
                sep = "\n" if i and lines[i - 1][0] else ""
                nxt = i + 1 < len(lines) and not lines[i + 1][0]
                chunk.append(sep + body + ("  \n" if nxt else "\n"))
        out.append("".join(chunk).rstrip("\n"))
    return Markdown("\n\n".join(out))


def format_date(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return long_date(value)
    return TBD_MARK if value is None or isinstance(value, Tbd) else str(value)


def percent(value: Any) -> Markdown:
    """0.85 -> '85%'; TBD stays TBD."""
    if value is None or isinstance(value, Tbd):
        return Markdown(TBD_MARK)
    return Markdown(f"{float(value) * 100:.0f}%")


def owner_due(item: Any) -> Markdown:
    """' (owner: X, due 6 Feb 2026)' for an open item, escaped; empty when neither is known."""
    parts = []
    if item.owner:
        parts.append(f"owner: {escape_inline(item.owner)}")
    if item.due_date:
        parts.append(f"due {format_date(item.due_date)}")
    return Markdown(f" ({', '.join(parts)})" if parts else "")


def code_span(value: Any) -> Markdown:
    """Inline code whose fence is longer than any backtick run inside the text."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")


def _rendered(text: str) -> Markdown:
    """Output of one of our own macros: its values were escaped when the macro rendered them."""
    return Markdown(text)


def is_tbd(value: Any) -> bool:
    return value is None or isinstance(value, Tbd)


def _finalize(value: Any) -> Any:
    kind = type(value)
    if kind is Markdown:
        return value
    if kind is str:
        return _escape_str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return escape_inline(value)


def templates_dir() -> Path:
    """Templates ship inside the wheel (planforge/templates); in a source checkout, templates/."""
    packaged = Path(str(resources.files("planforge"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


_STATIC_INCLUDE = re.compile(r'\{% include "([^"]+)" %\}')


class _InliningLoader(jinja2.FileSystemLoader):
    """Loads templates with their static includes inlined at compile time.

    The plan stays split into one partial per section for its authors, but renders as one
    compiled template: an include creates a new context on every render, which cost half the
    rendering time. ``line_map`` keeps each inlined line's real file and line for error messages."""

    def __init__(self, searchpath: str):
        super().__init__(searchpath)
        self.line_map: dict[str, list[tuple[str, int]]] = {}

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        lines: list[tuple[str, int]] = []
        expanded = self._expand(environment, template, source, lines, depth=0)
        self.line_map[template] = lines
        return expanded, filename, uptodate

    def _expand(self, environment, name: str, source: str, lines: list, depth: int) -> str:
        if depth > 10:
            raise TemplateError(f"template {name}: includes nest too deep")
        out: list[str] = []
        for number, line in enumerate(source.split("\n"), start=1):
            match = _STATIC_INCLUDE.fullmatch(line.strip())
            if match:
                inner = super().get_source(environment, match.group(1))[0]
                out.append(self._expand(environment, match.group(1), inner.rstrip("\n"), lines, depth + 1))
            else:
                out.append(line)
                lines.append((name, number))
        return "\n".join(out)


@lru_cache(maxsize=4)
def environment(flavor: str = "md") -> jinja2.Environment:
    """The environment factory. ``md``: strict undefined, Markdown-escaping finalize, our filters.
    ``html`` (index and page shells): the same loader and filters with HTML autoescaping instead."""
    env = jinja2.Environment(
        loader=_InliningLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=flavor == "html",
        finalize=_finalize if flavor == "md" else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        md=escape_inline,
        item_lines=item_lines,
        md_lines=item_lines,
        blocks=blocks,
        cell=table_cell,
        date=format_date,
        percent=percent,
        owner_due=owner_due,
        code=code_span,
    )
    env.filters["rendered"] = _rendered
    env.tests["tbd"] = is_tbd
    env.globals["TBD"] = Markdown(TBD_MARK)
    return env


def render_template(name: str, **context: Any) -> str:
    """Render a template by name; ``.html.j2`` templates get the HTML flavour."""
    flavor = "html" if name.endswith(".html.j2") else "md"
    try:
        return environment(flavor).get_template(name).render(**context)
    except jinja2.TemplateError as e:
        where = _where(flavor, getattr(e, "name", None) or name, getattr(e, "lineno", None))
        raise TemplateError(f"template {where}: {e.message if hasattr(e, 'message') else e}") from e


def _where(flavor: str, name: str, lineno: int | None) -> str:
    """The real partial and line of an error inside an inlined template."""
    loader = environment(flavor).loader
    lines = loader.line_map.get(name, []) if isinstance(loader, _InliningLoader) else []
    if lineno and 0 < lineno <= len(lines):
        file, line = lines[lineno - 1]
        return f"{file}:{line}"
    return f"{name}:{lineno or '?'}"


def render_markdown(ctx: PlanContext) -> str:
    """One plan as Markdown. Normalises blank-line runs so the layout is stable."""
    text = render_template("plan/plan.md.j2", p=ctx, project=ctx.project)
    while "\n\n\n" in text:  # optional blocks may leave blank-line runs; str.replace beats a regex here
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def render_review(ctx: PlanContext | Review) -> str:
    """The team's review document of one plan (``<ID>-review.md``): completeness, every TBD with
    the sheet and column to fill, every assumption, default and catalog value used, and the
    coherence findings. Never sent to the client."""
    review = ctx.review if isinstance(ctx, PlanContext) else ctx
    text = render_template("review/review.md.j2", r=review)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"
