"""Thin command line: parse options, call one library function, map PlanforgeError to an exit code.

Exit codes: 0 success (warnings allowed), 1 data problems, 2 command-line misuse.
A traceback is shown only with --debug.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from planforge._version import __version__
from planforge.core import strict_json
from planforge.core.errors import ERROR, PlanforgeError, Problem, UsageError, ValidationFailed
from planforge.core.images import LogoError, read_logo
from planforge.core.names import DEFAULT_FORMATS, FORMATS, SUMMARY_NAME, documents_help
from planforge.core.paths import require_input
from planforge.core.terminal import inert
from planforge.formats.docx import check_reference
from planforge.formats.docx_reference import ReferenceRefused
from planforge.intake.blank_workbook import write_intake_template
from planforge.intake.reference_docs import write_docs
from planforge.pipeline import EARLIEST_PLAN_DATE, LATEST_PLAN_DATE, MAX_WAIT, GenerateOptions
from planforge.pipeline import generate as run
from planforge.render.environment import RenderOptions
from planforge.render.limits import DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT, MAX_TIMEOUT
from planforge.render.template_check import check_templates, context_reference, export_templates, sample_contexts
from planforge.validation.traceability import fold_gaps
from planforge.validation.validate import validate_files

MAX_SHOWN = 200


def _shown(text: str) -> str:
    """Text for a Rich console line: control characters made visible, markup escaped."""
    return escape(inert(text))


class _InertFormatter(logging.Formatter):
    """Log lines carry cell text and paths: made inert like every other line printed."""

    def format(self, record: logging.LogRecord) -> str:
        return inert(super().format(record))


def _regular_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A file option must name a regular file: a pipe or a device would hang the run on its first read."""
    if value is None:
        return None
    try:
        return require_input(value, what=f"--{(param.name or '').replace('_', '-')}")
    except UsageError as e:
        raise click.BadParameter(str(e)) from e


