"""The run manifest file: what the last run wrote into the output folder, and from what.

A run leaves ``.planforge-manifest.json`` in the output folder. Per project it holds the digest of
everything the project's files are made from (``digests.project_digest``), and the SHA-256 and size
of each file written for it (paths relative to the output folder, ``/``-separated); the shared files
(summary, index) are held the same way under the digest of the whole portfolio. A complete run also
records what it found (``RunRecord``), so a rerun with byte-identical inputs need not read at all.

The manifest is JSON written with sorted keys and fixed indentation: the same run gives the same
bytes. It is written atomically (``write_manifest``); reading trusts nothing (``load_manifest``): a
missing, unreadable or foreign manifest, one of another format or whose paths would leave the output
folder is None, and the run is a cold run. No modification times are stored: they would make the
manifest differ between identical runs, and an edit that keeps the size and the second is still
caught by the hash (``planner.edited_by_hand``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from planforge._version import __version__
from planforge.core.atomic import write_bytes
from planforge.core.errors import Problem
from planforge.core.versions import DocumentVersion, Revision
from planforge.rerun.codec import decode_problem, decode_strings, encode_problem
from planforge.rerun.digests import file_digest

MANIFEST_NAME = ".planforge-manifest.json"
#: Bumped when the manifest's layout changes; a manifest of another format is ignored (a cold run).
MANIFEST_FORMAT = 4  # 3: each project records the version its documents were issued under; 4: its summary facts
#: The formats this version reads: a folder written by a version before keeps its records (and so
#: its hand edits) across the upgrade; its projects have no recorded version yet (1.0) before 3, and
#: no summary facts before 4 (the next run that rewrites the summary derives them again).
READABLE_FORMATS = (2, 3, 4)
#: The digest a manifest records for what is not current (a kept hand edit, a file that failed): no
#: run computes it, so the next run redoes that project or the shared files.
NOT_CURRENT = "0" * 64


@dataclass(frozen=True, slots=True)
class RunRecord:
    """What a complete run found, so a rerun with byte-identical inputs can skip reading entirely.

    ``key`` is ``run_key`` of the run's inputs (each workbook's name and bytes, the options, the
    template folders, the version); ``problems`` the run's report (without the problems about the
    output folder, which a rerun finds again); ``invalid`` each project held back for errors, with
    the positions of its problems in ``problems``; ``valid`` every project that passed, and
    ``selected`` those the run wrote (all of them unless limited with ``only``), in run order;
    ``documents`` the document kinds written (Settings may choose them); ``linked`` the files the
    workbooks name (Settings > Logo) with their digests (``Portfolio.linked``), which a rerun checks
    again since the workbooks' bytes do not hold them."""

    key: str
    problems: tuple[Problem, ...] = ()
    invalid: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    valid: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    linked: Mapping[str, str] = field(default_factory=dict)

    def linked_unchanged(self, digest_of: Callable[[Path], str]) -> bool:
        """Whether every linked file still has its recorded digest (``digest_of`` computes one)."""
        return all(digest_of(Path(path)) == recorded for path, recorded in self.linked.items())

    def to_json(self) -> dict[str, Any]:
        texts: dict[str, int] = {}  # the few distinct codes, files, sheets, columns and hints, stored once
        return {
            "key": self.key,
            "problems": [encode_problem(p, texts) for p in self.problems],
            "texts": list(texts),
            "invalid": {pid: list(at) for pid, at in self.invalid.items()},
            "valid": list(self.valid),
            "selected": list(self.selected),
            "documents": list(self.documents),
            "linked": dict(self.linked),
        }

    @classmethod
    def from_json(cls, raw: Any) -> RunRecord:
        texts = decode_strings(raw["texts"])
        problems = tuple(decode_problem(p, texts) for p in raw["problems"])
        invalid = {}
        for pid, at in raw["invalid"].items():
            if not all(type(i) is int and 0 <= i < len(problems) for i in at):
                raise ValueError("bad problem position")
            invalid[str(pid)] = tuple(at)
        return cls(
            _hex(raw["key"]),
            problems,
            invalid,
            decode_strings(raw["valid"]),
            decode_strings(raw["selected"]),
            decode_strings(raw["documents"]),
            _linked(raw.get("linked", {})),
        )


