"""Each workflow's field mappings, checked against what they must do: find a record again, and copy
what the intake says is copied.

- **A matching key that cannot tell two records apart.** A workflow's Matching Key rows for one
  target record type that are a single reference to another record (``order_id`` on a Fulfillment,
  ``location_id`` on an InventoryLevel, ``orderId``, ``order.id``), without the record's own
  identifier or the second part of a composite key, match every record that shares that parent:
  split shipments would overwrite each other. A coherence warning ``ambiguous-matching-key`` at the
  key's Matching Key cell; the specifications print the key as one to confirm. A field is a
  reference when its last part is ``<other>_id``, ``<other>Id`` or ``<other>.id`` and ``<other>``
  is not the record's own name (``Order.order_id``, ``SalesOrder.order_id``), a qualifier of an ID
  (``externalId``, ``unique_id``, ``reference_id``) or one of the project's systems
  (``metafields.square_id``: the record's ID in that system). ``id``, ``sku`` or ``email`` are the
  record's own identifiers.
- **A blank Transform where a rule is stated elsewhere.** A blank Transform reads "copied as is";
  when the workflow's own wording, its test scenarios or its scope items state a rule for the value
  (buffer or safety stock, reserved, net of, subtracted, deducted), or the plan provides buffer stock
  logic (an inventory project) and the field is a stock quantity, the value is not known to be
  copied as is: a coherence warning ``transform-unstated`` at the Transform cell, and the
  specifications print the transform as one to confirm.
- **A key that matches by a business value.** A matching key whose field is a SKU, barcode or email
  (``variants.sku``, ``email``), or whose Transform looks the record up by one ("the inventory item
  with the item's SKU"), is a natural key, not a system ID: it holds only while the value is unique
  in both systems, which the specifications state as an assumption to confirm (``natural_keys``).
- **A required field its system sets only for some records.** When the systems catalog says a mapped
  source field is set only on records made a certain way (its ``made_at`` entry names the records
  made otherwise, which carry none: an order's ``location_id`` and online orders), a Required mapping
  of it would park every one of those records. A coherence warning ``required-field-partial`` at the
  Required cell; the specifications print the transform and Required as to be confirmed for those
  records, and say so under the workflow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from planforge.core.errors import Problem, make_problem
from planforge.core.model import FieldMapping, Project
from planforge.derive.catalog import MadeAt, integration_types, lookup
from planforge.validation.traceability import CellRef, covered, match_workflows
from planforge.validation.workflows import project_systems

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[^\W_]+")
#: Words that qualify an identifier rather than name another record: ``externalId``, ``unique_id``.
_QUALIFIERS = frozenset(
    {"external", "internal", "unique", "global", "reference", "ref", "source", "remote", "legacy", "record", "native"}
)
#: Words of a stated rule that changes a value on the way.
_RULE = re.compile(
    r"\b(?:buffer|safety stock|reserved?|held back|net of|subtract\w*|deduct\w*|less (?:the |a |an )?\w+ (?:stock|units?))\b",
    re.IGNORECASE,
)
_BUFFER_PLAN = "the plan provides buffer stock logic for this inventory integration"
#: Words of a field that holds a stock quantity.
_STOCK_WORDS = frozenset({"available", "quantity", "qty", "onhand", "stock"})


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(_CAMEL.sub(" ", text))]


def reference_to(record: str | None, field: str, systems: Sequence[str] = ()) -> str | None:
    """The other record a key field names, in words ("order", "inventory item"), or None when the
    field is the record's own identifier (rules in the module docstring)."""
    parts = field.split(".")
    last = parts[-1]
    if last.casefold() == "id" and len(parts) > 1:
        other = _words(parts[-2])
    else:
        words = _words(last)
        if len(words) < 2 or words[-1] != "id":
            return None
        other = words[:-1]
    own = _words(record or "")
    if not other or other[-1] in _QUALIFIERS or (own and (own[-len(other) :] == other or other[-len(own) :] == own)):
        return None
    if any(other[0] == _words(s)[0] for s in systems if _words(s)):
        return None
    return " ".join(other)


@dataclass(frozen=True)
class AmbiguousKey:
    """A workflow's matching key that names another record only: ``mapping`` is its Field Mappings row."""

    mapping: FieldMapping
    record: str
    other: str


def ambiguous_keys(maps: Sequence[FieldMapping], systems: Sequence[str] = ()) -> tuple[AmbiguousKey, ...]:
    """One workflow's keys that cannot tell two records apart: per target record type, a single key
    field that is a reference to another record (a key with no Target Object is not judged)."""
    by_record: dict[str, list[FieldMapping]] = {}
    for m in maps:
        if m.key:
            by_record.setdefault(m.target_object or "", []).append(m)
    found = []
    for record, keys in by_record.items():
        if len(keys) != 1 or not record:  # without its record type, a field's own name cannot be told apart
            continue
        other = reference_to(record, keys[0].target_field, systems)
        if other is not None:
            found.append(AmbiguousKey(keys[0], record, other))
    return tuple(found)


#: Words of a business value that identifies a record without being its system's ID ("SKU", "email"):
#: nothing in the system need keep it unique.
#: Each as prose, with its article and where it must be unique.
_NATURAL_WORDS = {
    "sku": ("SKU", "a", "catalog"),
    "barcode": ("barcode", "a", "catalog"),
    "upc": ("UPC", "a", "catalog"),
    "ean": ("EAN", "an", "catalog"),
    "gtin": ("GTIN", "a", "catalog"),
    "email": ("email", "an", "records"),
}


