"""The header every companion document shares, and the helpers that resolve a person or a TBD for one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from planforge.context import compose
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext, people_by_role
from planforge.core.model import FieldMapping
from planforge.core.names import DocumentKind
from planforge.derive.catalog import lookup
from planforge.derive.completeness import Tbd
from planforge.intake.parse import span_text

#: A Transform that sets a constant ("Always 'Shopify'", "Set to: web"): group 1 is the value. The specs
#: print it as "Set to ...", the test cases check the target holds it.
CONSTANT_TRANSFORM = re.compile(r"^(?:always|constant|fixed(?: value)?|set to|hard-?coded)[:\s]+(.+)$", re.I)

#: a title or workflow name promising the target record's status ("appears as a draft product"): group 1
_AS_STATUS = re.compile(r"\bas (?:an? )?(draft|active|archived|inactive|unpublished|published|hidden|pending)\b", re.I)


def named_status(text: str) -> str | None:
    """The status a title or workflow name promises the target record ("... as draft products" ->
    "Draft"), else None: the specs map it as a constant, the test cases check it."""
    found = _AS_STATUS.search(text)
    return found.group(1).capitalize() if found else None


def sets_status(maps: list[FieldMapping]) -> bool:
    """Some mapping writes the target record's status field (``Product.status``, ``status``)."""
    return any(m.target_field.casefold().rsplit(".", 1)[-1] == "status" for m in maps)


