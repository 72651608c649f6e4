"""The integration model per workflow: which way its data moves, what starts it, how often it runs.

Every document that speaks of a workflow (the plan's approach in 1.3, the technical
specifications' section per workflow, the test cases' steps, the runbook's verification and
rollback) reads it from one ``Flow``, built once per plan from the workflow's row:

- **Stated values are used as stated.** Workflows > Source System, Target System, Trigger and
  Frequency, when filled, are what every document prints.
- **What is blank is derived and marked assumed.** The ends: from the workflow's wording
  (``worded_direction``), else System A to System B; one stated end keeps the other from the
  wording. A name that states both ends outright (``named_ends``: "Sync new NetSuite items to
  Shopify") is printed as stated, and only the review notes where it was read. The trigger: from the stated Frequency (real-time is Real-time, an interval
  Scheduled, on demand Manual), else from the source's webhook support (Systems sheet, else the
  catalog: the value section 4.3 shows): events when it publishes them, polling otherwise, TBD
  when that support is unknown. The cadence: event-driven only when the source publishes events
  (stated, not assumed, when the Trigger is stated Real-time: it follows from two facts); polling
  otherwise, at the slowest standard interval that meets the Latency Target; a schedule without a
  target is once a day.
Each assumed value is noted for the review (``Completeness.note_assumption``), with its basis and
the cell that would fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from planforge.core.model import Cadence, Project, Span, Workflow
from planforge.derive.completeness import Assumed, Completeness, Tbd
from planforge.derive.rules import all_systems
from planforge.intake.parse import every_text
from planforge.validation.claims import stated_duration
from planforge.validation.traceability import match_workflows
from planforge.validation.workflows import fits_trigger, is_two_way, poll_interval, system_named

Shown = str | Assumed | Tbd
#: ``_flow``'s ``assume``: (what, value, basis, the column that would state it) -> the marked value
_Assume = Callable[[str, str, str, str], Assumed]

_CONDITIONAL_HOOKS = re.compile(r"\b(?:partial|limited|commercial|on request|approval|partner|beta)\b", re.I)
_BACK = re.compile(r"\bback\b", re.IGNORECASE)
_TOWARDS = re.compile(r"\b(from|to|into)\s+(?:the\s+)?([^\W_]+)", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
#: How often a source without events is polled for a real-time workflow with no Latency Target.
DEFAULT_POLL = timedelta(minutes=5)


def webhook_support(text: str | None) -> str:
    """How a system's Webhook support (Systems sheet, else the catalog: the same value section
    4.3 shows) is read: 'yes', 'no', 'conditional' (partial, or limited to an access tier such
    as 'yes (commercial access only)'), or 'unknown' when blank."""
    if not text:
        return "unknown"
    low = text.strip().lower()
    if low.startswith("no"):
        return "no"
    if low.startswith("partial") or _CONDITIONAL_HOOKS.search(low):
        return "conditional"
    return "yes" if low.startswith("yes") else "conditional"


def worded_direction(workflow: Workflow, a: str, b: str) -> tuple[str, str]:
    """Which way a workflow's wording says its data moves, as (source, target): from B to A when
    it says 'back', 'to <A>' or 'from <B>' (a system named by the first word of its product name);
    otherwise from A to B (the intake's System A is the source)."""
    first_a, first_b = a.split()[0].casefold(), b.split()[0].casefold()
    back = bool(_BACK.search(workflow.workflow))
    for m in _TOWARDS.finditer(workflow.workflow):
        word, name = m.group(1).casefold(), m.group(2).casefold()
        if name in (first_a, first_b) and first_a != first_b:
            back = (word == "from") == (name == first_b)
            break
    return (b, a) if back else (a, b)


def worded_ends(workflow: Workflow, systems: tuple[str, ...]) -> tuple[str, str]:
    """``worded_direction`` over every system of the project (System A and B first): with only the
    primary pair it is exactly that; with further systems the wording's 'to <X>' names the target
    and 'from <X>' the source (a system named by the first word of its name), the other end being
    another system the wording names, else the primary pair's other side. Wording that names no
    end falls back to the primary pair's reading."""
    a, b = systems[0], systems[1]
    if len(systems) <= 2:
        return worded_direction(workflow, a, b)
    firsts: dict[str, str] = {}
    for name in systems:
        firsts.setdefault(name.split()[0].casefold(), name)
    ends: dict[str, str] = {}
    for m in _TOWARDS.finditer(workflow.workflow):
        found = firsts.get(m.group(2).casefold())
        if found is not None:
            ends.setdefault("source" if m.group(1).casefold() == "from" else "target", found)
    words = {w.casefold() for w in _WORD.findall(workflow.workflow)}
    named = [name for first, name in firsts.items() if first in words]
    source, target = ends.get("source"), ends.get("target")
    if source is not None and target is not None and source != target:
        return source, target
    if target is not None:
        others = [n for n in named if n != target] or [b if target == a else a]
        return others[0], target
    if source is not None:
        others = [n for n in named if n != source] or [a if source == b else b]
        return source, others[0]
    return worded_direction(workflow, a, b)


#: A schedule at least this far apart is batch work (``Flow.runs_in_batches``).
_HOUR = timedelta(hours=1)


def named_ends(workflow: Workflow, systems: tuple[str, ...]) -> tuple[str, str] | None:
    """The ends a workflow's name states outright, as (source, target): it names exactly two of the
    project's systems (by the first word of their names), says neither 'back' nor both ways, and its
    'to <X>' / 'into <X>' / 'from <X>' all agree on which is which ('Sync new NetSuite items to Shopify':
    NetSuite to Shopify). None when the name leaves any doubt, and the direction stays assumed."""
    firsts: dict[str, str] = {}
    for name in systems:
        if name.split():
            firsts.setdefault(name.split()[0].casefold(), name)
    words = {w.casefold() for w in _WORD.findall(workflow.workflow)}
    named = [name for first, name in firsts.items() if first in words]
    if len(named) != 2 or _BACK.search(workflow.workflow) or is_two_way([workflow]):
        return None
    readings = set()
    for m in _TOWARDS.finditer(workflow.workflow):
        found = firsts.get(m.group(2).casefold())
        if found in named:
            other = named[1] if found == named[0] else named[0]
            readings.add((found, other) if m.group(1).casefold() == "from" else (other, found))
    return readings.pop() if len(readings) == 1 else None


@dataclass(frozen=True)
class Flow:
    """One workflow as every document speaks of it. ``source`` and ``target`` are system names as
    the intake writes them; ``direction``, ``trigger`` and ``cadence`` print as stated, "(assumed)"
    or [TBD]; ``event_driven`` is True only when the workflow runs on its source's change events."""

    number: int
    name: str
    source: str
    target: str
    two_way: bool
    direction: Shown
    trigger: Shown
    cadence: Shown
    event_driven: bool
    latency: Span | None
    #: the stated Frequency (Workflows > Frequency), None when blank
    frequency: Cadence | None = None
    #: how often the source is polled when the workflow is real-time without events ("every 5 minutes"), else ""
    poll: str = ""
    #: the system that is polled (the source; for a two-way workflow, the end that publishes no events), else ""
    polled_from: str = ""
    #: the duration a success criterion tied to the workflow promises when it is shorter than the Latency
    #: Target (the workflow is sized to it: ``_sizing``), else None
    promise: Span | None = None

    @property
    def stated_frequency(self) -> str:
        """The stated Frequency's wording ("every 15 minutes", "daily at 02:00"), "" when blank."""
        return self.frequency.text if self.frequency is not None else ""

    @property
    def runs_in_batches(self) -> bool:
        """Batch work: started by the team, or scheduled (as stated or assumed) with no stated
        Frequency or Latency Target shorter than an hour. It is watched run by run, not by the minute."""
        if self.trigger_value == "Manual":
            return True
        if self.trigger_value != "Scheduled":
            return False
        if self.frequency is not None and (
            self.frequency.mode == "real-time" or (self.frequency.every is not None and self.frequency.every < _HOUR)
        ):
            return False
        return self.latency is None or self.latency.length >= _HOUR

    @property
    def polled(self) -> bool:
        """Real-time, but its source publishes no events it can run on: the source is polled."""
        return self.trigger_value == "Real-time" and not self.event_driven

    @property
    def writes_to(self) -> tuple[str, ...]:
        """The systems this workflow writes to: its target, and its source too when it runs both ways."""
        return (self.source, self.target) if self.two_way else (self.target,)

    @property
    def trigger_value(self) -> str:
        """The trigger's word (Real-time, Scheduled, Manual) whether stated or assumed; "" when TBD."""
        return (
            self.trigger.value
            if isinstance(self.trigger, Assumed)
            else self.trigger
            if isinstance(self.trigger, str)
            else ""
        )


def build_flows(
    project: Project, webhooks: Mapping[str, str | None], c: Completeness | None = None
) -> tuple[Flow, ...]:
    """Every workflow of the project as a ``Flow`` (rules in the module docstring). ``webhooks``:
    system name -> its Webhook support as section 4.3 shows it. With ``c``, each assumed value is
    noted for the review."""
    support = {name: webhook_support(text) for name, text in webhooks.items()}
    promised = _promised(project)
    return tuple(
        _flow(
            i + 1,
            w if w.latency_target or i not in promised else replace(w, latency_target=promised[i]),
            project,
            support,
            c,
            _sizing(w, promised.get(i)),
        )
        for i, w in enumerate(project.workflows)
    )


def _sizing(w: Workflow, promise: Span | None) -> tuple[Span | None, str]:
    """(the span a derived cadence is sized to, what it is) for a workflow: the shorter of its
    Latency Target and the shortest duration a success criterion tied to it promises, so a polling
    interval derived from a looser target never contradicts the criterion the client was given
    (``criterion-tighter-than-target`` says so at the criterion)."""
    target = w.latency_target
    if promise is not None and (target is None or promise.length < target.length):
        return promise, f"the success criterion's {promise.text}"
    return target, f"the Latency Target of {target.text}" if target is not None else ""


def _promised(project: Project) -> dict[int, Span]:
    """Per workflow (index), the shortest duration a success criterion tied to it states ("Stock on
    Shopify within 2 minutes"): with no Latency Target on its row, the workflow is sized to that
    promise, so a derived cadence never contradicts a criterion the client was given."""
    found: dict[int, Span] = {}
    for s in project.success_criteria:
        span = stated_duration(s.criterion) if s.workflow else None
        if span is None:
            continue
        for i in match_workflows(s.workflow, project.workflows).indexes:
            if i not in found or span.length < found[i].length:
                found[i] = span
    return found


def _ends(w: Workflow, project: Project) -> tuple[str, str, bool, str]:
    """(source, target, two-way, basis): basis is "" when both ends are stated."""
    src, tgt = system_named(project, w.source_system), system_named(project, w.target_system)
    if src and tgt:
        return src, tgt, False, ""
    wsrc, wtgt = worded_ends(w, all_systems(project))
    if src:
        return src, (wtgt if wtgt != src else wsrc), False, "Source System stated; the target from the workflow wording"
    if tgt:
        return (wsrc if wsrc != tgt else wtgt), tgt, False, "Target System stated; the source from the workflow wording"
    return wsrc, wtgt, is_two_way([w]), "workflow wording"


def _flow(
    n: int,
    w: Workflow,
    project: Project,
    support: Mapping[str, str],
    c: Completeness | None,
    sizing: tuple[Span | None, str],
) -> Flow:
    source, target, two_way, basis = _ends(w, project)
    label = f"Workflow {n} ({w.workflow})"

    def assume(what: str, value: str, why: str, cell: str) -> Assumed:
        if c is not None:
            c.note_assumption(f"{label} {what}", value, f"{why}; state it in Workflows > {cell}, row {w.row}")
        return Assumed(value, why)

    direction: Shown = f"{source} to {target}"
    if two_way:
        direction = assume("direction", f"Both ways between {source} and {target}", basis, "Source/Target System")
    elif basis == "workflow wording" and named_ends(w, all_systems(project)) == (source, target):
        # the name states it outright: printed as stated, noted for the review with where it was read
        if c is not None:
            c.note_assumption(
                f"{label} direction",
                f"{source} to {target}",
                f"read from the workflow's name; state it in Workflows > Source System and Target System, row {w.row}",
            )
    elif basis:
        direction = assume("direction", f"{source} to {target}", basis, "Source System and Target System")
    pushes = support.get(source) == "yes" and (not two_way or support.get(target) == "yes")
    trigger = _trigger(w, source, support.get(source, "unknown"), assume)
    word = trigger.value if isinstance(trigger, Assumed) else trigger if isinstance(trigger, str) else ""
    event_driven = word == "Real-time" and pushes
    # a two-way workflow whose source pushes but whose target does not polls the target
    quiet = target if two_way and support.get(source) == "yes" and support.get(target) != "yes" else source
    cadence = _cadence(w, word, quiet, support.get(quiet, "unknown"), event_driven, assume, sizing)
    poll = ""
    if word == "Real-time" and not event_driven:
        poll = every_text(int((poll_interval(sizing[0]) or DEFAULT_POLL).total_seconds()))
    return Flow(
        n,
        w.workflow,
        source,
        target,
        two_way,
        direction,
        trigger,
        cadence,
        event_driven,
        w.latency_target,
        w.frequency,
        poll,
        quiet if poll else "",
        sizing[0] if sizing[0] is not None and sizing[0] != w.latency_target else None,
    )


def _trigger(w: Workflow, source: str, hooks: str, assume: _Assume) -> Shown:
    if w.trigger:
        return w.trigger
    if w.frequency is not None:
        return fits_trigger(w.frequency)
    if hooks == "yes":
        return assume("trigger", "Real-time", f"{source} publishes change events", "Trigger or Frequency")
    if hooks in ("no", "conditional"):
        return assume("trigger", "Scheduled", f"{_quiet(source, hooks)}, so it is polled", "Trigger or Frequency")
    return Tbd("Trigger", f"Workflows > Trigger or Frequency, row {w.row}")


def _quiet(source: str, hooks: str) -> str:
    """Why a source is polled, as its webhook support reads ('yes' here: the other end of a two-way
    workflow does not push)."""
    return {
        "no": f"{source} publishes no change events",
        "conditional": f"{source} offers change events only in part",
        "yes": "one end of the two-way workflow publishes no change events",
    }.get(hooks, f"{source} is not known to publish change events")


def _cadence(
    w: Workflow,
    trigger: str,
    source: str,
    hooks: str,
    event_driven: bool,
    assume: _Assume,
    sizing: tuple[Span | None, str],
) -> Shown:
    target, basis = sizing
    within = f"within {target.text}" if target else "within minutes"
    poll = poll_interval(target) or DEFAULT_POLL
    every = every_text(int(poll.total_seconds()))
    if w.frequency is not None:
        stated = w.frequency
        if stated.mode == "manual":
            return "On demand, when the team starts a run"
        if stated.mode == "interval":
            return stated.text[0].upper() + stated.text[1:]
        if event_driven:
            return f"Real-time: on each {source} change event (webhook), processed {within}"
        why = _quiet(source, hooks) + (f"; sized to {basis}" if target else "")
        return assume("frequency", f"Real-time: {source} polled {every}", why, "Frequency")
    if trigger == "Manual":
        return "When the team starts a run"
    if trigger == "Real-time" and event_driven and w.trigger:
        # a stated Real-time trigger on a source that publishes events: the cadence follows from both
        return f"On each {source} change event (webhook), processed {within}"
    if trigger == "Real-time" and event_driven:
        return assume(
            "frequency",
            f"On each change event (webhook), processed {within}",
            f"{source} publishes change events",
            "Frequency",
        )
    if trigger == "Real-time":
        why = _quiet(source, hooks) + (f"; sized to {basis}" if target else "")
        return assume("frequency", f"On each change, detected by polling {source} {every}", why, "Frequency")
    if trigger == "Scheduled" and target:
        return assume("frequency", every[0].upper() + every[1:], f"sized to {basis}", "Frequency")
    if trigger == "Scheduled":
        return assume("frequency", "Once a day, outside business hours", "standard schedule", "Frequency")
    return Tbd("Frequency", f"Workflows > Frequency, row {w.row}")


def _ways(flows: list[Flow], a: str, b: str) -> str:
    ways: set[str] = set()
    for f in flows:
        if f.two_way and {f.source, f.target} == {a, b}:
            ways |= {"ab", "ba"}
        elif (f.source, f.target) == (a, b):
            ways.add("ab")
        elif (f.source, f.target) == (b, a):
            ways.add("ba")
    if ways == {"ab", "ba"}:
        return f"{a} ↔ {b}"
    return f"{b} → {a}" if ways == {"ba"} else f"{a} → {b}"


def _links(flows: list[Flow], systems: tuple[str, ...]) -> str:
    """The key facts' systems when the project names more than two: each pair of systems some
    workflow connects, as ``_ways`` reads it (the primary pair first, then each further system with
    the systems named before it); a further system no workflow connects is named on its own."""
    a, b = systems[0], systems[1]
    between = [f for f in flows if {f.source, f.target} == {a, b}]
    parts = [_ways(flows, a, b)] if between or not flows else []
    for i, extra in enumerate(systems[2:], start=2):
        linked = False
        for other in systems[:i]:
            if any({f.source, f.target} == {other, extra} for f in flows):
                parts.append(_ways(flows, other, extra))
                linked = True
        if not linked:
            parts.append(f"{extra} (no workflow yet)")
    return "; ".join(parts)


def pair_ways(flows: tuple[Flow, ...], a: str, b: str) -> str:
    """The primary pair with the workflows' directions (assumed ones included), as the key facts read
    it: "A → B" when every workflow runs from A to B (or none is agreed yet), "B → A" when every
    one runs from B to A, "A ↔ B" only when they run both ways."""
    return _ways(list(flows), a, b)


def systems_line(
    flows: tuple[Flow, ...], a: str, b: str, c: Completeness | None = None, extra: tuple[str, ...] = ()
) -> Shown:
    """The key facts' systems: "A ↔ B" when the workflows between the primary pair run both ways
    (one runs two-way, or some run A to B and others B to A), "B → A" when every one runs from B
    to A, else "A → B" (as before when no workflow says, or none runs between the pair). With
    further systems (``extra``: the Systems sheet's others), every system is named: each pair the
    workflows connect reads the same way ("Shopify Plus → Klaviyo; Gorgias → Klaviyo"). When the
    stated directions alone would read otherwise, the line rests on assumed directions: it is
    marked assumed and noted for the review."""

    def line(some: list[Flow]) -> str:
        return _links(some, (a, b, *extra)) if extra else _ways(some, a, b)

    shown = line(list(flows))
    if shown == line([f for f in flows if isinstance(f.direction, str)]):
        return shown
    why = "from the workflows' assumed directions"
    if c is not None:
        c.note_assumption(
            "Key facts systems", shown, f"{why}; state them in Workflows > Source System and Target System"
        )
    return Assumed(shown, why)
