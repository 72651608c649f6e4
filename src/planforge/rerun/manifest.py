"""The run manifest: what a rerun needs to redo only what changed, and to never overwrite a hand edit.

A run leaves ``.planforge-manifest.json`` in the output folder. Per project it holds the digest of
everything the project's files are made from, and the SHA-256 and size of each file written for it
(paths relative to the output folder, ``/``-separated); the shared files (summary, index) are held
the same way under the digest of the whole portfolio. A rerun then:

1. computes each project's digest (``project_digest``) and asks ``Manifest.plan``: a project whose
   digest matches and whose files are all still there is *unchanged* (its files are not rendered,
   written or even opened for writing, so they keep their bytes and modification time); a new
   project, one whose digest differs or one with a file missing is *changed*; a project in the
   manifest but not in this run is *removed* (its files are the stale-output check's business);
2. asks ``edited_by_hand`` which recorded files no longer have the bytes the manifest says were
   written. Those are reported and kept (the project counts as unchanged as far as that file goes),
   unless the run is forced;
3. before writing, rewrites the manifest with the projects (and shared files) it is about to
   rewrite marked not current and their file records dropped (hand edits it keeps excepted), so a
   run killed halfway leaves a manifest by which the next run redoes them, whatever its inputs, and
   never takes a half-written file for a hand edit;
4. renders and writes the changed projects only, then the shared files when ``portfolio_changed``;
5. writes the new manifest (``Manifest.updated`` + ``write_manifest``) atomically, last.

Before any of that, a rerun asks ``Manifest.up_to_date``: when the last run was complete (no
project failed, no hand edit kept) and recorded a ``RunRecord`` whose ``run_key`` (each workbook's
name and bytes, every option, the template folders, the version) equals this run's, and every file
it recorded is still there, nothing would be redone, so nothing is read: the report is restored
from the record (the same inputs give the same findings) and only the stale-output check runs.

What a project's digest covers (``project_digest``): the validated Project itself including every
child row (a canonical serialisation of the frozen model, not the workbook's bytes, so re-saving the
workbook or editing another project changes nothing), the Settings that apply to it, the project's own
problems (review material lists them, and some, like spelling variants, depend on other rows), and the
run-wide ``RunInputs``: template files' contents (packaged and firm folder), the formats and documents
asked for, the plan date, extra inputs such as a reference DOCX and planforge's own code (``code_digest``:
an edited module redoes everything even under the same version number), and the planforge version.

The canonical serialisation (``canonical``) is typed, length-prefixed text: ``Decimal`` is not float,
a date is not its ISO text, and no cell text can forge a boundary, so equal models give equal
digests across runs and machines, and any change to any value gives another. It costs about 0.1 ms
a project (10,000 projects: ~1 s of one core); settings and run inputs are hashed once per workbook.
The manifest itself is JSON written with sorted keys and fixed indentation: the same run gives the
same bytes.

Checking for hand edits reads every recorded file once (SHA-256, about 1 GB/s; a size that differs
needs no hashing). No modification times are stored: they would make the manifest differ between
identical runs, and an edit that keeps the size and the second is still caught by the hash.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import operator
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from importlib import metadata
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from planforge._version import __version__
from planforge.core.atomic import write_bytes
from planforge.core.errors import CODES, Problem, Severity
from planforge.core.model import Project, Settings
from planforge.core.names import DEFAULT_FORMATS

MANIFEST_NAME = ".planforge-manifest.json"
#: Bumped when the manifest's layout changes; a manifest of another format is ignored (a cold run).
MANIFEST_FORMAT = 2
#: The digest a manifest records for what is not current (a kept hand edit, a file that failed): no
#: run computes it, so the next run redoes that project or the shared files.
NOT_CURRENT = "0" * 64


# ---------------------------------------------------------------------------------------------- digests


def canonical(value: Any) -> str:
    """``value`` as canonical text: the same for equal values on every run and machine, different for
    any difference, typed where printing would blur it (``Decimal('18000')`` is not ``18000.00``, nor
    the float ``18000.0``, nor the text ``"18000"``; a date is not its ISO text).

    Each value is a type letter and its text; text and containers carry their length, so no content
    can forge a boundary. Dataclasses are their class name and every field by name; mappings are
    sorted by their keys' canonical text. Anything else is a programming error (``TypeError``),
    never silently stringified."""
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


def _encode(value: Any, out: list[str]) -> None:
    kind: Any = type(value)
    if kind is str:
        out.append(f"s{len(value)}:")
        out.append(value)
    elif value is None:
        out.append("N")
    elif kind is bool:
        out.append("T" if value else "F")
    elif kind is int:
        out.append(f"i{value};")
    elif kind is float:
        out.append(f"f{value!r};")
    elif kind is Decimal:
        out.append(f"d{value};")
    elif kind is date:
        out.append(f"D{value.isoformat()};")
    elif kind is datetime:
        out.append(f"W{value.isoformat()};")
    elif kind is time:
        out.append(f"H{value.isoformat()};")
    elif kind is timedelta:
        out.append(f"P{value.days},{value.seconds},{value.microseconds};")
    elif kind is list or kind is tuple:
        out.append(f"L{len(value)}[")
        for item in value:
            _encode(item, out)
        out.append("]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        header, fields_of = _dataclass_codec(kind)
        out.append(header)  # the class and its field names, once: then each field's value in order
        for item in fields_of(value):
            if item is None:  # most optional fields: no call
                out.append("N")
            elif type(item) is str:
                out.append(f"s{len(item)}:{item}")
            elif type(item) is int:  # every record's row
                out.append(f"i{item};")
            else:
                _encode(item, out)
        out.append("}")
    elif isinstance(value, Mapping):
        items = sorted((canonical(k), canonical(v)) for k, v in value.items())
        out.append(f"M{len(items)}{{")
        out.extend(k + v for k, v in items)
        out.append("}")
    elif isinstance(value, (set, frozenset)):
        members = sorted(canonical(v) for v in value)
        out.append(f"S{len(members)}{{")
        out.extend(members)
        out.append("}")
    elif isinstance(value, Enum):
        out.append(f"E{type(value).__name__}.{value.name};")
    elif isinstance(value, PurePath):
        _encode(value.as_posix(), out)
    elif isinstance(value, str):  # subclasses: as their base type
        _encode(str(value), out)
    elif isinstance(value, int):
        _encode(int(value), out)
    elif isinstance(value, float):
        _encode(float(value), out)
    elif isinstance(value, (list, tuple)):
        _encode(list(value), out)
    else:
        raise TypeError(f"cannot serialise a {kind.__name__} for the run manifest")


@lru_cache(maxsize=256)
def _dataclass_codec(cls: type) -> tuple[str, Callable[[Any], tuple[Any, ...]]]:
    """A dataclass's header (class name, field names) and a getter of all its fields as one tuple."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    getter = operator.attrgetter(*names) if len(names) > 1 else (lambda v: tuple(getattr(v, n) for n in names))
    return f"O{len(names)}:{cls.__name__}({','.join(names)}){{", getter


