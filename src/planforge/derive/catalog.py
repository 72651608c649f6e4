"""The built-in systems catalog (data/systems.json) and whole-word alias matching.

Matching works on word tokens, never substrings: "Squarespace" is not Square and "Vendor
Portal" is not Vend. The longest alias wins ("Shopify POS" beats "Shopify"). A name that is
exactly an ambiguous alias ("QuickBooks", "Sage", "Lightspeed") resolves to the documented
default with a note, and excluded words ("QuickBooks Desktop") stop a match altogether.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from planforge.intake.schema import INTEGRATION_TYPES


@dataclass(frozen=True)
class CatalogSystem:
    """One system's facts, each figure with its source and the catalog's as-of date."""

    name: str
    category: str
    also: tuple[str, ...]
    aliases: tuple[str, ...]
    api: str
    rate_limit: str
    webhooks: str
    batch: str
    quirks: str
    source: str
    confidence: str
    as_of: str
    #: each alias that names several products ("QuickBooks"), with why the default may be wrong and what
    #: that would change, as one clause ("QuickBooks Desktop is a different product with no cloud API, so
    #: the design changes if it is the one in use"): the consequence the plan's open question states
    ambiguous: tuple[tuple[str, str], ...] = ()
    excludes: tuple[str, ...] = ()
    #: the records an integration usually reads or writes there ("tickets, customers, satisfaction surveys")
    objects: str = ""
    #: where a project tests against this system, "{name}" standing for the name the intake gives it
    #: ("a {name} development store"); "" when the catalog does not record it
    test_environment: str = ""
    #: the vendor offers no sandbox, so tests read (and anything they write reaches) the client's live account
    live_testing: bool = False
    #: how an integration authenticates there ("OAuth 2.0 through an Intuit Developer app, ..."); "" when
    #: the catalog does not record it
    auth: str = ""
    #: an approval the vendor gives before an integration can go live, as a noun phrase with its reason
    #: ("Etsy's approval of the app's API key (...)"): a dependency 4.2 names; "" when none is recorded
    approval: str = ""
    #: records a tester cannot simply create, or that carry a caveat, by their API name (``RecordFact``)
    records: tuple[tuple[str, RecordFact], ...] = ()
    #: the limit counts requests in flight at once, shared by every application on the account, not
    #: requests per unit of time: an integration keeps within it by a cap on its own concurrent requests
    concurrency: bool = False
    #: the limit counts each call's query cost, not the number of requests, and each response reports the
    #: throttle status (the cost left in the bucket): an integration paces its calls by that cost
    cost: bool = False
    #: the limit is the integration's own (per app, on each account or store), not shared with the other
    #: applications on the account
    per_app: bool = False
    #: how long the system retries a change event it could not deliver, as a clause ("retries a webhook it
    #: could not deliver 8 times over 4 hours"), and the vendor page that says so: an event missed for longer
    #: is not sent again, so a workflow catches up by reading the changes instead; "" when not recorded
    event_retries: str = ""
    event_retries_source: str = ""
    #: what the published limits depend on, so a plan says what they are to be confirmed for: "plan" (the
    #: account's plan or tier, the default), "key" (set for each app's API key, with no plan tiers: Etsy),
    #: "host" (self-hosted software, whose limits the client's own hosting sets: WooCommerce)
    limits_by: str = "plan"

    @property
    def approval_name(self) -> str:
        """The approval without its reason ("Etsy's approval of the app's API key"), as an exit
        criterion names it; "" when none is recorded."""
        return self.approval.partition(" (")[0].strip()

    @property
    def approval_gates_build(self) -> bool:
        """Whether the vendor's approval is needed before the build, not only before go-live: the vendor
        offers no sandbox (``live_testing``), so development and its tests run against the client's live
        account with the approved app or key; a plan asks for the approval in Discovery & Design and makes
        it an entry criterion of Development."""
        return bool(self.approval) and self.live_testing

    def record(self, name: str | None) -> RecordFact | None:
        """The facts of one record type, by its API name as Field Mappings give it ("InventoryBalance")."""
        key = (name or "").casefold()
        return next((fact for record, fact in self.records if record.casefold() == key), None)


@dataclass(frozen=True)
class RecordFact:
    """How a record of one system comes about when a tester cannot type one in, and what a
    specification must say of it, with the vendor page that says so. ``made``: a test setup as a
    verb phrase ("post an inventory adjustment for an item at one location"); ``many``: the same for
    a batch; ``fixed``: the system makes the record and no one can create it or set its fields (a
    payout), so no case can make one invalid; ``derived``: the verb ("changes", "sets") when the
    system computes the record's fields from what the tester does (an adjustment changes an
    inventory balance, a label sets a shipment's tracking number), so no field is typed in;
    ``fields``: caveats of single fields, by field name; ``made_at``: the way of making the record
    when a case needs one of its fields set, by field name, since the system sets that field from
    where the record is made (an order's location_id only on a point-of-sale sale); ``channel``: what
    ``made`` makes, as a noun ("online order"), where ``made_at`` makes records of another kind: the
    record that lacks the field ``made_at`` sets, which a case of its own tests; ``closes``: what
    writing the record shows on the record it belongs to, as a check ("the order's fulfilment status
    is Fulfilled"), for a case whose title promises that it closes or completes it; ``unique_by``: the
    fields the system itself keeps the record unique by (one inventory level per inventory item and
    location), so a repeated write can change its values but never add a second record; ``write``:
    what one write of it is called there, as a noun ("inventory adjustment"); ``split``: how a tester
    makes two of the record for one other record they share (two shipments of one order); ``bulk``: how
    a load of many is made at a controlled rate, for a bulk or peak case no tester could key in by hand
    (``Bulk``), None when the catalog records no such way; ``pending``: the record as its system holds it
    before it is final, as a noun phrase ("a payout still scheduled or in transit"), for a case that checks
    it is not written until it is.

    What a specification must design around: ``required``: the fields the system requires on the
    record, each with what it holds ("account": "the bank account the payout is deposited to"), which a
    workflow writing the record must map or list as to confirm; ``sold_from``: the quantity fields the
    system's own sales change while an integration writes them (Shopify's ``available``), and
    ``set_with`` the write that sets one only if it still holds the value last read (a compare-and-set),
    cited by ``set_source``; ``nets``: the fields that are a net of other amounts, each with what it nets
    (a payout's ``net``), and ``posting``: what a record not yet final means for a run that posts only
    final ones, as a clause ("a payout still in transit at the run is posted only at the first run after
    it is paid, ...");
    ``lines``: the lines of another record a write of this record must name to tell two of them apart
    (the fulfillment order line items a fulfillment ships); ``own_id``: the field holding the record's
    own ID in its system ("internalId")."""

    made: str
    many: str
    fixed: bool
    derived: str
    note: str
    fields: tuple[tuple[str, str], ...]
    source: str
    made_at: tuple[tuple[str, MadeAt], ...] = ()
    channel: str = ""
    closes: str = ""
    unique_by: tuple[str, ...] = ()
    write: str = ""
    split: str = ""
    bulk: Bulk | None = None
    pending: str = ""
    required: tuple[tuple[str, str], ...] = ()
    sold_from: tuple[str, ...] = ()
    set_with: str = ""
    set_source: str = ""
    nets: tuple[tuple[str, str], ...] = ()
    posting: str = ""
    lines: str = ""
    own_id: str = ""

    def field_note(self, field: str | None) -> str:
        key = (field or "").casefold()
        return next((note for name, note in self.fields if name.casefold() == key), "")

    def made_for(self, field: str | None) -> MadeAt | None:
        key = (field or "").casefold()
        return next((how for name, how in self.made_at if name.casefold() == key), None)


@dataclass(frozen=True)
class Bulk:
    """How a load of many records is made for a bulk or peak case, with the vendor page that says so:
    ``made`` the way, as a participle phrase ("created with a script through the Admin API's orderCreate
    mutation"); ``per_minute`` the most a test environment accepts a minute (0: not
    recorded) and ``limit`` that limit in words ("a Shopify development store accepts at most five new
    orders a minute"), so the load is started that far ahead of the test."""

    made: str
    source: str
    per_minute: int = 0
    limit: str = ""


@dataclass(frozen=True)
class MadeAt:
    """A record made where its system sets one of its fields: ``made`` and ``many`` as in
    ``RecordFact``, ``at`` the kind of place that sets the field ("location": "ring up a test sale
    on Shopify POS at a location the table lists"); ``channel``: what it makes, as a noun
    ("point-of-sale sale"), beside ``RecordFact.channel`` for the record made the other way.
    ``without``: the records of the type made any other way, which carry no such field ("online
    orders"); "" when the catalog does not record them. A required mapping of the field is then to be
    confirmed for those records, not a rule that parks them."""

    made: str
    many: str
    at: str
    channel: str = ""
    without: str = ""


@dataclass(frozen=True)
class Match:
    """The outcome of looking a system name up: the entry (or None) and any ambiguity note."""

    query: str
    system: CatalogSystem | None
    ambiguity: str = ""


def tokens(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", str(text).casefold()))


@lru_cache(maxsize=1)
def _raw_catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("planforge").joinpath("data/systems.json").read_text("utf-8"))
    return data


@lru_cache(maxsize=1)
def catalog_revision() -> date:
    """The date the catalog was last revised (its ``revision``): what a plan cites its figures by,
    as 'catalog revision 2026-12-04'."""
    return date.fromisoformat(_raw_catalog()["revision"])


@lru_cache(maxsize=1)
def load_catalog() -> tuple[CatalogSystem, ...]:
    raw = _raw_catalog()
    return tuple(
        CatalogSystem(
            name=e["name"],
            category=e["category"],
            also=tuple(e.get("also", ())),
            aliases=tuple(e["aliases"]),
            api=e["api"],
            rate_limit=e["rate_limit"],
            webhooks=e["webhooks"],
            batch=e["batch"],
            quirks=e["quirks"],
            source=e["source"],
            confidence=e["confidence"],
            as_of=e.get("as_of", raw["as_of"])[:7],
            ambiguous=tuple(e.get("ambiguous", {}).items()),
            excludes=tuple(e.get("excludes", ())),
            objects=e.get("objects", ""),
            test_environment=e.get("test_environment", ""),
            live_testing=bool(e.get("live_testing", False)),
            auth=e.get("auth", ""),
            approval=e.get("approval", ""),
            records=tuple((name, _record_fact(fact)) for name, fact in e.get("records", {}).items()),
            concurrency=bool(e.get("concurrency", False)),
            cost=bool(e.get("cost", False)),
            per_app=bool(e.get("per_app", False)),
            event_retries=e.get("event_retries", {}).get("retries", ""),
            event_retries_source=e.get("event_retries", {}).get("source", ""),
            limits_by=e.get("limits_by", "plan"),
        )
        for e in raw["systems"]
    )


def _record_fact(raw: dict[str, Any]) -> RecordFact:
    made = raw.get("made", "")
    return RecordFact(
        made=made,
        many=raw.get("many", made),
        fixed=bool(raw.get("fixed", False)),
        derived=raw.get("derived", ""),
        note=raw.get("note", ""),
        fields=tuple(raw.get("fields", {}).items()),
        source=raw["source"],
        made_at=tuple(
            (
                name,
                MadeAt(
                    how["made"],
                    how.get("many", how["made"]),
                    how["at"],
                    how.get("channel", ""),
                    how.get("without", ""),
                ),
            )
            for name, how in raw.get("made_at", {}).items()
        ),
        channel=raw.get("channel", ""),
        closes=raw.get("closes", ""),
        unique_by=tuple(raw.get("unique_by", ())),
        write=raw.get("write", ""),
        split=raw.get("split", ""),
        bulk=Bulk(b["made"], b["source"], int(b.get("per_minute", 0)), b.get("limit", ""))
        if (b := raw.get("bulk"))
        else None,
        pending=raw.get("pending", ""),
        required=tuple(raw.get("required", {}).items()),
        sold_from=tuple(raw.get("sold_from", ())),
        set_with=raw.get("set_with", ""),
        set_source=raw.get("set_source", ""),
        nets=tuple(raw.get("nets", {}).items()),
        posting=raw.get("posting", ""),
        lines=raw.get("lines", ""),
        own_id=raw.get("own_id", ""),
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[tuple[str, ...], CatalogSystem, str]]]:
    index: dict[str, list[tuple[tuple[str, ...], CatalogSystem, str]]] = {}
    for system in load_catalog():
        for alias in (system.name, *system.aliases):
            toks = tokens(alias)
            if toks:
                index.setdefault(toks[0], []).append((toks, system, alias))
    return index


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """First words of catalog names and aliases ("Shopify", "QuickBooks"), for telling names from ordinary words."""
    return frozenset(toks[0] for words in _index().values() for toks, _, _ in words if len(toks[0]) > 2)


@lru_cache(maxsize=4096)
def lookup(name: str) -> Match:
    """Resolve a system name typed by an analyst to a catalog entry, by whole words."""
    words = tokens(name)
    best: tuple[int, int, CatalogSystem, str] | None = None
    index = _index()
    for start, word in enumerate(words):
        for alias_tokens, system, alias in index.get(word, ()):
            if words[start : start + len(alias_tokens)] != alias_tokens:
                continue
            if any(x in words for x in system.excludes):
                continue
            score = (len(alias_tokens), len(alias))
            if best is None or score > best[:2]:
                best = (*score, system, alias)
    if best is None:
        return Match(name, None)
    system, alias = best[2], best[3]
    note = ""
    for ambiguous_alias, why in system.ambiguous:
        if tokens(ambiguous_alias) == words:
            note = why
    return Match(name, system, note)


def integration_types(*matches: Match) -> tuple[str, ...]:
    """The integration type comes from the non-commerce side(s): Shopify -> QBO is accounting;
    with a third system each of its types joins, in the order the systems are named (Shopify Plus
    -> Klaviyo + Gorgias is marketing and support)."""
    found: list[str] = []
    for match in matches:
        if match.system and match.system.category in INTEGRATION_TYPES and match.system.category not in found:
            found.append(match.system.category)
    return tuple(found)
