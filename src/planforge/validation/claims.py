"""Coherence of the intake's claims: what a success criterion or an open question says, checked
against the workflow it is tied to (its Workflow cell, read as ``traceability.match_workflows``
reads it) and the systems the plans resolve.

- **A criterion's duration.** A Success Criteria row tied to a workflow whose text states one
  duration after "within", "under", "up to", "at most", "less than", "max" or "<" ("Inventory
  within 5 minutes"), read by the strict span parser (``intake.parse.parse_span``), while the
  workflow's stated Frequency lets a change wait longer (hourly, or on demand), is a coherence
  warning ``criterion-cadence-slower`` at the criterion's cell. Not checked: a criterion with no
  such duration or with several, one whose Workflow cell is blank (a criterion about the whole
  project is not tied to one workflow's cadence, even when it names a duration), and a workflow
  whose Frequency is blank (its derived cadence is sized by the plans, not stated).
  A criterion's duration shorter than the workflow's stated Latency Target is a coherence warning
  ``criterion-tighter-than-target``: the plans size the workflow to the criterion (``context.flows``).
- **A question the row answers.** An Open Items question tied to a workflow that asks about what
  the workflow's row states is a coherence warning ``question-answered-by-row`` at the item's cell:
  its frequency (a Frequency phrase such as "real time", "hourly" or "every 15 minutes" ending a
  clause, or "how often") when Frequency is stated; its trigger ("in real time?", "manually?",
  "webhooks or polling", "what triggers") when Trigger or Frequency is stated; its direction
  ("which way", "which direction", "one-way", "both ways") when both Source System and Target
  System are stated. Only the tied workflow is read, never a workflow the text merely names, and
  words with an everyday sense ("go live", "a real-time dashboard", "the daily report") are not read
  as a cadence.
- **A question on an assumed system.** An open question that names a variant of a system the
  plans resolve by default ("QuickBooks Online or Desktop?" while System B is "QuickBooks", which
  the plans read as QuickBooks Online) is a coherence warning ``question-on-assumed-system`` at the
  item's cell: the question stays, and the plans say the value is assumed until it is answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from planforge.core.errors import Problem
from planforge.core.model import Cadence, OpenItem, Project, Span, SuccessCriterion, Workflow
from planforge.derive.catalog import lookup, tokens
from planforge.derive.rules import extra_systems
from planforge.intake.parse import BadValue, every_text, parse_frequency, parse_span, span_text
from planforge.validation.traceability import CellRef, located, match_workflows
from planforge.validation.workflows import poll_interval, too_slow

#: (sheet, row, column, code, **params) -> the located problem
_At = Callable[..., Problem]
#: Words that open a duration the span parser reads ("within 5 minutes"); "<5 min" opens itself.
_LEADS = ("within", "under", "max", "up to", "at most", "less than")
#: Words after a Frequency phrase that end its clause ("daily or weekly?", "real time and ...").
_CLAUSE_WORDS = frozenset({"or", "and", "rather", "instead", "than", "please"})
_CLAUSE_MARKS = "?,;.!)"
_STRIP = "?,;.!:()[]\"'"
#: Real-time words that are not about a workflow's cadence in a question ("go live", "a webhook").
_NOT_CADENCE = frozenset({"live", "instant", "instantly", "immediately", "webhook", "by hand", "when started"})
_HOW_OFTEN = ("how often", "how frequently", "what frequency", "which frequency", "what cadence", "which cadence")
_TRIGGER_WORDS = (
    "what triggers",
    "what starts",
    "triggered by",
    "webhooks or polling",
    "polling or webhooks",
    "push or pull",
    "pull or push",
)
_DIRECTION_WORDS = (
    "which way",
    "which direction",
    "what direction",
    "one-way",
    "two-way",
    "two way",
    "both ways",
    "both directions",
    "bidirectional",
    "bi-directional",
)


@dataclass(frozen=True)
class AssumedSystem:
    """A system of the project the plans resolve by default: as written, the product assumed,
    and the sheet and column that name it ("Projects > System B")."""

    written: str
    assumed: str
    column: str


def stated_duration(text: str) -> Span | None:
    """The one duration a criterion states ("within 5 minutes", "under 2 h", "<15 min"), read by
    ``parse_span``; None when it states none or several different ones."""
    words = text.split()
    found: set[Span] = set()
    for i, word in enumerate(words):
        for lead in _LEADS:
            size = lead.count(" ") + 1
            if " ".join(w.casefold() for w in words[i : i + size]) != lead:
                continue
            span = _span_after(lead, words[i + size : i + size + 2])
            if span is not None:
                found.add(span)
        if word.startswith("<"):
            span = _span_after("", [word, *words[i + 1 : i + 2]])
            if span is not None:
                found.add(span)
    return found.pop() if len(found) == 1 else None


def _span_after(lead: str, rest: list[str]) -> Span | None:
    """The span of ``lead`` and one or two following words ("5 minutes", "15min"), else None."""
    for n in (2, 1):
        if len(rest) < n:
            continue
        phrase = " ".join([lead, *(w.strip(_STRIP) for w in rest[:n])]).strip()
        try:
            return parse_span(phrase)
        except BadValue:
            continue
    return None


def assumed_systems(project: Project) -> list[AssumedSystem]:
    """The project's systems whose name the catalog resolves to a default product ("QuickBooks")."""
    named = [("Projects > System A", project.system_a), ("Projects > System B", project.system_b)]
    named += [("Systems > System", name) for name in extra_systems(project)]
    out = []
    for column, name in named:
        match = lookup(name)
        if match.system is not None and match.ambiguity:
            out.append(AssumedSystem(name, match.system.name, column))
    return out


