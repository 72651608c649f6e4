"""The write stage: every plan in every format, serially or across cores, through the writers.

Markdown is the one content source; HTML and DOCX are produced from the Markdown (see
docs/formats.md), so no plan text is written twice. With several jobs, worker processes are
forked after the contexts exist: each worker receives the contexts and options as arguments of
the forked process (inherited, never pickled), renders and writes its share of the plans, and
sends back only file paths.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import Any

from .documents import docx_bytes, for_format, write_documents
from .errors import UsageError
from .names import DOCUMENT_KINDS, FORMATS, REVIEW_DIR, plan_filename, review_filename
from .plan_context import PlanContext
from .render import available_kinds, render_review
from .writers.atomic import inside, write_bytes, write_text
from .writers.docx import check_reference, plan_docx
from .writers.html import plan_html
from .writers.markdown import plan_markdown
from .writers.options import WriteOptions
from .writers.pdf import find_soffice, write_pdfs

PARALLEL_MIN_PLANS = 400  # below this, forking costs more than it saves
Progress = Callable[[int, int], None]  # (plans just done, plans in all)


def check_options(options: WriteOptions) -> WriteOptions:
    """Refuse unknown formats, PDF without LibreOffice and an unreadable reference document before
    any work is done; return the options with the LibreOffice command filled in for PDF."""
    kinds = (*DOCUMENT_KINDS, *(k for k in available_kinds(options.templates) if k not in (*DOCUMENT_KINDS, "review")))
    bad_kinds = [k for k in options.documents if k not in kinds]
    if bad_kinds or not options.documents:
        raise UsageError(
            f"documents= has unknown kind(s) {', '.join(bad_kinds) or '(none)'}; choose from {', '.join(kinds)} or all",
            parameter="documents",
        )
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown or not options.formats:
        raise UsageError(
            f"formats= has unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}",
            parameter="formats",
        )
    if "pdf" in options.formats:
        soffice = options.soffice or find_soffice()
        if soffice is None:
            raise UsageError(
                "formats= pdf needs LibreOffice (the 'soffice' command) on PATH; install it, "
                "or use the docx format and print to PDF from Word",
                parameter="formats",
            )
        options = replace(options, soffice=soffice)
    if options.reference_docx is not None:
        if "docx" not in options.formats and "pdf" not in options.formats:
            raise UsageError("reference_docx= only applies with the docx or pdf format", parameter="reference_docx")
        check_reference(options.reference_docx)
    return options


def write_plans(
    contexts: list[PlanContext],
    out: Path,
    options: WriteOptions,
    timings: dict[str, float],
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    side_job: Callable[[], None] | None = None,
    parallel_min_plans: int = PARALLEL_MIN_PLANS,
) -> list[Path]:
    """Render and write every plan in every format; returns the paths written, in project order.

    ``side_job`` (the summary workbook) runs in one of the worker processes when the run is
    parallel, so every core stays busy until the end; otherwise it runs after the plans."""
    jobs = jobs or os.cpu_count() or 1
    start = time.perf_counter()
    if jobs > 1 and len(contexts) >= parallel_min_plans and "fork" in multiprocessing.get_all_start_methods():
        written = _parallel(contexts, out, options, jobs, progress, side_job)
    else:
        written = []
        for ctx in contexts:
            written += _one(ctx, out, options)
            if progress:
                progress(1, len(contexts))
        if side_job:
            side_job()
    if "pdf" in options.formats:
        written += write_pdfs(contexts, out, options, reuse_docx="docx" in options.formats, make_docx=docx_bytes)
    timings["plans+summary"] = timings.get("plans+summary", 0.0) + time.perf_counter() - start
    return written


def _one(ctx: PlanContext, out: Path, options: WriteOptions) -> list[Path]:
    paths = []
    markdown = plan_markdown(ctx, options) if "plan" in options.documents else ""
    for fmt in options.formats if markdown else ():
        if fmt == "pdf":
            continue  # made from the DOCX in one LibreOffice batch, after all plans
        target = inside(out, plan_filename(ctx.project.project_id, fmt))
        if fmt == "md":
            write_text(target, markdown)
        elif fmt == "html":
            write_text(target, plan_html(ctx, for_format(markdown, ctx, fmt), options))
        elif fmt == "docx":
            write_bytes(target, plan_docx(ctx, for_format(markdown, ctx, fmt), options))
        paths.append(target)
    paths += write_documents(ctx, out, options)
    review = inside(out / REVIEW_DIR, review_filename(ctx.project.project_id))
    write_text(review, render_review(ctx))
    paths.append(review)
    return paths


_SIDE = (-1, -1)  # the task that runs the side job
_Task = tuple[int, int] | None  # plan index bounds; None: no more work


def _worker(
    tasks: SimpleQueue[_Task],
    results: SimpleQueue[tuple[int, int, list[str] | BaseException]],
    contexts: Sequence[PlanContext],
    out: Path,
    options: WriteOptions,
    side_job: Callable[[], None] | None,
) -> None:
    """One forked worker: take index ranges until told to stop, answer each with the paths written
    (or the exception raised, so the parent re-raises it)."""
    while (task := tasks.get()) is not None:
        lo, hi = task
        try:
            if task == _SIDE:
                assert side_job is not None
                side_job()
                answer: list[str] | BaseException = []
            else:
                answer = [str(p) for ctx in contexts[lo:hi] for p in _one(ctx, out, options)]
        except BaseException as e:
            answer = e
        try:
            results.put((lo, hi, answer))
        except Exception as e:  # an exception that cannot be pickled: send its text
            results.put((lo, hi, RuntimeError(f"{type(answer).__name__}: {answer} ({e})")))


def _parallel(
    contexts: list[PlanContext],
    out: Path,
    options: WriteOptions,
    jobs: int,
    progress: Progress | None,
    side_job: Callable[[], None] | None,
) -> list[Path]:
    """Fork ``jobs`` workers that inherit the contexts; the side job is queued first, then chunks of
    plans are taken by workers as they come free. Paths come back in project order."""
    fork = multiprocessing.get_context("fork")
    tasks: SimpleQueue[_Task] = fork.SimpleQueue()
    results: SimpleQueue[tuple[int, int, Any]] = fork.SimpleQueue()
    step = max(25, len(contexts) // (jobs * 16))
    chunks: list[_Task] = [(i, min(i + step, len(contexts))) for i in range(0, len(contexts), step)]
    queued = ([_SIDE] if side_job else []) + chunks
    workers = [
        fork.Process(target=_worker, args=(tasks, results, contexts, out, options, side_job), daemon=True)
        for _ in range(min(jobs, len(queued)))
    ]
    for w in workers:
        w.start()
    for task in queued + [None] * len(workers):
        tasks.put(task)
    done: dict[int, list[str]] = {}
    failure: BaseException | None = None
    finished = False
    try:
        for _ in queued:
            lo, hi, answer = results.get()
            if isinstance(answer, BaseException):
                failure = failure or answer
            elif (lo, hi) != _SIDE:
                done[lo] = answer
                if progress:
                    progress(hi - lo, len(contexts))
        finished = failure is None
    finally:
        for w in workers:
            if not finished:
                w.terminate()
            w.join()
    if failure is not None:
        raise failure
    return [Path(p) for lo in sorted(done) for p in done[lo]]
