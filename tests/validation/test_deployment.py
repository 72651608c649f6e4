"""Deployment steps against the project's workflows and window: a workflow no step switches on, and a
step that cannot fit its deployment window, are located coherence warnings."""

from __future__ import annotations

from datetime import timedelta

from planforge.core.model import DeploymentStep, Workflow
from planforge.derive.calendar import deployment_window
from planforge.validation import deployment
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, make_project

WORKFLOWS = [["Project ID", "Workflow"], ["P-1", "Sync orders to QuickBooks"], ["P-1", "Sync refunds"]]
STEPS_HEADER = ["Project ID", "Step", "Owner", "Workflow", "Duration"]


def _found(report, code):
    return [p.flat() for p in report.problems if p.code == code]


def test_a_workflow_no_step_switches_on_is_a_warning_at_the_deployment_steps_sheet(book):
    path = book(
        Workflows=WORKFLOWS,
        Deployment_Steps=[
            STEPS_HEADER,
            ["P-1", "Freeze item changes", "Ann", "2", "5 minutes"],
            ["P-1", "Enable order sync", "Ann", "1", "10 minutes"],
        ],
    )
    report = validate_files([path])
    assert _found(report, "workflow-never-enabled") == [("Deployment Steps", 3, "Workflow", "workflow-never-enabled")]
    assert "workflow 2" in next(p.message for p in report.problems if p.code == "workflow-never-enabled")


def test_a_blank_workflow_cell_on_an_enabling_step_switches_every_workflow_on(book):
    path = book(
        Workflows=WORKFLOWS,
        Deployment_Steps=[STEPS_HEADER, ["P-1", "Switch on both syncs", "Ann", None, "10 minutes"]],
    )
    assert not _found(validate_files([path]), "workflow-never-enabled")


def test_steps_longer_than_an_evening_window_are_warnings_at_their_duration_cells(book):
    path = book(
        Projects=[[*PROJECT_HEADER, "Deployment Window"], [*PROJECT_ROW, "Friday evenings"]],
        Workflows=WORKFLOWS,
        Deployment_Steps=[
            STEPS_HEADER,
            ["P-1", "Take a snapshot", "Ann", None, "15 minutes"],
            ["P-1", "Load the oldest year", "Ann", "1", "1 day"],
            ["P-1", "Enable refunds", "Ann", "2", "30 minutes"],
        ],
    )
    assert _found(validate_files([path]), "step-longer-than-window") == [
        ("Deployment Steps", 3, "Duration", "step-longer-than-window")
    ]


def test_steps_that_fit_a_stated_window_and_a_step_for_later_windows_raise_nothing():
    project = make_project(
        deployment_window="Saturday 20:00 - Sunday 02:00 ET",
        workflows=[Workflow(row=2, workflow="Stock")],
        deployment_steps=[
            DeploymentStep(2, "Enable stock sync", duration="5 hours"),
            DeploymentStep(3, "Repeat for the other shops on the following weekends", duration="2 hours each"),
        ],
    )
    fit = deployment.window_fit(project)
    assert fit is not None and fit.fits and fit.longest == timedelta(hours=6)
    assert deployment.defers(project.deployment_steps[1])


def test_the_window_length_comes_from_the_calendars_reading():
    assert deployment_window("Sunday 06:00-09:00 ET").length == timedelta(hours=3)
    evening = deployment_window("Friday evenings")
    assert evening.length is None and evening.longest == timedelta(hours=7)  # an evening ends at midnight
    assert deployment.step_length("2 hours each") == timedelta(hours=2)
    assert deployment.step_length("half a day") is None


def test_when_no_step_says_it_switches_anything_on_a_deploy_step_does():
    project = make_project(
        workflows=[Workflow(row=2, workflow="Orders"), Workflow(row=3, workflow="Refunds")],
        deployment_steps=[DeploymentStep(2, "Deploy"), DeploymentStep(3, "Check ten orders", workflow="1")],
    )
    assert deployment.never_enabled(project) == ()
    later = make_project(
        workflows=project.workflows,
        deployment_steps=[DeploymentStep(2, "Deploy"), DeploymentStep(3, "Enable order sync", workflow="1")],
    )
    assert deployment.never_enabled(later) == (1,)
