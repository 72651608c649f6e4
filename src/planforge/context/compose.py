"""Prose composed from the intake when the analyst left it blank.

Each function reads like a consultant's first draft: concrete (names the systems, figures and
objectives), short, and honest about what is estimated. Inputs are plain text; escaping for
the output format happens later, in the template filters.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from planforge.context.flows import Flow, build_flows, webhook_support
from planforge.core.model import Objective, PainPoint, Project, Settings
from planforge.core.money import DEFAULT_LOCALE, format_percent, localize_digits
from planforge.core.money import format_money as _money_text
from planforge.core.money import format_rate as _rate_text
from planforge.derive import rules as derive
from planforge.derive.calendar import calendar_name
from planforge.derive.catalog import known_words
from planforge.derive.completeness import Completeness
from planforge.derive.rules import number
from planforge.validation.workflows import is_two_way

#: Babel formats an amount in ~40 us, and a portfolio repeats its rates and many budgets: each
#: distinct (amount, currency) is formatted once per process (typed: 45 and Decimal("45") stay apart).
format_money = lru_cache(maxsize=4096, typed=True)(_money_text)
format_rate = lru_cache(maxsize=256, typed=True)(_rate_text)

TYPE_LABELS = {
    "accounting": "accounting",
    "marketing": "marketing",
    "fulfillment": "fulfillment",
    "inventory": "inventory",
    "pos": "point-of-sale",
    "support": "customer support",
}


def sentence_start(text: str, names: tuple[str, ...] = ()) -> str:
    """Lower-case the first letter for use mid-sentence, unless the first word is a name:
    an acronym or camel-case word ('QuickBooks'), a catalog system, or one of ``names``."""
    text = text.strip().rstrip(".")
    first = text.split(" ", 1)[0]
    if len(first) < 2 or not (first[0].isupper() and first[1:].islower()):
        return text
    word = first.casefold().strip(",:;")
    if word in known_words() or any(word == w.casefold() for n in names for w in n.split()):
        return text
    return text[0].lower() + text[1:]


def join_words(items: list[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B, and C' (with ``conjunction`` "or": 'A, B, or C')."""
    items = [i for i in items if i]
    if len(items) <= 2:
        return f" {conjunction} ".join(items)
    return ", ".join(items[:-1]) + f", {conjunction} " + items[-1]


def type_phrase(types: tuple[str, ...]) -> str:
    return join_words([TYPE_LABELS[t] for t in types])


@dataclass(frozen=True)
class Summary:
    """The composed executive summary: an opening paragraph, the objectives as a list when
    there are several (a list reads right whether each is a noun or a verb phrase), and a
    closing paragraph on figures and timeline."""

    opening: str
    objectives: tuple[str, ...]
    closing: str


def executive_summary(
    project: Project,
    types: tuple[str, ...],
    timeline: str,
    weekly_hours: float | None,
    confidence: float | None,
    buffer: float,
    sized_as: str = "",
    locale: str = DEFAULT_LOCALE,
    caveat: str = "",
) -> Summary:
    """What we build, why it matters, expected impact and timeline (with ``caveat``: what the timeline
    rests on that is not yet settled, a system assumed until a question is answered, a vendor approval). One objective goes in the
    sentence after a colon; several become a list introduced by their count. ``sized_as`` says
    what the phase lengths assume when the intake states no complexity ("low-complexity
    integration, judged from ..."), so a client never reads a derived timeline as a commitment;
    an unknown confidence says the contingency it adds."""
    kind = f"{type_phrase(types)} integration" if types else "integration"
    article = "an" if kind[0] in "aeiou" else "a"
    systems = derive.all_systems(project)
    opening = f"{project.client_name} needs {article} {kind} between {join_words(list(systems))}"
    if project.current_state:
        opening += f": today the team is {sentence_start(project.current_state, systems)}."
    else:
        opening += "."
    names = (*systems, project.client_name)
    goals = tuple(o.objective.strip().rstrip(".") for o in project.objectives)
    objectives: tuple[str, ...] = ()
    if len(goals) == 1:
        opening += f" The project has one objective: {sentence_start(goals[0], names)}."
    elif goals:
        opening += f" The project has {count_word(len(goals))} objectives:"
        objectives = goals
    elif len(project.pain_points) == 1:
        opening += f" The integration removes the manual work the team reports today: {sentence_start(project.pain_points[0].pain_point, names)}."
    elif project.pain_points:
        first = sentence_start(project.pain_points[0].pain_point, names)
        opening += f" It removes the {count_word(len(project.pain_points))} pain points listed in section 1.1, the first being: {first}."
    closing = []
    if project.migration_scope and (project.data_migration is not False):
        closing.append(f"The work includes a data migration: {sentence_start(project.migration_scope, names)}.")
    if weekly_hours:
        closing.append(
            f"Automating the manual steps should save about {number(weekly_hours, locale)} staff hours a week (section 1.2)."
        )
    closing.append(timeline)
    if sized_as:
        closing.append(f"The phase lengths assume a {sized_as}, and are re-baselined at the end of Discovery & Design.")
    if caveat:
        closing.append(caveat)
    if confidence is not None:
        conf = f"Discovery confidence is {format_percent(confidence, locale)}"
        contingency = f"{localize_digits(f'{buffer * 100:.0f}', locale)}%"
        closing.append(f"{conf}, so phases 1 to 4 include a {contingency} contingency." if buffer else f"{conf}.")
    elif buffer:
        contingency = f"{localize_digits(f'{buffer * 100:.0f}', locale)}%"
        closing.append(
            f"Discovery confidence is not yet assessed, so phases 1 to 4 include a {contingency} contingency."
        )
    return Summary(opening, objectives, " ".join(closing))


