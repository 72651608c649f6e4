"""The one orchestrator: read -> validate -> derive -> plan the rerun -> render and write -> summarize
-> record, each stage a function ``generate`` calls in that order, handing on what it returns.

It validates everything before writing anything, renders each valid project, writes every
file atomically inside the output folder, and reports (never hides) projects it skipped and
stale plans left from earlier runs. A rerun into the same folder redoes only the projects whose
inputs changed since the run manifest was written (``rerun/``), keeps files edited by hand
(reported, overwritten only with ``force``), and writes the manifest last. No stage changes what
an earlier one returned: the report grows as new reports, and the summary, written beside the
plans, reads the run as it stood before writing. Each stage is timed (``RunResult.timings``) for
bench/. The CLI is a thin shell around ``generate``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from planforge.context.plan import PlanContext, build_context
from planforge.context.versions import issued_as, version_facts
from planforge.core.atomic import inside, prepare_out_dir, subfolder, write_bytes, write_text
from planforge.core.errors import (
    OUTPUT_FOLDER_CODES,
    WARNING,
    OutputError,
    Problem,
    UsageError,
    ValidationFailed,
    make_problem,
)
from planforge.core.folder_lock import output_lock
from planforge.core.images import Logo, LogoError, read_logo
from planforge.core.model import Portfolio, Project
from planforge.core.names import (
    BACKUP_DIR,
    DEFAULT_FORMATS,
    DOCUMENT_FILE,
    HTML,
    INDEX_NAME,
    MD,
    PDF,
    PLAN,
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
from planforge.core.versions import EDITORIAL, FIRST_ISSUE, FIRST_VERSION, DocumentVersion, describe
from planforge.derive import rules as derive
from planforge.derive.completeness import Finding
from planforge.formats.html import index_html
from planforge.formats.markdown import plan_markdown
from planforge.formats.options import WriteOptions
from planforge.intake.reader import RawWorkbook, ScanWorkers, find_workbooks
from planforge.outputs import batch as outputs
from planforge.outputs.batch import check_options, in_background, write_plans
from planforge.outputs.documents import render_document
from planforge.outputs.final import edition as final_edition
from planforge.outputs.merge import forget_conflict, plan_merges
from planforge.portfolio.facts import ProjectFacts, project_facts
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
from planforge.rerun.planner import (
    RerunPlan,
    edited_by_hand,
    edited_since,
    manifest_after,
    plan_digests,
    plan_rerun,
)
from planforge.validation.firm import linked_digest
from planforge.validation.validate import plausibility_after_derive, read_files, validate_files, validate_workbooks

log = logging.getLogger("planforge")

Progress = Callable[[int, int], None]  # (plans just done, plans in all)
#: Plan dates outside this range are refused: the plan derives dates years ahead of it (phases,
#: reviews, stabilisation), and those must stay inside what Python and Excel can hold.
EARLIEST_PLAN_DATE = date(1900, 1, 1)
LATEST_PLAN_DATE = date(2200, 12, 31)  # the range every date column accepts (schema)


#: The longest ``wait`` for another run's lock, in seconds (a day).
MAX_WAIT = 86_400.0


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerateOptions:
    """How ``generate`` runs. Every field is optional; the defaults write Markdown plans and the summary.

    - ``plan_date``: the date the plans are written for (phases, "as of", document properties);
      None means today. The same input and date give byte-identical files.
    - ``only``: project IDs to generate (others are validated but not written); an ID not in the
      intake is a ``UsageError`` naming ``only=``.
    - ``strict``: write nothing when the intake has any error (raises ``ValidationFailed``).
    - ``summary``: also write ``portfolio-summary.xlsx``.
    - ``formats``: any of ``names.FORMATS`` (md, html, docx, pdf).
    - ``pdf_engine``: "typst" (the default: PDFs typeset in process, nothing to install) or
      "libreoffice" (the DOCX converted by LibreOffice, which must be on PATH).
    - ``jobs``: worker processes for scanning a large workbook and for rendering (None: all cores; large
      runs only; 1: none).
    - ``reference_docx``: a Word document whose styles the DOCX and PDF plans use.
    - ``templates``: the firm's templates folder, searched before the shipped templates (see
      docs/templates.md); a folder whose templates do not check is a ``UsageError`` before anything is written.
    - ``documents``: document kinds per project (``names.DOCUMENT_KINDS`` or ``all``); None: Settings >
      Documents, else the plan only.
    - ``draft``: write the documents of a workbook whose Settings > Firm Name is blank, naming the
      preparer as ``[Firm name]`` (a warning at the Settings cell); without it such a workbook's projects
      are held back by the error ``firm-name-missing`` (client editions always name their firm).
    - ``logo``: the firm's logo file (PNG, JPEG or GIF), over every workbook's Settings > Logo; one that
      cannot be used is a ``UsageError`` naming ``logo=`` before anything is read.
    - ``progress``: called as ``progress(plans_just_done, plans_in_all)`` while plans are written.
    - ``force``: redo every project and overwrite files edited by hand, rather than redo only what
      changed since the run manifest in ``out_dir`` was written.
    - ``render_timeout``, ``render_max_size``: the bounds on rendering one document, in seconds and
      characters (default 10 s and 20,000,000; both must be over 0): a document past one is not written
      and is a ``render-limit`` problem of its project; the other documents and projects are written.
    - ``final``: the final edition (``outputs.final``): a project whose plan or statement of work still
      holds a [TBD] or an assumed value in a contract-bearing section writes none of its client
      documents (each such value is a located ``not-final`` problem); the others are written without
      the DRAFT marks a missing approval would put on them.
    - ``wait``: seconds to wait for another run writing to ``out_dir`` (which holds its lock,
      ``.planforge.lock``) before refusing with an ``OutputError`` naming it; 0 refuses at once.
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
    draft: bool = False
    logo: Path | None = None
    progress: Progress | None = field(default=None, compare=False)
    force: bool = False
    render_timeout: float = DEFAULT_TIMEOUT
    render_max_size: int = DEFAULT_MAX_SIZE
    final: bool = False
    pdf_engine: str = "typst"
    wait: float = 60.0

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
        if not 0 <= self.wait <= MAX_WAIT:
            raise UsageError(f"wait= must be between 0 and {MAX_WAIT:,.0f} seconds, not {self.wait}", parameter="wait")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError(f"jobs= must be at least 1, not {self.jobs}", parameter="jobs")
        if self.reference_docx is not None:
            object.__setattr__(self, "reference_docx", Path(self.reference_docx))
        if self.templates is not None:
            object.__setattr__(self, "templates", Path(self.templates))
        if self.logo is not None:
            object.__setattr__(self, "logo", Path(self.logo))


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
    opts, write_options = _resolve_options(paths, options, overrides)
    folder = Path(out_dir)
    with ExitStack() as lock:
        if folder.is_dir():  # else the folder is made, and locked, only once the intake has been validated
            lock.enter_context(output_lock(folder, wait=opts.wait))
        return _generate(paths, folder, opts, write_options, lock)


