"""Checking a firm's templates folder, and exporting the shipped templates as its starting point.

``check_templates`` reports, each as ``file:line: message``:

- syntax errors (Jinja's parser);
- unknown variables (``jinja2.meta.find_undeclared_variables`` against what a document template
  receives, ``render.document_variables``) and unknown attributes: every ``Getattr`` chain that
  starts at a typed variable (``p``, ``project``, ``r``, and what ``set`` and ``for`` bind from
  them) is followed through the dataclass fields of ``PlanContext`` and its section dataclasses;
- attributes the sandbox refuses (``__class__``, ``__globals__``, ``mro``, ...), before anything runs;
- runtime errors of a trial render of every document kind for sample projects.

``refuse_broken`` is what ``generate`` runs before writing anything when a firm folder is given.
"""

from __future__ import annotations

import shutil
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import NoneType, UnionType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
)

from planforge.context.documents import BUILDERS
from planforge.context.plan import PlanContext, Review, build_context
from planforge.core.errors import TemplateError, UsageError, did_you_mean
from planforge.core.markdown import code_cell
from planforge.core.model import (
    Alert,
    DeploymentStep,
    Objective,
    OpenItem,
    PainPoint,
    Project,
    Risk,
    Settings,
    SuccessCriterion,
    SystemFacts,
    TeamMember,
    TestScenario,
    Workflow,
)
from planforge.core.names import MD
from planforge.render.environment import (
    KIND_FILE,
    RenderLimit,
    RenderOptions,
    TemplateOutsideFolder,
    _InliningLoader,
    available_kinds,
    bounded_render,
    document_kind,
    document_variables,
    environment,
    kind_template,
    locate_error,
    reload_templates,
    templates_dir,
)
from planforge.validation.validate import validate_files

#: The variables every document template receives (render.document_variables) and their types.
ROOTS: Mapping[str, Any] = {"p": PlanContext, "project": Project, "r": Review}
#: The companion kinds' own context ``d`` (render.document_variables), by kind.
DOCUMENT_ROOTS: Mapping[str, Any] = {kind: typing.get_type_hints(build)["return"] for kind, build in BUILDERS.items()}


def roots_for(name: str, templates: Path | None = None) -> dict[str, Any]:
    """The variables a template under ``<kind>/`` receives: ``ROOTS``, plus ``d`` for a kind with a
    companion context (a shipped kind, or a firm's folder whose ``kind.toml`` names one); a broken
    ``kind.toml`` is its own finding (``_kind_files``)."""
    try:
        context = document_kind(name.replace("\\", "/").split("/", 1)[0], templates).context
    except TemplateError:
        context = None
    roots = dict(ROOTS)
    if context is not None and context in DOCUMENT_ROOTS:
        roots["d"] = DOCUMENT_ROOTS[context]
    return roots


def _kind_files(folder: Path, kinds: Sequence[str]) -> set[TemplateIssue]:
    """Each firm kind's ``kind.toml`` that cannot be read or names no companion context."""
    found = set()
    for kind in kinds:
        try:
            document_kind(kind, folder)
        except TemplateOutsideFolder as e:
            found.add(TemplateIssue(e.link, 0, "outside-folder", e.detail))
        except TemplateError as e:
            found.add(TemplateIssue(str(folder / kind / KIND_FILE), 0, "syntax", str(e).split(": ", 1)[-1]))
    return found


#: Attribute names the sandbox never allows, whatever the object (besides any name starting with "_").
UNSAFE_NAMES = frozenset(
    {"mro"}
    | UNSAFE_FUNCTION_ATTRIBUTES
    | UNSAFE_METHOD_ATTRIBUTES
    | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES
    | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
)
#: The plan date of trial renders (fixed, so a check says the same thing every day).
TRIAL_DATE = date(2026, 1, 15)