def count_word(n: int) -> str:
    """2 -> 'two' ... 10 -> 'ten'; larger numbers as digits."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    return words[n] if 0 <= n < len(words) else str(n)


def business_impacts(objectives: list[Objective], pain_points: list[PainPoint], summary: str = "") -> list[str]:
    """Each objective's Business Impact, else the objective itself; with no objectives, each pain
    point as the manual work that ends ("An end to today's manual work: ..."). An outcome the
    executive summary (``summary``, its text as shown) already states word for word is left out,
    so section 1.2 never repeats it: when nothing is left, 1.2 says less (see ``summary_text``)."""
    said = " ".join(summary.casefold().split())
    if objectives:
        cores = [(o.business_impact or o.objective).strip().rstrip(".") for o in objectives]
        return [core for core in cores if not _repeats(core, said)]
    cores = [p.pain_point.strip().rstrip(".") for p in pain_points]
    return [f"An end to today's manual work: {core}" for core in cores if not _repeats(core, said)]


def _repeats(core: str, said: str) -> bool:
    """Whether ``said`` (folded) contains ``core`` word for word."""
    folded = " ".join(core.casefold().split())
    return bool(folded) and folded in said


def summary_text(summary: Summary | None, given: str | None) -> str:
    """The executive summary's text as the plan shows it: the analyst's, else the composed one."""
    if given:
        return given
    if summary is None:
        return ""
    return " ".join((summary.opening, *summary.objectives, summary.closing))


def _plural(items: Sized, noun: str) -> str:
    return noun if len(items) == 1 else noun + "s"


def _names(flows: Sequence[Flow], names: tuple[str, ...], stated: bool = False) -> str:
    """The flows' names mid-sentence; with ``stated``, each followed by its stated Frequency."""
    return join_words(
        [
            sentence_start(f.name, names) + (f" {f.stated_frequency}" if stated and f.stated_frequency else "")
            for f in flows
        ]
    )


def approach_rationale(
    project: Project,
    types: tuple[str, ...],
    webhooks: dict[str, str | None],
    migration: bool,
    flows: Sequence[Flow] | None = None,
) -> list[tuple[str, str]]:
    """Reasons for the architecture, following each workflow's ``Flow`` (``flows``, else built from
    the project): event-driven only where the workflow's source publishes events, polling at its
    interval otherwise, scheduled or started by the team as its trigger says; their direction (a
    two-way sync shares ownership; otherwise each record has one owning system); and each system's
    webhook support as section 4.3 shows it (``webhooks``: name -> text)."""
    names = (project.system_a, project.system_b, project.client_name)
    support = {name: webhook_support(text) for name, text in webhooks.items()}
    flows = tuple(flows) if flows is not None else build_flows(project, webhooks)
    # a source the polling reason already names is not explained a second time
    told = {f.source for f in flows if f.polled}
    hooks = _webhook_reasons(project, {name: s for name, s in support.items() if name not in told})
    if flows and all(f.runs_in_batches for f in flows):
        # batch work only: the schedule leads, what the type adds follows, and webhooks do not matter
        return _workflow_reasons(flows, names, support) + _type_reasons(project, types, migration) + _engineering()
    if not flows and support.get(project.system_a) != "yes":
        # no workflow yet, and the source publishes no change events to run on: the design reads on a
        # schedule, so the scheduled runs lead, then what the type adds, then why not webhooks
        reasons = [
            (
                "Scheduled runs",
                f"until the workflows are agreed in Discovery & Design, the design writes {project.system_a}'s records "
                f"to {project.system_b} in scheduled runs, each checked complete before the next, so a missing or "
                "partial run is found the same day.",
            )
        ]
        hooks = _webhook_reasons(project, {n: s for n, s in support.items() if n not in told}, scheduled=True)
        return reasons + _type_reasons(project, types, migration) + hooks + _engineering()
    return _workflow_reasons(flows, names, support) + hooks + _engineering() + _type_reasons(project, types, migration)