def _generate(
    paths: Sequence[str | Path], folder: Path, opts: GenerateOptions, write_options: WriteOptions, lock: ExitStack
) -> RunResult:
    """``generate`` with the output folder locked (``lock`` holds it, or is empty when the folder does
    not exist yet: it is locked here once made, and the manifest read again, since a run started
    together may have written it meanwhile)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    locked = folder.is_dir()
    with _timed(timings, "up-to-date check"):
        inputs = _fingerprint(paths, folder, opts, write_options)
    if (last_run := inputs.last_run(folder)) is not None:
        return _nothing_to_do(inputs, last_run, folder, opts, write_options, timings, started)
    # read, validate (the raw tables, the largest thing a run holds, are let go once validated)
    report, write_options = _validate(_read(inputs, opts, timings), opts, write_options, timings)
    projects = _select(report.portfolio.projects, opts.only, report)
    out = prepare_out_dir(folder)
    if not locked:
        lock.enter_context(output_lock(out, wait=opts.wait))
        if inputs.key is not None and (previous := load_manifest(out, only_run=inputs.key)) is not None:
            inputs = replace(inputs, previous=previous)
    # derive, plan the rerun; then what the folder holds that this run leaves alone
    rerun, derived = _derive_and_plan_rerun(inputs, projects, report, out, opts, write_options, timings)
    derived, versions = _issue_versions(derived, rerun, write_options)
    backups: dict[Path, Path] = {}
    if opts.force:
        rerun, backups, edits = _back_up_edits(out, rerun)
    else:  # a hand-edited Markdown document whose data changed is merged; any other edit is kept
        rerun = _merge_edits(out, rerun, derived.contexts, write_options)
        edits = [*rerun.merge_problems, *_edited_problems([p for p in rerun.edited if p not in rerun.handled], out)]
    report = _reported(report, derived.problems, edits)
    stale = _stale(out, report, rerun, derived.contexts, opts, write_options)
    report = _reported(report, [make_problem(code, file=path.name) for path, code in stale], _withheld(rerun.withheld))
    # render and write (the summary beside the plans), summarize
    on_disk, refused = _mark_in_progress(out, rerun)
    report = _reported(report, refused)
    so_far = _run_so_far(out, report, rerun, derived, stale, _failures(derived.failed, refused), opts)
    facts, listed = derived.summary_facts()
    written, recorded, problems = _render_and_write(out, rerun, so_far, listed, write_options, opts, timings)
    report, failed = _reported(report, problems), _failures(so_far.failed, problems)
    contexts = [c for c in derived.contexts if c.project.project_id not in failed]  # all their files written
    shared, problems = _summarize(out, rerun, problems, contexts, write_options)
    report, written = _reported(report, problems), written + shared
    # record: the manifest, last (unchanged, it keeps its bytes and modification time)
    with _timed(timings, "manifest"):
        run = _run_record(inputs.key, report, failed, projects, write_options, incomplete=bool(rerun.keep))
        final = _updated_manifest(
            out,
            rerun,
            written,
            recorded,
            failed,
            keep_removed=bool(opts.only),
            run=run,
            versions={pid: v for pid, v in versions.items() if pid not in rerun.unissued},
            facts={pid: f.to_json() for pid, f in facts.items()},
        )
        problems = _write_manifest(out, final) if final != on_disk else []
    report = _reported(report, problems)
    timings["total"] = time.perf_counter() - started
    log.debug("timings: %s", ", ".join(f"{k} {v:.3f} s" for k, v in timings.items()))
    return replace(
        so_far, report=report, written=written, failed=failed, contexts=contexts, timings=timings, backups=backups
    )


def _resolve_options(
    paths: Sequence[str | Path], options: GenerateOptions | None, overrides: dict[str, Any]
) -> tuple[GenerateOptions, WriteOptions]:
    """``options`` with ``overrides`` applied, and the writers' options drawn from them; every
    impossible option (an unknown name, a special file as input, a templates folder that does not
    check) is a ``UsageError`` before anything is read."""
    unknown = sorted(set(overrides) - {f.name for f in fields(GenerateOptions)})
    if unknown:
        raise UsageError(f"generate() got unknown option(s) {', '.join(unknown)}", parameter=unknown[0])
    opts = replace(options or GenerateOptions(), **overrides)
    _refuse_special_inputs(paths, opts.reference_docx)
    write_options = check_options(
        WriteOptions(
            plan_date=opts.plan_date or date.today(),
            formats=opts.formats,
            reference_docx=opts.reference_docx,
            documents=opts.documents or ("plan",),
            templates=opts.templates,
            logo=_logo(opts.logo),
            render_timeout=opts.render_timeout,
            render_max_size=opts.render_max_size,
            final=opts.final,
            pdf_engine=opts.pdf_engine,
        )
    )
    refuse_broken(opts.templates, RenderOptions(timeout=opts.render_timeout, max_size=opts.render_max_size))
    return opts, write_options


def _logo(path: Path | None) -> Logo | None:
    """The ``logo=`` file read as an image; one that cannot be used is a ``UsageError`` naming ``logo=``."""
    if path is None:
        return None
    try:
        return read_logo(path)
    except LogoError as e:
        raise UsageError(f"logo= {path}: {e.reason}", parameter="logo") from e


def _refuse_special_inputs(paths: Sequence[str | Path], reference_docx: Path | None) -> None:
    """A FIFO or device given as an intake or reference DOCX would block the run on its first read:
    ``UsageError`` at once, as the CLI does. A path that does not exist is left to the reader, which
    reports it as the intake's own problem."""
    for path in map(Path, paths):
        if path.exists():
            require_input(path, what="intake", folder_ok=True)
    if reference_docx is not None and reference_docx.exists():
        require_input(reference_docx, what="reference_docx=")


