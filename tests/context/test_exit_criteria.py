"""Issue 21: each phase's exit criteria are produced by a task of that phase. A criterion the test
does not know (a new one, or one reworded) fails until its backing task is named here."""

from __future__ import annotations

from datetime import date

import pytest

from planforge.context.plan import build_context
from planforge.core.model import OpenItem, Settings
from planforge.render.environment import render_markdown
from support import make_project

DAY = date(2026, 1, 15)

#: per phase, each exit criterion's opening words -> words of the task in that phase that produces it
BACKED_BY = {
    1: {
        "All API credentials obtained and tested": "Validate API access",
        "Development/sandbox credentials obtained and tested": "Validate API access",
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
        "Production credentials obtained and tested": "Configure production API credentials",
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


def _phases(text: str) -> dict[int, tuple[list[str], str]]:
    out = {}
    for n in BACKED_BY:
        body = text.split(f"### Phase {n}:", 1)[1].split("\n---", 1)[0]
        tasks, exits = body.split("**Tasks**:", 1)[1].split("**Exit Criteria**:", 1)
        out[n] = ([line[4:] for line in exits.splitlines() if line.startswith("- ✓ ")], tasks)
    return out


@pytest.fixture(
    scope="module", params=[{}, {"system_a": "Etsy", "system_b": "QuickBooks Online"}], ids=["plain", "approvals"]
)
def phases(request) -> dict[int, tuple[list[str], str]]:
    return _phases(render_markdown(build_context(make_project(**request.param), Settings(), date(2026, 1, 15))))


def test_a_vendor_approval_moves_production_credentials_to_go_live():
    """Etsy's key approval and Intuit's production keys are outside the team's control: phase 1 asks
    for sandbox credentials and the approvals' request, and production credentials gate go-live."""
    project = make_project(system_a="Etsy", system_b="QuickBooks Online")
    got = _phases(render_markdown(build_context(project, Settings(), date(2026, 1, 15))))
    approvals = "Etsy's approval of the app's API key and Intuit's production keys for the app"
    assert got[1][0][0] == f"Development/sandbox credentials obtained and tested; {approvals} requested"
    assert f"- [ ] Request {approvals} (section 4.2)" in got[1][1]
    # Etsy's approval is Development's entry criterion (below); go-live waits only on Intuit's
    assert "Production credentials obtained and tested" in got[4][0]
    assert _entry(render_markdown(build_context(project, Settings(), date(2026, 1, 15))), 4) == [
        "Intuit's production keys for the app in hand"  # deploying needs them: not left to the phase's end
    ]
    assert "All API credentials obtained and tested" not in got[1][0]
    plain = _phases(render_markdown(build_context(make_project(), Settings(), date(2026, 1, 15))))
    assert plain[1][0][0] == "All API credentials obtained and tested"
    assert not [c for c in plain[4][0] if c.startswith("Production credentials")]


def _entry(text: str, number: int) -> list[str]:
    body = text.split(f"### Phase {number}:", 1)[1].split("**Objectives**:", 1)[0]
    if "**Entry Criteria**:" not in body:
        return []
    return [line[4:] for line in body.split("**Entry Criteria**:", 1)[1].splitlines() if line.startswith("- ✓ ")]


def test_an_approval_a_system_without_a_sandbox_needs_is_developments_entry_criterion():
    """Etsy offers no sandbox, so the build and its tests run on the approved key: the approval is
    requested in phase 1 and gates phase 2, not only go-live. Intuit's production keys (QuickBooks
    Online has sandbox companies) stay a go-live criterion only."""
    text = render_markdown(build_context(make_project(system_a="Etsy", system_b="QuickBooks Online"), Settings(), DAY))
    assert _entry(text, 2) == [
        "Etsy's approval of the app's API key received (requested in phase 1): Etsy offers no sandbox, so building"
        " and testing the integration need it"
    ]
    assert "Request Etsy's approval of the app's API key" in _phases(text)[1][1]
    assert not any("Etsy" in c for c in _phases(text)[4][0])
    assert "needed before Development starts, since Etsy offers no sandbox" in text.split("### 4.2", 1)[1]
    sandboxed = render_markdown(
        build_context(make_project(system_a="Shopify", system_b="QuickBooks Online"), Settings(), DAY)
    )
    assert _entry(sandboxed, 2) == []  # Intuit's production keys are phase 4's entry criterion only
    assert _entry(sandboxed, 4) == ["Intuit's production keys for the app in hand"]
    assert "needed before Development" not in sandboxed


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
