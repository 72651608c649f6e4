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
