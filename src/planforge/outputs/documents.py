"""The companion documents of a plan: one per kind and project, in every format the plan is
written in, plus the UAT tracker beside the test cases.

Each kind is a template folder (``templates/<kind>/<kind>.md.j2``) fed a typed context from
``context.documents``; its Markdown, parsed once (``md_tokens.Document``), goes through the plan's own
writers (HTML, DOCX, PDF), so a document looks and escapes exactly like the plan. ``render_document`` is the one
place a kind is rendered, so a firm-template renderer can replace it in one line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from planforge.context.documents import build_test_cases
from planforge.context.plan import PlanContext
from planforge.core.atomic import inside, write_bytes
from planforge.core.errors import Problem
from planforge.core.names import COMPANIONS, MD, TEST_CASES, document_filename, uat_filename
from planforge.core.result import failure
from planforge.formats.docx import plan_docx
from planforge.formats.md_tokens import Document, InlineCache
from planforge.formats.options import WriteOptions
from planforge.formats.registry import front_matter, made_from_docx, write_html, writer
from planforge.formats.uat import uat_tracker
from planforge.outputs.base_texts import write_base
from planforge.render import environment as render
from planforge.render.environment import RenderOptions
from planforge.rerun.manifest import Output

#: The companion kinds, in the order section 11 lists them (the plan itself is ``names.PLAN``).
KINDS: tuple[str, ...] = tuple(k.name for k in COMPANIONS)


def render_document(kind: str, ctx: PlanContext, options: WriteOptions) -> str:
    """One companion document of ``kind`` as Markdown, from the plan's context, through the run's
    template search path (the firm's folder first, then the shipped templates)."""
    return render.render_document(
        kind, ctx, RenderOptions(options.templates, options.render_timeout, options.render_max_size)
    )


def kind_title(kind: str, options: WriteOptions) -> str:
    """A kind's title: ours, or a firm kind's (``render.document_kind``)."""
    return render.document_kind(kind, options.templates).title


def document_html(kind: str, ctx: PlanContext, markdown: str, options: WriteOptions) -> str:
    """The document as a standalone HTML page, through the plan's HTML writer, titled as the document."""
    resolved = render.document_kind(kind, options.templates)
    return write_html(ctx, Document(markdown), options, resolved).decode("utf-8")


def document_docx(
    kind: str, ctx: PlanContext, markdown: str, options: WriteOptions, *, toc_field: bool = True
) -> bytes:
    """The document as .docx through the plan's DOCX writer: its own title on the cover, in the
    running header and in the properties; its front matter as ``registry.front_matter`` says."""
    resolved = render.document_kind(kind, options.templates)
    contents, approval = front_matter(resolved, markdown)
    return plan_docx(
        ctx, markdown, options, toc_field=toc_field, title=resolved.title, contents=contents, approval=approval
    )


def uat_xlsx(ctx: PlanContext) -> bytes:
    """The UAT tracker of the project's test cases."""
    return uat_tracker(build_test_cases(ctx))


def requested(kinds: Sequence[str]) -> tuple[str, ...]:
    """The companion kinds among ``kinds`` (``plan`` excluded): ours in section 11's order, then the
    firm's own kinds (a folder in its templates) in name order."""
    return tuple(k for k in KINDS if k in kinds) + tuple(
        sorted(k for k in set(kinds) if k not in KINDS and k != "plan")
    )


def sibling_links(ctx: PlanContext, ext: str) -> dict[str, str]:
    """Section 11's link targets in the plan's Markdown (the companions' ``.md`` files this run
    produced) -> the same documents' ``ext`` files (the HTML plan links the companions' ``.html``
    files, the DOCX plan their ``.docx`` files); none for Markdown. Only the exact link targets this
    run produced: they are our own markup, never cell text."""
    if ext == MD.extension:
        return {}
    return {ref.file: f"{ref.file[: -len('.md')]}.{ext}" for ref in ctx.references.documents if ref.produced}


def for_format(document: Document, ctx: PlanContext, ext: str) -> Document:
    """The plan with section 11's links pointing at the ``ext`` sibling files (``sibling_links``):
    the link tokens changed are copies, the document's parse is shared by every format."""
    return document.with_links(sibling_links(ctx, ext))


def docx_bytes(ctx: PlanContext, kind: str, options: WriteOptions) -> bytes:
    """A companion document's .docx in its PDF edition (contents with page numbers LibreOffice fills in)."""
    return document_docx(kind, ctx, render_document(kind, ctx, options), options, toc_field=False)


def write_documents(
    ctx: PlanContext,
    out: Path,
    options: WriteOptions,
    keep: frozenset[Path] = frozenset(),
    merged: Mapping[str, str] | None = None,
    cache: InlineCache | None = None,
) -> tuple[list[tuple[Path, Output]], list[Problem], list[tuple[str, str]]]:
    """Write the companion documents ``options.documents`` asks for, in every format with a writer
    (``formats.registry``; PDF is made from the DOCX in the PDF batch), and the UAT tracker with the test cases. Each document
    sits behind the run's isolation boundary: a failure costs that document (a located problem),
    never the project's other files. Files in ``keep`` (edited by hand, see rerun/planner.py) are not written;
    a document in ``merged`` (its Markdown file name -> text) is written from that text in every format.
    ``cache``: the inline parses the run's documents share (``md_tokens.InlineCache``).
    Returns each file written with its ``Output`` (a merged Markdown file's is its rendering's), and
    each rendered document's title and Markdown, which the review reads."""
    merged = merged or {}
    paths: list[tuple[Path, Output]] = []
    problems: list[Problem] = []
    rendered: list[tuple[str, str]] = []
    project = ctx.project
    pid = project.project_id
    for kind in requested(options.documents):
        try:
            resolved = render.document_kind(kind, options.templates)
            markdown = render_document(kind, ctx, options)
        except Exception as e:
            problems.append(failure(f"rendering the {kind_title(kind, options)}", e, project=project))
            continue
        rendered.append((kind_title(kind, options), markdown))
        source = Document(merged.get(document_filename(pid, kind, MD.extension), markdown), cache=cache)  # parsed once
        for fmt in options.formats:
            if made_from_docx(fmt, options):
                continue  # made from the DOCX in the batch after every document
            name = document_filename(pid, kind, fmt)
            try:
                target = inside(out, name)
                if target in keep:
                    continue
                data = writer(fmt)(ctx, source, options, resolved)
                write_bytes(target, data)
                if fmt == MD.name:  # the rendering itself is what a later merge starts from
                    pure = markdown.encode("utf-8")
                    write_base(out, name, pure)
                    data = pure
                paths.append((target, Output.of_bytes(data)))
            except Exception as e:
                problems.append(failure(f"making {name}", e, project=project, file=name))
        if kind == TEST_CASES.name:
            name = uat_filename(pid)
            try:
                target = inside(out, name)
                if target in keep:
                    continue
                data = uat_xlsx(ctx)
                write_bytes(target, data)
                paths.append((target, Output.of_bytes(data)))
            except Exception as e:
                problems.append(failure(f"making {name}", e, project=project, file=name))
    return paths, problems, rendered
