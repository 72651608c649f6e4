"""Time each stage of planforge against a bare pandas read of the same workbook.

    python bench/run.py                    # N = 1,000 and 10,000 (workbooks made by make_intake.py)
    python bench/run.py --projects 1000    # one size
    python bench/run.py --formats          # also the HTML and DOCX cost per plan, and of --documents all
                                           # per project (first 200 plans)
    python bench/run.py --projects 0       # the workbook whose Pain Points sheet has 1,048,576 rows
                                           # (make it first: see make_intake.py --fill-sheet)

Each size runs in its own process so peak memory (ru_maxrss) is per size. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(path: Path, out: Path, jobs: int | None) -> dict:
    """Bare pandas read; each stage alone on one core; then the real parallel run end to end."""
    import gc

    import pandas as pd

    from planforge.plan_context import build_context
    from planforge.render import render_markdown
    from planforge.result import RunResult
    from planforge.validate import read_all, validate_workbooks
    from planforge.writers.atomic import write_text
    from planforge.writers.options import WriteOptions
    from planforge.writers.summary import write_summary

    t = time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="calamine")
    row = {"bare_read": time.perf_counter() - t}
    gc.disable()  # as generate() does
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        row[name] = now - clock
        clock = now

    raws, problems = read_all([path])
    lap("read")
    report = validate_workbooks(raws, problems)
    del raws
    lap("validate")
    day = date(2026, 1, 15)
    contexts = [build_context(p, report.portfolio.settings, day) for p in report.portfolio.projects]
    lap("derive")
    texts = [render_markdown(c) for c in contexts]
    lap("render")
    for c, text in zip(contexts, texts):
        write_text(out / f"{c.project.project_id}.md", text)
    lap("write")
    write_summary(out / "summary.xlsx", RunResult(report=report, contexts=contexts), WriteOptions(plan_date=day))
    lap("summary")
    row["stages_sum"] = sum(row[k] for k in ("read", "validate", "derive", "render", "write", "summary"))
    return row


def end_to_end(path: Path, out: Path, jobs: int | None) -> dict:
    """The real run, alone in this process: wall time and peak memory (this process plus its largest worker)."""
    from planforge.pipeline import generate

    result = generate([path], out, plan_date=date(2026, 1, 15), jobs=jobs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"total": result.timings["total"], "projects": len(result.contexts), "peak_mb": peak / 1024}


def format_costs(path: Path, out: Path, count: int = 200) -> dict:
    """Seconds per plan for each format, one process, after the Markdown is rendered."""
    from planforge.documents import KINDS, document_docx, document_html, render_document, uat_xlsx
    from planforge.plan_context import build_context
    from planforge.render import render_markdown
    from planforge.validate import validate_files
    from planforge.writers.docx import plan_docx
    from planforge.writers.html import plan_html
    from planforge.writers.options import WriteOptions

    day = date(2026, 1, 15)
    options = WriteOptions(plan_date=day, formats=("html", "docx"))
    report = validate_files([path])
    contexts = [build_context(p, report.portfolio.settings, day) for p in report.portfolio.projects[:count]]
    costs = {}
    t = time.perf_counter()
    texts = [render_markdown(c) for c in contexts]
    costs["md"] = (time.perf_counter() - t) / len(contexts)
    t = time.perf_counter()
    for c, m in zip(contexts, texts):
        plan_html(c, m, options)
    costs["html"] = (time.perf_counter() - t) / len(contexts)
    t = time.perf_counter()
    for c, m in zip(contexts, texts):
        plan_docx(c, m, options)
    costs["docx"] = (time.perf_counter() - t) / len(contexts)
    # --documents all: the five companion documents and the UAT tracker, per project
    all_kinds = tuple(KINDS)
    contexts = [
        build_context(p, report.portfolio.settings, day, frozenset(all_kinds))
        for p in report.portfolio.projects[:count]
    ]
    t = time.perf_counter()
    rendered = [[(k, render_document(k, c)) for k in all_kinds] for c in contexts]
    costs["documents all, md"] = (time.perf_counter() - t) / len(contexts)
    t = time.perf_counter()
    for c, docs in zip(contexts, rendered):
        for k, m in docs:
            document_html(k, c, m, options)
            document_docx(k, c, m, options)
        uat_xlsx(c)
    costs["documents all, +html+docx+uat"] = (time.perf_counter() - t) / len(contexts) + costs["documents all, md"]
    return costs


def child(args) -> None:
    path = Path(args.child)
    with tempfile.TemporaryDirectory() as tmp:
        if args.formats_only:
            data = format_costs(path, Path(tmp))
        elif args.e2e:
            data = end_to_end(path, Path(tmp), args.jobs)
        else:
            data = measure(path, Path(tmp), args.jobs)
    print(json.dumps(data))


def main() -> None:
    parser = argparse.ArgumentParser(description="Time planforge's stages against a bare pandas read.")
    parser.add_argument("--projects", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--formats", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--formats-only", action="store_true")
    parser.add_argument("--e2e", action="store_true")
    args = parser.parse_args()
    if args.child:
        return child(args)
    cache = Path(tempfile.gettempdir()) / "planforge-bench"
    cache.mkdir(exist_ok=True)
    rows = {}
    for n in args.projects:
        path = cache / f"intake-{n}.xlsx" if n > 0 else cache / "intake-maxrows.xlsx"
        if not path.exists():
            subprocess.run(
                [sys.executable, str(HERE / "make_intake.py"), "--projects", str(n), "--out", str(path)], check=True
            )
        cmd = [sys.executable, __file__, "--child", str(path)] + (["--jobs", str(args.jobs)] if args.jobs else [])
        rows[n] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        rows[n] |= json.loads(subprocess.run(cmd + ["--e2e"], check=True, capture_output=True, text=True).stdout)
    labels = {
        "bare_read": "pandas.read_excel (bare)",
        "read": "read",
        "validate": "validate",
        "derive": "derive",
        "render": "render (Markdown)",
        "write": "write plans",
        "summary": "summary workbook",
        "stages_sum": "sum of stages, 1 core",
        "total": f"end to end, {os.cpu_count()} cores",
    }
    print(f"| {'seconds, by projects':<28} |" + "".join(f" {(f'{n:,}' if n else 'max rows'):>8} |" for n in rows))
    print(f"|{'-' * 30}|" + "".join(f"{'-' * 10}:|" for n in rows))
    for key, label in labels.items():
        print(f"| {label:<28} |" + "".join(f" {rows[n][key]:>8.2f} |" for n in rows))
    print(
        f"| {'end to end / bare read':<28} |"
        + "".join(f" {rows[n]['total'] / rows[n]['bare_read']:>7.1f}x |" for n in rows)
    )
    print(f"| {'peak memory, MB (all procs)':<28} |" + "".join(f" {rows[n]['peak_mb']:>8.0f} |" for n in rows))
    sized = sorted(n for n in rows if n > 0)
    if len(sized) >= 2:
        small, big = sized[:2]
        print(f"scaling: {big:,} projects take {rows[big]['total'] / rows[small]['total']:.1f}x the time of {small:,}")
    if args.formats and sized:
        n = sized[0]
        cmd = [sys.executable, __file__, "--child", str(cache / f"intake-{n}.xlsx"), "--formats-only"]
        costs = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print("cost per plan, one core: " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in costs.items()))


if __name__ == "__main__":
    main()