def digest(*values: Any) -> str:
    """SHA-256 (hex) of the canonical text of ``values``."""
    return hashlib.sha256(canonical(values).encode("utf-8", "surrogatepass")).hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(*folders: Path | None) -> str:
    """SHA-256 of every file under each folder (relative path and bytes), in a fixed order: the
    packaged templates plus a firm's template folder, say. ``None`` and missing folders count as
    empty, in their place, so the packaged folder alone and a firm folder that is empty differ."""
    h = hashlib.sha256()
    for n, folder in enumerate(folders):
        h.update(f"folder {n}\0".encode())
        if folder is None or not Path(folder).is_dir():
            h.update(b"absent\0")
            continue
        for rel, path in _files_under(Path(folder)):
            h.update(f"{rel}\0{file_digest(path)}\0".encode())
    return h.hexdigest()


def _files_under(folder: Path) -> list[tuple[str, Path]]:
    """Every file under ``folder`` as (relative path, path), sorted, through symlinked subfolders too
    (Jinja loads templates through them), each real folder once (a link back up is not a loop)."""
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        for name in names:
            path = Path(root) / name
            if path.is_file():
                found.append((path.relative_to(folder).as_posix(), path))
    return sorted(found)


MAX_ROW = 1_048_576  # the most rows a sheet holds (Excel and LibreOffice)
#: The libraries whose behaviour shapes what a run reads and writes (their versions are inputs too).
DEPENDENCIES = (
    "python-calamine",
    "xlrd",
    "jinja2",
    "xlsxwriter",
    "markdown-it-py",
    "python-docx",
    "lxml",
    "holidays",
    "babel",
    "pikepdf",
)


