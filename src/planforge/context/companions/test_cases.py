"""The test cases' typed context: one case per Test Scenarios row and workflow it names, with setup
data and expected results from the workflow's field mappings, and standard cases where the intake
names none of a kind.

- **Setup names the data.** A case's first step names the source system, the record (the source
  object of the workflow's Field Mappings), the fields to set and the key the integration matches
  it by; the preconditions name the mapping tables the transforms rely on.
- **Expected results are the scenario's, never contradicted.** A happy path expects each mapped
  field in the target, composed from its transform ("is set to 'Shopify'", "is Shopify Order.id
  prefixed 'Shopify #'", "is Shopify Order.location_id mapped through the location to subsidiary
  table"). The Test Scenarios sheet states no expected result, so an edge case expects what the
  field mappings give, concretely; the review (never the client's document) lists it as an
  expected result to agree with the client.
- **Standard cases fill the gaps**, marked Source "Standard" (the introduction says once what
  they are). Per workflow, a validation failure built from its own mappings (when no Error
  Handling scenario names one: parked, then written once after correction and replay), a replay
  case (the same record re-run writes one record) and a reconciliation case (when no scenario of
  the workflow speaks of replays, or of reconciling or drift); per connected system, one
  authentication case (its credential revoked or rotated: an alert and no writes) unless a
  scenario of one of its workflows covers it. Each names the workflow's own systems, records and
  direction.
- **No two cases are the same** (same workflow, same scenario); IDs run in document order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from planforge.context.alerts import shared_alerts, threshold_level
from planforge.context.companions.common import (
    CONSTANT_TRANSFORM,
    Concurrency,
    DocHeader,
    catch_up_every,
    concurrency,
    delay_words,
    header,
    named_status,
    person,
    retry_delays,
    sets_status,
    specs_section,
)
from planforge.context.compose import span_adjective
from planforge.context.flows import Flow
from planforge.context.plan import PlanContext, Shown
from planforge.core.model import Alert, FieldMapping, Span, TestScenario
from planforge.core.names import TEST_CASES, DocumentKind
from planforge.derive.catalog import MadeAt, RecordFact, lookup
from planforge.derive.completeness import Tbd
from planforge.derive.volumes import catalogue_size, counted, daily_count
from planforge.validation.mappings import NaturalKey, ambiguous_keys, natural_keys, stated_rule
from planforge.validation.traceability import covered, match_workflows


@dataclass(frozen=True)
class TestCase:
    id: str
    workflow: str
    scenario: str
    type: str
    preconditions: str
    steps: tuple[str, ...]
    expected: str
    #: a standard case the document adds where the intake names none of its kind
    standard: bool = False
    #: the expected outcome is still to be agreed (an edge case): it prints after a TBD mark
    open_outcome: bool = False
    #: what the expected result still waits on (a matching key to confirm): it prints after a TBD mark
    pending: str = ""
    #: the preconditions as the case prints them under its section's (``TestGroup.preconditions``): ""
    #: when those cover it, "As above; ..." for what it adds, else its own in full
    preconditions_shown: str = ""

    @property
    def source(self) -> str:
        """Where the case comes from, as the document and the UAT tracker mark it: "Agreed" for a
        scenario of the intake, "Standard" for one of the firm's standard checks."""
        return "Standard" if self.standard else "Agreed"

    @property
    def tracker_expected(self) -> str:
        """The expected result as the UAT tracker lists it, with its TBD mark when still open."""
        text = f"{Tbd('', '')}: {self.expected}" if self.open_outcome else self.expected
        return f"{text}. {Tbd('', '')}: {self.pending}" if self.pending else text


@dataclass(frozen=True)
class TestGroup:
    title: str
    cases: tuple[TestCase, ...]
    #: the standard cases that follow the intake's
    standard: tuple[TestCase, ...] = ()
    #: the preconditions most of its cases share, stated once at the top of its section ("" when no
    #: two cases share theirs)
    preconditions: str = ""

    @property
    def all(self) -> tuple[TestCase, ...]:
        return self.cases + self.standard


@dataclass(frozen=True)
class TestCases:
    header: DocHeader
    groups: tuple[TestGroup, ...]
    uat_start: date | None
    uat_end: date | None
    tester: str | Tbd
    test_data: Shown
    #: the introduction's sentence on the standard cases, "" when none was added
    standard_note: str = ""

    @property
    def cases(self) -> tuple[TestCase, ...]:
        return tuple(c for g in self.groups for c in g.all)


_REPLAY = re.compile(
    r"\b(?:replay\w*|re-?deliver\w*|re-?sent|duplicate (?:event|webhook|delivery)|(?:delivered|sent|received) twice|idempoten\w*)",
    re.I,
)
_RECONCILE = re.compile(r"\b(?:reconcil\w*|drift\w*|out of step|mismatch\w*)", re.I)
_TWO_OF_ONE = re.compile(
    r"\b(?:split\w*|partial\w*|two \w+ (?:of|for) one|several \w+ (?:of|for) one|multiple)\b", re.I
)
_AUTH = re.compile(r"\b(?:auth\w*|credential\w*|token\w*|password\w*|api key\w*|oauth\w*|revoked|expired?)\b", re.I)
_DRIFT_ALERT = re.compile(r"\b(?:drift\w*|reconcil\w*|unreconciled|differ\w*|mismatch\w*)", re.I)
_CREATE_WORDS = frozenset({"new", "create", "creates", "created"})
#: A scenario about many records at once ("during bulk sync", "a batch of 500 orders"): set up a batch.
_MANY = re.compile(r"\b(?:bulk|batch(?:es)?|backlog|volume|high[- ]volume)\b", re.I)
#: A scenario about a rate or concurrency limit: the queue paces the calls (specs section 2), nothing fails.
_THROTTLE = re.compile(r"\b(?:rate[- ]limit\w*|throttl\w*|429|concurrency|too many requests)\b", re.I)
#: A scenario that promises the change stays where it belongs ("updates that location only").
_ONLY = re.compile(r"\bonly\b", re.I)
_CHANGE_WORDS = frozenset(
    {"change", "changes", "changed", "update", "updates", "updated", "edit", "edited", "cancellation", "lowers"}
)
#: transforms that read as "<source field> <transform>" ("prefixed 'X'", "truncated to 100 characters")
_PARTICIPLE = re.compile(
    r"^(?:prefixed|suffixed|truncated|summed|rounded|converted|lower-?cased|upper-?cased|inverted|trimmed|"
    r"formatted|concatenated|split|capitali[sz]ed|normali[sz]ed|translated|joined|totalled|multiplied|"
    r"divided|padded|net of|in )",
    re.I,
)
_TABLE = re.compile(r"\b(?:table|lookup|mapping|cross-?reference)\b", re.I)
_FROM_TO = re.compile(r"^(.+?)\s+to\s+(.+)$", re.I)
#: a transform that combines several source records into one target record
_AGGREGATE = re.compile(
    r"\b(?:summ\w*|aggregat\w*|totall?ed|grouped|rolled up|per (?:day|week|month|location))\b", re.I
)


def _field(obj: str | None, name: str) -> str:
    return f"{obj}.{name}" if obj else name


