"""The Markdown plan: the one content source that the HTML, DOCX and PDF writers start from."""

from __future__ import annotations

from ..plan_context import PlanContext
from ..render import render_markdown
from .options import WriteOptions


def plan_markdown(ctx: PlanContext, options: WriteOptions) -> str:
    """One plan as Markdown. The plan date travels in the context, so ``options`` only selects."""
    del options  # nothing in the Markdown depends on the output options today
    return render_markdown(ctx)