# ---------------------------------------------------------------------------------- what each stage hands on


@dataclass(frozen=True, slots=True)
class _Fingerprint:
    """What the up-to-date check found before anything is read: the workbooks (``found``: the
    problems of finding them), the digests of the templates and of the other inputs (``extra``), each
    workbook's digest and the run's key (None: a forced run, or an input that cannot be
    fingerprinted), and the manifest the last run left (read only when there is a key)."""

    files: list[Path]
    found: list[Problem]
    templates: str
    extra: dict[str, str]
    fingerprints: tuple[str, ...] | None
    key: str | None
    previous: Manifest | None

    def last_run(self, out_dir: Path) -> RunRecord | None:
        """The last run's record when this run would redo nothing (``Manifest.up_to_date``, and every
        file the workbooks name, a logo, as it was), else None."""
        previous = self.previous
        if previous is not None and previous.run is not None and self.fingerprints:
            same = previous.up_to_date(self.key, out_dir) and previous.run.linked_unchanged(linked_digest)
            return previous.run if same else None
        return None


@dataclass(frozen=True, slots=True)
class _Rerun:
    """What planning the rerun decided: the ``manifest`` as the run found it, the ``plan`` (projects
    unchanged, changed, removed), this run's ``portfolio`` digest, the shared files it produces
    (``shared_names``) and those it rewrites (``rewritten``: every one when ``shared_changed``, but a
    hand edit), the files ``edited`` by hand and those it must ``keep`` (all of them, unless forced)."""

    manifest: Manifest
    plan: RerunPlan
    portfolio: str
    shared_names: tuple[str, ...]
    shared_changed: bool
    rewritten: tuple[str, ...]
    edited: list[Path]
    keep: frozenset[Path]
    changed: frozenset[str]  # ``plan.changed``, as a set
    withheld: tuple[str, ...] = ()  # shared files a run limited by ``only`` leaves alone
    merged: Mapping[str, str] = field(default_factory=dict)  # edited Markdown file name -> merged text
    handled: frozenset[Path] = frozenset()  # edited files merged or in conflict (``outputs.merge``)
    merge_problems: tuple[Problem, ...] = ()
    unissued: frozenset[str] = frozenset()  # projects whose new version a kept document does not carry yet


@dataclass(frozen=True, slots=True)
class _Derivation:
    """What deriving some projects found: their plan ``contexts``, and by project the after-derive
    problems (``after``: plausibility warnings, or the internal error that cost the project) and
    the projects that ``failed``."""

    contexts: list[PlanContext]
    after: dict[str, list[Problem]]
    failed: dict[str, list[Problem]]

    def only(self, ids: frozenset[str]) -> _Derivation:
        """The contexts of ``ids`` only; every project's problems are still reported."""
        return _Derivation([c for c in self.contexts if c.project.project_id in ids], self.after, self.failed)

    def then(self, other: _Derivation) -> _Derivation:
        """This derivation followed by ``other`` (of other projects)."""
        return _Derivation(
            self.contexts + other.contexts,
            {**self.after, **other.after},
            _failures(self.failed, *other.failed.values()),
        )


@dataclass(frozen=True, slots=True)
class _Derived:
    """The derive stage's result: the contexts to write from (each with its project's warnings), the
    after-derive ``problems`` in project order, and the projects that ``failed``."""

    contexts: list[PlanContext]
    problems: list[Problem]
    failed: dict[str, list[Problem]]
    #: the summary facts of the projects not derived, from the manifest (a rerun that rewrites the summary)
    recorded: Mapping[str, ProjectFacts] = field(default_factory=dict)

    def summary_facts(self) -> tuple[dict[str, ProjectFacts], list[ProjectFacts]]:
        """The facts of the projects derived (by ID, for the manifest), and those of every project the
        summary lists: the derived and the recorded ones."""
        derived = {c.project.project_id: project_facts(c) for c in self.contexts}
        return derived, [*derived.values(), *self.recorded.values()]


