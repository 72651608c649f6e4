"""Traceability: does every workflow reach a mapping, a test, an alert and a deployment step?

planforge knows the intake's structure, so it can check what no general tool can: every
workflow has at least one field mapping, one test scenario, an alert that covers it and a
deployment step; every risk and blocker has an owner; every in-scope item is delivered by a
workflow or a deliverable. Gaps are located warnings (validate, the review file, the
summary's Data Quality sheet); they never hold a project back.

How a row names its workflow (``match_workflows``): the Workflow cell holds the workflow's
number on the Workflows sheet (``2``, ``#2`` or ``W2``), its Spec Section (``2.1``), or its text
(case, spacing and punctuation ignored); several are separated by ``;``. A blank Workflow
cell on Alerts or Deployment Steps means the row applies to every workflow of the project;
a blank one on Test Scenarios ties the scenario to no workflow (it is a general scenario); a
blank one on Success Criteria or Open Items means the row is about the whole project. A part
that names no workflow is a located ``unknown-workflow`` warning on every one of these sheets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from planforge.core.errors import Problem, closest, make_problem
from planforge.core.model import Project, Workflow
from planforge.intake.schema import normalise_header

#: ``2``, ``#2``, ``W2``, ``WF 2``, ``Workflow 2``: a workflow by its number
_NUMBER = re.compile(r"(?:workflow|wf|w|#)?\s*#?\s*(\d{1,4})", re.IGNORECASE)
#: Words naming a deliverable every engagement produces, for in-scope items: an item naming one
#: is delivered by that deliverable rather than by a workflow.
DELIVERABLE_WORDS: tuple[str, ...] = (
    "statement of work",
    "technical specification",
    "test case",
    "uat",
    "user acceptance",
    "runbook",
    "deployment",
    "go-live",
    "support",
    "hypercare",
    "monitoring",
    "alerting",
    "documentation",
    "training",
    "handover",
    "implementation plan",
)
_WORD = re.compile(r"[^\W_]+")

#: The problem codes these checks report (the pipeline copies them into each project's review file).
CODES: tuple[str, ...] = ("untraced-workflow", "unknown-workflow", "unowned-item", "uncovered-scope")
#: The findings ``fold_gaps`` puts on one line per project (an unknown Workflow cell keeps its cell in the line).
GAP_CODES: frozenset[str] = frozenset({"untraced-workflow", "unowned-item", "uncovered-scope", "unknown-workflow"})
#: What every workflow needs: (the sheet whose row covers it, what such a row is), in the order checked.
NEEDS: tuple[tuple[str, str], ...] = (
    ("Field Mappings", "field mapping"),
    ("Test Scenarios", "test scenario"),
    ("Alerts", "alert"),
    ("Deployment Steps", "deployment step"),
)
#: Names a folded line quotes before it says "and N more".
_NAMES_SHOWN = 4

#: (sheet, row, column) -> "Sheet!B5": the cell reference of a column on a row
CellRef = Callable[[str, int, str], str]


@dataclass(frozen=True)
class WorkflowMatch:
    """What a Workflow cell names: the indexes (0-based) of the workflows it matched, and the
    parts that matched none."""

    indexes: tuple[int, ...]
    unmatched: tuple[str, ...]


def _key(text: str) -> str:
    return normalise_header(text)


def match_workflows(text: str | None, workflows: Sequence[Workflow]) -> WorkflowMatch:
    """Read a Workflow cell against a project's workflows (rules in the module docstring).
    Blank text matches nothing and leaves nothing unmatched."""
    found: list[int] = []
    unmatched: list[str] = []
    for part in (text or "").split(";"):
        item = part.strip()
        if not item:
            continue
        index = _one(item, workflows)
        if index is None:
            unmatched.append(item)
        elif index not in found:
            found.append(index)
    return WorkflowMatch(tuple(found), tuple(unmatched))


def _one(item: str, workflows: Sequence[Workflow]) -> int | None:
    key = _key(item)
    for i, w in enumerate(workflows):
        if _key(w.workflow) == key or (w.spec_section and w.spec_section.strip() == item):
            return i
    m = _NUMBER.fullmatch(item)
    if m and 1 <= int(m.group(1)) <= len(workflows):
        return int(m.group(1)) - 1
    return None


def covered(rows: Sequence[object], workflows: Sequence[Workflow], *, blank_is_all: bool) -> list[list[object]]:
    """Per workflow, the rows that cover it (by their ``workflow`` attribute)."""
    out: list[list[object]] = [[] for _ in workflows]
    for row in rows:
        text = getattr(row, "workflow", None)
        if not (text or "").strip():
            if blank_is_all:
                for hits in out:
                    hits.append(row)
            continue
        for i in match_workflows(text, workflows).indexes:
            out[i].append(row)
    return out


def _words(text: str) -> str:
    return " " + " ".join(_WORD.findall(text.casefold())) + " "


def names_deliverable(item: str, has_migration: bool) -> bool:
    """True when an in-scope item's wording names a deliverable (whole words, case ignored)."""
    words = _words(item)
    wanted = DELIVERABLE_WORDS + (("migration", "migrate", "historical data") if has_migration else ())
    return any(_words(w) in words for w in wanted)


