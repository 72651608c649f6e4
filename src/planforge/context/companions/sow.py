"""The statement of work's typed context: scope, deliverables, effort per phase, milestones and the
commercial terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person, tbd
from planforge.context.plan import Phase, PlanContext, people_by_role
from planforge.context.workload import ROLE_PHASES
from planforge.core.model import Project
from planforge.core.money import format_money, format_rate, localize_digits
from planforge.core.names import COMPANIONS, SOW, DocumentKind
from planforge.derive import rules as derive
from planforge.derive.completeness import Tbd


@dataclass(frozen=True)
class Milestone:
    name: str
    due: date | None
    acceptance: str


@dataclass(frozen=True)
class PhaseEffort:
    phase: Phase
    person_days: str | None


@dataclass(frozen=True)
class Commercial:
    fee: str | Tbd
    rate: str
    annual_value: str | None
    payback: str | None
    roi: str | None


@dataclass(frozen=True)
class Sow:
    header: DocHeader
    summary: str | None
    objectives: tuple[str, ...]
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    out_of_scope_standard: bool
    deliverables: tuple[str, ...]
    phases: tuple[PhaseEffort, ...]
    go_live: date | None
    effort_basis: str
    assumptions: tuple[str, ...]
    dependencies: tuple[str, ...]
    dependencies_standard: bool
    milestones: tuple[Milestone, ...]
    commercial: Commercial
    client_contact: str | Tbd
    project_manager: str | Tbd


def _scope(project: Project, kind: str) -> tuple[str, ...]:
    return tuple(s.item for s in project.scope if s.kind == kind)


def _effort(ctx: PlanContext) -> tuple[tuple[PhaseEffort, ...], str]:
    """Person-days per phase: each delivery-team member's allocation x the phase's business days,
    for the phases their role works in (workload.ROLE_PHASES, the rule the summary's People sheet
    uses). Client staff are not counted."""
    team = [m for m in ctx.project.team if m.role != "Client Point of Contact"]
    rows = []
    for phase in ctx.phases:
        share = sum(
            (m.allocation if m.allocation is not None else 1.0)
            for m in team
            if phase.number in ROLE_PHASES.get(m.role, ROLE_PHASES["Other"])
        )
        rows.append(PhaseEffort(phase, derive.number(round(share * phase.days, 1), ctx.locale) if team else None))
    basis = "Effort is the delivery team's allocation on the phases each role works in, in person-days." if team else ""
    return tuple(rows), basis


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """Items once each (the same assumption may be on Scope and on Open Items), case ignored."""
    seen: set[str] = set()
    out = []
    for item in items:
        key = " ".join(item.casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)


def build_sow(ctx: PlanContext, kind: DocumentKind = SOW) -> Sow:
    p = ctx.project
    workflows = tuple(w.workflow[:1].upper() + w.workflow[1:] for w in p.workflows)
    in_scope = _scope(p, "In scope") or workflows
    out = _scope(p, "Out of scope")
    standard_out = not out
    if standard_out:
        out = (
            f"Changes to the configuration, data or processes of {compose.join_words(list(ctx.systems), 'or')} "
            "beyond what the integration needs",
            "Data flows, systems or reports not listed in scope",
            *(() if derive.has_migration(p) else ("Migration of historical data",)),
            f"Support after the post-launch support period of {ctx.phases[4].duration}",
        )
    deliverables = _deliverables(ctx)
    phases, basis = _effort(ctx)
    assumptions = _unique(_scope(p, "Assumption") + tuple(o.item for o in ctx.open_items.assumptions))
    deps, standard_deps = _client_dependencies(ctx)
    milestones = _milestones(ctx)
    summary = ctx.summary.given or None
    return Sow(
        header(ctx, kind),
        summary,
        tuple(o.objective.strip().rstrip(".") for o in p.objectives),  # the plan's objectives, not its outcomes
        in_scope,
        out,
        standard_out,
        deliverables,
        phases,
        ctx.go_live,
        basis,
        assumptions,
        deps,
        standard_deps,
        milestones,
        _commercial(p, ctx.roi_figures, ctx.locale),
        p.client_contact or person(ctx, "Client Point of Contact"),
        ctx.header.project_manager,
    )


def _deliverables(ctx: PlanContext) -> tuple[str, ...]:
    """What the SOW delivers: the integration, a migration, the plan and the other companion documents, UAT, monitoring, support."""
    p = ctx.project
    docs = [k.title for k in COMPANIONS if k is not SOW]
    return (
        f"A production integration between {compose.join_words(list(ctx.systems))} covering "
        + (
            f"{compose.count_word(len(p.workflows))} workflow{'s' if len(p.workflows) != 1 else ''}"
            if p.workflows
            else "the agreed workflows"
        ),
        *(
            ("Migration of historical data: " + str(ctx.dependencies.migration.scope),)
            if ctx.dependencies.migration
            else ()
        ),
        "The implementation plan, kept current until handover, and the "
        + compose.join_words([d.lower() for d in docs]),
        "User acceptance testing support and a UAT tracker for the client's testers",
        f"Monitoring and alerting configured in {ctx.dependencies.monitoring_tool}",
        f"Post-launch support for {ctx.phases[4].duration}, including {ctx.schedule.monitoring_hours} hours of close monitoring after go-live",
    )


def _client_dependencies(ctx: PlanContext) -> tuple[tuple[str, ...], bool]:
    """The Scope sheet's client dependencies, else the standard ones (and True)."""
    p = ctx.project
    deps = _scope(p, "Client dependency")
    standard_deps = not deps
    if standard_deps:
        contact = ctx.project.client_contact or people_by_role((row.role, row.name) for row in ctx.team).get(
            "Client Point of Contact"
        )
        deps = (
            f"Administrator access to {compose.join_words(list(ctx.systems))}, in test and production, by the start "
            "of phase 1",
            f"A named contact{f', {contact},' if isinstance(contact, str) and contact else ''} who answers design "
            "questions within two business days",
            "Testers from the client's team available throughout user acceptance testing",
            "Sign-off of the field mappings, UAT results and go-live by the milestone dates in section 8",
        )
    return deps, standard_deps