# ---------------------------------------------------------------------------------- the stages, in order


def _fingerprint(
    paths: Sequence[str | Path], out_dir: Path, opts: GenerateOptions, options: WriteOptions
) -> _Fingerprint:
    """Find the workbooks and fingerprint the run's inputs, reading the last run's manifest when the
    run has a key (nothing else: a run that is up to date reads no workbook)."""
    files, found = find_workbooks(list(paths))
    templates = tree_digest(templates_dir(), opts.templates, Path(__file__).resolve().parent / "data", exclude=out_dir)
    extra = _extra_inputs(options)
    fingerprints = None if opts.force else file_digests(files)
    key = None if fingerprints is None else _run_key(files, fingerprints, found, opts, options, templates, extra)
    previous = load_manifest(out_dir, only_run=key) if key is not None and out_dir.is_dir() else None
    return _Fingerprint(files, found, templates, extra, fingerprints, key, previous)


def _read(
    inputs: _Fingerprint, opts: GenerateOptions, timings: dict[str, float]
) -> tuple[list[RawWorkbook], list[Problem]]:
    """Read every workbook into raw tables; the problems of finding and reading them, in order."""
    with _timed(timings, "read"):
        raws, problems = read_files(inputs.files, ScanWorkers(jobs=opts.jobs) if opts.jobs else None)
    log.info("read %d workbook(s) in %.2f s", len(raws), timings["read"])
    return raws, inputs.found + problems


def _validate(
    read: tuple[list[RawWorkbook], list[Problem]],
    opts: GenerateOptions,
    options: WriteOptions,
    timings: dict[str, float],
) -> tuple[Report, WriteOptions]:
    """The report of the raw tables (problems and the portfolio of valid projects), and the writers'
    options with the documents Settings chooses when the run names none. ``ValidationFailed`` for a
    ``strict`` run with errors."""
    raws, problems = read
    with _timed(timings, "validate"):
        report = validate_workbooks(raws, problems, as_of=options.plan_date, firm="draft" if opts.draft else "required")
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
    return report, options


def _derive_and_plan_rerun(
    inputs: _Fingerprint,
    projects: list[Project],
    report: Report,
    out: Path,
    opts: GenerateOptions,
    options: WriteOptions,
    timings: dict[str, float],
) -> tuple[_Rerun, _Derived]:
    """Plan the rerun (which projects changed since the manifest) and derive the plan contexts it needs.

    A large cold run computes the projects' digests in a forked process while this one derives every
    project (it needs every context anyway), so the digests (~0.1 ms a project) do not wait for the
    derivation (~2 ms a project) or it for them. A rerun plans first, and derives only what it needs:
    the changed projects (the summary takes the others' rows from the manifest, ``_recorded_facts``)."""
    with _timed(timings, "plan rerun"):
        manifest = (inputs.previous if inputs.key is not None else load_manifest(out)) or Manifest()  # read once
    parallel = (opts.jobs or os.cpu_count() or 1) > 1 and len(projects) >= outputs.PARALLEL_MIN_PLANS
    overlap = parallel and not manifest.projects
    with _timed(timings, "plan rerun"):
        run_inputs = _run_inputs(options, inputs.templates, inputs.extra)
        planned = in_background(partial(_plan_rerun, manifest, projects, report, run_inputs, out, opts), fork=overlap)
    early = None
    if overlap:
        with _timed(timings, "derive"):
            early = _derive(projects, report, options)
    with _timed(timings, "plan rerun"):
        plan, portfolio = planned()
        known = {p.project_id for p in report.portfolio.projects} | set(report.invalid_projects)
        rerun = _rerun(
            manifest, plan, portfolio, out, opts, options, partial=bool(opts.only and known - set(opts.only))
        )
    with _timed(timings, "derive"):
        derived = _derive_needed(projects, rerun, report, options, early)
    log.info("derived %d plan context(s) in %.2f s", len(derived.contexts), timings["derive"])
    return rerun, derived


def _rerun(
    manifest: Manifest,
    plan: RerunPlan,
    portfolio: str,
    out: Path,
    opts: GenerateOptions,
    options: WriteOptions,
    *,
    partial: bool,
) -> _Rerun:
    """The rerun ``plan`` with what follows from it: the shared files to rewrite, the files edited
    by hand among those about to be overwritten (every recorded one when forced). ``partial``: the
    run writes some of the intake's projects only (``only``); into a folder that has a summary or
    index, it leaves both alone."""
    shared_names = tuple(_shared_names(opts.summary, options.formats))
    # a run limited by ``only`` in an intake with other projects would shrink the summary and index a full
    # run left to its own projects: it leaves them as they are (the next full run rewrites them) and says so
    partial = partial and any((out / name).exists() for name in shared_names)
    withheld = shared_names if partial else ()
    shared_changed = not partial and (
        plan.portfolio_changed or any(name not in manifest.shared for name in shared_names)
    )
    if opts.force:
        edited = edited_by_hand(out, manifest)
    else:  # those about to be overwritten, hashed; and those kept, reported too
        overwritten = edited_by_hand(out, manifest, projects=plan.changed, shared=shared_changed)
        edited = sorted({*overwritten, *edited_since(out, manifest, skip=plan.changed)})
    keep = frozenset() if opts.force else frozenset(edited)
    rewritten = tuple(name for name in shared_names if shared_changed and inside(out, name) not in keep)
    return _Rerun(
        manifest,
        plan,
        portfolio,
        shared_names,
        shared_changed,
        rewritten,
        edited,
        keep,
        frozenset(plan.changed),
        withheld,
    )


