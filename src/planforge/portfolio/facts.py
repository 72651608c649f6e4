"""What the portfolio summary reads of each project: a compact record drawn from its plan context.

The summary lists every project, but a rerun with 1% of them changed should not derive the other
99% again only to lay out their rows. So the summary is written from ``ProjectFacts`` (a few hundred
bytes a project, not a plan context), and the run manifest keeps each project's facts as JSON
(``to_json``): a rerun takes an unchanged project's facts from there (``from_json``) and derives only
the projects that changed. A cold run and a rerun build the same facts, so they write the same bytes.

Every value keeps its type through JSON: floats and ints are JSON numbers (a float is written with
``repr`` and read back exactly), amounts are Decimal text, dates ISO text. ``from_json`` trusts
nothing: any value of the wrong shape or type is a ``ValueError``, and the caller derives that
project instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from planforge.context.plan import PlanContext
from planforge.core.money import Money
from planforge.derive.completeness import Tbd
from planforge.derive.rules import risk_level

#: Bumped whenever ``ProjectFacts`` changes shape: recorded facts of another version are not read.
FACTS_FORMAT = 1


@dataclass(frozen=True, slots=True)
class PhaseFacts:
    """One phase as the summary shows it (``owner`` None when the intake does not name one)."""

    number: int
    name: str
    days: int
    start: date | None
    end: date | None
    owner: str | None
    status: str


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """One High risk, in full: the summary's register lists only these (the rest are counted)."""

    risk: str
    likelihood: str
    impact: str
    mitigation: str | None
    owner: str | None


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """One team member, for the people load (``allocation`` None: full time)."""

    name: str
    role: str
    allocation: float | None


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """Everything the summary workbook shows of one project.

    ``risk_grid`` counts the project's risks by (likelihood, impact); ``high_risks`` are its High
    ones in sheet order; ``missing`` is how many fields are [TBD]; ``firm`` the firm named in Settings
    (None in a draft without one)."""

    project_id: str
    client_name: str
    project_name: str
    system_a: str | None
    system_b: str | None
    file: str
    row: int
    firm: str | None
    types: tuple[str, ...]
    confidence: float | None
    complexity: str
    status: str
    phases: tuple[PhaseFacts, ...]
    go_live: date | None
    weekly_hours: float | None
    annual_value: Money | None
    roi: float | None
    payback_months: float | None
    risk_grid: tuple[tuple[str, str, int], ...]
    high_risks: tuple[RiskFacts, ...]
    questions: int
    blockers: int
    completeness: float
    missing: int
    team: tuple[MemberFacts, ...]

    @property
    def type_group(self) -> str:
        """The project's integration types as one label ("accounting + inventory"), so a two-type
        project is counted once, under its combination, and counts by type add up to the projects."""
        return " + ".join(self.types) if self.types else "not determined"

    def risk_counts(self) -> dict[str, int]:
        """How many of the project's risks are High, Medium and Low."""
        counts = {"High": 0, "Medium": 0, "Low": 0}
        for likelihood, impact, n in self.risk_grid:
            level = risk_level(likelihood, impact)
            counts[level] = counts.get(level, 0) + n
        return counts

    def spans(self) -> list[tuple[date, date]] | None:
        """Each phase's (start, end), or None when the plan is undated (no kickoff date)."""
        spans = [(ph.start, ph.end) for ph in self.phases if ph.start is not None and ph.end is not None]
        return spans if spans and len(spans) == len(self.phases) else None

    def to_json(self) -> list[Any]:
        """The facts as JSON-ready lists, in field order, tagged with ``FACTS_FORMAT``."""
        value = self.annual_value
        return [
            FACTS_FORMAT,
            self.project_id,
            self.client_name,
            self.project_name,
            self.system_a,
            self.system_b,
            self.file,
            self.row,
            self.firm,
            list(self.types),
            self.confidence,
            self.complexity,
            self.status,
            [[p.number, p.name, p.days, _day(p.start), _day(p.end), p.owner, p.status] for p in self.phases],
            _day(self.go_live),
            self.weekly_hours,
            [str(value.amount), value.currency] if value is not None else None,
            self.roi,
            self.payback_months,
            [list(cell) for cell in self.risk_grid],
            [[r.risk, r.likelihood, r.impact, r.mitigation, r.owner] for r in self.high_risks],
            self.questions,
            self.blockers,
            self.completeness,
            self.missing,
            [[m.name, m.role, m.allocation] for m in self.team],
        ]

    @classmethod
    def from_json(cls, raw: Any) -> ProjectFacts:
        """The facts ``to_json`` wrote; ``ValueError`` for anything else (another format, a wrong type)."""
        if not isinstance(raw, list) or len(raw) != 26 or raw[0] != FACTS_FORMAT:
            raise ValueError("not project facts of this format")
        (
            _,
            project_id,
            client_name,
            project_name,
            system_a,
            system_b,
            file,
            row,
            firm,
            types,
            confidence,
            complexity,
            status,
            phases,
            go_live,
            weekly_hours,
            annual_value,
            roi,
            payback,
            grid,
            high,
            questions,
            blockers,
            completeness,
            missing,
            team,
        ) = raw
        return cls(
            _text(project_id),
            _text(client_name),
            _text(project_name),
            _text_or_none(system_a),
            _text_or_none(system_b),
            _text(file),
            _int(row),
            _text_or_none(firm),
            tuple(_text(t) for t in _list(types)),
            _number_or_none(confidence),
            _text(complexity),
            _text(status),
            tuple(_phase(p) for p in _list(phases)),
            _day_or_none(go_live),
            _number_or_none(weekly_hours),
            _money(annual_value),
            _number_or_none(roi),
            _number_or_none(payback),
            tuple(_grid_cell(c) for c in _list(grid)),
            tuple(_risk(r) for r in _list(high)),
            _int(questions),
            _int(blockers),
            _number(completeness),
            _int(missing),
            tuple(_member(m) for m in _list(team)),
        )


