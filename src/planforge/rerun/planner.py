"""The rerun planner: which projects a rerun redoes, which files it must not overwrite, and what
the manifest records after it.

A rerun into a folder holding a manifest (``manifest.load_manifest``):

1. computes each project's digest (``digests.project_digest``) and asks ``plan_rerun``: a project
   whose digest matches and whose files are all still there is *unchanged* (its files are not
   rendered, written or even opened for writing, so they keep their bytes and modification time); a
   new project, one whose digest differs or one with a file missing is *changed*; a project in the
   manifest but not in this run is *removed* (its files are the stale-output check's business);
2. asks ``edited_by_hand`` which recorded files no longer have the bytes the manifest says were
   written. Those are reported and kept (the project counts as unchanged as far as that file goes),
   unless the run is forced;
3. before writing, rewrites the manifest with the projects (and shared files) it is about to
   rewrite marked not current and their file records dropped (hand edits it keeps excepted), so a
   run killed halfway leaves a manifest by which the next run redoes them, whatever its inputs, and
   never takes a half-written file for a hand edit;
4. renders and writes the changed projects only, then the shared files when ``portfolio_changed``;
5. writes the new manifest (``manifest_after`` + ``manifest.write_manifest``) atomically, last.

Before any of that, a rerun asks ``Manifest.up_to_date``: when the last run was complete (no
project failed, no hand edit kept) and recorded a ``RunRecord`` whose ``run_key`` (each workbook's
name and bytes, every option, the template folders, the version) equals this run's, and every file
it recorded is still there, nothing would be redone, so nothing is read: the report is restored
from the record (the same inputs give the same findings) and only the stale-output check runs.

Checking for hand edits reads every recorded file once (SHA-256, about 1 GB/s; a size that differs
needs no hashing). The files a run keeps (every file of a rerun with nothing to redo, an unchanged
project's files) are checked as well, so an edit is reported on every run, but by ``edited_since``:
a file no newer than the manifest (written after every file it records) with the recorded size has
not been touched since, and only a newer one is hashed. A file about to be overwritten is always
hashed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planforge._version import __version__
from planforge.core.model import Project, Settings
from planforge.core.versions import DocumentVersion
from planforge.rerun.digests import RunInputs, context_digest, file_digest, project_digest
from planforge.rerun.manifest import MANIFEST_NAME, Manifest, Output, ProjectEntry, RunRecord, load_manifest


@dataclass(frozen=True, slots=True)
class RerunPlan:
    """What a rerun has to do, project IDs in run order (removed: in manifest order).

    ``unchanged`` projects are neither rendered nor written; ``changed`` ones are (new ones included);
    ``removed`` ones are in the manifest but not in this run; ``portfolio_changed`` says whether the
    shared files (summary, index) must be rewritten."""

    unchanged: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    portfolio_changed: bool
    #: project ID -> the digest computed for this run (what ``manifest_after`` records)
    digests: Mapping[str, str] = field(default_factory=dict, repr=False)


def plan_rerun(
    manifest: Manifest,
    projects: Sequence[Project],
    inputs: RunInputs,
    settings_for: Callable[[Project], Settings],
    *,
    problems_for: Callable[[Project], Iterable[Any]] | None = None,
    portfolio: str | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> RerunPlan:
    """Sort this run's projects into unchanged, changed and removed against ``manifest`` (see ``RerunPlan``).

    ``settings_for`` gives each project's Settings (``Portfolio.settings_for``); ``problems_for``
    its own problems. ``portfolio`` is this run's ``portfolio_digest`` (None: the shared files
    count as changed whenever any project changed or was removed). With ``out_dir``, a project
    whose recorded file is missing counts as changed. ``force`` makes every project changed."""
    contexts: dict[Settings, str] = {}
    digests = {}
    for p in projects:
        settings = settings_for(p)
        context = contexts.get(settings)
        if context is None:
            context = contexts[settings] = context_digest(settings, inputs)
        problems = problems_for(p) if problems_for else ()
        digests[p.project_id] = project_digest(p, settings, inputs, problems, context=context)
    return plan_digests(manifest, digests, portfolio=portfolio, out_dir=out_dir, force=force)


def plan_digests(
    manifest: Manifest,
    digests: Mapping[str, str],
    *,
    portfolio: str | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> RerunPlan:
    """``plan_rerun`` from digests already computed (project ID -> ``project_digest``), in run order."""
    unchanged: list[str] = []
    changed: list[str] = []
    for pid, d in digests.items():
        entry = manifest.projects.get(pid)
        same = not force and entry is not None and entry.digest == d
        if same and out_dir is not None and entry is not None:
            same = all((out_dir / rel).is_file() for rel in entry.outputs)
        (unchanged if same else changed).append(pid)
    removed = tuple(pid for pid in manifest.projects if pid not in digests)
    if portfolio is None:
        shared_changed = force or bool(changed) or bool(removed) or not manifest.portfolio
    else:
        shared_changed = force or portfolio != manifest.portfolio
    if not shared_changed and out_dir is not None:
        shared_changed = not all((out_dir / rel).is_file() for rel in manifest.shared)
    return RerunPlan(tuple(unchanged), tuple(changed), removed, shared_changed, dict(digests))


def manifest_after(
    manifest: Manifest,
    plan: RerunPlan,
    written: Mapping[str, Mapping[str, Output]],
    *,
    portfolio: str = "",
    shared: Mapping[str, Output] | None = None,
    keep_removed: bool = False,
    run: RunRecord | None = None,
    versions: Mapping[str, DocumentVersion] | None = None,
    still_there: Callable[[str], bool] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Manifest:
    """``manifest`` after a run that followed ``plan``: unchanged projects keep their entries,
    changed ones get ``written[pid]`` (relative path -> Output; a changed project that wrote
    nothing, e.g. skipped for errors, is dropped), removed ones are dropped. ``shared`` replaces
    the shared files when given (the run rewrote them), else they are kept. ``keep_removed``
    keeps the entries of projects this run did not look at (a run limited to some projects).
    ``run`` records a complete run (None: the next run cannot skip reading). ``versions``: the version
    each written project's documents were issued under (a project without one keeps its old one).
    ``still_there(relative path)``: a removed project (held back, or gone from the intake) whose
    files are still in the folder keeps its entry, so its hand edits are still known if it returns.
    ``facts``: the summary facts (JSON, ``ProjectEntry.facts``) of the projects derived: each written
    one's, and an unchanged one's over what its entry held (none, from an older version, or unreadable)."""
    projects: dict[str, ProjectEntry] = {}
    for pid in plan.removed:
        entry = manifest.projects.get(pid)
        if entry is None:
            continue
        if keep_removed or (still_there is not None and any(map(still_there, entry.outputs))):
            projects[pid] = entry  # its files stay on record, hand edits included, should it come back
    unchanged = set(plan.unchanged)  # a set: 10,000 lookups in a tuple of 10,000 would be quadratic
    for pid, d in plan.digests.items():
        if pid in unchanged and pid in manifest.projects:
            entry = manifest.projects[pid]
            fresh = (facts or {}).get(pid)  # derived this time: what it found stands, over an older version's record
            if fresh is not None and entry.facts != fresh:
                entry = replace(entry, facts=fresh)
            projects[pid] = entry
        elif written.get(pid):
            old = manifest.projects.get(pid)
            recorded = (facts or {}).get(pid)
            if (version := (versions or {}).get(pid)) is not None or old is None:
                projects[pid] = ProjectEntry(d, dict(written[pid]), version, facts=recorded)
            else:
                projects[pid] = ProjectEntry(d, dict(written[pid]), old.version, old.stored, recorded)
    return Manifest(
        projects=projects,
        portfolio=portfolio or manifest.portfolio,
        shared=dict(manifest.shared if shared is None else shared),
        version=__version__,
        run=run,
    )


def edited_by_hand(
    out_dir: Path,
    manifest: Manifest | None = None,
    *,
    projects: Iterable[str] | None = None,
    shared: bool = True,
) -> list[Path]:
    """Recorded files whose bytes are no longer those the manifest says were written (edited since),
    sorted. A rerun never overwrites these silently: it reports them and keeps them unless forced.
    Missing files are not edits (``plan_rerun`` redoes their project). ``manifest`` defaults to
    the one in ``out_dir``; without one, nothing can be told edited.

    Only the files a run is about to overwrite need checking: pass ``projects`` (the plan's changed
    IDs) and ``shared`` (``portfolio_changed``), and a rerun with nothing changed reads no file at all.
    The default checks every recorded file (a forced run, or a report of the whole folder)."""
    out_dir = Path(out_dir)
    manifest = manifest if manifest is not None else load_manifest(out_dir)
    if manifest is None:
        return []
    if projects is None:
        recorded_files = manifest.files() if shared else manifest.files(shared=False)
    else:
        entries = [manifest.projects[pid] for pid in projects if pid in manifest.projects]
        recorded_files = {rel: out for entry in entries for rel, out in entry.outputs.items()}
        if shared:
            recorded_files.update(manifest.shared)
    return _edited(out_dir, recorded_files, since_ns=None)


def edited_since(out_dir: Path, manifest: Manifest, *, skip: Iterable[str] = ()) -> list[Path]:
    """The recorded files (but those of the projects in ``skip``) edited by hand since the manifest
    in ``out_dir`` was written, sorted, for a report of files a run keeps: one with the recorded size
    and a modification time no later than the manifest's is taken as untouched (the manifest is
    written after every file it records); any other is hashed as ``edited_by_hand`` does."""
    try:
        since_ns: int | None = (Path(out_dir) / MANIFEST_NAME).stat().st_mtime_ns
    except OSError:
        since_ns = None  # no manifest file to compare with: hash every file
    skipped = set(skip)
    files = {
        rel: out for pid, entry in manifest.projects.items() if pid not in skipped for rel, out in entry.outputs.items()
    }
    files.update(manifest.shared)
    return _edited(Path(out_dir), files, since_ns=since_ns)


def _edited(out_dir: Path, recorded_files: Mapping[str, Output], *, since_ns: int | None) -> list[Path]:
    edited = []
    for rel, recorded in sorted(recorded_files.items()):
        path = out_dir / rel
        try:
            if not path.is_file():
                continue
            stat = path.stat()
            touched = since_ns is None or stat.st_mtime_ns > since_ns
            if stat.st_size != recorded.size or (touched and file_digest(path) != recorded.sha256):
                edited.append(path)
        except OSError:
            edited.append(path)  # there but unreadable: not what we wrote, as far as we can tell
    return edited
