"""The typed portfolio: what validation produces and every later stage consumes.

Field names equal the schema's column keys (a test holds them together), so a typo cannot
silently drop a column. ``row`` is the Excel row the record came from, for messages.
Names and IDs arrive folded (parse.fold_identity), so one person is one key in every sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from planforge.core.images import Logo


@dataclass(frozen=True, slots=True)
class PainPoint:
    row: int
    pain_point: str
    hours_per_week: float | None = None


@dataclass(frozen=True, slots=True)
class Objective:
    row: int
    objective: str
    business_impact: str | None = None


#: The milestones a fee may be invoiced at (Payment Terms), in delivery order: signature of the
#: statement of work, the project's kickoff, then the SOW's acceptance milestones (one per phase end).
PAYMENT_MILESTONES: tuple[str, ...] = (
    "Signature",
    "Kickoff",
    "Design approved",
    "Build complete",
    "UAT sign-off",
    "Go-live",
    "Handover to support",
)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """How the fee is invoiced (Settings or Projects > Payment Terms): ``monthly`` (equal monthly
    instalments from kickoff to go-live), else ``milestones``: (one of ``PAYMENT_MILESTONES``, its
    share of the fee as percent points) pairs in the order typed, the shares summing to 100."""

    monthly: bool = False
    milestones: tuple[tuple[str, Decimal], ...] = ()

    def __str__(self) -> str:
        """The canonical wording: ``monthly``, or ``Kickoff 30%, UAT sign-off 40%, Go-live 30%``."""
        if self.monthly:
            return "monthly"
        return ", ".join(f"{name} {share.normalize():f}%" for name, share in self.milestones)


@dataclass(frozen=True, slots=True)
class Span:
    """A length of time as the intake states it (Workflows > Latency Target): ``text`` is the
    canonical wording ("5 minutes"), ``length`` the same as a timedelta."""

    text: str
    length: timedelta

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a workflow runs, as the intake states it (Workflows > Frequency). ``mode`` is
    "real-time" (on each change), "interval" (every ``every``; ``at`` a clock time "02:00" for a
    daily or weekly run) or "manual" (when the team starts it); ``text`` is the canonical wording
    ("real-time", "every 15 minutes", "hourly", "daily at 02:00", "on demand")."""

    text: str
    mode: str
    every: timedelta | None = None
    at: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Workflow:
    row: int
    workflow: str
    trigger: str | None = None
    spec_section: str | None = None
    source_system: str | None = None
    target_system: str | None = None
    frequency: Cadence | None = None
    latency_target: Span | None = None


@dataclass(frozen=True, slots=True)
class SystemFacts:
    row: int
    system: str
    rate_limit: str | None = None
    webhooks: str | None = None
    batch_operations: str | None = None
    known_quirks: str | None = None
    account_details: str | None = None


@dataclass(frozen=True, slots=True)
class Risk:
    row: int
    risk: str
    likelihood: str
    impact: str
    mitigation: str | None = None
    owner: str | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    row: int
    alert: str
    threshold: str | None = None
    severity: str | None = None
    response_time: str | None = None
    workflow: str | None = None


@dataclass(frozen=True, slots=True)
class TeamMember:
    row: int
    role: str
    name: str
    responsibilities: str | None = None
    allocation: float | None = None


@dataclass(frozen=True, slots=True)
class TestScenario:
    row: int
    scenario: str
    type: str | None = None
    workflow: str | None = None


@dataclass(frozen=True, slots=True)
class OpenItem:
    row: int
    item: str
    type: str
    owner: str | None = None
    due_date: date | None = None
    workflow: str | None = None


@dataclass(frozen=True, slots=True)
class SuccessCriterion:
    row: int
    criterion: str
    workflow: str | None = None


@dataclass(frozen=True, slots=True)
class DeploymentStep:
    row: int
    step: str
    owner: str | None = None
    workflow: str | None = None
    duration: str | None = None


@dataclass(frozen=True, slots=True)
class FieldMapping:
    row: int
    workflow: str
    source_field: str
    target_field: str
    source_object: str | None = None
    target_object: str | None = None
    transform: str | None = None
    required: bool | None = None
    key: bool | None = None


@dataclass(frozen=True, slots=True)
class ScopeItem:
    row: int
    item: str
    kind: str
    workflow: str | None = None


#: Project fields validation derives from the typed cells rather than reading one column.
DERIVED_PROJECT_FIELDS = ("further_systems",)

#: child sheet key -> record class
CHILD_TYPES = {
    "pain_points": PainPoint,
    "objectives": Objective,
    "workflows": Workflow,
    "systems": SystemFacts,
    "risks": Risk,
    "alerts": Alert,
    "team": TeamMember,
    "test_scenarios": TestScenario,
    "open_items": OpenItem,
    "success_criteria": SuccessCriterion,
    "deployment_steps": DeploymentStep,
    "field_mappings": FieldMapping,
    "scope": ScopeItem,
}