#: a number of requests in flight an account allows, as a Rate limit states it ("15 concurrent requests"): group 1
_ACCOUNT_CAP = re.compile(r"\b(\d+)\s+(?:concurrent|simultaneous|parallel)\b", re.IGNORECASE)
#: the integration's own cap on its requests in flight, as a risk's mitigation states it ("a concurrency cap
#: of 5", "capped at 5 parallel requests", "at most 5 concurrent"): the first group that matched
_OWN_CAP = re.compile(
    r"\bconcurren\w*\s+(?:cap|limit)\s+of\s+(\d+)\b"
    r"|\b(?:cap(?:ped)?|limit(?:ed)?)\s+(?:at|of|to)\s+(\d+)\s+(?:concurrent|simultaneous|parallel)\b"
    r"|\bat\s+most\s+(\d+)\s+(?:concurrent|simultaneous|parallel|requests\s+in\s+flight)\b",
    re.IGNORECASE,
)
#: who else uses the account, as a Rate limit states it ("shared with the 3PL connector"): group 1
_SHARED_WITH = re.compile(r"\bshared with ([^,;.()]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Concurrency:
    """A system's cap on requests in flight as the specs and the test cases both state it, read once so
    the two documents cannot disagree: the account's cap (None where the limit states no number), the
    integration's own cap from the risk register (None where no risk sets one), and who else uses the
    account ("" when not stated)."""

    limit: int | None
    cap: int | None
    others: str


def concurrency(ctx: PlanContext, system: str) -> Concurrency | None:
    """How ``system``'s requests in flight are capped, when its limit is concurrency-based (the catalog
    says so, or its Rate limit as section 2 shows it states a number of concurrent requests); None for
    a limit on requests over time. The integration's cap is the first risk whose mitigation states one
    and that names the system (by the catalog, else the first word of its name) or none of the
    project's systems."""
    facts = next((a for a in ctx.dependencies.api if a.name.casefold() == system.casefold()), None)
    stated = facts.rate_limit if facts is not None and isinstance(facts.rate_limit, str) else ""
    entry = lookup(system).system
    limit = _ACCOUNT_CAP.search(stated)
    if not (entry is not None and entry.concurrency) and limit is None:
        return None
    first = system.split()[0].casefold() if system.split() else ""
    project_firsts = {n.split()[0].casefold() for n in ctx.systems if n.split()}
    cap = None
    for risk in ctx.project.risks:
        text = f"{risk.risk} {risk.mitigation or ''}"
        words = set(re.findall(r"\w+", text.casefold()))
        names = (entry is not None and lookup(text).system == entry) or first in words
        found = _OWN_CAP.search(risk.mitigation or "")
        if found and (names or not words & project_firsts):
            cap = int(next(g for g in found.groups() if g))
            break
    shared = _SHARED_WITH.search(stated)
    return Concurrency(int(limit.group(1)) if limit else None, cap, shared.group(1).strip() if shared else "")


def tbd(label: str) -> Tbd:
    return Tbd(label, "")


@dataclass(frozen=True)
class DocHeader:
    kind: str
    title: str
    project_id: str
    project_name: str
    client_name: str
    system_a: str
    system_b: str
    version: str
    date: date
    draft: bool
    owner: str | Tbd
    #: every system the project names, System A and B first (``PlanContext.systems``)
    systems: tuple[str, ...] = ()
    #: the same in a phrase: "Shopify and NetSuite", "Shopify Plus, Klaviyo, and Gorgias"
    systems_named: str = ""
    #: whether the document prints a [TBD]: a draft header explains the mark only where there is one
    #: (set by the renderer after a first pass, render.environment.render_document)
    holds_tbd: bool = True
    #: the firm that prepared the document (``Header.firm_name``: ``[Firm name]`` in a draft without
    #: one) and its address and contact on one line (``Header.firm_details``)
    firm_name: str = ""
    firm_details: str = ""
    #: what this version changed, and the version before it ("" on a first issue; ``core.versions``)
    changes: str = ""
    previous: str = ""


def header(ctx: PlanContext, kind: DocumentKind) -> DocHeader:
    p = ctx.project
    return DocHeader(
        kind.name,
        kind.title,
        p.project_id,
        p.project_name,
        p.client_name,
        p.system_a,
        p.system_b,
        ctx.references.version,
        ctx.plan_date,
        ctx.draft,
        ctx.references.owner,
        ctx.systems,
        compose.join_words(list(ctx.systems)),
        firm_name=ctx.header.firm_name,
        firm_details=ctx.header.firm_details,
        changes=ctx.references.changes,
        previous=ctx.references.history[-1].version if ctx.references.history else "",
    )


def person(ctx: PlanContext, *roles: str) -> str | Tbd:
    people = people_by_role((row.role, row.name) for row in ctx.team)
    for role in roles:
        name = people.get(role)
        if isinstance(name, str) and name:
            return name
    return tbd(roles[0])


def specs_section(flow: Flow) -> str:
    """The technical specifications' section for a workflow ("4.2"): section 4 holds one subsection per
    workflow, in the intake's order. The specs number their sections with it and the other documents cite it."""
    return f"4.{flow.number}"


def catch_up_every(flow: Flow) -> str | None:
    """How often an event-driven workflow's reconciliation run reads the source records changed since its
    last successful run, catching the change events that never arrived (assumed): as often as its latency
    target when that is shorter than an hour ("15 minutes"), else hourly ("hour"); None for a scheduled or
    polled workflow, whose stored read position already covers every change. The specifications'
    missed-events design and the test cases' recovery after a revoked credential read it from here."""
    if not flow.event_driven:
        return None
    if flow.latency is not None and flow.latency.length < timedelta(hours=1):
        return span_text(int(flow.latency.length.total_seconds()))
    return "hour"


#: The standard back-off when no latency target bounds it: five retries, the delays doubling.
STANDARD_RETRIES = (60, 120, 240, 480, 960)
#: The share of a latency target the retries may take, leaving headroom for processing.
RETRY_SHARE = 2 / 3


def retry_delays(budget: timedelta | None) -> tuple[int, ...]:
    """The back-off delays in seconds: the standard five without a target; otherwise doubling from
    1 minute (15 seconds under 3 minutes) while their sum stays within two thirds of the target, so
    the last retry runs well inside it with time left for the write itself."""
    if budget is None:
        return STANDARD_RETRIES
    total, step = 0, 60 if budget >= timedelta(minutes=3) else 15
    limit = budget.total_seconds() * RETRY_SHARE
    out: list[int] = []
    while len(out) < len(STANDARD_RETRIES) and total + step <= limit:
        out.append(step)
        total += step
        step *= 2
    return tuple(out)


def delay_words(delays: tuple[int, ...]) -> str:
    """(60, 120, 240) -> '1, 2, and 4 minutes'; (15, 30) -> '15 and 30 seconds'."""
    unit, size = ("minute", 60) if all(d % 60 == 0 for d in delays) else ("second", 1)
    numbers = [str(d // size) for d in delays]
    return f"{compose.join_words(numbers)} {unit}{'' if numbers == ['1'] else 's'}"
