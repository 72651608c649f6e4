"""Assemble the typed render context of one plan from a project and the derivations.

One frozen dataclass per plan section, each built by its own small function. Every value is
resolved here to data, a derived figure, an ``Assumed`` default (marked as such for the
client), or a ``Tbd`` marker; the coherence rules (go-live inside the deployment window,
support as long as its stabilisation criterion, approach following the workflows) run here,
before rendering, and what they change is recorded for the team's review document. Templates
only lay these values out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from planforge.context import compose
from planforge.context.alerts import FlowAlerts, flow_alerts, project_defaults
from planforge.context.flows import Flow, build_flows, pair_ways, systems_line, webhook_support
from planforge.core.images import Logo
from planforge.core.model import OpenItem, Project, Risk, Settings, SystemFacts, TeamMember
from planforge.core.money import format_number, format_percent, plan_locale
from planforge.core.names import COMPANIONS, TEST_CASES
from planforge.core.versions import Revision
from planforge.derive import rules as derive
from planforge.derive.calendar import (
    calendar_name,
    non_working_reason,
    parse_closures,
    plan_years,
    project_holiday_country,
    time_zone,
    zone_words,
)
from planforge.derive.catalog import CatalogSystem, Match, catalog_revision, integration_types, lookup
from planforge.derive.completeness import (
    ASSUMED_MARK,
    Assumed,
    AssumedPassage,
    Assumption,
    Completeness,
    Finding,
    Tbd,
)
from planforge.intake.schema import ROLES
from planforge.validation.claims import asks_assumed_system, assumed_systems
from planforge.validation.deployment import defers
from planforge.validation.traceability import match_workflows

_Name = TypeVar("_Name")
_Item = TypeVar("_Item")

#: Who prepared a draft whose Settings name no firm (a client edition never prints it: generate refuses).
FIRM_PLACEHOLDER = "[Firm name]"

#: A value as the client sees it: the intake's text, a marked assumption, or TBD.
Shown = str | Assumed | Tbd


@dataclass(frozen=True)
class Header:
    project_id: str
    project_name: str
    client_name: str
    system_a: str
    system_b: str
    type_label: str | Tbd
    lead_engineer: str | Tbd
    project_manager: str | Tbd
    created: date
    status: str
    draft: bool
    #: Settings > Firm Name, the preparer of every document (front matter, cover, Word/PDF author);
    #: ``FIRM_PLACEHOLDER`` in a draft without one (``firm_given`` False; the review lists it)
    firm_name: str = ""
    firm_given: bool = False
    firm_address: str | None = None  # Settings > Firm Address
    firm_contact: str | None = None  # Settings > Firm Contact
    logo: Logo | None = None  # Settings > Logo, read by validation (``generate --logo`` wins in the writers)
    #: the firm's address and contact on one line ("12 Quay St, Boston · hello@firm.example"), or ""
    firm_details: str = ""
    #: the key facts' systems line, "A ↔ B" when the workflows run both ways (``flows.systems_line``)
    systems: Shown = ""
    #: every system the project names, System A and B first (``PlanContext.systems``)
    names: tuple[str, ...] = ()
    #: the title's systems: the primary pair with the workflows' direction ("Etsy → QuickBooks", "A ↔ B"
    #: only when they run both ways), each further system joined: "Shopify Plus ↔ Klaviyo + Gorgias"
    integration: str = ""


@dataclass(frozen=True)
class ExecutiveSummary:
    """The analyst's summary (``given``, kept line by line) or the composed one."""

    given: str | None
    composed: compose.Summary
    timeline: str
    data_volume: str | Tbd
    confidence: float | Tbd


@dataclass(frozen=True)
class PainPointLine:
    text: str
    hours: str


@dataclass(frozen=True)
class Reason:
    title: str
    text: str


@dataclass(frozen=True)
class BusinessContext:
    client_name: str
    current_state: str | Tbd
    pain_points: tuple[PainPointLine, ...]
    impacts: tuple[str, ...]
    time_savings: str | Tbd
    error_reduction: str
    roi: str | Tbd
    rationale_given: str | None
    rationale: tuple[Reason, ...]
    #: Every outcome is one the executive summary already states word for word, so 1.2 points to it.
    impacts_in_summary: bool = False
    #: The outcomes are the Objectives sheet's (else they are the end of the pain points' manual work).
    objectives_given: bool = True


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    days: int
    duration: str
    start: date | None
    end: date | None
    owner: str | Tbd
    status: str
    note: str = ""


class Kept(list[_Item]):
    """The items ``Scope.keep`` keeps; ``mentioned``: the scope speaks of them (False: it speaks of none,
    so they are the whole standard list, still to be confirmed against the agreed scope)."""

    def __init__(self, items: Iterable[_Item], *, mentioned: bool) -> None:
        super().__init__(items)
        self.mentioned = mentioned


@dataclass(frozen=True)
class Scope:
    """The words of what this project is for (its workflows, pain points, objectives, in-scope
    items, test scenarios, success criteria and mapped fields), so the plan's standard feature and
    risk lists keep the items it speaks of: a project that only posts payouts gets no
    order-to-invoice mapping or tax calculation feature."""

    words: frozenset[str] = frozenset()

    def keep(self, items: Iterable[tuple[_Item, str]]) -> Kept[_Item]:
        """The items whose stems (space-separated word beginnings: "payout payment reconcil") a word
        of the scope starts with; all of them when the scope mentions none (nothing to go by: the
        firm's standard list stands, to be confirmed in Discovery & Design; ``Kept.mentioned`` False)."""
        items = list(items)
        kept = [value for value, stems in items if self.mentions(stems)]
        return Kept(kept, mentioned=True) if kept else Kept([value for value, _ in items], mentioned=False)

    def mentions(self, stems: str) -> bool:
        return any(word.startswith(stem) for stem in stems.split() for word in self.words)


def scope_words(project: Project) -> Scope:
    texts = [w.workflow for w in project.workflows]
    texts += [pp.pain_point for pp in project.pain_points]
    texts += [f"{o.objective} {o.business_impact or ''}" for o in project.objectives]
    texts += [item.item for item in project.scope if item.kind == "In scope"]
    texts += [t.scenario for t in project.test_scenarios] + [sc.criterion for sc in project.success_criteria]
    texts += [f"{m.source_field} {m.target_field} {m.transform or ''}" for m in project.field_mappings]
    return Scope(frozenset(re.findall(r"[a-z0-9]+", " ".join(texts).casefold())))


@dataclass(frozen=True)
class WorkflowLine:
    name: str
    spec_section: str | None


@dataclass(frozen=True)
class Schedule:
    phases: tuple[Phase, ...]
    go_live: date | None
    system_a: str
    system_b: str
    workflows: tuple[WorkflowLine, ...]
    types: tuple[str, ...]
    edge_cases: tuple[str, ...]
    performance_scenario: str | Tbd
    monitoring_hours: int
    stabilization_days: int
    #: every system the project names (credentials and an API client for each)
    systems: tuple[str, ...] = ()
    #: with no workflows yet: the in-scope items the workflows will deliver (section 2.3 names them)
    scope_work: tuple[str, ...] = ()
    #: the calendar the phases are counted on, as one sentence (``compose.calendar_sentence``)
    calendar: str = ""
    #: what the project is for, which the standard feature lists (section 2.4 on) are kept to
    scope: Scope = Scope()

    @property
    def stable_exit(self) -> str:
        """Phase 5's stability criterion as the client reads it beside the phase's length, in one
        sentence: the calendar days are counted from go-live and are the business days the phase lasts
        (``derive.support_days``); an incident restarts the count, and support extends with it."""
        days, support = self.stabilization_days, self.phases[4].days
        return (
            f"Stable operation (no Critical or High incident) for {days} consecutive calendar days counted from "
            f"go-live (this phase's {support} business days), with support extended if such an incident restarts "
            "the count"
        )


@dataclass(frozen=True)
class TeamRow:
    role: str
    name: str | Tbd
    responsibilities: str


@dataclass(frozen=True)
class ApiFacts:
    name: str
    rate_limit: str | Tbd
    webhooks: str | Tbd
    batch: str | Tbd
    quirks: str | Tbd
    source: str
    account_details: str | None = None
    #: why a catalog quirk does not bear on this design ("does not apply: ..."); "" when it may
    quirks_note: str = ""

    @property
    def quirks_shown(self) -> str | Tbd:
        """The known quirks as 4.3 prints them, with the note when they do not apply."""
        return f"{self.quirks} ({self.quirks_note})" if self.quirks_note else self.quirks


@dataclass(frozen=True)
class Migration:
    scope: str | Tbd
    cleanup: str | Tbd
    strategy: str | Tbd
    time: str | Tbd


@dataclass(frozen=True)
class Access:
    system: str
    details: str | Tbd


