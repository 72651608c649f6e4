"""Time planforge end to end against a bare pandas read of the same workbook, measured in the same run.

    python bench/run.py                      # 1,000 and 10,000 projects, median of 3
    python bench/run.py --projects 1000 --repeat 1
    python bench/run.py --formats            # also the cost per plan of md, the parse, html, docx (and --documents all)
    python bench/run.py --stages             # also each stage alone on one core (CPU seconds)
    python bench/run.py --projects 0         # the workbook whose Pain Points sheet has 1,048,576 rows
    python bench/run.py --targets            # the client formats side by side with Markdown (issue 24's targets)

Rows, each the median of ``--repeat`` runs, each run in a fresh process (so memory is per run):

- ``pandas.read_excel`` (bare): ``pandas.read_excel(path, sheet_name=None, engine="calamine")``, the
  floor, measured before every planforge run so both see the same machine load;
- cold run: ``generate`` into an empty folder (default outputs: Markdown plans, review files, summary);
- rerun, nothing changed: ``generate`` again into that folder;
- rerun, 1% changed: the same workbook with 1% of the projects edited (``make_intake.py --edit-percent``),
  copied over the input and run again; the next repetition swaps the original back (1% changed again).

The rerun rows say "n/a (manifest not wired)" while ``generate`` leaves no run manifest
(``planforge.manifest.MANIFEST_NAME``) in its output folder: a rerun is then a cold run.
Each row gives wall seconds, CPU seconds (the process and its workers) and the ratio of wall time to
the bare read's. Peak memory is the parent's ru_maxrss plus its largest worker's (RUSAGE_CHILDREN);
the bound "all workers" adds that worker once per job. Both count pages a forked worker shares with
the parent once per process; on Linux the last row is the honest figure: the peak of the summed
proportional set size (PSS, shared pages split between their processes) of the run's process tree,
sampled every 50 ms in one more cold run of its own (reading smaps costs CPU, so no timed run is sampled). Other processes on the machine move wall time; compare CPU seconds when the
machine is shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAY = date(2026, 1, 15)
MANIFEST_NAME = ".planforge-manifest.json"  # planforge.manifest.MANIFEST_NAME; literal so old trees bench too


# ------------------------------------------------------------------------------------------ child processes


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kid = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own + kid, own + kid * (os.cpu_count() or 1)


def bare_read(path: Path) -> dict:
    import pandas as pd

    cpu, t = _cpu(), time.perf_counter()
    pd.read_excel(path, sheet_name=None, engine="calamine")
    return {"wall": time.perf_counter() - t, "cpu": _cpu() - cpu}


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                for child in fh.read().split():
                    found += _process_tree(int(child))
    except OSError:
        pass
    return found


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each, so the sum over a
    process tree is the memory the tree really holds (forked workers share the parent's pages)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _PeakSampler:
    """The peak of the summed PSS of this process and its workers, sampled every 50 ms on a thread."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_kb = max(self.peak_kb, sum(map(_pss_kb, _process_tree(os.getpid()))))

    def __enter__(self) -> _PeakSampler:
        if self.enabled and os.path.exists("/proc/self/smaps_rollup"):
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def run_generate(path: Path, out: Path, jobs: int | None, extra: dict | None = None, *, memory: bool = False) -> dict:
    """One ``generate`` call, as the CLI makes it: wall, CPU (with workers), peak memory, what it did.
    ``memory``: also sample the process tree's PSS (reading smaps walks every page table, which costs
    real CPU at 1 GB: so memory is taken in a run of its own, never in a timed one)."""
    from planforge.pipeline import generate

    with _PeakSampler(enabled=memory) as sampler:
        cpu, t = _cpu(), time.perf_counter()
        result = generate([path], out, plan_date=DAY, jobs=jobs, **(extra or {}))
        wall, cpu = time.perf_counter() - t, _cpu() - cpu
    peak, bound = _peak_mb()
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak,
        "peak_bound_mb": bound,
        "peak_pss_mb": sampler.peak_kb / 1024 or None,
        "projects": len(result.contexts),
        "manifest": (out / MANIFEST_NAME).is_file(),
    }


