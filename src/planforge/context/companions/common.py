"""The header every companion document shares, and the helpers that resolve a person or a TBD for one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from planforge.context import compose
from planforge.context.plan import PlanContext, people_by_role
from planforge.core.model import FieldMapping
from planforge.core.names import DocumentKind
from planforge.derive.completeness import Tbd

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