@dataclass(frozen=True)
class NaturalKey:
    """A workflow's matching key that matches by a business value (a SKU, an email) rather than a system
    ID: ``mapping`` is its Field Mappings row, ``value`` the value as prose ("SKU"), ``article`` its
    indefinite article ("an email"), ``scope`` where it must be unique ("catalog", "records")."""

    mapping: FieldMapping
    value: str
    article: str = "a"
    scope: str = "records"
    #: True when the key field is a system ID the Transform finds by the value ("the item with the SKU")
    by_lookup: bool = False


def natural_keys(maps: Sequence[FieldMapping]) -> tuple[NaturalKey, ...]:
    """One workflow's matching keys that match by a natural key: the key's target or source field is one
    (``variants.sku``, ``email``), or its Transform looks the record up by one ("the Shopify inventory item
    with the NetSuite item's SKU"). Such a key holds only while the value is unique in both systems, which
    neither need enforce."""
    found = []
    for m in maps:
        if not m.key:
            continue
        fields = _words(m.target_field.split(".")[-1]) + _words(m.source_field.split(".")[-1])
        own = [w for w in fields if w in _NATURAL_WORDS]
        words = own or [w for w in _words(m.transform or "") if w in _NATURAL_WORDS]
        if words:
            found.append(NaturalKey(m, *_NATURAL_WORDS[words[0]], by_lookup=not own))
    return tuple(found)


def _is_stock(m: FieldMapping) -> bool:
    words = _words(m.target_field) + _words(m.source_field)
    return bool(set(words) & _STOCK_WORDS or "onhand" in "".join(words)) and "id" not in words


def is_inventory(project: Project) -> bool:
    """The project's plan provides stock features (buffer stock logic): an inventory integration."""
    types = project.integration_type or integration_types(lookup(project.system_a), lookup(project.system_b))
    return "inventory" in types


def stated_rule(project: Project, index: int, m: FieldMapping) -> str | None:
    """The rule stated for a mapping with a blank Transform: the intake's text for its workflow that
    states one, or "buffer stock" for a stock quantity of an inventory project; None otherwise."""
    if m.transform or index >= len(project.workflows):
        return None
    workflow = project.workflows[index]
    texts = [workflow.workflow]
    texts += [
        s.scenario for s in project.test_scenarios if index in match_workflows(s.workflow, project.workflows).indexes
    ]
    texts += [s.item for s in project.scope if index in match_workflows(s.workflow, project.workflows).indexes]
    named = {w for w in _words(m.target_field) + _words(m.source_field) if len(w) > 2 and w != "id"}
    for text in texts:
        if _RULE.search(text) and (_is_stock(m) or named & set(_words(text))):
            return text
    return "buffer stock" if _is_stock(m) and is_inventory(project) else None


@dataclass(frozen=True)
class PartialField:
    """A mapped source field its system sets only for some records (module docstring): ``system`` is
    the catalog's name for the system, ``made`` the catalog's ``made_at`` entry for the field."""

    mapping: FieldMapping
    system: str
    made: MadeAt


def partial_field(m: FieldMapping, systems: Sequence[str]) -> PartialField | None:
    """The catalog's word that ``m``'s source field is set only for some records of its type (the first
    of ``systems``, the workflow's source first, whose catalog entry records it), else None."""
    for name in systems:
        system = lookup(name).system
        fact = system.record(m.source_object) if system else None
        made = fact.made_for(m.source_field) if fact else None
        if system is not None and made is not None and made.without:
            return PartialField(m, system.name, made)
    return None


def check(project: Project, cell: CellRef) -> Iterator[Problem]:
    """Every matching key and blank Transform of the project's field mappings that contradicts
    what the records or the intake say, at its cell."""

    def at(m: FieldMapping, column: str, code: str, **params: Any) -> Problem:
        return make_problem(
            code,
            file=project.file,
            project_id=project.project_id,
            sheet="Field Mappings",
            row=m.row,
            column=column,
            cell=cell("Field Mappings", m.row, column),
            **params,
        )

    systems = project_systems(project)
    by_map = covered(project.field_mappings, project.workflows, blank_is_all=False)
    found: list[Problem] = []
    for i, maps in enumerate(by_map):
        rows: list[FieldMapping] = maps  # type: ignore[assignment]
        for k in ambiguous_keys(rows, systems):
            value = f"{k.record}.{k.mapping.target_field}"
            found.append(
                at(k.mapping, "Matching Key", "ambiguous-matching-key", value=value, record=k.record, other=k.other)
            )
        for m in rows:
            rule = stated_rule(project, i, m)
            if rule is not None:
                shown = _BUFFER_PLAN if rule == "buffer stock" else f'"{rule}"'
                found.append(at(m, "Transform", "transform-unstated", value=m.target_field, rule=shown))
            partial = partial_field(m, systems) if m.required else None
            if partial is not None:
                value = f"{m.source_object}.{m.source_field}"
                found.append(
                    at(
                        m,
                        "Required",
                        "required-field-partial",
                        value=value,
                        system=partial.system,
                        without=partial.made.without,
                        field=m.source_field,
                        target=m.target_field,
                    )
                )
    yield from sorted(found, key=lambda p: p.row or 0)
