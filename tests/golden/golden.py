"""Golden results: the whole IAMC table (every variable, region and year) of each built-in scenario.

``compute(name)`` runs a scenario; ``differences(old, new)`` lists what changed beyond the tolerance.
Used by ``tests/test_golden.py`` and by ``tests/golden/regenerate.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
KEY = ["region", "variable", "unit"]
#: Relative tolerance: the runs are deterministic; this leaves room for floating-point differences between
#: NumPy builds and operation orders (1e-7 is far below any modelling change worth reviewing).
RTOL = 1e-7
#: Absolute tolerance in each variable's own IAMC unit, for values that are (close to) zero.
ATOL = 1e-9


def compute(name: str, registry=None) -> pd.DataFrame:
    """The IAMC table of the built-in scenario *name* (columns region, variable, unit, years as str)."""
    from jalur.pathways.iamc import to_iamc
    from jalur.pathways.model import run

    df = to_iamc(run(name, registry=registry)).drop(columns=["model", "scenario"])
    df.columns = [str(c) for c in df.columns]
    return df.reset_index(drop=True)


def path(name: str) -> Path:
    return HERE / f"{name}.csv"


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(path(name), keep_default_na=True)


def differences(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows (region, variable, unit, year, old, new, change_pct) that differ beyond the tolerance.

    A variable present on one side only is listed with the other side empty.
    """
    years = [c for c in new.columns if c not in KEY]
    o = old.set_index(KEY)
    n = new.set_index(KEY)
    rows = []
    for key in o.index.union(n.index, sort=False):
        if key not in o.index or key not in n.index:
            rows.append((*key, "all", np.nan if key not in o.index else "present",
                         np.nan if key not in n.index else "present", np.nan))
            continue
        a = o.loc[key, years].to_numpy(float)
        b = n.loc[key, years].to_numpy(float)
        bad = ~np.isclose(b, a, rtol=RTOL, atol=ATOL, equal_nan=True)
        for y, x0, x1 in zip(np.array(years)[bad], a[bad], b[bad]):
            rows.append((*key, y, x0, x1, 100 * (x1 / x0 - 1) if x0 else np.nan))
    return pd.DataFrame(rows, columns=[*KEY, "year", "old", "new", "change_pct"])
