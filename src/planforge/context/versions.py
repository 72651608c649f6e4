"""The facts a version line compares, and a plan context issued under a version (``core.versions``).

The facts are what a client reads in Document Control terms: the budget and rate, the kickoff and
go-live dates, the systems, the status and the confidence, each as the plans print it; and, for
every sheet keyed by Project ID, a digest of the project's rows, so "risks and team revised" can be
said without listing rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from planforge.context.plan import PlanContext
from planforge.core.model import CHILD_TYPES
from planforge.core.money import format_money, format_percent
from planforge.core.versions import SHEET_PREFIX, DocumentVersion
from planforge.derive.rules import long_date
from planforge.intake.schema import CHILD_SHEETS

#: The sheets named in a version line, by their model key (the Systems sheet counts with the systems).
_SHEET_NAMES = {s.key: s.name.lower() for s in CHILD_SHEETS if s.key in CHILD_TYPES}


def version_facts(ctx: PlanContext) -> tuple[tuple[str, str], ...]:
    """The labelled facts of one plan context, in the order a version line names them."""
    p = ctx.project
    start = ctx.schedule.phases[0].start if ctx.schedule.phases else None
    facts = [
        ("Budget", format_money(p.budget, p.currency, ctx.locale) if p.budget is not None else ""),
        ("Hourly rate", format_money(p.hourly_rate, p.currency, ctx.locale) if p.hourly_rate is not None else ""),
        ("Kickoff", long_date(start) if start else ""),
        ("Go-live", long_date(ctx.go_live) if ctx.go_live else ""),
        ("Systems", ", ".join(ctx.systems)),
        ("Status", ctx.status),
        ("Confidence", format_percent(p.confidence, ctx.locale) if p.confidence is not None else ""),
        ("Plan date", long_date(ctx.plan_date)),
    ]
    for key, name in _SHEET_NAMES.items():
        rows = getattr(p, key, ())
        digest = hashlib.sha256(repr([_without_row(r) for r in rows]).encode("utf-8")).hexdigest()[:16]
        facts.append((f"{SHEET_PREFIX}{name}", digest))
    return tuple(facts)


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
    return replace(ctx, references=references)
