"""Many runs at once: a base scenario with varied levers (for sensitivity and uncertainty studies)."""

from __future__ import annotations

import copy
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Iterable

import numpy as np
import pandas as pd

from jalur import datasets
from jalur.datasets import Registry
from jalur.pathways.context import YEARS, context
from jalur.pathways.levers import check_scenario
from jalur.pathways.mix import powertrain_shares
from jalur.pathways.model import run
from jalur.pathways.scenario import Scenario, ScenarioError, _deep_merge, load_scenario
from jalur.pathways.variables import compact_units


def vary(base: Scenario, changes: dict[str, Any], name: str) -> Scenario:
    """A copy of *base* with lever *changes* deep-merged in, validated like a scenario file.

    Raises
    ------
    ScenarioError
        For a change the schema rejects (named by its key path).
    """
    raw = base.model_dump(mode="python")
    raw["levers"] = _deep_merge(raw["levers"], changes)
    raw.update(name=name, extends=None, path=f"{base.path} + {sorted(changes)}")
    try:
        return Scenario.model_validate(raw)
    except Exception as exc:  # pydantic ValidationError
        raise ScenarioError(f"variation {name}: {exc}") from None


def _worker(args) -> list[tuple]:
    reg, base, chunk = args
    out = []
    for i, changes in chunk:
        res = run(vary(base, changes, f"run-{i}"), registry=reg, compact=True)
        out.append((i, res))
    return out


def run_batch(base: str | Scenario, variations: Iterable[dict[str, Any]], *, registry: Registry | None = None,
              overrides=None, workers: int = 1, progress=None) -> pd.DataFrame:
    """Run *base* once per lever variation and return national totals of every run.

    Parameters
    ----------
    base : str or Scenario
        Built-in name, YAML path or scenario.
    variations : iterable of dict
        Lever changes per run, e.g. ``{"biodiesel_blend": {2030: 50}, "fuel_economy": 1.2}``.
    workers : int
        Processes to use (each loads the data once); 1 runs in this process.
    progress : callable, optional
        Called with the number of runs finished so far.

    Returns
    -------
    pandas.DataFrame
        Columns ``run, variable, unit`` and one column per year 2010-2060 (the ``compact`` variables of
        :mod:`jalur.pathways.variables`).
    """
    reg = registry if registry is not None else datasets.load(overrides)
    ctx = context(reg)
    sc = base if isinstance(base, Scenario) else load_scenario(base, known_sources=set(reg.sources.index),
                                                                catalogue=ctx.cat)
    items = list(enumerate(copy.deepcopy(list(variations))))
    for i, ch in items:  # validate every variation (schema, data names, share paths) before spending time on runs
        v = vary(sc, ch, f"run-{i}")
        check_scenario(reg, v)
        for k in ctx.classes:
            powertrain_shares(ctx, v, k)
    results: dict[int, dict] = {}
    if workers <= 1:
        for i, ch in items:
            results[i] = run(vary(sc, ch, f"run-{i}"), registry=reg, compact=True)
            if progress:
                progress(len(results))
    else:
        chunks = [items[w::workers] for w in range(workers)]
        with ProcessPoolExecutor(max_workers=workers) as ex:  # each worker gets this registry (pickled, no caches)
            for part in ex.map(_worker, [(reg, sc, c) for c in chunks if c]):
                for i, res in part:
                    results[i] = res
                if progress:
                    progress(len(results))
    units = compact_units()
    rows = []
    for i in sorted(results):
        for v, arr in results[i].items():
            rows.append([i, v, units[v], *np.asarray(arr, dtype=float)])
    return pd.DataFrame(rows, columns=["run", "variable", "unit", *[int(y) for y in YEARS]])
