"""The one orchestrator: read -> validate -> derive -> render -> summarize -> write.

It validates everything before writing anything, renders each valid project, writes every
file atomically inside the output folder, and reports (never hides) projects it skipped and
stale plans left from earlier runs. A rerun into the same folder redoes only the projects whose
inputs changed since the run manifest was written (manifest.py), keeps files edited by hand
(reported, overwritten only with ``force``), and writes the manifest last. Each stage is timed
(``RunResult.timings``) for bench/. The CLI is a thin shell around ``generate``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from planforge.context.plan import PlanContext, build_context
from planforge.core.atomic import inside, prepare_out_dir, write_text
from planforge.core.errors import (
    OUTPUT_FOLDER_CODES,
    WARNING,
    OutputError,
    Problem,
    UsageError,
    ValidationFailed,
    make_problem,
)
from planforge.core.model import Portfolio, Project
from planforge.core.names import (
    DEFAULT_FORMATS,
    DOCUMENT_FILE,
    HTML,
    INDEX_NAME,
    PLAN_FILE,
    REVIEW_DIR,
    REVIEW_FILE,
    SUMMARY_NAME,
    TEST_CASES,
    document_filename,
    expand_documents,
    review_filename,
    uat_filename,
)
from planforge.core.paths import require_input
from planforge.core.report import Report, RestoredReport
from planforge.core.result import RunResult, failure
from planforge.derive import rules as derive
from planforge.derive.completeness import Finding
from planforge.formats.html import index_html
from planforge.formats.options import WriteOptions
from planforge.intake.reader import ScanWorkers, find_workbooks
from planforge.outputs import batch as outputs
from planforge.outputs.batch import check_options, in_background, write_plans
from planforge.portfolio.summary import write_summary
from planforge.render.environment import RenderOptions, templates_dir
from planforge.render.limits import DEFAULT_MAX_SIZE, DEFAULT_TIMEOUT, check_bounds
from planforge.render.template_check import refuse_broken
from planforge.rerun.codec import recordable
from planforge.rerun.digests import (
    RunInputs,
    code_digest,
    file_digest,
    file_digests,
    portfolio_digest,
    run_key,
    tree_digest,
)
from planforge.rerun.manifest import (
    MANIFEST_NAME,
    NOT_CURRENT,
    Manifest,
    Output,
    ProjectEntry,
    RunRecord,
    load_manifest,
    remove_manifest,
    write_manifest,
)
from planforge.rerun.planner import RerunPlan, edited_by_hand, manifest_after, plan_digests, plan_rerun
from planforge.validation.validate import plausibility_after_derive, read_files, validate_files, validate_workbooks

log = logging.getLogger("planforge")

Progress = Callable[[int, int], None]  # (plans just done, plans in all)
#: Plan dates outside this range are refused: the plan derives dates years ahead of it (phases,
#: reviews, stabilisation), and those must stay inside what Python and Excel can hold.
EARLIEST_PLAN_DATE = date(1900, 1, 1)
LATEST_PLAN_DATE = date(2200, 12, 31)  # the range every date column accepts (schema)


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerateOptions:
    """How ``generate`` runs. Every field is optional; the defaults write Markdown plans and the summary.

    - ``plan_date``: the date the plans are written for (phases, "as of", document properties);
      None means today. The same input and date give byte-identical files.
    - ``only``: project IDs to generate (others are validated but not written); an ID not in the
      intake is a ``UsageError`` naming ``only=``.
    - ``strict``: write nothing when the intake has any error (raises ``ValidationFailed``).
    - ``summary``: also write ``portfolio-summary.xlsx``.
    - ``formats``: any of ``names.FORMATS`` (md, html, docx, pdf; pdf needs LibreOffice).
    - ``jobs``: worker processes for scanning a large workbook and for rendering (None: all cores; large
      runs only; 1: none).
    - ``reference_docx``: a Word document whose styles the DOCX and PDF plans use.
    - ``templates``: the firm's templates folder, searched before the shipped templates (see
      docs/templates.md); a folder whose templates do not check is a ``UsageError`` before anything is written.
    - ``documents``: document kinds per project (``names.DOCUMENT_KINDS`` or ``all``); None: Settings >
      Documents, else the plan only.
    - ``progress``: called as ``progress(plans_just_done, plans_in_all)`` while plans are written.
    - ``force``: redo every project and overwrite files edited by hand, rather than redo only what
      changed since the run manifest in ``out_dir`` was written.
    - ``render_timeout``, ``render_max_size``: the bounds on rendering one document, in seconds and
      characters (default 10 s and 20,000,000; both must be over 0): a document past one is not written
      and is a ``render-limit`` problem of its project; the other documents and projects are written.
    """

    plan_date: date | None = None
    only: tuple[str, ...] = ()
    strict: bool = False
    summary: bool = True
    formats: tuple[str, ...] = DEFAULT_FORMATS
    jobs: int | None = None
    reference_docx: Path | None = None
    templates: Path | None = None
    documents: tuple[str, ...] | None = None
    progress: Progress | None = field(default=None, compare=False)
    force: bool = False
    render_timeout: float = DEFAULT_TIMEOUT
    render_max_size: int = DEFAULT_MAX_SIZE

    def __post_init__(self) -> None:
        check_bounds(self.render_timeout, self.render_max_size, ("render_timeout", "render_max_size"))
        if isinstance(self.documents, str):
            raise UsageError(
                f"documents= takes a list of strings, not the string {self.documents!r}", parameter="documents"
            )
        if self.documents is not None:
            object.__setattr__(self, "documents", expand_documents(self.documents))
        for name in ("only", "formats"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise UsageError(f"{name}= takes a list of strings, not the string {value!r}", parameter=name)
            object.__setattr__(self, name, tuple(value))
        if self.plan_date is not None and not EARLIEST_PLAN_DATE <= self.plan_date <= LATEST_PLAN_DATE:
            raise UsageError(
                f"plan_date= {self.plan_date.isoformat()} is outside {EARLIEST_PLAN_DATE.year}-{LATEST_PLAN_DATE.year}; "
                "plans date phases, reviews and stabilisation from it, and those dates must stay valid",
                parameter="plan_date",
            )
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"jobs= must be at least 1, not {self.jobs}", parameter="jobs")
        if self.reference_docx is not None:
            object.__setattr__(self, "reference_docx", Path(self.reference_docx))
        if self.templates is not None:
            object.__setattr__(self, "templates", Path(self.templates))


def generate(
    paths: Sequence[str | Path], out_dir: str | Path, options: GenerateOptions | None = None, **overrides: Any
) -> RunResult:
    """Validate the intake workbook(s) at ``paths`` (files or folders), then write one plan per valid
    project in each format asked for, the portfolio summary and (with HTML) an index into ``out_dir``.

    Options come as a ``GenerateOptions`` or as its field names (``generate(paths, out, plan_date=d,
    formats=["md", "html"])``); keywords override fields of ``options``. Everything is validated
    before anything is written; a project with errors is skipped (``RunResult.skipped``), never the run.
    Raises ``UsageError`` for impossible options, ``ValidationFailed`` for ``strict`` runs with errors,
    ``OutputError`` when ``out_dir`` cannot be written."""
    unknown = sorted(set(overrides) - {f.name for f in fields(GenerateOptions)})
    if unknown:
        raise UsageError(f"generate() got unknown option(s) {', '.join(unknown)}", parameter=unknown[0])
    opts = replace(options or GenerateOptions(), **overrides)
    _refuse_special_inputs(paths, opts.reference_docx)
    plan_date = opts.plan_date or date.today()
    write_options = check_options(
        WriteOptions(
            plan_date=plan_date,
            formats=opts.formats,
            reference_docx=opts.reference_docx,
            documents=opts.documents or ("plan",),
            templates=opts.templates,
            render_timeout=opts.render_timeout,
            render_max_size=opts.render_max_size,
        )
    )
    refuse_broken(opts.templates, RenderOptions(timeout=opts.render_timeout, max_size=opts.render_max_size))
    return _generate(paths, Path(out_dir), opts, write_options)


def _refuse_special_inputs(paths: Sequence[str | Path], reference_docx: Path | None) -> None:
    """A FIFO or device given as an intake or reference DOCX would block the run on its first read:
    ``UsageError`` at once, as the CLI does. A path that does not exist is left to the reader, which
    reports it as the intake's own problem."""
    for path in map(Path, paths):
        if path.exists():
            require_input(path, what="intake", folder_ok=True)
    if reference_docx is not None and reference_docx.exists():
        require_input(reference_docx, what="reference_docx=")