@dataclass(frozen=True)
class Dependencies:
    system_a: str
    system_b: str
    access: tuple[Access, ...]
    provider: Shown
    secret_manager: Shown
    monitoring_tool: Shown
    others: tuple[str, ...]
    api: tuple[ApiFacts, ...]
    migration: Migration | None
    #: every system the project names: credentials for each (4.1)
    systems: tuple[str, ...] = ()
    #: per system, the credentials 4.1 asks for, as the catalog records how the system authenticates
    credentials: tuple[str, ...] = ()
    #: the systems whose vendor approves the integration before it can go live (their approvals are
    #: among ``others``; section 5 names the delay as a risk)
    approvals: tuple[str, ...] = ()
    #: those approvals as the exit criteria name them ("Etsy's approval of the app's API key")
    approval_names: tuple[str, ...] = ()
    #: the systems among ``approvals`` whose approval the build needs (``CatalogSystem.approval_gates_build``:
    #: no sandbox, so development and testing use the approved key), and those approvals by name
    build_approvals: tuple[str, ...] = ()
    build_approval_names: tuple[str, ...] = ()

    @property
    def build_entry(self) -> str:
        """Development's entry criterion when a vendor approval gates the build (the vendor offers no
        sandbox); "" when none does."""
        if not self.build_approval_names:
            return ""
        one = len(self.build_approvals) == 1
        return (
            f"{compose.join_words(list(self.build_approval_names))} received (requested in phase 1): "
            f"{compose.join_words(list(self.build_approvals))} {'offers' if one else 'offer'} no sandbox, so "
            f"building and testing the integration need {'it' if len(self.build_approval_names) == 1 else 'them'}"
        )

    @property
    def approval_delay(self) -> str:
        """The common risk of vendor approvals, naming what each one holds up: Development for an
        approval the build needs, go-live for the others."""
        later = [name for name in self.approvals if name not in self.build_approvals]
        held = []
        if self.build_approvals:
            held.append(f"Development (phase 2) cannot start without {_approvals(self.build_approvals)}")
        if later:
            held.append(f"go-live waits on {_approvals(later)}")
        each = "each is" if len(self.approvals) > 1 else "it is"
        return (
            f"{compose.join_words(held)} (section 4.2); {each} requested as Discovery & Design starts and followed "
            "up weekly until given"
        )

    @property
    def credentials_exit(self) -> str:
        """Phase 1's credentials criterion: a vendor approval is outside the team's control, so with one
        the phase asks only for development/sandbox credentials and for the approval to be requested."""
        if not self.approval_names:
            return "All API credentials obtained and tested"
        return f"Development/sandbox credentials obtained and tested; {compose.join_words(list(self.approval_names))} requested"

    @property
    def production_entry(self) -> str:
        """The deployment phase's entry criterion when a vendor approval gates production credentials
        ("Intuit's production keys for the app in hand"): deploying needs them, so they cannot wait for
        the phase's end; "" when none does (phase 1 already asked for every credential, and an approval
        the build needs is Development's entry criterion)."""
        names = [name for name in self.approval_names if name not in self.build_approval_names]
        return f"{compose.join_words(names)} in hand" if names else ""

    @property
    def production_exit(self) -> str:
        """The deployment phase's credentials criterion when a vendor approval gates them (the keys are
        its entry criterion; configuring and testing them is one of its tasks); "" otherwise."""
        return "Production credentials obtained and tested" if self.production_entry else ""


def _approvals(systems: Sequence[str]) -> str:
    """'the Etsy approval', 'the Etsy and QuickBooks approvals'."""
    return f"the {compose.join_words(list(systems))} approval{'s' if len(systems) > 1 else ''}"


@dataclass(frozen=True)
class RiskRow:
    risk: str
    likelihood: str
    impact: str
    mitigation: str | Tbd
    owner: str


@dataclass(frozen=True)
class Risks:
    rows: tuple[RiskRow, ...]
    types: tuple[str, ...]
    #: with no Risks rows, the risks the plan already knows from section 9 (the plan lists them; the
    #: portfolio's register and heat map read only ``rows``, which carry rated likelihood and impact)
    known: tuple[RiskRow, ...] = ()
    #: what the project is for, which the common risks of its types are kept to
    scope: Scope = Scope()
    #: with a thin Risks sheet, the standard risks of the project's types and systems, marked assumed
    #: (``default_risks``); the plan lists them after the intake's, the portfolio reads only ``rows``
    assumed: tuple[RiskRow, ...] = ()
    #: the common risks (section 5's list) an assumed row already states, so the list does not repeat them
    promoted: frozenset[str] = frozenset()

    @property
    def table(self) -> tuple[RiskRow, ...]:
        """Section 5's table: the intake's rows (else what section 9 already knows), then the assumed ones."""
        return (self.rows or self.known) + self.assumed


@dataclass(frozen=True)
class TestData:
    source: Shown
    volume: str | Tbd
    approach: str | Tbd
    refresh: str | Tbd


@dataclass(frozen=True)
class DocumentRef:
    kind: str
    title: str
    produced: bool
    #: the Markdown file name; each writer points the link at its own format's sibling file
    file: str = ""


@dataclass(frozen=True)
class Testing:
    performance_targets: str | Tbd
    test_data: TestData
    scenarios: tuple[str, ...]
    test_cases: DocumentRef


@dataclass(frozen=True)
class Deployment:
    client_name: str
    system_b: str
    #: with the standard cutover steps and no stated strategy, the cutover they describe, assumed
    strategy: Shown
    window: str | Tbd
    #: likewise: the standard steps' checks failing past the window, assumed
    rollback_criteria: Shown
    rollback_time: str | Tbd
    steps: tuple[str, ...]
    steps_are_standard: bool


@dataclass(frozen=True)
class Metrics:
    #: the sync success rate; None when ``failures`` replaces it
    success_rate: Shown | None
    duration: str | Tbd
    #: printed only when it measures something other than the success rate (``one_rate_measure``)
    error_rate: Shown | None
    accuracy: str | Tbd
    response_time: str | Tbd
    #: with no stated success rate and too few records a day for the firm's rate to be observed
    #: (``derive.too_few_for_rate``), the criterion on failed records that replaces it, assumed
    failures: Shown | None = None


@dataclass(frozen=True)
class Tools:
    logs: Shown
    dashboard: str | Tbd
    alerts: Shown
    incidents: Shown


@dataclass(frozen=True)
class AlertRow:
    alert: str
    threshold: str | Tbd
    severity: str | Tbd
    response_time: str | Tbd


@dataclass(frozen=True)
class Monitoring:
    metrics: Metrics
    tools: Tools
    alerts: tuple[AlertRow, ...]
    alerts_are_standard: bool


@dataclass(frozen=True)
class OpenItemLine:
    """One open item as section 9 lists it: its text, owner and due date as typed; ``about`` the
    workflows its Workflow cell names ("" when it is about the whole project); ``assumed`` the
    product the plan assumes until a question on an ambiguous system is answered ("" otherwise), and
    ``consequence`` what another answer would change, as the catalog's ambiguity note says it ("QuickBooks
    Desktop is a different product with no cloud API, so the design changes if it is the one in use").
    Section 9.1 asks such a question once, with its consequence; every other section reads the assumed
    product as an assumption and points to 9.1."""

    item: str
    type: str
    owner: str | None = None
    due_date: date | None = None
    about: str = ""
    assumed: str = ""
    consequence: str = ""
    #: the system's name as the intake writes it ("QuickBooks") when ``assumed`` is set
    written: str = ""


@dataclass(frozen=True)
class AssumedValue:
    """One value the plan assumes until the client confirms it, as section 9.3 lists it: what is
    assumed, the value itself, and where the plan uses it ("section 8.1"; "" when nowhere in particular).
    The basis of each (which intake cell was blank) is the team's bookkeeping: the review lists it."""

    what: str
    value: str
    where: str = ""


@dataclass(frozen=True)
class OpenItems:
    questions: tuple[OpenItemLine, ...]
    blockers: tuple[OpenItemLine, ...]
    assumptions: tuple[OpenItemLine, ...]
    as_of: date
    #: every value the plan assumes, for section 9.3 (``assumed_values``)
    assumed: tuple[AssumedValue, ...] = ()


@dataclass(frozen=True)
class CriterionLine:
    """One success criterion of section 10; ``about`` the workflows it measures ("" when it is
    about the whole project)."""

    criterion: str
    about: str = ""


@dataclass(frozen=True)
class Success:
    criteria: tuple[CriterionLine, ...]
    stabilization_days: int


@dataclass(frozen=True)
class References:
    documents: tuple[DocumentRef, ...]
    version: str
    last_updated: date
    next_review: date
    owner: str | Tbd
    #: The versions issued before this one, oldest first (``core.versions``; none on a first issue).
    history: tuple[Revision, ...] = ()
    #: What this version changed, as Document Control says it ("" on a first issue).
    changes: str = ""


@dataclass(frozen=True)
class Review:
    """The team's review material: never shown in the client edition."""

    project_id: str
    project_name: str
    client_name: str
    file: str
    row: int
    plan_date: date
    ratio: float
    filled: int
    expected: int
    missing: tuple[Tbd, ...]
    assumptions: tuple[Assumption, ...]
    findings: tuple[Finding, ...]
    #: the intake's warnings about this project, each at its cell (``rule``: the location; filled by the run)
    warnings: tuple[Finding, ...] = ()
    #: every passage of the written documents that shows an assumed value (filled by the run)
    shown: tuple[AssumedPassage, ...] = ()
    #: the locale the figures print in and the calendar the phases follow, each with its source
    conventions: str = ""


