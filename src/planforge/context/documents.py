"""Typed contexts of the companion documents (SOW, technical specifications, test cases,
deployment runbook, support playbook), built from the validated project and its plan context.

Every figure the plan already derives (phase dates and durations, go-live, owners, API facts,
alerts, ROI) is taken from the ``PlanContext``, never recomputed, so a document cannot disagree
with the plan. What only a document needs (per-workflow mappings, test-case steps, the runbook
countdown, the escalation path) is resolved here to data, ``Assumed`` (printed "(assumed)") or
``Tbd`` (printed "[TBD]"); templates only lay it out. The review bookkeeping stays in the plan's
review file: nothing here is internal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from planforge.context.companions.common import DocHeader, header
from planforge.context.companions.playbook import AlertPlay, EscalationStep, Playbook, SeverityLevel, build_playbook
from planforge.context.companions.runbook import CountdownItem, Gate, Runbook, RunbookStep, build_runbook
from planforge.context.companions.sow import Commercial, Milestone, PhaseEffort, Sow, build_sow
from planforge.context.companions.specs import MappingRow, TechSpecs, WorkflowSpec, build_specs
from planforge.context.companions.test_cases import TestCase, TestCases, TestGroup, build_test_cases, mapping_checks
from planforge.context.plan import PlanContext
from planforge.core.names import DEPLOYMENT_RUNBOOK, SOW, SUPPORT_PLAYBOOK, TECHNICAL_SPECS, TEST_CASES, DocumentKind
from planforge.derive.calendar import countdown_day as countdown_day

__all__ = [
    "BUILDERS",
    "AlertPlay",
    "Commercial",
    "CountdownItem",
    "DocHeader",
    "EscalationStep",
    "Gate",
    "MappingRow",
    "Milestone",
    "PhaseEffort",
    "Playbook",
    "Runbook",
    "RunbookStep",
    "SeverityLevel",
    "Sow",
    "TechSpecs",
    "TestCase",
    "TestCases",
    "TestGroup",
    "WorkflowSpec",
    "build_playbook",
    "build_runbook",
    "build_sow",
    "build_specs",
    "build_test_cases",
    "companion_context",
    "countdown_day",
    "header",
    "mapping_checks",
]


#: A companion context's name (``DocumentKind.context``) -> the builder of its typed context, given
#: the plan's context and the kind it is built for (whose name and title head the document).
BUILDERS: Mapping[str, Callable[[PlanContext, DocumentKind], Any]] = {
    SOW.name: build_sow,
    TECHNICAL_SPECS.name: build_specs,
    TEST_CASES.name: build_test_cases,
    DEPLOYMENT_RUNBOOK.name: build_runbook,
    SUPPORT_PLAYBOOK.name: build_playbook,
}


def companion_context(ctx: PlanContext, kind: DocumentKind) -> Any | None:
    """The typed context ``d`` a document of ``kind`` receives, or None when it receives none."""
    builder = BUILDERS.get(kind.context) if kind.context is not None else None
    return builder(ctx, kind) if builder is not None else None
