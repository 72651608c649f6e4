"""PDF plans: the DOCX plans converted by LibreOffice (``soffice``) in batches.

LibreOffice is an optional external program, looked up on PATH by ``find_soffice``; the
command found travels in ``WriteOptions.soffice``. It stamps each PDF with the time of
conversion and a random document ID, so every PDF is normalised after conversion with pikepdf:
its creation and modification dates become the plan date (in the document info and, when there
is one, the XMP metadata) and its ID is derived from its content (``deterministic_id``), so the
same input and plan date give byte-identical PDFs, as for every other format.

One DOCX that LibreOffice cannot convert costs that PDF only: a batch that leaves some PDFs
missing is retried one document at a time, and what still fails is a problem for its project.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pikepdf

from planforge.context.plan import PlanContext
from planforge.core.atomic import inside, write_bytes
from planforge.core.errors import OutputError, Problem
from planforge.core.lifeline import tied
from planforge.core.names import DOCX, PDF, document_filename
from planforge.core.result import failure
from planforge.formats.docx import plan_docx
from planforge.formats.markdown import plan_markdown
from planforge.formats.options import WriteOptions

BATCH = 200  # documents per LibreOffice call
TIMEOUT = 600  # seconds per LibreOffice call


def find_soffice() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdfs(
    contexts: Sequence[PlanContext],
    out: Path,
    options: WriteOptions,
    *,
    make_docx: Callable[[PlanContext, str, WriteOptions], bytes] | None = None,
) -> tuple[list[Path], list[Problem]]:
    """Convert the plans' (and companion documents') DOCX to PDF with LibreOffice in batches, in a
    private folder, then move them in. Every DOCX is made again in its PDF edition (a companion
    document's by ``make_docx(ctx, kind, options)``): its contents carry PAGEREF page numbers, which
    LibreOffice fills in (it never refreshes the TOC field of the DOCX written beside). Returns the PDFs written and a located
    problem for each document whose PDF could not be made."""
    if options.soffice is None:
        raise OutputError("PDF output needs LibreOffice (the 'soffice' command); none was found")
    written: list[Path] = []
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="planforge-pdf-") as tmp:
        work = Path(tmp)
        sources: list[tuple[PlanContext, Path]] = []
        for ctx in contexts:
            for kind in options.documents:
                source = work / document_filename(ctx.project.project_id, kind, DOCX.extension)
                try:
                    if kind == "plan":
                        source.write_bytes(plan_docx(ctx, plan_markdown(ctx, options), options, toc_field=False))
                    elif make_docx is not None:
                        source.write_bytes(make_docx(ctx, kind, options))
                    else:
                        continue
                except Exception as e:
                    problems.append(
                        failure(f"making the DOCX for {source.with_suffix('.pdf').name}", e, project=ctx.project)
                    )
                    continue
                sources.append((ctx, source))
        for i in range(0, len(sources), BATCH):
            batch = sources[i : i + BATCH]
            why = _convert(options.soffice, work, [s for _, s in batch])
            missing = [(c, s) for c, s in batch if not s.with_suffix(".pdf").exists()]
            if len(batch) > 1:  # one bad document may have stopped the batch: retry each alone
                for _, source in missing:
                    why = _convert(options.soffice, work, [source]) or why
            for ctx, source in batch:
                pdf = source.with_suffix(".pdf")
                try:
                    if not pdf.exists():
                        raise RuntimeError(f"LibreOffice could not convert {source.name}: {why or 'no PDF came out'}")
                    target = inside(out, pdf.name)
                    write_bytes(target, normalise_pdf(pdf.read_bytes(), options.plan_date))
                    written.append(target)
                except Exception as e:
                    problems.append(failure(f"making {pdf.name}", e, project=ctx.project, file=pdf.name))
    return written, problems


def _convert(soffice: str, work: Path, sources: list[Path]) -> str:
    """Run LibreOffice on ``sources`` (PDFs land beside them); returns what it said on failure."""
    if not sources:
        return ""  # soffice without documents would wait for a user
    try:
        with tied(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{work}/profile",
                "--convert-to",
                PDF.extension,
                "--outdir",
                str(work),
                *map(str, sources),
            ],
            TIMEOUT,
        ) as (command, fds):  # soffice and soffice.bin end with this process
            proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT + 30, pass_fds=fds)
    except (OSError, subprocess.SubprocessError) as e:
        return f"{type(e).__name__}: {e}"[:200]
    return "" if proc.returncode == 0 else (proc.stderr.strip() or f"exit code {proc.returncode}")[:200]


def normalise_pdf(data: bytes, plan_date: date) -> bytes:
    """``data`` with its dates set to ``plan_date`` and a document ID derived from its content, so
    converting the same DOCX twice gives the same bytes (LibreOffice stamps the time, a random ID and a
    checksum of the time-stamped file in the trailer)."""
    stamp = f"D:{plan_date:%Y%m%d}000000Z"
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo[pikepdf.Name.CreationDate] = pikepdf.String(stamp)
        pdf.docinfo[pikepdf.Name.ModDate] = pikepdf.String(stamp)
        for key in (pikepdf.Name.DocChecksum, pikepdf.Name.ID):  # a checksum of the time-stamped file; a random ID
            if key in pdf.trailer:
                del pdf.trailer[key]  # without an ID to keep, qpdf derives both halves from the content
        if pikepdf.Name.Metadata in pdf.Root:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                for field in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                    if field in meta:
                        meta[field] = f"{plan_date.isoformat()}T00:00:00Z"
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()
