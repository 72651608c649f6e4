"""The layout holds: imports point down the pipeline (no cycle), imports sit at module level
(except the documented optional heavy dependencies), and no module keeps mutable state."""

from __future__ import annotations

import ast
from pathlib import Path

import planforge

PACKAGE = Path(planforge.__file__).parent

#: (module, imported name) pairs allowed inside a function: optional heavy dependencies only.
FUNCTION_IMPORTS_ALLOWED = {
    ("planforge.core.report", "pandas"),  # Report.to_frame: the optional ``pandas`` extra
    ("planforge.portfolio.frames", "pandas"),  # Portfolio.frames: the optional ``pandas`` extra
}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text("utf-8"), str(path))
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom, modules: dict[str, ast.Module]) -> list[str]:
    """The planforge modules whose code a ``from X import a, b`` statement needs: each of ``X.a``,
    ``X.b`` that is a module, and ``X`` itself when it supplies a name (``from . import __version__``
    needs the package's ``__init__`` to have run; ``from . import schema`` does not)."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in modules]
    supplies_names = len(submodules) < len(node.names)
    return submodules + ([target] if supplies_names else [])


def _edges(modules: dict[str, ast.Module]) -> dict[str, set[str]]:
    """module -> planforge modules it imports at load time (TYPE_CHECKING blocks excluded)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        is_package = _is_package(name)
        for node in _load_time_imports(tree):
            if isinstance(node, ast.ImportFrom):
                targets = _resolve(name, is_package, node, modules)
            else:
                targets = [alias.name for alias in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _load_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        found += [n for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))]
    return found


def _function_imports(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import):
                    found += [(alias.name, node.lineno) for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    found.append(("." * node.level + (node.module or ""), node.lineno))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by depth-first search (each reported once, from its first module)."""
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt) :] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_import_graph_has_no_cycle():
    graph = _edges(_modules())
    # ``planforge/__init__`` re-exports the API; nothing inside the package may import it back.
    importers_of_root = sorted(m for m, deps in graph.items() if "planforge" in deps)
    assert importers_of_root == [], "import from the defining module, not from the package root"
    assert _cycles(graph) == []


def test_the_graph_test_sees_imports():
    """The checks above would pass vacuously if the graph were empty: prove it is not."""
    graph = _edges(_modules())
    assert "planforge.pipeline" in graph["planforge.cli"]
    assert "planforge.core.names" in graph["planforge.pipeline"]
    assert "planforge.core.atomic" in graph["planforge.portfolio.summary"]
    assert graph["planforge.core.names"] == set()
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_function_level_imports_outside_the_allow_list():
    found = [
        (name, target, line)
        for name, tree in _modules().items()
        for target, line in _function_imports(tree)
        if (name, target) not in FUNCTION_IMPORTS_ALLOWED
    ]
    assert found == [], "import at module level; only optional heavy dependencies may be imported late"


_MUTATORS = frozenset({"pop", "popitem", "clear", "update", "setdefault", "add", "discard", "remove", "append"})


def _mutable_state(tree: ast.Module) -> list[tuple[int, str]]:
    """Module-level names bound to a list, dict or set (literal or comprehension), and any
    ``global`` statement. ALL_CAPS dict and set tables (read-only by convention) are tolerated
    unless the module changes them (an item assigned or deleted, a mutating method called); an
    ALL_CAPS list is not (a tuple says "constant")."""
    found = [(n.lineno, "global " + ", ".join(n.names)) for n in ast.walk(tree) if isinstance(n, ast.Global)]
    changed = _changed_names(tree)
    for node in tree.body:
        targets, value = _assignment(node)
        for target in targets:
            if target.startswith("__"):
                continue
            table = target.isupper() and not isinstance(value, (ast.List, ast.ListComp))
            if table and target not in changed:
                continue
            if _mutable(value):
                found.append((node.lineno, target))
    return found


_MUTABLE_TYPES = frozenset({"list", "dict", "set", "defaultdict", "OrderedDict", "Counter", "deque"})


def _mutable(value: ast.expr | None) -> bool:
    """A list, dict or set, written as a literal, a comprehension or a call of its type (``set()``)."""
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _MUTABLE_TYPES


def _changed_names(tree: ast.Module) -> set[str]:
    """Names the module changes in place: ``NAME[k] = v``, ``del NAME[k]``, ``NAME.pop(...)`` and the like."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if isinstance(node.value, ast.Name):
                names.add(node.value.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and isinstance(node.func.value, ast.Name)
        ):
            names.add(node.func.value.id)
    return names


def test_no_module_level_mutable_state():
    offenders = [(name, *hit) for name, tree in _modules().items() for hit in _mutable_state(tree)]
    assert offenders == []


def test_the_mutable_state_check_can_fail():
    code = "_SHARED = None\ncache = {}\nNAMES = []\nTABLE = {'a': 1}\ndef f():\n    global _SHARED\n"
    assert _mutable_state(ast.parse(code)) == [(6, "global _SHARED"), (2, "cache"), (3, "NAMES")]
    cached = "_CACHE: dict = {}\nKINDS = {'a': 1}\ndef f(k):\n    _CACHE[k] = 1\n    return KINDS[k]\n"
    assert _mutable_state(ast.parse(cached)) == [(1, "_CACHE")]  # an ALL_CAPS table the module fills is state
    popped = "_SEEN = set()\ndef f(k):\n    _SEEN.add(k)\n"
    assert _mutable_state(ast.parse(popped)) == [(1, "_SEEN")]


def _assignment(node: ast.stmt) -> tuple[list[str], ast.expr | None]:
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)], node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id], node.value
    return [], None