def _generate(paths: Sequence[str | Path], out_dir: Path, opts: GenerateOptions, options: WriteOptions) -> RunResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with _timed(timings, "up-to-date check"):
        files, found = find_workbooks(list(paths))
        templates = tree_digest(templates_dir(), opts.templates, Path(__file__).resolve().parent / "data")
        extra = _extra_inputs(options)
        fingerprints = None if opts.force else file_digests(files)
        key = None if fingerprints is None else _run_key(files, fingerprints, found, opts, options, templates, extra)
        previous = load_manifest(out_dir) if key is not None and out_dir.is_dir() else None
    if previous is not None and previous.run is not None and fingerprints and previous.up_to_date(key, out_dir):
        load = partial(_portfolio_of, tuple(files), fingerprints, options.plan_date)
        return _nothing_to_do(previous, previous.run, load, out_dir, opts, options, timings, started)
    with _timed(timings, "read"):
        raws, problems = read_files(files, ScanWorkers(jobs=opts.jobs) if opts.jobs else None)
        problems = found + problems
    log.info("read %d workbook(s) in %.2f s", len(raws), timings["read"])
    with _timed(timings, "validate"):
        report = validate_workbooks(raws, problems, as_of=options.plan_date)
        del raws
    log.info(
        "validated: %d valid project(s), %d skipped, %d error(s), %d warning(s)",
        len(report.portfolio.projects),
        len(report.invalid_projects),
        len(report.errors),
        len(report.warnings),
    )
    if opts.documents is None and report.portfolio.settings.documents:
        options = check_options(replace(options, documents=expand_documents(report.portfolio.settings.documents)))
    if opts.strict and report.errors:
        raise ValidationFailed(f"{len(report.errors)} error(s) in the intake; strict=True wrote nothing", report)
    only = list(opts.only)
    projects = _select(report.portfolio.projects, only, report)
    out = prepare_out_dir(out_dir)
    skipped = {pid: ps for pid, ps in report.invalid_projects.items() if not only or pid in only}
    result = RunResult(report=report, skipped=skipped, timings=timings)
    # A large run computes the projects' digests in a forked process while this one derives every
    # project: a cold run and a changed portfolio need every context anyway (summary, index), and the
    # digests (~0.1 ms a project) no longer wait for the derivation (~0.2 ms a project) or it for them.
    overlap = (opts.jobs or os.cpu_count() or 1) > 1 and len(projects) >= outputs.PARALLEL_MIN_PLANS
    with _timed(timings, "plan rerun"):
        manifest = (previous if key is not None else load_manifest(out)) or Manifest()  # read once
        inputs = _run_inputs(options, templates, extra)
        planned = in_background(partial(_plan_rerun, manifest, projects, report, inputs, out, opts), fork=overlap)
    derived = None
    after: dict[str, list[Problem]] = {}  # the after-derive problems, by project
    if overlap:
        with _timed(timings, "derive"):
            derived = _derive(projects, report, options, result.failed, after)
    with _timed(timings, "plan rerun"):
        rerun, portfolio = planned()
        shared_names = _shared_names(opts.summary, options.formats)
        shared_changed = rerun.portfolio_changed or any(name not in manifest.shared for name in shared_names)
        edited = (
            edited_by_hand(out, manifest)
            if opts.force
            else edited_by_hand(out, manifest, projects=rerun.changed, shared=shared_changed)
        )
    result.unchanged = list(rerun.unchanged)
    result.edited = edited
    result.kept_outputs = {pid: [out / rel for rel in manifest.projects[pid].outputs] for pid in rerun.unchanged}
    keep = frozenset() if opts.force else frozenset(edited)
    changed = set(rerun.changed)
    # The summary and index list every project: when they are rewritten, every project is derived
    # (its files are still written only if it changed); otherwise only the changed ones are.
    to_derive = projects if shared_changed else [p for p in projects if p.project_id in changed]
    with _timed(timings, "derive"):
        if derived is None:
            derived = _derive(to_derive, report, options, result.failed, after)
            if not shared_changed:
                unchanged = [p for p in projects if p.project_id not in changed]
                _plausibility_only(unchanged, report, result.failed, after)
        elif not shared_changed:  # derived for nothing: the unchanged projects' files stay as they are
            derived = [c for c in derived if c.project.project_id in changed]
        for project in projects:  # in project order however they were derived: a rerun reports as a cold run
            report.problems += after.get(project.project_id, ())
        result.contexts = _with_warnings(derived, report)
    action = "overwritten (--force)" if opts.force else "kept, not overwritten"
    for path in edited:
        report.problems.append(make_problem("edited-output", file=_relative_to(path, out), action=action))
    log.info("derived %d plan context(s) in %.2f s", len(result.contexts), timings["derive"])
    ids = [c.project.project_id for c in result.contexts] + [pid for pid in rerun.unchanged if not shared_changed]
    known = {p.project_id for p in report.portfolio.projects} | set(report.invalid_projects)
    result.stale = _stale_outputs(out, known, ids, options.formats, opts.summary, only, options.documents)
    for path, code in result.stale:
        report.problems.append(make_problem(code, file=path.name))
    summary_target = inside(out, SUMMARY_NAME)
    write_shared = {name: shared_changed and inside(out, name) not in keep for name in shared_names}

    def side_job() -> None:
        write_summary(summary_target, result, options)

    on_disk = manifest
    if manifest.projects and (changed or any(write_shared.values())):
        on_disk = _in_progress(manifest, changed, keep, out, any(write_shared.values()))
        refused = _write_manifest(out, on_disk)
        if refused:  # the old manifest would take the files about to be rewritten for hand edits
            on_disk = Manifest() if remove_manifest(out) else manifest
            _record(refused, report, result.failed)
    recorded: dict[str, dict[Path, Output]] = {}
    written, problems = write_plans(
        [c for c in result.contexts if c.project.project_id in changed],
        out,
        options,
        timings,
        jobs=opts.jobs,
        progress=opts.progress,
        side_job=side_job if write_shared.get(SUMMARY_NAME) else None,
        keep=keep,
        recorded=recorded,
    )
    result.written += written
    _record(problems, report, result.failed)
    log.info("wrote %d plan file(s) in %.2f s", len(result.written), timings["plans+summary"])
    if write_shared.get(SUMMARY_NAME) and not any(p.file == SUMMARY_NAME and not p.project_id for p in problems):
        result.written.append(summary_target)
    result.contexts = [c for c in result.contexts if c.project.project_id not in result.failed]
    if write_shared.get(INDEX_NAME):
        target = inside(out, INDEX_NAME)
        try:
            write_text(target, index_html(result.contexts, options))
            result.written.append(target)
        except Exception as e:
            _record([failure("writing the index", e, file=INDEX_NAME)], report, result.failed)
    with _timed(timings, "manifest"):
        incomplete = keep or any(p.file == MANIFEST_NAME for p in report.problems)
        record = None if incomplete else _run_record(key, report, result, projects, options)
        final = _updated_manifest(
            out, manifest, rerun, result, recorded, keep, shared_names, shared_changed, portfolio, bool(only), record
        )
        if final != on_disk:  # nothing changed: the manifest keeps its bytes and modification time too
            _record(_write_manifest(out, final), report, result.failed)
    timings["total"] = time.perf_counter() - started
    log.debug("timings: %s", ", ".join(f"{k} {v:.3f} s" for k, v in timings.items()))
    return result