@dataclass(frozen=True)
class PlanContext:
    """Everything one plan shows, section by section. Built by ``build_context``."""

    project: Project
    plan_date: date
    draft: bool
    types: tuple[str, ...]
    complexity: str
    header: Header
    summary: ExecutiveSummary
    context: BusinessContext
    schedule: Schedule
    team: tuple[TeamRow, ...]
    dependencies: Dependencies
    risk_register: Risks
    testing: Testing
    deployment: Deployment
    monitoring: Monitoring
    open_items: OpenItems
    success: Success
    references: References
    review: Review
    completeness: Completeness
    savings: derive.Savings | None = None
    roi_figures: derive.Roi | None = None
    #: Public holidays and firm closures the schedule skips (empty until the kickoff date is known).
    closed_days: frozenset[date] = frozenset()
    #: Each workflow's direction, trigger and cadence, as every document speaks of it (context.flows).
    flows: tuple[Flow, ...] = ()
    #: Each workflow's alerts as the technical specifications list them (context.alerts).
    flow_alerts: tuple[FlowAlerts, ...] = ()
    #: Every system the project names: System A and B (the primary pair), then each further system
    #: of the Systems sheet (``derive.rules.all_systems``). Every document names its systems from here.
    systems: tuple[str, ...] = ()
    #: The Babel locale the project's money, numbers and percentages print in (``money.plan_locale``).
    locale: str = "en_US"
    #: The project's Settings (its workbook's sheet): firm policy a companion document reads directly,
    #: such as the statement of work's payment terms and whether it shows effort.
    settings: Settings = field(default_factory=Settings)

    @property
    def phases(self) -> tuple[Phase, ...]:
        return self.schedule.phases

    @property
    def go_live(self) -> date | None:
        return self.schedule.go_live

    @property
    def status(self) -> str:
        return self.header.status

    @property
    def integration_kind(self) -> str:
        """The project's integration types as a noun with its article, for prose: "an accounting
        integration", "a point-of-sale and inventory integration"; "an integration" when none is known."""
        phrase = compose.type_phrase(self.types)
        if not phrase:
            return "an integration"
        return f"{'an' if phrase[0] in 'aeiou' else 'a'} {phrase} integration"

    @property
    def risks(self) -> tuple[RiskRow, ...]:
        return self.risk_register.rows

    @property
    def questions(self) -> tuple[OpenItemLine, ...]:
        return self.open_items.questions

    @property
    def blockers(self) -> tuple[OpenItemLine, ...]:
        return self.open_items.blockers


#: The seed's team table: its six roles, in the schema's order, always listed (TBD when unstaffed).
ROLE_ORDER = ROLES[:6]
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


@dataclass(frozen=True)
class _Timeline:
    phases: tuple[Phase, ...]
    go_live: date | None
    to_live_days: int
    support_days: int
    buffer: float
    closed: frozenset[date] = frozenset()
    #: the project's Babel locale: durations print in its digits
    locale: str = "en_US"


def build_context(
    project: Project, settings: Settings, plan_date: date, produced: frozenset[str] = frozenset()
) -> PlanContext:
    """Resolve every section of one plan. Pure: same project, settings, date and produced
    companion documents (names of ``names.COMPANIONS``), same context."""
    c = Completeness()
    people = people_by_role((member.role, member.name) for member in project.team)
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
    systems = derive.all_systems(project)
    types = _types(c, project, tuple(lookup(name) for name in systems))
    level, _ = derive.complexity(project)
    timeline = _timeline(c, project, settings, plan_date, level, _phase_owners(people, lead, pm))
    savings = derive.time_savings(project.pain_points, settings)
    roi = derive.roi(savings, project, settings)
    api = tuple(_api_facts(c, name, project, plan_date) for name in systems)
    flows = build_flows(project, {f.name: (f.webhooks if isinstance(f.webhooks, str) else None) for f in api}, c)
    api = _webhook_quirks(project, api, flows)
    documents = tuple(
        DocumentRef(kind.name, kind.title, kind.name in produced, kind.filename(project.project_id))
        for kind in COMPANIONS
    )
    locale = plan_locale(project.locale, settings.locale, project.currency)
    summary = _summary(c, project, types, timeline, savings, locale)
    said = compose.summary_text(summary.composed, summary.given)
    context = _business_context(c, project, settings, types, api, savings, roi, flows, said)
    scope = scope_words(project)  # read once: the features (section 2) and common risks (section 5) keep to it
    schedule = _schedule(c, project, settings, types, timeline, scope)
    team = _team(c, project, people, lead, pm)
    dependencies = _dependencies(c, project, settings, api)
    open_items = _open_items(project, plan_date)
    risk_rows = _risks(c, project.risks)
    assumed, promoted = default_risks(c, project, types, flows)
    risks = Risks(risk_rows, types, () if risk_rows else _open_risks(open_items), scope, assumed, promoted)
    testing = _testing(c, project, systems, next(d for d in documents if d.kind == TEST_CASES.name))
    deployment = _deployment(c, project, types)
    monitoring = _monitoring(c, project, settings, flows, api)
    alerts = flow_alerts(project, flows, c)
    success = _success(c, project, schedule)
    references = _references(project, settings, plan_date, documents, pm)
    type_label = _type_label(c, types)
    if not (settings.firm_name or "").strip():  # a document that names no firm is a draft
        c.todo("Firm name", f"Settings > Firm Name (the documents name their preparer as {FIRM_PLACEHOLDER})")
    draft = bool(c.missing)
    header = _header(project, settings, plan_date, type_label, lead, pm, draft, flows, c, systems)
    open_items = replace(open_items, assumed=assumed_values(c, project))
    review = _review(project, plan_date, c, _conventions(project, settings))
    return PlanContext(
        project=project,
        plan_date=plan_date,
        draft=draft,
        types=types,
        complexity=level,
        header=header,
        summary=summary,
        context=context,
        schedule=schedule,
        team=team,
        dependencies=dependencies,
        risk_register=risks,
        testing=testing,
        deployment=deployment,
        monitoring=monitoring,
        open_items=open_items,
        success=success,
        references=references,
        review=review,
        completeness=c,
        savings=savings,
        roi_figures=roi,
        closed_days=timeline.closed,
        flows=flows,
        flow_alerts=alerts,
        systems=systems,
        locale=locale,
        settings=settings,
    )


def _about(text: str | None, project: Project) -> str:
    """The workflows a Workflow cell names, by their names, for the plan ("" when blank or none)."""
    return ", ".join(project.workflows[i].workflow for i in match_workflows(text, project.workflows).indexes)


def _open_items(project: Project, plan_date: date) -> OpenItems:
    systems = assumed_systems(project)

    def line(o: OpenItem) -> OpenItemLine:
        asked = asks_assumed_system(o, systems)
        about = _about(o.workflow, project)
        if asked is None:
            return OpenItemLine(o.item, o.type, o.owner, o.due_date, about)
        why = lookup(asked.written).ambiguity
        return OpenItemLine(o.item, o.type, o.owner, o.due_date, about, asked.assumed, why, asked.written)

    return OpenItems(
        tuple(line(o) for o in project.open_items if o.type == "Question"),
        tuple(line(o) for o in project.open_items if o.type == "Blocker"),
        tuple(line(o) for o in project.open_items if o.type == "Assumption"),
        plan_date,
    )


#: the plan's assumptions (``Completeness`` labels) as section 9.3 names them for the client: what is
#: assumed, how its value reads ("{value}" the value recorded), and the section that shows it
_ASSUMED_AS = {
    "Key facts systems": ("Direction of the integration", "{value}", "the key facts"),
    "Error reduction": ("Error reduction estimate", "{value} fewer data-entry errors", "section 1.2"),
    "Hourly rate": ("Hourly rate the time savings are valued at", "{value}", "section 1.2"),
    "Standard risks": ("Standard risks", "{value}", "section 5"),
    "Test data source": ("Test data", "{value}", "section 6.2"),
    "Deployment strategy": ("Deployment approach", "{value}", "section 7.1"),
    "Rollback criteria": ("Rollback trigger", "{value}", "section 7.1"),
    "Deployment steps": ("Deployment steps", "the {value}", "section 7.3"),
    "Target success rate": ("Sync success rate", "at least {value}", "section 8.1"),
    "Failed records": ("Failed records", "{value}", "section 8.1"),
    "Alert thresholds": ("Alert thresholds", "the {value}", "section 8.3"),
}
_WORKFLOW_LABEL = re.compile(r"(Workflow \d+ \(.*\)) ([a-z][a-z ]*)")
_CATALOG_FIELDS = ("rate limit", "webhook support", "batch operations", "known quirks")


def assumed_values(c: Completeness, project: Project) -> tuple[AssumedValue, ...]:
    """What section 9.3 lists as assumed, each with its value, in the plan's order: the product read
    for an ambiguous system name, the complexity the phases are sized for when the intake states none,
    the vendors' published API facts (one line for all of them), each workflow's assumed direction,
    trigger or cadence (one line a workflow), then every other default the plan marks assumed. A value
    the plan prints as the intake states it (a direction read from the workflow's name) is not listed."""
    out: list[AssumedValue] = []
    for s in assumed_systems(project):
        asked = any(asks_assumed_system(o, [s]) for o in project.open_items)
        out.append(
            AssumedValue(f"Product assumed for {s.written}", s.assumed, "section 9.1" if asked else "section 4.3")
        )
    level, basis = derive.complexity(project)
    if basis != "set in the intake":
        sizing = f"{level} ({basis.removeprefix('derived from ')})"
        out.append(AssumedValue("Complexity the phases are sized for", sizing, "section 2"))
    catalog: list[str] = []
    workflows: list[AssumedValue] = []
    others: list[tuple[int, AssumedValue]] = []
    order = list(_ASSUMED_AS)
    for a in c.assumptions:
        if a.basis.startswith("systems catalog:"):
            name = next((a.label.removesuffix(f" {f}") for f in _CATALOG_FIELDS if a.label.endswith(f" {f}")), "")
            if name and name not in catalog:
                catalog.append(name)
        elif m := _WORKFLOW_LABEL.fullmatch(a.label):
            if m[2] != "alerts" and not a.basis.startswith("read from"):
                workflows.append(AssumedValue(f"{m[1]}, {m[2]}", a.value))
        elif a.label == "Standard risks":
            count = int(a.value.split(" ", 1)[0])
            risks = "the risk" if count == 1 else f"the {count} risks"
            others.append(
                (order.index(a.label), AssumedValue("Standard risks", f"{risks} marked as assumed", "section 5"))
            )
        elif a.label in _ASSUMED_AS:
            what, shown, where = _ASSUMED_AS[a.label]
            others.append((order.index(a.label), AssumedValue(what, shown.format(value=a.value), where)))
        else:
            others.append((len(order), AssumedValue(a.label, a.value)))
    if catalog:
        vendors = "the vendor's" if len(catalog) == 1 else "the vendors'"
        published = f"{vendors} published rate limits, webhook support, batch operations and known quirks"
        out.append(AssumedValue(f"{compose.join_words(catalog)} API facts", published, "section 4.3"))
    out += workflows
    out += [value for _, value in sorted(others, key=lambda pair: pair[0])]
    return tuple(out)