def _derive_needed(
    projects: list[Project], rerun: _Rerun, report: Report, options: WriteOptions, early: _Derivation | None
) -> _Derived:
    """The contexts this run writes from. The summary and index list every project: when the index
    is rewritten, or the summary and an unchanged project has no summary facts on record, every
    project is derived (its files are still written only if it changed); otherwise only the changed
    ones are, the summary takes the others' facts from the manifest, and their after-derive warnings
    come from ``_plausibility_only``. ``early``: every project, derived while the rerun was planned."""
    changed = rerun.changed
    recorded = _recorded_facts(rerun) if rerun.shared_changed and INDEX_NAME not in rerun.rewritten else None
    everything = rerun.shared_changed and recorded is None
    if early is not None:  # derived for nothing when the shared files stay: the unchanged projects' files stay
        derivation = early if everything else early.only(changed)
    elif everything:
        derivation = _derive(projects, report, options)
    else:
        derivation = _derive([p for p in projects if p.project_id in changed], report, options).then(
            _plausibility_only([p for p in projects if p.project_id not in changed], report)
        )
    # in project order however they were derived: a rerun reports as a cold run
    problems = [p for project in projects for p in derivation.after.get(project.project_id, ())]
    contexts = _with_warnings(derivation.contexts, [*report.problems, *problems])
    derived = {c.project.project_id for c in contexts}
    kept = {pid: f for pid, f in (recorded or {}).items() if pid not in derived and pid not in derivation.failed}
    return _Derived(contexts, problems, derivation.failed, kept)


def _recorded_facts(rerun: _Rerun) -> dict[str, ProjectFacts] | None:
    """The summary facts the manifest holds for every project this run leaves unchanged, or None
    when one has none it can read (recorded by an older version, or damaged): every project is then
    derived, as in a cold run."""
    found: dict[str, ProjectFacts] = {}
    projects = rerun.manifest.projects
    for pid in rerun.plan.unchanged:
        entry = projects.get(pid)
        if entry is None or entry.facts is None:
            return None
        try:
            found[pid] = ProjectFacts.from_json(entry.facts)
        except (ValueError, TypeError):
            return None
        if found[pid].project_id != pid:
            return None
    return found


def _stale(
    out: Path, report: Report, rerun: _Rerun, contexts: list[PlanContext], opts: GenerateOptions, options: WriteOptions
) -> list[tuple[Path, str]]:
    """The planforge files in ``out`` this run leaves as they are that no longer stand for the intake
    (see ``_stale_outputs``): the projects written count, and the unchanged ones when the shared files stay."""
    ids = [c.project.project_id for c in contexts]
    derived = set(ids)
    ids += [pid for pid in rerun.plan.unchanged if pid not in derived]
    known = {p.project_id for p in report.portfolio.projects} | set(report.invalid_projects)
    return _stale_outputs(out, known, ids, options.formats, opts.summary, list(opts.only), options.documents)


def _mark_in_progress(out: Path, rerun: _Rerun) -> tuple[Manifest, list[Problem]]:
    """Before writing, the manifest on disk marks what is about to be rewritten as not current (see
    ``_in_progress``); returns the manifest now on disk and the problem of a refused write. A refused
    write removes the old manifest, which would take the files about to be rewritten for hand edits."""
    manifest, changed, shared = rerun.manifest, rerun.changed, bool(rerun.rewritten)
    if not manifest.projects or not (changed or shared):
        return manifest, []
    # a merged document is kept on record too: a run cut short after writing it must not leave the edit unrecorded
    held = rerun.keep | {out / name for name in rerun.merged}
    on_disk = _in_progress(manifest, changed, held, out, shared)
    refused = _write_manifest(out, on_disk)
    if refused:
        on_disk = Manifest() if remove_manifest(out) else manifest
    return on_disk, refused


def _run_so_far(
    out: Path,
    report: Report,
    rerun: _Rerun,
    derived: _Derived,
    stale: list[tuple[Path, str]],
    failed: dict[str, list[Problem]],
    opts: GenerateOptions,
) -> RunResult:
    """The run as it stands before the plans are written: what the summary reports (it is written
    beside the plans, maybe by a forked worker, from this and nothing later)."""
    only = opts.only
    manifest = rerun.manifest
    return RunResult(
        report=report,
        skipped={pid: ps for pid, ps in report.invalid_projects.items() if not only or pid in only},
        failed=failed,
        stale=stale,
        contexts=derived.contexts,
        unchanged=list(rerun.plan.unchanged),
        kept_outputs={pid: [out / rel for rel in manifest.projects[pid].outputs] for pid in rerun.plan.unchanged},
        edited=rerun.edited,
    )


def _render_and_write(
    out: Path,
    rerun: _Rerun,
    so_far: RunResult,
    listed: list[ProjectFacts],
    options: WriteOptions,
    opts: GenerateOptions,
    timings: dict[str, float],
) -> tuple[list[Path], dict[str, dict[Path, Output]], list[Problem]]:
    """Render and write the changed projects' files (and, beside them, the summary of the ``listed``
    projects when it is rewritten); returns the files written, each project's file records, and the
    problems of what could not be made. Files kept as hand edits are not overwritten."""
    summary_target = inside(out, SUMMARY_NAME)
    side_job = (
        partial(write_summary, summary_target, so_far, listed, options) if SUMMARY_NAME in rerun.rewritten else None
    )
    recorded: dict[str, dict[Path, Output]] = {}
    changed = rerun.changed
    written, problems = write_plans(
        [c for c in so_far.contexts if c.project.project_id in changed],
        out,
        options,
        timings,
        jobs=opts.jobs,
        progress=opts.progress,
        side_job=side_job,
        keep=rerun.keep,
        recorded=recorded,
        merged=rerun.merged,
    )
    log.info("wrote %d plan file(s) in %.2f s", len(written), timings["plans+summary"])
    return written, recorded, problems


