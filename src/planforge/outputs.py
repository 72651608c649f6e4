"""Render plan contexts to files, per format, serially or across cores.

Markdown is the one content source; HTML and DOCX are produced from the Markdown (see
docs/formats.md), so no plan text is written twice. With several jobs, worker processes are
forked after the contexts exist, so nothing is pickled on the way in; each worker renders and
writes its share and returns only file paths.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from .plan_context import PlanContext
from .render import render_markdown
from .writers.atomic import inside, write_bytes, write_text

PARALLEL_MIN_PLANS = 400  # below this, forking costs more than it saves
_SHARED: tuple | None = None


def check_formats(formats: Sequence[str], reference_docx: Path | None) -> None:
    """Refuse unknown formats, and PDF without LibreOffice, before any work is done."""
    from .errors import UsageError
    from .pipeline import FORMATS

    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    if "pdf" in formats and soffice() is None:
        raise UsageError(
            "--format pdf needs LibreOffice (the 'soffice' command) on PATH; install it, "
            "or use --format docx and print to PDF from Word"
        )
    if "docx" in formats or "pdf" in formats:
        from .writers.docx import set_reference

        set_reference(reference_docx)
    elif reference_docx is not None:
        raise UsageError("--reference-docx only applies with --format docx or pdf")


def soffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def write_plans(
    contexts: list[PlanContext],
    out: Path,
    formats: Sequence[str],
    plan_date: date,
    timings: dict[str, float],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    side_job: Callable[[], None] | None = None,
) -> list[Path]:
    """Render and write every plan in every format; returns the paths written, in project order.

    ``side_job`` (the summary workbook) runs in the same worker pool as the plans when the run
    is parallel, so both cores stay busy until the end; otherwise it runs after the plans."""
    jobs = jobs or os.cpu_count() or 1
    formats = tuple(formats)
    start = time.perf_counter()
    if jobs > 1 and len(contexts) >= PARALLEL_MIN_PLANS and "fork" in multiprocessing.get_all_start_methods():
        written = _parallel(contexts, out, formats, plan_date, jobs, progress, side_job)
    else:
        written = []
        for ctx in contexts:
            written += _one(ctx, out, formats, plan_date)
            if progress:
                progress(1, len(contexts))
        if side_job:
            side_job()
    if "pdf" in formats:
        written += _pdfs(contexts, out, reuse_docx="docx" in formats)
    timings["plans+summary"] = timings.get("plans+summary", 0.0) + time.perf_counter() - start
    return written


def _one(ctx: PlanContext, out: Path, formats: tuple[str, ...], plan_date: date) -> list[Path]:
    from .pipeline import plan_filename

    markdown = render_markdown(ctx)
    paths = []
    for fmt in formats:
        if fmt == "pdf":
            continue  # made from the DOCX in one LibreOffice batch, after all plans
        target = inside(out, plan_filename(ctx.project.project_id, fmt))
        if fmt == "md":
            write_text(target, markdown)
        elif fmt == "html":
            from .writers.html import plan_html

            write_text(target, plan_html(ctx, markdown))
        elif fmt == "docx":
            from .writers.docx import plan_docx

            write_bytes(target, plan_docx(ctx, markdown, plan_date))
        paths.append(target)
    return paths


def _pdfs(contexts: list[PlanContext], out: Path, reuse_docx: bool) -> list[Path]:
    """Convert the plans' DOCX to PDF with LibreOffice in batches, in a private folder, then move
    them in. The DOCX just written are reused; otherwise they are made in the private folder."""
    import shutil
    import subprocess
    import tempfile

    from .errors import OutputError
    from .pipeline import plan_filename
    from .writers.docx import plan_docx

    written = []
    with tempfile.TemporaryDirectory(prefix="planforge-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for ctx in contexts:
            source = work / plan_filename(ctx.project.project_id, "docx")
            if reuse_docx:
                shutil.copyfile(out / source.name, source)
            else:
                source.write_bytes(plan_docx(ctx, render_markdown(ctx), ctx.plan_date))
            sources.append(source)
        for i in range(0, len(sources), 200):
            batch = sources[i : i + 200]
            proc = subprocess.run(
                [
                    soffice(),
                    "--headless",
                    "--norestore",
                    f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(work),
                    *map(str, batch),
                ],
                capture_output=True,
                text=True,
                timeout=600,
            )
            for source in batch:
                pdf = source.with_suffix(".pdf")
                if not pdf.exists():
                    raise OutputError(
                        f"LibreOffice could not convert {source.name} to PDF: {proc.stderr.strip()[:200]}"
                    )
                target = inside(out, pdf.name)
                write_bytes(target, pdf.read_bytes())
                written.append(target)
    return written


def _side() -> None:
    _SHARED[4]()


def _work(bounds: tuple[int, int]) -> list[str]:
    contexts, out, formats, plan_date, _ = _SHARED
    paths: list[str] = []
    for ctx in contexts[bounds[0] : bounds[1]]:
        paths += [str(p) for p in _one(ctx, out, formats, plan_date)]
    return paths


def _parallel(
    contexts: list[PlanContext],
    out: Path,
    formats: tuple[str, ...],
    plan_date: date,
    jobs: int,
    progress: Callable[[int, int], None] | None,
    side_job: Callable[[], None] | None,
) -> list[Path]:
    """Fork ``jobs`` workers (they inherit the contexts: nothing is pickled on the way in); the
    side job is queued first, then chunks of plans are handed out as workers come free."""
    global _SHARED
    _SHARED = (contexts, out, formats, plan_date, side_job)
    step = max(25, len(contexts) // (jobs * 16))
    chunks = [(i, min(i + step, len(contexts))) for i in range(0, len(contexts), step)]
    written: list[Path] = []
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            side = pool.apply_async(_side) if side_job else None
            for (lo, hi), paths in zip(chunks, pool.imap(_work, chunks)):
                written += [Path(p) for p in paths]
                if progress:
                    progress(hi - lo, len(contexts))
            if side:
                side.get()
    finally:
        _SHARED = None
    return written
