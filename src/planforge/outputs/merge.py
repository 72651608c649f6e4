"""Edit-preserving regeneration: a hand-edited Markdown document whose data changed is merged three
ways (what planforge last wrote, what a person made of it, what it would write now), so the edit
and the new figures both survive, and the document's other formats are made from the merge.

``plan_merges`` runs in the parent before any file is written, for the few edited documents of the
projects about to be rewritten: it renders each again (milliseconds), merges, and says what the
writers do (``MergePlan``):

- a clean merge: the document is written from the merged text in every format (``merged``); the
  manifest records the rendering, so the file still reads as edited, and the next change merges
  again from this run's rendering;
- a conflict (the same lines changed by hand and by the data): the edited file and the document's
  other formats are kept as they are (``keep``), and ``<name>.merge.md`` beside it holds the merge
  with the conflicts marked as git marks them; each later run reports it again until it is
  resolved, and never writes over a merge file the person has started on. Resolving the marks in
  the merge file resolves it: the next run takes the merge file, once no marker is left, as the
  document (merged on from the rendering it conflicted with, so a change of the data since still
  comes in), and removes it. Any other change of the edited file meanwhile is no resolution.

An edited document with no base to merge from (a folder written before planforge kept them, a base
file that is not the recorded text) is kept, as any edited file is. Edits to other formats are
never merged: they are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planforge.context.plan import PlanContext
from planforge.core.atomic import write_text
from planforge.core.errors import Problem, make_problem
from planforge.core.names import MD, PLAN, document_filename
from planforge.core.textmerge import OURS, THEIRS, merge3
from planforge.formats.markdown import plan_markdown
from planforge.formats.options import WriteOptions
from planforge.outputs.base_texts import (
    BASE_DIR,
    Pending,
    read_base,
    read_pending,
    remove_pending,
    write_base,
    write_pending,
)
from planforge.outputs.documents import render_document
from planforge.rerun.manifest import Manifest

MERGE_SUFFIX = ".merge.md"
#: The base-file suffix of the rendering a conflict was against (what a resolved merge file starts from).
_NEW = ".new"


@dataclass
class MergePlan:
    """What the writers do with the edited documents: ``merged`` (Markdown file name -> merged text),
    the files to ``keep`` for a conflict, the edited files ``handled`` here (they are reported by
    ``problems``, not as plain kept edits)."""

    merged: dict[str, str] = field(default_factory=dict)
    keep: set[Path] = field(default_factory=set)
    #: projects with a document kept whole (a conflict, or an edit that cannot be merged): their new
    #: version is not issued yet, so it is not recorded either (the next run issues it)
    withheld: set[str] = field(default_factory=set)
    handled: set[Path] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


def merge_file(name: str) -> str:
    """``ACME-001-implementation-plan.merge.md``: where a conflicted merge of ``name`` is written."""
    return name[: -len(f".{MD.extension}")] + MERGE_SUFFIX


def forget_conflict(out: Path, name: str) -> None:
    """Remove ``name``'s merge file and its pending conflict (the document was overwritten)."""
    if name.endswith(f".{MD.extension}"):
        (out / merge_file(name)).unlink(missing_ok=True)
        remove_pending(out, name)
        (out / BASE_DIR / f"{name}{_NEW}.gz").unlink(missing_ok=True)


def plan_merges(
    contexts: Iterable[PlanContext],
    out: Path,
    manifest: Manifest,
    edited: Sequence[Path],
    options: WriteOptions,
    keep: Collection[Path] = (),
) -> MergePlan:
    """Merge each edited Markdown document of ``contexts`` (the projects about to be rewritten);
    ``keep``: the files kept as hand edits (a document's other format edited by hand stays as it is)."""
    plan = MergePlan()
    wanted = {path.name for path in edited if path.parent == out and path.suffix == f".{MD.extension}"}
    for ctx in contexts:
        pid = ctx.project.project_id
        entry = manifest.projects.get(pid)
        for kind in options.documents:
            name = document_filename(pid, kind, MD.extension)
            if name not in wanted or entry is None or name not in entry.outputs:
                continue
            _merge_one(plan, ctx, kind, out / name, entry.outputs[name].sha256, options, frozenset(keep))
    return plan