def code_digest() -> str:
    """SHA-256 of planforge's own Python source (every ``.py`` file of the package, by relative
    path) and of the installed versions of the libraries it reads and writes with: a change to the
    code redoes everything even when planforge's version number stayed the same (an editable
    install while developing), and so does upgrading calamine, xlsxwriter or Babel."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(f"{path.relative_to(package).as_posix()}\0{file_digest(path)}\0".encode())
    for name in DEPENDENCIES:
        try:
            h.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} absent\0".encode())
    return h.hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInputs:
    """What every project's files are made from besides the project itself.

    - ``plan_date``: the run's date (plans date everything from it).
    - ``formats``, ``documents``: what was asked for (order kept: it may order links).
    - ``templates``: ``tree_digest`` of the template folders in use (packaged and firm).
    - ``extra``: other inputs by name, as digests (e.g. ``{"reference_docx": file_digest(path)}``).
    - ``version``: the planforge version; a new version redoes everything.
    """

    plan_date: date
    formats: tuple[str, ...] = DEFAULT_FORMATS
    documents: tuple[str, ...] = ()
    templates: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    version: str = __version__

    def digest(self) -> str:
        return digest(self)


def context_digest(settings: Settings, inputs: RunInputs) -> str:
    """The digest of what projects sharing ``settings`` have in common (computed once per Settings)."""
    return digest(settings, inputs)


def project_digest(
    project: Project, settings: Settings, inputs: RunInputs, problems: Iterable[Any] = (), *, context: str = ""
) -> str:
    """The digest of everything one project's files are made from (see the module docstring).
    ``problems`` are the project's own problems (review material lists them), in report order.
    ``context`` is ``context_digest(settings, inputs)`` when already known (it is the same for
    every project of a workbook)."""
    return digest(project, list(problems), context or context_digest(settings, inputs))


def portfolio_digest(
    project_digests: Mapping[str, str],
    inputs: RunInputs,
    problems: Iterable[Any] = (),
    held_back: Iterable[str] = (),
) -> str:
    """The digest the shared files (summary, index) are made from: every project's digest in run order,
    the run inputs, every problem of the run (the summary's Data Quality sheet lists them all) and the
    projects held back for errors that the run reports (the Overview counts them)."""
    return digest(list(project_digests.items()), inputs, list(problems), sorted(held_back))


# ---------------------------------------------------------------------------------------------- the run record


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What a complete run found, so a rerun with byte-identical inputs can skip reading entirely.

    ``key`` is ``run_key`` of the run's inputs (each workbook's name and bytes, the options, the
    template folders, the version); ``problems`` the run's report (without the problems about the
    output folder, which a rerun finds again); ``invalid`` each project held back for errors, with
    the positions of its problems in ``problems``; ``valid`` every project that passed, and
    ``selected`` those the run wrote (all of them unless limited with ``only``), in run order;
    ``documents`` the document kinds written (Settings may choose them)."""

    key: str
    problems: tuple[Problem, ...] = ()
    invalid: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    valid: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        texts: dict[str, int] = {}  # the few distinct codes, files, sheets, columns and hints, stored once
        return {
            "key": self.key,
            "problems": [_problem_json(p, texts) for p in self.problems],
            "texts": list(texts),
            "invalid": {pid: list(at) for pid, at in self.invalid.items()},
            "valid": list(self.valid),
            "selected": list(self.selected),
            "documents": list(self.documents),
        }

    @classmethod
    def from_json(cls, raw: Any) -> RunRecord:
        texts = _strings(raw["texts"])
        problems = tuple(_problem(p, texts) for p in raw["problems"])
        invalid = {}
        for pid, at in raw["invalid"].items():
            if not all(type(i) is int and 0 <= i < len(problems) for i in at):
                raise ValueError("bad problem position")
            invalid[str(pid)] = tuple(at)
        return cls(
            _hex(raw["key"]),
            problems,
            invalid,
            _strings(raw["valid"]),
            _strings(raw["selected"]),
            _strings(raw["documents"]),
        )


def file_digests(files: Sequence[Path]) -> tuple[str, ...] | None:
    """Each file's ``file_digest``, or None when one cannot be read or is not a regular file (a pipe
    would be consumed here): a run whose inputs cannot be fingerprinted is never skipped."""
    try:
        if not all(Path(f).is_file() for f in files):
            return None
        return tuple(file_digest(Path(f)) for f in files)
    except OSError:
        return None


def run_key(files: Sequence[Path], digests: Sequence[str], **options: Any) -> str:
    """The digest of a run's whole input: each workbook's name (not its folder: moving the intake
    changes no output) and bytes (``digests``, from ``file_digests``), in order, and ``options``
    (everything else the outputs depend on: the date, formats, documents, template digests, ...)
    plus the version."""
    return digest([(Path(f).name, d) for f, d in zip(files, digests)], options, __version__)


def recordable(problems: Iterable[Problem]) -> bool:
    """True when every problem's value can be recorded and read back as the same type."""
    try:
        for p in problems:
            _encode_value(p.value)
    except TypeError:
        return False
    return True


def _encode_value(value: Any) -> Any:
    """A problem's value as JSON that reads back as the same type (``Decimal`` stays ``Decimal``)."""
    kind: Any = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is Decimal:
        return {"decimal": str(value)}
    if kind in (date, datetime, time):
        return {kind.__name__: value.isoformat()}
    if kind is timedelta:
        return {"timedelta": [value.days, value.seconds, value.microseconds]}
    raise TypeError(f"cannot record a {kind.__name__} value")


def _decode_value(raw: Any) -> Any:
    if raw is None or type(raw) in (int, bool):
        return raw
    if type(raw) is str:
        return _text(raw)
    if type(raw) is float:
        if not math.isfinite(raw):  # no cell holds NaN or infinity (the reader turns NaN into blank)
            raise ValueError("not a finite number")
        return raw
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ValueError("bad value")
    ((kind, text),) = raw.items()
    if kind == "decimal":
        value = Decimal(_text(text))
        if not value.is_finite():
            raise ValueError("not a finite number")
        return value
    if kind == "timedelta":
        if not (isinstance(text, list) and len(text) == 3 and all(type(n) is int for n in text)):
            raise ValueError("bad duration")
        return timedelta(*text)
    readers = {"date": date.fromisoformat, "datetime": datetime.fromisoformat, "time": time.fromisoformat}
    return readers[kind](text)


_PROBLEM_FIELDS = tuple(f.name for f in dataclasses.fields(Problem))  # a record row holds them in this order
#: the fields held as indices into the record's text table (few distinct values, repeated a lot)
_TABLED = tuple(_PROBLEM_FIELDS.index(name) for name in ("code", "severity", "file", "sheet", "column", "hint"))


def _problem_json(p: Problem, texts: dict[str, int]) -> list[Any]:
    row = [
        p.code, p.severity.value, p.message, p.file, p.sheet, p.row, p.column, p.cell,
        _encode_value(p.value), p.hint, p.project_id,
    ]  # fmt: skip
    for i in _TABLED:
        row[i] = texts.setdefault(row[i], len(texts))
    return row


def _problem(raw: Any, texts: tuple[str, ...]) -> Problem:
    if not isinstance(raw, list) or len(raw) != len(_PROBLEM_FIELDS):
        raise ValueError("bad problem")
    fields = list(raw)
    for i in _TABLED:
        at = fields[i]
        if type(at) is not int or not 0 <= at < len(texts):
            raise ValueError("bad text position")
        fields[i] = texts[at]
    code, severity, message, file, sheet, row, column, cell, value, hint, project_id = fields
    for text in (message, cell, project_id):
        _text(text)
    if not (row is None or (type(row) is int and 1 <= row <= MAX_ROW)):
        raise ValueError("bad row")
    if code not in CODES:  # only kinds of the registry: a record from another version is not trusted
        raise ValueError("unknown problem code")
    return Problem(
        code, Severity(severity), message, file, sheet, row, column, cell, _decode_value(value), hint, project_id
    )


def _strings(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        raise ValueError("bad list")
    return tuple(map(_text, raw))


def _text(raw: Any) -> str:
    """Text that can be printed and written as UTF-8 (JSON admits lone surrogates; no cell holds one)."""
    if not isinstance(raw, str):
        raise ValueError("not text")
    raw.encode("utf-8")  # UnicodeEncodeError is a ValueError
    return raw


# ---------------------------------------------------------------------------------------------- the manifest


@dataclass(frozen=True, slots=True)
class Output:
    """One written file: its SHA-256 (hex) and size in bytes."""

    sha256: str
    size: int

    @classmethod
    def of_bytes(cls, data: bytes) -> Output:
        """The record of bytes just written (a worker has them in memory: no need to read the file back)."""
        return cls(hashlib.sha256(data).hexdigest(), len(data))

    @classmethod
    def of_file(cls, path: Path) -> Output:
        return cls(file_digest(path), path.stat().st_size)


@dataclass(frozen=True, slots=True)
class ProjectEntry:
    """One project in the manifest: the digest of its inputs, and its files (relative path -> Output)."""

    digest: str
    outputs: Mapping[str, Output] = field(default_factory=dict)


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
    #: project ID -> the digest computed for this run (what ``Manifest.updated`` records)
    digests: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the last run wrote into the output folder, and from what."""

    projects: Mapping[str, ProjectEntry] = field(default_factory=dict)
    portfolio: str = ""
    shared: Mapping[str, Output] = field(default_factory=dict)
    version: str = __version__
    #: set when the run that wrote it was complete (see ``RunRecord``); a rerun with the same key may skip
    run: RunRecord | None = None

    def up_to_date(self, key: str | None, out_dir: Path) -> bool:
        """True when this manifest records a complete run with the same ``run_key`` and every file it
        recorded is still in ``out_dir``: a rerun would redo nothing, so it need not even read."""
        if key is None or self.run is None or self.run.key != key or self.portfolio == NOT_CURRENT:
            return False
        if any(entry.digest == NOT_CURRENT for entry in self.projects.values()):
            return False
        return all((out_dir / rel).is_file() for rel in self.files())

    def plan(
        self,
        projects: Sequence[Project],
        inputs: RunInputs,
        settings_for: Callable[[Project], Settings],
        *,
        problems_for: Callable[[Project], Iterable[Any]] | None = None,
        portfolio: str | None = None,
        out_dir: Path | None = None,
        force: bool = False,
    ) -> RerunPlan:
        """Sort this run's projects into unchanged, changed and removed (see ``RerunPlan``).

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
        return self.plan_digests(digests, portfolio=portfolio, out_dir=out_dir, force=force)

    def plan_digests(
        self,
        digests: Mapping[str, str],
        *,
        portfolio: str | None = None,
        out_dir: Path | None = None,
        force: bool = False,
    ) -> RerunPlan:
        """``plan`` from digests already computed (project ID -> ``project_digest``), in run order."""
        unchanged: list[str] = []
        changed: list[str] = []
        for pid, d in digests.items():
            entry = self.projects.get(pid)
            same = not force and entry is not None and entry.digest == d
            if same and out_dir is not None and entry is not None:
                same = all((out_dir / rel).is_file() for rel in entry.outputs)
            (unchanged if same else changed).append(pid)
        removed = tuple(pid for pid in self.projects if pid not in digests)
        if portfolio is None:
            shared_changed = force or bool(changed) or bool(removed) or not self.portfolio
        else:
            shared_changed = force or portfolio != self.portfolio
        if not shared_changed and out_dir is not None:
            shared_changed = not all((out_dir / rel).is_file() for rel in self.shared)
        return RerunPlan(tuple(unchanged), tuple(changed), removed, shared_changed, dict(digests))

    def updated(
        self,
        plan: RerunPlan,
        written: Mapping[str, Mapping[str, Output]],
        *,
        portfolio: str = "",
        shared: Mapping[str, Output] | None = None,
        keep_removed: bool = False,
        run: RunRecord | None = None,
    ) -> Manifest:
        """The manifest after a run that followed ``plan``: unchanged projects keep their entries,
        changed ones get ``written[pid]`` (relative path -> Output; a changed project that wrote
        nothing, e.g. skipped for errors, is dropped), removed ones are dropped. ``shared`` replaces
        the shared files when given (the run rewrote them), else they are kept. ``keep_removed``
        keeps the entries of projects this run did not look at (a run limited to some projects).
        ``run`` records a complete run (None: the next run cannot skip reading)."""
        projects: dict[str, ProjectEntry] = {}
        if keep_removed:
            projects.update((pid, self.projects[pid]) for pid in plan.removed if pid in self.projects)
        unchanged = set(plan.unchanged)  # a set: 10,000 lookups in a tuple of 10,000 would be quadratic
        for pid, d in plan.digests.items():
            if pid in unchanged and pid in self.projects:
                projects[pid] = self.projects[pid]
            elif written.get(pid):
                projects[pid] = ProjectEntry(d, dict(written[pid]))
        return Manifest(
            projects=projects,
            portfolio=portfolio or self.portfolio,
            shared=dict(self.shared if shared is None else shared),
            version=__version__,
            run=run,
        )

    def files(self, *, shared: bool = True) -> dict[str, Output]:
        """Every recorded file (without the shared ones when ``shared`` is false), relative path -> Output."""
        found = {rel: out for entry in self.projects.values() for rel, out in entry.outputs.items()}
        if shared:
            found.update(self.shared)
        return found

    def to_json(self) -> bytes:
        """The manifest as JSON: sorted keys, fixed separators, a final newline (the same run, the same bytes)."""
        data = {
            "format": MANIFEST_FORMAT,
            "planforge": self.version,
            "portfolio": self.portfolio,
            "projects": {
                pid: {"digest": e.digest, "outputs": {rel: _output_json(o) for rel, o in e.outputs.items()}}
                for pid, e in self.projects.items()
            },
            "shared": {rel: _output_json(o) for rel, o in self.shared.items()},
            "run": self.run.to_json() if self.run is not None else None,
        }
        return (json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest | None:
        """The manifest in ``data``, or None when it is not one this version can trust."""
        try:
            raw = json.loads(data.decode("utf-8"))
            if not isinstance(raw, dict) or raw.get("format") != MANIFEST_FORMAT:
                return None
            projects = {
                str(pid): ProjectEntry(
                    _hex(entry["digest"]),
                    {_relpath(rel): _output(o) for rel, o in entry["outputs"].items()},
                )
                for pid, entry in raw["projects"].items()
            }
            shared = {_relpath(rel): _output(o) for rel, o in raw["shared"].items()}
            run = RunRecord.from_json(raw["run"]) if raw.get("run") is not None else None
            return cls(projects, str(raw["portfolio"]), shared, str(raw["planforge"]), run)
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError):
            return None


def load_manifest(out_dir: Path) -> Manifest | None:
    """The manifest the last run left in ``out_dir``, or None (no manifest, an unreadable or foreign
    one, another format): the run is then a cold run, and nothing of the folder is trusted."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        if not path.is_file() or path.is_symlink():
            return None
        return Manifest.from_json(path.read_bytes())
    except OSError:
        return None


def write_manifest(out_dir: Path, manifest: Manifest) -> Path:
    """Write the manifest atomically into ``out_dir`` (temporary file, then rename); returns its path."""
    target = Path(out_dir) / MANIFEST_NAME
    write_bytes(target, manifest.to_json())
    return target


def remove_manifest(out_dir: Path) -> bool:
    """Remove the manifest from ``out_dir`` (a run that cannot write its in-progress manifest must
    not leave the old one, which would take the files it rewrites for hand edits); True when no
    manifest file is left there. Removing needs no free space."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return not path.is_file()
    return True


def edited_by_hand(
    out_dir: Path,
    manifest: Manifest | None = None,
    *,
    projects: Iterable[str] | None = None,
    shared: bool = True,
) -> list[Path]:
    """Recorded files whose bytes are no longer those the manifest says were written (edited since),
    sorted. A rerun never overwrites these silently: it reports them and keeps them unless forced.
    Missing files are not edits (``Manifest.plan`` redoes their project). ``manifest`` defaults to
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
    edited = []
    for rel, recorded in sorted(recorded_files.items()):
        path = out_dir / rel
        try:
            if not path.is_file():
                continue
            if path.stat().st_size != recorded.size or file_digest(path) != recorded.sha256:
                edited.append(path)
        except OSError:
            edited.append(path)  # there but unreadable: not what we wrote, as far as we can tell
    return edited


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _output_json(output: Output) -> dict[str, Any]:
    return {"sha256": output.sha256, "size": output.size}


def _output(raw: Any) -> Output:
    size = raw["size"]
    if type(size) is not int or size < 0:
        raise ValueError("bad size")
    return Output(_hex(raw["sha256"]), size)


def _hex(text: Any) -> str:
    if not isinstance(text, str) or len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise ValueError("not a SHA-256")
    return text


def _relpath(rel: Any) -> str:
    """A recorded path must stay inside the output folder: relative, no '..', no drive or backslash."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or ":" in rel:
        raise ValueError("bad path")
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or any(p in ("..", ".") for p in parts) or rel != "/".join(parts):
        raise ValueError("bad path")
    return rel