def _summarize(
    out: Path, rerun: _Rerun, problems: list[Problem], contexts: list[PlanContext], options: WriteOptions
) -> tuple[list[Path], list[Problem]]:
    """The shared files this run rewrote: the summary (written beside the plans; there unless
    ``problems`` say it failed) and the index of ``contexts`` (the projects whose files were all
    written), written here. Returns them and the index's problem if it could not be written."""
    shared: list[Path] = []
    if SUMMARY_NAME in rerun.rewritten and not any(p.file == SUMMARY_NAME and not p.project_id for p in problems):
        shared.append(inside(out, SUMMARY_NAME))
    if INDEX_NAME not in rerun.rewritten:
        return shared, []
    target = inside(out, INDEX_NAME)
    try:
        write_text(target, index_html(contexts, options))
    except Exception as e:
        return shared, [failure("writing the index", e, file=INDEX_NAME)]
    return [*shared, target], []


# ---------------------------------------------------------------------------------- helpers


def _reported(report: Report, *problems: Iterable[Problem]) -> Report:
    """``report`` with more problems after its own, in order (a new report: none is changed in place)."""
    return replace(report, problems=[*report.problems, *(p for more in problems for p in more)])


def _failures(failed: Mapping[str, list[Problem]], *problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    """``failed`` (project ID -> its problems) with each of ``problems`` that names a project added to
    that project's, in order: a project with a problem at the isolation boundary has failed."""
    found = {pid: list(ps) for pid, ps in failed.items()}
    for problem in (p for more in problems for p in more):
        if problem.project_id:
            found.setdefault(problem.project_id, []).append(problem)
    return found


def _withheld(withheld: Sequence[str]) -> list[Problem]:
    """The note that a run limited by ``only`` left the summary and index (``withheld``) alone."""
    return [make_problem("shared-not-rewritten", file=name) for name in withheld]


def _edited_problems(edited: list[Path], out: Path, action: str = "kept, not overwritten") -> list[Problem]:
    return [make_problem("edited-output", file=_relative_to(path, out), action=action) for path in edited]


def _issue_versions(
    derived: _Derived, rerun: _Rerun, options: WriteOptions
) -> tuple[_Derived, dict[str, DocumentVersion]]:
    """Each context as its documents are issued (``core.versions``): a project new to the folder, or
    with a Document Version typed on the Projects sheet, at that version (1.0 by default); an
    unchanged one as last issued; a changed one at the next version when what its documents say
    changed (told by the Markdown recorded for them, rendered again under the last version; by the
    facts when none was recorded, or while a file of the project is kept or a run was cut short),
    with the line naming the facts that changed ("Editorial revision" when none did), else as
    last issued."""
    contexts: list[PlanContext] = []
    versions: dict[str, DocumentVersion] = {}
    for ctx in derived.contexts:
        pid = ctx.project.project_id
        entry = rerun.manifest.projects.get(pid)
        previous = entry.issued() if entry is not None else None
        facts = version_facts(ctx)
        typed = (ctx.project.document_version or "").strip()
        if previous is None or typed:
            version = DocumentVersion(typed or FIRST_VERSION, options.plan_date, FIRST_ISSUE, facts)
        elif pid not in rerun.changed or (entry is not None and entry.digest == rerun.plan.digests.get(pid)):
            version = previous  # the same inputs: the same documents
        else:
            summary = describe(previous.facts, facts)
            changed = _reworded(ctx, previous, entry, options) if entry and entry.digest != NOT_CURRENT else None
            if changed is None:  # no recorded Markdown to tell by: a changed fact issues a new version
                changed = bool(summary)
            version = previous.next(options.plan_date, summary or EDITORIAL, facts) if changed else previous
        versions[pid] = version
        contexts.append(issued_as(ctx, version))
    return replace(derived, contexts=contexts), versions


def _reworded(ctx: PlanContext, previous: DocumentVersion, entry: ProjectEntry, options: WriteOptions) -> bool | None:
    """Whether any Markdown document the project had recorded reads otherwise when rendered now under
    the version last issued (the data, the templates or planforge changed what it says); None when
    none was recorded (no Markdown format), so the facts must tell."""
    as_before = issued_as(ctx, previous)
    if options.final:
        as_before = final_edition(as_before, options.final)
    pid = ctx.project.project_id
    compared = False
    for kind in options.documents:
        recorded = entry.outputs.get(document_filename(pid, kind, MD.extension))
        if recorded is None:
            continue  # a document new to this run is issued under the project's version, whatever it is
        try:
            text = plan_markdown(as_before, options) if kind == PLAN.name else render_document(kind, as_before, options)
        except Exception:  # a document that cannot be rendered fails in the writers, at its project
            continue
        if Output.of_bytes(text.encode("utf-8")).sha256 != recorded.sha256:
            return True
        compared = True
    return False if compared else None


def _merge_edits(out: Path, rerun: _Rerun, contexts: list[PlanContext], options: WriteOptions) -> _Rerun:
    """Merge the hand-edited Markdown documents of the projects about to be rewritten with their new
    rendering (``outputs.merge``): a clean merge is written (so no longer kept), a conflict keeps the
    document in every format. Not for the final edition (its text is checked as rendered) nor with
    LibreOffice PDFs (made from a fresh rendering, they could not carry the edit)."""
    if not rerun.edited or options.final or (PDF.name in options.formats and options.pdf_engine == "libreoffice"):
        return rerun
    changed = [c for c in contexts if c.project.project_id in rerun.changed]
    merges = plan_merges(changed, out, rerun.manifest, rerun.edited, options, rerun.keep)
    if not merges.handled:
        return rerun
    keep = (rerun.keep - {out / name for name in merges.merged}) | merges.keep
    rewritten = tuple(name for name in rerun.rewritten if inside(out, name) not in keep)
    return replace(
        rerun,
        keep=frozenset(keep),
        rewritten=rewritten,
        merged=merges.merged,
        handled=frozenset(merges.handled),
        merge_problems=tuple(merges.problems),
        unissued=frozenset(merges.withheld),
    )


def _back_up_edits(out: Path, rerun: _Rerun) -> tuple[_Rerun, dict[Path, Path], list[Problem]]:
    """Before a forced run overwrites the files edited by hand, copy each to ``backups/<date and
    time>/`` under its own relative name. A file that cannot be copied is kept, not overwritten (and
    reported so). Returns the rerun with those kept, each edited file's copy, and the problems."""
    if not rerun.edited:
        return rerun, {}, []
    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    backups: dict[Path, Path] = {}
    problems: list[Problem] = []
    unsaved: list[Path] = []
    try:
        folder = _new_backup_folder(subfolder(out, BACKUP_DIR), stamp)
    except (OSError, OutputError) as e:
        folder, why = None, str(e)
    for path in rerun.edited:
        rel = _relative_to(path, out)
        try:
            if folder is None:
                raise OutputError(why)
            copy = folder / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(copy, path.read_bytes())
        except (OSError, OutputError) as e:
            unsaved.append(path)
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            problems += _edited_problems([path], out, f"kept, not overwritten: it could not be copied aside ({reason})")
            continue
        backups[path] = copy
        problems.append(make_problem("edited-output-replaced", file=rel, backup=_relative_to(copy, out)))
        forget_conflict(out, path.name)  # overwritten: a conflict of its merge is moot
    keep = frozenset(unsaved)
    rewritten = tuple(name for name in rerun.rewritten if inside(out, name) not in keep)
    return replace(rerun, keep=keep, rewritten=rewritten), backups, problems


def _new_backup_folder(parent: Path, stamp: str) -> Path:
    """``parent/stamp`` made new (``stamp-2``, ``stamp-3``, ... when a run in the same second made one)."""
    parent.mkdir(exist_ok=True)
    for n in range(1, 1000):
        folder = parent / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise OutputError(f"no new backup folder could be made in {parent}")


def _derive(projects: list[Project], report: Report, options: WriteOptions) -> _Derivation:
    """Each project's plan context and its after-derive plausibility checks, behind the isolation
    boundary: an exception costs that project (an ``internal-error``, its after-derive problem and
    why it ``failed``), never the run."""
    portfolio = report.portfolio
    produced = frozenset(options.documents)
    contexts: list[PlanContext] = []
    after: dict[str, list[Problem]] = {}
    failed: dict[str, list[Problem]] = {}
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
    return _Derivation(contexts, after, failed)


def _plausibility_only(projects: list[Project], report: Report) -> _Derivation:
    """The after-derive warnings of projects a rerun does not derive (their files are unchanged):
    the run still reports them, from the two figures they need rather than a whole plan context."""
    portfolio = report.portfolio
    after: dict[str, list[Problem]] = {}
    failed: dict[str, list[Problem]] = {}
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
    return _Derivation([], after, failed)


def _run_record(
    key: str | None,
    report: Report,
    failed: Mapping[str, list[Problem]],
    selected: list[Project],
    options: WriteOptions,
    *,
    incomplete: bool,
) -> RunRecord | None:
    """What the next run needs to skip reading when its inputs are byte-identical; None when this
    run was not complete (a project failed, a hand edit was kept, the manifest could not be written)
    or its report cannot be recorded exactly."""
    if incomplete or any(p.file == MANIFEST_NAME for p in report.problems) or key is None or failed:
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
        linked=dict(report.portfolio.linked),
    )


