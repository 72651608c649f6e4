"""The one Jinja environment, its filters, and rendering of plans to Markdown.

Cell text is data: every ``{{ value }}`` is escaped for Markdown by the environment's
``finalize`` hook unless a filter already produced ``Markdown`` (our own, trusted markup), so
a template cannot forget to escape. Values are passed as data and never compiled as templates.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import tomllib
import traceback
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from planforge.context.compose import count_word
from planforge.context.documents import BUILDERS, DocHeader, companion_context
from planforge.context.plan import PlanContext, Review
from planforge.core import markdown
from planforge.core.errors import RenderLimit, TemplateError
from planforge.core.markdown import escape_text, needs_escaping, strip_control
from planforge.core.money import DEFAULT_LOCALE, format_percent
from planforge.core.names import HTML, MD, DocumentKind, shipped_kind
from planforge.derive.completeness import Tbd
from planforge.derive.rules import long_date
from planforge.render.limits import (
    DEFAULT_MAX_SIZE,
    DEFAULT_TIMEOUT,
    bounded,
    bounded_join,
    check_arguments,
    check_binop,
    check_bounds,
    is_text_method,
)

__all__ = ["RenderLimit", "RenderOptions", "TemplateOutsideFolder", "environment", "render_document", "render_markdown"]

TBD_MARK = "[TBD]"


class Markdown(str):
    """Text already safe to place in Markdown: produced by a filter, not by an analyst."""


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
    if not needs_escaping(text):
        return Markdown(text)  # the common case: nothing to escape
    return _escape_any(text)


def _escape_any(text: Any) -> Markdown:
    if text is None or isinstance(text, Tbd):
        return Markdown(TBD_MARK)
    if isinstance(text, (date, datetime)):
        return Markdown(format_date(text))
    return Markdown(escape_text(str(text)))


def table_cell(value: Any) -> Markdown:
    """Escape for a GFM table cell: pipes escaped, line breaks kept as <br>."""
    if type(value) is str:
        return _table_cell_str(value)
    if isinstance(value, Markdown):
        return value
    return _table_cell(value)


@lru_cache(maxsize=1 << 16)
def _table_cell_str(text: str) -> Markdown:
    """Table cells of plain text, memoised: levels, owners and default rows repeat across plans."""
    return _table_cell(text)


def _table_cell(value: Any) -> Markdown:
    if value is None or isinstance(value, Tbd):
        return Markdown(TBD_MARK)
    lines = [escape_inline(line) for line in strip_control(str(value)).splitlines() if line.strip()]
    return Markdown("<br>".join(lines) if lines else "")


_BULLET = re.compile(r"[-*\u2022\u00b7\u2013]\s+")  # a numbered line ("1. one") stays a line: its number is text


def _lines(value: Any) -> list[tuple[bool, str]]:
    """Analyst text split into (is_bullet, text) lines; blank lines dropped."""
    out = []
    for line in strip_control(str(value)).splitlines():
        text = line.strip()
        if not text:
            continue
        m = _BULLET.match(text)
        out.append((True, text[m.end() :]) if m and text[m.end() :] else (False, text))
    return out


def item_lines(value: Any) -> Markdown:
    """Multi-line analyst text inside a list item or sentence: each line kept (a hard line
    break), lines typed as bullets become a nested list; every line escaped, so still inert."""
    if type(value) is str:
        return _item_lines_str(value)
    if isinstance(value, Markdown):
        return value
    if value is None or isinstance(value, Tbd) or not isinstance(value, str):
        return escape_inline(value)
    return _item_lines_str(str(value))


@lru_cache(maxsize=1 << 16)
def _item_lines_str(value: str) -> Markdown:
    """``item_lines`` of plain text, memoised (workflow names, steps and scenarios repeat)."""
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
    for para in re.split(r"\n[ \t]*\n", strip_control(str(value).replace("\r\n", "\n"))):
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


def percent(value: Any, locale: str = DEFAULT_LOCALE) -> Markdown:
    """0.85 -> '85%' (de_DE: 0.855 -> '85,5%': the plan's ``locale``, passed by the template); TBD stays TBD."""
    if value is None or isinstance(value, Tbd):
        return Markdown(TBD_MARK)
    return Markdown(format_percent(float(value), str(locale)))


def owner_due(item: Any) -> Markdown:
    """' (owner: X, due 6 Feb 2026)' for an open item, escaped; empty when neither is known. An item
    about named workflows (``about``) leads with them: ' (workflow: W; owner: X)'."""
    parts = []
    if item.owner:
        parts.append(f"owner: {escape_inline(item.owner)}")
    if item.due_date:
        parts.append(f"due {format_date(item.due_date)}")
    about = getattr(item, "about", "")
    lead = [f"workflow{'s' if ', ' in about else ''}: {escape_inline(about)}"] if about else []
    text = "; ".join([*lead, ", ".join(parts)] if parts else lead)
    return Markdown(f" ({text})" if text else "")


def code_span(value: Any) -> Markdown:
    """Inline code whose fence is longer than any backtick run inside the text."""
    return Markdown(markdown.code_span(str(value)))


def _rendered(text: str) -> Markdown:
    """Output of one of our own macros: its values were escaped when the macro rendered them."""
    return Markdown(text)


def is_tbd(value: Any) -> bool:
    return value is None or isinstance(value, Tbd)


def _finalize(value: Any) -> str:
    """Every ``{{ value }}`` of a Markdown template, escaped (Jinja's public ``finalize`` hook): plain
    text as a plain ``str``, which the compiled template's ``str()`` hands back without a copy."""
    kind = type(value)
    if kind is str:
        return _finalize_str(value)
    if kind is Markdown:
        return cast(Markdown, value)
    if kind is int or kind is float:
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return escape_inline(value)


@lru_cache(maxsize=1 << 16)
def _finalize_str(text: str) -> str:
    return str(_escape_str(text))


def templates_dir() -> Path:
    """Templates ship inside the wheel (planforge/templates); in a source checkout, templates/."""
    packaged = Path(str(resources.files("planforge"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How documents are rendered (immutable, so it keys the environment cache).

    ``templates``: the firm's templates folder, searched before the shipped templates: a file with the
    same relative name (``plan/05-risks.md.j2``) replaces the shipped one, and a new folder
    ``<kind>/<kind>.md.j2`` adds a document kind. None: the shipped templates only."""

    templates: Path | None = None
    #: Bounds on rendering one document (``render.limits``): seconds, and characters of output
    #: (``UsageError`` unless positive, see ``check_bounds``).
    timeout: float = DEFAULT_TIMEOUT
    max_size: int = DEFAULT_MAX_SIZE

    def __post_init__(self) -> None:
        check_bounds(self.timeout, self.max_size)


#: A document kind names a folder: lower-case letters, digits and hyphens (never a path).
KIND_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def kind_template(kind: str) -> str:
    """``plan`` -> ``plan/plan.md.j2``: the one template a document kind starts from."""
    if not isinstance(kind, str) or not KIND_NAME.fullmatch(kind):
        raise TemplateError(f"{kind!r} is not a document kind name (lower-case letters, digits and hyphens)")
    return f"{kind}/{kind}.md.j2"


def search_path(templates: Path | None) -> tuple[Path, ...]:
    """Where templates are looked up, first match wins: the firm's folder, then the shipped templates."""
    return (Path(templates), templates_dir()) if templates is not None else (templates_dir(),)


def available_kinds(templates: Path | None = None) -> tuple[str, ...]:
    """Every document kind the search path offers (a folder ``<kind>`` holding ``<kind>.md.j2``), sorted."""
    found: set[str] = set()
    for root in search_path(templates):
        if not root.is_dir():
            continue
        for child in root.iterdir():
            if KIND_NAME.fullmatch(child.name) and (child / f"{child.name}.md.j2").is_file():
                found.add(child.name)
    return tuple(sorted(found))


#: A kind folder's declaration: which companion context its templates receive, and its title.
KIND_FILE = "kind.toml"


def document_kind(name: str, templates: Path | None = None) -> DocumentKind:
    """The kind called ``name``: a shipped one (``names.KINDS_BY_NAME``), else a firm's own folder
    in ``templates``. A firm's folder receives the companion context its ``kind.toml`` names
    (``context = "<shipped kind>"``, copied along with a shipped folder) and is titled by its
    ``title``, else by its name as words (``handover`` -> Handover); no ``kind.toml``: ``p`` only."""
    shipped = shipped_kind(name)
    if shipped is not None:
        return shipped
    title = name.replace("-", " ").replace("_", " ").title()
    if templates is None or not os.path.lexists(Path(templates) / name / KIND_FILE):
        return DocumentKind(name, title)
    declared = _kind_file(Path(templates), name)
    return DocumentKind(name, declared.get("title", title), declared.get("context"))


def _kind_file(root: Path, name: str) -> dict[str, str]:
    """``<root>/<name>/kind.toml`` read and checked; a link out of ``root`` is refused like a template."""
    path = root / name / KIND_FILE
    shown = str(path)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        raise TemplateOutsideFolder(shown, os.path.realpath(path))
    try:
        declared = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise TemplateError(f"{shown}: not a readable kind file: {e}") from e
    contexts = sorted(k for k in BUILDERS)
    unknown = sorted(set(declared) - {"context", "title"})
    if unknown:
        raise TemplateError(f"{shown}: unknown key(s) {', '.join(unknown)}; a kind file names context and title")
    if not all(isinstance(v, str) for v in declared.values()):
        raise TemplateError(f"{shown}: context and title are text (in double quotes)")
    if "context" in declared and declared["context"] not in contexts:
        raise TemplateError(
            f"{shown}: context {declared['context']!r} is not a companion context; choose from {', '.join(contexts)}"
        )
    return declared


_STATIC_INCLUDE = re.compile(r'\{% include "([^"]+)" %\}')


class TemplateOutsideFolder(TemplateError):
    """A template file reached through a link that resolves outside its templates folder."""

    def __init__(self, link: str, target: str):
        self.link = link
        self.detail = f"a link to {target}, outside the templates folder; templates must be files inside it"
        super().__init__(f"{link}: {self.detail}")


class _InliningLoader(jinja2.FileSystemLoader):
    """Loads templates with their static includes inlined at compile time, from a search path.

    The plan stays split into one partial per section for its authors, but renders as one
    compiled template: an include creates a new context on every render, which cost half the
    rendering time. Each partial is looked up along the whole search path, so a firm's
    ``plan/05-risks.md.j2`` replaces the shipped one inside the shipped ``plan.md.j2``.
    ``line_map`` keeps each inlined line's real file and line for error messages: files from the
    firm's folder (``firm``) are named by their path, shipped files by their template name."""

    def __init__(self, searchpath: str | list[str], firm: Path | None = None):
        super().__init__(searchpath)
        self.firm = firm
        self._firm_root = os.path.abspath(firm) if firm is not None else None
        self.line_map: dict[str, list[tuple[str, int]]] = {}
        self.names: dict[str, str] = {}  # compiled file name -> template name (for runtime errors)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        self.confine(template)
        source, filename, uptodate = super().get_source(environment, template)
        lines: list[tuple[str, int]] = []
        parts: list[tuple[Any, str]] = [(uptodate, template)]
        expanded = self._expand(environment, template, source, self.display(template, filename), lines, parts, 0)
        self.line_map[template] = lines
        self.names[filename] = template

        def all_uptodate() -> bool:
            return all(check() for check, _ in parts if check is not None)

        return expanded, filename, all_uptodate

    def confine(self, template: str) -> None:
        """Refuse a template whose file, or a folder on its way, is a link resolving outside the
        templates folder it was found in (``plan/leak.md.j2 -> /etc/passwd``), before it is read.
        ``..`` and absolute names never leave a folder: ``split_template_path`` refuses or strips them."""
        pieces = jinja2.loaders.split_template_path(template)
        for root in self.searchpath:
            filename = posixpath.join(root, *pieces)
            if os.path.isfile(filename):
                real_root = os.path.realpath(root)
                if os.path.commonpath([real_root, os.path.realpath(filename)]) != real_root:
                    raise TemplateOutsideFolder(self.display(template, filename), os.path.realpath(filename))
                return

    def display(self, name: str, filename: str) -> str:
        if self.firm is not None and filename and os.path.abspath(filename).startswith(f"{self._firm_root}{os.sep}"):
            return str(self.firm / name)
        return name

    def _expand(
        self,
        environment: jinja2.Environment,
        name: str,
        source: str,
        shown: str,
        lines: list[tuple[str, int]],
        parts: list[tuple[Any, str]],
        depth: int,
    ) -> str:
        if depth > 10:
            raise TemplateError(f"{shown}: includes nest too deep")
        out: list[str] = []
        for number, line in enumerate(source.split("\n"), start=1):
            match = _STATIC_INCLUDE.fullmatch(line.strip())
            if match:
                self.confine(match.group(1))
                inner, filename, uptodate = super().get_source(environment, match.group(1))
                parts.append((uptodate, match.group(1)))
                shown_inner = self.display(match.group(1), filename)
                out.append(
                    self._expand(environment, match.group(1), inner.rstrip("\n"), shown_inner, lines, parts, depth + 1)
                )
            else:
                out.append(line)
                lines.append((shown, number))
        return "\n".join(out)

    def locate(self, name: str | None, lineno: int | None) -> tuple[str, int | None]:
        """The real file and line of line ``lineno`` of the (inlined) template ``name``."""
        lines = self.line_map.get(name or "", [])
        if lineno and 0 < lineno <= len(lines):
            return lines[lineno - 1]
        return self.display(name or "?", ""), lineno


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, stricter in one way: reaching for an unsafe attribute
    (``__class__``, ``__globals__``, ``mro``, ...) raises at once instead of yielding an undefined
    value that a ``is defined`` test could quietly swallow."""

    #: Operators whose operands ``call_binop`` sees first, so a result over the size bound is never built.
    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, *args: Any, max_size: int = DEFAULT_MAX_SIZE, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plain_attributes = _PlainAttributes()
        self.max_size = max_size

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """The sandbox's documented hook for intercepted operators: ``'x' * 10**9`` is refused, not built."""
        check_binop(operator, left, right, self.max_size)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call of a template: a string method given a width over the size bound
        (``'x'.ljust(10**9)``, ``'{:>999999999}'.format(x)``) is refused before the call; the sandbox
        then checks the callable as before."""
        if is_text_method(__obj):
            check_arguments((__obj.__self__, *args), kwargs, __self.max_size)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """A public field of one of our dataclasses, or a property of a ``loop``, is plain data, so the
        sandbox's answer for it is always "safe": skip its checks (they doubled the render time) and
        ask it about everything else. (``getattr`` is the sandbox's documented override point.)"""
        if attribute in self.plain_attributes[type(obj)]:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__} value is not allowed")


class _PlainAttributes(dict[type, frozenset[str]]):
    """type -> the attribute names whose reading the sandbox would always allow on it, filled on first use."""

    def __missing__(self, cls: type) -> frozenset[str]:
        names = self[cls] = _plain_attributes(cls)
        return names


def _plain_attributes(cls: type) -> frozenset[str]:
    """The public fields of a dataclass that is not itself a container, and the properties of Jinja's
    loop object: reading one cannot reach internals or change anything. Empty for every other type."""
    if cls is LoopContext:
        return frozenset(n for n, v in vars(LoopContext).items() if isinstance(v, property) and n[0] != "_")
    if not dataclasses.is_dataclass(cls) or issubclass(cls, (Mapping, Sequence, Set, type)):
        return frozenset()
    return frozenset(f.name for f in dataclasses.fields(cls) if not f.name.startswith("_"))


@lru_cache(maxsize=16)
def environment(flavor: str = MD.name, options: RenderOptions | None = None) -> jinja2.Environment:
    """The environment factory, one environment per (flavour, options): every template, shipped or
    the firm's, runs in the sandbox with strict undefined variables.

    ``md``: Markdown-escaping finalize and our filters. ``html`` (index and page shells): the same
    loader and filters with HTML autoescaping instead. Compiled templates are kept until
    ``reload_templates()``, which every run with a firm folder calls first."""
    firm = options.templates if options is not None else None
    env = _Sandbox(
        max_size=options.max_size if options is not None else DEFAULT_MAX_SIZE,
        loader=_InliningLoader([str(p) for p in search_path(firm)], firm=Path(firm) if firm is not None else None),
        undefined=jinja2.StrictUndefined,
        autoescape=flavor == HTML.name,
        finalize=_finalize if flavor == MD.name else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # checking ~20 files' times per plan doubled the render cost; see reload_templates
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
        count_word=count_word,
    )
    for name in ("center", "indent"):  # Jinja's filters that pad to a width
        env.filters[name] = bounded(env.filters[name], env.max_size, skip=1)
    env.filters["format"] = bounded(env.filters["format"], env.max_size, counts=False)
    env.globals["lipsum"] = bounded(jinja2.utils.generate_lorem_ipsum, env.max_size)
    env.filters["rendered"] = _rendered
    env.tests["tbd"] = is_tbd
    env.globals["TBD"] = Markdown(TBD_MARK)
    return env


def reload_templates() -> None:
    """Forget every compiled template, so the next render reads the firm's folder again (its files may
    have changed since): ``generate`` with a firm folder and ``templates check`` call this first."""
    environment.cache_clear()


def render_template(name: str, /, options: RenderOptions | None = None, **context: Any) -> str:
    """Render a template by name; ``.html.j2`` templates get the HTML flavour. Any failure, the
    sandbox's refusals included, becomes a ``TemplateError`` reading ``file:line: message``."""
    env = environment(HTML.name if name.endswith(".html.j2") else MD.name, options)
    try:
        return bounded_render(env.get_template(name), options or RenderOptions(), context)
    except jinja2.TemplateNotFound as e:
        if e.name != name:
            file, line = locate_error(env, e, name)
            raise TemplateError(f"{file}:{line or '?'}: no template {e.name!r} in the search path") from e
        kinds = ", ".join(available_kinds(options.templates if options is not None else None))
        raise TemplateError(f"no template {name} in the search path (document kinds available: {kinds})") from e
    except TemplateOutsideFolder:
        raise  # already names the link
    except RenderLimit as e:
        file, line = locate_error(env, e, name)
        if line is None and isinstance(env.loader, _InliningLoader):  # the size bound: the document, no line
            file = env.loader.display(name, env.get_template(name).filename or "")
        raise RenderLimit(f"{file}:{line or '?'}: {e.detail}") from e
    except Exception as e:  # a template's runtime failure (a filter given the wrong type, 1/0) included
        file, line = locate_error(env, e, name)
        raise TemplateError(f"{file}:{line or '?'}: {_message(e)}") from e


def bounded_render(template: jinja2.Template, options: RenderOptions, context: Mapping[str, Any]) -> str:
    """``template`` rendered within ``options.timeout`` seconds and ``options.max_size`` characters,
    else ``RenderLimit`` (``limits.bounded_join``: a timer stops even a loop that calls nothing)."""
    return bounded_join(template.generate(**context), options.max_size, options.timeout)


def locate_error(env: jinja2.Environment, error: BaseException, name: str) -> tuple[str, int | None]:
    """The real file and line of a Jinja error: a syntax error carries its line; a runtime error's
    line is that of the innermost template frame of its traceback (Jinja rewrites those frames to
    template lines). Lines of inlined partials map back to the partial through the loader."""
    loader = env.loader
    lineno = getattr(error, "lineno", None)
    where = getattr(error, "name", None) or name
    if lineno is None:
        for frame, line in traceback.walk_tb(error.__traceback__):
            filename = frame.f_code.co_filename
            if isinstance(loader, _InliningLoader) and filename in loader.names:
                where, lineno = loader.names[filename], line
    if isinstance(loader, _InliningLoader):
        return loader.locate(where, lineno)
    return where, lineno


def _message(error: BaseException) -> str:
    if isinstance(error, jinja2.TemplateError):
        return error.message or type(error).__name__
    return f"{type(error).__name__}: {error}"


def _normalised(text: str) -> str:
    """Optional blocks may leave blank-line runs; str.replace beats a regex here."""
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def document_variables(ctx: PlanContext, kind: DocumentKind | str = "plan") -> dict[str, Any]:
    """What every document template receives: ``p`` (the PlanContext), ``project`` (``p.project``,
    the validated intake row with its child rows) and ``r`` (``p.review``, the team's review); a
    kind with a companion context (``DocumentKind.context``) also gets ``d``, its own typed context
    (``context.documents.BUILDERS``), built from ``p`` so every figure has one source."""
    variables: dict[str, Any] = {"p": ctx, "project": ctx.project, "r": ctx.review}
    d = companion_context(ctx, kind if isinstance(kind, DocumentKind) else document_kind(kind))
    if d is not None:
        variables["d"] = d
    return variables


def render_document(kind: str, ctx: PlanContext, options: RenderOptions | None = None, **extra: Any) -> str:
    """One document of one project as Markdown: ``<kind>/<kind>.md.j2`` from the search path of
    ``options`` (the firm's folder first, then the shipped templates), with ``document_variables``
    and any ``extra`` variables. A kind with no template is a ``TemplateError`` listing the kinds."""
    try:
        variables = document_variables(ctx, document_kind(kind, options.templates if options is not None else None))
        d: Any = variables.get("d")
        heading = getattr(d, "header", None)
        if isinstance(heading, DocHeader) and heading.draft:
            # a draft explains the [TBD] mark only where the document prints one
            trial = dict(variables, d=dataclasses.replace(d, header=dataclasses.replace(heading, holds_tbd=False)))
            text = _normalised(render_template(kind_template(kind), options, **trial, **extra))
            if TBD_MARK not in text:
                return text
        return _normalised(render_template(kind_template(kind), options, **variables, **extra))
    except RenderLimit as e:
        raise RenderLimit(f"{e.detail} (rendering {ctx.project.project_id})") from e


def render_markdown(ctx: PlanContext, options: RenderOptions | None = None) -> str:
    """One implementation plan as Markdown (the ``plan`` kind)."""
    return render_document("plan", ctx, options)


def render_review(ctx: PlanContext | Review, options: RenderOptions | None = None) -> str:
    """The team's review document of one plan (``<ID>-review.md``): completeness, every TBD with
    the sheet and column to fill, every assumption, default and catalog value used, and the
    coherence findings. Never sent to the client."""
    if isinstance(ctx, PlanContext):
        return render_document("review", ctx, options)
    return _normalised(render_template(kind_template("review"), options, r=ctx))
