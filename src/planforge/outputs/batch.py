"""The write stage: every plan in every format, serially or across cores, through the writers.

Markdown is the one content source; HTML, DOCX and PDF are produced from the Markdown (see
docs/formats.md), parsed once per document for all of them, so no plan text is written twice. With several jobs, worker processes are
forked after the contexts exist: each worker receives the contexts and options as arguments of
the forked process (inherited, never pickled), renders and writes its share of the plans, and
sends back only file paths with their SHA-256 and size (for the run manifest) and problems.

``keep`` names files a rerun must not overwrite (edited by hand since planforge wrote them, see
``rerun.planner.edited_by_hand``): they are skipped, and left out of what is returned.

Every project is rendered and written behind one boundary (``_one``): any exception becomes a
located problem for that project (``result.failure``) and every other project is still written.
The same holds for the summary side job, for a worker process that dies (its project in flight
fails, the rest of its share is written by the parent) and for the PDF batch.
KeyboardInterrupt and SystemExit are never caught: they stop the run, leaving only whole files.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import Any, TypeVar

from planforge.context.plan import PlanContext
from planforge.core.atomic import inside, subfolder, write_bytes
from planforge.core.errors import Problem, UsageError
from planforge.core.lifeline import Lifeline
from planforge.core.names import (
    DOCUMENT_KINDS,
    DOCX,
    FORMATS,
    MD,
    PDF,
    PLAN,
    REVIEW_DIR,
    SOW,
    SUMMARY_NAME,
    document_filename,
    plan_filename,
    review_filename,
)
from planforge.core.result import failure
from planforge.formats.docx import check_reference
from planforge.formats.markdown import plan_markdown
from planforge.formats.md_tokens import Document, InlineCache
from planforge.formats.options import WriteOptions
from planforge.formats.pdf import find_soffice, write_pdfs
from planforge.formats.registry import LIBREOFFICE, PDF_ENGINES, made_from_docx, writer
from planforge.outputs import final
from planforge.outputs.base_texts import write_base
from planforge.outputs.documents import docx_bytes, for_format, render_document, requested, write_documents
from planforge.outputs.review import review_markdown
from planforge.render import environment as render
from planforge.render.environment import available_kinds
from planforge.rerun.manifest import Output

PARALLEL_MIN_PLANS = 400  # below this, forking costs more than it saves
#: Word and PDF cost tens of milliseconds a document, so workers repay their start from a few dozen
#: plans (measured: 200 plans with --format pdf, 14.0 s in one process, see docs/formats.md).
HEAVY_PARALLEL_MIN_PLANS = 24
HEAVY_FORMATS = frozenset({DOCX.name, PDF.name})
_T = TypeVar("_T")
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
    if options.pdf_engine not in PDF_ENGINES:
        raise UsageError(
            f"pdf_engine= must be one of {', '.join(PDF_ENGINES)}, not {options.pdf_engine!r}", parameter="pdf_engine"
        )
    if PDF.name in options.formats and options.pdf_engine == LIBREOFFICE:
        soffice = options.soffice or find_soffice()
        if soffice is None:
            raise UsageError(
                "pdf_engine= libreoffice needs LibreOffice (the 'soffice' command) on PATH; install it, "
                "or use the default engine, typst, which needs nothing besides planforge",
                parameter="formats",
            )
        options = replace(options, soffice=soffice)
    if options.reference_docx is not None:
        if DOCX.name not in options.formats and PDF.name not in options.formats:
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
    parallel_min_plans: int | None = None,
    keep: frozenset[Path] = frozenset(),
    recorded: dict[str, dict[Path, Output]] | None = None,
    merged: Mapping[str, str] | None = None,
) -> tuple[list[Path], list[Problem]]:
    """Render and write every plan in every format; returns the paths written, in project order,
    and the problems of what could not be made (each located at its project; never raised).

    ``side_job`` (the summary workbook) runs in one of the worker processes when the run is
    parallel and writes no Word or PDF, so every core stays busy until the end; otherwise it runs
    after the plans, in this process (a worker reading every context would copy them all). If it
    fails, that is one run-level problem and the plans are still written.

    ``keep``: files not to overwrite (a project with a kept PDF is left out of the PDF batch).
    ``merged``: Markdown file name -> the text to write for that document instead of its rendering (a
    hand edit merged with it, ``outputs.merge``): every format of the document is made from it, and
    the manifest records the rendering, so the file still reads as edited on later runs.
    ``recorded`` receives project ID -> each file written for it -> its ``Output`` (hashed from the bytes in hand where
    the file is made here, else read back while it is still in the page cache)."""
    jobs = jobs or os.cpu_count() or 1
    if parallel_min_plans is None:
        heavy = HEAVY_FORMATS.intersection(options.formats)
        parallel_min_plans = min(PARALLEL_MIN_PLANS, HEAVY_PARALLEL_MIN_PLANS) if heavy else PARALLEL_MIN_PLANS
    start = time.perf_counter()
    problems: list[Problem] = []
    if jobs > 1 and len(contexts) >= parallel_min_plans and "fork" in multiprocessing.get_all_start_methods():
        made = _parallel(contexts, out, options, jobs, progress, side_job, problems, keep, merged or {})
    else:
        made, cache = [], InlineCache()  # the run's inline parses, shared by its documents
        for ctx in contexts:
            files, failed = _one(ctx, out, options, keep, merged or {}, cache)
            made += [(ctx.project.project_id, path, output) for path, output in files]
            problems += failed
            if progress:
                progress(1, len(contexts))
        if side_job:
            problems += _side(side_job)
    written = [path for _, path, _ in made]
    if recorded is not None:
        for pid, path, output in made:
            recorded.setdefault(pid, {})[path] = output
    if PDF.name in options.formats and options.pdf_engine == LIBREOFFICE:
        failed_ids = {p.project_id for p in problems}
        failed_ids |= {
            c.project.project_id
            for c in contexts
            for kind in options.documents
            if out / document_filename(c.project.project_id, kind, PDF.extension) in keep
        }
        pdfs, failed = write_pdfs(
            [final.edition(c, options.final) for c in contexts if c.project.project_id not in failed_ids],
            out,
            options,
            make_docx=docx_bytes,
        )
        written += pdfs
        problems += failed
        if recorded is not None:
            owner = {
                document_filename(c.project.project_id, kind, PDF.extension): c.project.project_id
                for c in contexts
                for kind in options.documents
            }
            for path in pdfs:
                recorded.setdefault(owner.get(path.name, ""), {})[path] = Output.of_file(path)
    timings["plans+summary"] = timings.get("plans+summary", 0.0) + time.perf_counter() - start
    return written, problems


def _one(
    ctx: PlanContext,
    out: Path,
    options: WriteOptions,
    keep: frozenset[Path] = frozenset(),
    merged: Mapping[str, str] | None = None,
    cache: InlineCache | None = None,
) -> tuple[list[tuple[Path, Output]], list[Problem]]:
    """One project's files, each behind the isolation boundary: an exception while rendering costs
    the project's plan, one while making or writing a file costs that file; never raised. Returns
    each file written with its ``Output`` (hashed from the bytes just written); files in ``keep``
    are not written; a document in ``merged`` is written from its merged text (see ``write_plans``).
    ``cache``: the inline parses the process's documents share (``md_tokens.InlineCache``)."""
    merged = merged or {}
    project = ctx.project
    try:
        markdown = plan_markdown(ctx, options) if "plan" in options.documents else ""
    except Exception as e:
        return [], [failure("rendering the plan", e, project=project)]
    if options.final:
        held = _not_final(ctx, options, markdown)
        if held:
            return [], held  # nothing of the project is written: no half of a final edition
        ctx = final.edition(ctx, options.final)
        try:
            markdown = plan_markdown(ctx, options) if markdown else ""
        except Exception as e:
            return [], [failure("rendering the plan", e, project=project)]
    paths: list[tuple[Path, Output]] = []
    problems: list[Problem] = []
    md_name = plan_filename(project.project_id, MD.extension)
    source = Document(merged.get(md_name, markdown), cache=cache)  # parsed once, by the first format reading tokens
    for fmt in options.formats if markdown else ():
        if made_from_docx(fmt, options):
            continue  # made from the DOCX in one LibreOffice batch, after all plans
        name = plan_filename(project.project_id, fmt)
        try:
            target = inside(out, name)
            if target in keep:
                continue
            data = writer(fmt)(ctx, for_format(source, ctx, fmt), options, PLAN)
            write_bytes(target, data)
            if fmt == MD.name:  # the rendering itself is what a later merge starts from
                pure = markdown.encode("utf-8")
                write_base(out, name, pure)
                paths.append((target, Output.of_bytes(pure)))
            else:
                paths.append((target, Output.of_bytes(data)))
        except Exception as e:
            problems.append(failure(f"making {name}", e, project=project, file=name))
    documents, failed, rendered = write_documents(ctx, out, options, keep, merged, cache)
    paths += documents
    problems += failed
    name = review_filename(project.project_id)
    try:
        review = inside(subfolder(out, REVIEW_DIR), name)
        if review not in keep:
            plan = [(PLAN.title, markdown)] if markdown else []
            data = review_markdown(ctx.review, plan + rendered).encode("utf-8")
            write_bytes(review, data)
            paths.append((review, Output.of_bytes(data)))
    except Exception as e:
        problems.append(failure(f"making {REVIEW_DIR}/{name}", e, project=project, file=f"{REVIEW_DIR}/{name}"))
    return paths, problems


