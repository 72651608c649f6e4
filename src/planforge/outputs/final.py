"""The final edition's check (``generate --final``): a project's contract documents go out final only
when no contract-bearing section still holds a [TBD] or an assumed value.

Contract-bearing: the statement of work's parties (the supplier is Settings > Firm Name), scope,
deliverables, phases and dates, acceptance milestones, fees and payment; the implementation plan's timeline (its phases' dates, which need the
kickoff date, and any timeline or duration line). The check reads the rendered Markdown (the same
passages the review lists, ``formats.md_tokens.marked_passages``), so a firm's own SOW template is
checked as written, and names for each passage the intake cell that would settle it: the basis the
review gives an assumed value, the field a [TBD] stands for. Each blocking passage is one located
``not-final`` problem of its project; such a project writes none of its client documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from planforge.context.plan import PlanContext
from planforge.core.errors import Problem, make_problem
from planforge.core.names import PLAN, SOW
from planforge.derive.completeness import Tbd
from planforge.formats.md_tokens import marked_passages
from planforge.intake.schema import SETTINGS_SHEET, SHEETS
from planforge.outputs.review import assumed_passages

TBD_MARK = str(Tbd("", ""))
#: Section titles (number stripped, lower case, start of the title) that bind the parties, per kind.
CONTRACT_SECTIONS: dict[str, tuple[str, ...]] = {
    SOW.name: ("scope", "in scope", "out of scope", "deliverables", "phases", "acceptance", "fees", "payment"),
    PLAN.name: (),
}
#: Passages of any section of the plan that state its timeline.
PLAN_TIMELINE = ("timeline", "duration", "go-live", "dates")
#: What a review gives as the basis of a passage no assumption explains.
STANDARD_BASIS = "A standard default of the document's template"
_SHEET_NAMES = (*(s.name for s in SHEETS), SETTINGS_SHEET)


@dataclass(frozen=True)
class Blocker:
    """One passage that keeps a project from its final edition: the document and section it is in,
    the passage as printed, what it lacks ("to be confirmed", "not stated in the intake") and where
    to settle it."""

    document: str
    section: str
    shown: str
    what: str
    fix: str


def _title(section: str) -> str:
    """A heading's title without its number, lower case ("9. Fees and Payment" -> "fees and payment")."""
    head, _, rest = section.partition(" ")
    return (rest if head.rstrip(".").replace(".", "").replace("\\", "").isdigit() else section).casefold()


def is_contract(kind: str, section: str, passage: str) -> bool:
    """Whether a passage of a ``kind`` document binds the parties (see the module docstring)."""
    if kind == PLAN.name:
        return passage.casefold().startswith(PLAN_TIMELINE)
    return _title(section).startswith(CONTRACT_SECTIONS.get(kind, ()))


def _missing_fields(ctx: PlanContext) -> dict[str, str]:
    """The contract facts the project leaves blank, by what they are, with the cell to fill."""
    p = ctx.project
    row = f", row {p.row}"
    fields = {}
    if p.kickoff_date is None:
        fields["dates"] = f"Projects > Kickoff Date{row}"
    if p.budget is None:
        fields["fee"] = f"Projects > Budget{row}"
    if p.payment_terms is None and ctx.settings.payment_terms is None:
        fields["payment terms"] = f"Projects > Payment Terms{row}, or Settings > Payment Terms"
    return fields


def _tbd_fix(section: str, passage: str, missing: dict[str, str]) -> str:
    """The cell(s) that settle a [TBD] passage: the blank contract facts its section and words print."""
    title, text = _title(section), passage.casefold()
    wanted: list[str] = []
    if "payment terms" in text:
        wanted = ["payment terms"]
    elif text.startswith("fee"):
        wanted = ["fee"]
    elif title.startswith(("fees", "payment")):
        wanted = ["dates", "fee"]
    elif title.startswith(("phases", "acceptance")) or text.startswith(PLAN_TIMELINE):
        wanted = ["dates"]
    fixes = [missing[w] for w in wanted if w in missing]
    return "; ".join(fixes) or "the item the review file lists under To fill"


def blockers(ctx: PlanContext, rendered: Sequence[tuple[str, str, str]]) -> list[Blocker]:
    """Every passage of the ``rendered`` (kind, title, Markdown) contract documents that keeps the
    project from its final edition, grouped per document, section and fix (the first passage shown,
    with how many more), plus the plan's timeline while the kickoff date is blank and the SOW's
    supplier while Settings > Firm Name is blank."""
    missing = _missing_fields(ctx)
    found: dict[tuple[str, str, str, str], list[str]] = {}
    for kind, title, markdown in rendered:
        if kind not in CONTRACT_SECTIONS:
            continue
        if kind == SOW.name and not ctx.header.firm_name:
            found.setdefault((title, "Parties", "to be confirmed", f"{SETTINGS_SHEET} > Firm Name"), []).append(
                "the supplier as [Firm name]"
            )
        if kind == PLAN.name and "dates" in missing:
            found.setdefault((title, "Implementation Phases", "to be confirmed", missing["dates"]), []).append(
                "the phases' dates follow once the kickoff date is agreed"
            )
        for section, passage in marked_passages(markdown, TBD_MARK):
            if is_contract(kind, section, passage):
                fix = _tbd_fix(section, passage, missing)
                found.setdefault((title, section, "to be confirmed", fix), []).append(passage)
        for shown in assumed_passages(ctx.review, [(title, markdown)]):
            if is_contract(kind, shown.section, shown.passage):
                key = (title, shown.section, "not stated in the intake", shown.basis or STANDARD_BASIS)
                found.setdefault(key, []).append(shown.passage)
    return [
        Blocker(
            document, section, passages[0] + (f" (and {len(passages) - 1} more)" if passages[1:] else ""), what, fix
        )
        for (document, section, what, fix), passages in found.items()
    ]


def _where(fix: str, ctx: PlanContext) -> dict[str, Any]:
    """The location of the first cell ``fix`` names ("Projects > Budget, row 5", "state it in
    Workflows > Frequency, row 14", "Settings > Monitoring Tool (firm standard)"), else the project's row."""
    p = ctx.project
    where: dict[str, Any] = {"project_id": p.project_id, "file": p.file, "sheet": "Projects", "row": p.row}
    before, arrow, after = fix.partition(" > ")
    sheet = next((name for name in _SHEET_NAMES if arrow and before.endswith(name)), None)
    if sheet is None:
        return where
    column = after.split(",")[0].split(" (")[0].split(";")[0].strip()
    _, has_row, row_text = after.partition(", row ")
    digits = row_text.split(",")[0].split(";")[0].split(" ")[0]
    row = int(digits) if has_row and digits.isdigit() else (p.row if sheet == "Projects" else None)
    return {**where, "sheet": sheet, "row": row, "column": column}


def problems(ctx: PlanContext, rendered: Sequence[tuple[str, str, str]]) -> list[Problem]:
    """The ``not-final`` problems of one project, each located at the cell its fix names."""
    return [
        make_problem(
            "not-final",
            **_where(b.fix, ctx),
            project=ctx.project.project_id,
            document=b.document,
            section=b.section.replace("\\", ""),
            shown=b.shown,
            what=b.what,
            fix=b.fix,
        )
        for b in blockers(ctx, rendered)
    ]


def edition(ctx: PlanContext, options_final: bool) -> PlanContext:
    """The context the documents are written from: in the final edition (``options_final``) without
    the draft marks (the plan's edition line, each document's "(draft)", the DOCX watermark)."""
    if not options_final or not ctx.draft:
        return ctx
    return replace(ctx, draft=False, header=replace(ctx.header, draft=False))