def _write_manifest(out: Path, manifest: Manifest) -> list[Problem]:
    """Write the run manifest; a write the system refuses is the run's ``write-failed`` problem
    naming the manifest (atomic: the manifest on disk is the old one, whole, or none)."""
    try:
        write_manifest(out, manifest)
    except OutputError as e:
        return [failure("writing the run manifest", e, file=MANIFEST_NAME)]
    return []


def _extra_inputs(options: WriteOptions) -> dict[str, str]:
    """The run's inputs besides the workbooks, options and templates, as digests: planforge's own
    code (and its libraries' versions) and the reference DOCX."""
    extra = {"code": code_digest()}  # the code the files are made by, as much as their templates
    if options.reference_docx:
        extra["reference_docx"] = file_digest(options.reference_docx)
    return extra


def _run_inputs(options: WriteOptions, templates: str, extra: dict[str, str]) -> RunInputs:
    """What every project's files are made from besides the project (see manifest.RunInputs): the
    date, formats, documents, ``templates`` (the digest of the template folders, shipped and the
    firm's, and the packaged data the plans cite), and ``extra`` (``_extra_inputs``)."""
    return RunInputs(
        plan_date=options.plan_date,
        formats=tuple(options.formats),
        documents=tuple(options.documents),
        templates=templates,
        extra=extra,
    )