def _success(c: Completeness, project: Project, schedule: Schedule) -> Success:
    criteria = c.items("Success criteria", project.success_criteria, "Success Criteria sheet")
    return Success(
        tuple(CriterionLine(s.criterion, _about(s.workflow, project)) for s in criteria),
        schedule.stabilization_days,
    )


def _references(
    project: Project, settings: Settings, plan_date: date, documents: tuple[DocumentRef, ...], pm: str | Tbd
) -> References:
    return References(
        documents,
        project.document_version or "1.0",
        plan_date,
        plan_date + timedelta(days=settings.review_interval_days),
        project.document_owner or pm,
    )


def _type_label(c: Completeness, types: tuple[str, ...]) -> str | Tbd:
    """The integration types as the header names them; TBD when the systems did not determine one."""
    label: str | Tbd = (
        ", ".join(compose.TYPE_LABELS[t].title() if t != "pos" else "POS" for t in types)
        if types
        else c.value("Integration type", None, "Projects > Integration Type (the systems did not determine it)")
    )
    return label


def _header(
    project: Project,
    settings: Settings,
    plan_date: date,
    type_label: str | Tbd,
    lead: str | Tbd,
    pm: str | Tbd,
    draft: bool,
    flows: tuple[Flow, ...],
    c: Completeness,
    systems: tuple[str, ...],
) -> Header:
    firm = (settings.firm_name or "").strip()
    return Header(
        project.project_id,
        project.project_name,
        project.client_name,
        project.system_a,
        project.system_b,
        type_label,
        lead,
        pm,
        plan_date,
        project.status or "Planning",
        draft,
        firm_name=firm or FIRM_PLACEHOLDER,
        firm_given=bool(firm),
        firm_address=(settings.firm_address or "").strip() or None,
        firm_contact=(settings.firm_contact or "").strip() or None,
        logo=settings.logo if isinstance(settings.logo, Logo) else None,
        firm_details=firm_details(settings.firm_address, settings.firm_contact),
        systems=systems_line(flows, project.system_a, project.system_b, c, systems[2:]),
        names=systems,
        integration=_title_systems(flows, systems),
    )


def _title_systems(flows: tuple[Flow, ...], systems: tuple[str, ...]) -> str:
    """The title's systems: the primary pair (the seed's title) read as the key facts read it, with the
    workflows' direction ("Etsy → QuickBooks" when every workflow runs one way, "↔" only when they run
    both ways), so the title never contradicts the key facts; each further system joined to it
    ("Shopify Plus ↔ Klaviyo + Gorgias"), the key facts spelling out how each pair is connected."""
    return " + ".join((pair_ways(flows, systems[0], systems[1]), *systems[2:]))


def firm_details(address: str | None, contact: str | None) -> str:
    """The firm's address and contact as one line: the address's lines joined by commas, then the
    contact, separated by a middle dot ("12 Quay St, Boston MA · hello@firm.example")."""
    lines = [" ".join(line.split()) for line in (address or "").splitlines()]
    parts = [", ".join(line for line in lines if line), " ".join((contact or "").split())]
    return " \u00b7 ".join(part for part in parts if part)


def _conventions(project: Project, settings: Settings) -> str:
    """The review's line on the locale, the calendar and the time zone clock times are in, each with where
    it comes from, so a derived locale or a firm-wide calendar is never taken silently for the client's own
    (the documents state the zone plainly: "All times are US Eastern (ET).")."""
    locale = plan_locale(project.locale, settings.locale, project.currency).replace("_", "-")
    if project.locale:
        source = "Projects > Locale"
    elif settings.locale:
        source = "Settings > Locale"
    else:
        source = f"from the currency {project.currency}: Projects > Locale and Settings > Locale are blank"
    country = project_holiday_country(project, settings)
    if country:
        where = "Projects > Holiday Country" if project.holiday_country else "Settings > Holiday Country"
        calendar = f"weekends and the public holidays of {calendar_name(country)} ({where})"
    else:
        calendar = "weekends only (Holiday Country is blank on the Projects row and in Settings)"
    # the zone the technical specifications state for the workflows' clock times ("daily at 06:00")
    zone = time_zone(project.deployment_window)
    clock = any(w.frequency is not None and w.frequency.at for w in project.workflows)
    times = (
        f" Clock times are {zone_words(zone)}, the zone Projects > Deployment Window is stated in "
        f"('{project.deployment_window}')."
        if zone and clock
        else ""
    )
    return f"Figures are printed in {locale} ({source}); business days exclude {calendar}.{times}"


def _review(project: Project, plan_date: date, c: Completeness, conventions: str = "") -> Review:
    return Review(
        project.project_id,
        project.project_name,
        project.client_name,
        project.file,
        project.row,
        plan_date,
        c.ratio,
        c.filled,
        c.expected,
        tuple(c.missing),
        tuple(c.assumptions),
        tuple(c.findings),
        conventions=conventions,
    )


def _closed(c: Completeness, project: Project, settings: Settings, kickoff: date) -> frozenset[date]:
    closures, bad = parse_closures(settings.closure_dates)
    for item in bad:
        c.find("calendar", f"Settings > Closure Dates: {item!r} is not a date (YYYY-MM-DD); it was not applied.")
    country = project_holiday_country(project, settings)
    closed, problem = derive.closed_days(country, closures, plan_years(kickoff))
    if problem:
        c.find("calendar", f"Holiday Country: {problem}; only weekends and closure dates are skipped.")
    return closed


def _timeline(
    c: Completeness, project: Project, settings: Settings, plan_date: date, level: str, owners: list[str | Tbd]
) -> _Timeline:
    """Phase days and dates, with the coherence rules applied: post-launch support at least as
    long as its stabilisation criterion (derive.support_days), and go-live on the deployment
    window's day (derive.go_live_date). Holidays and closures from Settings are skipped."""
    days = _phase_days(c, project, settings, level)
    locale = plan_locale(project.locale, settings.locale, project.currency)
    kickoff = c.value("Kickoff date", project.kickoff_date, "Projects > Kickoff Date")
    window = _deployment_window(c, project)
    buffer = derive.confidence_buffer(project.confidence, settings)
    if not isinstance(kickoff, date):
        phases = tuple(
            Phase(
                i + 1,
                derive.PHASE_NAMES[i],
                d,
                derive.duration(d, locale),
                None,
                None,
                owners[i],
                _status(None, plan_date, project, i),
            )
            for i, d in enumerate(days)
        )
        return _Timeline(phases, None, sum(days[:4]), days[4], buffer, locale=locale)
    return _dated_timeline(c, project, settings, plan_date, kickoff, days, window, owners, buffer)


def _phase_days(c: Completeness, project: Project, settings: Settings, level: str) -> list[int]:
    """Business days per phase; post-launch support at least as long as its stabilisation criterion."""
    days = list(derive.phase_days(level, project.confidence, settings))
    stabilization = project.stabilization_period_days or settings.stabilization_period_days
    support = derive.support_days(days[4], stabilization)
    if support != days[4]:
        c.find(
            "support-covers-stabilisation",
            f"Post-launch support lengthened from {days[4]} to {support} business days so that it covers the "
            f"{stabilization} days of stable operation its exit criterion names.",
        )
        days[4] = support
    return days


def _deployment_window(c: Completeness, project: Project) -> derive.Window | None:
    """Projects > Deployment Window read, with a finding for what the schedule cannot honour."""
    window = derive.deployment_window(project.deployment_window)
    if project.deployment_window and window is None:
        c.find(
            "deployment-window",
            f"Projects > Deployment Window {project.deployment_window!r} names no weekday, so go-live was not "
            "aligned with it; write e.g. 'Sunday 06:00-09:00 ET'.",
        )
    elif window and window.has_exclusion:
        c.find(
            "deployment-window",
            f"Projects > Deployment Window {project.deployment_window!r} states an exclusion the schedule does not "
            f"check; go-live was set on a {window.day_name}; confirm it is not excluded.",
        )
    if any(defers(s) for s in project.deployment_steps):
        c.find(
            "deployment-window",
            "A deployment step continues in later windows; phase 4 covers the first window only, later ones fall "
            "in post-launch support. Extend phase 4 if the go-live should include them.",
        )
    return window


