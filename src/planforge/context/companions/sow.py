"""The statement of work's typed context: the parties, scope, deliverables, phases (with the team's
allocation when Settings asks for it), milestones, the commercial terms and the payment schedule.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from planforge.context import compose
from planforge.context.companions.common import DocHeader, header, person
from planforge.context.plan import Phase, PlanContext, people_by_role
from planforge.core.model import PaymentTerms, Project
from planforge.core.money import format_money, format_percent, format_rate, localize_digits
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
    """The delivery team's allocation on one phase, in person-days (never zero: such a phase is left out)."""

    phase: Phase
    person_days: str


#: What the statement of work prints for the supplier while Settings > Firm Name is blank.
FIRM_PLACEHOLDER = "[Firm name]"


@dataclass(frozen=True)
class Instalment:
    """One row of the payment schedule: the milestone (or month) it is invoiced at, when it falls
    due (``due_note`` when it has no date, such as on signature; neither: [TBD]), its share of the fee
    and its amount in the project's currency."""

    name: str
    due: date | None
    due_note: str
    share: str
    amount: str | Tbd


@dataclass(frozen=True)
class Payment:
    """How the fee is invoiced: ``terms`` None while no Payment Terms are given (the section says
    they are to be confirmed); the instalments' amounts sum exactly to the fee (the rounding
    remainder on the last); ``source`` is where the terms were read (review only)."""

    terms: PaymentTerms | None
    instalments: tuple[Instalment, ...]
    total: str | Tbd
    source: str
    #: the instalments in words: "three instalments", "one instalment"
    count: str = ""


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
    #: the supplier (Settings > Firm Name, else ``FIRM_PLACEHOLDER``) and the client, named as parties
    supplier: str
    summary: str | None
    objectives: tuple[str, ...]
    in_scope: tuple[str, ...]
    out_of_scope: tuple[str, ...]
    out_of_scope_standard: bool
    deliverables: tuple[str, ...]
    phases: tuple[Phase, ...]
    go_live: date | None
    #: the team's allocation per phase, shown only when Settings > Show Effort in SOW says Yes
    effort: tuple[PhaseEffort, ...]
    assumptions: tuple[str, ...]
    dependencies: tuple[str, ...]
    dependencies_standard: bool
    milestones: tuple[Milestone, ...]
    commercial: Commercial
    payment: Payment
    client_contact: str | Tbd
    project_manager: str | Tbd


def _scope(project: Project, kind: str) -> tuple[str, ...]:
    return tuple(s.item for s in project.scope if s.kind == kind)


def _effort(ctx: PlanContext) -> tuple[PhaseEffort, ...]:
    """Person-days per phase: each delivery-team member's allocation x the phase's business days,
    for the phases their role works in (derive.ROLE_PHASES, the rule the summary's People sheet
    uses). Client staff are not counted; a phase no one works on is left out (never a 0-day row)."""
    team = [m for m in ctx.project.team if m.role != "Client Point of Contact"]
    rows = []
    for phase in ctx.phases:
        share = sum(
            (m.allocation if m.allocation is not None else 1.0)
            for m in team
            if phase.number in derive.ROLE_PHASES.get(m.role, derive.ROLE_PHASES["Other"])
        )
        days = round(share * phase.days, 1)
        if days > 0:
            rows.append(PhaseEffort(phase, derive.number(days, ctx.locale)))
    return tuple(rows)


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
    assumptions = _unique(_scope(p, "Assumption") + tuple(o.item for o in ctx.open_items.assumptions))
    deps, standard_deps = _client_dependencies(ctx)
    milestones = _milestones(ctx)
    summary = ctx.summary.given or None
    commercial = _commercial(p, ctx.roi_figures, ctx.locale)
    payment = _payment(ctx, milestones)
    heading = header(ctx, kind)
    if isinstance(commercial.fee, Tbd) or payment.terms is None:
        heading = replace(heading, draft=True)  # the document prints a [TBD] the plan does not
    return Sow(
        heading,
        ctx.header.firm_name or FIRM_PLACEHOLDER,
        summary,
        tuple(o.objective.strip().rstrip(".") for o in p.objectives),  # the plan's objectives, not its outcomes
        in_scope,
        out,
        standard_out,
        deliverables,
        ctx.phases,
        ctx.go_live,
        _effort(ctx) if ctx.settings.show_effort_in_sow else (),
        assumptions,
        deps,
        standard_deps,
        milestones,
        commercial,
        payment,
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
    fee: str | Tbd = format_money(p.budget, cur, locale) if p.budget is not None else Tbd("Budget", "Projects > Budget")
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


def _payment(ctx: PlanContext, milestones: Sequence[Milestone]) -> Payment:
    """The payment schedule of Projects > Payment Terms, else Settings > Payment Terms: one instalment
    per milestone (its share of Projects > Budget), or one a month from the kickoff month to the
    go-live month in equal parts; amounts in the project's currency sum exactly to the fee."""
    p = ctx.project
    terms, source = (
        (p.payment_terms, "Projects > Payment Terms")
        if p.payment_terms is not None
        else (ctx.settings.payment_terms, "Settings > Payment Terms")
    )
    fee = p.budget
    total: str | Tbd = (
        format_money(fee, p.currency, ctx.locale) if fee is not None else Tbd("Budget", "Projects > Budget")
    )
    if terms is None:
        return Payment(None, (), total, source)
    if terms.monthly:
        months = _months(ctx.phases[0].start, ctx.go_live)
        shares = [Decimal(1)] * len(months)
        rows: list[tuple[str, date | None, str, str]] = [
            (f"Month {i}", end, "", "") for i, end in enumerate(months, start=1)
        ]
    else:
        due = {m.name: m.due for m in milestones} | {"Kickoff": ctx.phases[0].start, "Signature": None}
        shares = [share for _, share in terms.milestones]
        rows = [
            (name, due[name], "On signature" if name == "Signature" else "", format_percent(share / 100, ctx.locale))
            for name, share in terms.milestones
        ]
    amounts = _split(fee, shares) if fee is not None and shares else [None] * len(rows)
    instalments = tuple(
        Instalment(
            name, when, note, share, format_money(amount, p.currency, ctx.locale) if amount is not None else total
        )
        for (name, when, note, share), amount in zip(rows, amounts)
    )
    count = f"{compose.count_word(len(instalments))} instalment{'s' if len(instalments) != 1 else ''}"
    return Payment(terms, instalments, total, source, count)


def _months(start: date | None, end: date | None) -> tuple[date, ...]:
    """The last day of each calendar month from ``start``'s to ``end``'s (none without both)."""
    if start is None or end is None:
        return ()
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def _split(fee: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """``fee`` in parts proportional to ``shares``, each rounded to whole units (cents when the fee
    has cents), the rounding remainder on the last part, so the parts sum exactly to the fee."""
    unit = Decimal(1) if fee == fee.to_integral_value() else Decimal("0.01")
    whole = sum(shares, Decimal(0))
    parts = [(fee * share / whole).quantize(unit, ROUND_HALF_UP) for share in shares[:-1]]
    return [*parts, fee - sum(parts, Decimal(0))]