def _lower_first(text: str) -> str:
    """The text with its first letter in lower case, unless its first word is a name or an acronym
    (a capital after the first letter: "NetSuite", "SKU")."""
    word = text.split(" ", 1)[0]
    return text if any(ch.isupper() for ch in word[1:]) else text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _join(items: Sequence[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def transform_check(src: str, transform: str) -> str:
    """What the target field holds after one transform, as a predicate: "is set to 'Shopify'" for a
    constant, "is <src> prefixed 'X'" for a participle, "is <src> mapped through the <table>" for a
    lookup table, "is <src> mapped from A to B" for "A to B"; otherwise "is derived from <src>
    (<transform>)". A second clause after ';' follows in parentheses."""
    head, _, rest = (part.strip() for part in transform.partition(";"))
    note = f" ({_lower_first(rest)})" if rest else ""
    if m := CONSTANT_TRANSFORM.match(head):
        return f"is set to {m.group(1)}{note}"
    if _PARTICIPLE.match(head):
        return f"is {src} {_lower_first(head)}{note}"
    if _TABLE.search(head):
        return f"is {src} mapped through the {_lower_first(head)}{note}"
    if m := _FROM_TO.match(head):
        return f"is {src} mapped from {_lower_first(m.group(1))} to {_lower_first(m.group(2))}{note}"
    return f"is derived from {src} ({_lower_first(transform)})"


def mapping_checks(maps: list[FieldMapping], source: str, rules: Sequence[str | None] = ()) -> tuple[str, ...]:
    """What a tester compares in the target, one check per Field Mappings row of the workflow: the
    target field equals the source system's field, or holds it as the row's transform says. A blank
    transform the intake contradicts (``rules``, as validation.mappings.stated_rule reads it) is
    checked against both readings, as the specifications print it: to be confirmed."""
    checks = []
    for i, m in enumerate(maps):
        target, src = _field(m.target_object, m.target_field), f"{source} {_field(m.source_object, m.source_field)}"
        rule = rules[i] if i < len(rules) else None
        if m.transform:
            checks.append(f"{target} {transform_check(src, m.transform)}")
        elif rule == "buffer stock":
            checks.append(f"{target} equals {src}, or that quantity net of buffer stock")
        elif rule:
            checks.append(f'{target} equals {src}, or holds it as "{rule}" states')
        else:
            checks.append(f"{target} equals {src}")
    return tuple(checks)


def _unconfirmed_rules(ctx: PlanContext, flow: Flow, maps: list[FieldMapping]) -> tuple[str | None, ...]:
    """Per mapping, the rule the intake states for a blank transform (None where there is none)."""
    return tuple(stated_rule(ctx.project, flow.number - 1, m) for m in maps)


@dataclass(frozen=True)
class _Records:
    """What a workflow moves, from its field mappings: the source and target records, the fields to
    set, the key the integration matches by, and the mapping tables its transforms rely on."""

    source_obj: str
    target_obj: str
    fields: tuple[str, ...]
    others: tuple[tuple[str, tuple[str, ...]], ...]
    key: str
    key_target: str
    tables: tuple[str, ...]
    #: the source field the first mapping table translates
    table_field: str
    #: a transform combines several source records into one target record (a daily summary)
    aggregate: bool = False
    #: the first source field mapped as Required (not the key), "" when none
    required: str = ""
    #: the matching key cannot tell two records apart (validation.mappings): it is agreed before UAT
    key_to_confirm: bool = False
    #: the other record that key names ("order": two fulfillments of one order share it), "" when none
    shared_by: str = ""
    #: the target fields of the matching key, and the target fields mapped from the source's values
    key_fields: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    #: the target field the first mapping table fills ("SalesOrder.subsidiary"), "" when none
    table_target: str = ""

    @property
    def record(self) -> str:
        return f"{self.source_obj} record" if self.source_obj else "record"

    @property
    def target_record(self) -> str:
        return f"{self.target_obj} record" if self.target_obj else "record"


def _records(maps: list[FieldMapping], systems: Sequence[str] = ()) -> _Records:
    keys = [m for m in maps if m.key]
    first = keys[0] if keys else maps[0] if maps else None
    obj = (first.source_object or "") if first else ""
    own = [m for m in maps if (m.source_object or "") == obj]
    others: dict[str, list[str]] = {}
    for m in maps:
        if (m.source_object or "") != obj and not m.key:
            others.setdefault(m.source_object or "record", []).append(m.source_field)
    fields = tuple(
        m.source_field for m in own if not m.key and not (m.transform and CONSTANT_TRANSFORM.match(m.transform))
    )
    tabled = [m for m in maps if m.transform and _TABLE.search(m.transform)]
    tables = tuple(dict.fromkeys(_lower_first(m.transform or "") for m in tabled))
    return _Records(
        obj,
        (first.target_object or "") if first else "",
        fields,
        tuple((o, tuple(f)) for o, f in others.items()),
        _join([m.source_field for m in keys if (m.source_object or "") == obj]) if keys else "",
        _join([_field(k.target_object, k.target_field) for k in keys]) if keys else "",
        tables,
        _field(tabled[0].source_object if tabled[0].source_object != obj else None, tabled[0].source_field)
        if tabled
        else "",
        any(m.transform and _AGGREGATE.search(m.transform) for m in maps),
        next((m.source_field for m in own if m.required and not m.key), ""),
        bool(shared := ambiguous_keys(maps, systems)),  # the same reading as the specs' keys to confirm
        shared[0].other if shared else "",
        tuple(k.target_field for k in keys),
        tuple(
            _field(m.target_object, m.target_field)
            for m in maps
            if not m.key and not (m.transform and CONSTANT_TRANSFORM.match(m.transform))
        ),
        _field(tabled[0].target_object, tabled[0].target_field) if tabled else "",
    )


def _key_pending(flow: Flow, r: _Records) -> str:
    """What a replay or reconciliation case says while its workflow's matching key is to be
    confirmed: the result rests on the key, so it cannot be settled before the key is."""
    if not r.key_to_confirm:
        return ""
    return (
        f"the matching key is agreed before UAT (technical specifications, section {specs_section(flow)}), and this "
        "result is confirmed against it"
    )


def _agreed_key(flow: Flow) -> str:
    """The matching key a case names while its workflow's is flagged ambiguous (the specifications'
    matching key to confirm): the one to be agreed under its section, never the key the specifications
    flag; the case's expected result carries the TBD mark (``_key_pending``)."""
    return f"the key to be agreed under technical specifications section {specs_section(flow)}"


def _verb(text: str) -> str:
    """The setup's verb from the scenario's wording: "change" when it speaks only of changing a
    record, else "create" (a case never promises both paths)."""
    words = set(re.findall(r"[a-z]+", text.casefold()))
    return "change" if words & _CHANGE_WORDS and not words & _CREATE_WORDS else "create"


def record_fact(flow: Flow, r: _Records) -> RecordFact | None:
    """How the workflow's source record comes about in its system when a tester cannot simply
    create one (the catalog's record facts: an inventory balance changes through an adjustment, a
    payout is made by the payment provider), else None."""
    system = lookup(flow.source).system
    return system.record(r.source_obj) if system and r.source_obj else None


def _made(flow: Flow, r: _Records, verb: str, many: bool = False) -> str:
    """The setup action for the workflow's source record: the catalog's way of making one where it
    has one, else "<verb> a <record>" ("create an Order record", "a batch of Order records")."""
    fact = record_fact(flow, r)
    if fact is not None and fact.made:
        return fact.many if many else fact.made
    return f"{verb} {f'a batch of {r.record}s' if many else _a(r.record)}"


def _made_at(flow: Flow, r: _Records) -> MadeAt | None:
    """How the source record is made when the case sets a field its system sets from where the
    record is made (the catalog's ``made_at``: an order's location_id from a point-of-sale sale)."""
    fact = record_fact(flow, r)
    return fact.made_for(r.table_field) if fact and r.table_field and r.tables else None


def _make(flow: Flow, r: _Records, verb: str, many: bool = False, main: bool = False) -> str:
    """The setup action every case of a workflow shares, so no two make the record differently: where
    a mapped field is set only by where the record is made (``made_at``), the record is made there, at
    a place the mapping table lists; ``main``: made the record's own way instead (the channel variant
    of the happy path), without that field."""
    at = None if main else _made_at(flow, r)
    if at is not None:  # the field is set by where the record is made: made there, not typed in
        return f"{at.many if many else at.made} at {_a(at.at)} the {r.tables[0]} lists"
    return _made(flow, r, verb, many)


#: the one record an action names ("an item" in "post an inventory adjustment for an item at ...", "an
#: item's" in "adjust an item's stock"), a single word before a preposition, a comma or the end
_ONE_RECORD = re.compile(r"\b(?:an?) ([a-z]+)(?:(?= (?:at|in|for|on|from)\b|,|$)|('s)(?= ))", re.I)


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return f"{noun}es"
    return f"{noun[:-1]}ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else f"{noun}s"


def _to_that_data(made: str) -> str:
    """The source system's change aimed at the data an edge case set up, so the step says which
    record it changes: "post an inventory adjustment for one of its items at ..." (the action's own
    record made one of that data's)."""

    def one_of_its(m: re.Match[str]) -> str:
        return f"one of its {_plural(m.group(1))}" + ("'" if m.group(2) else "")

    return _ONE_RECORD.sub(one_of_its, made, count=1)


def setup_step(
    flow: Flow, r: _Records, scenario: str, quoted: bool = False, main: bool = False, many: bool = False
) -> str:
    """The first step: in the source, the record this case needs (made as its system makes it) and
    the fields to set; a field a mapping table translates is set to a value the table lists.
    ``quoted``: the case's own conditions (an edge or error case) are named, as the scenario words
    them. A record its system makes (a payout) is taken as it is, with no field set. ``main``: the
    record made its system's own way, which leaves the ``made_at`` field unset (see ``_make``). ``many``:
    several records, whatever the scenario says (a bulk load)."""
    fact, many = record_fact(flow, r), many or bool(_MANY.search(scenario))
    made = _make(flow, r, _verb(scenario), many, main)
    at = _made_at(flow, r)
    if quoted:  # the case's data first, then the record made, or the change made to that data
        # a record the system changes (an adjustment) is changed in that data; a new one is made with it
        then = _to_that_data(made) if fact is not None and fact.made and fact.derived else made
        text = f'In {flow.source}, set up the test data for "{scenario}": {then}'
    else:
        text = f"In {flow.source}, {made}"
    if fact is not None and fact.fixed:
        return text
    if fact is not None and fact.derived:  # the system computes the fields: the adjustment changes them
        whose = "their" if many else "its"
        return text + (f", which {fact.derived} {whose} {_join(r.fields)}" if r.fields else "")
    own = [
        f"{f} to a value the {r.tables[0]} lists" if f == r.table_field and r.tables else f
        for f in r.fields
        if not (at is not None and f == r.table_field)  # set by where it is made, or left unset (main)
    ]
    if own:
        text += f", setting {_join(own)}"
    for obj, fields in r.others:
        text += f", with {_join(fields)} set on its {obj}"
    return text


def _preconditions(flow: Flow, r: _Records) -> str:
    loaded = f"the UAT test data and the {_join(r.tables)} loaded" if r.tables else "the UAT test data loaded"
    return f"The integration is connected to the {flow.source} and {flow.target} test environments with {loaded}"


def _run(flow: Flow | None, many: bool = False) -> str:
    """How a test run is started: the workflow's own trigger, source and cadence; ``many``: the case
    made several records, so an event-driven workflow waits for their change events."""
    if flow is None:
        return "Run the workflow in the test environment"
    # no latency target: nothing to time it against, so the tester records the time instead of judging it
    within = (
        f"within {flow.latency.text}"
        if flow.latency
        else "the workflow states no latency target: note how long it takes"
    )
    if flow.event_driven:
        return f"Wait for the {flow.source} change event{'s' if many else ''} to be processed ({within})"
    return {
        "Real-time": f"Wait for the next poll of {flow.polled_from or flow.source} ({flow.poll})",
        "Scheduled": (
            f"Start the scheduled run ({flow.stated_frequency} in production) on demand from the test environment"
            if flow.stated_frequency
            else "Start the scheduled run on demand from the test environment"
        ),
        "Manual": "Start the run as an operator would",
    }.get(flow.trigger_value, "Run the workflow in the test environment")


def _compare(flow: Flow, r: _Records) -> str:
    them = f"the {flow.source} {r.record}s it combines" if r.aggregate else f"the {flow.source} {r.record}"
    return f"Open the resulting {r.target_record} in {flow.target} and compare it with {them}"


def _named_system(text: str, flow: Flow) -> str:
    """The workflow end a scenario's wording names (its first word), else the target."""
    words = set(re.findall(r"\w+", text.casefold()))
    for system in (flow.target, flow.source):
        if system.split()[0].casefold() in words:
            return system
    return flow.target


@dataclass(frozen=True)
class _Share(Concurrency):
    """A system's limit as a throttling case loads it (``common.concurrency``), with what the load
    script holds and leaves free."""

    @property
    def free(self) -> int | None:
        """The requests a load script leaves free so that the integration runs into the limit: all
        but two (fewer than its cap, so some of its calls are refused), never none (it could then
        send nothing and no expected result would hold); None when the limit or the cap is not
        stated, or the cap leaves no such number."""
        if self.limit is None or self.cap is None:
            return None
        free = min(2, self.cap - 1, self.limit - 1)
        return free if free >= 1 else None

    @property
    def held(self) -> int | None:
        """The requests the load script holds: the limit less those it leaves free."""
        return self.limit - self.free if self.limit is not None and self.free is not None else None


def _share(ctx: PlanContext, system: str) -> _Share | None:
    """How a system's limit is shared, when it is concurrency-based, read as the specs read it; None
    for a limit on requests per unit of time."""
    found = concurrency(ctx, system)
    return _Share(found.limit, found.cap, found.others) if found is not None else None


def _load(where: str, share: _Share | None) -> str:
    """The throttling case's first step: a load script holds most of the account, so that fewer
    requests remain than the integration's concurrency cap allows and the bulk load that follows
    runs into the limit; never all of it (the integration could then send nothing and no expected
    result would hold). Without a stated limit and cap, the load is held near the limit."""
    others = (
        f"standing in for {share.others}" if share and share.others else "standing in for other clients' share of it"
    )
    if share is not None and (free := share.free) is not None:
        return (
            f"In the {where} test environment, hold {share.held} of the account's {share.limit} concurrent "
            f"requests with a load script ({others}), so that only {free} remain, fewer than the {share.cap} the "
            "integration's concurrency cap allows"
        )
    return (
        f"In the {where} test environment, hold the account's load near its limit, not at it, with a load script "
        f"({others}), so that some of the integration's calls are throttled"
    )


#: an alert on the queue's backlog, whose threshold a throttling case's backlog may cross
_BACKLOG_ALERT = re.compile(r"\b(?:backlog|queue\w*|pending)\b", re.I)
_FAILURE_ALERT = re.compile(r"\b(?:fail\w*|error\w*|could not write)", re.I)


def _source_nouns(flow: Flow, r: _Records) -> set[str]:
    """The words, singular, that name the workflow's source records in the intake's counts: its source
    object ("order" for Order records), else, without field mappings, the words of its name."""
    return {w.casefold().removesuffix("s") for w in re.findall(r"[A-Za-z]+", r.source_obj or flow.name)}


def _daily_volume(ctx: PlanContext, flow: Flow, r: _Records) -> tuple[int, str] | None:
    """The day's volume of the workflow's source records, as Projects > Data Volume states it ("600
    orders a day" for a workflow moving Order records; without mappings, one whose name speaks of
    orders): the number and the words that state it; None when the intake states no daily figure for them."""
    v = daily_count(ctx.project.data_volume, _source_nouns(flow, r))
    return (v.whole, v.text) if v is not None and v.whole is not None else None


#: the load a bulk or peak case makes when the intake states no daily volume of its records (assumed)
_ASSUMED_LOAD = 100


def _load_size(ctx: PlanContext, flow: Flow, r: _Records) -> tuple[int, str]:
    """How many records a bulk load makes, and why: a day's volume of them as the intake states it, else
    an assumed hundred, said to be assumed."""
    volume = _daily_volume(ctx, flow, r)
    if volume is not None:
        return volume[0], f"a day's volume: {volume[1]}"
    return _ASSUMED_LOAD, f"assumed: no daily volume of {r.record}s has been stated"


def _duration(minutes: int) -> str:
    """A time to make a load in, rounded as a tester plans it: "about 2 hours", "about 40 minutes"."""
    if minutes >= 90:
        hours = round(minutes / 60)
        return f"about {hours} hours"
    return f"about {minutes} minute{'s' if minutes != 1 else ''}"


@dataclass(frozen=True)
class _Load:
    """A bulk load as a tester makes it: the records made ahead of the test at a rate the source
    accepts, held back so that they reach the integration at once, and released in the test. ``made``:
    the step that makes them; ``release``: the step that lets them through; ``pending``: what the result
    waits on when the load is made another way than the workflow's cases make their records (a script
    makes online orders, not point-of-sale sales, so the field those set is missing)."""

    count: int
    made: str
    release: str
    pending: str = ""


def _bulk_load(ctx: PlanContext, flow: Flow, r: _Records, scenario: str, size: tuple[int, str] | None = None) -> _Load:
    """The records of a bulk or peak case, made as no tester could make them by hand: with a script
    through the source's API, in the way and at the pace the catalog records for the record where it
    has one (a Shopify development store takes five new orders a minute through orderCreate, so 600
    take about 2 hours), else paced within the limit the specifications state; made ahead of the test
    and held back (an event-driven workflow's change events kept at a capture endpoint and replayed at
    once; another workflow switched off while they are made), so that the load reaches the integration
    at once, as a day's volume at a peak would. ``size``: the count and why, when the case states its own
    (the count a performance target names)."""
    count, why = size or _load_size(ctx, flow, r)
    fact = record_fact(flow, r)
    bulk = fact.bulk if fact is not None else None
    at = _made_at(flow, r)
    if bulk is not None:
        pace = (
            f", paced to what the test environment accepts ({bulk.limit}, so {count:,} take "
            f"{_duration(-(-count // bulk.per_minute))})"
            if bulk.per_minute
            else ""
        )
        what = f"{count:,} {r.record}s ({why}), {bulk.made}{pace}"
    else:
        what = (
            f"{_lower_first(setup_step(flow, r, scenario, many=True).removeprefix(f'In {flow.source}, '))}, "
            f"{count:,} in all ({why}), with a script through the {flow.source} API, paced within the rate limit "
            f"the technical specifications state for {flow.source} (section 2)"
        )
    if flow.event_driven:
        held = (
            f"; the integration's {flow.source} webhook subscription points at a capture endpoint meanwhile, so "
            f"that their change events are kept, not processed, {_paused_catch_up(flow)}"
        )
        release = f"Replay the {count:,} captured change events to the integration's webhook endpoint at once"
    else:
        held = "; the workflow is switched off meanwhile, so that none is read before the test"
        release = "Switch the workflow back on"
    pending = ""
    if bulk is not None and at is not None and fact is not None and fact.channel and r.table_target:
        pending = (
            f"a script makes {_plural(fact.channel)}, not {_plural(at.channel or 'record')}, and they carry no "
            f"{r.table_field}: what {flow.target} {r.table_target} holds for them is agreed before UAT (technical "
            f"specifications, section {specs_section(flow)}), and this result is confirmed against it"
        )
    return _Load(count, f"Ahead of the test, make the load in {flow.source}: {what}{held}", release, pending)


def _paused_catch_up(flow: Flow) -> str:
    """What a case that holds an event-driven workflow's change events back says of its reconciliation run
    (``common.catch_up_every``): paused until the case ends, else the run would read the records changed
    since its last run and move them before their events are released, and the case would prove nothing."""
    every = catch_up_every(flow)
    when = f" (every {every})" if every else ""
    return (
        f"and the workflow's scheduled reconciliation run{when} is paused until the case ends, so that it cannot "
        "move the records before their change events are released"
    )


def _error_case(s: TestScenario, flow: Flow, r: _Records, ctx: PlanContext) -> tuple[tuple[str, ...], str, str]:
    """The steps, the expected result and what it still waits on ("" when nothing) of an Error Handling
    scenario."""
    where = _named_system(s.scenario, flow)
    if _THROTTLE.search(s.scenario):
        return _throttle_case(s, flow, r, ctx, where)
    steps = (
        f'Bring about "{s.scenario}" in the {where} test environment',
        setup_step(flow, r, s.scenario),
        _run(flow, many=bool(_MANY.search(s.scenario))),
        "Check the integration log and the alert channel",
        f"Check {flow.target} for duplicate or partial records",
    )
    once = f"{flow.target} once, with no duplicate or partial record"
    where_retries = f"section {specs_section(flow)}" if flow.latency else "section 3"
    p = ctx.project
    own = [a for a in p.alerts if a.workflow and flow.number - 1 in match_workflows(a.workflow, p.workflows).indexes]
    # one record fails, unless the scenario makes several (their number is the tester's)
    counted = (
        "is counted toward the failure-rate alert"
        if _MANY.search(s.scenario)
        else f"is {_failure_alert((*own, *shared_alerts(p)), 1)}"
    )
    expected = (
        f"The failure is logged with the {flow.source} {r.record}'s ID; the record is retried on the schedule of "
        f"the technical specifications ({where_retries}), then held in the retry queue; once the condition clears "
        f"it is written to {once}; the failure raises no alert of its own and {counted}"
    )
    return steps, expected, ""


def _throttle_case(
    s: TestScenario, flow: Flow, r: _Records, ctx: PlanContext, where: str
) -> tuple[tuple[str, ...], str, str]:
    """A limit scenario pushes the integration against the limit it is named for: the bulk load is made
    ahead of the test and held back (``_bulk_load``), a load script holds most of the account, the load
    is released, and the limit's refusals must pause the queue with back-off, lose or repeat nothing, and
    leave a backlog that clears once the script stops (within the latency target where the workflow
    states one)."""
    share = _share(ctx, where)
    load = _bulk_load(ctx, flow, r, s.scenario)
    steps = (
        load.made,
        _load(where, share),
        f"Start the bulk load: {_lower_first(load.release)}",
        _run(flow, many=True),
        f"Check the integration log for {where}'s throttling responses and the queue's back-off, and the alert channel",
        "Stop the load script, note the time, and watch the queue backlog until it clears, noting its peak",
        f"Check {flow.target} for duplicate or partial records",
    )
    capped = (
        f"The integration never exceeds its cap of {share.cap} concurrent requests; "
        if share is not None and share.free is not None
        else ""
    )
    within = f" within the {span_adjective(flow.latency.text)} latency target" if flow.latency else ""
    backlog = next((a for a in ctx.project.alerts if _BACKLOG_ALERT.search(a.alert)), None)
    expected = (
        f"{capped}{where} throttles some of the integration's requests, and the integration pauses its queue and "
        f"backs off rather than failing: the throttling is logged, and no record is lost, parked or written twice; "
        f"once the load script stops, the backlog clears{within} and every change reaches {flow.target} once, with "
        f"no duplicate or partial {r.target_record}; {_backlog_alert(backlog)}"
    )
    return steps, expected, load.pending


def _backlog_alert(alert: Alert | None) -> str:
    """What a throttling case expects of the alert on the queue's backlog, by the name and threshold the
    intake's Alerts give it; said plainly when the intake defines none, so the tester is not left to
    guess what "its threshold" means."""
    if alert is None:
        return "the intake defines no alert on the queue's backlog, so no alert is expected"
    name = f"the {_lower_first(alert.alert)} alert"
    if not alert.threshold:
        return f"{name} is raised only if the backlog crosses its threshold, which the intake leaves to be set"
    return f"{name} is raised if, and only if, the backlog noted as it clears crosses its threshold ({alert.threshold})"


def _other_case(
    kind: str, s: TestScenario, flow: Flow | None, source: str, target: str, ctx: PlanContext
) -> tuple[tuple[str, ...], str]:
    """The steps and the expected result of a performance or security case, or of any case of a
    general scenario (no workflow named)."""
    run = _run(flow, many=kind == "Performance")  # a volume of records
    if kind == "Performance":
        stated = ctx.testing.performance_targets
        perf = stated if isinstance(stated, str) and stated.casefold() != s.scenario.casefold() else None
        return (
            f'Load the volume of "{s.scenario}" into the {source} test environment',
            run,
            f"Measure the time from the first {source} record read to the last {target} record written",
        ), f"The volume is processed without errors{f' and within the target: {perf}' if perf else ''}"
    if kind == "Security":
        return (
            f'Attempt "{s.scenario}" against the {source} and {target} test environments',
            "Check the integration log",
        ), f"The attempt is refused and logged; no data is read from {source} or written to {target}"
    return (
        f'Prepare the {source} and {target} test environments for "{s.scenario}"',
        run,
        f"Compare the records in {target} with those in {source}",
    ), f'What "{s.scenario}" describes holds in {source} and {target}, and no unexpected alert is raised'


def _case(s: TestScenario, title: str, flow: Flow | None, maps: list[FieldMapping], ctx: PlanContext) -> TestCase:
    """One case of a Test Scenarios row for one workflow (numbered later, in document order)."""
    kind = s.type or "Happy Path"
    if flow is None or kind in ("Performance", "Security"):
        source, target = (flow.source, flow.target) if flow else (ctx.project.system_a, ctx.project.system_b)
        steps, expected = _other_case(kind, s, flow, source, target, ctx)
        pre = (
            f"The integration is connected to the {source} and {target} test environments with the UAT test data loaded"
        )
        return TestCase("", flow.name if flow else "General", title, kind, pre, steps, expected)
    r = _records(maps, ctx.systems)
    pre, open_outcome, pending = _preconditions(flow, r), False, ""
    if kind == "Error Handling":
        steps, expected, pending = _error_case(s, flow, r, ctx)
    else:
        steps = (
            setup_step(flow, r, s.scenario, quoted=kind == "Edge Case"),
            _run(flow, many=bool(_MANY.search(s.scenario))),
            _compare(flow, r),
        )
        if kind == "Edge Case":  # the agreed outcome may be to park the record: the tester looks there too
            steps += ("Check the integration log and the exception report of parked records",)
        rules = _unconfirmed_rules(ctx, flow, maps)
        checks = mapping_checks(maps, flow.source, rules)
        promised = _promised(flow, r, maps, title)
        if any(rules):
            pending = (
                f"which of these readings applies is agreed before UAT (technical specifications, section "
                f"{specs_section(flow)}), and this result is confirmed against it"
            )
        if kind == "Edge Case":
            # the intake states no expected result: the case expects what the field mappings give, and the
            # review (plan context, ``_testing``) lists it as an expected result to agree with the client
            listed = list(checks) or [f"every field the technical specifications map matches the {flow.source} record"]
            expected = (
                f"In {flow.target}: {'; '.join([*listed, *promised])}; the {r.target_record} is written once, not in "
                "part; nothing is parked and no alert is raised"
            )
        elif checks or promised:
            alone = f"; no other {r.target_record} in {flow.target} changes" if _ONLY.search(s.scenario) else ""
            listed = list(checks) or [f"every field the technical specifications map matches the {flow.source} record"]
            expected = f"In {flow.target}: {'; '.join([*listed, *promised])}{alone}; and no alert is raised"
        else:
            expected = (
                f"In {flow.target}, every field the technical specifications map matches the {flow.source} record, "
                "and no alert is raised"
            )
    return TestCase("", flow.name, title, kind, pre, steps, expected, open_outcome=open_outcome, pending=pending)


#: a title or workflow name promising that the write closes the record it belongs to ("closes the order")
_CLOSES = re.compile(r"\b(?:closes|completes)\b", re.I)


def _promised(flow: Flow, r: _Records, maps: list[FieldMapping], title: str) -> tuple[str, ...]:
    """The checks a happy path's title or its workflow's name promises beyond the mapped fields, so the
    expected result checks what the title says: a status it names ("as a draft product": the record's
    status is Draft), unless a mapping sets the status; and that the write closes the record it belongs
    to ("closes the order"), as the catalog says the target shows it (``RecordFact.closes``)."""
    said = f"{title} | {flow.name}"
    out = []
    if (status := named_status(said)) and not sets_status(maps):
        out.append(f"the {r.target_record}'s status is {status}")
    entry = lookup(flow.target).system
    fact = entry.record(r.target_obj) if entry and r.target_obj else None
    if _CLOSES.search(said) and fact is not None and fact.closes:
        out.append(fact.closes)
    return tuple(out)


def _channel_variant(
    case: TestCase, s: TestScenario, flow: Flow | None, maps: list[FieldMapping], ctx: PlanContext
) -> TestCase | None:
    """The happy path again for the records made the system's own way (an online order), when the
    workflow's cases make theirs where a mapped field is set (a point-of-sale sale, ``made_at``) and
    the catalog names that other channel: the record carries no such field, so the mappings of that
    field are left out of the checks and what the target holds instead is agreed before UAT."""
    if flow is None or case.type != "Happy Path":
        return None
    r = _records(maps, ctx.systems)
    fact, at = record_fact(flow, r), _made_at(flow, r)
    if fact is None or at is None or not fact.channel or not fact.made:
        return None
    obj = r.source_obj
    unset = [
        m for m in maps if _field(m.source_object if m.source_object != obj else None, m.source_field) == r.table_field
    ]
    kept = [m for m in maps if m not in unset]
    rules = _unconfirmed_rules(ctx, flow, kept)
    checks = mapping_checks(kept, flow.source, rules)
    checks = (*checks, *_promised(flow, r, maps, case.scenario))
    expected = (
        f"In {flow.target}: {'; '.join(checks)}; and no alert is raised"
        if checks
        else f"In {flow.target}, the {r.target_record} is written, and no alert is raised"
    )
    targets = _join([_field(m.target_object, m.target_field) for m in unset])
    pending = (
        f"what {flow.target} {targets} holds for {_a(fact.channel)}, which carries no {r.table_field}, is agreed "
        f"before UAT (technical specifications, section {specs_section(flow)}), and this result is confirmed against it"
    )
    steps = (setup_step(flow, r, s.scenario, main=True), *case.steps[1:])
    return replace(case, scenario=f"{case.scenario} ({fact.channel})", steps=steps, expected=expected, pending=pending)


def _cases(
    s: TestScenario, title: str, flow: Flow | None, maps: list[FieldMapping], ctx: PlanContext
) -> list[TestCase]:
    """A scenario's case, and the variant of its happy path for the system's other channel, if any;
    with a variant, each title names its channel (the catalog's ``MadeAt.channel`` for the first), so
    neither reads as covering both."""
    case = _case(s, title, flow, maps, ctx)
    variant = _channel_variant(case, s, flow, maps, ctx)
    if variant is None:
        return [case]
    at = _made_at(flow, _records(maps, ctx.systems)) if flow else None
    return [replace(case, scenario=f"{case.scenario} ({at.channel})") if at and at.channel else case, variant]


def _titles(s: TestScenario, flows: list[Flow]) -> list[tuple[Flow, str]]:
    """One title per workflow a scenario row names: the scenario as written when it names one,
    else qualified by each workflow's direction (by its number when two share a direction), so no
    two cases read as the same scenario."""
    if len(flows) < 2:
        return [(f, s.scenario) for f in flows]
    ways = [f"between {f.source} and {f.target}" if f.two_way else f"{f.source} to {f.target}" for f in flows]
    return [
        (f, f"{s.scenario} ({way if ways.count(way) == 1 else f'workflow {f.number}'})")
        for f, way in zip(flows, ways, strict=True)
    ]


def _failure_alert(alerts: Sequence[Alert], records: int) -> str:
    """What a run of ``records`` records with one that fails expects of the alert on failed records
    (the first, not on sign-in, the workflow's own before those on every workflow): raised when one
    failure in that many crosses its threshold, not raised when it does not, and left to the
    threshold when the threshold states no level the intake's parsers read."""
    alert = next((a for a in alerts if _FAILURE_ALERT.search(a.alert) and not _AUTH.search(a.alert)), None)
    if alert is None:
        return "counted toward the alert on failed records"
    name = f"the {_lower_first(alert.alert)} alert"
    level = threshold_level(alert.threshold)
    if level is None:
        return f"counted toward {name}, which its threshold ({alert.threshold or 'not yet set'}) raises or not"
    verdict = "raised" if level.raised_by(1, records) else "not raised"
    run = "one record" if records == 1 else f"{records} records"
    return (
        f"counted toward {name}, which is {verdict}: one failure among the case's {run} "
        f"{'crosses' if verdict == 'raised' else 'does not cross'} its threshold ({alert.threshold})"
    )


def _standard_error(flow: Flow, r: _Records, alerts: Sequence[Alert] = ()) -> TestCase:
    """A record that fails validation, built from the workflow's own mappings: its value has no
    entry in a mapping table the transforms name, else a Required mapped field is blank, else a
    field the target requires is left blank. A validation failure is permanent: the record is
    parked (not retried), and written once after the source is corrected and it is replayed."""
    if r.tables and r.table_field:
        fault = f"with a {r.table_field} that has no entry in the {r.tables[0]}"
        title = f"with an unmapped {r.table_field}"
        fix = f"add the entry to the {r.tables[0]}"
    elif r.required:
        fault = f"with {r.required} left blank"
        title = f"with {r.required} blank"
        fix = f"fill in {r.required} in {flow.source}"
    else:
        fault = f"with a field {flow.target} requires left blank"
        title = "with a required field left blank"
        fix = f"correct the record in {flow.source}"
    target = f"{flow.target} {r.target_obj}" if r.target_obj else f"{flow.target} record"
    return TestCase(
        "",
        flow.name,
        f"{_upper_first(_a(f'{flow.source} {r.record}'))} {title} is parked, not written as {_a(target)}",
        "Error Handling",
        _preconditions(flow, r),
        (
            f"In {flow.source}, {at.made}: once at {_a(at.at)} that has no entry in the {r.tables[0]}, and once at "
            f"{_a(at.at)} the table lists"
            if (at := _made_at(flow, r)) is not None
            else f"In {flow.source}, {_made(flow, r, 'create')}: once {fault}, and once with every field valid"
            if (fact := record_fact(flow, r)) and fact.made
            else f"In {flow.source}, create {_a(r.record)} {fault}, and a second, valid {r.record}",
            _run(flow, many=True),  # an invalid record and a valid one
            "Check the integration log and the exception report of parked records",
            f"Check {flow.target}",
            f"{_upper_first(fix)}, then replay the parked record from the support team's list",
            f"Check {flow.target} again",
        ),
        f"The invalid record is not written to {flow.target}: it is parked with its error and the {flow.source} "
        f"{r.record}'s ID, listed in the exception report and {_failure_alert(alerts, 2)}; the valid {r.record} "
        f"of the same "
        f"run is written; once corrected and replayed (a manual step, as the technical specifications describe), "
        f"the record is written to {flow.target} exactly once",
        standard=True,
    )


def _unique_target(flow: Flow, r: _Records) -> RecordFact | None:
    """The target record's catalog facts when its system keeps it unique by the very fields the
    workflow matches by (Shopify's one inventory level per item and location): a replay there cannot
    make a second record, so it is checked by the values it leaves alone and the write it does not
    log; None otherwise."""
    entry = lookup(flow.target).system
    fact = entry.record(r.target_obj) if entry and r.target_obj else None
    if fact is None or not fact.unique_by:
        return None
    keys = {k.casefold() for k in r.key_fields}
    return fact if keys == {u.casefold() for u in fact.unique_by} else None


def _standard_replay(flow: Flow, r: _Records) -> TestCase:
    again = (
        f"Replay that record's {flow.source} change event from the integration's event log"
        if flow.event_driven
        else f"Re-run the workflow over the same {flow.source} {r.record}: reset the read position to before it, "
        f"then {_lower_first(_run(flow))}"
    )
    matched = (
        f", matched by {_agreed_key(flow)},"
        if r.key_to_confirm
        else f", matched by {r.key_target},"
        if r.key_target
        else ""
    )
    echo = f", and nothing is written back to {flow.source}" if flow.two_way else ""
    read = "delivery" if flow.event_driven else "read"
    unique = _unique_target(flow, r) if r.values and not r.aggregate else None
    holds = (
        f"{flow.target}'s {r.target_record} counts the {flow.source} {r.record} once, with the same totals; the "
        f"second {read} changes nothing{echo}"
        if r.aggregate
        else f"{_join(r.values)} in {flow.target} {'is' if len(r.values) == 1 else 'are'} unchanged, and the "
        f"integration log shows no second {unique.write or 'write'} of that {r.target_record} ({flow.target} keeps "
        f"one per {_join(list(unique.unique_by))}, so a repeated write would change its values, not add a record); "
        f"the second {read} writes nothing new{echo}"
        if unique is not None
        else f"{flow.target} still holds one {r.target_record}{matched} for the {flow.source} {r.record}, with the "
        f"same values; the second {read} writes nothing new{echo}"
    )
    return TestCase(
        "",
        flow.name,
        f"The same {flow.source} {r.record} {'delivered' if flow.event_driven else 'read'} twice",
        "Replay",
        _preconditions(flow, r),
        (
            f"Take {_a(flow.source + ' ' + r.record)} this workflow has already "
            f"{'counted in ' + _a(flow.target + ' ' + r.target_record) if r.aggregate else 'moved to ' + flow.target} "
            "(for example, the one from its first case)"
            + (f", and note {_join(r.values)} in {flow.target}" if unique is not None else ""),
            again,
            f"Check the {r.target_record} in {flow.target} and the integration log"
            if unique is not None
            else f"Search {flow.target} for the {r.target_record}",
        ),
        holds,
        standard=True,
        pending=_key_pending(flow, r),
    )


def _standard_reconcile(flow: Flow, r: _Records, alerts: Sequence[Alert]) -> TestCase:
    match = (
        f"Match them by {_agreed_key(flow)}"
        if r.key_to_confirm
        else f"Match them by the {flow.source} {r.key} ({r.key_target} in {flow.target})"
        if r.key
        else f"Group the {flow.source} {r.record}s as the field mappings combine them"
        if r.aggregate
        else f"Match each {flow.source} record to its {flow.target} record"
    )
    drift = next((a for a in alerts if _DRIFT_ALERT.search(a.alert)), None)
    raised = (
        f", so the {_lower_first(drift.alert)} alert ({drift.threshold}) is not raised"
        if drift and drift.threshold
        else ""
    )
    return TestCase(
        "",
        flow.name,
        f"{flow.target} {r.target_record}s reconcile with {flow.source} {r.record}s",
        "Reconciliation",
        _preconditions(flow, r),
        (
            f"After a day of test runs, export the {r.record}s from {flow.source} and the {r.target_record}s from "
            f"{flow.target}",
            match,
            f"Compare each group's totals with its {flow.target} {r.target_record}"
            if r.aggregate
            else "Compare the mapped fields of each pair",
        ),
        (
            f"Each {flow.target} {r.target_record} agrees with the {flow.source} {r.record}s it combines, as the "
            f"field mappings state, and no {flow.source} {r.record} in scope is left out{raised}"
            if r.aggregate
            else f"Every {flow.source} {r.record} in scope has exactly one {flow.target} {r.target_record}, and "
            f"their mapped fields agree{raised}"
        ),
        standard=True,
        pending=_key_pending(flow, r),
    )


def _standard_for(
    flow: Flow,
    scenarios: Sequence[TestScenario],
    r: _Records,
    alerts: Sequence[Alert],
    ctx: PlanContext,
    maps: Sequence[FieldMapping] = (),
) -> list[TestCase]:
    """The standard cases one workflow gets: each kind its own scenarios do not cover (a security
    scenario, such as a replayed webhook with a bad signature, covers no replay or reconciliation);
    then the cases its records call for (``_record_cases``)."""
    texts = " | ".join(s.scenario for s in scenarios if s.type not in ("Security", "Performance"))
    out = []
    fact = record_fact(flow, r)
    # a record its system makes (a payout), or whose fields it computes, cannot be made invalid by hand,
    # except by a value a mapping table does not list
    can_fault = not (fact and (fact.fixed or (fact.derived and not (r.tables and r.table_field))))
    # a limit scenario tests load, not a record that fails validation
    faults = [s for s in scenarios if (s.type or "") == "Error Handling" and not _THROTTLE.search(s.scenario)]
    if not faults and can_fault:
        out.append(_standard_error(flow, r, (*alerts, *shared_alerts(ctx.project))))
    if not _REPLAY.search(texts):
        out.append(_standard_replay(flow, r))
    if not _RECONCILE.search(texts):
        out.append(_standard_reconcile(flow, r, alerts))
    if r.shared_by and not _TWO_OF_ONE.search(texts):
        out.append(_standard_shared_key(flow, r))
    if flow.latency and not any(s.type == "Performance" for s in scenarios):
        out.append(_standard_latency(flow, r, flow.promise or flow.latency))
    if not any(s.type == "Performance" for s in scenarios) and (peak := _standard_peak(flow, r, ctx)) is not None:
        out.append(peak)
    return out + _failure_cases(flow, scenarios, r, alerts, ctx) + _record_cases(flow, scenarios, r, ctx, maps)


#: scenario words that already cover a transient error, a forged event, a missed event, a drift alert raised
_TRANSIENT = re.compile(
    r"\b(?:5\d\d|time-?outs?|timed out|outage|unavailable|server errors?|transient|downtime|goes down|is down)\b", re.I
)
_SIGNATURE = re.compile(r"\b(?:signature\w*|hmac|spoof\w*|forged|unsigned)\b", re.I)
_MISSED = re.compile(r"\b(?:missed|lost|dropped|undelivered|never arriv\w*)\b", re.I)
_ALERT_WORDS = re.compile(r"\balert\w*", re.I)
#: the test catalogue a drift case's example counts against, when the threshold is a share of records
_DRIFT_SAMPLE = 1000


def _failure_cases(
    flow: Flow, scenarios: Sequence[TestScenario], r: _Records, alerts: Sequence[Alert], ctx: PlanContext
) -> list[TestCase]:
    """The failure cases a client QA lead expects where the workflow's model has them and its own
    scenarios do not cover them: for every workflow, a transient error from the target, retried with
    back-off and written once; for one run on its source's change events, an event with an invalid
    signature refused, and an event that never arrives picked up by the reconciliation run; where the
    workflow has a drift or mismatch alert, a case that raises it."""
    texts = " | ".join(s.scenario for s in scenarios)
    out = []
    if not _TRANSIENT.search(texts):
        out.append(_standard_transient(flow, r))
    if flow.event_driven and not _SIGNATURE.search(texts):
        out.append(_standard_signature(flow, r, ctx))
    if flow.event_driven and catch_up_every(flow) and not _MISSED.search(texts):
        out.append(_standard_missed_event(flow, r))
    drift = next((a for a in alerts if _DRIFT_ALERT.search(a.alert)), None)
    # only an alert whose threshold states a level (a share or count of records that differ) can be raised by
    # changing records by hand; one that states another condition is left to the intake's own scenarios
    if (
        drift is not None
        and threshold_level(drift.threshold) is not None
        and r.values
        and not (_DRIFT_ALERT.search(texts) and _ALERT_WORDS.search(texts))
    ):
        out.append(_standard_drift(flow, r, drift))
    return out


def _setup_verb(flow: Flow) -> str:
    return "create" if set(re.findall(r"[a-z]+", flow.name.casefold())) & _CREATE_WORDS else "change"


def _standard_transient(flow: Flow, r: _Records) -> TestCase:
    """A transient error from the target (HTTP 503), then a throttling response (HTTP 429): the first is
    retried on the workflow's schedule (technical specifications: its own, sized to its latency target,
    else section 3's standard one), the second paused by the queue (section 2); the record is written
    once, and nothing is parked."""
    delays = retry_delays(flow.latency.length if flow.latency else None)
    where = specs_section(flow) if flow.latency else "3"
    retried = (
        f"retried after {delay_words(delays[:1])}, the first step of the retry schedule of technical "
        f"specifications section {where} ({delay_words(delays)})"
        if delays
        else f"retried at once, as technical specifications section {where} sets out"
    )
    return TestCase(
        "",
        flow.name,
        f"A transient error from {flow.target} is retried and the {r.target_record} written once",
        "Error Handling",
        _preconditions(flow, r),
        (
            f"Route the integration's calls to {flow.target} through a fault-injecting test proxy, set to answer "
            "the first write with HTTP 503 (Service Unavailable) and the second with HTTP 429 (Too Many Requests), "
            "then to pass calls through",
            setup_step(flow, r, _setup_verb(flow)),
            _run(flow),
            f"Check the integration log for the two refused attempts and the time of each attempt, then search "
            f"{flow.target} for the {r.target_record}",
            "Remove the test proxy",
        ),
        f"The 503 is logged and the write {retried}; the 429 pauses the {flow.target} queue for the time "
        f"{flow.target} asks, else for a back-off that starts at one second and doubles (technical specifications, "
        f"section 2); the next attempt writes the {r.target_record} to {flow.target} exactly once, with no duplicate "
        "or partial record; the record is not parked, and the refused attempts raise no alert of their own",
        standard=True,
    )


def _standard_signature(flow: Flow, r: _Records, ctx: PlanContext) -> TestCase:
    """A change event with an invalid signature (its HMAC signature altered) is refused and logged, never
    queued, and pages no one: an alert on rejected credentials is about the integration's own credentials,
    and a forged event from outside must not wake the on-call engineer. The same event with the signature
    its system gave it is processed once, so the refusal is the signature's."""
    alert = next((a for a in ctx.project.alerts if _AUTH.search(a.alert)), None)
    raised = (
        f"the refusal is logged and the {_lower_first(alert.alert)} alert is not raised (it covers the "
        "integration's own credentials, not events sent to it)"
        if alert
        else "the refusal is logged and no alert is raised"
    )
    return TestCase(
        "",
        flow.name,
        f"A {flow.source} change event with an invalid signature is refused, not processed",
        "Security",
        _preconditions(flow, r),
        (
            f"Point the integration's {flow.source} webhook subscription at a capture endpoint, and pause the "
            f"workflow's reconciliation run (every {catch_up_every(flow)}) until the case ends, so that neither "
            "delivers this case's record",
            f"{setup_step(flow, r, _setup_verb(flow))}, and keep its captured change event",
            "Send the captured event to the integration's webhook endpoint with its HMAC signature altered (one "
            "character changed)",
            f"Check the integration log, the alert channel and {flow.target}",
            f"Send the same event with the signature {flow.source} gave it, and check {flow.target} again",
            "Point the subscription back at the integration and resume the reconciliation run",
        ),
        f"The event with the altered signature is refused: the endpoint answers it with HTTP 401 and queues "
        f"nothing; {raised}; nothing is written to {flow.target}; the event with its own signature is processed "
        f"and writes the {r.target_record} once",
        standard=True,
    )


def _standard_missed_event(flow: Flow, r: _Records) -> TestCase:
    """A change event that never reaches the integration: the reconciliation run (``common.catch_up_every``,
    as the technical specifications' missed-events design states it) writes the record, and the event,
    replayed late, writes nothing new."""
    every = catch_up_every(flow)
    entry = lookup(flow.source).system
    redelivery = (
        f", without waiting on {flow.source}'s own redelivery ({flow.source} {entry.event_retries})"
        if entry is not None and entry.event_retries
        else ""
    )
    return TestCase(
        "",
        flow.name,
        f"A {flow.source} change event that never arrives is picked up by the reconciliation run",
        "Error Handling",
        _preconditions(flow, r),
        (
            f"Point the integration's {flow.source} webhook subscription at a capture endpoint, so that this "
            "case's change event never reaches the integration; leave the reconciliation run on",
            f"{setup_step(flow, r, _setup_verb(flow))}, and note the time",
            f"Leave the workflow's reconciliation run to start every {every}, as in production",
            f"Note the time the {r.target_record} appears in {flow.target}"
            if _setup_verb(flow) == "create"
            else f"Note the time the {r.target_record} in {flow.target} shows the change",
            f"Point the subscription back at the integration, replay the captured event to it, and search "
            f"{flow.target} for the {r.target_record}s of that {r.record}",
        ),
        f"Though its change event never arrived, the {r.record} reaches {flow.target} by the first reconciliation "
        f"run after the change, which runs every {every} (assumed; technical specifications, section "
        f"{specs_section(flow)}){redelivery}; the event replayed afterwards writes nothing new: {flow.target} "
        f"holds one {r.target_record} for it",
        standard=True,
    )


def _standard_drift(flow: Flow, r: _Records, alert: Alert) -> TestCase:
    """The workflow's drift or mismatch alert raised: one target record changed by hand, then enough to
    cross the alert's threshold (read by ``threshold_level``; a share counted, for the example, against a
    test catalogue of a thousand records), each checked against the alert channel."""
    name = f"the {_lower_first(alert.alert)} alert"
    field = r.values[0]
    level = threshold_level(alert.threshold)
    one = level.raised_by(1, _DRIFT_SAMPLE) if level is not None else None
    needed = (
        next((n for n in range(1, _DRIFT_SAMPLE + 1) if level.raised_by(n, _DRIFT_SAMPLE)), None) if level else None
    )
    threshold = f" ({alert.threshold})" if alert.threshold else ""
    example = (
        f": for example, {needed} of {_DRIFT_SAMPLE:,} {r.target_record}s in the test environment"
        if level is not None and level.share is not None and needed
        else f": {needed} in all"
        if needed
        else ""
    )
    severity = f" (severity {alert.severity})" if alert.severity else ""
    first = (
        f"with one {r.target_record} differing, {name} is {'raised' if one else 'not raised'}, since one record "
        f"{'crosses' if one else 'does not cross'} its threshold{threshold}; "
        if one is not None
        else ""
    )
    return TestCase(
        "",
        flow.name,
        f"{_upper_first(name)} is raised when {flow.target} and {flow.source} differ",
        "Reconciliation",
        _preconditions(flow, r),
        (
            f"After a run of the workflow has brought {flow.target} in step with {flow.source}, change {field} by "
            f"hand in {flow.target} on one {r.target_record}",
            f"Wait for the next run of the check that raises {name} (or start it on demand), and check the alert channel",
            f"Change {field} by hand on more {r.target_record}s, until more differ than its threshold "
            f"allows{threshold}{example}",
            "Wait for the next check again, and check the alert channel",
            f"Set the changed values in {flow.target} back by hand",
        ),
        _upper_first(
            f"{first}once more records differ than its threshold allows, {name} is raised and reaches the support "
            f"team{severity}"
        ),
        standard=True,
    )


#: scenario words that already cover a record not yet final, a duplicate key, a concurrent sale, a full load
_PENDING_WORDS = re.compile(r"\b(?:in transit|pending|unpaid|not yet paid|scheduled payout)\b", re.I)
_DUPLICATE_WORDS = re.compile(r"\b(?:duplicate\w*|same (?:sku|key|code)|shared (?:sku|key))\b", re.I)
_DURING_WORDS = re.compile(r"\b(?:sale|sold|order\w*)\b.{0,40}\b(?:during|while|mid)\b", re.I)
_FULL_WORDS = re.compile(r"\b(?:full|whole|entire|initial)\s+(?:catalog\w*|catalogue\w*|load|sync|push)\b", re.I)
#: a catalog record: the head noun (the last word) of its name is a product or an item ("InventoryItem",
#: "Product"; not "ItemFulfillment")
_CATALOG_RECORD = frozenset({"product", "item", "sku", "catalog", "catalogue", "variant"})


def _catalog_record(name: str) -> bool:
    words = re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", name)
    return bool(words) and words[-1].casefold() in _CATALOG_RECORD


def _record_cases(
    flow: Flow, scenarios: Sequence[TestScenario], r: _Records, ctx: PlanContext, maps: Sequence[FieldMapping]
) -> list[TestCase]:
    """The standard cases a client QA lead expects of the workflow's records, where its own scenarios do
    not already cover them: a record not yet final in its system (the catalog's ``pending``: a payout
    still in transit); a status the workflow's name sets on create, left alone by a later update; a SKU
    as the matching key, which two target records share; a sale in the target while its stock is
    pushed (the catalog's ``sold_from``); and a full-catalogue push of a product or item workflow."""
    texts = " | ".join(s.scenario for s in scenarios)
    out: list[TestCase] = []
    fact = record_fact(flow, r)
    if fact is not None and fact.pending and not _PENDING_WORDS.search(texts):
        out.append(_standard_pending(flow, r, fact.pending))
    # a status the name states ("as draft products") is the one the workflow sets when it creates the record
    status = None if sets_status(list(maps)) else named_status(flow.name)
    if status and r.target_obj:
        out.append(_standard_status_kept(flow, r, status))
    # the keys the technical specifications flag as assumed unique (validation.mappings.natural_keys), each once
    if not r.key_to_confirm and not _DUPLICATE_WORDS.search(texts):
        by_value: dict[str, NaturalKey] = {}
        for k in natural_keys(maps):
            by_value.setdefault(k.value, k)
        out += [_standard_duplicate_key(flow, r, k) for k in by_value.values()]
    sold = _sold_field(flow, r, maps)
    if sold is not None and not _DURING_WORDS.search(texts):
        out.append(_standard_sale_during_push(flow, r, sold, ctx))
    if (_catalog_record(r.source_obj) or _catalog_record(r.target_obj)) and not _FULL_WORDS.search(texts):
        out.append(_standard_full_catalog(flow, r, ctx, status))
    return out


def _standard_pending(flow: Flow, r: _Records, pending: str) -> TestCase:
    """A source record its system has not made final (a payout still scheduled or in transit) is not
    written, and is written once when it is final: the case the catalog's ``pending`` names."""
    return TestCase(
        "",
        flow.name,
        f"{_upper_first(pending)} is not written to {flow.target}",
        "Edge Case",
        _preconditions(flow, r),
        (
            f"In {flow.source}, find {pending} and note its ID (read as the first case of this workflow reads "
            f"its {r.record})",
            _run(flow),
            f"Search {flow.target} for {_a(r.target_record)} of it, and check the integration log",
            f"When {flow.source} shows it final, {_lower_first(_run(flow))}, and search {flow.target} again",
        ),
        f"While it is not final, no {r.target_record} is written for it, nothing is parked and no alert is "
        f"raised; once {flow.source} shows it final, the next run writes exactly one {r.target_record} for it",
        standard=True,
    )


def _standard_status_kept(flow: Flow, r: _Records, status: str) -> TestCase:
    """A status the workflow's name sets when it creates the target record ("as draft products") is set
    on create only: a later update of the source record leaves the status someone has since set in the
    target (a product made live) as it is."""
    return TestCase(
        "",
        flow.name,
        f"A later change leaves a {flow.target} {r.target_obj} that was moved out of {status} as it is",
        "Edge Case",
        _preconditions(flow, r),
        (
            f"Take the {r.target_record} the first case of this workflow created in {flow.target} ({status}), and "
            f"in {flow.target} set its status to another value than {status}, as the client's team does when it "
            "goes live",
            f"In {flow.source}, change the {r.record} it came from"
            + (f", setting {_join(r.fields)} to a new value" if r.fields else ""),
            _run(flow),
            f"Open the {r.target_record} in {flow.target}",
        ),
        f"The change reaches the {r.target_record} in {flow.target}, and its status is still the one set in "
        f"{flow.target}, not {status}: the workflow sets {status} only when it creates the record; no second "
        f"{r.target_record} is created",
        standard=True,
    )


def _whose(made: str, clause: str) -> str:
    """A clause on the one record an action names, placed right after it ("post an inventory adjustment
    for an item whose SKU is that value, at one location"), so it never reads as the location's; at the end
    when the action names no single record."""
    m = _ONE_RECORD.search(made)
    if m is None or m.group(2):
        return f"{made} {clause}"
    rest = made[m.end(1) :]
    return f"{made[: m.end(1)]} {clause}{',' if rest.startswith(' ') else ''}{rest}"


def _key_carrier(natural: NaturalKey) -> str:
    """The record that carries a natural key found through a lookup (``NaturalKey.by_lookup``): the one
    its key field identifies ("inventory item" for inventory_item_id, found by its SKU), in plain words;
    "" when the field names no record (a bare "id")."""
    words = [w.casefold() for w in re.findall(r"[A-Za-z][a-z]*", natural.mapping.target_field.split(".")[-1])]
    return " ".join(words[:-1]) if len(words) > 1 and words[-1] == "id" else ""


def _standard_duplicate_key(flow: Flow, r: _Records, natural: NaturalKey) -> TestCase:
    """A matching key that matches by a business value (a SKU, a barcode, an email: ``natural_keys``, the
    keys the technical specifications assume unique), which nothing stops two target records from sharing:
    the source record is parked as a permanent error rather than written to either or to a third, and
    nothing is overwritten. The duplicate is made on the record that carries the value: the target record
    when its key field holds it (Product.variants.sku); when the key field is an ID the Transform finds by
    the value (an inventory level's inventory_item_id, the inventory item with the SKU), the record that
    ID names, which the lookup goes through (two inventory items given one SKU), never the target record,
    which has no such field."""
    key = natural.mapping
    carrier = _key_carrier(natural) if natural.by_lookup else ""
    target_key = natural.value if natural.by_lookup else _field(key.target_object, key.target_field)
    source_key = natural.value if natural.by_lookup else key.source_field
    made = (
        f"In {flow.target}, give two {_plural(carrier)} the same {target_key} by hand"
        if carrier
        else f"In {flow.target}, create two {r.target_record}s by hand with the same {target_key}"
    )
    records = f"{_plural(carrier)}" if carrier else f"{r.target_record}s"
    check = (
        f"Check the {r.target_record}s of both {_plural(carrier)} in {flow.target}"
        if carrier
        else f"Check both {r.target_record}s in {flow.target}"
    )
    untouched = (
        f"neither {carrier}'s {r.target_record} changes and none is written for a third"
        if carrier
        else f"neither {r.target_record} changes and no third is created"
    )
    return TestCase(
        "",
        flow.name,
        f"Two {flow.target} {records} with the same {target_key}",
        "Edge Case",
        _preconditions(flow, r),
        (
            made,
            f"In {flow.source}, {_whose(_made(flow, r, 'create'), f'whose {source_key} is that value')}"
            if (fact := record_fact(flow, r)) and fact.made
            else f"In {flow.source}, create {_a(r.record)} whose {source_key} is that value",
            _run(flow),
            f"{check}, the integration log and the exception report of parked records",
        ),
        f"The {flow.source} {r.record} is not written: it is parked with its error (two {flow.target} "
        f"{records} match its {source_key}) and listed in the exception report, as a permanent "
        f"error (technical specifications, section 3); {untouched}",
        standard=True,
    )


def _sold_field(flow: Flow, r: _Records, maps: Sequence[FieldMapping]) -> FieldMapping | None:
    """The mapping that writes a quantity the target system's own sales change (the catalog's
    ``sold_from``: Shopify's inventory ``available``), None when the workflow writes none."""
    entry = lookup(flow.target).system
    fact = entry.record(r.target_obj) if entry and r.target_obj else None
    if fact is None or not fact.sold_from:
        return None
    sold = {f.casefold() for f in fact.sold_from}
    return next((m for m in maps if m.target_field.casefold() in sold and not m.key), None)


#: the quantities of the sale-during-a-push case: before the push, pushed (a receipt of two), and sold meanwhile
_BEFORE, _ON_HAND, _SOLD = 8, 10, 2


def _sales_carrier(flow: Flow, ctx: PlanContext) -> Flow | None:
    """The workflow that carries the target system's sales back to this workflow's source (a Shopify order
    written to NetSuite as a sales order): its source is this workflow's target and it writes orders (its
    source records named '...Order', else, without mappings, 'orders' in its name); None when none does."""
    by_map = covered(ctx.project.field_mappings, ctx.project.workflows, blank_is_all=False)
    for other in ctx.flows:
        if other is flow or other.source != flow.target or flow.source not in other.writes_to:
            continue
        objs = [m.source_object or "" for m in by_map[other.number - 1]]  # type: ignore[attr-defined]
        if any(re.findall(r"[A-Z]?[a-z]+", o)[-1:] == ["Order"] for o in objs if o) or (
            not any(objs) and re.search(r"\borders?\b", other.name, re.I)
        ):
            return other
    return None


def _hold(flow: Flow) -> str:
    """How a case keeps a workflow from running until it starts or releases it, as an imperative: an
    event-driven one's change events kept at a capture endpoint with its reconciliation run paused; a
    polled one's polling paused; a scheduled one's schedule paused."""
    if flow.event_driven:
        every = catch_up_every(flow)
        return (
            f"point its {flow.source} webhook subscription at a capture endpoint and pause its reconciliation run"
            + (f" (every {every})" if every else "")
        )
    if flow.polled:
        return f"pause its polling of {flow.polled_from or flow.source}"
    if flow.stated_frequency:
        return f"pause its scheduled run ({flow.stated_frequency} in production)"
    return "pause its scheduled run" if flow.trigger_value == "Scheduled" else "switch its runs off"


def _standard_sale_during_push(flow: Flow, r: _Records, sold: FieldMapping, ctx: PlanContext) -> TestCase:
    """A sale in the target system between the workflow's read and its write (a Shopify sale while stock
    is pushed), in numbers a tester can check: 8 in both systems, a receipt in the source that brings it to
    10, a sale of 2 in the target before the push, 8 expected. The workflow itself, and the workflow that
    carries the sale back to the source, are held so that neither runs before the case starts it (a
    scheduled run, or the sale reaching the source early, would leave the case proving nothing); the push
    must not set back the quantity the sale changed, and once the sale reaches the source the units are
    taken off once."""
    target_field = _field(sold.target_object, sold.target_field)
    source_field = _field(sold.source_object, sold.source_field)
    entry = lookup(flow.target).system
    order = entry.record("Order") if entry else None
    sale = order.made_at[0][1].made if order and order.made_at else "make a test sale"
    place = " at that location" if r.tables else ""
    change = setup_step(flow, r, "change")
    to_before = f" to {_BEFORE}" if change.endswith(sold.source_field) else f", with {source_field} at {_BEFORE}"
    again = re.sub(r"\ban? ([a-z]+)\b at [^,]*? lists", r"that \1 at that location", change, count=1)
    again = re.sub(r"\ban? (item|product|variant|record)\b", r"that \1", again, count=1)
    again = again.replace(" at one location", " at that location", 1)
    to_on_hand = f" to {_ON_HAND}" if again.endswith(sold.source_field) else f", with {source_field} at {_ON_HAND}"
    carrier = _sales_carrier(flow, ctx)
    holds = [_hold(flow).replace("its ", "this workflow's ", 1)]
    if carrier is not None:
        holds.append(
            f"hold workflow {carrier.number}, which carries {flow.target} sales to {flow.source}: {_hold(carrier)}"
        )
    if flow.event_driven:
        push = (
            f"Point this workflow's {flow.source} webhook subscription back at the integration, replay the captured "
            f"change event to it and resume its reconciliation run; {_lower_first(_run(flow))}"
        )
        later = _lower_first(_run(flow))
    elif flow.polled:
        push = f"Resume this workflow's polling, and {_lower_first(_run(flow))}"
        later = _lower_first(_run(flow))
    else:
        push = _run(flow)
        later = f"{_lower_first(_run(flow))} again"
    steps = [
        f"{change}{to_before}; {_lower_first(_run(flow))}, and check that {target_field} in {flow.target} shows "
        f"{_BEFORE} for that item{place}",
        f"{_upper_first('; and '.join(holds))}, so that {'neither runs' if len(holds) > 1 else 'it does not run'} "
        "until this case starts it",
        f"{again}{to_on_hand} ({_ON_HAND - _BEFORE} units more)",
        f"In {flow.target}, {sale}{place}, for {_SOLD} units of that item",
        push,
        f"Open the {r.target_record} in {flow.target}, and check the integration log",
    ]
    pushed = len(steps) - 1
    release = (
        f"Release workflow {carrier.number} ("
        + (
            "replay its captured change event and resume its reconciliation run"
            if carrier.event_driven
            else "resume its runs"
        )
        + f"), and once the sale has reached {flow.source}, "
        if carrier is not None
        else f"Once the sale has reached {flow.source}, "
    )
    steps.append(f"{release}{later}, and open the {r.target_record} in {flow.target}")
    if not flow.event_driven and not flow.polled:
        steps.append("Resume this workflow's scheduled run")
    left = _ON_HAND - _SOLD
    rules = _unconfirmed_rules(ctx, flow, [sold])
    pending = (
        f"the figures assume {target_field} is {source_field} less the units {flow.source} does not yet hold; "
        f"if the mapping agreed under technical specifications section {specs_section(flow)} also deducts buffer "
        "stock or another amount, each expected figure is lowered by it"
        if any(rules) or (sold.transform or "").casefold().startswith("to be confirmed")
        else ""
    )
    return TestCase(
        "",
        flow.name,
        f"A sale in {flow.target} while {flow.source} stock is pushed",
        "Edge Case",
        _preconditions(flow, r),
        tuple(steps),
        f"After step {pushed}, {target_field} in {flow.target} shows {left}: the {_ON_HAND} {flow.source} holds, "
        f"less the {_SOLD} units sold that {flow.source} does not yet hold, never {_ON_HAND}, so those units cannot "
        f"be sold twice (the concurrent-sales design of technical specifications section {specs_section(flow)}); "
        f"after the sale has reached {flow.source}, {flow.source}'s {source_field} is {left} and {target_field} in "
        f"{flow.target} still shows {left}, not {left - _SOLD}: the {_SOLD} units are taken off once",
        standard=True,
        pending=pending,
    )


def _catalog_size(ctx: PlanContext) -> tuple[int, str] | None:
    """The catalogue's size as Projects > Data Volume states it ("11,000 SKUs"), with its words."""
    v = catalogue_size(ctx.project.data_volume)
    return (v.whole, v.text) if v is not None and v.whole is not None else None


def _standard_full_catalog(flow: Flow, r: _Records, ctx: PlanContext, status: str | None) -> TestCase:
    """A push of the whole catalogue through a product or item workflow, at the size the intake states
    (else the catalogue as the client holds it, its size recorded by the tester): every record once,
    the limits paced, and the time it takes recorded against the latency target, or for the cutover
    plan where none is stated."""
    size = _catalog_size(ctx)
    count, why = size if size else (0, "")
    load = _bulk_load(ctx, flow, r, "create", (count, f"the catalogue's size: {why}")) if size else None
    made = (
        load.made
        if load
        else f"Ahead of the test, load the client's full catalogue into {flow.source} (its size is not stated: "
        "note the number of records); the workflow is switched off meanwhile, so that none is read before the test"
    )
    release = load.release if load else "Switch the workflow back on"
    many = f"{count:,}" if size else "all"
    as_status = f", as {status}" if status else ""
    timed = (
        f"; the last is written within {flow.latency.text} of the time noted in step 2, the workflow's latency target"
        if flow.latency
        else "; the time the push takes is recorded for the cutover plan (no target has been agreed for it)"
    )
    return TestCase(
        "",
        flow.name,
        f"A full catalogue of {f'{count:,} ' if size else ''}{r.record}s reaches {flow.target}",
        "Performance",
        _preconditions(flow, r),
        (
            made,
            f"{release}, and note the time",
            _run(flow, many=True),
            f"When the run ends, count the {r.target_record}s in {flow.target} made from them, and check the "
            f"integration log for errors and for {flow.target}'s throttling responses",
        ),
        f"All {many} reach {flow.target} once{as_status}, with no error, duplicate or partial {r.target_record}; "
        f"any throttling is paced by the queue (technical specifications, section 2) and loses nothing{timed}",
        standard=True,
        pending=load.pending if load else "",
    )


def _standard_shared_key(flow: Flow, r: _Records) -> TestCase:
    """Two source records of one other record (two shipments of one order), which the workflow's
    matching key cannot tell apart (the specifications flag it): the case shows that, with the key
    agreed before UAT, each is written as its own target record and neither overwrites the other."""
    fact = record_fact(flow, r)
    make = (  # the system's own way of making two for one (two shipments of one order), else the plain words
        fact.split
        if fact is not None and fact.split
        else f"make two {r.record}s for the same {r.shared_by}"
        + (f", each with its own {_join(r.fields)}" if r.fields and not (fact and fact.derived) else "")
    )
    return TestCase(
        "",
        flow.name,
        f"Two {flow.source} {r.record}s for one {r.shared_by}",
        "Edge Case",
        _preconditions(flow, r),
        (
            f"In {flow.source}, {make}",
            _run(flow, many=True),
            f"Search {flow.target} for the {r.target_record}s of that {r.shared_by}",
        ),
        f"{flow.target} holds two {r.target_record}s for the {r.shared_by}, one for each {flow.source} {r.record}, "
        "and neither overwrites the other",
        standard=True,
        pending=_key_pending(flow, r),
    )


def _production_wait(flow: Flow) -> str:
    """A timed case's wait: the workflow left on its production trigger and cadence."""
    return (
        f"Leave the workflow to run on the {flow.source} change events, as in production"
        if flow.event_driven
        else f"Leave the workflow to poll {flow.source} {flow.poll}, as in production"
        if flow.polled and flow.poll
        else f"Leave the scheduled run to start {flow.stated_frequency}, as in production"
        if flow.stated_frequency
        else "Leave the workflow to run on its production trigger"
    )


def _counted(text: str, flow: Flow, r: _Records) -> tuple[int, str] | None:
    """The first number of the workflow's source records a text states ("1,500 orders" for a workflow
    moving Order records), with its noun; None when it states none."""
    v = counted(text, _source_nouns(flow, r))
    return (v.whole, v.words) if v is not None and v.whole is not None else None


def _standard_peak(flow: Flow, r: _Records, ctx: PlanContext) -> TestCase | None:
    """A peak of the volume the intake states for the workflow's records, timed against the target it
    states: the Performance Targets where they count the workflow's records ("1,500 orders posted
    within 30 minutes"), at the number they state; else a day's volume from Projects > Data Volume
    ("600 orders a day") at once, against the workflow's latency target. None when the intake states
    no such volume or no target to time it against: nothing is invented."""
    stated = ctx.project.performance_targets or ""
    target = _counted(stated, flow, r)
    daily = _daily_volume(ctx, flow, r)
    if target is not None:
        count, noun, why = target[0], target[1], f"the volume the performance target states: {stated}"
        met = f"the performance target is met: {stated}"
    elif daily is not None and flow.latency:
        count, why = daily[0], f"a day's volume: {daily[1]}"
        found = daily_count(ctx.project.data_volume, _source_nouns(flow, r))
        noun = found.words if found is not None else "records"
        met = f"the last of them within {flow.latency.text} of the time noted in step 2, the workflow's latency target"
    else:
        return None
    verb = "create" if set(re.findall(r"[a-z]+", flow.name.casefold())) & _CREATE_WORDS else "change"
    load = _bulk_load(ctx, flow, r, verb, (count, why))
    return TestCase(
        "",
        flow.name,
        f"A peak of {count:,} {noun} reaches {flow.target} within its target",
        "Performance",
        _preconditions(flow, r),
        (
            load.made,
            f"{load.release}, and note the time",
            _production_wait(flow),
            f"Note the time the last {r.target_record} is written in {flow.target}, and check the integration log "
            "for errors",
        ),
        f"All {count:,} reach {flow.target} once, with no error, duplicate or partial {r.target_record}, and {met}",
        standard=True,
        pending=load.pending,
    )


def _standard_latency(flow: Flow, r: _Records, latency: Span) -> TestCase:
    """The workflow's Latency Target (or the shorter duration a success criterion tied to it promises) as
    a timed case, the workflow left on its production trigger;
    the record is created when the workflow's name speaks of new records, else changed."""
    verb = "create" if set(re.findall(r"[a-z]+", flow.name.casefold())) & _CREATE_WORDS else "change"
    wait = _production_wait(flow)
    return TestCase(
        "",
        flow.name,
        f"A change reaches {flow.target} within {latency.text}",
        "Performance",
        _preconditions(flow, r),
        (
            f"In {flow.source}, {_make(flow, r, verb)} and note the time",
            wait,
            f"Note the time the {r.target_record} appears in {flow.target}"
            if verb == "create"
            else f"Note the time the {r.target_record} in {flow.target} shows the change",
        ),
        f"The change reaches {flow.target} within {latency.text} of being made in {flow.source}, "
        + (
            "the success criterion agreed for this workflow"
            if latency == flow.promise
            else "the workflow's latency target"
        ),
        standard=True,
    )


def _resumes(flows: Sequence[Flow], records: dict[int, _Records] | None = None) -> str:
    """What happens to the changes made while a credential was revoked, per workflow model: a polled or
    scheduled source is read again from where it stopped; an event-driven workflow does not count on its
    change events being sent again (the catalog records how long its source retries them, where it
    does), so its reconciliation run (``common.catch_up_every``, as the technical specifications' missed
    events design states it, section 4) reads the source records changed since its last successful run."""
    read = [str(f.number) for f in flows if not f.event_driven]
    parts = []
    if read:
        parts.append(f"the next run of {_numbers(read)} picks up the waiting changes, each once")
    events = [f for f in flows if f.event_driven]
    for source in dict.fromkeys(f.source for f in events):
        group = [f for f in events if f.source == source]
        objs = [r.source_obj for f in group if (r := (records or {}).get(f.number)) is not None and r.source_obj]
        what = f"{source} {_join(list(dict.fromkeys(objs)))} records" if objs else f"{source} records"
        one = len(group) == 1
        entry = lookup(source).system
        retried = (
            f" (the design does not count on the change events: {source} {entry.event_retries})"
            if entry is not None and entry.event_retries
            else ""
        )
        sections = _join([specs_section(f) for f in group])
        parts.append(
            f"{_numbers([str(f.number) for f in group])} {'catches' if one else 'catch'} up by "
            f"{'its reconciliation run' if one else 'their reconciliation runs'} ({_catch_up_words(group)}, assumed; "
            f"technical specifications, section{'' if one else 's'} {sections}), which "
            f"{'reads' if one else 'read'} the {what} changed since {'its' if one else 'their'} last successful run "
            f"and {'writes' if one else 'write'} each change made meanwhile once{retried}"
        )
    return "; ".join(parts)


def _catch_up_words(flows: Sequence[Flow]) -> str:
    """How often the reconciliation runs of event-driven workflows run: "every 15 minutes", "every 10
    minutes and every hour" (``common.catch_up_every``)."""
    return _join([f"every {catch_up_every(f)}" for f in flows])


def _numbers(numbers: Sequence[str]) -> str:
    return f"workflow {numbers[0]}" if len(numbers) == 1 else f"workflows {_join(numbers)}"


def _auth_case(
    system: str,
    flows: Sequence[Flow],
    alert: Alert | None,
    fixed: frozenset[int] = frozenset(),
    records: dict[int, _Records] | None = None,
) -> TestCase:
    """The authentication case of one connected system: its credential revoked or rotated, the
    runs that use it stop without writing, and resume as each workflow's model allows. A workflow
    whose source records no tester can change (``fixed``: a payout as its system made it) is started
    on demand instead of fed a changed record."""
    runs = _numbers([str(f.number) for f in flows])
    changed = [f for f in flows if f.number not in fixed]
    started = [f for f in flows if f.number in fixed]
    them = "it" if len(changed) == 1 else "them"
    feed = (
        f"Change a record for {'each of ' if len(changed) > 1 else ''}{_numbers([str(f.number) for f in changed])}, "
        f"and let {them} run (or start {them} on demand)"
        if changed
        else ""
    )
    if started:
        begin = f"start {_numbers([str(f.number) for f in started])} on demand"
        feed = f"{feed}; {begin}" if feed else _upper_first(begin)
    ends = list(dict.fromkeys(w for f in flows for w in f.writes_to))
    writes = _join(ends, "or")
    raised = f" (the {_lower_first(alert.alert)} alert)" if alert else ""
    others = list(dict.fromkeys(e for f in flows for e in (f.source, f.target) if e != system))
    events = [f for f in flows if f.event_driven]
    catching = (
        f" ({_numbers([str(f.number) for f in events])}: "
        f"{'its reconciliation run' if len(events) == 1 else 'their reconciliation runs'}, {_catch_up_words(events)})"
        if events
        else ""
    )
    return TestCase(
        "",
        f"{system} connection",
        f"Revoked or rotated {system} credential",
        "Security",
        f"The integration is connected to the {_join([system, *others])} test environments with the UAT test "
        "data loaded",
        (
            f"In the {system} test environment, revoke or rotate the integration's credential for {system}",
            feed,
            f"Check {_join(['the integration log', 'the alert channel', *ends])}",
            f"Restore the credential, wait for the next run of each workflow{catching}, then check {_join(ends)} again",
        ),
        f"The runs of {runs} stop at {system}'s refusal and write nothing to {writes}; the failure is "
        f"logged and an alert reaches the support team{raised}; after the credential is restored, "
        f"{_resumes(flows, records)}",
        standard=True,
    )


def _auth_cases(
    ctx: PlanContext,
    scenarios_of: Sequence[Sequence[TestScenario]],
    general: Sequence[TestScenario],
    records: Sequence[_Records],
) -> list[TestCase]:
    """One authentication case per system the project connects, unless a scenario of one of the
    workflows that use it, or a general one, covers credentials."""
    if any(_AUTH.search(s.scenario) for s in general):
        return []
    uses: dict[str, list[Flow]] = {}
    for flow in ctx.flows:
        for system in (flow.source, flow.target):
            uses.setdefault(system, []).append(flow)
    alert = next((a for a in ctx.project.alerts if _AUTH.search(a.alert)), None)
    fixed = frozenset(
        flow.number for flow, r in zip(ctx.flows, records, strict=True) if (fact := record_fact(flow, r)) and fact.fixed
    )
    by_number = {flow.number: r for flow, r in zip(ctx.flows, records, strict=True)}
    return [
        _auth_case(system, flows, alert, fixed, by_number)
        for system, flows in uses.items()
        if not any(_AUTH.search(s.scenario) for f in flows for s in scenarios_of[f.number - 1])
    ]


def _planned(ctx: PlanContext) -> tuple[list[list[tuple[TestScenario, str]]], list[tuple[TestScenario, str]]]:
    """Per workflow, its (scenario row, title) pairs in row order, and the general ones; a scenario
    repeated for the same workflow is kept once."""
    wf = ctx.project.workflows
    planned: list[list[tuple[TestScenario, str]]] = [[] for _ in wf]
    general: list[tuple[TestScenario, str]] = []
    seen: set[tuple[int, str]] = set()
    for s in ctx.project.test_scenarios:
        named = [ctx.flows[i] for i in match_workflows(s.workflow, wf).indexes] if wf else []
        for flow, title in _titles(s, named) if named else [(None, s.scenario)]:
            # the scenario as typed, not its title: "(workflow 1)" qualifies a row naming several
            # workflows, and the same scenario typed again for one of them is the same case
            key = (flow.number if flow else 0, " ".join(s.scenario.casefold().split()))
            if key not in seen:
                seen.add(key)
                (planned[flow.number - 1] if flow else general).append((s, title))
    return planned, general


#: the record cases (``_record_cases``) as the introduction names them, by the start of their titles
_RECORD_KINDS = (
    (re.compile(r".* is not written to "), "a record its system has not yet made final"),
    (re.compile(r"A later change leaves "), "a status set on create that a later change leaves alone"),
    (re.compile(r"Two .* with the same "), "a duplicate natural key (a SKU, barcode or email)"),
    (re.compile(r"A sale in "), "a sale during a stock push"),
    (re.compile(r"A full catalogue "), "a full-catalogue push"),
    (re.compile(r".* change event with an invalid signature "), "a change event with an invalid signature"),
    (re.compile(r".* change event that never arrives "), "a change event that never arrives"),
    (re.compile(r"The .* alert is raised when "), "a drift alert raised"),
)


def _record_note(cases: Sequence[TestCase]) -> str:
    """The introduction's second sentence, naming the record cases the document has ("" when none)."""
    kinds = [words for pattern, words in _RECORD_KINDS if any(c.standard and pattern.match(c.scenario) for c in cases)]
    if not kinds:
        return ""
    return f" Where a workflow's records, trigger or alerts call for them, they also cover {_join(kinds)}."


def _standard_note(standard: bool, peak: bool = False, records: str = "") -> str:
    """The introduction's one sentence on the standard cases, "" when the document adds none; ``peak``:
    it names the peak-volume case too, which only some documents have; ``records``: the sentence on the
    record cases it has (``_record_note``)."""
    timed = " a peak of the volume stated for this project, timed against its target," if peak else ""
    return (
        "Cases marked Standard are the firm's standard checks, added for each workflow and connected system "
        "where the scenarios agreed for this project do not already cover them: a record that fails "
        "validation (where a tester can make one), the same record read twice, two records its matching key "
        "cannot tell apart (where the technical specifications flag the key), a reconciliation of the two systems, "
        "a transient error from the target system, retried until the record is written once, the workflow's latency "
        f"target where it states one,{timed} and a revoked credential.{records} The others are the agreed scenarios."
        if standard
        else ""
    )


def _numbered(groups: list[TestGroup]) -> tuple[TestGroup, ...]:
    n = 0
    out = []
    for g in groups:
        ids = [f"TC-{n + j + 1:02d}" for j in range(len(g.all))]
        n += len(ids)
        cases = tuple(replace(c, id=i) for c, i in zip(g.all, ids, strict=True))
        out.append(replace(g, cases=cases[: len(g.cases)], standard=cases[len(g.cases) :]))
    return tuple(out)


def _writer(flow: Flow, r: _Records, flows: Sequence[Flow], records: Sequence[_Records]) -> int | None:
    """The index of the earlier workflow that writes this workflow's source record (its target
    system and object are this workflow's source system and object), None when none does."""
    obj = r.source_obj.casefold()
    return next(
        (
            j
            for j in range(flow.number - 1)
            if obj and flows[j].target == flow.source and records[j].target_obj.casefold() == obj
        ),
        None,
    )


def _with_uses(
    groups: tuple[TestGroup, ...], flows: Sequence[Flow], records: Sequence[_Records]
) -> tuple[TestGroup, ...]:
    """A workflow whose source record an earlier workflow writes: each of its agreed cases uses the
    record that workflow's first agreed case (its first happy path when it has one) writes, and
    changes it rather than creating another."""
    by_name = {g.cases[0].workflow if g.cases else g.standard[0].workflow: g for g in groups if g.all}
    out = {id(g): g for g in groups}
    for flow, r in zip(flows, records, strict=True):
        j = _writer(flow, r, flows, records)
        group, earlier = by_name.get(flow.name), by_name.get(flows[j].name) if j is not None else None
        if group is None or earlier is None or not earlier.cases:
            continue
        first = next((c for c in earlier.cases if c.type == "Happy Path"), earlier.cases[0])
        uses = f". This case uses the {r.record} that {first.id} writes to {flow.source}"
        create = f"In {flow.source}, create {_a(r.record)}"
        cases = tuple(
            replace(
                c,
                preconditions=c.preconditions + uses,
                steps=(c.steps[0].replace(create, f"In {flow.source}, change the {r.record} from {first.id}", 1),)
                + c.steps[1:],
            )
            for c in group.cases
        )
        out[id(group)] = replace(group, cases=cases)
    return tuple(out[id(g)] for g in groups)


def _shared_preconditions(group: TestGroup) -> TestGroup:
    """The group's preconditions stated once: those most of its cases share (more than half, and at
    least two), each case printing only what it adds ("As above; this case uses ...") or, when they
    differ, its own in full."""
    cases = group.all
    counts: dict[str, int] = {}
    for c in cases:
        counts[c.preconditions] = counts.get(c.preconditions, 0) + 1
    common, n = max(counts.items(), key=lambda kv: kv[1]) if counts else ("", 0)
    shared = common if n >= 2 and 2 * n > len(cases) else ""

    def shown(c: TestCase) -> str:
        if not shared:
            return c.preconditions
        if c.preconditions == shared:
            return ""
        if c.preconditions.startswith(f"{shared}. "):
            return f"As above; {_lower_first(c.preconditions[len(shared) + 2 :])}"
        return c.preconditions

    done = [replace(c, preconditions_shown=shown(c)) for c in cases]
    return replace(
        group, cases=tuple(done[: len(group.cases)]), standard=tuple(done[len(group.cases) :]), preconditions=shared
    )


def build_test_cases(ctx: PlanContext, kind: DocumentKind = TEST_CASES) -> TestCases:
    """One case per Test Scenarios row and workflow it names (a row without a workflow: one general
    case), in workflow order, each workflow's standard cases after its own, then the general
    scenarios and the standard authentication cases; IDs in document order."""
    p = ctx.project
    wf = p.workflows
    by_map = covered(p.field_mappings, wf, blank_is_all=False)
    by_alert = covered(p.alerts, wf, blank_is_all=False)
    planned, general = _planned(ctx)
    groups: list[TestGroup] = []
    records: list[_Records] = []
    for i, rows in enumerate(planned):
        flow, maps = ctx.flows[i], by_map[i]
        cases = tuple(c for s, title in rows for c in _cases(s, title, flow, maps, ctx))  # type: ignore[arg-type]
        records.append(_records(maps, ctx.systems))  # type: ignore[arg-type]
        std = _standard_for(flow, [s for s, _ in rows], records[-1], by_alert[i], ctx, maps)  # type: ignore[arg-type]
        groups.append(TestGroup(f"Workflow {i + 1}: {wf[i].workflow}", cases, tuple(std)))
    if general:
        groups.append(TestGroup("General scenarios", tuple(_case(s, t, None, [], ctx) for s, t in general)))
    auth = _auth_cases(ctx, [[s for s, _ in rows] for rows in planned], [s for s, _ in general], records)
    if auth:
        groups.append(TestGroup("Authentication", (), tuple(auth)))
    uat = ctx.phases[2]
    numbered = tuple(
        _shared_preconditions(g) for g in _with_uses(_numbered([g for g in groups if g.all]), ctx.flows, records)
    )
    return TestCases(
        header(ctx, kind),
        numbered,
        uat.start,
        uat.end,
        person(ctx, "QA Engineer", "Lead Engineer"),
        ctx.testing.test_data.source,
        _standard_note(
            any(g.standard for g in groups),
            any(c.scenario.startswith("A peak of ") for g in groups for c in g.standard),
            _record_note([c for g in groups for c in g.standard]),
        ),
    )