def _nothing_to_do(
    inputs: _Fingerprint,
    run: RunRecord,
    out: Path,
    opts: GenerateOptions,
    options: WriteOptions,
    timings: dict[str, float],
    started: float,
) -> RunResult:
    """A rerun whose inputs are byte-identical to the last complete run's, with every file it wrote
    still in place: nothing is read, derived or written. The report is the last run's (the same
    inputs give the same findings); files edited by hand are left alone, as any rerun leaves an
    unchanged project's files, and reported (``edited_since``); stale files are looked for afresh."""
    problems = list(run.problems)
    invalid = {pid: [problems[i] for i in at] for pid, at in run.invalid.items()}
    load = partial(_portfolio_of, tuple(inputs.files), inputs.fingerprints or (), options.plan_date)
    recorded = RestoredReport(problems, invalid, load)
    if opts.strict and recorded.errors:
        raise ValidationFailed(f"{len(recorded.errors)} error(s) in the intake; strict=True wrote nothing", recorded)
    only = list(opts.only)
    known = set(run.valid) | set(invalid)
    stale = _stale_outputs(out, known, run.selected, options.formats, opts.summary, only, run.documents)
    shared = _shared_names(opts.summary, options.formats)
    withheld = shared if only and known - set(only) and any((out / name).exists() for name in shared) else []
    manifest = inputs.previous or Manifest()
    edited = edited_since(out, manifest)
    log.info("nothing changed since the last run: %d project(s) unchanged", len(run.selected))
    timings["total"] = time.perf_counter() - started
    return RunResult(
        report=RestoredReport(
            [
                *problems,
                *_edited_problems(edited, out),
                *(make_problem(code, file=path.name) for path, code in stale),
                *_withheld(withheld),
            ],
            invalid,
            load,
        ),
        skipped={pid: ps for pid, ps in invalid.items() if not only or pid in only},
        stale=stale,
        timings=timings,
        unchanged=list(run.selected),
        edited=edited,
        kept_outputs={
            pid: [out / rel for rel in manifest.projects[pid].outputs]
            for pid in run.selected
            if pid in manifest.projects
        },
    )


