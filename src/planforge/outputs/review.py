"""The team's review file of one project, written after its documents: it lists, beside the plan's
assumptions, every passage of every written document that shows an assumed value, so "what must a
consultant confirm before this goes out" has one answer in one file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from planforge.context.plan import Review
from planforge.derive.completeness import ASSUMED_MARK, AssumedPassage, Assumption
from planforge.formats.md_tokens import marked_passages
from planforge.render.environment import render_review


def _basis(section: str, passage: str, assumptions: Sequence[Assumption]) -> str:
    """The basis of the assumption a passage shows: the one whose value it prints, preferring one
    whose label names the passage's section (four workflows may each assume "Shopify to QuickBooks
    Online": section 4.3 is workflow 3's), then the longest value (so "Datadog Logs, index ..."
    wins over "Datadog"); "" when none."""
    hits = [a for a in assumptions if a.value and a.value in passage]
    if not hits:
        return ""
    title = section.split(" ", 1)[1].casefold() if " " in section else section.casefold()
    return max(hits, key=lambda a: (bool(title) and title in a.label.casefold(), len(a.value))).basis


def assumed_passages(review: Review, rendered: Sequence[tuple[str, str]]) -> tuple[AssumedPassage, ...]:
    """Each (document title, Markdown) passage marked assumed, with its section and basis."""
    return tuple(
        AssumedPassage(title, section, passage, _basis(section, passage, review.assumptions))
        for title, markdown in rendered
        for section, passage in marked_passages(markdown, ASSUMED_MARK)
    )


def review_markdown(review: Review, rendered: Sequence[tuple[str, str]]) -> str:
    """The review file's Markdown, with the assumed passages of the ``rendered`` documents."""
    return render_review(replace(review, shown=assumed_passages(review, rendered)))
