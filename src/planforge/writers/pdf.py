"""PDF plans: the DOCX plans converted by LibreOffice (``soffice``) in batches.

LibreOffice is an optional external program, looked up on PATH by ``find_soffice``; the
command found travels in ``WriteOptions.soffice``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import OutputError
from ..names import document_filename
from ..plan_context import PlanContext
from .atomic import inside, write_bytes
from .docx import plan_docx
from .markdown import plan_markdown
from .options import WriteOptions

BATCH = 200  # documents per LibreOffice call


def find_soffice() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_pdfs(
    contexts: Sequence[PlanContext],
    out: Path,
    options: WriteOptions,
    *,
    reuse_docx: bool,
    make_docx: Callable[[PlanContext, str, WriteOptions], bytes] | None = None,
) -> list[Path]:
    """Convert the plans' (and companion documents') DOCX to PDF with LibreOffice in batches, in a
    private folder, then move them in. The DOCX just written are reused; otherwise they are made in
    the private folder (``make_docx(ctx, kind, options)`` makes a companion document's). The plan's DOCX is
    always made again in its PDF edition: its contents carry PAGEREF page numbers, which LibreOffice fills
    in (it never refreshes the TOC field of the DOCX written beside)."""
    if options.soffice is None:
        raise OutputError("PDF output needs LibreOffice (the 'soffice' command); none was found")
    written = []
    with tempfile.TemporaryDirectory(prefix="planforge-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for ctx in contexts:
            for kind in options.documents:
                source = work / document_filename(ctx.project.project_id, kind, "docx")
                if kind == "plan":
                    source.write_bytes(plan_docx(ctx, plan_markdown(ctx, options), options, toc_field=False))
                elif reuse_docx:
                    shutil.copyfile(out / source.name, source)
                elif make_docx is not None:
                    source.write_bytes(make_docx(ctx, kind, options))
                else:
                    continue
                sources.append(source)
        for i in range(0, len(sources), BATCH):
            batch = sources[i : i + BATCH]
            proc = subprocess.run(
                [
                    options.soffice,
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