@dataclass(frozen=True, slots=True, order=True)
class TemplateIssue:
    """One problem in a template: where (file as the user names it, line) and what.

    ``kind`` is one of ``syntax``, ``unknown-variable``, ``unknown-attribute``, ``sandbox``,
    ``runtime``, ``misplaced``, ``outside-folder`` (a link resolving outside the templates folder)."""

    file: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line or '?'}: {self.message}"


def check_templates(
    folder: Path,
    contexts: Sequence[PlanContext] | None = None,
    bounds: RenderOptions | None = None,
    *,
    every_limit: bool = True,
) -> list[TemplateIssue]:
    """Every problem of the firm's templates ``folder`` (in front of the shipped ones), sorted by file
    and line. ``contexts`` are the projects of the trial render (default: ``sample_contexts()``);
    ``bounds`` its time and size bounds per document (its ``templates`` is ignored). A kind past a
    bound is not rendered again for the next projects; without ``every_limit`` the trial stops at the
    first bound passed, so a template that runs away for every project costs one bound, not one per kind."""
    folder = Path(folder)
    if not folder.is_dir():
        return [TemplateIssue(str(folder), 0, "misplaced", "not a folder")]
    reload_templates()  # the folder may have changed since it was last compiled in this process
    base = bounds or RenderOptions()
    options = RenderOptions(templates=folder, timeout=base.timeout, max_size=base.max_size)
    env = environment(MD.name, options)
    loader = env.loader
    assert isinstance(loader, _InliningLoader)
    issues: set[TemplateIssue] = set()
    kinds = available_kinds(folder)
    bound: set[str] = set()
    covered: set[str] = set()  # firm files that some kind's main template inlines
    for kind in kinds:
        name = kind_template(kind)
        tree = _parse(env, loader, name, issues)
        covered |= {file for file, _ in loader.line_map.get(name, [])}
        if tree is not None:
            bound |= _check_tree(env, loader, name, tree, issues, allowed=frozenset())
    issues |= _links_outside(folder) | _kind_files(folder, kinds)
    for path in sorted(folder.rglob("*.j2")):
        relative = path.relative_to(folder).as_posix()
        shown = str(folder / relative)
        if shown in covered:
            continue
        if relative.split("/")[0] not in kinds:
            issues.add(
                TemplateIssue(
                    shown,
                    1,
                    "misplaced",
                    f"not inside a document kind folder (a folder <kind> holding <kind>.md.j2; kinds: {', '.join(kinds)}), so nothing uses it",
                )
            )
            continue
        tree = _parse(env, loader, relative, issues)
        if tree is not None:  # a partial included by name at render time: it sees its includer's names
            _check_tree(env, loader, relative, tree, issues, allowed=frozenset(bound))
    if not any(
        i.kind in ("syntax", "sandbox", "outside-folder") for i in issues
    ):  # never run what the sandbox would refuse
        placed = {(i.file, i.line) for i in issues}
        trial = _trial_render(env, kinds, sample_contexts() if contexts is None else contexts, options, every_limit)
        issues |= {i for i in trial if (i.file, i.line) not in placed}  # a static finding says it better
    return sorted(issues)


def _links_outside(folder: Path) -> set[TemplateIssue]:
    """Every link in ``folder`` (to a file or a folder) that resolves outside it: a template must be
    the firm's own file, never a way to read another one into a plan (``leak.md.j2 -> /etc/passwd``)."""
    root = folder.resolve()
    found = set()
    for path in folder.rglob("*"):  # links to folders are listed, not followed
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            found.add(
                TemplateIssue(
                    str(path), 0, "outside-folder", TemplateOutsideFolder(str(path), str(path.resolve())).detail
                )
            )
    return found


def refuse_broken(folder: Path | None, bounds: RenderOptions | None = None) -> None:
    """Raise ``UsageError`` (``templates=``) listing the problems of a firm folder, before ``generate``
    writes anything; the trial render uses the built-in projects (no file is read) within ``bounds``
    (the run's render bounds) and stops at the first bound passed."""
    if folder is None:
        return
    if not Path(folder).is_dir():
        raise UsageError(f"templates= {folder} is not a folder", parameter="templates")
    issues = check_templates(Path(folder), builtin_contexts(), bounds, every_limit=False)
    if issues:
        shown = "\n".join(f"  {issue}" for issue in issues[:20])
        more = f"\n  ... and {len(issues) - 20} more" if len(issues) > 20 else ""
        raise UsageError(
            f"templates= {folder} has {len(issues)} problem(s), so nothing was written "
            f"(planforge templates check {folder} lists them all):\n{shown}{more}",
            parameter="templates",
        )