def _engineering() -> list[tuple[str, str]]:
    """The reasons every design shares: rate limits and safe retries."""
    reasons: list[tuple[str, str]] = []
    reasons.append(
        (
            "Rate limits respected by design",
            "every API call goes through a queue with backoff and retry, and batch endpoints are used where the APIs offer them.",
        )
    )
    reasons.append(
        (
            "Safe to retry",
            "writes are idempotent and every run is reconciled, so a retried or repeated run creates no duplicate and a record that fails is reported, never silently lost.",
        )
    )
    return reasons


def _distinct(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _workflow_reasons(flows: Sequence[Flow], names: tuple[str, ...], support: dict[str, str]) -> list[tuple[str, str]]:
    """The workflows' triggers: events where the workflow's own source pushes, polling where it does
    not, a schedule, or the team starting them."""
    events = [f for f in flows if f.event_driven]
    polled = [f for f in flows if f.polled]
    scheduled = [f for f in flows if f.trigger_value == "Scheduled"]
    manual = [f for f in flows if f.trigger_value == "Manual"]
    reasons: list[tuple[str, str]] = []
    if events:
        pushing = _distinct([s for f in events for s in ((f.source, f.target) if f.two_way else (f.source,))])
        reasons.append(
            (
                "Event-driven where the work is time-sensitive",
                f"{join_words(pushing)} publish{'es' if len(pushing) == 1 else ''} change events (webhooks), so the "
                f"real-time {_plural(events, 'workflow')} ({_names(events, names)}) "
                f"{'moves' if len(events) == 1 else 'move'} records shortly after they change.",
            )
        )
    if polled:
        quiet = _distinct([f.polled_from or f.source for f in polled])
        every = join_words(_distinct([f"{f.polled_from or f.source} {f.poll}" for f in polled]))
        reasons.append(
            (
                "Frequent polling for time-sensitive work",
                f"the real-time {_plural(polled, 'workflow')} ({_names(polled, names)}) "
                f"{'needs' if len(polled) == 1 else 'need'} timely updates, but {join_words(quiet)} "
                + (
                    f"publish{'es' if len(quiet) == 1 else ''} no change events"
                    if all(support.get(name) == "no" for name in quiet)
                    else f"{'is' if len(quiet) == 1 else 'are'} not known to push changes"
                )
                + f", so the integration polls {every}, within the rate limits.",
            )
        )
    if scheduled:
        reasons.append(
            (
                "Scheduled where the business runs on a schedule",
                f"the scheduled {_plural(scheduled, 'workflow')} ({_names(scheduled, names, stated=True)}) "
                f"{'runs' if len(scheduled) == 1 else 'run'} on a fixed schedule, matching how the business works today, "
                "and each run is reconciled before the next.",
            )
        )
    if manual:
        reasons.append(
            (
                "Started by the team where a person decides",
                f"the team starts the {_plural(manual, 'manual workflow')} ({_names(manual, names)}) and receives "
                "a report of what was done.",
            )
        )
    return reasons


def _webhook_reasons(project: Project, support: dict[str, str], *, scheduled: bool = False) -> list[tuple[str, str]]:
    """Each system's webhook support as section 4.3 shows it (``support``: name -> yes/no/conditional/unknown).
    ``scheduled``: the design already reads on a schedule (the reason before says so), so a system whose
    webhooks come with conditions is a later option, not a second reason to read on a schedule."""
    pushing = [n for n, s in support.items() if s == "yes"]
    polled = [n for n, s in support.items() if s == "no"]
    conditional = [n for n, s in support.items() if s == "conditional"]
    unknown = [n for n, s in support.items() if s == "unknown"]
    reasons: list[tuple[str, str]] = []
    if polled:
        reasons.append(
            (
                "Scheduled polling where a system cannot push",
                f"{join_words(polled)} {'does' if len(polled) == 1 else 'do'} not publish webhooks, so "
                f"{'it is' if len(polled) == 1 else 'they are'} read on a schedule sized to the rate limits.",
            )
        )
    if conditional and scheduled:
        reasons.append(
            (
                "Webhooks if granted",
                f"{join_words(conditional)} offer{'s' if len(conditional) == 1 else ''} webhooks only under conditions "
                "(section 4.3, Third-Party API Limitations, gives them); the scheduled runs need none, and change "
                "events can be added once that access is granted.",
            )
        )
    elif conditional:
        reasons.append(
            (
                "Webhooks only where available",
                f"{join_words(conditional)} offer{'s' if len(conditional) == 1 else ''} webhooks only under conditions "
                "(section 4.3, Third-Party API Limitations, gives them), so the design reads changes on a schedule until that access is confirmed.",
            )
        )
    if unknown:
        reasons.append(
            (
                "Webhook support to confirm",
                f"for {join_words(unknown)} it is not yet confirmed, so the design reads changes on a schedule until it is.",
            )
        )
    if not project.workflows and project.system_a in pushing:
        # no workflow yet: the data is read as flowing from System A (the Direction default), so
        # only System A's events can drive it, never the target's
        reasons.append(
            (
                "Event-driven where possible",
                f"{project.system_a} publishes change events (webhooks), which the design uses once the workflows "
                "are agreed.",
            )
        )
    return reasons


def _type_reasons(project: Project, types: tuple[str, ...], migration: bool) -> list[tuple[str, str]]:
    """What the integration types (and a migration) add to the design."""
    reasons: list[tuple[str, str]] = []
    if "accounting" in types:
        reasons.append(
            (
                "Books stay auditable",
                "each posting carries the reference of the source record it comes from, and the posted totals are reconciled against the source system.",
            )
        )
    if "inventory" in types or "pos" in types:
        if is_two_way(project.workflows):
            reasons.append(
                (
                    "Stock synced both ways without overwrites",
                    "counts flow in both directions, so each change travels as an adjustment with its location, "
                    "source and time rather than as an absolute count, and a daily reconciliation flags any drift.",
                )
            )
        else:
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
                "each fulfillment carries an idempotency key, and tracking flows back automatically.",
            )
        )
    if "support" in types:
        reasons.append(
            (
                "Each ticket finds its customer",
                "helpdesk records are matched to the store's customers by email address, so a ticket shows the "
                "right customer's history and no duplicate customer is created.",
            )
        )
    if migration:
        reasons.append(
            (
                "Migration separate from the live sync",
                "historical data is loaded and reconciled in its own runs, each checked before the next, so a "
                "migration problem never corrupts the live postings.",
            )
        )
    return reasons


