"""The runbook confirms each workflow when it can first run: in the window, or after go-live."""

from __future__ import annotations

from datetime import date

from planforge.pipeline import generate
from support import SAMPLE


def test_a_daily_workflow_is_confirmed_at_its_first_run_after_go_live(tmp_path):
    generate([SAMPLE], tmp_path, plan_date=date(2026, 1, 15), documents=["deployment-runbook"], summary=False)
    runbook = (tmp_path / "HARBOR-004-deployment-runbook.md").read_text("utf-8")
    checks = runbook.split("## 5. Verification", 1)[1].split("\n## ", 1)[0]
    payouts = next(line for line in checks.splitlines() if "Workflow 4" in line)
    assert "at its first scheduled run after go-live (daily at 06:00)" in payouts  # the window closes at 02:00
    stock = next(line for line in checks.splitlines() if "Workflow 2" in line)
    assert "its first production run completes" in stock  # every 5 minutes: seen inside the window
