"""Make a synthetic but realistic intake workbook for benchmarks.

    python bench/make_intake.py --projects 1000 --out /tmp/intake-1000.xlsx
    python bench/make_intake.py --projects 1000 --fill-sheet "Pain Points" --out /tmp/intake-maxrows.xlsx
    python bench/make_intake.py --projects 1000 --edit-percent 1 --out /tmp/intake-1000-edited.xlsx

Per project, like the sample: about 3 pain points, 3 objectives, 3 workflows, 2 systems, 4 risks,
3 alerts, 6 team members (drawn from a firm of ~N/8 people, so loads overlap), 4 test scenarios,
3 open items, 2 success criteria and 4 deployment steps. Seeded: the same N gives the same file.
``--edit-percent P`` makes the same workbook with P% of the projects edited (one Projects cell and
one Risks cell each), for timing reruns that redo only what changed.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from planforge.intake.blank_workbook import write_intake_template

PAIRS = [
    ("Shopify", "QuickBooks Online"),
    ("WooCommerce", "Klaviyo"),
    ("Shopify Plus", "ShipStation"),
    ("Square", "Shopify"),
    ("BigCommerce", "Xero"),
    ("Shopify", "Cin7 Core"),
    ("WooCommerce", "ShipBob"),
    ("Shopify", "NetSuite"),
    ("Magento 2", "Mailchimp"),
    ("Clover", "QuickBooks Online"),
    ("Toast", "Xero"),
    ("Shopify", "Klaviyo"),
]
ROLES = [
    "Project Manager",
    "Lead Engineer",
    "Backend Developer",
    "QA Engineer",
    "DevOps Engineer",
    "Client Point of Contact",
]
FIRST = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Gita",
    "Hugo",
    "Iris",
    "Jon",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
    "Omar",
    "Pia",
]
LAST = [
    "Adams",
    "Brooks",
    "Chen",
    "Diaz",
    "Evans",
    "Fox",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Meyer",
    "Novak",
]
LEVELS = ["Low", "Medium", "High"]


def build(n: int, seed: int = 7) -> dict[str, list[dict]]:
    rnd = random.Random(seed)
    staff = [f"{f} {last}" for last in LAST for f in FIRST][: max(12, n // 8)]
    data: dict[str, list[dict]] = {
        k: []
        for k in (
            "Projects",
            "Pain Points",
            "Objectives",
            "Workflows",
            "Systems",
            "Risks",
            "Alerts",
            "Team",
            "Test Scenarios",
            "Open Items",
            "Success Criteria",
            "Deployment Steps",
        )
    }
    for i in range(n):
        pid = f"CL-{i + 1:05d}"
        a, b = rnd.choice(PAIRS)
        kickoff = date(2026, 1, 5) + timedelta(days=rnd.randrange(0, 300))
        data["Projects"].append(
            dict(
                project_id=pid,
                project_name=f"{a} to {b} integration",
                client_name=f"Client {i + 1} Ltd",
                system_a=a,
                system_b=b,
                confidence=rnd.choice([0.45, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9]),
                complexity=rnd.choice(LEVELS + [None]),
                kickoff_date=kickoff,
                status=rnd.choice(["Planning", "Discovery", "In Progress"]),
                data_volume=f"{rnd.randrange(50, 3000):,} orders a day",
                current_state=f"re-keying {a} orders into {b} by hand every day",
                hourly_rate=rnd.choice([30, 40, 45, 55]),
                budget=rnd.choice([None, 9000, 15000, 24000, 40000]),
                deployment_strategy=rnd.choice(["Blue-green", "Rolling", "Canary"]),
                deployment_window="Sunday 06:00-09:00",
                rollback_criteria="More than 2% of syncs fail in the first hour",
                rollback_time="15 minutes",
            )
        )
        for k in range(3):
            data["Pain Points"].append(
                dict(
                    project_id=pid,
                    pain_point=f"Manual step {k + 1} takes {rnd.randrange(1, 12)} hours a week",
                    hours_per_week=None if k else rnd.randrange(2, 20),
                )
            )
            data["Objectives"].append(
                dict(
                    project_id=pid,
                    objective=f"Automate step {k + 1}",
                    business_impact=f"Step {k + 1} runs without staff time",
                )
            )
            data["Workflows"].append(
                dict(project_id=pid, workflow=f"Sync record type {k + 1} from {a} to {b}", trigger="Real-time")
            )
            data["Alerts"].append(
                dict(
                    project_id=pid,
                    alert=["Sync failure rate", "Auth failure", "Backlog"][k],
                    threshold="> 2% in 15 min",
                    severity=["High", "Critical", "Medium"][k],
                    response_time="30 minutes",
                )
            )
            data["Open Items"].append(
                dict(project_id=pid, item=f"Open question {k + 1}", type=["Question", "Blocker", "Assumption"][k])
            )
        for name in (a, b):
            data["Systems"].append(dict(project_id=pid, system=name, account_details=f"{name} production account"))
        for k in range(4):
            data["Risks"].append(
                dict(
                    project_id=pid,
                    risk=f"Risk {k + 1} of {pid}",
                    likelihood=rnd.choice(LEVELS),
                    impact=rnd.choice(LEVELS),
                    mitigation="Monitor and reconcile daily",
                    owner=rnd.choice(staff),
                )
            )
            data["Test Scenarios"].append(
                dict(
                    project_id=pid,
                    scenario=f"Scenario {k + 1}",
                    type=["Happy Path", "Edge Case", "Error Handling", "Performance"][k],
                )
            )
            data["Deployment Steps"].append(dict(project_id=pid, step=f"Cutover step {k + 1}"))
        for k in range(2):
            data["Success Criteria"].append(dict(project_id=pid, criterion=f"Criterion {k + 1} met for 30 days"))
        for role in ROLES:
            data["Team"].append(
                dict(
                    project_id=pid,
                    role=role,
                    name=rnd.choice(staff) if role != "Client Point of Contact" else f"Contact {i + 1}",
                    allocation=rnd.choice([0.2, 0.25, 0.5, None]),
                )
            )
    return data


def edit(data: dict[str, list[dict]], percent: float) -> list[str]:
    """Edit ``percent``% of the projects in place, spread evenly (every k-th project): its Current
    State and the mitigation of its first risk. Returns the edited project IDs."""
    projects = data["Projects"]
    count = max(1, round(len(projects) * percent / 100)) if percent > 0 else 0
    step = len(projects) / count if count else 0
    edited = [projects[int(k * step)]["project_id"] for k in range(count)]
    wanted = set(edited)
    for row in projects:
        if row["project_id"] in wanted:
            row["current_state"] = f"{row['current_state']} (revised after the second workshop)"
    first_risk: set[str] = set()
    for row in data["Risks"]:
        pid = row["project_id"]
        if pid in wanted and pid not in first_risk:
            first_risk.add(pid)
            row["mitigation"] = "Reconcile hourly and alert the on-call engineer"
    return edited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--fill-sheet", metavar="SHEET", help="pad this child sheet to Excel's maximum of 1,048,576 rows"
    )
    parser.add_argument("--edit-percent", type=float, default=0.0, help="edit this share of the projects (see edit)")
    args = parser.parse_args()
    data = build(args.projects)
    if args.edit_percent:
        edit(data, args.edit_percent)
    if args.fill_sheet:
        rows = data[args.fill_sheet]
        template = list(rows)
        while len(rows) < 1_048_575:  # plus the header row
            rows.append(dict(template[len(rows) % len(template)]))
    write_intake_template(
        args.out, data, settings={"firm_name": "Benchmark Integrations"}
    )  # the preparer every document names
    print(f"wrote {args.out} ({args.projects} projects)")


if __name__ == "__main__":
    main()