def default_steps(project: Project, posts_to_books: bool = False) -> list[str]:
    """Standard cutover steps, used (and labelled as standard) when Deployment Steps is empty. An
    integration that posts to the books (``posts_to_books``: an accounting type) replaces entries the
    team keys by hand today, so the first sync starts from an agreed cutover date: nothing before it
    is posted again."""
    cutover = (
        [
            f"Confirm the cutover date agreed with {project.client_name}: entries keyed by hand before it stay as "
            "they are, and the integration posts only what follows it, so nothing is posted twice"
        ]
        if posts_to_books
        else []
    )
    return [
        f"Confirm go/no-go with {project.client_name} at the start of the window",
        *cutover,
        "Deploy the integration to production and verify its configuration",
        "Run the smoke tests against production credentials",
        f"Enable the first sync cycle from {project.system_a} to {project.system_b}",
        f"Verify the first records in {project.system_b} with the client and close the window",
    ]


def savings_text(
    c: Completeness, savings: derive.Savings | None, settings: Settings, locale: str = DEFAULT_LOCALE
) -> Any:
    """Weekly and annual hours (the sum of the hours shown beside each pain point), and how many
    pain points are not yet quantified (so the figure is a floor)."""
    if savings is None:
        return c.value("Time savings", None, "Pain Points > Hours per Week")
    c.value("Time savings", savings.weekly_hours, "")
    text = (
        f"About {number(savings.weekly_hours, locale)} hours a week, the sum of the weekly hours of the pain points in section 1.1 "
        f"({localize_digits(f'{savings.annual_hours:,.0f}', locale)} hours a year over {settings.working_weeks_per_year} working weeks)"
    )
    if savings.uncounted:
        n = len(savings.uncounted)
        text += f"; {count_word(n)} pain point{'s are' if n != 1 else ' is'} not yet quantified and not counted"
    return text