def _reference_docx(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A reference DOCX must be a regular file that passes the reference checks (a zip bomb, an OLE
    file or a DTD is a bad option value, refused before any output is written)."""
    path = _regular_file(ctx, param, value)
    if path is not None:
        try:
            check_reference(path)
        except ReferenceRefused as e:
            raise click.BadParameter(e.detail) from e
    return path


def _logo_file(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A logo must be a regular file that reads as a PNG, JPEG or GIF image (refused before anything is read)."""
    path = _regular_file(ctx, param, value)
    if path is not None:
        try:
            read_logo(path)
        except LogoError as e:
            raise click.BadParameter(e.reason) from e
    return path


out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(click.Group):
    """Catches the one base class (never a list of subclasses) and keeps tracebacks behind --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as e:  # its message may quote a path or an --only value as typed
            setattr(e, "message", inert(e.message))  # noqa: B010 (typed Final in click; reassigned before it is shown)
            raise
        except PlanforgeError as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(e, ValidationFailed):
                _print_problems(e.report.problems)
            err.print(f"[red]planforge:[/red] {_shown(_as_flags(str(e)))}")
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            err.print("[red]planforge:[/red] interrupted; no partial files were left behind")
            sys.exit(130)
        except Exception as e:  # a bug: say so in one line unless debugging
            if ctx.obj and ctx.obj.get("debug"):
                raise
            err.print(
                f"[red]planforge: internal error:[/red] {_shown(type(e).__name__)}: {_shown(str(e))} (rerun with --debug for the traceback)"
            )
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planforge")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn Excel discovery intake workbooks into implementation plans and a portfolio summary."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a blank intake workbook to PATH."""
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    write_intake_template(path)
    out.print(f"Wrote blank intake workbook {_shown(str(path))}")


def _verbosity(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-v``/``-vv`` and ``-q``: how much the command says on stderr (logging levels)."""
    f = click.option("-q", "--quiet", is_flag=True, help="Print only problems: no progress bar, no summary line.")(f)
    return click.option(
        "-v", "--verbose", count=True, help="Say what each stage did (-v), and how long it took (-vv)."
    )(f)


def _configure_logging(verbose: int, quiet: bool) -> None:
    """Route the library's ``planforge`` logger to stderr at the level the flags ask for."""
    logger = logging.getLogger("planforge")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_InertFormatter("planforge: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG))


def _render_bounds(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--render-timeout`` and ``--render-max-size``: the bounds on rendering one document."""
    f = click.option(
        "--render-max-size",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_SIZE,
        metavar="CHARS",
        help=f"Characters one document may hold (default {DEFAULT_MAX_SIZE:,}); a document past it is not "
        "written and is reported as a render-limit problem of its project.",
    )(f)
    return click.option(
        "--render-timeout",
        type=click.FloatRange(min=0, min_open=True, max=MAX_TIMEOUT),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"Seconds one document may take to render (default {DEFAULT_TIMEOUT:g}); a document past it is "
        "not written and is reported as a render-limit problem of its project.",
    )(f)


@main.command()
@click.argument("intakes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--date",
    "plan_date",
    default=None,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Run date for plausibility checks, YYYY-MM-DD (default: today).",
)
@click.option(
    "--draft", is_flag=True, help="Check as 'generate --draft' would: a blank Settings > Firm Name is only a warning."
)
@_verbosity
def validate(
    intakes: tuple[Path, ...], as_json: bool, plan_date: datetime | None, draft: bool, verbose: int, quiet: bool
) -> None:
    """Check intake workbook(s) and report every problem at its cell."""
    _configure_logging(verbose, quiet)
    day = plan_date.date() if plan_date else date.today()
    if not EARLIEST_PLAN_DATE <= day <= LATEST_PLAN_DATE:
        raise UsageError(f"--date {day.isoformat()} is outside {EARLIEST_PLAN_DATE.year}-{LATEST_PLAN_DATE.year}")
    report = validate_files(_expand(intakes), as_of=day, firm="draft" if draft else "required")
    if as_json:
        click.echo(strict_json.dumps(report.to_dict()))
    else:
        _print_problems(report.problems, quiet=quiet)
        n = len(report.portfolio.projects)
        status = "[green]valid[/green]" if report.valid else "[red]not valid[/red]"
        held = sorted(report.invalid_projects)
        named = ", ".join(held[:10]) + (f" and {len(held) - 10:,} more" if len(held) > 10 else "")
        held_back = f", held back: {_shown(named)}" if held else ""
        if not quiet:
            out.print(
                f"{status}: {n} project(s) ready{held_back}; {len(report.errors)} error(s), "
                f"{len(report.warnings)} warning(s)"
            )
    sys.exit(0 if report.valid else 1)


class _Formats(click.Choice[str]):
    """``md,html`` or repeated ``--format``: each name one of ``names.FORMATS``."""

    name = "formats"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        parts = [v.strip().lower() for v in str(value).split(",") if v.strip()]
        if not parts:
            self.fail("give at least one format", param, ctx)
        return tuple(super(_Formats, self).convert(v, param, ctx) for v in parts)


@main.command()
@click.argument("intakes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "--date",
    "plan_date",
    default=None,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Plan date, YYYY-MM-DD (default: today).",
)
@click.option("--only", multiple=True, metavar="ID", help="Generate only these project IDs (repeatable).")
@click.option("--strict", is_flag=True, help="Write nothing if the intake has any error.")
@click.option(
    "--final",
    is_flag=True,
    help="Write the final edition, without DRAFT marks; a project whose plan or SOW still has a [TBD] or an "
    "assumed value in a contract-bearing section (scope, dates, fees, payment) is not written, each such value "
    "listed with the cell that settles it (exit 1).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=_Formats(FORMATS, case_sensitive=False),
    help="Output formats, comma-separated or repeated (default md).",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["typst", "libreoffice"], case_sensitive=False),
    default="typst",
    show_default=True,
    help="How PDFs are made: typst typesets them in process (nothing to install); libreoffice converts the "
    "DOCX (LibreOffice must be on PATH) for the Word rendering exactly.",
)
@click.option(
    "--documents",
    "documents",
    default=None,
    metavar="KINDS",
    help="Documents per project, comma-separated: " + documents_help(" (default: Settings > Documents, else plan)."),
)
@click.option(
    "--reference-docx",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_reference_docx,
    help="Word document whose styles the DOCX plans use.",
)
@click.option(
    "--logo",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_logo_file,
    help="The firm's logo (PNG, JPEG or GIF) for the Word/PDF cover and header and the top of each HTML page; "
    "overrides Settings > Logo.",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Write drafts for a workbook whose Settings > Firm Name is blank (they read [Firm name]); without it "
    "such a workbook's projects are held back.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for reading large workbooks and rendering (default: all cores; 1: none).",
)
@click.option(
    "--templates",
    "templates_folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The firm's templates folder, used in front of the shipped templates (see 'planforge templates').",
)
@click.option("--no-summary", is_flag=True, help="Skip portfolio-summary.xlsx.")
@click.option(
    "--force",
    is_flag=True,
    help="Redo every project and overwrite files edited by hand (default: a rerun redoes only what changed).",
)
@click.option(
    "--wait",
    type=click.FloatRange(0, MAX_WAIT),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for another run writing to the same folder before refusing (0: refuse at once).",
)
@_render_bounds
@click.option("--json", "as_json", is_flag=True, help="Print the run (per project: status, outputs, problems) as JSON.")
@_verbosity
def generate(
    intakes: tuple[Path, ...],
    out_dir: Path,
    plan_date: datetime | None,
    only: tuple[str, ...],
    strict: bool,
    final: bool,
    formats: tuple[tuple[str, ...], ...],
    pdf_engine: str,
    documents: str | None,
    reference_docx: Path | None,
    logo: Path | None,
    draft: bool,
    jobs: int | None,
    templates_folder: Path | None,
    no_summary: bool,
    force: bool,
    wait: float,
    render_timeout: float,
    render_max_size: int,
    as_json: bool,
    verbose: int,
    quiet: bool,
) -> None:
    """Write one implementation plan per valid project, and the portfolio summary."""
    _configure_logging(verbose, quiet)
    started = time.perf_counter()
    progress = _progress_bar() if err.is_terminal and not quiet and not as_json else None
    try:
        options = GenerateOptions(
            plan_date=plan_date.date() if plan_date else None,
            only=only,
            strict=strict,
            final=final,
            pdf_engine=pdf_engine.lower(),
            summary=not no_summary,
            formats=tuple(f for group in formats for f in group) or DEFAULT_FORMATS,
            jobs=jobs,
            reference_docx=reference_docx,
            logo=logo,
            draft=draft,
            templates=templates_folder,
            documents=tuple(k.strip() for k in documents.split(",") if k.strip()) if documents else None,
            progress=progress.advance if progress else None,
            force=force,
            wait=wait,
            render_timeout=render_timeout,
            render_max_size=render_max_size,
        )
        result = run(_expand(intakes), out_dir, options)
    finally:
        if progress:
            progress.stop()
    if as_json:
        click.echo(strict_json.dumps(result.to_dict()))
        sys.exit(0 if result.ok else 1)
    _print_problems(result.report.problems, quiet=quiet)
    plans = len(result.contexts)
    skipped = len(result.skipped)
    seconds = time.perf_counter() - started
    summary = " and the portfolio summary" if any(p.name == SUMMARY_NAME for p in result.written) else ""
    files = len(result.written)
    line = (
        f"Wrote {_count(plans, 'plan')} ({_count(files, 'file')}){summary} to {_shown(str(out_dir))} in {seconds:.1f} s"
    )
    if result.unchanged:
        line = (
            f"{len(result.unchanged):,} unchanged, {len(result.rewritten):,} rewritten{summary}"
            f" in {_shown(str(out_dir))} in {seconds:.1f} s"
        )
    merged = sum(1 for p in result.report.problems if p.code == "edited-output-merged")
    conflicts = sum(1 for p in result.report.problems if p.code == "edited-output-conflict")
    if merged:
        line += f"; [yellow]{merged} file(s) edited by hand merged with the new data[/yellow]"
    if conflicts:
        line += f"; [red]{conflicts} hand edit(s) in conflict with the new data, kept (see the .merge.md files)[/red]"
    if len(result.edited) > merged + conflicts:
        kept = "overwritten (--force)" if force else "kept (--force overwrites them)"
        if result.backups:
            first = next(iter(result.backups.values()))
            folder = first.parents[len(first.relative_to(out_dir).parts) - 3]  # <out>/backups/<date and time>
            kept += f", the edited versions kept in {_shown(str(folder))}"
        line += f"; [yellow]{len(result.edited) - merged - conflicts} file(s) edited by hand {kept}[/yellow]"
    if skipped:
        why = ", ".join(_held_back_reason(pid, ps) for pid, ps in sorted(result.skipped.items())[:10])
        line += f"; [red]held back {skipped} project(s) with errors[/red]: {_shown(why)}"
    if result.stale:
        line += f"; {len(result.stale)} file(s) from earlier runs not rewritten (see warnings)"
    if not quiet:
        out.print(line)
    sys.exit(0 if result.ok else 1)


def _count(n: int, noun: str) -> str:
    """'1 plan', '10 plans', '1,234 files'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _held_back_reason(pid: str, problems: list[Problem]) -> str:
    """'ACME-001 (Risks!C14: invalid-choice, +2 more)': the project and its first error's cell."""
    if not problems:
        return pid
    first = problems[0]
    more = f", +{len(problems) - 1} more" if len(problems) > 1 else ""
    return f"{pid} ({first.location}: {first.code}{more})"


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    """Paths go to the library as given (it expands folders and skips lock files), once each is
    known to be a file or a folder: a pipe or a device would hang the run on its first read."""
    return [require_input(path, what="intake", folder_ok=True) for path in paths]


#: Library parameter (as messages write it) -> the flag that sets it.
FLAGS = {
    "strict=True": "--strict",
    "only=": "--only",
    "formats=": "--format",
    "reference_docx=": "--reference-docx",
    "logo=": "--logo",
    "documents=": "--documents",
    "plan_date=": "--date",
    "jobs=": "--jobs",
    "templates=": "--templates",
    "render_timeout=": "--render-timeout",
    "render_max_size=": "--render-max-size",
}


def _as_flags(message: str) -> str:
    """A library message speaks of ``only=``; on the command line that is ``--only``."""
    for parameter, flag in FLAGS.items():
        message = message.replace(parameter, flag)
    return message


def _print_problems(problems: list[Problem], *, quiet: bool = False) -> None:
    """One line per problem: ``error: intake.xlsx Risks!D14 (Likelihood): "Hgh" is not one of ...``.
    ``quiet`` (``-q``): the errors, then one line counting the warnings not shown. A project's
    traceability gaps are one line (``fold_gaps``)."""
    warnings = sum(1 for p in problems if p.severity != ERROR) if quiet else 0  # counted as the summary line does
    problems = fold_gaps(problems)
    ordered = sorted(problems, key=lambda p: (p.severity != ERROR, p.file, p.sheet, p.row or 0))
    if quiet:
        problems = ordered = [p for p in ordered if p.severity == ERROR]
    for p in ordered[:MAX_SHOWN]:
        tag = "[red]error[/red]" if p.severity == ERROR else "[yellow]warning[/yellow]"
        where = f"{p.file} {p.location}" if p.location and p.location != p.file else p.file
        hint = f" [dim]{_shown(p.hint)}[/dim]" if p.hint else ""
        err.print(f"{tag}: {_shown(where)}: {_shown(p.message)}.{hint}", overflow="ignore", crop=False)
    if len(problems) > MAX_SHOWN:
        err.print(f"... and {len(problems) - MAX_SHOWN} more (use 'planforge validate --json' for all)")
    if quiet and warnings:
        err.print(f"{_count(warnings, 'warning')} not shown (-q; run without -q to see them)")


def _progress_bar() -> Any:
    bar = Progress(TextColumn("Rendering plans"), BarColumn(), MofNCompleteColumn(), console=err, transient=True)
    bar.start()
    task = bar.add_task("plans", total=None)

    class _Advance:
        def advance(self, n: int, total: int) -> None:
            bar.update(task, advance=n, total=total)

        def stop(self) -> None:
            bar.stop()

    return _Advance()


@main.group()
def templates() -> None:
    """Firm templates: export the shipped ones as a starting point, check a firm's folder."""


@templates.command("export")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (same names are overwritten).")
def templates_export(folder: Path, force: bool) -> None:
    """Copy the shipped document templates into FOLDER."""
    written = export_templates(folder, force=force)
    out.print(f"Wrote {len(written)} template file(s) to {_shown(str(folder))}")


@templates.command("check")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--sample",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_regular_file,
    help="Intake workbook for the trial render (default: the sample intake, when installed).",
)
@_render_bounds
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
def templates_check(
    folder: Path, sample: Path | None, render_timeout: float, render_max_size: int, quiet: bool
) -> None:
    """Check the firm's templates in FOLDER: syntax, unknown variables and attributes, what the sandbox
    refuses, and a trial render of every document kind within the render bounds. One line per problem
    (file:line: message); exit 1 when there is any."""
    bounds = RenderOptions(timeout=render_timeout, max_size=render_max_size)
    issues = check_templates(folder, sample_contexts(sample), bounds)
    for issue in issues:
        click.echo(inert(str(issue)))
    if not quiet:
        status = f"[red]{len(issues)} problem(s)[/red]" if issues else "[green]no problems[/green]"
        err.print(f"{_shown(str(folder))}: {status}")
    sys.exit(1 if issues else 0)


@templates.command("context")
def templates_context() -> None:
    """Print, as Markdown, the variables every document template receives and all their fields."""
    click.echo(context_reference(), nl=False)


@main.command(hidden=True)
@click.option("--out", "out_dir", default="docs", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--seed",
    default="docs/seed/implementation-plan-template.md",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
def docs(out_dir: Path, seed: Path) -> None:
    """Regenerate docs/intake-reference.md, docs/field-map.md, docs/problems.md and the context reference
    in docs/templates.md (maintainers)."""
    for path in write_docs(out_dir, seed):
        out.print(f"Wrote {_shown(str(path))}")
    guide = out_dir / "templates.md"
    if guide.exists():
        start, end = "<!-- context-reference:start -->\n", "<!-- context-reference:end -->"
        text = guide.read_text("utf-8")
        if start in text and end in text:
            head, rest = text.split(start, 1)
            guide.write_text(head + start + context_reference() + end + rest.split(end, 1)[1], "utf-8")
            out.print(f"Wrote {_shown(str(guide))} (context reference)")