def stages(path: Path, out: Path) -> dict:
    """Each stage alone on one core, CPU seconds (garbage collector paused, as ``generate`` does)."""
    import gc

    from planforge.context.plan import build_context
    from planforge.core.atomic import write_text
    from planforge.core.result import RunResult
    from planforge.formats.options import WriteOptions
    from planforge.portfolio.facts import project_facts
    from planforge.portfolio.summary import write_summary
    from planforge.render.environment import render_markdown
    from planforge.validation.validate import read_all, validate_workbooks

    gc.disable()
    row: dict[str, float] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        row[name] = now - clock
        clock = now

    raws, problems = read_all([path])
    lap("read")
    report = validate_workbooks(raws, problems, as_of=DAY)
    del raws
    lap("validate")
    contexts = [build_context(p, report.portfolio.settings_for(p), DAY) for p in report.portfolio.projects]
    lap("derive")
    texts = [render_markdown(c) for c in contexts]
    lap("render")
    for c, text in zip(contexts, texts):
        write_text(out / f"{c.project.project_id}.md", text)
    lap("write")
    facts = [project_facts(c) for c in contexts]
    write_summary(out / "summary.xlsx", RunResult(report=report), facts, WriteOptions(plan_date=DAY))
    lap("summary")
    return row


def format_costs(path: Path, out: Path, count: int = 200) -> dict:
    """Seconds per plan of each format, one process, from the same contexts (the first ``count``);
    and of ``--documents all`` over the default documents, when ``generate`` has that option.

    Where the writers share one parse (``md_tokens.Document``), ``parse`` is that parse and html and
    docx are each writer alone from it, as a run pays them; on an older tree each writer parses its
    own copy and ``parse`` is None. Each writer goes twice over the plans and the second pass counts:
    a run's worker has met the portfolio's recurring sentences after its first plans."""
    from planforge.context.plan import build_context
    from planforge.formats import md_tokens
    from planforge.formats.docx import plan_docx
    from planforge.formats.html import plan_html
    from planforge.formats.options import WriteOptions
    from planforge.pipeline import GenerateOptions, generate
    from planforge.render.environment import render_markdown
    from planforge.validation.validate import validate_files

    options = WriteOptions(plan_date=DAY, formats=("html", "docx"))
    report = validate_files([path])
    projects = report.portfolio.projects[:count]
    contexts = [build_context(p, report.portfolio.settings_for(p), DAY) for p in projects]
    costs: dict[str, float | None] = {}
    t = time.process_time()
    texts = [render_markdown(c) for c in contexts]
    costs["md"] = (time.process_time() - t) / len(contexts)
    shared = getattr(md_tokens, "Document", None)
    sources: list = texts
    costs["parse"] = None
    if shared is not None:
        for _ in range(2):
            t = time.process_time()
            sources = [shared(m) for m in texts]
            parsed = [document.tokens for document in sources]  # the parse, made on first use
            costs["parse"] = (time.process_time() - t) / len(contexts)
            del parsed
    for name, write in (("html", plan_html), ("docx", plan_docx)):
        for _ in range(2):
            t = time.process_time()
            for c, m in zip(contexts, sources):
                write(c, m, options)
            costs[name] = (time.process_time() - t) / len(contexts)
    costs["documents_all"] = None
    if "documents" in {f.name for f in dataclasses.fields(GenerateOptions)}:
        only = tuple(p.project_id for p in projects)
        spent = {}
        for label, extra in (("default", {}), ("all", {"documents": ("all",)})):
            target = out / label
            t = time.process_time()
            generate([path], target, plan_date=DAY, jobs=1, summary=False, only=only, **extra)
            spent[label] = time.process_time() - t
        costs["documents_all"] = (spent["all"] - spent["default"]) / len(projects)
    return costs


def child(args: argparse.Namespace) -> None:
    path = Path(args.child)
    out = Path(args.out) if args.out else None
    with tempfile.TemporaryDirectory() as tmp:
        if args.mode == "bare":
            data = bare_read(path)
        elif args.mode in ("generate", "memory"):
            assert out is not None
            extra = json.loads(args.extra) if args.extra else None
            if extra and "formats" in extra:
                extra["formats"] = tuple(extra["formats"])
            data = run_generate(path, out, args.jobs, extra, memory=args.mode == "memory")
        elif args.mode == "stages":
            data = stages(path, Path(tmp))
        else:
            data = format_costs(path, Path(tmp))
    print(json.dumps(data))


# ------------------------------------------------------------------------------------------ the parent


