"""The facts a version line compares, and a plan context issued under a version (``core.versions``).

The facts are the project's Projects cells as the plans print them (budget, client, dates, status,
...), the go-live date and the plan date; and, for every sheet keyed by Project ID, a digest of the
project's rows, so "risks and team revised" can be said without listing rows. Whether a version
is issued at all is told by the documents themselves (``pipeline``): the facts only name the change.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from decimal import Decimal

from planforge.context.plan import PlanContext
from planforge.core.model import CHILD_TYPES
from planforge.core.money import format_money, format_percent
from planforge.core.versions import LIST_PREFIX, LIST_SEPARATOR, LONG_PREFIX, SHEET_PREFIX, DocumentVersion
from planforge.derive.rules import long_date
from planforge.intake.schema import CHILD_SHEETS, PROJECTS

#: The sheets named in a version line, by their model key (the Systems sheet counts with the systems).
_SHEET_NAMES = {s.key: s.name.lower() for s in CHILD_SHEETS if s.key in CHILD_TYPES}


def version_facts(ctx: PlanContext) -> tuple[tuple[str, str], ...]:
    """The labelled facts of one plan context, in the order a version line names them: every cell of
    its Projects row as the plans print it (a long text by a digest, named as revised), the go-live
    date the schedule gives, the plan date, then a digest per sheet of its rows."""
    p = ctx.project
    facts: list[tuple[str, str]] = []
    for column in PROJECTS.columns:
        if column.key == "project_id" or not hasattr(p, column.key):
            continue
        text = _printed(getattr(p, column.key), column.key, ctx)
        if len(text) > _LONG:
            facts.append((f"{LONG_PREFIX}{column.header}", _digest(text)))
        else:
            facts.append((column.header, text))
    produced = LIST_SEPARATOR.join(d.title for d in ctx.references.documents if d.produced)
    facts.append((f"{LIST_PREFIX}Documents", produced))
    facts.append(("Go-live", long_date(ctx.go_live) if ctx.go_live else ""))
    facts.append(("Plan date", long_date(ctx.plan_date)))
    for key, name in _SHEET_NAMES.items():
        rows = getattr(p, key, ())
        facts.append((f"{SHEET_PREFIX}{name}", _digest(repr([_without_row(r) for r in rows]))))
    return tuple(facts)


#: A cell longer than this is named as revised, not quoted (a paragraph has no place in Document Control).
_LONG = 60


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _printed(value: object, key: str, ctx: PlanContext) -> str:
    """A Projects value as the plans print it: money in the project's currency and locale, dates in
    the plans' style, shares as percentages, lists joined."""
    p = ctx.project
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_money(value, p.currency, ctx.locale) if key in _MONEY else str(value)
    if isinstance(value, float):
        return format_percent(value, ctx.locale)
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


#: The Projects fields that are amounts of money (the rest of the Decimals print as numbers).
_MONEY = frozenset({"budget", "hourly_rate"})


def _without_row(record: object) -> object:
    """A child record without its Excel row number (moving a row is not a revision)."""
    return replace(record, row=0) if hasattr(record, "row") else record  # type: ignore[type-var]


def issued_as(ctx: PlanContext, version: DocumentVersion) -> PlanContext:
    """``ctx`` as its documents are issued under ``version``: its number, what it changed, the versions before."""
    references = replace(
        ctx.references,
        version=version.version,
        history=version.history,
        changes="" if not version.history else version.summary,
    )
    first = version.history[0].issued if version.history else version.issued
    return replace(ctx, references=references, header=replace(ctx.header, created=first))
