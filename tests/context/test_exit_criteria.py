"""Issue 21: each phase's exit criteria are produced by a task of that phase. A criterion the test
does not know (a new one, or one reworded) fails until its backing task is named here."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.context.plan import build_context
from planforge.core.model import OpenItem, Settings
from planforge.render.environment import render_markdown
from support import make_project

#: per phase, each exit criterion's opening words -> words of the task in that phase that produces it
BACKED_BY = {
    1: {
        "All API credentials obtained and tested": "Validate API access",
        "Data mapping approved by client": "data mapping (see Technical Specifications) and get the client's approval",
        "Technical Specifications signed off": "Get sign-off on the Technical Specifications",
        "No blocking open questions remain": "Resolve the open questions and blockers",
    },
    2: {
        "All workflows implemented and tested": "Integration tests for API interactions",
        "Code review completed": "Code review of every change",
        "Unit test coverage >80%": "covering over 80% of the code",
        "Integration tests passing": "Integration tests for API interactions",
        "Ready for UAT environment deployment": "Set up cloud hosting environment",
    },
    3: {
        "All test scenarios passed": "Walk through the test scenarios with the client's team",
        "Client UAT sign-off received": "Get formal UAT sign-off",
        "No critical or high-priority bugs remain": "fix every critical and high-priority bug, and retest",
        "Performance meets": "Performance:",
        "Security review completed": "Security review:",
    },
    4: {
        "Production deployment successful": "Deploy application to production",
        "First sync cycle completed without errors": "Initiate first sync cycle",
        "Client confirms data accuracy": "Verify data accuracy with the client",
        "Monitoring and alerts operational": "Confirm all alerts are working",
        "Team trained on support procedures": "Train the support team on the support procedures",
    },
    5: {
        "Stable operation": "the days of stable operation so far",
        "No critical issues outstanding": "open issues",
        "Client satisfaction confirmed": "and satisfaction",
        "Handoff to support team complete": "Hand off to the support team",
    },
}


@pytest.fixture(scope="module")
def phases() -> dict[int, tuple[list[str], str]]:
    text = render_markdown(build_context(make_project(), Settings(), date(2026, 1, 15)))
    out = {}
    for n in BACKED_BY:
        body = text.split(f"### Phase {n}:", 1)[1].split("\n---", 1)[0]
        tasks, exits = body.split("**Tasks**:", 1)[1].split("**Exit Criteria**:", 1)
        out[n] = ([line[4:] for line in exits.splitlines() if line.startswith("- ✓ ")], tasks)
    return out


@pytest.mark.parametrize("number", sorted(BACKED_BY))
def test_every_exit_criterion_is_backed_by_a_task_of_its_phase(phases, number):
    criteria, tasks = phases[number]
    known = BACKED_BY[number]
    unbacked = [c for c in criteria if not any(c.startswith(k) for k in known)]
    assert unbacked == [], "name the task that produces it in BACKED_BY"
    for criterion in criteria:
        words = next(v for k, v in known.items() if criterion.startswith(k))
        assert words in tasks, (criterion, words)


def test_phase_tasks_read_as_sentences_with_their_articles(phases):
    """A client read marked down telegraphic tasks ('Daily monitoring for first week', 'with client team')."""
    tasks = "".join(t for _, t in phases.values())
    assert "Daily monitoring for the first week" in tasks
    for clipped in ("for first week", "with client team", "checklist to client", "window with client\n"):
        assert clipped not in tasks


def test_the_open_questions_task_points_at_section_9_only_when_it_lists_some():
    none = render_markdown(build_context(make_project(), Settings(), date(2026, 1, 15)))
    assert "- [ ] Resolve the open questions and blockers Discovery & Design raises" in none
    asked = make_project(open_items=[OpenItem(2, "Which tax codes?", "Question")])
    text = render_markdown(build_context(asked, Settings(), date(2026, 1, 15)))
    assert "- [ ] Resolve the open questions and blockers listed in section 9" in text