def asks_assumed_system(item: OpenItem, systems: list[AssumedSystem]) -> AssumedSystem | None:
    """The assumed system an open question names a variant of ("QuickBooks Online or Desktop?"
    names QuickBooks followed by Online), or None. The variant words are the assumed product's
    other words and the catalog's excluded words ("desktop"), right after the system's name."""
    if item.type != "Question":
        return None
    words = tokens(item.item)
    for system in systems:
        alias = tokens(system.written)
        match = lookup(system.written).system
        if not alias or match is None:
            continue
        variants = (set(tokens(system.assumed)) - set(alias)) | set(match.excludes)
        for i in range(len(words) - len(alias)):
            if words[i : i + len(alias)] == alias and words[i + len(alias)] in variants:
                return system
    return None


def _phrase_in(text: str, phrases: tuple[str, ...]) -> bool:
    padded = f" {text} "
    return any(f" {p} " in padded for p in phrases)


def asked_cadences(question: str) -> list[Cadence]:
    """The Frequency phrases a question ends a clause with ("in real time?", "daily or weekly?"),
    each read by ``parse_frequency``; words with another everyday sense ("go live") are skipped."""
    words = question.split()
    found: list[Cadence] = []
    for i in range(len(words)):
        for n in (4, 3, 2, 1):
            window = words[i : i + n]
            if len(window) < n:
                continue
            phrase = " ".join(w.strip(_STRIP) for w in window).casefold()
            after = words[i + n].strip(_STRIP).casefold() if i + n < len(words) else ""
            ends = window[-1][-1:] in _CLAUSE_MARKS or not after or after in _CLAUSE_WORDS
            if not ends or phrase in _NOT_CADENCE:
                continue
            try:
                found.append(parse_frequency(phrase))
            except BadValue:
                continue
            break
    return found


def answered_topic(question: str, w: Workflow) -> tuple[str, str, str] | None:
    """(topic, what the row states, the cells that state it) when ``question`` asks about a fact
    ``w``'s row states (rules in the module docstring), else None."""
    text = " ".join(tokens_of(question))
    cadences = asked_cadences(question)
    trigger_only = bool(cadences) and all(c.mode != "interval" for c in cadences)
    if w.frequency is not None and (cadences or _phrase_in(text, _HOW_OFTEN)):
        return "frequency", f"Frequency {w.frequency.text}", "Frequency"
    if (trigger_only or _phrase_in(text, _TRIGGER_WORDS)) and (w.trigger or w.frequency):
        stated = f"Trigger {w.trigger}" if w.trigger else f"Frequency {w.frequency}"
        return "trigger", stated, "Trigger" if w.trigger else "Frequency"
    if w.source_system and w.target_system and _phrase_in(text, _DIRECTION_WORDS):
        stated = f"Source System {w.source_system}, Target System {w.target_system}"
        return "direction", stated, "Source System and Target System"
    return None


def tokens_of(text: str) -> list[str]:
    """The words of ``text``, case folded and stripped of punctuation (hyphens kept: 'one-way')."""
    return [t for t in (w.strip(_STRIP).casefold() for w in text.split()) if t]


def check(project: Project, cell: CellRef) -> Iterator[Problem]:
    """Every claim of the project's success criteria and open items that its workflows or its
    resolved systems contradict or already answer, each at its cell."""
    at = located(project, cell)
    for s in project.success_criteria:
        span = stated_duration(s.criterion)
        if span is None:
            continue
        for i in match_workflows(s.workflow, project.workflows).indexes:
            yield from _criterion_problems(s, span, project.workflows[i], at)
    systems = assumed_systems(project)
    for o in project.open_items:
        yield from _question_problems(o, project, systems, at)


def _criterion_problems(s: SuccessCriterion, span: Span, w: Workflow, at: _At) -> Iterator[Problem]:
    target = w.latency_target
    if target is not None and span.length < target.length:
        yield at(
            "Success Criteria",
            s.row,
            "Criterion",
            "criterion-tighter-than-target",
            value=s.criterion,
            duration=span.text,
            workflow=w.workflow,
            target=target.text,
        )
    cadence = w.frequency
    wait = too_slow(cadence, span) if cadence is not None else None
    if cadence is None or wait is None:
        return
    faster = poll_interval(span) or span.length
    shown = (
        "until someone starts a run" if cadence.mode == "manual" else f"up to {span_text(int(wait.total_seconds()))}"
    )
    yield at(
        "Success Criteria",
        s.row,
        "Criterion",
        "criterion-cadence-slower",
        value=s.criterion,
        duration=span.text,
        workflow=w.workflow,
        frequency=cadence.text,
        wait=shown,
        faster=every_text(int(faster.total_seconds())),
    )


def _question_problems(o: OpenItem, project: Project, systems: list[AssumedSystem], at: _At) -> Iterator[Problem]:
    if o.type != "Question":
        return
    for i in match_workflows(o.workflow, project.workflows).indexes:
        w = project.workflows[i]
        found = answered_topic(o.item, w)
        if found is not None:
            topic, stated, columns = found
            yield at(
                "Open Items",
                o.row,
                "Item",
                "question-answered-by-row",
                value=o.item,
                topic=topic,
                workflow=w.workflow,
                stated=stated,
                columns=columns,
            )
    system = asks_assumed_system(o, systems)
    if system is not None:
        yield at(
            "Open Items",
            o.row,
            "Item",
            "question-on-assumed-system",
            value=o.item,
            system=system.written,
            assumed=system.assumed,
            where=system.column,
        )