@dataclass(slots=True)
class Project:
    """One row of the Projects sheet with its child rows attached."""

    file: str
    row: int
    project_id: str
    project_name: str
    client_name: str
    system_a: str
    system_b: str
    integration_type: tuple[str, ...] = ()
    confidence: float | None = None
    complexity: str | None = None
    kickoff_date: date | None = None
    status: str | None = None
    lead_engineer: str | None = None
    project_manager: str | None = None
    client_contact: str | None = None
    data_volume: str | None = None
    current_state: str | None = None
    executive_summary: str | None = None
    approach_rationale: str | None = None
    currency: str = "USD"  # the Projects cell, else Settings > Currency (resolved by validation)
    locale: str | None = None  # BCP 47 (de-DE); blank: Settings > Locale, else the currency's (money.plan_locale)
    holiday_country: str | None = None  # blank: Settings > Holiday Country (calendar.project_holiday_country)
    hourly_rate: Decimal | None = None
    budget: Decimal | None = None
    payment_terms: PaymentTerms | None = None
    error_reduction: float | None = None
    hosting_provider: str | None = None
    secret_manager: str | None = None
    monitoring_tool: str | None = None
    additional_dependencies: str | None = None
    data_migration: bool | None = None
    migration_scope: str | None = None
    migration_cleanup: str | None = None
    migration_strategy: str | None = None
    migration_time: str | None = None
    performance_targets: str | None = None
    test_data_source: str | None = None
    test_data_volume: str | None = None
    test_data_approach: str | None = None
    test_data_refresh: str | None = None
    deployment_strategy: str | None = None
    deployment_window: str | None = None
    rollback_criteria: str | None = None
    rollback_time: str | None = None
    target_success_rate: float | None = None
    target_sync_duration: str | None = None
    target_error_rate: float | None = None
    accuracy_metric: str | None = None
    response_time_target: str | None = None
    log_location: str | None = None
    dashboard_url: str | None = None
    alert_destination: str | None = None
    incident_tool: str | None = None
    monitoring_period_hours: int | None = None
    stabilization_period_days: int | None = None
    document_version: str | None = None
    document_owner: str | None = None
    approved_by: str | None = None
    approval_date: date | None = None
    pain_points: list[PainPoint] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)
    systems: list[SystemFacts] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)
    test_scenarios: list[TestScenario] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)
    success_criteria: list[SuccessCriterion] = field(default_factory=list)
    deployment_steps: list[DeploymentStep] = field(default_factory=list)
    field_mappings: list[FieldMapping] = field(default_factory=list)
    scope: list[ScopeItem] = field(default_factory=list)
    #: the further systems a System cell named beside its first ("Klaviyo + Gorgias" in System B:
    #: Gorgias), each a full participant like a Systems sheet row (validation warns at the cell)
    further_systems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Settings:
    """Firm-wide policy from the Settings sheet, defaults built in (schema.SETTINGS)."""

    currency: str = "USD"
    locale: str | None = None
    default_hourly_rate: Decimal = Decimal(45)
    working_weeks_per_year: int = 48
    phase_days_low: tuple[int, ...] = (5, 10, 5, 2, 10)
    phase_days_medium: tuple[int, ...] = (10, 20, 10, 3, 20)
    phase_days_high: tuple[int, ...] = (15, 35, 15, 5, 30)
    buffer_below_85: float = 0.15
    buffer_below_70: float = 0.30
    buffer_below_50: float = 0.50
    error_reduction_estimate: float = 0.8
    monitoring_period_hours: int = 48
    stabilization_period_days: int = 30
    review_interval_days: int = 14
    target_success_rate: float = 0.995
    target_error_rate: float = 0.005
    hosting_provider: str | None = None
    secret_manager: str | None = None
    monitoring_tool: str | None = None
    log_location: str | None = None
    alert_destination: str | None = None
    incident_tool: str | None = None
    holiday_country: str | None = None
    closure_dates: str | None = None
    firm_name: str | None = None
    payment_terms: PaymentTerms | None = None
    show_effort_in_sow: bool = False
    firm_address: str | None = None
    firm_contact: str | None = None
    #: the path relative to the workbook as written, then (validation.firm) the image it names, read
    #: and checked; None once validated when there is no logo or it could not be used
    logo: Logo | str | None = None
    documents: tuple[str, ...] | None = None


@dataclass
class Portfolio:
    """Every valid project of the intake(s), in workbook order, and the policy that applies."""

    projects: list[Project]
    settings: Settings = field(default_factory=Settings)
    files: tuple[str, ...] = ()
    settings_by_file: dict[str, Settings] = field(default_factory=dict)
    #: files the workbooks name (Settings > Logo), resolved path -> SHA-256 of their bytes ("" when
    #: they cannot be read): a rerun whose workbooks are unchanged still redoes the run when one changed
    linked: dict[str, str] = field(default_factory=dict)

    def settings_for(self, project: Project) -> Settings:
        """Each workbook's own Settings sheet applies to its projects (several intakes, one run)."""
        return self.settings_by_file.get(project.file, self.settings)