def _mentions_workflow(item: str, workflows: Sequence[Workflow]) -> bool:
    """An in-scope item whose wording contains a workflow's (or the reverse), whole words."""
    words = _words(item)
    return any((w := _words(wf.workflow)) in words or words in w for wf in workflows)


def located(project: Project, cell: CellRef) -> Callable[..., Problem]:
    """``at(sheet, row, column, code, **params)``: a problem of ``project`` at that cell, named by ``cell``."""

    def at(sheet: str, row: int, column: str, code: str, **params: Any) -> Problem:
        return make_problem(
            code,
            file=project.file,
            project_id=project.project_id,
            sheet=sheet,
            row=row,
            column=column,
            cell=cell(sheet, row, column),
            **params,
        )

    return at


def check(project: Project, cell: CellRef, *, incomplete: Collection[str] = ()) -> Iterator[Problem]:
    """Every traceability gap of one project, each located at the cell to look at. ``incomplete``
    names the sheets some of whose rows for the project were left out for an error (a held-back
    project): no gap is reported against such a sheet, since the row that closes it may be the one
    left out, and with the Workflows sheet incomplete no Workflow cell is called unknown."""
    wf = project.workflows
    at = located(project, cell)

    for sheet, rows in (
        ("Alerts", project.alerts),
        ("Test Scenarios", project.test_scenarios),
        ("Deployment Steps", project.deployment_steps),
        ("Field Mappings", project.field_mappings),
        ("Scope", project.scope),
        ("Success Criteria", project.success_criteria),
        ("Open Items", project.open_items),
    ):
        if "Workflows" in incomplete:
            break
        for r in rows:
            for part in match_workflows(getattr(r, "workflow", None), wf).unmatched:
                near = closest(part, [w.workflow for w in wf], cutoff=0.5, fold=str.casefold)
                hint = f' (closest: "{near[0]}")' if near else ""
                yield at(sheet, r.row, "Workflow", "unknown-workflow", value=part, count=len(wf), suggestion=hint)

    covering: dict[str, tuple[Sequence[object], bool]] = {  # sheet -> (its rows, whether a blank Workflow covers all)
        "Field Mappings": (project.field_mappings, False),
        "Test Scenarios": (project.test_scenarios, False),
        "Alerts": (project.alerts, True),
        "Deployment Steps": (project.deployment_steps, True),
    }
    needs = [(sheet, what, covered(covering[sheet][0], wf, blank_is_all=covering[sheet][1])) for sheet, what in NEEDS]
    for i, w in enumerate(wf):
        for sheet, what, hits in needs:
            if not hits[i] and sheet not in incomplete:
                yield at("Workflows", w.row, "Workflow", "untraced-workflow", value=w.workflow, what=what, other=sheet)
    for risk in project.risks:
        if not (risk.owner or "").strip():
            yield at("Risks", risk.row, "Owner", "unowned-item", value=risk.risk, what="Risk")
    for o in project.open_items:
        if o.type == "Blocker" and not (o.owner or "").strip():
            yield at("Open Items", o.row, "Owner", "unowned-item", value=o.item, what="Blocker")
    migration = (
        project.data_migration
        if project.data_migration is not None
        else any(
            (project.migration_scope, project.migration_cleanup, project.migration_strategy, project.migration_time)
        )
    )
    for s in project.scope:
        if "Workflows" in incomplete:
            break
        if s.kind != "In scope":
            continue
        if match_workflows(s.workflow, wf).indexes:
            continue
        if _mentions_workflow(s.item, wf) or names_deliverable(s.item, migration):
            continue
        yield at("Scope", s.row, "Item", "uncovered-scope", value=s.item)