def reduction_text(
    c: Completeness, share: float, estimated: bool, locale: str = DEFAULT_LOCALE, baseline: bool = True
) -> str:
    """The error-reduction figure; the firm's planning figure is labelled an estimate (and listed
    in the review as an assumption) since no data of the client's stands behind it. Without a
    ``baseline`` (no pain point's manual work is quantified, so the time savings and ROI are still
    to come) the firm's figure is left out: a percentage of an unmeasured quantity promises nothing,
    and the line says what it will be measured against. The intake's own Error Reduction is always
    shown."""
    text = f"{format_percent(share, locale)} fewer data-entry errors"
    if not estimated:
        return text
    measured = "To be measured against a count of today's errors taken during Discovery & Design"
    if not baseline:
        return measured
    c.note_assumption(
        "Error reduction",
        format_percent(share, locale),
        "Settings > Error Reduction Estimate (no Projects > Error Reduction)",
    )
    return (
        f"{measured}; our planning estimate is {format_percent(share, locale)} fewer data-entry errors once "
        "re-keying is automated (assumed)"
    )


def roi_text(
    c: Completeness,
    roi: derive.Roi | None,
    savings: derive.Savings | None,
    currency: str = "USD",
    locale: str = DEFAULT_LOCALE,
) -> Any:
    """ROI and payback when the budget is known; otherwise the annual value and what is missing."""
    if roi is None or savings is None:
        return c.value("ROI", None, "Pain Points > Hours per Week (time savings are needed for ROI)")
    if roi.rate_source != "project rate":
        c.note_assumption(
            "Hourly rate", format_rate(roi.hourly_rate, currency, locale), "Settings > Default Hourly Rate"
        )
    rate = f"{format_rate(roi.hourly_rate, currency, locale)}/h" + (
        " assumed" if roi.rate_source != "project rate" else ""
    )
    hours = localize_digits(f"{savings.annual_hours:,.0f}", locale)
    value = f"{format_money(round(roi.annual_value), currency, locale)} a year in staff time ({hours} h at {rate})"
    if roi.roi is None or roi.payback_months is None or roi.budget is None:
        c.value("Project budget", None, "Projects > Budget")
        return value + "; ROI and payback follow once the budget is agreed"
    c.value("Project budget", roi.budget, "")
    ratio = localize_digits(f"{roi.roi * 100:,.0f}%".replace("-", "\u2212"), locale)
    later = ", positive in year two" if roi.roi < 0 else ""
    months = number(roi.payback_months, locale)
    return f"Pays back in {months} month{'s' if months != '1' else ''} on a {format_money(round(roi.budget), currency, locale)} budget (first-year ROI {ratio}{later}); {value}"


def calendar_sentence(country: str | None, closures: tuple[date, ...]) -> str:
    """The calendar a plan's phases are counted on, as the plan states it: "Business days exclude
    weekends and the public holidays of England (GB-ENG)."; with the firm's closure dates, "... and
    our closure days (24 Dec 2026 and 31 Dec 2026)"; with neither, "weekends only"."""
    parts = [f"the public holidays of {calendar_name(country)}"] if country else []
    if closures:
        days = join_words([derive.long_date(day) for day in sorted(set(closures))])
        parts.append(f"our closure day{'s' if len(set(closures)) > 1 else ''} ({days})")
    if not parts:
        return "Business days exclude weekends only."
    return f"Business days exclude {join_words(['weekends', *parts])}."


def span_adjective(span: str) -> str:
    """'15 minutes' -> '15-minute', '1 hour' -> '1-hour': a span before a noun ("the 15-minute latency target")."""
    number, _, unit = span.partition(" ")
    return f"{number}-{unit.removesuffix('s')}" if number.isdigit() and unit else span