def export_templates(dest: Path, force: bool = False) -> list[Path]:
    """Copy every shipped document kind folder into ``dest`` as a firm's starting point; refuse a
    non-empty ``dest`` unless ``force`` (then files of the same name are overwritten, others kept)."""
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} exists and is not a folder", parameter="dest")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise UsageError(f"{dest} is not empty; use --force to write into it anyway", parameter="dest")
    shipped = templates_dir()
    written = []
    for kind in available_kinds(None):
        for source in sorted((shipped / kind).rglob("*")):
            if source.is_file() and not source.name.startswith("."):
                target = dest / source.relative_to(shipped)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                written.append(target)
    return written


# --- parsing and the static checks ---


def _parse(
    env: jinja2.Environment, loader: _InliningLoader, name: str, issues: set[TemplateIssue]
) -> nodes.Template | None:
    try:
        source, filename, _ = loader.get_source(env, name)
        return env.parse(source, name, filename)
    except TemplateOutsideFolder as e:
        issues.add(TemplateIssue(e.link, 0, "outside-folder", e.detail))
    except jinja2.TemplateSyntaxError as e:
        file, line = loader.locate(name, e.lineno)
        issues.add(TemplateIssue(file, line or 0, "syntax", f"syntax error: {e.message}"))
    except jinja2.TemplateError as e:
        file, line = locate_error(env, e, name)
        issues.add(TemplateIssue(file, line or 0, "syntax", str(e.message or e)))
    return None


def _check_tree(
    env: jinja2.Environment,
    loader: _InliningLoader,
    name: str,
    tree: nodes.Template,
    issues: set[TemplateIssue],
    allowed: frozenset[str],
) -> set[str]:
    """Unknown variables, unknown attributes and sandbox-refused attributes of one parsed template;
    returns the names it binds (``set``, ``for``, macros, imports)."""
    roots = roots_for(name, loader.firm)
    known = set(roots) | set(env.globals) | allowed
    walker = _Walker(lambda lineno, kind, message: issues.add(TemplateIssue(*_at(loader, name, lineno), kind, message)))
    walker.statements(tree.body, roots)
    for variable in sorted(meta.find_undeclared_variables(tree) - known):
        lineno = min((n.lineno for n in tree.find_all(nodes.Name) if n.name == variable), default=0)
        hint = did_you_mean(variable, sorted(known))
        issues.add(
            TemplateIssue(*_at(loader, name, lineno), "unknown-variable", f"unknown variable {variable!r}{hint}")
        )
    return walker.bound


def _at(loader: _InliningLoader, name: str, lineno: int | None) -> tuple[str, int]:
    file, line = loader.locate(name, lineno)
    return file, line or 0