def fold_gaps(problems: Sequence[Problem]) -> list[Problem]:
    """The problems with each project's traceability gaps (``GAP_CODES``) on one line, where its first
    gap was: "ACME-001 has 5 traceability gaps: 3 workflows have no test scenario: "A", "B" and "C"; risk
    "X" has no owner; ...". A project with one gap keeps it as it is. This is how the terminal shows
    them; the review file, the summary and ``--json`` keep every gap at its own cell."""
    out: list[Problem | tuple[str, str]] = []
    gaps: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        if p.code not in GAP_CODES or not p.project_id:
            out.append(p)
            continue
        key = (p.file, p.project_id)
        if key not in gaps:
            gaps[key] = []
            out.append(key)
        gaps[key].append(p)
    return [item if isinstance(item, Problem) else _folded(gaps[item]) for item in out]


def _folded(gaps: list[Problem]) -> Problem:
    if len(gaps) == 1:
        return gaps[0]
    phrases = [_phrase(names, kind) for kind, names in _by_what(gaps).items()]
    first = gaps[0]
    return make_problem(
        "traceability-gaps",
        file=first.file,
        sheet=first.sheet,
        row=first.row,
        column=first.column,
        cell=first.cell,
        project_id=first.project_id,
        count=f"{len(gaps):,}",
        gaps="; ".join(phrases),
    )


#: How a folded line speaks of a kind of gap: (one, many, what one has, what many have).
_Kind = tuple[str, str, str, str]


def _by_what(gaps: list[Problem]) -> dict[_Kind, list[str]]:
    """Each kind of gap -> the items quoted, in the checks' order. Which need a gap is about is told
    by rendering each candidate message from the registry and comparing it, so nothing is read back
    out of message text."""
    found: dict[_Kind, list[str]] = {}
    for p in gaps:
        item = f'"{"" if p.value is None else p.value}"'
        kind: _Kind
        if p.code == "untraced-workflow":
            what = next((w for sheet, w in NEEDS if _message(p, what=w, other=sheet) == p.message), "link it needs")
            kind = ("workflow", "workflows", f"has no {what}", f"have no {what}")
        elif p.code == "unowned-item":
            who = "risk" if _message(p, what="Risk") == p.message else "blocker"
            kind = (who, f"{who}s", "has no owner", "have no owner")
        elif p.code == "unknown-workflow":
            item += f" ({p.sheet}!{p.cell})" if p.cell else f" ({p.sheet} row {p.row})"
            kind = (
                "Workflow cell",
                "Workflow cells",
                "names no workflow of the project",
                "name no workflow of the project",
            )
        else:
            lack = "no workflow or deliverable that delivers it"
            kind = ("in-scope item", "in-scope items", f"has {lack}", f"have {lack}")
        found.setdefault(kind, []).append(item)
    return found


def _message(p: Problem, **params: str) -> str:
    return _rendered(p.code, p.value, tuple(sorted(params.items())))


@lru_cache(maxsize=4096)  # the same workflow names recur across a portfolio's projects
def _rendered(code: str, value: Any, params: tuple[tuple[str, str], ...]) -> str:
    return make_problem(code, value=value, **dict(params)).message


def _phrase(items: list[str], kind: _Kind) -> str:
    one, many, has, have = kind
    if len(items) == 1:
        return f"{one} {items[0]} {has}"
    shown = items[:_NAMES_SHOWN]
    rest = len(items) - len(shown)
    listed = ", ".join(shown[:-1]) + " and " + shown[-1] if not rest else ", ".join(shown) + f" and {rest:,} more"
    return f"{len(items):,} {many} {have}: {listed}"