def _run_key(
    files: list[Path],
    fingerprints: tuple[str, ...],
    found: list[Problem],
    opts: GenerateOptions,
    options: WriteOptions,
    templates: str,
    extra: dict[str, str],
) -> str:
    """The digest of everything a run's outputs and report depend on (see ``manifest.run_key``)."""
    return run_key(
        files,
        fingerprints,
        found=found,
        plan_date=options.plan_date,
        only=opts.only,
        strict=opts.strict,
        summary=opts.summary,
        formats=tuple(options.formats),
        documents=opts.documents,
        templates=templates,
        extra=extra,
    )


def _run_record(
    key: str | None, report: Report, result: RunResult, selected: list[Project], options: WriteOptions
) -> RunRecord | None:
    """What the next run needs to skip reading when its inputs are byte-identical; None when this
    run was not complete (a project failed) or its report cannot be recorded exactly."""
    if key is None or result.failed:
        return None
    problems = [p for p in report.problems if p.code not in OUTPUT_FOLDER_CODES]
    if not recordable(problems):
        return None
    position = {id(p): i for i, p in enumerate(problems)}
    invalid: dict[str, tuple[int, ...]] = {}
    for pid, held in report.invalid_projects.items():
        if any(id(p) not in position for p in held):
            return None
        invalid[pid] = tuple(position[id(p)] for p in held)
    return RunRecord(
        key=key,
        problems=tuple(problems),
        invalid=invalid,
        valid=tuple(p.project_id for p in report.portfolio.projects),
        selected=tuple(p.project_id for p in selected),
        documents=tuple(options.documents),
    )


