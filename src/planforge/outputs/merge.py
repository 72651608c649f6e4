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
  resolved. Saving the resolved merge file over the document resolves it: the next run takes the
  person's lines where the conflict was (``base_texts.write_pending`` remembers which rendering it
  was against; a new change of the data since conflicts again).

An edited document with no base to merge from (a folder written before planforge kept them, a base
file that is not the recorded text) is kept, as any edited file is. Edits to other formats are
never merged: they are kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from planforge.context.plan import PlanContext
from planforge.core.atomic import write_text
from planforge.core.errors import Problem, make_problem
from planforge.core.names import MD, PLAN, document_filename
from planforge.core.textmerge import OURS, THEIRS, merge3
from planforge.formats.markdown import plan_markdown
from planforge.formats.options import WriteOptions
from planforge.outputs.base_texts import read_base, read_pending, remove_pending, write_pending
from planforge.outputs.documents import render_document
from planforge.rerun.manifest import Manifest

MERGE_SUFFIX = ".merge.md"


@dataclass
class MergePlan:
    """What the writers do with the edited documents: ``merged`` (Markdown file name -> merged text),
    the files to ``keep`` for a conflict, the edited files ``handled`` here (they are reported by
    ``problems``, not as plain kept edits)."""

    merged: dict[str, str] = field(default_factory=dict)
    keep: set[Path] = field(default_factory=set)
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


def plan_merges(
    contexts: Iterable[PlanContext],
    out: Path,
    manifest: Manifest,
    edited: Sequence[Path],
    options: WriteOptions,
) -> MergePlan:
    """Merge each edited Markdown document of ``contexts`` (the projects about to be rewritten)."""
    plan = MergePlan()
    wanted = {path.name for path in edited if path.parent == out and path.suffix == f".{MD.extension}"}
    for ctx in contexts:
        pid = ctx.project.project_id
        entry = manifest.projects.get(pid)
        for kind in options.documents:
            name = document_filename(pid, kind, MD.extension)
            if name not in wanted or entry is None or name not in entry.outputs:
                continue
            _merge_one(plan, ctx, kind, out / name, entry.outputs[name].sha256, options)
    return plan


def _merge_one(plan: MergePlan, ctx: PlanContext, kind: str, path: Path, recorded: str, options: WriteOptions) -> None:
    out, name = path.parent, path.name
    base = read_base(out, name, recorded)
    if base is None:
        return  # nothing to merge from: kept as any edited file
    try:
        edited_bytes = path.read_bytes()
        edited = edited_bytes.decode("utf-8")
        new = plan_markdown(ctx, options) if kind == PLAN.name else render_document(kind, ctx, options)
    except (OSError, UnicodeDecodeError):
        return
    except Exception:  # a document that cannot be rendered fails in the writers, at its project
        return
    edited_sha = hashlib.sha256(edited_bytes).hexdigest()
    new_sha = hashlib.sha256(new.encode("utf-8")).hexdigest()
    pending = read_pending(out, name)
    resolved = pending is not None and pending[0] != edited_sha and pending[1] == new_sha
    if resolved and (OURS in edited or THEIRS in edited):
        resolved = False  # the merge file saved over the document with its markers still in
    result = merge3(base, edited, new, prefer_edited=resolved)
    pid = ctx.project.project_id
    conflict = out / merge_file(name)
    plan.handled.add(path)
    if result.clean:
        plan.merged[name] = result.text
        remove_pending(out, name)
        conflict.unlink(missing_ok=True)
        others = [f for f in options.formats if f != MD.name]
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
    write_text(conflict, result.text)
    write_pending(out, name, edited=edited_sha, new=new_sha)
    plan.keep |= {out / document_filename(pid, kind, f) for f in options.formats}
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