def _updated_manifest(
    out: Path,
    rerun: _Rerun,
    written_files: list[Path],
    recorded: dict[str, dict[Path, Output]],
    failed: Mapping[str, list[Problem]],
    *,
    keep_removed: bool,
    run: RunRecord | None,
    versions: Mapping[str, DocumentVersion] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Manifest:
    """What this run leaves as the manifest. A project that failed is left out, so the next run redoes
    it; one with a file kept because it was edited by hand is recorded under a digest no run computes,
    so each later run reports the file again until it is resolved (deleted, or ``force``). The same
    holds for a kept summary or index and the portfolio digest. ``keep_removed`` (a run limited with
    ``only``) keeps the other projects' entries. ``run`` records a complete run (see ``RunRecord``);
    ``facts`` each written project's summary facts (JSON), so a rerun need not derive it for the summary."""
    manifest, keep = rerun.manifest, rerun.keep
    digests = dict(rerun.plan.digests)

    def there(rel: str) -> bool:
        return (out / rel).is_file()

    written: dict[str, dict[str, Output]] = {}
    for pid, files in recorded.items():
        if pid and pid not in failed:
            written[pid] = {_relative_to(path, out): output for path, output in files.items()}
    kept = {_relative_to(path, out) for path in keep}
    for pid in rerun.plan.changed if kept else ():
        old = manifest.projects.get(pid)
        held = [rel for rel in old.outputs if rel in kept] if old is not None and pid not in failed else []
        if old is not None and held:
            written.setdefault(pid, {}).update((rel, old.outputs[rel]) for rel in held)
            digests[pid] = NOT_CURRENT
    plan = replace(rerun.plan, digests=digests)
    if not rerun.shared_changed:
        return manifest_after(
            manifest,
            plan,
            written,
            keep_removed=keep_removed,
            run=run,
            versions=versions,
            still_there=there,
            facts=facts,
        )
    portfolio = rerun.portfolio
    shared: dict[str, Output] = {}
    for name in rerun.shared_names:
        path = out / name
        if path in keep and name in manifest.shared:
            shared[name] = manifest.shared[name]
            portfolio = NOT_CURRENT
        elif path in written_files:
            shared[name] = Output.of_file(path)
        else:
            portfolio = NOT_CURRENT  # not written (it failed): rewrite it next run
    if failed:  # the summary and index may leave out a project that failed: rewrite them next run
        portfolio = NOT_CURRENT
    if portfolio == NOT_CURRENT:
        run = None
    return manifest_after(
        manifest,
        plan,
        written,
        portfolio=portfolio,
        shared=shared,
        keep_removed=keep_removed,
        run=run,
        versions=versions,
        still_there=there,
        facts=facts,
    )


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
    if options.logo:
        extra["logo"] = options.logo.sha256
    if PDF.name in options.formats:
        extra["pdf_engine"] = options.pdf_engine  # the two engines make different PDFs
    if options.final:
        extra["edition"] = "final"  # the final edition's files differ from the draft's
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
        draft=opts.draft,
        templates=templates,
        extra=extra,
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


def _in_progress(
    manifest: Manifest, changed: frozenset[str], keep: frozenset[Path], out: Path, shared: bool
) -> Manifest:
    """The manifest while this run writes: the projects (and, with ``shared``, the summary and index)
    about to be rewritten are marked not current, without the records of their files except those
    kept as hand edits. A run killed halfway then leaves a manifest by which the next run redoes
    them, whatever their inputs, and never takes a half-written file for a hand edit."""
    kept = {_relative_to(path, out) for path in keep}
    projects = dict(manifest.projects)
    for pid in changed & projects.keys():
        held = {rel: o for rel, o in projects[pid].outputs.items() if rel in kept}
        projects[pid] = replace(projects[pid], digest=NOT_CURRENT, outputs=held)
    if not shared:
        return Manifest(projects, manifest.portfolio, manifest.shared, manifest.version)
    held_shared = {rel: o for rel, o in manifest.shared.items() if rel in kept}
    return Manifest(projects, NOT_CURRENT, held_shared, manifest.version)


def _with_warnings(contexts: list[PlanContext], problems: Iterable[Problem]) -> list[PlanContext]:
    """Each project's warnings (how a value was read, what is not traced, what looks implausible),
    listed at their cells in its review file, where the team works through them."""
    found: dict[str, list[Finding]] = {}
    wanted = {c.project.project_id for c in contexts}  # a rerun's few, not every project's warnings
    for p in problems:
        if p.project_id in wanted and p.severity == WARNING:
            hint = f" {p.hint}" if p.hint else ""
            found.setdefault(p.project_id, []).append(Finding(p.location or p.file, f"{p.message}.{hint}"))
    return [
        replace(c, review=replace(c.review, warnings=c.review.warnings + tuple(found[c.project.project_id])))
        if c.project.project_id in found
        else c
        for c in contexts
    ]


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
