"""Render cost per plan (Markdown only): what issue 14's sandbox and firm folders cost.

    python bench/templates.py                          # 1,000 synthetic projects (make_intake.py)
    python bench/templates.py --intake FILE --repeat 15
    python bench/templates.py --templates DIR          # also with a firm templates folder in front

Contexts are built once. Each round renders every plan with: a plain (unsandboxed) Jinja environment
built like render.environment (the control, what planforge did before issue 14), the sandboxed
environment, and the sandboxed environment with the firm folder. Rounds interleave the three, so load
from other processes hits them alike; CPU time of this process, best round of each (ms per plan).
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

import jinja2

from planforge.context.plan import build_context
from planforge.render import environment as render
from planforge.validation.validate import validate_files

HERE = Path(__file__).resolve().parent


def plain_environment() -> jinja2.Environment:
    """The control: render.environment's loader, filters and finalize in a plain Environment."""
    sandboxed = render.environment("md", None)
    env = jinja2.Environment(
        loader=render._InliningLoader([str(p) for p in render.search_path(None)]),
        undefined=jinja2.StrictUndefined,
        finalize=sandboxed.finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(sandboxed.filters)
    env.tests.update(sandboxed.tests)
    env.globals.update(sandboxed.globals)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intake", type=Path, help="intake workbook (default: 1,000 projects from make_intake.py)")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--templates", type=Path, help="firm templates folder")
    args = parser.parse_args()

    intake = args.intake
    if intake is None:
        intake = Path(tempfile.mkdtemp()) / "intake-1000.xlsx"
        subprocess.run(
            [sys.executable, str(HERE / "make_intake.py"), "--projects", "1000", "--out", str(intake)], check=True
        )
    report = validate_files([intake])
    day = date(2026, 1, 15)
    contexts = [build_context(p, report.portfolio.settings_for(p), day) for p in report.portfolio.projects]
    plain = plain_environment()

    def control(ctx):  # what render_markdown did before: look the template up, render, normalise
        return render._normalised(plain.get_template("plan/plan.md.j2").render(p=ctx, project=ctx.project))

    variants = {"plain Jinja (control)": control, "sandbox": render.render_markdown}
    if args.templates:
        firm = render.RenderOptions(templates=args.templates)
        variants["sandbox + firm folder"] = lambda ctx: render.render_markdown(ctx, firm)
    gc.disable()
    best = dict.fromkeys(variants, float("inf"))
    for fn in variants.values():
        fn(contexts[0])  # compile once
    for _ in range(args.repeat):
        for name, fn in variants.items():
            t = time.process_time()
            for c in contexts:
                fn(c)
            best[name] = min(best[name], time.process_time() - t)
    base = best["plain Jinja (control)"]
    for name, seconds in best.items():
        per = seconds / len(contexts) * 1000
        print(
            f"{name:24} {per:.3f} ms per plan ({seconds / base - 1:+.1%}), best of {args.repeat}, {len(contexts)} plans"
        )


if __name__ == "__main__":
    main()
