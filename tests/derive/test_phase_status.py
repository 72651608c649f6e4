"""derive.status_contradiction and status_from_phases: phase statuses against the project's."""

from __future__ import annotations

import pytest

from planforge.derive.rules import status_contradiction, status_from_phases

NS, IP, DONE = "Not Started", "In Progress", "Complete"


@pytest.mark.parametrize(
    ("statuses", "status", "reason"),
    [
        ([DONE, NS, DONE], "In Progress", "phase 3 is Complete while phase 2 has not started"),
        ([NS, IP, NS], "In Progress", "phase 2 is In Progress while phase 1 has not started"),
        ([DONE] * 5, "Discovery", "phase 1 is Complete while the project is in Discovery"),
        ([DONE, IP, NS], None, "phase 1 is Complete while the project is in Planning"),
        ([DONE, DONE, IP], "Live", "phase 3 is In Progress while the project is Live"),
        ([IP, NS, NS], "Discovery", ""),
        ([DONE, IP, NS], "In Progress", ""),
        (["On Hold"] * 3, "On Hold", ""),
        ([DONE] * 5, "Live", ""),
    ],
)
def test_status_contradiction(statuses, status, reason):
    assert status_contradiction(statuses, status) == reason


@pytest.mark.parametrize(
    ("statuses", "suggested"),
    [([DONE] * 3, "Live"), ([IP, NS], "Discovery"), ([DONE, IP], "In Progress"), ([NS, NS], "Planning")],
)
def test_status_from_phases(statuses, suggested):
    assert status_from_phases(statuses) == suggested


@pytest.mark.parametrize(
    ("status", "printed"),
    [
        ("Planning", [NS, NS, NS]),
        (None, [NS, NS, NS]),
        ("Discovery", [IP, NS, NS]),
        ("In Progress", [DONE, DONE, DONE]),
        ("Live", [DONE, DONE, DONE]),
    ],
)
def test_a_plan_never_prints_a_phase_complete_that_the_project_has_not_begun(status, printed):
    """Phases whose dates have passed read Complete by the dates; a project still in Planning or
    Discovery has finished none, so the plan prints them as not started (Discovery runs phase 1)."""
    from datetime import date

    from planforge.derive.rules import printed_phase_status

    past = [
        (date(2026, 1, 5), date(2026, 1, 9)),
        (date(2026, 1, 12), date(2026, 1, 16)),
        (date(2026, 1, 19), date(2026, 1, 23)),
    ]
    today = date(2026, 6, 1)
    assert [printed_phase_status(span, today, status, i) for i, span in enumerate(past)] == printed