def _portfolio_of(files: tuple[Path, ...], fingerprints: tuple[str, ...], plan_date: date) -> Portfolio:
    """The portfolio of a run that read nothing, read when first asked for: from the same bytes the
    run was checked against, or not at all."""
    if file_digests(files) != fingerprints:
        raise UsageError(
            "the intake workbooks changed or were removed since this run, so its portfolio cannot be read; "
            "call planforge.load() to read them as they are now",
            parameter="paths",
        )
    return validate_files(files, as_of=plan_date).portfolio


def _nothing_to_do(
    manifest: Manifest,
    run: RunRecord,
    load_portfolio: Callable[[], Portfolio],
    out: Path,
    opts: GenerateOptions,
    options: WriteOptions,
    timings: dict[str, float],
    started: float,
) -> RunResult:
    """A rerun whose inputs are byte-identical to the last complete run's, with every file it wrote
    still in place: nothing is read, derived or written. The report is the last run's (the same
    inputs give the same findings); files edited by hand are left alone, as any rerun leaves an
    unchanged project's files; stale files are looked for afresh."""
    problems = list(run.problems)
    invalid = {pid: [problems[i] for i in at] for pid, at in run.invalid.items()}
    report = RestoredReport(problems, invalid, load_portfolio)
    if opts.strict and report.errors:
        raise ValidationFailed(f"{len(report.errors)} error(s) in the intake; strict=True wrote nothing", report)
    only = list(opts.only)
    skipped = {pid: ps for pid, ps in invalid.items() if not only or pid in only}
    result = RunResult(report=report, skipped=skipped, timings=timings)
    result.unchanged = list(run.selected)
    result.kept_outputs = {
        pid: [out / rel for rel in manifest.projects[pid].outputs] for pid in run.selected if pid in manifest.projects
    }
    known = set(run.valid) | set(invalid)
    result.stale = _stale_outputs(out, known, run.selected, options.formats, opts.summary, only, run.documents)
    for path, code in result.stale:
        problems.append(make_problem(code, file=path.name))
    log.info("nothing changed since the last run: %d project(s) unchanged", len(run.selected))
    timings["total"] = time.perf_counter() - started
    return result


