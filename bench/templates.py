"""Render cost per plan (Markdown only), the number issue 14's sandbox must not spoil.

    python bench/templates.py                       # 1,000 synthetic projects (make_intake.py), 5 repeats
    python bench/templates.py --intake FILE --repeat 9
    python bench/templates.py --templates DIR       # the same with a firm templates folder in front

Contexts are built once; each repeat renders every plan; the best repeat is reported (ms per plan).
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intake", type=Path, help="intake workbook (default: 1,000 projects from make_intake.py)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--templates", type=Path, help="firm templates folder")
    args = parser.parse_args()

    from planforge import render
    from planforge.plan_context import build_context
    from planforge.validate import validate_files

    intake = args.intake
    if intake is None:
        intake = Path(tempfile.mkdtemp()) / "intake-1000.xlsx"
        subprocess.run(
            [sys.executable, str(HERE / "make_intake.py"), "--projects", "1000", "--out", str(intake)], check=True
        )
    report = validate_files([intake])
    day = date(2026, 1, 15)
    contexts = [build_context(p, report.portfolio.settings_for(p), day) for p in report.portfolio.projects]
    options = getattr(render, "RenderOptions", None)
    kwargs = {"options": options(templates=args.templates)} if options else {}
    gc.disable()
    render.render_markdown(contexts[0], **kwargs)  # compile once
    best = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        for c in contexts:
            render.render_markdown(c, **kwargs)
        best = min(best, time.perf_counter() - t)
    print(f"{len(contexts)} plans: best of {args.repeat}: {best:.3f} s, {best / len(contexts) * 1000:.3f} ms per plan")


if __name__ == "__main__":
    main()