def project_facts(ctx: PlanContext) -> ProjectFacts:
    """What the summary shows of the project ``ctx`` plans."""
    p = ctx.project
    grid: dict[tuple[str, str], int] = {}
    for r in p.risks:
        grid[(r.likelihood, r.impact)] = grid.get((r.likelihood, r.impact), 0) + 1
    roi = ctx.roi_figures
    return ProjectFacts(
        project_id=p.project_id,
        client_name=p.client_name,
        project_name=p.project_name,
        system_a=p.system_a,
        system_b=p.system_b,
        file=p.file,
        row=p.row,
        firm=ctx.header.firm_name if ctx.header.firm_given else None,
        types=tuple(ctx.types),
        confidence=p.confidence,
        complexity=ctx.complexity,
        status=ctx.status,
        phases=tuple(
            PhaseFacts(
                ph.number,
                ph.name,
                ph.days,
                ph.start,
                ph.end,
                None if isinstance(ph.owner, Tbd) or not ph.owner else str(ph.owner),
                ph.status,
            )
            for ph in ctx.phases
        ),
        go_live=ctx.go_live,
        weekly_hours=ctx.savings.weekly_hours if ctx.savings else None,
        annual_value=Money(roi.annual_value, p.currency) if roi is not None else None,
        roi=roi.roi if roi is not None else None,
        payback_months=roi.payback_months if roi is not None else None,
        risk_grid=tuple((likelihood, impact, n) for (likelihood, impact), n in grid.items()),
        high_risks=tuple(
            RiskFacts(r.risk, r.likelihood, r.impact, r.mitigation, r.owner)
            for r in p.risks
            if risk_level(r.likelihood, r.impact) == "High"
        ),
        questions=len(ctx.questions),
        blockers=len(ctx.blockers),
        completeness=ctx.completeness.ratio,
        missing=len(ctx.completeness.missing),
        team=tuple(MemberFacts(m.name, m.role, m.allocation) for m in p.team),
    )


# ---------------------------------------------------------------------------------- reading JSON back


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError("expected a list")
    return raw


def _text(raw: Any) -> str:
    if type(raw) is not str:
        raise ValueError("expected text")
    return raw


def _text_or_none(raw: Any) -> str | None:
    return None if raw is None else _text(raw)


def _int(raw: Any) -> int:
    if type(raw) is not int:
        raise ValueError("expected a whole number")
    return raw


def _number(raw: Any) -> float:
    if type(raw) not in (int, float):  # JSON keeps 1 and 1.0 apart, and so does this: the value is as recorded
        raise ValueError("expected a number")
    return raw  # type: ignore[no-any-return]


def _number_or_none(raw: Any) -> float | None:
    return None if raw is None else _number(raw)


def _day_or_none(raw: Any) -> date | None:
    return None if raw is None else date.fromisoformat(_text(raw))


def _money(raw: Any) -> Money | None:
    if raw is None:
        return None
    amount, currency = _fields(raw, 2)
    try:
        return Money(Decimal(_text(amount)), _text(currency))
    except InvalidOperation as e:
        raise ValueError("not an amount") from e


def _phase(raw: Any) -> PhaseFacts:
    number, name, days, start, end, owner, status = _fields(raw, 7)
    return PhaseFacts(
        _int(number),
        _text(name),
        _int(days),
        _day_or_none(start),
        _day_or_none(end),
        _text_or_none(owner),
        _text(status),
    )


def _grid_cell(raw: Any) -> tuple[str, str, int]:
    likelihood, impact, n = _fields(raw, 3)
    return _text(likelihood), _text(impact), _int(n)


def _risk(raw: Any) -> RiskFacts:
    risk, likelihood, impact, mitigation, owner = _fields(raw, 5)
    return RiskFacts(_text(risk), _text(likelihood), _text(impact), _text_or_none(mitigation), _text_or_none(owner))


def _member(raw: Any) -> MemberFacts:
    name, role, allocation = _fields(raw, 3)
    return MemberFacts(_text(name), _text(role), _number_or_none(allocation))


def _fields(raw: Any, n: int) -> list[Any]:
    if not isinstance(raw, list) or len(raw) != n:
        raise ValueError(f"expected {n} values")
    return raw
