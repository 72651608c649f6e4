"""docs/intake-reference.md, docs/field-map.md (from the schema) and docs/problems.md (from the problem
registry in errors.py), kept in sync by tests/test_docs.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from planforge.core.errors import KINDS
from planforge.core.markdown import pipe_cell
from planforge.intake import schema
from planforge.intake.column_kinds import ColumnKind

_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z0-9_/]*)(?: -[^\]]*)?\]")

#: What the reader accepts, per kind of value (the rules live in parse.py and money.py).
ACCEPTED = """## What is accepted

- **Blank**: an empty cell, or one holding only `TBD`, `TBC`, `TBA`, `?`, `N/A`, `n/a`, `NA`, `-`, `--`,
  `none`, `nil` or `null` (any case, spacing or trailing dot), in every column kind, text included. The plan
  marks it `[TBD]`; it never prints `N/A` as a value.
- **Numbers and money**: a number cell, or text such as `18500`, `18,500`, `18.500`, `1.234,50`,
  `1 234,50` or `1,234.50`, parsed with Babel under both conventions (`,` grouping with `.` decimals, and
  `.` grouping with `,` decimals). When both read it and disagree (`18.500`, `1,234`), one separator
  followed by exactly three digits is read as a thousands separator (18,500), with a warning
  `ambiguous-number` at the cell, unless on Projects that separator is the thousands separator of the
  project's locale (stated, or its currency's: `£36,500` for GBP, `28.000 €` for de-DE) and any symbol
  names the project's currency. Amounts may carry a currency symbol or ISO code before or after
  (`€`, `£`, `$`, `EUR`, `USD`, ...); it must agree with the project's currency (Projects > Currency, else
  Settings > Currency, else USD), otherwise the cell is an error `currency-mismatch`. Plans and the
  summary print amounts in the project's currency. An amount has at most two decimals (`$1,2345` is
  an error, not a guess). Text with an exponent (`1e4`) is not a figure (`wrong-type`); infinities and
  figures outside a column's range are errors (`out-of-range`).
- **Percentages**: `85%`, `0.85` and `85` all mean 85%: text with `%` is percent points, a bare number up
  to 1 a fraction, over 1 percent points. In a *rate* column (Target Error Rate) a bare number from 1 up
  is percent points, and one under 1 is ambiguous: up to 0.1 it is read as a fraction (0.005 = 0.5%, as
  Excel stores a percentage cell), above that as percent points (0.5 = 0.5%), with a warning
  `ambiguous-percent` naming the reading taken. Type the `%` sign to remove the doubt.
- **Dates**: Excel dates, Excel serial numbers, or text such as `2026-02-02`, `2026/02/02`, `2 Feb 2026`,
  `Feb 2, 2026`, `February 2nd, 2026`; between 1900-01-01 and 2200-12-31. A numeric date with day and
  month in either order is read only when the numbers decide it (`13/02/2026` is 13 February,
  `02/13/2026` February 13); `02/03/2026` could be either and is an error `ambiguous-date`, never a
  guess. A kickoff more than two years from the run date is
  read as typed, with a warning `implausible-value`.
- **Frequencies** (Workflows > Frequency): `real-time` (also `live`, `on change`, `webhook`), `every 15 minutes`,
  `every hour`, `hourly`, `every 2 hours`, `daily` or `nightly` (optionally `at 02:00` or `at 2am`), `weekly`,
  or `on demand` (also `manual`); from 1 second to 31 days. Anything else is an error `wrong-type`, never a
  guess: `15 minutes` alone could be a delay or an interval (write `every 15 minutes`), `daily at 2` could be
  02:00 or 14:00.
- **Lengths of time** (Workflows > Latency Target): an amount and a unit, `5 minutes`, `5 min`, `30 seconds`,
  `2 hours`, `1.5 hours`, `1 day`, optionally after `within`, `under`, `up to` or `<`; a bare number has no
  unit and is an error `wrong-type`.
- **Choices**: an exact match or the same words with other case, spacing or punctuation (`blue/green` is
  `Blue-green`, `real time` is `Real-time`), or a declared synonym (listed per column below, e.g. `PM` is
  Project Manager, `Dev` is Backend Developer, `Y`/`N` are Yes/No). Never a guess by prefix: anything
  else is an error `invalid-choice` naming the closest option.
- **Project IDs**: compared after Unicode NFKC, removing invisible characters (zero-width spaces, which
  messages show as `U+200B`), collapsing spaces and folding every dash and minus to `-` (warning
  `id-normalised`). A child-sheet ID that differs from the Projects row only in letter case is matched
  to it with a warning `id-case-mismatch`. A child ID matching no project is an error that holds back
  the closest project (its plan would lack rows), naming the cell. A blank Project ID directly under a
  merged Project ID cell takes the merged value, with a warning `merged-id-filled`.
- **People's names**: spacing (double, non-breaking) and invisible characters are folded, so the People
  load adds up. Names that differ only by accents or case (Zoe Muller / Zoë Müller) are counted as two
  people, with a warning `similar-names` naming both cells.
- **Plausibility**: figures outside a column's usual range (below) are read as typed, with a warning
  `implausible-value` naming the reading; a first-year ROI over 1,000% gets `implausible-roi`.
