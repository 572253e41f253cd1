"""The run store: the fleet runs users asked for, kept under ``$JALUR_HOME/runs`` and shared by processes.

A run is named by a content hash of what produced it — the scenario's content (levers, sources), the override
files' contents, the number of samples and seed, jalur and data versions — so the same request is served from
the store (:func:`request_id`). Each run is a folder ``runs/<id>/`` written whole in a temporary folder beside it
and renamed into place when the run is done: its results (``iamc.parquet``, ``iamc.csv``, ``workbook.xlsx``,
``report.html``, ``provenance.json``) appear together or not at all. Its status (``queued``, ``running``,
``done``, ``failed``, ``cancelled``), timestamps, progress and request are in ``runs/<id>.json``, replaced
atomically at each change, so any number of processes may read the store while one writes a run. A status left
``running`` by a process that has died reads as ``failed`` ("interrupted"): no run is marked done without its
results. SQL over the runs (``jalur.store.query``) uses an in-process DuckDB on these files, which no process
holds open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

from jalur._version import __version__
from jalur.errors import InputError

STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINAL = ("done", "failed", "cancelled")
#: Result files of a done run, by the name clients ask for.
ARTEFACTS = {"iamc": "iamc.csv", "iamc-parquet": "iamc.parquet", "workbook": "workbook.xlsx",
             "report": "report.html", "provenance": "provenance.json"}
ID_PATTERN = re.compile(r"^[0-9a-f]{16}$")
#: Columns of a run's IAMC table a query may filter on.
IAMC_FILTERS = ("model", "scenario", "region", "variable", "unit")


def _like(prefix_star: str) -> str:
    """A SQL LIKE pattern for a value ending in ``*`` (a prefix), its own % and _ escaped."""
    body = prefix_star[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return body + "%"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _write_json(path: Path, doc: dict) -> None:
    """Replace *path* by *doc* atomically (a reader sees the old or the new file, never half of one)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunStore:
    """The runs under *root* (default ``$JALUR_HOME/runs``); see the module docstring."""

    def __init__(self, root: str | Path | None = None):
        from jalur.home import home

        self.root = Path(root) if root is not None else home() / "runs"
        self.root.mkdir(parents=True, exist_ok=True)

    # --- names -------------------------------------------------------------------------------------------
    def check_id(self, run_id: str) -> str:
        """*run_id* if it is a well-formed id (16 hex digits), else :class:`InputError` (no path traversal)."""
        if not isinstance(run_id, str) or not ID_PATTERN.match(run_id):
            raise InputError(f"run id {run_id!r} is not valid: 16 hexadecimal digits, as `jalur runs list` shows")
        return run_id

    def status_path(self, run_id: str) -> Path:
        return self.root / f"{self.check_id(run_id)}.json"

    def folder(self, run_id: str) -> Path:
        return self.root / self.check_id(run_id)

    # --- status ------------------------------------------------------------------------------------------
    def status(self, run_id: str) -> dict | None:
        """The status of a run (None if the store has no such run); a dead runner's run reads as failed."""
        path = self.status_path(run_id)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"id": run_id, "status": "failed", "error": "the status file is damaged"}
        if doc.get("status") == "running" and not _alive(doc.get("pid")):
            doc.update(status="failed", error="interrupted: the process running it stopped")
        if doc.get("status") == "done" and not self.folder(run_id).is_dir():
            doc.update(status="failed", error="its results are missing")
        return doc

    def update(self, run_id: str, **changes: Any) -> dict:
        doc = self.status(run_id) or {"id": run_id}
        doc.update(changes, updated=now())
        _write_json(self.status_path(run_id), doc)
        return doc

    def list(self, status: str | None = None, scenario: str | None = None) -> list[dict]:
        """Every run's status (or those of a *status* and *scenario*), newest first."""
        out = [self.status(p.stem) for p in self.root.glob("*.json") if ID_PATTERN.match(p.stem)]
        keep = [d for d in out if d and (status is None or d.get("status") == status)
                and (scenario is None or d.get("scenario") == scenario)]
        return sorted(keep, key=lambda d: d.get("created", ""), reverse=True)

    # --- requests ----------------------------------------------------------------------------------------
    def submit(self, request: "RunRequest") -> tuple[dict, bool]:
        """Record a request: (its status, True if it is new). A request already done, queued or running is
        served from the store; one that failed or was cancelled is queued again."""
        run_id = request.id
        doc = self.status(run_id)
        if doc is not None and doc["status"] in ("done", "queued", "running"):
            return doc, False
        doc = {"id": run_id, "status": "queued", "created": now(), "progress": 0.0, "scenario": request.name,
               "request": request.public(), "jalur_version": __version__, "data_version": request.data_version}
        _write_json(self.status_path(run_id), doc)
        return doc, True

    def execute(self, request: "RunRequest", progress: Callable[[float, str], None] | None = None) -> dict:
        """Run a request in this process and store its results (see the module docstring)."""
        from jalur.pathways.model import run

        run_id = request.id
        say = progress or (lambda f, what: None)
        self.update(run_id, status="running", started=now(), pid=os.getpid(), progress=0.05)
        try:
            with tempfile.TemporaryDirectory(prefix="jalur-request-") as folder:
                reg, sc = request.load(Path(folder))
                say(0.1, "projecting the fleet")
                ds = run(sc, registry=reg, samples=request.samples, seed=request.seed)
            self.update(run_id, progress=0.7)
            say(0.7, "writing results")
            return self.record(request, ds, reg)
        except Exception as exc:   # the run's error is the user's to read, in its status
            self.update(run_id, status="failed", finished=now(), error=str(exc), pid=None)
            raise

    def record(self, request: "RunRequest", ds, reg) -> dict:
        """Store a computed run of *request* (its folder appears whole, then its status says done)."""
        from jalur.pathways.iamc import to_iamc
        from jalur.pathways.outputs import write_run

        run_id = request.id
        if self.status(run_id) is None:
            self.submit(request)
        tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=f".tmp-{run_id}-"))
        try:
            out = tmp / "run"
            write_run(ds, out, registry=reg)
            to_iamc(ds).to_parquet(out / "iamc.parquet", index=False)
            final = self.folder(run_id)
            if final.exists():
                shutil.rmtree(final)
            os.replace(out, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return self.update(run_id, status="done", finished=now(), progress=1.0, pid=None)

    # --- results -----------------------------------------------------------------------------------------
    def artefact(self, run_id: str, name: str) -> Path:
        """The path of a done run's result *name* (:data:`ARTEFACTS`)."""
        if name not in ARTEFACTS:
            raise InputError(f"result {name!r} not known; results: {', '.join(ARTEFACTS)}")
        doc = self.status(run_id)
        if doc is None:
            raise InputError(f"no run {run_id} in the store {self.root}")
        if doc["status"] != "done":
            raise InputError(f"run {run_id} is {doc['status']}, not done: it has no results")
        return self.folder(run_id) / ARTEFACTS[name]

    def iamc(self, run_id: str, **filters: str | None):
        """A done run's IAMC table, filtered by column = value (``variable`` may end in ``*``): SQL on the run's
        Parquet file with an in-process DuckDB when it is installed (the ``web`` extra), else pandas."""
        path = self.artefact(run_id, "iamc-parquet")
        wanted = {c: str(v) for c, v in filters.items() if v is not None}
        bad = [c for c in wanted if c not in IAMC_FILTERS]
        if bad:
            raise InputError(f"cannot filter on {bad[0]!r}; filters: {', '.join(IAMC_FILTERS)}")
        try:
            import duckdb
        except ImportError:
            import pandas as pd

            df = pd.read_parquet(path)
            for col, value in wanted.items():
                df = df[df[col].str.startswith(value[:-1])] if value.endswith("*") else df[df[col] == value]
            return df.reset_index(drop=True)
        where = " AND ".join(f"{c} LIKE ? ESCAPE '\\'" if v.endswith("*") else f"{c} = ?" for c, v in wanted.items())
        args = [_like(v) if v.endswith("*") else v for v in wanted.values()]
        with duckdb.connect() as con:
            return con.execute(f"SELECT * FROM read_parquet(?){' WHERE ' + where if where else ''}",
                               [str(path), *args]).df()

    def delete(self, run_id: str) -> bool:
        """Remove a run (its folder and status) from the store; False if there was none. Only the store's own
        files are removed."""
        folder, status = self.folder(run_id), self.status_path(run_id)
        found = status.exists() or folder.exists()
        if folder.is_dir():
            shutil.rmtree(folder)
        status.unlink(missing_ok=True)
        return found

    def export(self, run_id: str, dest: str | Path) -> Path:
        """Copy a done run's results into *dest* (a jalur output folder, see :mod:`jalur.io.outdir`)."""
        self.artefact(run_id, "iamc")
        from jalur.io.outdir import check_out_dir

        dest = Path(dest)
        check_out_dir(dest)
        if dest.exists() and any(dest.iterdir()):
            raise InputError(f"{dest} is not empty: export into a new or empty folder")
        shutil.copytree(self.folder(run_id), dest, dirs_exist_ok=True)
        return dest


NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def _check_document(doc: dict) -> None:
    """A scenario given as a document names itself plainly and extends only a built-in scenario: it can reach no
    file of the server."""
    from jalur.pathways.scenario import ScenarioError, builtin_names

    name = doc.get("name")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ScenarioError(f"scenario name {name!r} is not allowed: 1-80 letters, digits, '-', '_' or '.', "
                            "starting with a letter or digit")
    parent = doc.get("extends")
    if parent is not None and str(parent) not in builtin_names():
        raise ScenarioError(f"extends: {parent!r} is not a built-in scenario; built-in scenarios: "
                            f"{', '.join(builtin_names())}")


class RunRequest:
    """What a run is made of: a scenario (built-in name, YAML path, or a scenario document), override documents
    (the YAML of override files, as mappings), samples and seed. :attr:`id` is its content hash."""

    def __init__(self, scenario: str | dict, overrides: list[dict] | dict | None = None, samples: int = 0,
                 seed: int | None = None, *, own_file: bool = False):
        from jalur import datasets

        if isinstance(overrides, dict):
            overrides = [overrides]
        if isinstance(scenario, dict) and not own_file:   # a document from a client, not the user's own file
            _check_document(scenario)
        self.scenario, self.overrides = scenario, list(overrides or [])
        self.samples, self.seed, self.own_file = int(samples), seed, own_file
        self.data_version = datasets.data_version()
        with tempfile.TemporaryDirectory(prefix="jalur-request-") as tmp:
            _, sc = self.load(Path(tmp))
        from jalur.pathways.scenario import scenario_digest

        self.name = sc.name
        doc = {"scenario": scenario_digest(sc), "overrides": self.overrides, "samples": self.samples,
               "seed": self.seed, "jalur": __version__, "data": self.data_version}
        self.id = hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]

    def public(self) -> dict:
        return {"scenario": self.scenario, "overrides": self.overrides, "samples": self.samples, "seed": self.seed,
                "own_file": self.own_file}

    def load(self, folder: Path):
        """The registry and scenario of the request, files written into *folder*."""
        import yaml

        from jalur import datasets
        from jalur.pathways.model import context
        from jalur.pathways.scenario import load_scenario

        paths = []
        for i, doc in enumerate(self.overrides):
            if isinstance(doc, dict) and set(doc) == {"file", "text"}:    # an override file's own text
                p = folder / f"override-{i}{Path(str(doc['file'])).suffix.lower() or '.yaml'}"
                p.write_text(str(doc["text"]), encoding="utf-8")
            else:
                p = folder / f"override-{i}.yaml"
                p.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
            paths.append(p)
        reg = datasets.load(paths)
        ref: str | Path = self.scenario if isinstance(self.scenario, str) else folder / "scenario.yaml"
        if isinstance(self.scenario, dict):
            Path(ref).write_text(yaml.safe_dump(self.scenario, sort_keys=False, allow_unicode=True), encoding="utf-8")
        elif Path(self.scenario).suffix in (".yaml", ".yml"):
            raise InputError("a request names a built-in scenario or gives the scenario itself, not a file path")
        from jalur.pathways.scenario import ScenarioError

        from jalur.pathways.levers import check_scenario

        try:
            sc = load_scenario(ref, known_sources=set(reg.sources.index), catalogue=context(reg).cat)
            check_scenario(reg, sc)
        except ScenarioError as e:
            raise ScenarioError(str(e).replace(str(folder / "scenario.yaml"), "scenario")) from None
        return reg, sc

    @classmethod
    def from_cli(cls, scenario: str, overrides=None, samples: int = 0, seed: int | None = None) -> "RunRequest":
        """The request of ``jalur run SCENARIO --override FILE ...``: a scenario file is read with its ``extends``
        chain resolved, and override files are kept by their text, so the request stands on its own."""
        from jalur.io.text import read_user_text
        from jalur.pathways.scenario import _read_raw

        doc: str | dict = scenario
        if Path(scenario).suffix in (".yaml", ".yml"):
            raw, _ = _read_raw(scenario)
            doc = {k: v for k, v in raw.items() if k not in ("extends", "path")}
        texts = [{"file": Path(p).name, "text": read_user_text(Path(p), InputError)} for p in overrides or []]
        return cls(doc, texts, samples, seed, own_file=True)