def _plan_rerun(
    manifest: Manifest, projects: list[Project], report: Report, inputs: RunInputs, out: Path, opts: GenerateOptions
) -> tuple[RerunPlan, str]:
    """Which projects changed since the manifest was written (every one with ``force``)."""
    by_project: dict[str, list[Problem]] = {}
    for problem in report.problems:
        if problem.project_id:
            by_project.setdefault(problem.project_id, []).append(problem)
    digests = plan_rerun(
        manifest,
        projects,
        inputs,
        report.portfolio.settings_for,
        problems_for=lambda p: by_project.get(p.project_id, ()),
    ).digests
    # Each project's own problems are in its digest already: the portfolio adds the rest (the run's,
    # and those of projects skipped for errors), which the summary lists too.
    only = set(opts.only)
    held_back = [pid for pid in report.invalid_projects if not only or pid in only]
    portfolio = portfolio_digest(
        digests, inputs, [p for p in report.problems if p.project_id not in digests], held_back=held_back
    )
    return plan_digests(manifest, digests, portfolio=portfolio, out_dir=out, force=opts.force), portfolio


def _shared_names(summary: bool, formats: Sequence[str]) -> list[str]:
    """The portfolio-wide files this run produces."""
    return ([SUMMARY_NAME] if summary else []) + ([INDEX_NAME] if HTML.name in formats else [])