def _dated_timeline(
    c: Completeness,
    project: Project,
    settings: Settings,
    plan_date: date,
    kickoff: date,
    days: list[int],
    window: derive.Window | None,
    owners: list[str | Tbd],
    buffer: float,
) -> _Timeline:
    """The phases on the calendar from the kickoff, go-live on the deployment window's day."""
    closed = _closed(c, project, settings, kickoff)
    locale = plan_locale(project.locale, settings.locale, project.currency)
    spans = derive.schedule(kickoff, tuple(days[:4]), closed)
    notes = [""] * 5
    if spans[0][0] != kickoff:
        notes[0] = _kickoff_moved(project, settings, kickoff)
    ready = spans[3][1]
    go_live = ready
    if window:
        go_live = derive.go_live_date(ready, window, closed)
        notes[3] = (
            f"go-live on {window.day_name} {derive.long_date(go_live)} (deployment window: {project.deployment_window})"
        )
        if go_live != ready:
            c.find(
                "go-live-in-window",
                f"Go-live moved from {derive.long_date(ready)} to {window.day_name} {derive.long_date(go_live)}, the "
                f"first deployment window ({project.deployment_window}) after deployment is ready.",
            )
            spans[3] = (spans[3][0], go_live)
    support_start = derive.next_business_day(go_live + timedelta(days=1), closed)
    spans.append((support_start, derive.add_business_days(support_start, days[4] - 1, closed)))
    counted = [derive.business_days_between(s, e, closed) for s, e in spans]
    phases = tuple(
        Phase(
            i + 1,
            derive.PHASE_NAMES[i],
            counted[i],
            derive.duration(counted[i], locale),
            spans[i][0],
            spans[i][1],
            owners[i],
            _status(spans[i], plan_date, project, i),
            notes[i],
        )
        for i in range(5)
    )
    to_live = derive.business_days_between(spans[0][0], go_live, closed)
    return _Timeline(phases, go_live, to_live, counted[4], buffer, closed, locale)


def _kickoff_moved(project: Project, settings: Settings, kickoff: date) -> str:
    """Phase 1's note when the typed kickoff is not a working day: the day typed, why it is not
    one, and that work starts on the next business day (the date the phase shows)."""
    country = project_holiday_country(project, settings)
    reason = non_working_reason(kickoff, country, parse_closures(settings.closure_dates)[0])
    return (
        f"the kickoff date given, {derive.long_date(kickoff)}, is {reason or 'not a working day'}, "
        "so work starts on the next business day"
    )


def _status(span: tuple[date, date] | None, plan_date: date, project: Project, index: int) -> str:
    return derive.printed_phase_status(span, plan_date, project.status, index)


def timeline_sentence(t: _Timeline, window: derive.Window | None) -> str:
    """The delivery sentence: four phases lead to go-live, then support. Durations in business
    days and whole weeks; dates when the kickoff is known."""
    to_live, support = derive.duration(t.to_live_days, t.locale), derive.duration(t.support_days, t.locale)
    if t.go_live and t.phases[0].start:
        day = f"{window.day_name} " if window else ""
        return (
            f"Four phases lead to go-live on {day}{derive.long_date(t.go_live)}, {to_live} from kickoff on "
            f"{derive.long_date(t.phases[0].start)}; post-launch support (phase 5) follows for {support}."
        )
    return (
        f"Four phases lead to go-live in {to_live} from kickoff; post-launch support (phase 5) follows for "
        f"{support}. Dates follow once the kickoff date is agreed."
    )


def _key_timeline(t: _Timeline) -> str:
    text = f"{derive.duration(t.to_live_days, t.locale)} to go-live"
    if t.go_live and t.phases[0].start:
        text = (
            f"{derive.duration(t.to_live_days, t.locale)} from kickoff on {derive.long_date(t.phases[0].start)} "
            f"to go-live on {derive.long_date(t.go_live)}"
        )
    return text + f", then {derive.duration(t.support_days, t.locale)} of post-launch support"


def _summary(
    c: Completeness,
    project: Project,
    types: tuple[str, ...],
    t: _Timeline,
    savings: derive.Savings | None,
    locale: str,
) -> ExecutiveSummary:
    window = derive.deployment_window(project.deployment_window)
    level, basis = derive.complexity(project)
    composed = compose.executive_summary(
        project,
        types,
        timeline_sentence(t, window if t.go_live else None),
        savings.weekly_hours if savings else None,
        project.confidence,
        t.buffer,
        ""
        if basis == "set in the intake"
        else f"{level.lower()}-complexity integration ({basis.removeprefix('derived from ')})",
        locale,
        _timeline_caveat(project),
    )
    return ExecutiveSummary(
        project.executive_summary,
        composed,
        _key_timeline(t),
        c.value("Data volume", project.data_volume, "Projects > Data Volume"),
        c.value("Confidence score", project.confidence, "Projects > Confidence"),
    )


def _timeline_caveat(project: Project) -> str:
    """What the timeline rests on that is not settled yet, for the executive summary: a system the plan
    assumes while an open question asks which it is (section 9.1), and the vendor approvals go-live
    waits on (section 4.2); "" when neither."""
    resolved = assumed_systems(project)
    asked = [s.assumed for s in resolved if any(asks_assumed_system(o, [s]) for o in project.open_items)]
    named = {s.written: s.assumed for s in resolved}
    approvals = [named.get(name, name) for name, _ in vendor_approvals(derive.all_systems(project))]
    parts = []
    if asked:
        parts.append(f"assumes {compose.join_words(asked)} (section 9.1)")
    if approvals:
        parts.append(f"depends on the integration's approval by {compose.join_words(approvals)} (section 4.2)")
    return f"The timeline {' and '.join(parts)}." if parts else ""


def _pain_points(
    c: Completeness, project: Project, savings: derive.Savings | None, locale: str
) -> tuple[PainPointLine, ...]:
    """Each pain point with its weekly hours beside it, so the savings total can be traced."""
    c.items("Pain points", project.pain_points, "Pain Points sheet")
    hours = {id(p): (h, how) for p, h, how in (savings.counted if savings else ())}
    lines = []
    for p in project.pain_points:
        if id(p) in hours:
            h, how = hours[id(p)]
            if derive.states_weekly_hours(p.pain_point, h):
                text = ""  # the analyst's own words already give the weekly hours
            else:
                unit = "hour" if h == 1 else "hours"
                text = ("" if how == "Hours per Week" else "about ") + f"{derive.number(h, locale)} {unit} a week"
        else:
            c.find(
                "savings-traceable",
                f"Pain Points row {p.row} states no hours (Pain Points > Hours per Week), so the time savings are a floor.",
            )
            text = "hours not yet quantified"
        lines.append(PainPointLine(p.pain_point, text))
    return tuple(lines)


def _business_context(
    c: Completeness,
    project: Project,
    settings: Settings,
    types: tuple[str, ...],
    api: tuple[ApiFacts, ...],
    savings: derive.Savings | None,
    roi: derive.Roi | None,
    flows: tuple[Flow, ...],
    said: str = "",
) -> BusinessContext:
    """Section 1: the problem, the outcomes (none the executive summary, ``said``, already
    states word for word), the figures and the reasons for the approach."""
    current = c.value("Current state", project.current_state, "Projects > Current State")
    locale = plan_locale(project.locale, settings.locale, project.currency)
    pains = _pain_points(c, project, savings, locale)
    objectives = c.items("Business objectives", project.objectives, "Objectives sheet")
    reduction, estimated = derive.error_reduction(project, settings)
    webhooks = {f.name: (f.webhooks if isinstance(f.webhooks, str) else None) for f in api}
    rationale = (
        ()
        if project.approach_rationale
        else tuple(
            Reason(title, text)
            for title, text in compose.approach_rationale(
                project, types, webhooks, derive.has_migration(project), flows
            )
        )
    )
    impacts = tuple(compose.business_impacts(objectives, project.pain_points, said))
    return BusinessContext(
        project.client_name,
        current,
        pains,
        impacts,
        compose.savings_text(c, savings, settings, locale),
        compose.reduction_text(c, reduction, estimated, locale, baseline=savings is not None),
        compose.roi_text(c, roi, savings, project.currency, locale),
        project.approach_rationale,
        rationale,
        not impacts and bool(objectives or project.pain_points),
        bool(objectives),
    )


def _schedule(
    c: Completeness, project: Project, settings: Settings, types: tuple[str, ...], t: _Timeline, scope: Scope
) -> Schedule:
    scen = _scenarios(project)
    workflows = c.items("Workflows", project.workflows, "Workflows sheet")
    return Schedule(
        t.phases,
        t.go_live,
        project.system_a,
        project.system_b,
        tuple(WorkflowLine(w.workflow, w.spec_section) for w in workflows),
        types,
        tuple(c.items("Edge-case scenarios", scen.edge, "Test Scenarios sheet, type Edge Case")),
        c.value(
            "Performance scenario",
            scen.performance or project.performance_targets,
            "Test Scenarios sheet, type Performance",
        ),
        project.monitoring_period_hours or settings.monitoring_period_hours,
        project.stabilization_period_days or settings.stabilization_period_days,
        derive.all_systems(project),
        () if workflows else tuple(s.item for s in project.scope if s.kind == "In scope"),
        compose.calendar_sentence(
            project_holiday_country(project, settings), parse_closures(settings.closure_dates)[0]
        ),
        scope,
    )


