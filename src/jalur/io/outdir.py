"""Output folders that never lose a user's work.

A command writes its files into a hidden temporary folder *inside* the output folder (so that every move is a
rename on one file system, also on a USB stick, a network share or a container volume), then moves each file
into place. The folder's manifest, ``.jalur-output``, lists the files jalur wrote there, their SHA-256 and the
command that wrote them. Only those files, unchanged, are ever replaced or removed, and only by the same kind of
command (``jalur compare`` into a folder of ``jalur run`` outputs keeps them); every other file is the user's. A
file jalur would write that is not its own unchanged file stops the command before anything moves.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from jalur._version import __version__
from jalur.errors import OutputError
from jalur.io.files import atomic_write_text, write_failure

#: The manifest of an output folder.
MARKER = ".jalur-output"
#: Prefix of the temporary folders jalur makes inside an output folder (stale ones, from a killed run, are removed).
TMP_PREFIX = ".jalur-tmp-"


@dataclass
class OutDir:
    """An output folder being written.

    Attributes
    ----------
    out : Path
        The output folder.
    tmp : Path
        The temporary folder inside it that the command writes into.
    kind : str
        The command writing (``run``, ``compare``): it replaces or removes only its own earlier files.
    previous : dict
        Files jalur wrote before: relative path -> SHA-256 digests it accepts as its own.
    by : dict
        Relative path -> the kind of command that wrote it.
    created : bool
        Whether this command created the output folder (it is removed again if the command fails).
    """

    out: Path
    tmp: Path
    kind: str
    previous: dict[str, list[str]] = field(default_factory=dict)
    by: dict[str, str] = field(default_factory=dict)
    created: bool = False


def _digest(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _inside(out: Path, rel: str) -> bool:
    """Whether a manifest entry names a file inside *out* (not an absolute path, not climbing out with '..')."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or not rel:
        return False
    try:
        (out / p).resolve().relative_to(out.resolve())
        return True
    except ValueError:
        return False


def read_manifest(out: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The files jalur wrote in *out* (relative path -> accepted SHA-256 digests) and the command that wrote each.

    A manifest jalur cannot read (an older jalur's marker, a damaged file) vouches for no file; an entry naming a
    file outside the folder is ignored.
    """
    m = out / MARKER
    if not m.is_file():
        return {}, {}
    try:
        doc = json.loads(m.read_text(encoding="utf-8"))
        files = {str(k): [str(d) for d in v] for k, v in doc["files"].items() if _inside(out, str(k))}
        by = {str(k): str(v) for k, v in (doc.get("by") or {}).items() if str(k) in files}
        return files, by
    except (ValueError, KeyError, TypeError, AttributeError, OSError):
        return {}, {}


def check_out_dir(out_dir: str | Path) -> Path:
    """Fail early, before any work, when *out_dir* is a file or lies where nothing can be written."""
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    ancestor = next(p for p in (out, *out.parents) if p.exists())
    if not ancestor.is_dir():
        raise OutputError(f"cannot write to --out {out}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write to --out {out}: {ancestor} cannot be written")
    return out


def prepare_out_dir(out_dir: str | Path, kind: str = "run") -> OutDir:
    """Check an output folder, create it if missing, and make the temporary folder to write into.

    Raises
    ------
    OutputError
        If *out_dir* is a file or cannot be created or written.
    """
    out = check_out_dir(out_dir)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob(f"{TMP_PREFIX}*"):  # left by a run that was killed
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write to --out {out}: {write_failure(exc, out)}") from None
    previous, by = read_manifest(out)
    return OutDir(out, tmp, kind, previous, by, created)


def discard(od: OutDir) -> None:
    """Remove the temporary folder (and the output folder, if this command created it and it is empty)."""
    shutil.rmtree(od.tmp, ignore_errors=True)
    if od.created:
        try:
            od.out.rmdir()
        except OSError:
            pass


def _in_the_way(od: OutDir, names: tuple[str, ...]) -> list[str]:
    """Files the command would write that exist in the folder and are not jalur's unchanged files."""
    clash = []
    for rel in names:
        p = od.out / rel
        if p.exists() and (p.is_dir() or rel not in od.previous or _digest(p) not in od.previous[rel]):
            clash.append(rel)
    return clash


def _write_manifest(out: Path, files: dict[str, list[str]], by: dict[str, str]) -> None:
    doc = {"written_by": f"jalur {__version__}", "note": "files jalur wrote here (SHA-256) and the command that "
           "wrote each; jalur replaces only these, only while unchanged; any other file in this folder is kept",
           "files": files, "by": by}
    atomic_write_text(out / MARKER, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def commit_out_dir(od: OutDir) -> Path:
    """Move the finished files into place, one rename each, keeping every file jalur did not write.

    A file of the same name that jalur did not write, or that was changed since (an edited workbook), stops the
    commit before anything moves: :class:`OutputError` names it. Files the same kind of command wrote before and
    did not write again are removed if unchanged. While files move, the manifest accepts old and new digests, so
    an interrupted move is never mistaken for a user's edit.
    """
    out, tmp = od.out, od.tmp
    new = {p.relative_to(tmp).as_posix(): _digest(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
    clash = _in_the_way(od, tuple(new))
    if clash:
        discard(od)
        names = ", ".join(clash[:6]) + (f" and {len(clash) - 6} more" if len(clash) > 6 else "")
        damaged = (out / MARKER).exists() and not od.previous
        why = (f"its manifest {MARKER} cannot be read, so jalur cannot tell its own files from yours" if damaged
               else "jalur did not write them, or they were changed after jalur wrote them")
        raise OutputError(f"--out {out} already holds {names}: {why}; jalur never overwrites such files. Move or "
                          "rename them, or give another --out (files of other names in the folder are always kept)")
    try:
        by = {**od.by, **{rel: od.kind for rel in new}}
        _write_manifest(out, {**od.previous, **{rel: sorted(set(od.previous.get(rel, [])) | {d})
                                                for rel, d in new.items()}}, by)
        for rel in new:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, out / rel)
        kept = {}
        for rel, digests in od.previous.items():
            p = out / rel
            if rel in new or not p.is_file():
                continue
            if od.by.get(rel) == od.kind and _digest(p) in digests:  # this command's own stale file
                p.unlink()
                for d in p.parents:
                    if d == out or any(d.iterdir()):
                        break
                    d.rmdir()
            else:
                kept[rel] = digests
        _write_manifest(out, {**kept, **{rel: [d] for rel, d in new.items()}},
                        {rel: k for rel, k in by.items() if rel in kept or rel in new})
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(f"cannot write to --out {out}: {write_failure(exc, out)}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