def _child(mode: str, path: Path, out: Path | None = None, jobs: int | None = None, extra: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", str(path), "--mode", mode]
    cmd += ["--out", str(out)] if out else []
    cmd += ["--jobs", str(jobs)] if jobs else []
    cmd += ["--extra", json.dumps(extra)] if extra else []
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def _workbooks(n: int, cache: Path) -> tuple[Path, Path | None]:
    """The workbook of ``n`` projects and its copy with 1% of the projects edited (made once, cached)."""
    if n <= 0:
        path = cache / "intake-maxrows.xlsx"
        if not path.exists():
            sys.exit(f"make {path} first: python bench/make_intake.py --projects 1000 --fill-sheet 'Pain Points'")
        return path, None
    made = []
    for name, extra in ((f"intake-{n}.xlsx", []), (f"intake-{n}-edited.xlsx", ["--edit-percent", "1"])):
        path = cache / name
        if not path.exists():
            cmd = [sys.executable, str(HERE / "make_intake.py"), "--projects", str(n), "--out", str(path), *extra]
            subprocess.run(cmd, check=True, capture_output=True)
        made.append(path)
    return made[0], made[1]


def _settle() -> None:
    """Let the disk finish what the previous run (or the removal of its 20,000 files) left it to
    write, so a run is not charged for its predecessor's writeback."""
    if hasattr(os, "sync"):
        os.sync()
    time.sleep(2)


def measure(n: int, cache: Path, repeat: int, jobs: int | None) -> dict:
    """Every row for one size: lists of per-repetition figures (the report takes medians)."""
    original, edited = _workbooks(n, cache)
    rows: dict[str, list[dict]] = {"bare": [], "cold": [], "unchanged": [], "changed": [], "memory": []}
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        work = Path(tmp)
        intake = work / original.name.replace(f"-{n}", "")  # one name for both versions: the model holds it
        out = work / "out"
        for _ in range(repeat):
            rows["bare"].append(_child("bare", original))
            shutil.rmtree(out, ignore_errors=True)
            shutil.copyfile(original, intake)
            _settle()
            rows["cold"].append(_child("generate", intake, out, jobs))
        shutil.rmtree(out, ignore_errors=True)
        _settle()
        rows["memory"].append(_child("memory", intake, out, jobs))  # a cold run of its own, sampled
        wired = all(r["manifest"] for r in rows["cold"])
        if wired:
            for _ in range(repeat):
                rows["unchanged"].append(_child("generate", intake, out, jobs))
            if edited is not None:
                for k in range(repeat):  # edited, original, edited, ...: each rerun changes 1% of the projects
                    shutil.copyfile(edited if k % 2 == 0 else original, intake)
                    _settle()
                    rows["changed"].append(_child("generate", intake, out, jobs))
    return {"wired": wired, **rows}


#: Issue 24's targets: (projects, baseline formats, formats compared, the most the ratio of wall times
#: may be, the most the compared run's peak memory of all processes may be in MB, or None).
TARGETS: tuple[tuple[int, tuple[str, ...], tuple[str, ...], float | None, float | None], ...] = (
    (1000, ("md",), ("md", "html", "docx"), 4.0, None),
    (200, ("md",), ("pdf",), 10.0, None),
    (2000, ("md",), ("md", "docx"), None, 1536.0),
    (10000, ("md",), ("md", "html", "docx"), None, 1536.0),
)


def targets(cache: Path, repeat: int, jobs: int | None, sizes: set[int] | None) -> None:
    """Each target's two runs side by side (cold, into empty folders, alternating so both see the same
    machine load; medians of ``repeat``), then one sampled run of the compared formats for memory;
    with LibreOffice on PATH, the PDF row also runs ``--pdf-engine libreoffice`` beside Typst."""
    print(f"| {'target':<44} | {'baseline s':>10} | {'compared s':>10} | {'ratio':>7} | {'peak MB':>8} | verdict |")
    print(f"|{'-' * 46}|{'-' * 11}:|{'-' * 11}:|{'-' * 8}:|{'-' * 9}:|---------|")
    for n, base, compared, most_ratio, most_mb in TARGETS:
        if sizes and n not in sizes:
            continue
        engines: list[dict] = [{}]
        if "pdf" in compared and shutil.which("soffice"):
            engines.append({"pdf_engine": "libreoffice"})
        path = _workbooks(n, cache)[0]
        for engine in engines:
            walls: dict[str, list[float]] = {"base": [], "compared": []}
            with tempfile.TemporaryDirectory(dir=cache) as tmp:
                out = Path(tmp) / "out"
                for _ in range(repeat):
                    for key, formats in (("base", base), ("compared", compared)):
                        shutil.rmtree(out, ignore_errors=True)
                        _settle()
                        extra = {"formats": list(formats), **(engine if key == "compared" else {})}
                        walls[key].append(_child("generate", path, out, jobs, extra)["wall"])
                shutil.rmtree(out, ignore_errors=True)
                _settle()
                extra = {"formats": list(compared), **engine}
                peak = _child("memory", path, out, jobs, extra).get("peak_pss_mb") or 0.0
            b, c = statistics.median(walls["base"]), statistics.median(walls["compared"])
            ratio = c / b
            fails = [most_ratio is not None and ratio > most_ratio, most_mb is not None and peak > most_mb]
            label = f"{n:,} --format {','.join(compared)}" + (" (libreoffice)" if engine else "")
            limit = " ".join(x for x in (most_ratio and f"<={most_ratio:g}x", most_mb and f"<{most_mb:g} MB") if x)
            verdict = ("miss" if any(fails) else "met") if not engine else "n/a"
            print(
                f"| {label + ' ' + limit:<44} | {b:>10.2f} | {c:>10.2f} | {ratio:>6.1f}x | {peak:>8.0f} | {verdict:<7} |"
            )


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def report(results: dict[int, dict], jobs: int | None) -> None:
    sizes = list(results)
    cores = jobs or os.cpu_count()
    head = "".join(f" {(f'{n:,}' if n else 'max rows'):>26} |" for n in sizes)
    print(f"| {'wall s / CPU s / x bare read':<34} |" + head)
    print(f"|{'-' * 36}|" + "".join(f"{'-' * 27}:|" for _ in sizes))

    def line(label: str, key: str) -> None:
        cells = []
        for n in sizes:
            res, runs = results[n], results[n][key]
            if not runs:
                why = "manifest not wired" if not res["wired"] else "no edited workbook"
                cells.append(f" {'n/a (' + why + ')':>26} |")
                continue
            wall, cpu = _median(runs, "wall"), _median(runs, "cpu")
            ratio = wall / _median(res["bare"], "wall")
            cells.append(f" {f'{wall:.2f} / {cpu:.2f} / {ratio:.1f}x':>26} |")
        print(f"| {label:<34} |" + "".join(cells))

    line("pandas.read_excel (bare)", "bare")
    line(f"cold run, {cores} cores", "cold")
    line("rerun, nothing changed", "unchanged")
    line("rerun, 1% of projects changed", "changed")
    print(
        f"| {'peak memory MB (parent+worker)':<34} |"
        + "".join(f" {_median(results[n]['cold'], 'peak_mb'):>26.0f} |" for n in sizes)
    )
    print(
        f"| {'  bound, every worker at its peak':<34} |"
        + "".join(f" {_median(results[n]['cold'], 'peak_bound_mb'):>26.0f} |" for n in sizes)
    )
    if all(r.get("peak_pss_mb") for n in sizes for r in results[n]["memory"]):
        print(
            f"| {'peak memory MB, all processes (PSS)':<34} |"
            + "".join(f" {_median(results[n]['memory'], 'peak_pss_mb'):>26.0f} |" for n in sizes)
        )
    sized = [n for n in sizes if n > 0]
    if len(sized) >= 2:
        small, big = sorted(sized)[:2]
        scale = _median(results[big]["cold"], "wall") / _median(results[small]["cold"], "wall")
        print(f"\nscaling: {big:,} projects take {scale:.1f}x the wall time of {small:,} (cold run)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time planforge end to end against a bare pandas read.")
    parser.add_argument("--projects", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the table shows the median")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--formats", action="store_true", help="also the cost per plan of each format")
    parser.add_argument("--stages", action="store_true", help="also each stage alone on one core")
    parser.add_argument(
        "--targets", action="store_true", help="only the client formats beside Markdown (--projects picks sizes)"
    )
    parser.add_argument("--extra", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "planforge-bench")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["bare", "generate", "memory", "stages", "formats"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    cache = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    if args.targets:
        chosen = set(args.projects) if args.projects != parser.get_default("projects") else None
        return targets(cache, args.repeat, args.jobs, chosen)
    results = {n: measure(n, cache, args.repeat, args.jobs) for n in args.projects}
    report(results, args.jobs)
    if args.stages:
        print("\nCPU seconds per stage, one core (median of the runs):")
        for n in args.projects:
            path = _workbooks(n, cache)[0]
            runs = [_child("stages", path) for _ in range(args.repeat)]
            print(f"  {n:,}: " + ", ".join(f"{k} {statistics.median(r[k] for r in runs):.2f}" for k in runs[0]))
    sized = [n for n in args.projects if n > 0]
    if args.formats and sized:
        path = _workbooks(min(sized), cache)[0]
        runs = [_child("formats", path) for _ in range(args.repeat)]
        parts = []
        labels = (("md", "md"), ("parse", "one parse"), ("html", "html"), ("docx", "docx"))
        for key, label in (*labels, ("documents_all", "--documents all")):
            values = [r[key] for r in runs if r.get(key) is not None]
            missing = "n/a (each writer parses)" if key == "parse" else "n/a (no --documents option)"
            shown = f"{statistics.median(values) * 1000:.2f} ms" if values else missing
            parts.append(f"{label} {shown}")
        print("\ncost per plan, one core, CPU: " + ", ".join(parts))


if __name__ == "__main__":
    main()