def _milestones(ctx: PlanContext) -> tuple[Milestone, ...]:
    """One milestone per phase, due at its end (go-live on the go-live date), with its acceptance."""
    names = {1: "Design approved", 2: "Build complete", 3: "UAT sign-off", 4: "Go-live", 5: "Handover to support"}
    criteria = {
        1: "the field mappings, matching keys and error handling in the technical specifications are approved in writing",
        2: "every workflow runs end to end in the test environment and passes the system tests",
        3: "every test case is marked Pass, or its failure is accepted in writing, in the UAT tracker",
        4: "the deployment runbook's verification checks pass and the client confirms the first production sync",
        5: (
            "the success criteria of the implementation plan are met and "
            f"{ctx.success.stabilization_days} consecutive calendar days of stable operation are completed"
        ),
    }
    return tuple(
        Milestone(names[ph.number], ctx.go_live if ph.number == 4 else ph.end, criteria[ph.number]) for ph in ctx.phases
    )


def _commercial(p: Project, roi: derive.Roi | None, locale: str) -> Commercial:
    """The fee (Projects > Budget, else TBD), the rate and the value the plan's ROI derives, in the
    project's locale."""
    cur = p.currency
    fee: str | Tbd = format_money(p.budget, cur, locale) if p.budget is not None else tbd("Budget")
    rate_text = ""
    value = payback = ratio = None
    if roi is not None:
        rate_text = f"{format_rate(roi.hourly_rate, cur, locale)} an hour" + (
            "" if roi.rate_source == "project rate" else " (assumed)"
        )
        value = format_money(round(roi.annual_value), cur, locale)
        if roi.payback_months is not None:
            payback = f"{derive.number(roi.payback_months, locale)} months"
        if roi.roi is not None:
            ratio = localize_digits(f"{roi.roi * 100:,.0f}%".replace("-", "\u2212"), locale)
    return Commercial(fee, rate_text, value, payback, ratio)
