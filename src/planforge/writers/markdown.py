"""The Markdown plan: the one content source that the HTML, DOCX and PDF writers start from."""

from __future__ import annotations

from ..plan_context import PlanContext
from ..render import RenderOptions, render_markdown
from .options import WriteOptions


def plan_markdown(ctx: PlanContext, options: WriteOptions) -> str:
    """One plan as Markdown. The plan date travels in the context; ``options.templates`` is the firm's
    templates folder, if any."""
    return render_markdown(ctx, RenderOptions(templates=options.templates))