def _not_final(ctx: PlanContext, options: WriteOptions, plan: str) -> list[Problem]:
    """What keeps the project from its final edition (``outputs.final``): its plan (``plan``, ""
    when not asked for) and each statement of work asked for, rendered and checked; a document that
    fails to render is its own problem."""
    rendered = [(PLAN.name, PLAN.title, plan)] if plan else []
    for kind in requested(options.documents):
        resolved = render.document_kind(kind, options.templates)
        if resolved.context == SOW.name:
            try:
                rendered.append((SOW.name, resolved.title, render_document(kind, ctx, options)))
            except Exception as e:
                return [failure(f"rendering the {resolved.title}", e, project=ctx.project)]
    return final.problems(ctx, rendered)


def _side(side_job: Callable[[], None]) -> list[Problem]:
    """Run the side job (the summary) behind the boundary: a failure is one run-level problem."""
    try:
        side_job()
    except Exception as e:
        return [failure("writing the portfolio summary", e, file=SUMMARY_NAME)]
    return []


_SIDE = (-1, -1)  # the task that runs the side job
_Task = tuple[int, int] | None  # plan index bounds; None: no more work
# What a worker sends on its own pipe: ("start", lo, hi) when it takes a task, ("plan", i, files,
# problems) after each plan (files: (path, sha256, size) each), ("side", problems) after the side job.
_Message = tuple[Any, ...]