def test_the_top_level_reads_as_the_pipeline():
    """``ls src/planforge`` shows the stages: a few top-level modules, the rest in stage packages."""
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    packages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 10, modules
    assert {"intake", "validation", "derive", "context", "render", "formats", "outputs"} <= set(packages)


def test_core_is_a_leaf():
    """Every stage may use ``core``; ``core`` uses no stage (at load time)."""
    graph = _edges(_modules())
    upward = {m: sorted(d for d in deps if not d.startswith("planforge.core")) for m, deps in graph.items()}
    assert {m: d for m, d in upward.items() if m.startswith("planforge.core") and d} == {}


#: The stage packages from the lowest to the highest: each imports only from packages earlier in
#: this list and from ``core`` (docs/architecture.md draws the same order).
LAYERS = ["intake", "derive", "validation", "context", "render", "formats", "rerun", "outputs", "portfolio"]


def _layer_violations(graph: dict[str, set[str]]) -> list[str]:
    rank = {name: i for i, name in enumerate(LAYERS)}

    def package(module: str) -> str:
        return module.split(".")[1] if module.count(".") else ""

    found = []
    for source, targets in graph.items():
        if package(source) not in rank:
            continue
        for target in targets:
            if package(target) in rank and rank[package(target)] > rank[package(source)]:
                found.append(f"{source} -> {target}")
    return sorted(found)


def test_stage_packages_import_only_from_lower_layers():
    graph = _edges(_modules())
    assert {
        name.split(".")[1] for name in graph if name.count(".") and _is_package(".".join(name.split(".")[:2]))
    } >= set(LAYERS)
    assert _layer_violations(graph) == []


def test_the_layer_check_can_fail():
    assert _layer_violations({"planforge.intake.parse": {"planforge.portfolio.summary"}}) == [
        "planforge.intake.parse -> planforge.portfolio.summary"
    ]


def test_the_tests_mirror_the_packages():
    """Each folder of tests/ (fixtures and goldens aside) is named after a package of src/planforge,
    and only the top-level modules' tests (api, cli, pipeline, docs, this one) sit at the top."""
    tests = Path(__file__).parent
    folders = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders - {"fixtures", "golden"} <= packages
    top = {p.name for p in tests.glob("test_*.py")}
    assert top <= {"test_api.py", "test_architecture.py", "test_cli.py", "test_docs.py", "test_generate.py"}