class _Walker:
    """Follows the types of expressions through a template's AST. A scope maps names to a type hint
    (None: not known, so not checked); ``for`` bodies and macros get a copy, ``set`` at any other
    level binds in the current scope, as Jinja does."""

    def __init__(self, report: typing.Callable[[int, str, str], None]):
        self.report = report
        self.bound: set[str] = set()

    def statements(self, body: Sequence[nodes.Node], scope: dict[str, Any]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.Assign):
            value = self.expr(node.node, scope)
            self._bind(node.target, value, scope)
        elif isinstance(node, nodes.For):
            element = _element(self.expr(node.iter, scope))
            inner = dict(scope)
            self._bind(node.target, element, inner)
            inner["loop"] = None
            if node.test is not None:
                self.expr(node.test, inner)
            self.statements(node.body, inner)
            self.statements(node.else_, scope)
        elif isinstance(node, (nodes.Macro, nodes.CallBlock)):
            inner = dict(scope)
            for arg in node.args:
                inner[arg.name] = None
            for default in node.defaults:
                self.expr(default, scope)
            inner.update(caller=None, varargs=None, kwargs=None)
            if isinstance(node, nodes.Macro):
                self.bound.add(node.name)
                scope[node.name] = None
            else:
                self.expr(node.call, scope)
            self.statements(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            for target, value in zip(node.targets, node.values):
                self._bind(target, self.expr(value, scope), inner)
            self.statements(node.body, inner)
        elif isinstance(node, nodes.Import):
            self.bound.add(node.target)
            scope[node.target] = None
        elif isinstance(node, nodes.FromImport):
            for item in node.names:
                alias = item[1] if isinstance(item, tuple) else item
                self.bound.add(alias)
                scope[alias] = None
        else:
            for child in node.iter_child_nodes():
                if isinstance(child, nodes.Expr):
                    self.expr(child, scope)
                else:
                    self.statement(child, scope)

    def _bind(self, target: nodes.Node, value: Any, scope: dict[str, Any]) -> None:
        for name in target.find_all(nodes.Name) if not isinstance(target, nodes.Name) else [target]:
            self.bound.add(name.name)
            scope[name.name] = value if isinstance(target, nodes.Name) else None

    def expr(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        """The type hint of ``node`` (None when not known), reporting bad attributes on the way."""
        if isinstance(node, nodes.Name):
            return scope.get(node.name)
        if isinstance(node, nodes.Getattr):
            owner = self.expr(node.node, scope)
            return self._attribute(node, owner, node.attr)
        if isinstance(node, nodes.Getitem):
            owner = self.expr(node.node, scope)
            self.expr(node.arg, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                self._unsafe(node, node.arg.value)
                return None
            return _element(owner) if isinstance(node.arg, nodes.Const) else None
        if isinstance(node, nodes.Filter) and node.name == "attr":
            for arg in node.args:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    self._unsafe(node, arg.value)
        for child in node.iter_child_nodes():
            self.expr(child, scope)
        return None

    def _unsafe(self, node: nodes.Node, attr: str) -> bool:
        if attr.startswith("_") or attr in UNSAFE_NAMES:
            self.report(node.lineno, "sandbox", f"the sandbox does not allow the attribute {attr!r}")
            return True
        return False

    def _attribute(self, node: nodes.Getattr, owner: Any, attr: str) -> Any:
        if self._unsafe(node, attr) or owner is None:
            return None
        found, result = _attribute_type(owner, attr)
        if not found:
            offered = sorted(_public_names(owner))
            self.report(
                node.lineno,
                "unknown-attribute",
                f"{_dotted(node)}: {_type_name(owner)} has no attribute {attr!r}{did_you_mean(attr, offered)}",
            )
        return result


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    return "(...)"


def _members(hint: Any) -> list[Any]:
    """The types a hint allows, None left out (``X | None`` -> [X])."""
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        return [m for m in typing.get_args(hint) if m is not NoneType]
    return [hint]


def _type_name(hint: Any) -> str:
    return " | ".join(getattr(m, "__name__", str(m)) for m in _members(hint))


@lru_cache(maxsize=256)
def _hints(cls: type) -> Mapping[str, Any]:
    return typing.get_type_hints(cls)


def _public_names(hint: Any) -> set[str]:
    names: set[str] = set()
    for member in _members(hint):
        if isinstance(member, type):
            names |= {n for n in dir(member) if not n.startswith("_")}
            if is_dataclass(member):
                names |= {f.name for f in fields(member)}
    return names


def _attribute_type(hint: Any, attr: str) -> tuple[bool, Any]:
    """(whether ``attr`` exists on some type the hint allows, its type hint or None). Types we cannot
    reason about (Any, mappings: Jinja reads their keys as attributes) accept every attribute."""
    found: list[Any] = []
    for member in _members(hint):
        origin = typing.get_origin(member) or member
        if not isinstance(origin, type) or issubclass(origin, Mapping):
            return True, None
        if is_dataclass(origin) and attr in {f.name for f in fields(origin)}:
            found.append(_hints(origin).get(attr))
        elif hasattr(origin, attr):
            prop = getattr(origin, attr, None)
            found.append(typing.get_type_hints(prop.fget).get("return") if isinstance(prop, property) else None)
    if not found:
        return False, None
    return True, found[0] if len(found) == 1 else None


def _element(hint: Any) -> Any:
    """The element type of a tuple[X, ...] / list[X] / Sequence[X]; None otherwise."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (tuple, list, Sequence) and args and (origin is not tuple or (len(args) == 2 and args[1] is ...)):
        return args[0]
    return None


# --- the trial render ---


def _trial_render(
    env: jinja2.Environment,
    kinds: Sequence[str],
    contexts: Sequence[PlanContext],
    options: RenderOptions,
    every_limit: bool = True,
) -> set[TemplateIssue]:
    """Render every kind for every context within ``options``' bounds: a failure is a located finding
    (``limit`` for a bound, ``runtime`` otherwise), never a hang. A kind past a bound is not rendered
    for the next contexts (the bound would cost its time again); without ``every_limit`` the trial
    ends at the first bound passed."""
    found: set[TemplateIssue] = set()
    for kind in kinds:
        name = kind_template(kind)
        for ctx in contexts:
            try:
                bounded_render(
                    env.get_template(name), options, document_variables(ctx, document_kind(kind, options.templates))
                )
            except RenderLimit as e:
                file, line = locate_error(env, e, name)
                found.add(TemplateIssue(file, line or 0, "limit", f"{e.detail} (rendering {ctx.project.project_id})"))
                if not every_limit:
                    return _first_per_place(found)
                break
            except Exception as e:  # any failure of a firm template is a finding, located
                file, line = locate_error(env, e, name)
                text = e.message if isinstance(e, jinja2.TemplateError) and e.message else f"{type(e).__name__}: {e}"
                found.add(TemplateIssue(file, line or 0, "runtime", f"{text} (rendering {ctx.project.project_id})"))
    return _first_per_place(found)


def _first_per_place(found: set[TemplateIssue]) -> set[TemplateIssue]:
    """One runtime issue per file, line and message, whichever project showed it first (sorted)."""
    seen: dict[tuple[str, int, str], TemplateIssue] = {}
    for issue in sorted(found):
        key = (issue.file, issue.line, issue.message.rsplit(" (rendering ", 1)[0])
        seen.setdefault(key, issue)
    return set(seen.values())


def default_sample() -> Path | None:
    """The sample intake: packaged with planforge when it is, else the source checkout's samples/."""
    for candidate in (
        Path(str(resources.files("planforge"))) / "samples" / "intake-sample.xlsx",
        Path(__file__).resolve().parents[3] / "samples" / "intake-sample.xlsx",
    ):
        if candidate.is_file():
            return candidate
    return None


def sample_contexts(sample: Path | None = None) -> list[PlanContext]:
    """Plan contexts of the trial render: the projects of ``sample`` (default: ``default_sample()``),
    plus the built-in projects (one full, one nearly blank), so both filled and [TBD] paths run."""
    path = sample or default_sample()
    contexts = builtin_contexts()
    if path is not None:
        portfolio = validate_files([path], as_of=TRIAL_DATE).portfolio
        contexts += [build_context(p, portfolio.settings_for(p), TRIAL_DATE) for p in portfolio.projects]
    return contexts


def builtin_contexts() -> list[PlanContext]:
    """Two small projects built in code: every child sheet filled, and only the required cells."""
    full = Project(
        file="built-in",
        row=2,
        project_id="DEMO-001",
        project_name="Order to invoice sync",
        client_name="Demo Outfitters",
        system_a="Shopify",
        system_b="QuickBooks Online",
        confidence=0.8,
        kickoff_date=date(2026, 2, 2),
        lead_engineer="Priya Shah",
        project_manager="Tom Reed",
        data_volume="1,200 orders a day",
        budget=Decimal(24000),
        data_migration=True,
        migration_scope="Two years of invoices",
        deployment_window="Saturday 06:00-10:00",
        pain_points=[PainPoint(2, "Invoices keyed by hand", 12.0)],
        objectives=[Objective(2, "Post every paid order as an invoice", "No manual entry")],
        workflows=[Workflow(2, "Create invoice for each paid order", "Real-time", "3.1")],
        systems=[SystemFacts(2, "Shopify", "2 requests per second", "Yes")],
        risks=[Risk(2, "Tax rounding drift", "Medium", "High", "Reconcile daily", "Priya Shah")],
        alerts=[Alert(2, "Sync failures", "3 in 10 minutes", "High", "15 minutes")],
        team=[TeamMember(2, "Lead Engineer", "Priya Shah", "Build and deploy", 0.5)],
        test_scenarios=[TestScenario(2, "Refund after invoice", "Edge Case")],
        open_items=[
            OpenItem(2, "Which tax codes apply?", "Question", "Tom Reed", date(2026, 2, 10)),
            OpenItem(3, "Sandbox access", "Blocker", "Client IT"),
            OpenItem(4, "Prices include tax", "Assumption"),
        ],
        success_criteria=[SuccessCriterion(2, "99.5% of orders posted within 5 minutes")],
        deployment_steps=[DeploymentStep(2, "Enable the order webhook", "Priya Shah")],
    )
    bare = Project(
        file="built-in",
        row=3,
        project_id="DEMO-002",
        project_name="Stock sync",
        client_name="Blank Co",
        system_a="Square POS",
        system_b="Shopify",
    )
    return [build_context(p, Settings(), TRIAL_DATE) for p in (full, bare)]


# --- the reference of what templates receive (docs/templates.md) ---


def context_reference() -> str:
    """Markdown: the variables every document template receives and, for each dataclass reachable
    from them, its fields and their types (generated from the dataclasses, so it cannot drift)."""
    out = ["| Variable | Type |", "|---|---|"]
    out += [f"| `{name}` | {_cell(hint)} |" for name, hint in ROOTS.items()]
    queue: list[type] = list(ROOTS.values())
    seen: set[type] = set()
    while queue:
        cls = queue.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        # Whitespace is collapsed so the text is the same on every Python: 3.13 dedents docstrings.
        doc = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        out += ["", f"### {cls.__name__}", ""]
        if doc and not doc.startswith(f"{cls.__name__}("):
            out += [doc, ""]
        out += ["| Field | Type |", "|---|---|"]
        hints = _hints(cls)
        for f in fields(cls):
            out.append(f"| `{f.name}` | {_cell(hints[f.name])} |")
            queue += [t for t in _dataclasses_in(hints[f.name]) if t not in seen]
        for name in sorted(n for n, v in vars(cls).items() if isinstance(v, property) and not n.startswith("_")):
            result = typing.get_type_hints(vars(cls)[name].fget).get("return")
            out.append(f"| `{name}` (derived) | {_cell(result)} |")
            queue += [t for t in _dataclasses_in(result) if t not in seen]
    return "\n".join(out) + "\n"


def _cell(hint: Any) -> str:
    """A type as a table cell: code, with the union bar escaped so it does not split the cell."""
    return code_cell(_hint_text(hint))


def _dataclasses_in(hint: Any) -> list[type]:
    found = []
    for member in _members(hint):
        if isinstance(member, type) and is_dataclass(member):
            found.append(member)
        for arg in typing.get_args(member):
            found += _dataclasses_in(arg)
    return found


def _hint_text(hint: Any) -> str:
    if hint is None or hint is NoneType:
        return "None"
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        return " | ".join(_hint_text(a) for a in typing.get_args(hint))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is not None:
        inner = ", ".join("..." if a is ... else _hint_text(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return getattr(hint, "__name__", str(hint))