def _types(c: Completeness, project: Project, matches: tuple[Match, ...]) -> tuple[str, ...]:
    """The Integration Type given, else the types of every system the project names (the catalog)."""
    if project.integration_type:
        return project.integration_type
    types = integration_types(*matches)
    if types:
        return types
    unknown = [m.query for m in matches if m.system is None]
    if unknown:
        c.find(
            "integration-type",
            f"Integration type not determined: {compose.join_words(unknown)} "
            f"{'is' if len(unknown) == 1 else 'are'} not in the systems catalog.",
        )
    else:
        c.find(
            "integration-type",
            f"Integration type not determined: {'neither system' if len(matches) == 2 else 'no system'} is an "
            "accounting, marketing, fulfillment, inventory, POS or customer support system.",
        )
    return ()


def people_by_role(rows: Iterable[tuple[str, _Name]]) -> dict[str, _Name]:
    """Role -> the first person named for it.

    One definition for the plan (which reads the intake team) and the documents
    (which read the plan's team table, TBD rows included), so both agree on who
    "first named" means.
    """
    people: dict[str, _Name] = {}
    for role, name in rows:
        people.setdefault(role, name)
    return people


def _phase_owners(people: dict[str, str], lead: str | Tbd, pm: str | Tbd) -> list[str | Tbd]:
    return [
        people.get("Solutions Architect") or lead,
        lead,
        people.get("QA Engineer") or lead,
        people.get("DevOps Engineer") or lead,
        people.get("Support Engineer") or pm,
    ]


def _team(
    c: Completeness, project: Project, people: dict[str, str], lead: str | Tbd, pm: str | Tbd
) -> tuple[TeamRow, ...]:
    rows: list[TeamRow] = []
    by_role: dict[str, list[TeamMember]] = {}
    for member in project.team:
        by_role.setdefault(member.role, []).append(member)
    overrides = {
        "Project Manager": project.project_manager,
        "Lead Engineer": project.lead_engineer,
        "Client Point of Contact": project.client_contact,
    }
    for role in ROLE_ORDER + tuple(r for r in by_role if r not in ROLE_ORDER):
        members = by_role.get(role, [])
        override = overrides.get(role)
        if override and not any(m.name == override for m in members):
            rows.append(TeamRow(role, override, ROLE_DUTIES[role]))
            continue
        if not members and role in ROLE_ORDER:
            rows.append(
                TeamRow(role, c.value(f"{role} name", None, f"Team sheet, a row with role {role}"), ROLE_DUTIES[role])
            )
        for m in members:
            if role in ROLE_ORDER:
                c.value(f"{role} name", m.name, "")
            rows.append(TeamRow(role, m.name, m.responsibilities or ROLE_DUTIES.get(role, ROLE_DUTIES["Other"])))
    return tuple(rows)


def _facts_row(project: Project, name: str) -> SystemFacts | None:
    key = derive.system_key(name)
    return next((f for f in project.systems if derive.system_key(f.system) == key), None)


def cite(entry: CatalogSystem, plan_date: date) -> str:
    """A catalog figure's source as a client reads it: 'Shopify API documentation
    (shopify.dev/docs/api/usage/rate-limits, checked 4 Dec 2026)', the day being the catalog's own
    revision. A plan dated before that revision names the source alone: a date after the plan's own
    would read as a citation from its future (the review keeps the catalog's dates)."""
    revision = catalog_revision()
    checked = f", checked {derive.long_date(revision)}" if revision <= plan_date else ""
    return f"{entry.name} API documentation ({entry.source}{checked})"


def _api_facts(c: Completeness, name: str, project: Project, plan_date: date) -> ApiFacts:
    """Systems sheet first, else the catalog's figure (cited, and listed as an assumption in the
    review), else TBD."""
    row = _facts_row(project, name)
    match = lookup(name)
    entry: CatalogSystem | None = match.system
    used: list[str] = []

    def pick(label: str, sheet_value: str | None, catalog_value: str | None, column: str) -> str | Tbd:
        shown: str | Tbd
        if sheet_value:
            shown = c.value(f"{name} {label}", sheet_value, "")
            return shown
        if entry and catalog_value and catalog_value.strip().upper() not in ("UNVERIFIED", "-", ""):
            text = catalog_value.replace("(UNVERIFIED)", "(unverified)").replace("UNVERIFIED", "unverified")
            text = text[0].upper() + text[1:]
            used.append(label)
            c.note_assumption(
                f"{name} {label}",
                text,
                f"systems catalog: {entry.source}, as of {entry.as_of}, confidence {entry.confidence}",
            )
            shown = c.value(f"{name} {label}", text, "")
            return shown
        shown = c.value(f"{name} {label}", None, f"Systems sheet > {column} for {name}")
        return shown

    rate = pick("rate limit", row.rate_limit if row else None, entry.rate_limit if entry else None, "Rate Limit")
    hooks = pick("webhook support", row.webhooks if row else None, entry.webhooks if entry else None, "Webhooks")
    batch = pick(
        "batch operations", row.batch_operations if row else None, entry.batch if entry else None, "Batch Operations"
    )
    quirks = pick("known quirks", row.known_quirks if row else None, entry.quirks if entry else None, "Known Quirks")
    if match.ambiguity and entry:
        c.find(
            "system-name",
            f"{name} was read as {entry.name} ({match.ambiguity}); write the full product name on the Projects "
            "sheet if that is wrong.",
        )
    source = ""
    if used and entry:
        if match.ambiguity and entry.name != name:  # "QuickBooks": the reading is itself an assumption
            source = (
                f"The {name} {compose.join_words(used)} above are those of {entry.name}, the product assumed for "
                f"{name}: they are taken from the {cite(entry, plan_date)}{_confirmed_for(entry)}."
            )
        else:
            source = (
                f"The {name} {compose.join_words(used)} above are taken from the {cite(entry, plan_date)}"
                f"{_confirmed_for(entry)}."
            )
    return ApiFacts(name, rate, hooks, batch, quirks, source, row.account_details if row else None)


def _confirmed_for(entry: CatalogSystem) -> str:
    """How 4.3's note ends: what the vendor's published figures are assumed until confirmed for, as the
    system's limits are set (``CatalogSystem.limits_by``): the account's plan and tier; for a system that
    sets them per API key, that key (no plan tiers to confirm); for self-hosted software, its hosting."""
    if entry.limits_by == "key":
        return (
            f"; {entry.name} has no plan tiers for API access (its limits are set for each app's API key), so they "
            "are assumed until confirmed for this integration's key"
        )
    if entry.limits_by == "host":
        return (
            f"; {entry.name} is self-hosted, so any rate limit is set by the client's hosting, and they are assumed "
            "until confirmed with the host"
        )
    return ", and are assumed until confirmed for the account's plan and tier"