def _merge_one(
    plan: MergePlan,
    ctx: PlanContext,
    kind: str,
    path: Path,
    recorded: str,
    options: WriteOptions,
    keep: frozenset[Path],
) -> None:
    out, name = path.parent, path.name
    pid = ctx.project.project_id
    siblings = {out / document_filename(pid, kind, f) for f in options.formats}
    try:
        new = plan_markdown(ctx, options) if kind == PLAN.name else render_document(kind, ctx, options)
    except Exception:  # a document that cannot be rendered fails in the writers, at its project
        return
    base = read_base(out, name, recorded)
    try:
        edited_bytes = path.read_bytes()
        edited = edited_bytes.decode("utf-8").replace("\r\n", "\n")  # an editor's line endings are no edit
    except (OSError, UnicodeDecodeError) as e:
        why = "it is not UTF-8 text" if isinstance(e, UnicodeDecodeError) else (e.strerror or str(e))
        return _unmerged(plan, path, siblings, pid, why)
    if base is None:
        return _unmerged(plan, path, siblings, pid, "planforge's record of what it last wrote there is missing")
    edited_sha = hashlib.sha256(edited_bytes).hexdigest()
    conflict = out / merge_file(name)
    pending = read_pending(out, name)
    plan.handled.add(path)
    resolved = _resolution(conflict, pending)
    if resolved is not None and pending is not None:  # the person resolved the merge file: it is their document now
        against = read_base(out, f"{name}{_NEW}", pending.new)
        if against is None:
            return _unmerged(plan, path, siblings, pid, "planforge's record of the conflicting rendering is missing")
        base, edited = against, resolved
    result = merge3(base, edited, new)
    if result.clean:
        plan.merged[name] = result.text
        forget_conflict(out, name)
        others = [f for f in options.formats if f != MD.name and out / document_filename(pid, kind, f) not in keep]
        made = ", ".join(document_filename(pid, kind, f) for f in others)
        plan.problems.append(
            make_problem(
                "edited-output-merged",
                file=name,
                project_id=pid,
                others=f"; {made} made from the merged text" if made else "",
            )
        )
        return
    plan.keep |= siblings
    plan.withheld.add(pid)
    ours = pending is None or not conflict.exists() or _sha(conflict) == pending.merge
    if ours or resolved is not None:  # never over a merge file the person is working in
        write_text(conflict, result.text)
        new_bytes = new.encode("utf-8")
        write_base(out, f"{name}{_NEW}", new_bytes)
        write_pending(out, name, Pending(edited_sha, hashlib.sha256(new_bytes).hexdigest(), _sha(conflict)))
    lines = ", ".join(str(c.first) if c.last <= c.first else f"{c.first}-{c.last}" for c in result.conflicts)
    plan.problems.append(
        make_problem(
            "edited-output-conflict",
            file=name,
            project_id=pid,
            lines=lines,
            count=str(len(result.conflicts)),
            merge=conflict.name,
        )
    )


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _resolution(conflict: Path, pending: Pending | None) -> str | None:
    """The resolved merge file's text: changed since planforge wrote it, and no conflict marker left."""
    if pending is None or conflict.is_symlink() or not conflict.is_file() or _sha(conflict) == pending.merge:
        return None
    try:
        text = conflict.read_text("utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return None
    if any(line.startswith((OURS[:7], THEIRS[:7])) for line in text.split("\n")):
        return None  # still marked: not resolved yet
    return text


def _unmerged(plan: MergePlan, path: Path, siblings: set[Path], pid: str, why: str) -> None:
    """An edited document that cannot be merged: kept in every format, so they still agree, and said so."""
    plan.handled.add(path)
    plan.keep |= siblings
    plan.withheld.add(pid)
    plan.problems.append(make_problem("edited-output-unmerged", file=path.name, project_id=pid, reason=why))
