"""Prose composed from the intake when the analyst left it blank.

Each function reads like a consultant's first draft: concrete (names the systems, figures and
objectives), short, and honest about what is estimated. Inputs are plain text; escaping for
the output format happens later, in the template filters.
"""

from __future__ import annotations

from typing import Any

from . import derive
from .completeness import Completeness
from .model import Objective, PainPoint, Project, Settings
from .money import format_money, format_rate

TYPE_LABELS = {
    "accounting": "accounting",
    "marketing": "marketing",
    "fulfillment": "fulfillment",
    "inventory": "inventory",
    "pos": "point-of-sale",
}


def sentence_start(text: str, names: tuple[str, ...] = ()) -> str:
    """Lower-case the first letter for use mid-sentence, unless the first word is a name:
    an acronym or camel-case word ('QuickBooks'), a catalog system, or one of ``names``."""
    from .catalog import known_words

    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if len(first) < 2 or not (first[0].isupper() and first[1:].islower()):
        return text
    word = first.casefold().strip(",:;")
    if word in known_words() or any(word == w.casefold() for n in names for w in n.split()):
        return text
    return text[0].lower() + text[1:]


def join_words(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def type_phrase(types: tuple[str, ...]) -> str:
    return join_words([TYPE_LABELS[t] for t in types])


def executive_summary(
    project: Project,
    types: tuple[str, ...],
    weeks_to_live: str,
    support: str,
    go_live: str | None,
    weekly_hours: float | None,
    confidence: float | None,
) -> str:
    """What we build, why it matters, expected impact and timeline, in one paragraph."""
    kind = f"{type_phrase(types)} integration" if types else "integration"
    parts = [
        f"{project.client_name} needs an {kind} between {project.system_a} and {project.system_b}"
        if kind[0] in "aeiou"
        else f"{project.client_name} needs a {kind} between {project.system_a} and {project.system_b}"
    ]
    if project.current_state:
        parts[0] += (
            f": today the team is {sentence_start(project.current_state, (project.system_a, project.system_b))}."
        )
    else:
        parts[0] += "."
    names = (project.system_a, project.system_b, project.client_name)
    goals = [sentence_start(o.objective, names) for o in project.objectives[:3]]
    if goals:
        joined = join_words(goals) if not any("," in g for g in goals) else "; ".join(goals[:-1]) + "; and " + goals[-1]
        parts.append(f"The objectives are: {joined}." if len(goals) > 1 else f"The objective is: {goals[0]}.")
    elif project.pain_points:
        first = project.pain_points[0].pain_point.strip().rstrip(".")
        parts.append(f"The first pain point it removes: {first}.")
    if project.migration_scope and (project.data_migration is not False):
        parts.append(f"The work includes a data migration: {sentence_start(project.migration_scope, names)}.")
    if weekly_hours:
        parts.append(f"Automating the manual steps should save about {weekly_hours:,.0f} staff hours a week.")
    when = f" (go-live {go_live})" if go_live else ""
    conf = f" at {confidence * 100:.0f}% discovery confidence" if confidence is not None else ""
    parts.append(
        f"Delivery is planned in five phases over {weeks_to_live} to go-live{when}, followed by {support} of post-launch support{conf}."
    )
    return " ".join(parts)


def business_impacts(objectives: list[Objective], pain_points: list[PainPoint]) -> list[str]:
    """Each objective's Business Impact, else the objective itself; with no objectives, the
    pain points reframed as what the client stops losing."""
    if objectives:
        return [(o.business_impact or o.objective).strip().rstrip(".") for o in objectives]
    return [f"Removing today's pain point: {p.pain_point.strip().rstrip('.')}" for p in pain_points]


def approach_rationale(
    project: Project, types: tuple[str, ...], webhooks: dict[str, str | None], migration: bool
) -> list[tuple[str, str]]:
    """Reasons for the architecture, from the systems' webhook support, the integration type
    and the migration flag. ``webhooks`` maps system name -> Yes/No/Partial/None (unknown)."""
    reasons: list[tuple[str, str]] = []
    pushing = [name for name, hooks in webhooks.items() if hooks and hooks.lower().startswith(("yes", "partial"))]
    polled = [name for name, hooks in webhooks.items() if hooks and hooks.lower().startswith("no")]
    unknown = [name for name, hooks in webhooks.items() if not hooks]
    if pushing:
        reasons.append(
            (
                "Event-driven where possible",
                f"{join_words(pushing)} publish{'es' if len(pushing) == 1 else ''} change events (webhooks), so records move within minutes of the event instead of in nightly batches.",
            )
        )
    if polled:
        reasons.append(
            (
                "Scheduled polling where needed",
                f"{join_words(polled)} cannot push changes, so it is polled on a schedule sized to its rate limits.",
            )
        )
    if unknown:
        reasons.append(
            (
                "Webhook support to confirm",
                f"For {join_words(unknown)} it is not yet known; the design falls back to scheduled polling until confirmed in discovery.",
            )
        )
    reasons.append(
        (
            "Rate limits respected by design",
            "every API call goes through a queue with backoff and retry, and batch endpoints are used where the APIs offer them.",
        )
    )
    reasons.append(
        (
            "Safe to retry",
            "writes are idempotent and every run is reconciled, so a failure never creates duplicates or silent gaps.",
        )
    )
    if "accounting" in types:
        reasons.append(
            (
                "Books stay auditable",
                "postings carry the source order reference and daily totals are reconciled against the source system.",
            )
        )
    if "inventory" in types or "pos" in types:
        reasons.append(
            (
                "One source of truth for stock",
                "each quantity has one owning system, so two systems never overwrite each other's counts.",
            )
        )
    if "marketing" in types:
        reasons.append(
            ("Consent first", "consent and unsubscribes sync before any marketing event, keeping the client compliant.")
        )
    if "fulfillment" in types:
        reasons.append(
            (
                "Orders never ship twice",
                "each fulfilment carries an idempotency key, and tracking flows back automatically.",
            )
        )
    if migration:
        reasons.append(
            (
                "Migration separate from the live sync",
                "historical data is loaded and reconciled on its own schedule, so go-live does not wait for the backfill.",
            )
        )
    return reasons


def default_steps(project: Project) -> list[str]:
    """Standard cutover steps, used (and labelled as standard) when Deployment Steps is empty."""
    return [
        f"Confirm go/no-go with {project.client_name} at the start of the window",
        "Deploy the integration to production and verify its configuration",
        "Run the smoke tests against production credentials",
        f"Enable the first sync cycle from {project.system_a} to {project.system_b}",
        f"Verify the first records in {project.system_b} with the client and close the window",
    ]


def savings_text(c: Completeness, savings: derive.Savings | None, settings: Settings) -> Any:
    """Weekly and annual hours, and how many pain points stated none (so the figure is a floor)."""
    if savings is None:
        return c.value("Time savings", None, "Pain Points > Hours per Week")
    c.value("Time savings", savings.weekly_hours, "")
    text = f"About {savings.weekly_hours:,.1f} hours a week ({savings.annual_hours:,.0f} hours a year over {settings.working_weeks_per_year} working weeks)"
    text = text.replace(".0 hours a week", " hours a week")
    if savings.uncounted:
        n = len(savings.uncounted)
        text += f"; {n} more pain point{'s' if n != 1 else ''} without stated hours not counted"
    return text


def reduction_text(share: float, estimated: bool) -> str:
    """The error-reduction figure, saying so when it is the firm's planning estimate."""
    text = f"{share * 100:.0f}% fewer data-entry errors"
    return text + (
        " (planning estimate for automated data entry; confirm against the client's error log)" if estimated else ""
    )


def roi_text(c: Completeness, roi: derive.Roi | None, savings: derive.Savings | None, currency: str = "USD") -> Any:
    """ROI and payback when the budget is known; otherwise the annual value and what is missing."""
    if roi is None:
        return c.value("ROI", None, "Pain Points > Hours per Week (time savings are needed for ROI)")
    value = f"{format_money(roi.annual_value, currency)} a year in staff time ({savings.annual_hours:,.0f} h at {format_rate(roi.hourly_rate, currency)}/h, {roi.rate_source})"
    if roi.roi is None:
        c.value("Project budget", None, "Projects > Budget")
        return value + "; ROI and payback need the project budget"
    c.value("Project budget", roi.budget, "")
    ratio = f"{roi.roi * 100:,.0f}%".replace("-", "\u2212")
    later = ", positive in year two" if roi.roi < 0 else ""
    return f"Pays back in {roi.payback_months:,.1f} months on a {format_money(roi.budget.quantize(1), currency)} budget (first-year ROI {ratio}{later}); {value}"
