"""Assemble the typed render context of one plan from a project and the derivations.

Every value the seed asks for is resolved here to data, a derived figure, a documented
default, or a ``Tbd`` marker that names where the analyst can fill it; the same bookkeeping
yields the plan's completeness. Templates only lay these values out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import compose, derive
from .catalog import CatalogSystem, Match, integration_types, lookup
from .completeness import Completeness, Tbd
from .model import OpenItem, Project, Risk, Settings


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    days: int
    duration: str
    start: date | None
    end: date | None
    owner: Any
    status: str


@dataclass(frozen=True)
class ApiFacts:
    name: str
    rate_limit: Any
    webhooks: Any
    batch: Any
    quirks: Any
    catalog_note: str
    account_details: str | None = None


@dataclass(frozen=True)
class TeamRow:
    role: str
    name: Any
    responsibilities: str


@dataclass(frozen=True)
class RiskRow:
    risk: str
    likelihood: str
    impact: str
    mitigation: Any
    owner: Any


@dataclass
class PlanContext:
    """Everything one plan shows. Built by ``build_context``; rendered by the templates."""

    project: Project
    plan_date: date
    types: tuple[str, ...]
    type_label: Any
    type_note: str
    lead_engineer: Any
    project_manager: Any
    status: str
    summary: str
    confidence: Any
    data_volume: Any
    current_state: Any
    complexity: str
    complexity_how: str
    phases: list[Phase]
    total_timeline: str
    go_live: date | None
    pain_points: list[str]
    impacts: list[str]
    time_savings: str
    error_reduction: str
    roi: str
    rationale: list[tuple[str, str]]
    workflows: list[tuple[str, str]]
    team: list[TeamRow]
    access: list[tuple[str, Any]]
    provider: Any
    secret_manager: Any
    monitoring_tool: Any
    dependencies: list[str]
    api: list[ApiFacts]
    migration: dict[str, Any] | None
    risks: list[RiskRow]
    performance_targets: Any
    test_data: dict[str, Any]
    edge_cases: list[Any]
    performance_scenario: Any
    key_scenarios: list[Any]
    deployment: dict[str, Any]
    deployment_steps: list[str]
    steps_are_default: bool
    metrics: dict[str, Any]
    tools: dict[str, Any]
    alerts: list[tuple[Any, Any, Any, Any]]
    alerts_are_default: bool
    questions: list[OpenItem]
    blockers: list[OpenItem]
    assumptions: list[OpenItem]
    success_criteria: list[Any]
    monitoring_hours: int
    stabilization_days: int
    version: str
    document_owner: Any
    next_review: date
    savings: derive.Savings | None = None
    roi_figures: derive.Roi | None = None
    completeness: Completeness = field(default_factory=Completeness)


ROLE_ORDER = (
    "Project Manager",
    "Lead Engineer",
    "Backend Developer",
    "QA Engineer",
    "DevOps Engineer",
    "Client Point of Contact",
)
ROLE_DUTIES = {
    "Project Manager": "Overall coordination, client communication, timeline management",
    "Lead Engineer": "Technical architecture, code review, integration design",
    "Backend Developer": "Core integration development, API clients",
    "QA Engineer": "Test planning, UAT coordination, quality assurance",
    "DevOps Engineer": "Infrastructure, deployment, monitoring setup",
    "Client Point of Contact": "Requirements clarification, testing, approvals",
    "Solutions Architect": "Solution design, data model and mapping decisions",
    "Business Analyst": "Requirements, data mapping and business rules",
    "Support Engineer": "Post-launch support, monitoring and incident response",
    "Other": "As agreed with the project manager",
}
DEFAULT_ALERTS = (
    ("Sync failure rate", "> 2% of syncs in 15 minutes", "High", "30 minutes"),
    ("Authentication failure", "Any failed token refresh", "Critical", "15 minutes"),
    ("Queue backlog", "> 500 pending jobs for 10 minutes", "Medium", "2 hours"),
)


def build_context(project: Project, settings: Settings, plan_date: date) -> PlanContext:
    """Resolve every field of one plan. Pure: same project, settings and date, same context."""
    c = Completeness()
    match_a, match_b = lookup(project.system_a), lookup(project.system_b)
    types, type_note = _types(project, match_a, match_b)
    people = _people(project)
    lead = c.value(
        "Lead engineer",
        project.lead_engineer or people.get("Lead Engineer"),
        "Projects > Lead Engineer, or a Team row with role Lead Engineer",
    )
    pm = c.value(
        "Project manager",
        project.project_manager or people.get("Project Manager"),
        "Projects > Project Manager, or a Team row with role Project Manager",
    )

    level, how = derive.complexity(project)
    days = derive.phase_days(level, project.confidence, settings)
    kickoff = c.value("Kickoff date", project.kickoff_date, "Projects > Kickoff Date")
    spans = derive.schedule(kickoff, days) if isinstance(kickoff, date) else [None] * 5
    owners = _phase_owners(people, lead, pm)
    phases = [
        Phase(
            i + 1,
            derive.PHASE_NAMES[i],
            d,
            derive.weeks(d),
            *(spans[i] or (None, None)),
            owners[i],
            derive.phase_status(spans[i], plan_date, project.status),
        )
        for i, d in enumerate(days)
    ]
    to_live = sum(days[:4])
    go_live = spans[3][1] if spans[3] else None
    total = f"{derive.weeks(to_live)} to go-live"
    total += (
        f" ({derive.long_date(phases[0].start)} to {derive.long_date(go_live)})"
        if go_live
        else " (dates follow the kickoff date)"
    )
    total += f", then {derive.weeks(days[4])} of post-launch support"

    savings = derive.time_savings(project.pain_points, settings)
    roi = derive.roi(savings, project, settings)
    reduction, estimated = derive.error_reduction(project, settings)
    migration = derive.has_migration(project)
    confidence = c.value("Confidence score", project.confidence, "Projects > Confidence")

    summary = project.executive_summary or compose.executive_summary(
        project,
        types,
        derive.weeks(to_live),
        derive.weeks(days[4]),
        derive.long_date(go_live) if go_live else None,
        savings.weekly_hours if savings else None,
        project.confidence,
    )
    api = [
        _api_facts(c, name, project) for name in (project.system_a, project.system_b, *derive.extra_systems(project))
    ]
    webhooks = {f.name: (f.webhooks if isinstance(f.webhooks, str) else None) for f in api}
    rationale = (
        [("", project.approach_rationale)]
        if project.approach_rationale
        else compose.approach_rationale(project, types, webhooks, migration)
    )
    scen = _scenarios(project)
    monitoring_hours = project.monitoring_period_hours or settings.monitoring_period_hours
    stabilization = project.stabilization_period_days or settings.stabilization_period_days

    ctx = PlanContext(
        project=project,
        plan_date=plan_date,
        types=types,
        type_label=", ".join(compose.TYPE_LABELS[t].title() if t != "pos" else "POS" for t in types)
        if types
        else c.value("Integration type", None, "Projects > Integration Type (the systems did not determine it)"),
        type_note=type_note,
        lead_engineer=lead,
        project_manager=pm,
        status=project.status or "Planning",
        summary=summary,
        confidence=confidence,
        data_volume=c.value("Data volume", project.data_volume, "Projects > Data Volume"),
        current_state=c.value("Current state", project.current_state, "Projects > Current State"),
        complexity=level,
        complexity_how=how,
        phases=phases,
        total_timeline=total,
        go_live=go_live,
        pain_points=c.items("Pain points", [p.pain_point for p in project.pain_points], "Pain Points sheet"),
        impacts=compose.business_impacts(
            c.items("Business objectives", project.objectives, "Objectives sheet"), project.pain_points
        ),
        time_savings=compose.savings_text(c, savings, settings),
        error_reduction=compose.reduction_text(reduction, estimated),
        roi=compose.roi_text(c, roi, savings, project.currency),
        rationale=rationale,
        workflows=[(w.workflow, w.spec_section) for w in c.items("Workflows", project.workflows, "Workflows sheet")],
        team=_team(c, project, people, lead, pm),
        access=[
            (
                f.name,
                c.value(
                    f"{f.name} account details", f.account_details, f"Systems sheet > Account Details for {f.name}"
                ),
            )
            for f in api[:2]
        ],
        provider=c.value(
            "Hosting provider",
            project.hosting_provider or settings.hosting_provider,
            "Projects > Hosting Provider, or Settings > Hosting Provider",
        ),
        secret_manager=c.value(
            "Secret manager",
            project.secret_manager or settings.secret_manager,
            "Projects > Secret Manager, or Settings > Secret Manager",
        ),
        monitoring_tool=c.value(
            "Monitoring tool",
            project.monitoring_tool or settings.monitoring_tool,
            "Projects > Monitoring Tool, or Settings > Monitoring Tool",
        ),
        dependencies=[d.strip() for d in (project.additional_dependencies or "").split(";") if d.strip()],
        api=api,
        migration={
            k: c.value(label, getattr(project, k), f"Projects > {label}")
            for k, label in (
                ("migration_scope", "Migration Scope"),
                ("migration_cleanup", "Migration Cleanup"),
                ("migration_strategy", "Migration Strategy"),
                ("migration_time", "Migration Time"),
            )
        }
        if migration
        else None,
        risks=_risks(c, project.risks, lead),
        performance_targets=c.value(
            "Performance targets", project.performance_targets or scen["performance"], "Projects > Performance Targets"
        ),
        test_data={
            "source": project.test_data_source or f"Vendor sandboxes of {project.system_a} and {project.system_b}",
            "volume": c.value("Test data volume", project.test_data_volume, "Projects > Test Data Volume"),
            "approach": c.value("Test data approach", project.test_data_approach, "Projects > Test Data Approach"),
            "refresh": c.value("Test data refresh", project.test_data_refresh, "Projects > Test Data Refresh"),
        },
        edge_cases=c.items("Edge-case scenarios", scen["edge"], "Test Scenarios sheet, type Edge Case"),
        performance_scenario=c.value(
            "Performance scenario",
            scen["performance"] or project.performance_targets,
            "Test Scenarios sheet, type Performance",
        ),
        key_scenarios=c.items("UAT scenarios", scen["happy"], "Test Scenarios sheet, type Happy Path")
        + c.items("Error scenarios", scen["error"], "Test Scenarios sheet, type Error Handling"),
        deployment={
            "strategy": c.value("Deployment strategy", project.deployment_strategy, "Projects > Deployment Strategy"),
            "window": c.value("Deployment window", project.deployment_window, "Projects > Deployment Window"),
            "rollback_criteria": c.value(
                "Rollback criteria", project.rollback_criteria, "Projects > Rollback Criteria"
            ),
            "rollback_time": c.value("Rollback time", project.rollback_time, "Projects > Rollback Time"),
        },
        deployment_steps=[s.step + (f" ({s.owner})" if s.owner else "") for s in project.deployment_steps]
        or compose.default_steps(project),
        steps_are_default=not project.deployment_steps,
        metrics={
            "success_rate": _pct(project.target_success_rate or settings.target_success_rate),
            "duration": c.value(
                "Target sync duration", project.target_sync_duration, "Projects > Target Sync Duration"
            ),
            "error_rate": _pct(project.target_error_rate or settings.target_error_rate),
            "accuracy": c.value("Accuracy metric", project.accuracy_metric, "Projects > Accuracy Metric"),
            "response_time": c.value(
                "Response-time target", project.response_time_target, "Projects > Response Time Target"
            ),
        },
        tools={
            "logs": c.value(
                "Log location", project.log_location or settings.log_location, "Projects > Log Location, or Settings"
            ),
            "dashboard": c.value("Dashboard URL", project.dashboard_url, "Projects > Dashboard URL"),
            "alerts": c.value(
                "Alert destination",
                project.alert_destination or settings.alert_destination,
                "Projects > Alert Destination, or Settings",
            ),
            "incidents": c.value(
                "Incident tool",
                project.incident_tool or settings.incident_tool,
                "Projects > Incident Tool, or Settings",
            ),
        },
        alerts=[
            (
                a.alert,
                a.threshold or Tbd("Alert threshold", "Alerts > Threshold"),
                a.severity or Tbd("Alert severity", "Alerts > Severity"),
                a.response_time or Tbd("Response time", "Alerts > Response Time"),
            )
            for a in project.alerts
        ]
        or list(DEFAULT_ALERTS),
        alerts_are_default=not project.alerts,
        questions=[o for o in project.open_items if o.type == "Question"],
        blockers=[o for o in project.open_items if o.type == "Blocker"],
        assumptions=[o for o in project.open_items if o.type == "Assumption"],
        success_criteria=c.items(
            "Success criteria", [s.criterion for s in project.success_criteria], "Success Criteria sheet"
        ),
        monitoring_hours=monitoring_hours,
        stabilization_days=stabilization,
        version=project.document_version or "1.0",
        document_owner=project.document_owner or pm,
        next_review=plan_date + timedelta(days=settings.review_interval_days),
        savings=savings,
        roi_figures=roi,
        completeness=c,
    )
    return ctx


def _pct(share: float) -> str:
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return text


def _types(project: Project, a: Match, b: Match) -> tuple[tuple[str, ...], str]:
    if project.integration_type:
        return project.integration_type, "set in the intake"
    types = integration_types(a, b)
    if types:
        return types, f"detected from {project.system_a} and {project.system_b}"
    unknown = [m.query for m in (a, b) if m.system is None]
    if unknown:
        return (
            (),
            f"not determined: {compose.join_words(unknown)} {'is' if len(unknown) == 1 else 'are'} not in the systems catalog",
        )
    return (), "not determined: neither system is an accounting, marketing, fulfillment, inventory or POS system"


def _people(project: Project) -> dict[str, str]:
    """First named person per role."""
    people: dict[str, str] = {}
    for member in project.team:
        people.setdefault(member.role, member.name)
    return people


def _phase_owners(people: dict[str, str], lead: Any, pm: Any) -> list[Any]:
    return [
        people.get("Solutions Architect") or lead,
        lead,
        people.get("QA Engineer") or lead,
        people.get("DevOps Engineer") or lead,
        people.get("Support Engineer") or pm,
    ]


def _team(c: Completeness, project: Project, people: dict[str, str], lead: Any, pm: Any) -> list[TeamRow]:
    rows: list[TeamRow] = []
    by_role: dict[str, list] = {}
    for member in project.team:
        by_role.setdefault(member.role, []).append(member)
    overrides = {
        "Project Manager": project.project_manager,
        "Lead Engineer": project.lead_engineer,
        "Client Point of Contact": project.client_contact,
    }
    for role in ROLE_ORDER + tuple(r for r in by_role if r not in ROLE_ORDER):
        members = by_role.get(role, [])
        if overrides.get(role) and not any(m.name == overrides[role] for m in members):
            rows.append(TeamRow(role, overrides[role], ROLE_DUTIES[role]))
            continue
        if not members and role in ROLE_ORDER:
            rows.append(
                TeamRow(role, c.value(f"{role} name", None, f"Team sheet, a row with role {role}"), ROLE_DUTIES[role])
            )
        for m in members:
            if role in ROLE_ORDER:
                c.value(f"{role} name", m.name, "")
            rows.append(TeamRow(role, m.name, m.responsibilities or ROLE_DUTIES.get(role, ROLE_DUTIES["Other"])))
    return rows


def _facts_row(project: Project, name: str):
    key = derive.system_key(name)
    return next((f for f in project.systems if derive.system_key(f.system) == key), None)


def _api_facts(c: Completeness, name: str, project: Project) -> ApiFacts:
    """Systems sheet first, else the catalog's figure (labelled with source and date), else TBD."""
    row = _facts_row(project, name)
    entry: CatalogSystem | None = lookup(name).system
    used_catalog = False

    def pick(label: str, sheet_value: str | None, catalog_value: str | None, column: str) -> Any:
        nonlocal used_catalog
        if sheet_value:
            return c.value(f"{name} {label}", sheet_value, "")
        if catalog_value and catalog_value.strip().upper() not in ("UNVERIFIED", "-", ""):
            used_catalog = True
            text = catalog_value.replace("(UNVERIFIED)", "(unverified)").replace("UNVERIFIED", "unverified")
            return c.value(f"{name} {label}", text[0].upper() + text[1:], "")
        return c.value(f"{name} {label}", None, f"Systems sheet > {column} for {name}")

    facts = dict(
        rate_limit=pick("rate limit", row and row.rate_limit, entry and entry.rate_limit, "Rate Limit"),
        webhooks=pick("webhook support", row and row.webhooks, entry and entry.webhooks, "Webhooks"),
        batch=pick("batch operations", row and row.batch_operations, entry and entry.batch, "Batch Operations"),
        quirks=pick("known quirks", row and row.known_quirks, entry and entry.quirks, "Known Quirks"),
    )
    note = ""
    ambiguity = lookup(name).ambiguity
    if ambiguity and entry:
        note = f"{name} was read as {entry.name} ({ambiguity}); write the full product name on the Projects sheet if that is wrong. "
    if used_catalog and entry:
        note += f"Figures not given on the Systems sheet are vendor figures from the planforge catalog (source: {entry.source}; as of {entry.as_of}; confidence {entry.confidence}). Confirm them for the client's plan or tier."
    return ApiFacts(name=name, catalog_note=note, account_details=row.account_details if row else None, **facts)


def _risks(c: Completeness, risks: list[Risk], lead: Any) -> list[RiskRow]:
    c.items("Project risks", risks, "Risks sheet")
    return [
        RiskRow(
            r.risk,
            r.likelihood,
            r.impact,
            r.mitigation or Tbd("Risk mitigation", f"Risks > Mitigation, row {r.row}"),
            r.owner or lead,
        )
        for r in risks
    ]


def _scenarios(project: Project) -> dict[str, Any]:
    out: dict[str, Any] = {"happy": [], "edge": [], "error": [], "security": [], "performance": None}
    for s in project.test_scenarios:
        kind = s.type or "Happy Path"
        if kind == "Performance":
            out["performance"] = out["performance"] or s.scenario
        else:
            out[
                {"Happy Path": "happy", "Edge Case": "edge", "Error Handling": "error", "Security": "security"}[kind]
            ].append(s.scenario)
    return out