def vendor_approvals(systems: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The systems whose vendor approves the integration before go-live, each with the approval 4.2
    lists as a dependency, as the catalog records it (an Etsy app's API key, Intuit's production
    keys): the plan waits on them, so they are asked for as Discovery & Design starts."""
    found = []
    for name in systems:
        entry = lookup(name).system
        if entry and entry.approval:
            when = "requested as Discovery & Design starts"
            if entry.approval_gates_build:
                when += f" and needed before Development starts, since {name} offers no sandbox"
            found.append((name, f"{entry.approval}, {when}"))
    return tuple(found)


def _webhook_quirks(project: Project, api: tuple[ApiFacts, ...], flows: tuple[Flow, ...]) -> tuple[ApiFacts, ...]:
    """A catalog quirk about a system's webhooks is no design quirk when the design does not use them:
    no workflow runs on that system's change events (with no workflows yet, System A's webhooks are
    used only when it offers them outright, as the standard alerts assume). Such a quirk prints with a
    note that it does not apply; a quirk the Systems sheet states prints as written."""
    if flows:
        hooked = {f.source for f in flows if f.event_driven}
    else:
        hooks = next((f.webhooks for f in api if f.name == project.system_a), None)
        hooked = {project.system_a} if isinstance(hooks, str) and webhook_support(hooks) == "yes" else set()
    out = []
    for f in api:
        row = _facts_row(project, f.name)
        entry = lookup(f.name).system
        if entry and "webhook" in entry.quirks.casefold() and not (row and row.known_quirks) and f.name not in hooked:
            f = replace(f, quirks_note=f"does not apply: this design does not use {f.name}'s webhooks")
        out.append(f)
    return tuple(out)


def _dependencies(c: Completeness, project: Project, settings: Settings, api: tuple[ApiFacts, ...]) -> Dependencies:
    access = tuple(
        Access(
            f.name,
            c.value(f"{f.name} account details", f.account_details, f"Systems sheet > Account Details for {f.name}"),
        )
        for f in api
    )
    approvals = vendor_approvals(f.name for f in api)
    migration = None
    if derive.has_migration(project):
        migration = Migration(
            *(
                c.value(label, getattr(project, key), f"Projects > {label}")
                for key, label in (
                    ("migration_scope", "Migration Scope"),
                    ("migration_cleanup", "Migration Cleanup"),
                    ("migration_strategy", "Migration Strategy"),
                    ("migration_time", "Migration Time"),
                )
            )
        )
    return Dependencies(
        project.system_a,
        project.system_b,
        access,
        c.pick(
            "Hosting provider",
            project.hosting_provider,
            settings.hosting_provider,
            "Projects > Hosting Provider, else Settings > Hosting Provider",
        ),
        c.pick(
            "Secret manager",
            project.secret_manager,
            settings.secret_manager,
            "Projects > Secret Manager, else Settings > Secret Manager",
        ),
        c.pick(
            "Monitoring tool",
            project.monitoring_tool,
            settings.monitoring_tool,
            "Projects > Monitoring Tool, else Settings > Monitoring Tool",
        ),
        tuple(d.strip() for d in (project.additional_dependencies or "").split(";") if d.strip())
        + tuple(line for _, line in approvals),
        api,
        migration,
        tuple(f.name for f in api),
        tuple(credentials_line(f.name) for f in api),
        tuple(name for name, _ in approvals),
        tuple(e.approval_name for name, _ in approvals if (e := lookup(name).system)),
        tuple(name for name, _ in approvals if (e := lookup(name).system) and e.approval_gates_build),
        tuple(e.approval_name for name, _ in approvals if (e := lookup(name).system) and e.approval_gates_build),
    )


def credentials_line(system: str) -> str:
    """What 4.1 asks of a system: its API credentials, as the catalog records how it authenticates
    ("QuickBooks Online API credentials: OAuth 2.0 through an Intuit Developer app, ..."), else
    credentials limited to what the workflows read and write, as the specifications scope them."""
    entry = lookup(system).system
    how = entry.auth if entry and entry.auth else "limited to the records the workflows read and write"
    return f"{system} API credentials: {how}"


def _risks(c: Completeness, risks: list[Risk]) -> tuple[RiskRow, ...]:
    """A blank owner reads 'Owner to be assigned' (and is listed for the review), never a guessed person."""
    c.items("Project risks", risks, "Risks sheet")
    rows = []
    for r in risks:
        owner = r.owner
        if not owner:
            c.todo(f"Owner of risk {r.row}", f"Risks > Owner, row {r.row}")
            owner = "Owner to be assigned"
        mitigation = r.mitigation or c.todo(f"Mitigation of risk {r.row}", f"Risks > Mitigation, row {r.row}")
        rows.append(RiskRow(r.risk, r.likelihood, r.impact, mitigation, owner))
    return tuple(rows)


#: Fewer Risks rows than this is a thin register: the plan adds the standard risks of its types and systems.
THIN_REGISTER = 3

#: Per integration type: the common risk (section 5's list, ``templates/plan/risks/``) its standard row
#: states, the word stems of a stated risk that already covers it, then the row's risk, likelihood,
#: impact and mitigation; "{source}" is the other system, "{target}" the system of the type.
_TYPE_RISKS: dict[str, tuple[str, str, str, str, str, str]] = {
    "accounting": (
        "Payment reconciliation failures",
        "reconcil payout deposit settlement",
        "{source}'s payouts do not reconcile in {target}: a payout nets sales, fees and refunds, and the entries "
        "posted for it must add up to the amount deposited",
        "Medium",
        "High: the books disagree with the bank",
        "Each run's posted totals reconciled against the {source} payout report, and a difference reported the "
        "same day; how each payout is posted (one net deposit, or its sales, fees and refunds) agreed in "
        "Discovery & Design",
    ),
    "fulfillment": (
        "Tracking number sync delays",
        "tracking",
        "Tracking numbers reach {source} late or not at all, so customers are not told their order has shipped",
        "Medium",
        "Medium: customer enquiries and late notifications",
        "Tracking written back as each shipment is confirmed, with retries; a shipment still without tracking "
        "after a day is reported",
    ),
    "inventory": (
        "Overselling during sync lag",
        "oversell stock",
        "Stock levels lag between {source} and {target}, so orders are taken for stock that is gone",
        "Medium",
        "High: cancelled orders and refunds",
        "Stock synced as often as the rate limits allow, buffer stock kept on fast movers, and counts "
        "reconciled daily with each variance reported",
    ),
    "marketing": (
        "Privacy compliance violations",
        "consent unsubscrib privacy gdpr",
        "Customers who did not consent, or who unsubscribed, receive marketing from {target}",
        "Low",
        "High: complaints to the regulator and lost trust",
        "Consent and unsubscribes carried with every customer record; only consented customers synced to {target}",
    ),
    "pos": (
        "Offline transactions arriving late",
        "offline",
        "Sales rung up while a register was offline arrive late, so stock and sales totals are briefly wrong",
        "Medium",
        "Medium: stock and sales totals off until the sales arrive",
        "Late sales queued and reconciled as they arrive; daily totals compared between {source} and {target}",
    ),
    "support": (
        "Helpdesk customers matched to the wrong profile",
        "match profile",
        "A {target} ticket is matched to the wrong {source} customer, so an agent sees another customer's orders",
        "Low",
        "High: personal data shown to the wrong person",
        "Customers matched on a verified email address, never on a name; unmatched records reported",
    ),
}


def live_testing_risk(project: Project, name: str, flows: tuple[Flow, ...]) -> RiskRow:
    """The risk of testing on the live account of a system with no sandbox. The missing sandbox is a
    fact, not a risk: the row states its consequence (cases the live records lack go untested). When
    workflows are known and none writes to the system, the integration and its tests only read from
    it, and every write goes to the targets' test environments; otherwise a test that must write there
    uses a record the client sets aside. With no workflows yet, the plan's direction (System A to the
    others, as the key facts print it) says which systems are written to."""
    client = project.client_name
    writes = [t for f in flows for t in f.writes_to] or [
        n for n in derive.all_systems(project) if n != project.system_a
    ]
    risk = (
        f"Tests on {client}'s live {name} account ({name} offers no sandbox) can use only the records it "
        f"holds, so a case those records lack is first met in production {ASSUMED_MARK}"
    )
    if name not in writes:
        targets = " and ".join(dict.fromkeys(writes))
        mitigation = (
            f"The integration and its tests only read from {name}; every write goes to the {targets} test "
            f"environment section 6.2 names. Cases the live records lack are listed during Discovery & Design "
            f"and checked on the first live records"
        )
    else:
        mitigation = (
            f"Tests read the live {name} account and write only to the test environments section 6.2 names; a "
            f"test that must write to {name} uses a record {client} sets aside for it"
        )
    return RiskRow(
        risk, "Medium", "Medium: tests limited to the records the live account holds", mitigation, "QA Engineer"
    )


def default_risks(
    c: Completeness, project: Project, types: tuple[str, ...], flows: tuple[Flow, ...] = ()
) -> tuple[tuple[RiskRow, ...], frozenset[str]]:
    """With fewer than ``THIN_REGISTER`` Risks rows, the risks every project of its kind carries, each
    marked assumed and listed for the review: one per integration type (``_TYPE_RISKS``: a payout posted
    as entries that must reconcile, ...) and one per system the catalog records as having no sandbox
    (``live_testing_risk``). Returns the rows and the common risks they state."""
    if len(project.risks) >= THIN_REGISTER:
        return (), frozenset()
    systems = derive.all_systems(project)
    entries = [(name, lookup(name).system) for name in systems]
    rows: list[RiskRow] = []
    promoted: set[str] = set()
    stated = Scope(
        frozenset(
            re.findall(r"[a-z0-9]+", " ".join(f"{r.risk} {r.mitigation or ''}" for r in project.risks).casefold())
        )
    )
    for kind in types:
        target = next((name for name, e in entries if e is not None and e.category == kind), project.system_b)
        source = next((name for name in systems if name != target), project.system_a)
        common, stems, risk, likelihood, impact, mitigation = _TYPE_RISKS[kind]
        if stated.mentions(stems):  # a stated risk already covers it
            continue
        rows.append(
            RiskRow(
                f"{risk.format(source=source, target=target)} {ASSUMED_MARK}",
                likelihood,
                impact,
                mitigation.format(source=source, target=target),
                "Lead Engineer",
            )
        )
        promoted.add(common)
    for name, entry in entries:
        if entry is not None and entry.live_testing:
            rows.append(live_testing_risk(project, name, flows))
    if rows:
        c.note_assumption(
            "Standard risks",
            f"{len(rows)} standard risk{'s' if len(rows) != 1 else ''} of the integration's type and systems",
            f"Risks sheet has fewer than {THIN_REGISTER} rows",
        )
    return tuple(rows), frozenset(promoted)


def _open_risks(o: OpenItems) -> tuple[RiskRow, ...]:
    """With no Risks rows, the risks the plan already knows: each current blocker, and each question
    whose answer may change what the plan assumes, so section 5 never reads empty while section 9
    names a blocker. The question itself is asked once, in section 9.1: the row names the assumption
    at stake and points there, never repeating the question's words."""
    rows = [
        RiskRow(
            f"The {q.written or 'product'} in use proves not to be {q.assumed}, which this plan assumes (section 9.1), "
            "and the design changes with it",
            "Not yet known",
            "High: approach, API facts and timeline",
            "Answered before design sign-off",
            q.owner or "Owner to be assigned",
        )
        for q in o.questions
        if q.assumed
    ]
    rows += [
        RiskRow(
            f"{b.item} (a current blocker, section 9.2)",
            "Open now",
            "Delays the timeline until resolved",
            "Resolved before the end of Discovery & Design; the timeline is re-baselined if it is not",
            b.owner or "Owner to be assigned",
        )
        for b in o.blockers
    ]
    return tuple(rows)


@dataclass(frozen=True)
class _Scenarios:
    happy: list[str]
    edge: list[str]
    error: list[str]
    security: list[str]
    performance: str | None


def _scenarios(project: Project) -> _Scenarios:
    kinds: dict[str, list[str]] = {"Happy Path": [], "Edge Case": [], "Error Handling": [], "Security": []}
    performance = None
    for s in project.test_scenarios:
        kind = s.type or "Happy Path"
        if kind == "Performance":
            performance = performance or s.scenario
        else:
            kinds[kind].append(s.scenario)
    return _Scenarios(kinds["Happy Path"], kinds["Edge Case"], kinds["Error Handling"], kinds["Security"], performance)