"""


def _accepted(
    bounds: tuple[Any, Any] | None, plausible: tuple[Any, Any] | None, synonyms: tuple[Any, ...], kind: ColumnKind
) -> str:
    """The Range column: accepted bounds, usual range and synonyms of one column or setting."""
    parts = []
    show = kind.show
    if bounds is not None:
        parts.append(f"{show(bounds[0])} to {show(bounds[1])}")
    if plausible is not None:
        parts.append(f"usual {show(plausible[0])} to {show(plausible[1])}")
    if synonyms:
        parts.append("synonyms: " + ", ".join(f"{a} = {b}" for a, b in synonyms))
    return "; ".join(parts)


def _cell(text: object) -> str:
    return pipe_cell(str(text))


def intake_reference() -> str:
    """Every sheet and column: type, required, choices, help and example."""
    lines = [
        "# Intake workbook reference",
        "",
        "Generated from `src/planforge/schema.py` by `planforge docs`; do not edit by hand.",
        "",
        "Header matching ignores case, spaces, underscores, non-breaking spaces and a trailing `*`. "
        "The header row is the first row (within the first 30) that holds a `Project ID` column.",
        "",
        ACCEPTED,
    ]
    for sheet in schema.SHEETS:
        lines += [
            f"## {sheet.name}",
            "",
            sheet.help,
            "",
            "| Column | Type | Required | Range | Help | Example |",
            "|---|---|---|---|---|---|",
        ]
        for col in sheet.columns:
            kind = col.kind.label + (f": {', '.join(col.choices)}" if col.choices else "")
            example = "" if col.example is None else col.example
            lines.append(
                f"| {_cell(col.header)} | {_cell(kind)} | {'yes' if col.required else ''} "
                f"| {_cell(_accepted(col.bounds, col.plausible, col.synonyms, col.kind))} | {_cell(col.help)} | {_cell(example)} |"
            )
        lines.append("")
    lines += [
        f"## {schema.SETTINGS_SHEET}",
        "",
        "Firm-wide policy, one row per setting (`Setting` | `Value`). Blank values keep the default.",
        "",
        "| Setting | Type | Default | Range | What it does |",
        "|---|---|---|---|---|",
    ]
    for s in schema.SETTINGS:
        default = "" if s.default is None else s.default
        accepted = _accepted(s.bounds, None, (), s.kind)
        lines.append(f"| {s.label} | {s.kind.label} | {_cell(default)} | {_cell(accepted)} | {_cell(s.help)} |")
    return "\n".join(lines) + "\n"


def seed_placeholders(seed_text: str) -> list[str]:
    """Distinct placeholders of the seed plan, in order of first appearance."""
    seen: list[str] = []
    for m in _PLACEHOLDER.finditer(seed_text):
        if m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def field_map(seed_text: str) -> str:
    """Every placeholder of the seed mapped to its source: a column, a child sheet, a derivation or a default."""
    columns = schema.column_placeholders()
    lines = [
        "# Field map: seed placeholders -> intake sources",
        "",
        "Generated by `planforge docs` from the schema and `docs/seed/implementation-plan-template.md`; do not edit by hand.",
        "Where a derivation is named, its rule is the docstring of that function in `src/planforge/` (derive.py, compose.py, catalog.py).",
        "A value with no source in the intake is shown as `[TBD]` in the plan and listed under Document Control.",
        "",
        "| Placeholder | Source |",
        "|---|---|",
    ]
    for name in seed_placeholders(seed_text):
        source = schema.DERIVED_PLACEHOLDERS.get(name) or columns.get(name) or "UNMAPPED"
        if name in columns and name in schema.DERIVED_PLACEHOLDERS:
            source = schema.DERIVED_PLACEHOLDERS[name]
        lines.append(f"| `[{name}]` | {_cell(source)} |")
    lines += [
        "",
        "## Conditional sections",
        "",
        "| Seed condition | Rule |",
        "|---|---|",
        "| `{{#if accounting}}` ... `{{#if pos}}` | one feature block (2.4, 2.5, ...) and one common-risk block per integration type of the project; Testing is numbered after them |",
        "| `{{#if HAS_DATA_MIGRATION}}` | section 4.4 when `derive.has_migration`: Data Migration is Yes, or any Migration column is filled |",
        "",
        "## Per-workflow values",
        "",
        "The seed speaks of the workflows as a list; each workflow's direction, trigger and cadence come from its own row.",
        "",
        "| Value | Source | Read by |",
        "|---|---|---|",
        *(f"| {_cell(value)} | {_cell(source)} | {_cell(reads)} |" for value, source, reads in schema.WORKFLOW_MODEL),
        "",
    ]
    return "\n".join(lines)


def problems_reference() -> str:
    """Every problem code: severity, title, what it means, the message and the fix hint."""
    lines = [
        "# Problem codes",
        "",
        "Generated from the registry in `src/planforge/errors.py` by `planforge docs`; do not edit by hand.",
        "",
        "Every problem planforge reports carries one of these codes, its severity and where it was found",
        "(file, sheet, row, column, cell). An **error** costs its project (or file) the plan; a **warning** says",
        "how a value was read and the plan is still written. `{name}` in a message is filled from the problem.",
        "",
        "| Code | Severity | Title |",
        "| --- | --- | --- |",
        *(f"| [`{k.code}`](#{k.code}) | {k.severity.value} | {_cell(k.title)} |" for k in KINDS),
        "",
    ]
    for kind in KINDS:
        lines += [
            f"## {kind.code}",
            "",
            f"**{kind.title}** ({kind.severity.value}). {kind.description}",
            "",
            f"- Message: {_template(kind.template)}",
            f"- Fix: {_template(kind.hint)}",
            "",
        ]
    return "\n".join(lines)


def _template(text: str) -> str:
    return f"`{text}`" if text else "(none)"


def write_docs(directory: Path, seed_path: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    targets = {
        directory / "intake-reference.md": intake_reference(),
        directory / "field-map.md": field_map(seed_path.read_text("utf-8")),
        directory / "problems.md": problems_reference(),
    }
    for path, text in targets.items():
        path.write_text(text, "utf-8")
    return list(targets)