def _worker(
    tasks: SimpleQueue[_Task],
    answers: Connection,
    contexts: Sequence[PlanContext],
    out: Path,
    options: WriteOptions,
    side_job: Callable[[], None] | None,
    keep: frozenset[Path],
    merged: Mapping[str, str],
    lifeline: Lifeline,
    others: Sequence[Connection],
) -> None:
    """One forked worker: take index ranges until told to stop, and report each plan as it is done
    on its own pipe, so the parent knows exactly which plan was in flight if the worker dies.

    First it closes the other workers' pipe ends it inherited (``others``: a worker holding another's
    read end would keep that one blocked on a full pipe after the parent's death) and holds the
    lifeline, so it ends within moments of the parent."""
    for other in others:
        other.close()
    lifeline.hold()
    cache = InlineCache()  # the worker's documents share their inline parses
    while (task := tasks.get()) is not None:
        lo, hi = task
        answers.send(("start", lo, hi))
        if task == _SIDE:
            assert side_job is not None
            answers.send(("side", _side(side_job)))
            continue
        for i in range(lo, hi):
            files, problems = _one(contexts[i], out, options, keep, merged, cache)
            answers.send(("plan", i, [(str(p), o.sha256, o.size) for p, o in files], problems))
    answers.close()


def _parallel(
    contexts: list[PlanContext],
    out: Path,
    options: WriteOptions,
    jobs: int,
    progress: Progress | None,
    side_job: Callable[[], None] | None,
    problems: list[Problem],
    keep: frozenset[Path] = frozenset(),
    merged: Mapping[str, str] | None = None,
) -> list[tuple[str, Path, Output]]:
    """Fork ``jobs`` workers that inherit the contexts; the side job is queued first, then chunks of
    plans are taken by workers as they come free. Paths come back in project order.

    A worker that dies (a crash in a C library, the kernel's OOM killer) costs the plan it was
    writing: that plan gets an ``internal-error``, and every plan no worker finished is written here."""
    fork = multiprocessing.get_context("fork")
    tasks: SimpleQueue[_Task] = fork.SimpleQueue()
    step = max(25, len(contexts) // (jobs * 16))
    chunks: list[_Task] = [(i, min(i + step, len(contexts))) for i in range(0, len(contexts), step)]
    # with Word or PDF the plans take minutes and the side job seconds: it runs here once the workers are
    # done, so that it reads the contexts in this process's own pages rather than copying every one of
    # them into a worker beside the copies the workers make of their shares (measured at 10,000 plans)
    in_worker = side_job is not None and not HEAVY_FORMATS.intersection(options.formats)
    queued = ([_SIDE] if in_worker else []) + chunks
    pipes: dict[Connection, Any] = {}
    lifeline = Lifeline()
    # the contexts stay in pages the workers share with this process: a collection in a worker would
    # write to every tracked object's header and copy all of them into each worker (memory flat in the
    # number of projects only while the workers leave what they inherit alone)
    gc.freeze()
    try:
        for _ in range(min(jobs, len(queued))):
            reader, writer = fork.Pipe(duplex=False)
            args = (tasks, writer, contexts, out, options, side_job, keep, merged or {}, lifeline, [*pipes, reader])
            w = fork.Process(target=_worker, args=args, daemon=True)
            w.start()
            writer.close()  # the parent's copy: the reader sees EOF once the worker is gone
            pipes[reader] = w
    finally:  # this process collects its objects again, however the forking ended
        gc.unfreeze()
    for task in queued + [None] * len(pipes):
        tasks.put(task)
    try:
        done, side_done = _collect(pipes, contexts, progress, problems, side_done=not in_worker)
        side_done = side_done and in_worker
    finally:
        lifeline.close()
    cache = InlineCache()
    for i, ctx in enumerate(contexts):  # what no worker finished (all of them died): written here
        if i not in done:
            files, failed = _one(ctx, out, options, keep, merged, cache)
            done[i] = [(str(p), o.sha256, o.size) for p, o in files]
            problems += failed
            if progress:
                progress(1, len(contexts))
    if not side_done and side_job:
        problems += _side(side_job)
    return [
        (contexts[i].project.project_id, Path(p), Output(sha, size)) for i in sorted(done) for p, sha, size in done[i]
    ]


def _collect(
    pipes: dict[Connection, Any],
    contexts: Sequence[PlanContext],
    progress: Progress | None,
    problems: list[Problem],
    *,
    side_done: bool,
) -> tuple[dict[int, list[tuple[str, str, int]]], bool]:
    """Read every worker's pipe until each is closed: the files of each plan done (by index), and
    whether the side job ran. A worker gone without a word costs the plan (or the side job) it held;
    on any exception the workers still alive are terminated. Every worker is joined."""
    done: dict[int, list[tuple[str, str, int]]] = {}
    held: dict[Connection, tuple[int, int]] = {}
    pipes_by_id = {id(reader): reader for reader in pipes}
    finished = False
    try:
        while pipes:
            for ready in wait(list(pipes)):
                reader = pipes_by_id[id(ready)]
                try:
                    message: _Message = reader.recv()
                except EOFError:
                    worker = pipes.pop(reader)
                    worker.join()
                    task = held.pop(reader, None)
                    if task == _SIDE and not side_done:
                        side_done = True
                        problems.append(failure("writing the portfolio summary", _died(worker), file=SUMMARY_NAME))
                    elif task is not None:
                        lost = next((i for i in range(*task) if i not in done), None)
                        if lost is not None:
                            done[lost] = []
                            problems.append(
                                failure("rendering and writing", _died(worker), project=contexts[lost].project)
                            )
                    continue
                if message[0] == "start":
                    held[reader] = (message[1], message[2])
                elif message[0] == "side":
                    side_done = True
                    problems += message[1]
                else:
                    _, i, paths, failed = message
                    done[i] = paths
                    problems += failed
                    if progress:
                        progress(1, len(contexts))
        finished = True
    finally:
        for worker in pipes.values():
            if not finished:
                worker.terminate()
            worker.join()
    return done, side_done


def in_background(compute: Callable[[], _T], *, fork: bool) -> Callable[[], _T]:
    """Start ``compute`` in a forked process and return a function that waits for its value, so this
    process can do other work meanwhile. The child inherits everything ``compute`` needs (nothing is
    pickled on the way in); the value is pickled on the way back, so it should be small. Without
    ``fork`` (a small run, or a platform without it), or when the child fails or dies, the value is
    computed in this process when asked for: the same value, and the same exception, either way."""
    if not fork or "fork" not in multiprocessing.get_all_start_methods():
        return compute
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    lifeline = Lifeline()
    child = context.Process(target=_compute_and_send, args=(compute, writer, reader, lifeline), daemon=True)
    child.start()
    writer.close()

    def result() -> _T:
        try:
            done, value = reader.recv()
        except (EOFError, OSError):  # the child died without an answer
            done, value = False, None
        finally:
            reader.close()
            child.join()
            lifeline.close()
        return value if done else compute()

    return result


def _compute_and_send(compute: Callable[[], Any], answers: Connection, mine: Connection, lifeline: Lifeline) -> None:
    """The background child: end with the parent (see ``Lifeline``), compute, answer."""
    mine.close()  # the parent's read end, inherited
    lifeline.hold()
    try:
        value = compute()
    except Exception:  # the parent computes it again and meets the error itself
        answers.send((False, None))
    else:
        answers.send((True, value))
    answers.close()


def _died(worker: Any) -> RuntimeError:
    return RuntimeError(f"the worker process stopped unexpectedly (exit code {worker.exitcode})")