def _relative_to(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def _in_progress(manifest: Manifest, changed: set[str], keep: frozenset[Path], out: Path, shared: bool) -> Manifest:
    """The manifest while this run writes: the projects (and, with ``shared``, the summary and index)
    about to be rewritten are marked not current, without the records of their files except those
    kept as hand edits. A run killed halfway then leaves a manifest by which the next run redoes
    them, whatever their inputs, and never takes a half-written file for a hand edit."""
    kept = {_relative_to(path, out) for path in keep}
    projects = dict(manifest.projects)
    for pid in changed & projects.keys():
        held = {rel: o for rel, o in projects[pid].outputs.items() if rel in kept}
        projects[pid] = ProjectEntry(NOT_CURRENT, held)
    if not shared:
        return Manifest(projects, manifest.portfolio, manifest.shared, manifest.version)
    held_shared = {rel: o for rel, o in manifest.shared.items() if rel in kept}
    return Manifest(projects, NOT_CURRENT, held_shared, manifest.version)


def _updated_manifest(
    out: Path,
    manifest: Manifest,
    rerun: RerunPlan,
    result: RunResult,
    recorded: dict[str, dict[Path, Output]],
    keep: frozenset[Path],
    shared_names: list[str],
    shared_changed: bool,
    portfolio: str,
    keep_removed: bool,
    run: RunRecord | None = None,
) -> Manifest:
    """What this run leaves as the manifest. A project that failed is left out, so the next run redoes
    it; one with a file kept because it was edited by hand is recorded under a digest no run computes,
    so each later run reports the file again until it is resolved (deleted, or ``force``). The same
    holds for a kept summary or index and the portfolio digest. ``keep_removed`` (a run limited with
    ``only``) keeps the other projects' entries. ``run`` records a complete run (see ``RunRecord``)."""
    not_current = NOT_CURRENT
    digests = dict(rerun.digests)
    written: dict[str, dict[str, Output]] = {}
    for pid, files in recorded.items():
        if pid and pid not in result.failed:
            written[pid] = {_relative_to(path, out): output for path, output in files.items()}
    kept = {_relative_to(path, out) for path in keep}
    for pid in rerun.changed if kept else ():
        old = manifest.projects.get(pid)
        held = [rel for rel in old.outputs if rel in kept] if old is not None and pid not in result.failed else []
        if old is not None and held:
            written.setdefault(pid, {}).update((rel, old.outputs[rel]) for rel in held)
            digests[pid] = not_current
    plan = RerunPlan(rerun.unchanged, rerun.changed, rerun.removed, rerun.portfolio_changed, digests)
    if not shared_changed:
        return manifest_after(manifest, plan, written, keep_removed=keep_removed, run=run)
    shared: dict[str, Output] = {}
    for name in shared_names:
        path = out / name
        if path in keep and name in manifest.shared:
            shared[name] = manifest.shared[name]
            portfolio = not_current
        elif path in result.written:
            shared[name] = Output.of_file(path)
        else:
            portfolio = not_current  # not written (it failed): rewrite it next run
    if result.failed:  # the summary and index may leave out a project that failed: rewrite them next run
        portfolio = not_current
    if portfolio == not_current:
        run = None
    return manifest_after(
        manifest, plan, written, portfolio=portfolio, shared=shared, keep_removed=keep_removed, run=run
    )


def _with_warnings(contexts: list[PlanContext], report: Report) -> list[PlanContext]:
    """Each project's warnings (how a value was read, what is not traced, what looks implausible),
    listed at their cells in its review file, where the team works through them."""
    found: dict[str, list[Finding]] = {}
    for p in report.problems:
        if p.project_id and p.severity == WARNING:
            hint = f" {p.hint}" if p.hint else ""
            found.setdefault(p.project_id, []).append(Finding(p.location or p.file, f"{p.message}.{hint}"))
    return [
        replace(c, review=replace(c.review, warnings=c.review.warnings + tuple(found[c.project.project_id])))
        if c.project.project_id in found
        else c
        for c in contexts
    ]


def _derive(
    projects: list[Project],
    report: Report,
    options: WriteOptions,
    failed: dict[str, list[Problem]],
    after: dict[str, list[Problem]],
) -> list[PlanContext]:
    """Each project's plan context and its after-derive plausibility checks (into ``after``, by
    project), behind the isolation boundary: an exception costs that project (an ``internal-error``
    in ``failed`` and ``after``), never the run."""
    portfolio = report.portfolio
    produced = frozenset(options.documents)
    contexts = []
    for project in projects:
        try:
            ctx = build_context(project, portfolio.settings_for(project), options.plan_date, produced)
            found = plausibility_after_derive(ctx.project, ctx.roi_figures.roi if ctx.roi_figures else None)
        except Exception as e:
            problem = failure("deriving the plan", e, project=project)
            failed.setdefault(project.project_id, []).append(problem)
            after[project.project_id] = [problem]
            continue
        if found:
            after[project.project_id] = found
        contexts.append(ctx)
    return contexts


def _plausibility_only(
    projects: list[Project], report: Report, failed: dict[str, list[Problem]], after: dict[str, list[Problem]]
) -> None:
    """The after-derive warnings of projects a rerun does not derive (their files are unchanged),
    into ``after``: the run still reports them, from the two figures they need rather than a whole
    plan context."""
    portfolio = report.portfolio
    for project in projects:
        try:
            settings = portfolio.settings_for(project)
            roi = derive.roi(derive.time_savings(project.pain_points, settings), project, settings)
            found = plausibility_after_derive(project, roi.roi if roi else None)
        except Exception as e:
            problem = failure("checking the derived figures", e, project=project)
            failed.setdefault(project.project_id, []).append(problem)
            found = [problem]
        if found:
            after[project.project_id] = found


def _record(problems: list[Problem], report: Report, failed: dict[str, list[Problem]]) -> None:
    """Problems from the isolation boundary go into the report; a project with one is ``failed``."""
    report.problems += problems
    for problem in problems:
        if problem.project_id:
            failed.setdefault(problem.project_id, []).append(problem)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def _select(projects: list[Project], only: Iterable[str], report: Report) -> list[Project]:
    wanted = list(only)
    if not wanted:
        return projects
    by_id = {p.project_id: p for p in projects}
    unknown = [pid for pid in wanted if pid not in by_id and pid not in report.invalid_projects]
    if unknown:
        raise UsageError(f"only= names project(s) not in the intake: {', '.join(unknown)}", parameter="only")
    return [by_id[pid] for pid in wanted if pid in by_id]


def _stale_outputs(
    out: Path,
    known: set[str],
    written_ids: Sequence[str],
    formats: Sequence[str],
    summary: bool,
    only: list[str],
    documents: Sequence[str] = ("plan",),
) -> list[tuple[Path, str]]:
    """planforge files in ``out`` that this run will not rewrite, so nobody mistakes them for current:
    plans whose project is gone from the intake (``stale-output``); plans of projects skipped for
    errors, plans in formats not produced this time, and an index or summary not produced this
    time (``outdated-output``). ``known``: every project ID of the intake, valid or held back. With
    ``only``, other projects' plans are left out of the report."""
    expected = {document_filename(pid, kind, fmt) for pid in written_ids for fmt in formats for kind in documents}
    if TEST_CASES.name in documents:
        expected |= {uat_filename(pid) for pid in written_ids}
    reviews = {review_filename(pid) for pid in written_ids}
    if summary:
        expected.add(SUMMARY_NAME)
    if HTML.name in formats:
        expected.add(INDEX_NAME)
    found = []
    for path in sorted(out.iterdir()):
        name = path.name
        if name in expected:
            continue
        m = PLAN_FILE.match(name) or DOCUMENT_FILE.match(name)
        if m:
            pid = m.group(1)
            if only and pid not in only:
                continue
            found.append((path, "stale-output" if pid not in known else "outdated-output"))
        elif name in (SUMMARY_NAME, INDEX_NAME) and not only:
            found.append((path, "outdated-output"))
    review_dir = out / REVIEW_DIR
    for path in sorted(review_dir.iterdir()) if review_dir.is_dir() else ():
        m = REVIEW_FILE.match(path.name)
        if m and path.name not in reviews and not (only and m.group(1) not in only):
            found.append((path, "stale-output" if m.group(1) not in known else "outdated-output"))
    return found
