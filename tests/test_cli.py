"""The command line as a user meets it: exit codes, one-line errors, --json equal to the library."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from datetime import date

from click.testing import CliRunner

from planforge.cli import main
from planforge.pipeline import generate
from planforge.validation.validate import validate_files
from support import PROJECT_HEADER, PROJECT_ROW, RISK_HEADER, SAMPLE


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_validate_sample_exits_zero():
    result = run("validate", SAMPLE)
    assert result.exit_code == 0, result.output
    assert "10 project(s) ready; 0 error(s)" in result.output and "held back" not in result.output


def test_validate_json_equals_the_library(book):
    path = book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + ["x", None]])
    result = run("validate", path, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == validate_files([path]).to_dict()


def test_validate_prints_one_located_line_per_problem(book):
    path = book(Projects=[PROJECT_HEADER, PROJECT_ROW[:5] + ["x", None]])
    result = run("validate", path)
    assert 'error: intake.xlsx Projects!F2 (Confidence): "x" is not a percentage' in result.output


def test_unreadable_file_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("validate", bad)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "bad.xlsx" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert run("generate", SAMPLE).exit_code == 2  # no -o
    assert run("generate", SAMPLE, "-o", tmp_path, "--date", "15/01/2026").exit_code == 2
    assert run("frobnicate").exit_code == 2
    assert run("generate", SAMPLE, "-o", tmp_path, "--only", "NOPE-1").exit_code == 2


def test_generate_exit_1_when_a_project_fails_but_writes_the_rest(book, tmp_path):
    path = book(Projects=[PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]])
    result = run("generate", path, "-o", tmp_path / "out", "--date", "2026-01-15")
    assert result.exit_code == 1
    assert (tmp_path / "out" / "P-1-implementation-plan.md").exists()
    assert "held back 1 project(s) with errors: P-2 (Projects!F3 (Confidence): wrong-type)" in result.output


def test_init_refuses_to_overwrite(tmp_path):
    target = tmp_path / "intake.xlsx"
    assert run("init", target).exit_code == 0
    assert run("init", target).exit_code == 2
    assert run("init", target, "--force").exit_code == 0


def test_unwritable_output_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("generate", SAMPLE, "-o", blocker / "out")
    assert result.exit_code == 1 and "cannot" in result.output and "Traceback" not in result.output


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "planforge", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "planforge" in proc.stdout


def test_generate_json_equals_the_library(book, tmp_path):
    path = book(Projects=[PROJECT_HEADER, PROJECT_ROW, ["P-2", "n", "c", "Shopify", "Klaviyo", "lots", None]])
    result = run("generate", path, "-o", tmp_path / "cli", "--date", "2026-01-15", "--json")
    assert result.exit_code == 1
    library = generate([path], tmp_path / "lib", plan_date=date(2026, 1, 15)).to_dict()
    assert json.loads(result.stdout) == library
    assert [p["status"] for p in library["projects"]] == ["written", "skipped"]


def test_date_out_of_range_and_bad_format_are_usage_errors(tmp_path):
    far = run("generate", SAMPLE, "-o", tmp_path, "--date", "9999-12-31")
    assert far.exit_code == 2 and "--date 9999-12-31" in far.output and "internal error" not in far.output
    assert run("generate", SAMPLE, "-o", tmp_path, "--format", "md,rtf").exit_code == 2
    only = run("generate", SAMPLE, "-o", tmp_path, "--only", "NOPE-1")
    assert "--only names project(s) not in the intake: NOPE-1" in only.output
    assert list(tmp_path.iterdir()) == []


def test_formats_comma_separated_or_repeated(tmp_path):
    a = run("generate", SAMPLE, "-o", tmp_path / "a", "--date", "2026-01-15", "--format", "md,HTML", "--no-summary")
    b = run("generate", SAMPLE, "-o", tmp_path / "b", "--date", "2026-01-15", "--format", "md", "--format", "html")
    assert a.exit_code == b.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(
        p.name for p in (tmp_path / "b").iterdir() if p.name != "portfolio-summary.xlsx"
    )
    assert (tmp_path / "a" / "ACME-001-implementation-plan.html").exists()


def test_quiet_prints_only_problems_and_verbose_logs_the_stages(tmp_path):
    quiet = run("generate", SAMPLE, "-o", tmp_path / "q", "--date", "2026-01-15", "-q")
    assert quiet.exit_code == 0
    assert "Wrote" not in quiet.output and "warning:" not in quiet.output  # errors only, and the warnings counted
    assert re.search(r"^\d+ warnings not shown \(-q; run without -q to see them\)$", quiet.output, re.M)
    loud = run("generate", SAMPLE, "-o", tmp_path / "l", "--date", "2026-01-15")
    assert re.search(r"^Wrote 10 plans \(\d+ files\) and the portfolio summary to ", loud.output, re.M)
    verbose = run("generate", SAMPLE, "-o", tmp_path / "v", "--date", "2026-01-15", "-v")
    assert "planforge: validated: 10 valid project(s)" in verbose.output and "timings:" not in verbose.output
    debug = run("generate", SAMPLE, "-o", tmp_path / "d", "--date", "2026-01-15", "-vv")
    assert "planforge: timings: up-to-date check" in debug.output and ", read " in debug.output


def _strict(text):
    def reject(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=reject)


def test_json_output_stays_json_when_a_cell_holds_infinity(book):
    """A cached ``<v>inf</v>`` or ``<v>-inf</v>`` in a cell: --json writes the value as text, never as
    a bare Infinity that strict parsers reject."""
    plain = book(Projects=[[*PROJECT_HEADER, "Budget"], [*PROJECT_ROW[:5], 0.25, PROJECT_ROW[6], 987654.25]])
    path = plain.with_name("inf.xlsx")
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>987654.25</v>", b"<v>inf</v>").replace(b"<v>0.25</v>", b"<v>-inf</v>")
            zout.writestr(info, data)
    for args in (["validate", path, "--json"], ["generate", path, "-o", path.parent / "out", "--json"]):
        result = run(*args)
        assert result.exit_code in (0, 1), result.output
        assert '"inf"' in result.stdout
        _strict(result.stdout)


def test_a_pipe_given_as_a_path_is_refused_at_once(tmp_path):
    fifo = tmp_path / "intake.xlsx"
    os.mkfifo(fifo)
    result = run("validate", fifo)
    assert result.exit_code == 2
    assert "is a pipe" in result.output
    result = run("generate", SAMPLE, "-o", tmp_path / "out", "--format", "docx", "--reference-docx", fifo)
    assert result.exit_code == 2
    assert "is a pipe" in result.output
    assert not (tmp_path / "out").exists()


def test_control_characters_from_cells_and_arguments_print_inert(book, tmp_path):
    """A C1 CSI (U+009B) or OSC (U+009D) from a cell, an --only value or a path reaches the terminal
    as a visible escape, never as the character a terminal would act on."""
    risk = ["P-1", "Stock drift", "H\x9b31mgh\x9d0;x", "High", "Reconcile nightly", "Ana"]
    path = book(Projects=[PROJECT_HEADER, PROJECT_ROW], Risks=[RISK_HEADER, risk])
    result = run("validate", path)
    assert "\\x9b31mgh\\x9d0;x" in result.output
    assert not any(0x80 <= ord(ch) <= 0x9F or ch in "\x07\x1b" for ch in result.output)
    result = run("generate", path, "-o", tmp_path / "out", "--only", "P-\x9b2J")
    assert result.exit_code == 2
    assert "\\x9b2J" in result.output and "\x9b" not in result.output
    result = run("validate", tmp_path / "no\x9dsuch.xlsx")
    assert result.exit_code != 0 and "\x9d" not in result.output


def test_validate_json_shows_each_holiday_country_problem_at_its_cell(book):
    rows = [[*PROJECT_HEADER, "Holiday Country"]]
    rows += [[f"P-{i}", *PROJECT_ROW[1:], v] for i, v in enumerate(["DE, GB", "Germany", "APR", "XX", "GB"], 1)]
    path = book(Projects=rows, Settings=[["Setting", "Value"], ["Holiday Country", "Germany"]])
    result = run("validate", path, "--json")
    assert result.exit_code == 1
    found = [
        (p["sheet"], p["cell"], p["code"], p["severity"])
        for p in json.loads(result.stdout)["problems"]
        if "holiday" in p["code"]
    ]
    assert found == [
        ("Settings", "B2", "unknown-holiday-country", "error"),
        *(("Projects", f"H{r}", "unknown-holiday-country", "error") for r in range(2, 6)),
        ("Projects", "H6", "holiday-country-region", "warning"),
    ]


def test_validate_names_the_projects_held_back_and_quiet_prints_errors_and_a_warning_count(book):
    rows = [PROJECT_HEADER, PROJECT_ROW, ["P-2", *PROJECT_ROW[1:]]]
    risks = [RISK_HEADER, ["P-2", "Stock drift", "Hgh", "High", "Reconcile nightly", "Ana"]]
    workflows = [["Project ID", "Workflow", "Trigger"], ["P-1", "Sync orders", "Real-time"]]  # untraced: warnings
    path = book(Projects=rows, Risks=risks, Workflows=workflows)
    result = run("validate", path)
    assert result.exit_code == 1
    assert "not valid: 1 project(s) ready, held back: P-2; 1 error(s)" in result.output
    quiet = run("validate", path, "-q")
    lines = quiet.output.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == ["error"]  # the error, no warning line
    warnings = len(validate_files([path], as_of=date.today(), firm="required").warnings)
    assert warnings and lines[-1] == f"{warnings} warnings not shown (-q; run without -q to see them)"