def _linked(raw: Any) -> dict[str, str]:
    """The linked files of a stored run record: path -> hex digest (or "")."""
    if not isinstance(raw, dict) or not all(type(k) is str and type(v) is str for k, v in raw.items()):
        raise ValueError("bad linked files")
    return {path: _hex(digest) if digest else "" for path, digest in raw.items()}


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
    """One project in the manifest: the digest of its inputs, its files (relative path -> Output), and
    the version its documents were issued under."""

    digest: str
    outputs: Mapping[str, Output] = field(default_factory=dict)
    #: the version its documents were last issued under (``core.versions``); see ``issued``
    version: DocumentVersion | None = None
    #: the same as read from the manifest file, decoded only when asked for (``issued``): a rerun
    #: that leaves a project alone copies it as it was, and 10,000 of them cost nothing to load
    stored: Any = field(default=None, compare=False, repr=False)
    #: what the portfolio summary shows of the project, as JSON (``portfolio.facts``; opaque here): a
    #: rerun that rewrites the summary takes an unchanged project's row from it instead of deriving it
    facts: Any = field(default=None, compare=False, repr=False)

    def issued(self) -> DocumentVersion | None:
        """The version the project's documents were last issued under (None: none recorded, or unreadable)."""
        if self.version is not None or self.stored is None:
            return self.version
        try:
            return _version(self.stored)
        except (ValueError, KeyError, TypeError):
            return None


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
                pid: {
                    "digest": e.digest,
                    "outputs": {rel: _output_json(o) for rel, o in e.outputs.items()},
                    "version": _version_json(e.version) if e.version is not None else e.stored,
                    "facts": e.facts,
                }
                for pid, e in self.projects.items()
            },
            "shared": {rel: _output_json(o) for rel, o in self.shared.items()},
            "run": self.run.to_json() if self.run is not None else None,
        }
        return (json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, *, only_run: str | None = None) -> Manifest | None:
        """The manifest in ``data``, or None when it is not one this version can trust. ``only_run``:
        the run key of the run reading it, which can use the run record only if its key is that one;
        another key's record is not decoded (``run`` None: 10,000 projects' problems cost a second)."""
        try:
            raw = json.loads(data.decode("utf-8"))
            if not isinstance(raw, dict) or raw.get("format") not in READABLE_FORMATS:
                return None
            projects = {
                str(pid): ProjectEntry(
                    _hex(entry["digest"]),
                    {_relpath(rel): _output(o) for rel, o in entry["outputs"].items()},
                    None,
                    entry.get("version"),
                    entry.get("facts"),
                )
                for pid, entry in raw["projects"].items()
            }
            shared = {_relpath(rel): _output(o) for rel, o in raw["shared"].items()}
            stored_run = raw.get("run")
            if only_run is not None and isinstance(stored_run, dict) and stored_run.get("key") != only_run:
                stored_run = None
            run = RunRecord.from_json(stored_run) if stored_run is not None else None
            return cls(projects, str(raw["portfolio"]), shared, str(raw["planforge"]), run)
        except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError):
            return None


def load_manifest(out_dir: Path, *, only_run: str | None = None) -> Manifest | None:
    """The manifest the last run left in ``out_dir``, or None (no manifest, an unreadable or foreign
    one, another format): the run is then a cold run, and nothing of the folder is trusted.
    ``only_run``: see ``Manifest.from_json``."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        if not path.is_file() or path.is_symlink():
            return None
        return Manifest.from_json(path.read_bytes(), only_run=only_run)
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


def _version_json(version: DocumentVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "version": version.version,
        "issued": version.issued.isoformat(),
        "summary": version.summary,
        # one string (JSON inside): the manifest file's parse skips over it until a rerun asks
        "facts": json.dumps([list(f) for f in version.facts], ensure_ascii=False, separators=(",", ":")),
        "history": [[r.version, r.issued.isoformat(), r.summary] for r in version.history],
    }


def _version(raw: Any) -> DocumentVersion | None:
    """A stored ``DocumentVersion`` (``ValueError`` for anything but one ``_version_json`` wrote)."""
    if raw is None:
        return None
    facts = tuple((_str(label), _str(text)) for label, text in json.loads(_str(raw["facts"])))
    history = tuple(Revision(_str(v), date.fromisoformat(_str(d)), _str(s)) for v, d, s in raw["history"])
    return DocumentVersion(
        _str(raw["version"]), date.fromisoformat(_str(raw["issued"])), _str(raw["summary"]), facts, history
    )


def _str(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("not text")
    return raw


def _output_json(output: Output) -> dict[str, Any]:
    return {"sha256": output.sha256, "size": output.size}


def _output(raw: Any) -> Output:
    size = raw["size"]
    if type(size) is not int or size < 0:
        raise ValueError("bad size")
    return Output(_hex(raw["sha256"]), size)


_HEX = frozenset("0123456789abcdef")


def _hex(text: Any) -> str:
    if not isinstance(text, str) or len(text) != 64 or not _HEX.issuperset(text):
        raise ValueError("not a SHA-256")
    return text


def _relpath(rel: Any) -> str:
    """A recorded path must stay inside the output folder: relative, no '..', no drive or backslash."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or ":" in rel:
        raise ValueError("bad path")
    if any(part in ("", ".", "..") for part in rel.split("/")):  # also an absolute path, "a//b" and "a/"
        raise ValueError("bad path")
    return rel
