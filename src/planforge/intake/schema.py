"""The intake schema, declared once.

Reading, validation, the blank intake workbook, ``docs/intake-reference.md`` and
``docs/field-map.md`` are all generated from these declarations; the model dataclasses
are checked against them by a test. Each field's help text is written where it is declared.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from planforge.core.names import DOCUMENT_KINDS, documents_help
from planforge.intake.column_kinds import KindField
from planforge.intake.parse import Rules

INTEGRATION_TYPES = ("accounting", "marketing", "fulfillment", "inventory", "pos", "support")
LEVELS = ("Low", "Medium", "High")
STATUSES = ("Planning", "Discovery", "In Progress", "On Hold", "Live", "Cancelled")
SEVERITIES = ("Critical", "High", "Medium", "Low")
ROLES = (
    "Project Manager",
    "Lead Engineer",
    "Backend Developer",
    "QA Engineer",
    "DevOps Engineer",
    "Client Point of Contact",
    "Solutions Architect",
    "Business Analyst",
    "Support Engineer",
    "Other",
)
SCENARIO_TYPES = ("Happy Path", "Edge Case", "Error Handling", "Performance", "Security")
OPEN_ITEM_TYPES = ("Question", "Blocker", "Assumption")
YES_NO = ("Yes", "No", "Partial")
#: Synonyms per choice list, compared like the choices (case, spacing and punctuation ignored).
#: Only words that name one option without doubt: "Dev" is a Backend Developer, never DevOps.
LEVEL_SYNONYMS = (
    ("Med", "Medium"),
    ("Mid", "Medium"),
    ("Hi", "High"),
    ("Lo", "Low"),
    ("H", "High"),
    ("M", "Medium"),
    ("L", "Low"),
)
ROLE_SYNONYMS = (
    ("PM", "Project Manager"),
    ("Project Lead", "Project Manager"),
    ("Lead", "Lead Engineer"),
    ("Tech Lead", "Lead Engineer"),
    ("Technical Lead", "Lead Engineer"),
    ("Lead Developer", "Lead Engineer"),
    ("Dev", "Backend Developer"),
    ("Developer", "Backend Developer"),
    ("Backend Dev", "Backend Developer"),
    ("Back-end Developer", "Backend Developer"),
    ("QA", "QA Engineer"),
    ("Tester", "QA Engineer"),
    ("Test Engineer", "QA Engineer"),
    ("DevOps", "DevOps Engineer"),
    ("Ops", "DevOps Engineer"),
    ("SRE", "DevOps Engineer"),
    ("Client Contact", "Client Point of Contact"),
    ("Client POC", "Client Point of Contact"),
    ("POC", "Client Point of Contact"),
    ("Architect", "Solutions Architect"),
    ("Solution Architect", "Solutions Architect"),
    ("BA", "Business Analyst"),
    ("Analyst", "Business Analyst"),
    ("Support", "Support Engineer"),
)
YES_NO_SYNONYMS = (
    ("Y", "Yes"),
    ("N", "No"),
    ("True", "Yes"),
    ("False", "No"),
    ("Some", "Partial"),
    ("Limited", "Partial"),
)
SEVERITY_SYNONYMS = (
    ("Crit", "Critical"),
    ("P1", "Critical"),
    ("P2", "High"),
    ("P3", "Medium"),
    ("P4", "Low"),
    ("Med", "Medium"),
)
STATUS_SYNONYMS = (
    ("WIP", "In Progress"),
    ("Ongoing", "In Progress"),
    ("Paused", "On Hold"),
    ("Canceled", "Cancelled"),
    ("Done", "Live"),
)
SCENARIO_SYNONYMS = (
    ("Happy", "Happy Path"),
    ("Edge", "Edge Case"),
    ("Error", "Error Handling"),
    ("Perf", "Performance"),
)
STRATEGY_SYNONYMS = (
    ("Blue/Green", "Blue-green"),
    ("Blue Green", "Blue-green"),
    ("Big bang", "Big-bang cutover"),
    ("Cutover", "Big-bang cutover"),
    ("Parallel", "Parallel run"),
    ("Phased", "Phased by location"),
)
SCOPE_KINDS = ("In scope", "Out of scope", "Assumption", "Client dependency")
SCOPE_SYNONYMS = (
    ("In", "In scope"),
    ("Included", "In scope"),
    ("Out", "Out of scope"),
    ("Excluded", "Out of scope"),
    ("Dependency", "Client dependency"),
    ("Client", "Client dependency"),
)
DEPLOYMENT_STRATEGIES = ("Blue-green", "Rolling", "Canary", "Phased by location", "Big-bang cutover", "Parallel run")


@dataclass(frozen=True)
class Column:
    """One intake column. ``kind`` (declared by name: ``"money"``, read as its ``ColumnKind``, see
    column_kinds.KINDS) says how it is parsed, offered in the blank workbook, documented and typed in
    frames; ``placeholders`` name the seed fields it fills."""

    key: str
    header: str
    kind: KindField = KindField("text")  # noqa: RUF009 (a descriptor field: one shared instance is the point)
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    example: Any = None
    placeholders: tuple[str, ...] = ()
    width: int = 18
    aliases: tuple[str, ...] = ()
    #: other words analysts use for a choice (normalised like the choices): "PM" -> "Project Manager"
    synonyms: tuple[tuple[str, str], ...] = ()
    #: (lowest, highest) accepted value of a number, money, percent or date column: outside is an error
    bounds: tuple[Any, Any] | None = None
    #: (lowest, highest) plausible value: outside is a warning naming the reading taken
    plausible: tuple[Any, Any] | None = None
    #: how a bare number in a percent column is read: "auto" (up to 1 a fraction, over 1 percent
    #: points) or "rate" (a small target: see parse.percent_parser)
    percent_reading: str = "auto"

    def rules(self) -> Rules:
        return Rules(self.choices, dict(self.synonyms), self.bounds, self.percent_reading)


@dataclass(frozen=True)
class Sheet:
    """One intake sheet. Child sheets are keyed by Project ID, any number of rows per project."""

    name: str
    key: str
    columns: tuple[Column, ...]
    help: str
    child: bool = True

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _pid(sheet: str) -> Column:
    return Column(
        "project_id",
        "Project ID",
        "id",
        required=True,
        width=14,
        help=f"The project this {sheet} row belongs to; pick it from the dropdown (IDs from the Projects sheet).",
        example="ACME-001",
        aliases=("project", "id"),
    )


PROJECTS = Sheet(
    "Projects",
    "projects",
    child=False,
    help="One row per client project. Only the first five columns are required; everything else makes the plan more complete.",
    columns=(
        Column(
            "project_id",
            "Project ID",
            "id",
            True,
            help="Unique project ID; letters, digits, '-', '_' and '.' only. It names the plan file.",
            example="ACME-001",
            placeholders=("PROJECT_ID",),
            width=14,
            aliases=("id", "project"),
        ),
        Column(
            "project_name",
            "Project Name",
            required=True,
            help="Short name used in the plan title.",
            example="Order-to-Invoice Automation",
            placeholders=("PROJECT_NAME",),
            width=30,
        ),
        Column(
            "client_name",
            "Client Name",
            required=True,
            help="The client's trading name as it should appear in the plan.",
            example="Acme Outdoor Co.",
            placeholders=("CLIENT_NAME",),
            width=24,
            aliases=("client",),
        ),
        Column(
            "system_a",
            "System A",
            required=True,
            help="The source system, by product name (e.g. Shopify, WooCommerce, Square).",
            example="Shopify",
            placeholders=("SYSTEM_A",),
            width=18,
        ),
        Column(
            "system_b",
            "System B",
            required=True,
            help="The target system, by product name (e.g. QuickBooks Online, Klaviyo, ShipStation).",
            example="QuickBooks Online",
            placeholders=("SYSTEM_B",),
            width=18,
        ),
        Column(
            "integration_type",
            "Integration Type",
            "choices",
            choices=INTEGRATION_TYPES,
            help="Leave blank to detect it from the systems. Several allowed, comma-separated: accounting, marketing, fulfillment, inventory, pos, support.",
            example="accounting",
            placeholders=("INTEGRATION_TYPE",),
            width=18,
        ),
        Column(
            "confidence",
            "Confidence",
            "percent",
            help="Discovery confidence in the scope: 85%, 0.85 and 85 all mean 85%. Lower confidence adds buffer to the timeline.",
            example=0.85,
            placeholders=("CONFIDENCE_SCORE",),
            width=12,
            bounds=(0, 1),
            plausible=(0.10, 1),
        ),
        Column(
            "complexity",
            "Complexity",
            "choice",
            choices=LEVELS,
            synonyms=LEVEL_SYNONYMS,
            help="Low, Medium or High. Leave blank to derive it from workflows, data migration, systems and volume.",
            example="Medium",
            width=12,
        ),
        Column(
            "kickoff_date",
            "Kickoff Date",
            "date",
            help="First working day of Phase 1. Phase dates are counted from it in business days.",
            example="2026-02-02",
            width=13,
            bounds=(date(1900, 1, 1), date(2200, 12, 31)),
        ),
        Column(
            "status",
            "Status",
            "choice",
            choices=STATUSES,
            synonyms=STATUS_SYNONYMS,
            help="Project status; blank means Planning.",
            example="Planning",
            placeholders=("STATUS",),
            width=12,
        ),
        Column(
            "lead_engineer",
            "Lead Engineer",
            help="Blank: taken from the Team sheet (role Lead Engineer).",
            example="Priya Natarajan",
            placeholders=("LEAD_ENGINEER", "LEAD_NAME"),
            width=18,
            kind="name",
        ),
        Column(
            "project_manager",
            "Project Manager",
            help="Blank: taken from the Team sheet (role Project Manager).",
            example="Dana Whitfield",
            placeholders=("PROJECT_MANAGER", "PM_NAME"),
            width=18,
            kind="name",
        ),
        Column(
            "client_contact",
            "Client Contact",
            help="Client point of contact. Blank: Team sheet role Client Point of Contact.",
            example="Marco Ruiz (Controller)",
            placeholders=("CLIENT_POC",),
            width=20,
        ),
        Column(
            "data_volume",
            "Data Volume",
            help="Volumes as the client states them, e.g. '1,200 orders/day, 8,000 SKUs'.",
            example="1,200 orders/day",
            placeholders=("VOLUME_ESTIMATE",),
            width=20,
        ),
        Column(
            "current_state",
            "Current State",
            help="Completes the sentence 'The client is currently ...': the manual process today.",
            example="re-keying every Shopify order into QuickBooks by hand",
            placeholders=("CURRENT_STATE_DESCRIPTION",),
            width=40,
        ),
        Column(
            "executive_summary",
            "Executive Summary",
            help="One paragraph. Blank: composed from pain points, objectives, systems and timeline.",
            placeholders=("ONE_PARAGRAPH_SUMMARY",),
            width=40,
        ),
        Column(
            "approach_rationale",
            "Approach Rationale",
            help="Why this approach. Blank: composed from the systems' API capabilities and the integration type.",
            placeholders=("APPROACH_RATIONALE",),
            width=40,
        ),
        Column(
            "currency",
            "Currency",
            "currency",
            help="Currency of this project's amounts (ISO code such as EUR, or a symbol such as €). Blank: Settings > Currency, else USD. A symbol typed with an amount must agree with it.",
            example="USD",
            width=10,
        ),
        Column(
            "locale",
            "Locale",
            "locale",
            help="How this project's plans print money, numbers and percentages, as a BCP 47 tag (de-DE prints 48.500 €, en-GB £48,500); the documents stay in English. Blank: Settings > Locale, else from the currency (USD en-US, GBP en-GB, EUR en-IE, CAD en-CA, AUD en-AU, NZD en-NZ, others en-US).",
            example="en-US",
            width=10,
        ),
        Column(
            "holiday_country",
            "Holiday Country",
            help="Country or country-region whose public holidays this project's schedule skips like weekends (US, GB-ENG, DE-BW, CA-ON); the plan says which. Blank: Settings > Holiday Country. A code the holidays library does not know is an error here; GB alone is a warning (use GB-ENG, GB-SCT, GB-WLS or GB-NIR).",
            example="US",
            width=12,
        ),
        Column(
            "hourly_rate",
            "Hourly Rate",
            "money",
            help="Loaded cost of one hour of the client's staff time, for ROI. Blank: Settings > Default Hourly Rate.",
            example=45,
            width=12,
            bounds=(0, 100_000),
            plausible=(1, 10_000),
        ),
        Column(
            "budget",
            "Budget",
            "money",
            help="Project fee or budget, for ROI and payback. Blank: the plan says ROI needs it.",
            example=18000,
            width=12,
            bounds=(0, 1_000_000_000),
            plausible=(100, 1_000_000_000),
        ),
        Column(
            "payment_terms",
            "Payment Terms",
            "payment_terms",
            help="How this project's fee is invoiced, printed in the statement of work: monthly, or "
            "milestones with their shares summing to 100% (Signature, Kickoff, Design approved, Build "
            "complete, UAT sign-off, Go-live, Handover to support), e.g. Kickoff 30%, UAT sign-off 40%, "
            "Go-live 30%. Blank: Settings > Payment Terms.",
            example="Kickoff 30%, UAT sign-off 40%, Go-live 30%",
            width=24,
        ),
        Column(
            "error_reduction",
            "Error Reduction",
            "percent",
            help="Expected reduction of data-entry errors. Blank: Settings > Error Reduction Estimate, labelled as an estimate.",
            example=0.9,
            placeholders=("ERROR_REDUCTION",),
            width=14,
            bounds=(0, 1),
            plausible=(0.10, 1),
        ),
        Column(
            "hosting_provider",
            "Hosting Provider",
            help="Where the integration runs. Blank: Settings > Hosting Provider.",
            example="AWS (us-east-1)",
            placeholders=("PROVIDER",),
            width=18,
        ),
        Column(
            "secret_manager",
            "Secret Manager",
            help="Where credentials are stored. Blank: Settings > Secret Manager.",
            example="AWS Secrets Manager",
            placeholders=("SECRET_MANAGER",),
            width=18,
        ),
        Column(
            "monitoring_tool",
            "Monitoring Tool",
            help="Monitoring platform. Blank: Settings > Monitoring Tool.",
            example="Datadog",
            placeholders=("MONITORING_TOOL",),
            width=16,
        ),
        Column(
            "additional_dependencies",
            "Additional Dependencies",
            help="Other external dependencies, separated by ';'. Blank: none identified.",
            example="Avalara AvaTax; client's SFTP server",
            placeholders=("ADDITIONAL_DEPENDENCIES",),
            width=28,
        ),
        Column(
            "data_migration",
            "Data Migration",
            "bool",
            help="Yes when historical data must be migrated. Filling any Migration column also means yes.",
            example="No",
            width=12,
        ),
        Column(
            "migration_scope",
            "Migration Scope",
            help="Historical data to migrate, e.g. '24 months of orders and customers'.",
            placeholders=("MIGRATION_SCOPE",),
            width=24,
        ),
        Column(
            "migration_cleanup",
            "Migration Cleanup",
            help="Cleanup needed before migration (duplicates, bad SKUs, ...).",
            placeholders=("CLEANUP_DETAILS",),
            width=24,
        ),
        Column(
            "migration_strategy",
            "Migration Strategy",
            help="How: one-off bulk load, phased by year, ...",
            placeholders=("MIGRATION_STRATEGY",),
            width=24,
        ),
        Column(
            "migration_time",
            "Migration Time",
            help="Estimated duration of the migration run(s).",
            placeholders=("MIGRATION_TIME",),
            width=16,
        ),
        Column(
            "performance_targets",
            "Performance Targets",
            help="Throughput/latency targets for performance testing.",
            example="Sync 500 orders in under 10 minutes",
            placeholders=("PERFORMANCE_TARGETS",),
            width=28,
        ),
        Column(
            "test_data_source",
            "Test Data Source",
            help="Where test data comes from (sandbox, anonymised copy, ...). Blank: vendor sandboxes.",
            placeholders=("TEST_DATA_SOURCE",),
            width=22,
        ),
        Column(
            "test_data_volume",
            "Test Data Volume",
            help="How much test data, e.g. '200 orders across 10 edge cases'.",
            placeholders=("TEST_DATA_VOLUME",),
            width=18,
        ),
        Column(
            "test_data_approach",
            "Test Data Approach",
            help="How test data is prepared and used.",
            placeholders=("TEST_DATA_APPROACH",),
            width=22,
        ),
        Column(
            "test_data_refresh",
            "Test Data Refresh",
            help="How and when test data is refreshed.",
            placeholders=("TEST_DATA_REFRESH_STRATEGY",),
            width=18,
        ),
        Column(
            "deployment_strategy",
            "Deployment Strategy",
            "choice",
            choices=DEPLOYMENT_STRATEGIES,
            synonyms=STRATEGY_SYNONYMS,
            help="How production cutover happens.",
            example="Blue-green",
            placeholders=("DEPLOYMENT_STRATEGY",),
            width=18,
        ),
        Column(
            "deployment_window",
            "Deployment Window",
            help="Agreed window, e.g. 'Sunday 06:00-09:00 ET'.",
            placeholders=("DEPLOYMENT_WINDOW",),
            width=20,
        ),
        Column(
            "rollback_criteria",
            "Rollback Criteria",
            help="What triggers a rollback.",
            example="More than 2% of orders fail to sync in the first hour",
            placeholders=("ROLLBACK_CRITERIA",),
            width=28,
        ),
        Column(
            "rollback_time",
            "Rollback Time",
            help="How long a rollback takes.",
            example="15 minutes",
            placeholders=("ROLLBACK_TIME_ESTIMATE",),
            width=14,
        ),
        Column(
            "target_success_rate",
            "Target Success Rate",
            "percent",
            help="Sync success-rate target. Blank: Settings > Target Success Rate.",
            example=0.995,
            placeholders=("TARGET_RATE",),
            width=14,
            bounds=(0, 1),
        ),
        Column(
            "target_sync_duration",
            "Target Sync Duration",
            help="Average sync duration target, e.g. 'under 5 minutes'.",
            placeholders=("TARGET_DURATION",),
            width=16,
        ),
        Column(
            "target_error_rate",
            "Target Error Rate",
            "percent",
            help="Maximum error rate. Blank: Settings > Target Error Rate.",
            example="0.5%",
            placeholders=("TARGET_ERROR_RATE",),
            width=14,
            bounds=(0, 1),
            percent_reading="rate",
        ),
        Column(
            "accuracy_metric",
            "Accuracy Metric",
            help="How data accuracy is measured, e.g. 'daily totals match to the cent'.",
            placeholders=("ACCURACY_METRIC",),
            width=24,
        ),
        Column(
            "response_time_target",
            "Response Time Target",
            help="API response-time target, e.g. 'p95 under 2 s'.",
            placeholders=("RESPONSE_TIME_TARGET",),
            width=16,
        ),
        Column(
            "log_location",
            "Log Location",
            help="Where application logs live. Blank: Settings > Log Location.",
            placeholders=("LOG_LOCATION",),
            width=20,
        ),
        Column(
            "dashboard_url",
            "Dashboard URL",
            help="Monitoring dashboard address (kept as text).",
            placeholders=("DASHBOARD_URL",),
            width=24,
        ),
        Column(
            "alert_destination",
            "Alert Destination",
            help="Where alerts go, e.g. '#acme-integration on Slack'. Blank: Settings.",
            placeholders=("ALERT_DESTINATION",),
            width=20,
        ),
        Column(
            "incident_tool",
            "Incident Tool",
            help="Incident tracking tool. Blank: Settings > Incident Tool.",
            placeholders=("INCIDENT_TOOL",),
            width=16,
        ),
        Column(
            "monitoring_period_hours",
            "Monitoring Period Hours",
            "int",
            help="Hours of close monitoring after go-live. Blank: Settings.",
            placeholders=("MONITORING_PERIOD",),
            width=14,
            bounds=(0, 8_760),
        ),
        Column(
            "stabilization_period_days",
            "Stabilization Period Days",
            "int",
            help="Days of stable operation before handoff. Blank: Settings.",
            placeholders=("STABILIZATION_PERIOD",),
            width=14,
            bounds=(0, 3_650),
        ),
        Column(
            "document_version",
            "Document Version",
            help="Plan version. Blank: 1.0.",
            placeholders=("VERSION",),
            width=10,
        ),
        Column(
            "document_owner",
            "Document Owner",
            help="Who owns the plan. Blank: the project manager.",
            placeholders=("DOCUMENT_OWNER",),
            width=18,
            kind="name",
        ),
        Column(
            "approved_by",
            "Approved By",
            help="Who approved the plan for the client (name and title). Blank: the plan's approval block "
            "keeps a blank signature line and the Word/PDF plan is marked DRAFT.",
            example="Marco Ruiz (Controller)",
            width=18,
        ),
        Column(
            "approval_date",
            "Approval Date",
            "date",
            help="When the plan was approved. Blank: a blank date line in the approval block.",
            example="2026-01-20",
            width=13,
            bounds=(date(1900, 1, 1), date(2200, 12, 31)),
        ),
    ),
)

CHILD_SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "Pain Points",
        "pain_points",
        help="What hurts today, one row each. Hours per Week feeds time savings and ROI.",
        columns=(
            _pid("pain point"),
            Column(
                "pain_point",
                "Pain Point",
                required=True,
                help="The problem in the client's words. Hours stated in the text ('15 hours a week') are used when Hours per Week is blank.",
                example="Order entry into QuickBooks takes 15 hours a week",
                placeholders=("PAIN_POINT_1", "PAIN_POINT_2", "PAIN_POINT_3"),
                width=50,
            ),
            Column(
                "hours_per_week",
                "Hours per Week",
                "number",
                help="Staff hours per week this pain costs today.",
                example=15,
                width=14,
                bounds=(0, 168),
            ),
        ),
    ),
    Sheet(
        "Objectives",
        "objectives",
        help="What the client wants to achieve; each becomes a business-impact statement.",
        columns=(
            _pid("objective"),
            Column(
                "objective",
                "Objective",
                required=True,
                help="A business objective.",
                example="Close the books two days faster",
                width=44,
            ),
            Column(
                "business_impact",
                "Business Impact",
                help="The impact statement for the plan. Blank: the objective is used.",
                example="Month-end close two days faster",
                placeholders=("BUSINESS_IMPACT_1", "BUSINESS_IMPACT_2", "BUSINESS_IMPACT_3"),
                width=44,
            ),
        ),
    ),
    Sheet(
        "Workflows",
        "workflows",
        help="Each data flow the integration implements, in build order.",
        columns=(
            _pid("workflow"),
            Column(
                "workflow",
                "Workflow",
                required=True,
                help="What moves where, e.g. 'Sync paid orders to invoices'.",
                example="Create QuickBooks invoice for each paid Shopify order",
                placeholders=("WORKFLOW_1", "WORKFLOW_2", "WORKFLOW_3"),
                width=48,
            ),
            Column(
                "trigger",
                "Trigger",
                "choice",
                choices=("Real-time", "Scheduled", "Manual"),
                help="What starts it.",
                example="Real-time",
                width=12,
                synonyms=(
                    ("Realtime", "Real-time"),
                    ("Live", "Real-time"),
                    ("Instant", "Real-time"),
                    ("Webhook", "Real-time"),
                    ("Batch", "Scheduled"),
                    ("Cron", "Scheduled"),
                    ("By hand", "Manual"),
                ),
            ),
            Column(
                "spec_section",
                "Spec Section",
                help="Technical Specs section describing it. Blank: numbered in order.",
                example="3.1",
                width=12,
            ),
            Column(
                "source_system",
                "Source System",
                help="The system the workflow reads from: System A, System B or a system on the Systems sheet, "
                "written as there. Blank: read from the workflow's wording (System A when it names neither), "
                "marked assumed.",
                example="Shopify",
                width=18,
            ),
            Column(
                "target_system",
                "Target System",
                help="The system the workflow writes to: System A, System B or a system on the Systems sheet, "
                "written as there. Blank: the other system of the pair, marked assumed.",
                example="QuickBooks Online",
                width=18,
            ),
            Column(
                "frequency",
                "Frequency",
                "frequency",
                help="How often it runs: real-time (on each change), every 15 minutes, hourly, every 2 hours, "
                "daily, daily at 02:00, weekly, or on demand. Blank: event-driven when the source publishes "
                "webhooks (Systems sheet, else the catalog), polling sized to the Latency Target otherwise, "
                "marked assumed.",
                example="every 15 minutes",
                width=18,
            ),
            Column(
                "latency_target",
                "Latency Target",
                "span",
                help="The longest a change may take to reach the target, such as 5 minutes or 1 hour. A Frequency "
                "slower than this is a coherence warning; a blank Frequency is sized to it.",
                example="5 minutes",
                width=14,
            ),
        ),
    ),
    Sheet(
        "Systems",
        "systems",
        help="API facts per system; overrides the built-in catalog for that project.",
        columns=(
            _pid("system"),
            Column(
                "system",
                "System",
                required=True,
                help="System name as on the Projects sheet.",
                example="Shopify",
                width=20,
            ),
            Column(
                "rate_limit",
                "Rate Limit",
                help="Rate limit that applies to this client's plan/tier.",
                example="2 req/s (REST, Standard plan)",
                placeholders=("RATE_LIMIT",),
                width=28,
            ),
            Column(
                "webhooks",
                "Webhooks",
                "choice",
                choices=YES_NO,
                synonyms=YES_NO_SYNONYMS,
                help="Does the API push change events?",
                example="Yes",
                placeholders=("YES/NO",),
                width=11,
            ),
            Column(
                "batch_operations",
                "Batch Operations",
                help="Bulk or batch capabilities.",
                placeholders=("BATCH_CAPABILITIES",),
                width=24,
            ),
            Column(
                "known_quirks",
                "Known Quirks",
                help="Quirks the engineers must know.",
                placeholders=("QUIRKS",),
                width=30,
            ),
            Column(
                "account_details",
                "Account Details",
                help="Plan/tier, store URL, realm, environments.",
                example="Shopify Plus, acme-outdoor.myshopify.com",
                placeholders=("DETAILS",),
                width=30,
            ),
        ),
    ),
    Sheet(
        "Risks",
        "risks",
        help="Project-specific risks. Common risks per integration type are added by planforge.",
        columns=(
            _pid("risk"),
            Column(
                "risk",
                "Risk",
                required=True,
                help="What could go wrong.",
                example="Tax rounding differs between systems",
                placeholders=("RISK_1", "RISK_2", "RISK_3"),
                width=40,
            ),
            Column(
                "likelihood",
                "Likelihood",
                "choice",
                True,
                LEVELS,
                synonyms=LEVEL_SYNONYMS,
                help="Low, Medium or High.",
                example="Medium",
                placeholders=("LOW/MED/HIGH",),
                width=12,
            ),
            Column(
                "impact",
                "Impact",
                "choice",
                True,
                LEVELS,
                synonyms=LEVEL_SYNONYMS,
                help="Low, Medium or High.",
                example="High",
                width=12,
            ),
            Column(
                "mitigation",
                "Mitigation",
                help="How we prevent or contain it.",
                example="Reconcile totals daily during hypercare",
                placeholders=("MITIGATION_1", "MITIGATION_2", "MITIGATION_3"),
                width=40,
            ),
            Column(
                "owner",
                "Owner",
                help="Who watches it. Blank: the lead engineer.",
                placeholders=("OWNER_1", "OWNER_2", "OWNER_3"),
                width=18,
            ),
        ),
    ),
    Sheet(
        "Alerts",
        "alerts",
        help="Production alerts and their thresholds.",
        columns=(
            _pid("alert"),
            Column(
                "alert",
                "Alert",
                required=True,
                help="What is watched.",
                example="Sync failure rate",
                placeholders=("ALERT_1", "ALERT_2", "ALERT_3"),
                width=28,
            ),
            Column(
                "threshold",
                "Threshold",
                help="When it fires.",
                example="> 2% of syncs in 15 min",
                placeholders=("THRESHOLD_1", "THRESHOLD_2", "THRESHOLD_3"),
                width=24,
            ),
            Column(
                "severity",
                "Severity",
                "choice",
                choices=SEVERITIES,
                synonyms=SEVERITY_SYNONYMS,
                help="Critical, High, Medium or Low.",
                example="High",
                placeholders=("SEVERITY_1", "SEVERITY_2", "SEVERITY_3"),
                width=11,
            ),
            Column(
                "response_time",
                "Response Time",
                help="How fast someone responds.",
                example="30 minutes",
                placeholders=("RESPONSE_1", "RESPONSE_2", "RESPONSE_3"),
                width=14,
            ),
            Column(
                "workflow",
                "Workflow",
                help="The workflow this alert covers: its number on the Workflows sheet (1, 2, ...) or its text; several separated by ';'. Blank: every workflow of the project.",
                example="1",
                width=16,
            ),
        ),
    ),
    Sheet(
        "Team",
        "team",
        help="Who works on the project. Names feed the team table, phase owners and the People load in the summary.",
        columns=(
            _pid("team member"),
            Column(
                "role",
                "Role",
                "choice",
                True,
                ROLES,
                synonyms=ROLE_SYNONYMS,
                help="The person's role on this project.",
                example="Lead Engineer",
                placeholders=("DEV_NAME", "QA_NAME", "DEVOPS_NAME"),
                width=22,
            ),
            Column(
                "name",
                "Name",
                required=True,
                help="Full name; the same spelling across projects lets the summary add up each person's load.",
                example="Priya Natarajan",
                width=20,
                kind="name",
            ),
            Column(
                "responsibilities", "Responsibilities", help="Blank: the role's standard responsibilities.", width=40
            ),
            Column(
                "allocation",
                "Allocation",
                "percent",
                help="Share of the person's week on this project (100% = full time). Blank: 100%.",
                example=0.5,
                width=11,
                bounds=(0, 1),
            ),
        ),
    ),
    Sheet(
        "Test Scenarios",
        "test_scenarios",
        help="UAT scenarios by type; they fill the test sections of the plan.",
        columns=(
            _pid("test scenario"),
            Column(
                "scenario",
                "Scenario",
                required=True,
                help="What is tested.",
                example="Order with two tax rates creates one invoice with two tax lines",
                placeholders=(
                    "TEST_SCENARIO_1",
                    "TEST_SCENARIO_2",
                    "TEST_SCENARIO_3",
                    "ERROR_SCENARIO_1",
                    "ERROR_SCENARIO_2",
                    "EDGE_CASE_1",
                    "EDGE_CASE_2",
                    "PERFORMANCE_SCENARIO",
                ),
                width=50,
            ),
            Column(
                "type",
                "Type",
                "choice",
                choices=SCENARIO_TYPES,
                synonyms=SCENARIO_SYNONYMS,
                help="Happy Path, Edge Case, Error Handling, Performance or Security. Blank: Happy Path.",
                example="Edge Case",
                width=14,
            ),
            Column(
                "workflow",
                "Workflow",
                help="The workflow this scenario tests covers: its number on the Workflows sheet (1, 2, ...) or its text; several separated by ';'. Blank: a general scenario, listed apart in the test cases.",
                example="1",
                width=16,
            ),
        ),
    ),
    Sheet(
        "Open Items",
        "open_items",
        help="Open questions, blockers and assumptions to validate.",
        columns=(
            _pid("open item"),
            Column(
                "item",
                "Item",
                required=True,
                help="The question, blocker or assumption.",
                example="Which QuickBooks class should online orders use?",
                placeholders=("OPEN_QUESTIONS", "CURRENT_BLOCKERS", "ASSUMPTIONS_TO_VALIDATE"),
                width=50,
            ),
            Column(
                "type",
                "Type",
                "choice",
                True,
                OPEN_ITEM_TYPES,
                help="Question, Blocker or Assumption.",
                example="Question",
                width=12,
            ),
            Column("owner", "Owner", help="Who answers or clears it.", width=18),
            Column(
                "due_date",
                "Due Date",
                "date",
                help="When it must be answered.",
                width=12,
                bounds=(date(1900, 1, 1), date(2200, 12, 31)),
            ),
            Column(
                "workflow",
                "Workflow",
                help="The workflow this item is about: its number on the Workflows sheet (1, 2, ...) or its text; "
                "several separated by ';'. Blank: the whole project. A question about the direction, trigger, "
                "frequency or systems that the workflow's row already states is a coherence warning.",
                example="2",
                width=16,
            ),
        ),
    ),
    Sheet(
        "Success Criteria",
        "success_criteria",
        help="Project-specific criteria for calling the implementation complete.",
        columns=(
            _pid("success criterion"),
            Column(
                "criterion",
                "Criterion",
                required=True,
                help="A measurable criterion.",
                example="30 consecutive days with zero unreconciled orders",
                placeholders=("SUCCESS_CRITERION_1", "SUCCESS_CRITERION_2", "SUCCESS_CRITERION_3"),
                width=50,
            ),
            Column(
                "workflow",
                "Workflow",
                help="The workflow this criterion measures: its number on the Workflows sheet (1, 2, ...) or its "
                "text; several separated by ';'. Blank: the whole project. A duration the criterion states "
                "('within 5 minutes') that the workflow's Frequency cannot meet is a coherence warning.",
                example="1",
                width=16,
            ),
        ),
    ),
    Sheet(
        "Deployment Steps",
        "deployment_steps",
        help="Production deployment steps, in order.",
        columns=(
            _pid("deployment step"),
            Column(
                "step",
                "Step",
                required=True,
                help="One step of the cutover, in order.",
                example="Pause manual order entry",
                placeholders=(
                    "DEPLOYMENT_STEP_1",
                    "DEPLOYMENT_STEP_2",
                    "DEPLOYMENT_STEP_3",
                    "DEPLOYMENT_STEP_4",
                    "DEPLOYMENT_STEP_5",
                ),
                width=50,
            ),
            Column("owner", "Owner", help="Who performs it.", width=18),
            Column(
                "workflow",
                "Workflow",
                help="The workflow this step deploys covers: its number on the Workflows sheet (1, 2, ...) or its text; several separated by ';'. Blank: every workflow of the project.",
                example="1",
                width=16,
            ),
            Column(
                "duration",
                "Duration",
                help="How long the step takes, e.g. '30 minutes'. Blank: to be agreed.",
                example="30 minutes",
                width=12,
            ),
        ),
    ),
    Sheet(
        "Field Mappings",
        "field_mappings",
        help="Field-level mapping per workflow, for the technical specifications.",
        columns=(
            _pid("field mapping"),
            Column(
                "workflow",
                "Workflow",
                required=True,
                help="The workflow the mapping belongs to: its number on the Workflows sheet (1, 2, ...) or its text.",
                example="1",
                width=16,
            ),
            Column("source_object", "Source Object", help="Record type read, e.g. 'Order'.", example="Order", width=18),
            Column(
                "source_field",
                "Source Field",
                required=True,
                help="Field read from the source system.",
                example="total_price",
                width=22,
            ),
            Column(
                "target_object",
                "Target Object",
                help="Record type written, e.g. 'SalesReceipt'.",
                example="SalesReceipt",
                width=18,
            ),
            Column(
                "target_field",
                "Target Field",
                required=True,
                help="Field written in the target system.",
                example="TotalAmt",
                width=22,
            ),
            Column(
                "transform",
                "Transform",
                help="How the value changes on the way, e.g. 'cents to decimal'. Blank: copied as is.",
                width=30,
            ),
            Column(
                "required",
                "Required",
                "bool",
                help="Yes when the target record cannot be written without this field.",
                example="Yes",
                width=10,
            ),
            Column(
                "key",
                "Matching Key",
                "bool",
                help="Yes when this field identifies the record in the target (used to find it again, so a retry never duplicates it).",
                example="No",
                width=12,
            ),
        ),
    ),
    Sheet(
        "Scope",
        "scope",
        help="What the engagement covers and does not, for the statement of work.",
        columns=(
            _pid("scope item"),
            Column(
                "item",
                "Item",
                required=True,
                help="One scope statement, assumption or client dependency.",
                example="Posting paid Shopify orders to QuickBooks Online",
                width=50,
            ),
            Column(
                "kind",
                "Kind",
                "choice",
                True,
                SCOPE_KINDS,
                synonyms=SCOPE_SYNONYMS,
                help="In scope, Out of scope, Assumption or Client dependency.",
                example="In scope",
                width=18,
            ),
            Column(
                "workflow",
                "Workflow",
                help="For an in-scope item, the workflow that delivers it: its number (1, 2, ...) or its text. Blank: matched by its wording.",
                width=16,
            ),
        ),
    ),
)


@dataclass(frozen=True)
class Setting:
    """A firm-wide policy value on the Settings sheet, with its built-in default."""

    key: str
    label: str
    #: declared by name (``"percent"``, ``"phase_days"``), read as its ``ColumnKind``; every
    #: declaration names kind, default and help (they have defaults only because the kind's field does)
    kind: KindField = KindField("text")  # noqa: RUF009 (a descriptor field: one shared instance is the point)
    default: Any = None
    help: str = ""
    #: (lowest, highest) accepted value, for each of the five numbers of a phase_days setting too;
    #: settings must fit what a calendar can hold
    bounds: tuple[Any, Any] | None = None
    percent_reading: str = "auto"
    choices: tuple[str, ...] = ()

    def rules(self) -> Rules:
        return Rules(self.choices, bounds=self.bounds, percent_reading=self.percent_reading)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "currency",
        "Currency",
        "currency",
        "USD",
        "Currency of every amount (ISO code such as USD, EUR, GBP) when a project names none; plans print amounts in it.",
    ),
    Setting(
        "locale",
        "Locale",
        "locale",
        None,
        "How plans print money, numbers and percentages when a project names no Locale, as a BCP 47 tag "
        "(de-DE prints 48.500 €); the documents stay in English. Blank: from each project's currency "
        "(USD en-US, GBP en-GB, EUR en-IE, CAD en-CA, AUD en-AU, NZD en-NZ, others en-US).",
    ),
    Setting(
        "default_hourly_rate",
        "Default Hourly Rate",
        "money",
        45,
        "Loaded hourly cost of client staff when a project has no Hourly Rate.",
        bounds=(0, 100_000),
    ),
    Setting(
        "working_weeks_per_year",
        "Working Weeks per Year",
        "int",
        48,
        "Weeks used to annualise weekly time savings.",
        bounds=(1, 52),
    ),
    Setting(
        "phase_days_low",
        "Phase Days Low",
        "phase_days",
        "5, 10, 5, 2, 10",
        "Business days of phases 1-5 for Low complexity, before the confidence buffer.",
        bounds=(1, 260),
    ),
    Setting(
        "phase_days_medium",
        "Phase Days Medium",
        "phase_days",
        "10, 20, 10, 3, 20",
        "Business days of phases 1-5 for Medium complexity.",
        bounds=(1, 260),
    ),
    Setting(
        "phase_days_high",
        "Phase Days High",
        "phase_days",
        "15, 35, 15, 5, 30",
        "Business days of phases 1-5 for High complexity.",
        bounds=(1, 260),
    ),
    Setting(
        "buffer_below_85",
        "Buffer Below 85%",
        "percent",
        0.15,
        "Extra time on phases 1-4 when confidence is under 85%.",
        bounds=(0, 1),
    ),
    Setting(
        "buffer_below_70",
        "Buffer Below 70%",
        "percent",
        0.30,
        "Extra time on phases 1-4 when confidence is under 70% (or unknown).",
        bounds=(0, 1),
    ),
    Setting(
        "buffer_below_50",
        "Buffer Below 50%",
        "percent",
        0.50,
        "Extra time on phases 1-4 when confidence is under 50%.",
        bounds=(0, 1),
    ),
    Setting(
        "error_reduction_estimate",
        "Error Reduction Estimate",
        "percent",
        0.8,
        "Planning estimate of fewer data-entry errors once re-keying is automated.",
        bounds=(0, 1),
    ),
    Setting(
        "monitoring_period_hours",
        "Monitoring Period Hours",
        "int",
        48,
        "Hours of close monitoring after go-live.",
        bounds=(0, 8_760),
    ),
    Setting(
        "stabilization_period_days",
        "Stabilization Period Days",
        "int",
        30,
        "Days of stable operation before handoff to support.",
        bounds=(0, 3_650),
    ),
    Setting(
        "review_interval_days",
        "Review Interval Days",
        "int",
        14,
        "Days from the plan date to its next review.",
        bounds=(1, 3_650),
    ),
    Setting(
        "target_success_rate",
        "Target Success Rate",
        "percent",
        0.995,
        "Default sync success-rate target.",
        bounds=(0, 1),
    ),
    Setting(
        "target_error_rate",
        "Target Error Rate",
        "percent",
        "0.5%",
        "Default maximum error rate.",
        bounds=(0, 1),
        percent_reading="rate",
    ),
    Setting(
        "hosting_provider",
        "Hosting Provider",
        "text",
        None,
        "Firm-standard hosting, used when a project leaves it blank; the documents state it as the firm's own fact (never assumed).",
    ),
    Setting(
        "secret_manager",
        "Secret Manager",
        "text",
        None,
        "Firm-standard secret store, used when a project leaves it blank; stated as the firm's fact.",
    ),
    Setting(
        "monitoring_tool",
        "Monitoring Tool",
        "text",
        None,
        "Firm-standard monitoring platform, used when a project leaves it blank; stated as the firm's fact.",
    ),
    Setting(
        "log_location",
        "Log Location",
        "text",
        None,
        "Firm-standard log destination, used when a project leaves it blank; stated as the firm's fact.",
    ),
    Setting(
        "alert_destination",
        "Alert Destination",
        "text",
        None,
        "Firm-standard alert channel, used when a project leaves it blank; stated as the firm's fact.",
    ),
    Setting(
        "incident_tool",
        "Incident Tool",
        "text",
        None,
        "Firm-standard incident tracker, used when a project leaves it blank; stated as the firm's fact.",
    ),
    Setting(
        "holiday_country",
        "Holiday Country",
        "text",
        None,
        "Country (or country-region) whose public holidays plans skip like weekends, e.g. US, GB-ENG, DE-BW, "
        "CA-ON; a project's own Holiday Country overrides it. One code a cell; GB alone misses England's "
        "Easter Monday (use GB-ENG, GB-SCT, GB-WLS or GB-NIR).",
    ),
    Setting(
        "closure_dates",
        "Closure Dates",
        "text",
        None,
        "Firm closure days plans skip like weekends, as dates separated by commas, e.g. 2026-12-24, 2026-12-31.",
    ),
    Setting(
        "firm_name",
        "Firm Name",
        "text",
        None,
        "Your firm's name, the preparer of every client document: shown in each document's front matter "
        "(Markdown, HTML, Word and PDF), on the cover page and as the Word/PDF author. Required: generate writes "
        "no client document without it unless --draft is given (drafts then read [Firm name]).",
    ),
    Setting(
        "firm_address",
        "Firm Address",
        "text",
        None,
        "Your firm's postal address, shown under the firm's name in each document's front matter and on the cover.",
    ),
    Setting(
        "firm_contact",
        "Firm Contact",
        "text",
        None,
        "How the client reaches your firm (email, phone), shown with the firm's name in each document's front matter.",
    ),
    Setting(
        "logo",
        "Logo",
        "text",
        None,
        "Your firm's logo: a PNG or JPEG file, its path relative to the workbook (e.g. logo.png), placed on the "
        "Word/PDF cover and running header and at the top of each HTML page. generate --logo FILE overrides it.",
    ),
    Setting(
        "payment_terms",
        "Payment Terms",
        "payment_terms",
        None,
        "How the fee is invoiced, printed in the statement of work as a payment table: monthly (equal "
        "instalments from kickoff to go-live), or milestones with their shares summing to 100% (Signature, "
        "Kickoff, Design approved, Build complete, UAT sign-off, Go-live, Handover to support), e.g. "
        "Kickoff 30%, UAT sign-off 40%, Go-live 30%. A project's Payment Terms overrides it. Blank: the "
        "payment terms are to be confirmed.",
    ),
    Setting(
        "show_effort_in_sow",
        "Show Effort in SOW",
        "bool",
        False,
        "Yes: the statement of work shows the delivery team's allocation in person-days per phase (never "
        "the basis of the fee). Blank or No: it shows none.",
    ),
    Setting(
        "documents",
        "Documents",
        "choices",
        None,
        "Documents generate writes per project when --documents is not given: "
        + documents_help("; comma-separated. Blank: plan."),
        choices=(*DOCUMENT_KINDS, "all"),
    ),
)
SETTINGS_SHEET = "Settings"
INSTRUCTIONS_SHEET = "Instructions"

SHEETS: tuple[Sheet, ...] = (PROJECTS, *CHILD_SHEETS)

#: Placeholders filled by derivations or defaults rather than one column: name -> where it comes from.
#: Each workflow's integration model: (value, where it comes from, what reads it). The field map
#: lists it; the rules are context.flows' docstring.
WORKFLOW_MODEL: tuple[tuple[str, str, str], ...] = (
    (
        "Direction",
        "Workflows > Source System and Target System; a blank end from the workflow's wording "
        "(context.flows.worded_direction), else System A to System B; marked assumed, unless the name states "
        "both ends outright (context.flows.named_ends), when only the review notes it",
        "plan 1.3; technical specifications 4.n Direction; test cases' preconditions and steps; "
        "runbook rollback and verification (the systems each workflow writes to)",
    ),
    (
        "Trigger",
        "Workflows > Trigger; else the Frequency's (real-time, interval, on demand); else the source's "
        "Webhooks (Systems sheet, else the catalog): Real-time when it publishes events, Scheduled otherwise; marked assumed",
        "plan 1.3; technical specifications 4.n Trigger; test cases' run step",
    ),
    (
        "Frequency",
        "Workflows > Frequency; else event-driven when the source publishes events, polling at the slowest "
        "standard interval that meets the Latency Target otherwise (5 minutes without one), a schedule without "
        "a target once a day; marked assumed",
        "plan 1.3; technical specifications 4.n Frequency; test cases' run step",
    ),
    (
        "Latency target",
        "Workflows > Latency Target",
        "technical specifications 4.n Latency target; the derived polling interval; the coherence warning "
        "cadence-slower-than-target",
    ),
    (
        "Success criteria and open items",
        "Success Criteria > Workflow and Open Items > Workflow (the workflow's number or text; blank: the whole project)",
        "plan 9 and 10 name the workflow; the coherence warnings criterion-cadence-slower (a criterion's duration "
        "against the workflow's Frequency) and question-answered-by-row (a question the workflow's row answers)",
    ),
)

DERIVED_PLACEHOLDERS: dict[str, str] = {
    "DATE": "the run's `--date` (default today)",
    "LAST_UPDATED": "the run's `--date`",
    "NEXT_REVIEW_DATE": "derive: `--date` + Settings > Review Interval Days",
    "TOTAL_TIMELINE": "derive.phase_days (Complexity, else derive.complexity; Confidence buffer) and derive.schedule from Kickoff Date",
    "PHASE_1_DURATION": "derive.phase_days, dates by derive.schedule",
    "PHASE_2_DURATION": "derive.phase_days, dates by derive.schedule",
    "PHASE_3_DURATION": "derive.phase_days, dates by derive.schedule",
    "PHASE_4_DURATION": "derive.phase_days, dates by derive.schedule",
    "PHASE_5_DURATION": "derive.phase_days (support phase, not buffered)",
    "PHASE_1_OWNER": "Team role Solutions Architect, else the lead engineer (plan_context._phase_owners)",
    "PHASE_2_OWNER": "the lead engineer",
    "PHASE_3_OWNER": "Team role QA Engineer, else the lead engineer",
    "PHASE_4_OWNER": "Team role DevOps Engineer, else the lead engineer",
    "PHASE_5_OWNER": "Team role Support Engineer, else the project manager",
    "PHASE_1_STATUS": "derive.phase_status: phase dates against `--date`, and Status",
    "PHASE_2_STATUS": "derive.phase_status",
    "PHASE_3_STATUS": "derive.phase_status",
    "PHASE_4_STATUS": "derive.phase_status",
    "PHASE_5_STATUS": "derive.phase_status",
    "TIME_SAVINGS": "derive.time_savings: Pain Points > Hours per Week, else hours stated in the text",
    "ROI_ESTIMATE": "derive.roi: time savings x Hourly Rate against Budget",
    "ERROR_REDUCTION": "Projects > Error Reduction, else Settings > Error Reduction Estimate (labelled estimate; left out when no pain point states its hours)",
    "ONE_PARAGRAPH_SUMMARY": "Projects > Executive Summary, else compose.executive_summary",
    "APPROACH_RATIONALE": "Projects > Approach Rationale, else compose.approach_rationale",
    "INTEGRATION_TYPE": "Projects > Integration Type, else catalog.integration_types from System A and B",
    "LEAD_ENGINEER": "Projects > Lead Engineer, else Team role Lead Engineer",
    "PROJECT_MANAGER": "Projects > Project Manager, else Team role Project Manager",
    "STATUS": "Projects > Status, default Planning",
    "BUSINESS_IMPACT_1": "Objectives > Business Impact, else the objective (compose.business_impacts)",
    "BUSINESS_IMPACT_2": "Objectives > Business Impact, else the objective",
    "BUSINESS_IMPACT_3": "Objectives > Business Impact, else the objective",
    "RATE_LIMIT": "Systems > Rate Limit, else the catalog figure with source and as-of date, else TBD",
    "YES/NO": "Systems > Webhooks, else the catalog, else TBD",
    "BATCH_CAPABILITIES": "Systems > Batch Operations, else the catalog, else TBD",
    "QUIRKS": "Systems > Known Quirks, else the catalog, else TBD",
    "DETAILS": "Systems > Account Details, else TBD",
    "LOW/MED/HIGH": "Risks > Likelihood and Risks > Impact",
    "PM_NAME": "Projects > Project Manager, else Team role Project Manager",
    "LEAD_NAME": "Projects > Lead Engineer, else Team role Lead Engineer",
    "DEV_NAME": "Team role Backend Developer",
    "QA_NAME": "Team role QA Engineer",
    "DEVOPS_NAME": "Team role DevOps Engineer",
    "CLIENT_POC": "Projects > Client Contact, else Team role Client Point of Contact",
    "PERFORMANCE_SCENARIO": "Test Scenarios of type Performance, else Projects > Performance Targets",
    "EDGE_CASE_1": "Test Scenarios of type Edge Case",
    "EDGE_CASE_2": "Test Scenarios of type Edge Case",
    "TEST_SCENARIO_1": "Test Scenarios of type Happy Path (or blank type)",
    "TEST_SCENARIO_2": "Test Scenarios (Happy Path)",
    "TEST_SCENARIO_3": "Test Scenarios (Happy Path)",
    "ERROR_SCENARIO_1": "Test Scenarios of type Error Handling",
    "ERROR_SCENARIO_2": "Test Scenarios of type Error Handling",
    "SUCCESS_CRITERION_1": "Success Criteria > Criterion; Success Criteria > Workflow names the workflow it measures",
    "SUCCESS_CRITERION_2": "Success Criteria > Criterion; Success Criteria > Workflow names the workflow it measures",
    "SUCCESS_CRITERION_3": "Success Criteria > Criterion; Success Criteria > Workflow names the workflow it measures",
    "OPEN_QUESTIONS": "Open Items of type Question; Open Items > Workflow names the workflow it is about",
    "CURRENT_BLOCKERS": "Open Items of type Blocker; Open Items > Workflow names the workflow it is about",
    "ASSUMPTIONS_TO_VALIDATE": "Open Items of type Assumption; Open Items > Workflow names the workflow it is about",
    "MONITORING_PERIOD": "Projects > Monitoring Period Hours, else Settings",
    "STABILIZATION_PERIOD": "Projects > Stabilization Period Days, else Settings",
    "TARGET_RATE": "Projects > Target Success Rate, else Settings",
    "TARGET_ERROR_RATE": "Projects > Target Error Rate, else Settings",
    "VERSION": "Projects > Document Version, else 1.0",
    "DOCUMENT_OWNER": "Projects > Document Owner, else the project manager",
    "PROVIDER": "Projects > Hosting Provider, else Settings > Hosting Provider",
    "SECRET_MANAGER": "Projects > Secret Manager, else Settings",
    "MONITORING_TOOL": "Projects > Monitoring Tool, else Settings",
    "LOG_LOCATION": "Projects > Log Location, else Settings",
    "ALERT_DESTINATION": "Projects > Alert Destination, else Settings",
    "INCIDENT_TOOL": "Projects > Incident Tool, else Settings",
    "TEST_DATA_SOURCE": "Projects > Test Data Source, else vendor sandboxes",
}

_HEADER_NOISE = re.compile(r"[\s_\u00a0\u2007\u202f\u200b*:.\-/()]+")


def normalise_header(text: Any) -> str:
    """Header matching ignores case, spaces, underscores, non-breaking spaces and punctuation."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return _HEADER_NOISE.sub("", folded)


def header_lookup(sheet: Sheet) -> dict[str, Column]:
    """Normalised header (and aliases) -> column."""
    lookup: dict[str, Column] = {}
    for col in sheet.columns:
        for name in (col.header, col.key, *col.aliases):
            lookup.setdefault(normalise_header(name), col)
    return lookup


def settings_lookup() -> dict[str, Setting]:
    return {normalise_header(s.label): s for s in SETTINGS} | {normalise_header(s.key): s for s in SETTINGS}


def column_placeholders() -> dict[str, str]:
    """Placeholder -> 'Sheet > Column' for every column that fills one."""
    found: dict[str, str] = {}
    for sheet in SHEETS:
        for col in sheet.columns:
            for ph in col.placeholders:
                found.setdefault(ph, f"{sheet.name} > {col.header}")
    return found