def test_environments(systems: Sequence[str]) -> str:
    """Where each system is tested, as the catalog records its vendor's offer ("A Shopify development
    store and a NetSuite sandbox account"), else a dedicated test account of it."""
    places = []
    for name in systems:
        entry = lookup(name).system
        phrase = entry.test_environment if entry and entry.test_environment else "a dedicated {name} test account"
        places.append(phrase.replace("{name}", name))  # the name is cell text: replaced, never formatted
    text = compose.join_words(places)
    return text[:1].upper() + text[1:]


def _testing(c: Completeness, project: Project, systems: tuple[str, ...], test_cases: DocumentRef) -> Testing:
    scen = _scenarios(project)
    if test_cases.produced:
        # the Test Scenarios sheet states no expected result: an edge case expects what the field mappings
        # give (test cases), which the team agrees with the client before UAT; said here, never to the client
        for s in project.test_scenarios:
            if (s.type or "") == "Edge Case" and s.workflow:
                c.find(
                    "expected-result-to-agree",
                    f"Test Scenarios row {s.row} ({s.scenario!r}) states no expected result, so the test cases expect "
                    "what the workflow's field mappings give; agree the expected result with the client before UAT "
                    "and correct the case if it differs.",
                )
    source: Shown = project.test_data_source or c.assume(
        "Test data source",
        test_environments(systems),
        "Projects > Test Data Source is blank; the test environment each vendor offers (systems catalog), else a "
        "dedicated test account",
    )
    return Testing(
        c.value(
            "Performance targets", project.performance_targets or scen.performance, "Projects > Performance Targets"
        ),
        TestData(
            source,
            c.value("Test data volume", project.test_data_volume, "Projects > Test Data Volume"),
            c.value("Test data approach", project.test_data_approach, "Projects > Test Data Approach"),
            c.value("Test data refresh", project.test_data_refresh, "Projects > Test Data Refresh"),
        ),
        tuple(
            c.items("UAT scenarios", scen.happy, "Test Scenarios sheet, type Happy Path")
            + c.items("Error scenarios", scen.error, "Test Scenarios sheet, type Error Handling")
        ),
        test_cases,
    )


def _deployment(c: Completeness, project: Project, types: tuple[str, ...] = ()) -> Deployment:
    steps = tuple(s.step + (f" ({s.owner})" if s.owner else "") for s in project.deployment_steps)
    if not steps:
        steps = tuple(compose.default_steps(project, posts_to_books="accounting" in types))
        c.note_assumption("Deployment steps", "standard cutover steps", "Deployment Steps sheet is empty")
    standard = not project.deployment_steps
    strategy: Shown = c.value("Deployment strategy", project.deployment_strategy, "Projects > Deployment Strategy")
    rollback: Shown = c.value("Rollback criteria", project.rollback_criteria, "Projects > Rollback Criteria")
    if standard and isinstance(strategy, Tbd):  # the standard steps are one window's cutover: say so
        strategy = c.assume("Deployment strategy", "Big-bang cutover in one window", "the standard cutover steps")
    if standard and isinstance(rollback, Tbd):
        rollback = c.assume(
            "Rollback criteria",
            f"The smoke tests fail, or the first records in {project.system_b} do not match {project.system_a}, "
            "and the cause cannot be fixed within the window",
            "the standard cutover steps' checks",
        )
    return Deployment(
        project.client_name,
        project.system_b,
        strategy,
        c.value("Deployment window", project.deployment_window, "Projects > Deployment Window"),
        rollback,
        c.value("Rollback time", project.rollback_time, "Projects > Rollback Time"),
        steps,
        standard,
    )


def label_value(text: str | None) -> str | None:
    """Analyst text shown after a bold label ('**Sync Duration**: ...') starts with a capital, like
    every other value in the list: 'inventory within 5 minutes' -> 'Inventory within 5 minutes'. A first
    word that is not a plain lower-case word ('p95', 'iOS', 'eBay') is left as typed."""
    first = (text or "").split(" ", 1)[0]
    if not text or not (first.isalpha() and first.islower()):
        return text
    return text[0].upper() + text[1:]


def _dashboard(c: Completeness, project: Project, settings: Settings) -> str | Tbd:
    """The dashboard's link; without one, the stated monitoring platform the dashboard is built in (its
    link listed for the review), so section 8.2 never shows TBD beside the platform section 4.2 names."""
    tool = project.monitoring_tool or settings.monitoring_tool
    if project.dashboard_url or not tool:
        dashboard: str | Tbd = c.value("Dashboard URL", project.dashboard_url, "Projects > Dashboard URL")
        return dashboard
    c.todo("Dashboard URL", "Projects > Dashboard URL")
    return f"{tool} (link shared before go-live)"


def _monitoring(
    c: Completeness, project: Project, settings: Settings, flows: tuple[Flow, ...], api: Sequence[ApiFacts]
) -> Monitoring:
    locale = plan_locale(project.locale, settings.locale, project.currency)

    def rate(label: str, given: float | None, default: float, setting: str) -> Shown:
        if given is not None:
            return format_percent(given, locale)
        return c.assume(label, format_percent(default, locale), f"Settings > {setting} (firm standard)")

    alerts = tuple(
        AlertRow(
            a.alert,
            a.threshold or c.todo(f"Threshold of alert {a.row}", f"Alerts > Threshold, row {a.row}"),
            a.severity or c.todo(f"Severity of alert {a.row}", f"Alerts > Severity, row {a.row}"),
            a.response_time or c.todo(f"Response time of alert {a.row}", f"Alerts > Response Time, row {a.row}"),
        )
        for a in project.alerts
    )
    if not alerts:
        # standard alerts fit the cadence: run by run for batch work, by the minute for real-time work
        hooks = next((f.webhooks for f in api if f.name == project.system_a), None)
        pushes = isinstance(hooks, str) and webhook_support(hooks) == "yes"
        targets = compose.join_words(list(dict.fromkeys(t for f in flows for t in f.writes_to)) or [project.system_b])
        alerts = tuple(AlertRow(*row) for row in project_defaults(flows, pushes, targets))
        c.note_assumption("Alert thresholds", "standard alerts", "Alerts sheet is empty")
    success, error = derive.one_rate_measure(project.target_success_rate, project.target_error_rate)
    volume = derive.daily_records(project)
    failures = None
    if success is None and volume and derive.too_few_for_rate(volume.count, settings.target_success_rate):
        failures = _failures_criterion(c, volume, settings.target_success_rate, alerts, locale)
    elif success is not None and volume and derive.too_few_for_rate(volume.count, success):
        c.find(
            "success-rate-volume",
            f"Projects > Target Success Rate {format_percent(success, locale)} allows less than one failed record "
            f"a day at about {format_number(volume.count, locale)} records a day, so a single failure breaks it; "
            "consider a criterion on failed records instead (each alerted, then retried or resolved within the "
            "alert's response time).",
        )
    shown: Shown | None = None
    if success is not None:
        shown = format_percent(success, locale)
    elif failures is None:
        shown = rate("Target success rate", None, settings.target_success_rate, "Target Success Rate")
    metrics = Metrics(
        shown,
        c.value("Target sync duration", label_value(project.target_sync_duration), "Projects > Target Sync Duration"),
        None if error is None else format_percent(error, locale),
        c.value("Accuracy metric", label_value(project.accuracy_metric), "Projects > Accuracy Metric"),
        c.value("Response-time target", label_value(project.response_time_target), "Projects > Response Time Target"),
        failures,
    )
    tools = Tools(
        c.pick(
            "Log location",
            project.log_location,
            settings.log_location,
            "Projects > Log Location, else Settings > Log Location",
        ),
        _dashboard(c, project, settings),
        c.pick(
            "Alert destination",
            project.alert_destination,
            settings.alert_destination,
            "Projects > Alert Destination, else Settings > Alert Destination",
        ),
        c.pick(
            "Incident tool",
            project.incident_tool,
            settings.incident_tool,
            "Projects > Incident Tool, else Settings > Incident Tool",
        ),
    )
    return Monitoring(metrics, tools, alerts, not project.alerts)


def _failures_criterion(
    c: Completeness, volume: derive.DailyRecords, rate: float, alerts: tuple[AlertRow, ...], locale: str
) -> Assumed:
    """Section 8.1's criterion when the firm's success rate allows less than one failed record a day
    (``derive.too_few_for_rate``): every failed record alerted, then retried or resolved within the
    response time of section 8.3's alert on failed records, with why a percentage would mean nothing."""
    window = next(
        (
            a.response_time
            for a in alerts
            if isinstance(a.response_time, str)
            and re.search(r"could not write|fail", str(a.alert), re.I)
            and "auth" not in str(a.alert).casefold()
        ),
        "one business day",
    )
    if volume.periodic and volume.count == 1:  # made at most once a day: a payout a day at most
        few = f"At most one {derive.PERIODIC_SINGULAR.get(volume.periodic, 'record')} a day is"
    elif volume.periodic:
        few = f"At most {format_number(volume.count, locale)} {volume.periodic} a day are"
    else:
        few = f"About {format_number(volume.count, locale)} records a day are"
    shown = format_percent(rate, locale)
    text = (
        f"{few} too few to measure a {shown} success rate against, so every record that fails raises an "
        f"alert and is retried or resolved within {window}"
    )
    basis = (
        f"Settings > Target Success Rate {shown} allows less than one failed record a day at this volume "
        f"({'no Data Volume; the records moved are ' + volume.periodic if volume.periodic else 'Projects > Data Volume'})"
    )
    return c.assume("Failed records", text, basis)
