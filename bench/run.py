"""Time each stage of planforge against a bare pandas read of the same workbook.

    python bench/run.py                    # N = 1,000 and 10,000 (workbooks made by make_intake.py)
    python bench/run.py --projects 1000    # one size
    python bench/run.py --formats          # also the HTML and DOCX cost per plan (first 200 plans)

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
    """One full run, stage by stage, in this process."""
    import pandas as pd

    from planforge.pipeline import generate_stages

    t = time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="calamine")
    bare = time.perf_counter() - t
    stages = generate_stages([path], out, date(2026, 1, 15), jobs=jobs)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"bare_read": bare, **stages, "peak_mb": peak_mb}


def format_costs(path: Path, out: Path, count: int = 200) -> dict:
    from planforge.pipeline import generate

    costs = {}
    for fmt in ("md", "html", "docx"):
        t = time.perf_counter()
        result = generate([path], out / fmt, date(2026, 1, 15), only=[], formats=(fmt,), summary=False, limit=count, jobs=1)
        costs[fmt] = (time.perf_counter() - t) / max(len(result.contexts), 1)
    return costs


def child(args) -> None:
    path = Path(args.child)
    with tempfile.TemporaryDirectory() as tmp:
        data = format_costs(path, Path(tmp)) if args.formats_only else measure(path, Path(tmp), args.jobs)
    print(json.dumps(data))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--formats", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--formats-only", action="store_true")
    args = parser.parse_args()
    if args.child:
        return child(args)
    cache = Path(tempfile.gettempdir()) / "planforge-bench"
    cache.mkdir(exist_ok=True)
    rows = {}
    for n in args.projects:
        path = cache / f"intake-{n}.xlsx"
        if not path.exists():
            subprocess.run([sys.executable, str(HERE / "make_intake.py"), "--projects", str(n), "--out", str(path)], check=True)
        cmd = [sys.executable, __file__, "--child", str(path)] + (["--jobs", str(args.jobs)] if args.jobs else [])
        rows[n] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    stages = ["bare_read", "read", "validate", "derive", "render", "summary", "write", "total"]
    print(f"{'stage (s)':<14}" + "".join(f"{n:>12,}" for n in rows))
    for s in stages:
        print(f"{s:<14}" + "".join(f"{rows[n][s]:>12.2f}" for n in rows))
    print(f"{'total / bare':<14}" + "".join(f"{rows[n]['total'] / rows[n]['bare_read']:>12.2f}" for n in rows))
    print(f"{'peak MB':<14}" + "".join(f"{rows[n]['peak_mb']:>12.0f}" for n in rows))
    if len(rows) >= 2:
        small, big = sorted(rows)[:2]
        print(f"scaling: {big:,} projects take {rows[big]['total'] / rows[small]['total']:.1f}x the time of {small:,}")
    if args.formats:
        n = min(rows)
        cmd = [sys.executable, __file__, "--child", str(cache / f"intake-{n}.xlsx"), "--formats-only"]
        costs = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        print("cost per plan: " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in costs.items()))


if __name__ == "__main__":
    main()
