"""The Markdown plan: the one content source that the HTML, DOCX and PDF writers start from."""

from __future__ import annotations

from planforge.context.plan import PlanContext
from planforge.formats.options import WriteOptions
from planforge.render.environment import RenderOptions, render_markdown


def plan_markdown(ctx: PlanContext, options: WriteOptions) -> str:
    """One plan as Markdown. The plan date travels in the context; ``options.templates`` is the firm's
    templates folder, if any."""
    return render_markdown(ctx, RenderOptions(options.templates, options.render_timeout, options.render_max_size))
