"""Side-by-side comparison of powertrains, break-even distances and one-at-a-time sensitivity."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jalur import datasets
from dataclasses import replace

from jalur.catalog import STAGES, Stage, catalog
from jalur.datasets import Registry
from jalur.errors import InputError
from jalur.physics.sampled import sampled_tables
from jalur.vehicle.cases import build_cases
from jalur.vehicle.lifecycle import ALL_STAGES, check_regions, check_years, compute, in_scope, lifecycle
from jalur.vehicle.options import Options


def fixed_stages(reg: Registry) -> list[str]:
    """Stages paid once, when the vehicle is made or scrapped (the rest accrue with each km)."""
    cat = catalog(reg)
    return [s for s in STAGES if cat.stage(s).per_vehicle]


def break_even_km(fixed_a, per_km_a, fixed_b, per_km_b):
    """Distance after which vehicle *a* has emitted less in total than reference *b*.

    Parameters
    ----------
    fixed_a, fixed_b : array_like [t CO2e]
        Emissions paid once (production, battery, end of life).
    per_km_a, per_km_b : array_like [g CO2e/km]
        Emissions per km driven (energy supply, tailpipe, land-use change, maintenance).

    Returns
    -------
    array_like [km]
        0 if *a* is never worse; ``inf`` if it never catches up.

    Notes
    -----
    .. math:: d^* = \\frac{10^6\\,(F_a - F_b)}{u_b - u_a}

    Examples
    --------
    >>> float(break_even_km(12.0, 100.0, 8.0, 200.0))
    40000.0
    >>> float(break_even_km(9.0, 250.0, 8.0, 200.0))
    inf
    """
    fa, ua, fb, ub = (np.asarray(x, dtype=float) for x in (fixed_a, per_km_a, fixed_b, per_km_b))
    extra = (fa - fb) * 1e6          # g CO2e more paid up front by a
    saving = ub - ua                 # g CO2e saved by a per km
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(saving > 0, extra / np.where(saving > 0, saving, 1.0), np.inf)
    return np.where(extra <= 0, 0.0, d)


def compare(segment: str, year: int, region: str, *, powertrains=None, reference: str | None = None,
            fuel: str | None = None, registry: Registry | None = None, overrides=None,
            **options: Any) -> pd.DataFrame:
    """Every valid powertrain of *segment*, side by side, with break-even distance against a reference.

    Parameters
    ----------
    segment : str
    year : int
        Registration year.
    region : str
        Grid region of use.
    powertrains : list of str, optional
        Default: all valid for the segment, each on its default fuel (or *fuel* where valid).
    reference : str, optional
        Reference powertrain (default: the segment's first conventional powertrain, ``powertrains.conventional``).
    **options
        :class:`~jalur.vehicle.lifecycle.Options` fields.

    Returns
    -------
    pandas.DataFrame
        One row per powertrain: each stage and ``total`` [g CO2e/km], ``lifetime_t`` [t CO2e],
        ``fixed_t`` [t CO2e], ``per_km`` [g CO2e/km], ``break_even_km`` [km] against the reference.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    ds = lifecycle(segment, powertrains, None, [year], [region], registry=reg, **options)
    df = ds["emissions"].sel(year=year, region=region).to_pandas()
    df.columns = list(df.columns)
    df = df.reset_index()
    # one fuel per powertrain: the chosen one where valid, else the powertrain's default
    keep = []
    cat = catalog(reg)
    for p, sub in df.groupby("powertrain", sort=False):
        want = fuel if fuel in set(sub["fuel"]) else cat.default_fuel(str(p))
        keep.append(sub[sub["fuel"] == want])
    df = pd.concat(keep).reset_index(drop=True)
    life = ds["lifetime_km"].to_pandas().reset_index().rename(columns={"lifetime_km": "km"})
    df = df.merge(life, on=["segment", "powertrain", "fuel"])
    fixed = fixed_stages(reg)
    df["fixed_t"] = df[fixed].sum(axis=1) * df["km"] / 1e6
    df["per_km"] = df[[s for s in STAGES if s not in fixed]].sum(axis=1)
    df["lifetime_t"] = df["total"] * df["km"] / 1e6
    pts = list(df["powertrain"])
    conventional = [p for p in pts if cat.powertrain(p).conventional]
    ref = reference or (conventional[0] if conventional else pts[0])
    if ref not in pts:
        raise InputError(f"reference powertrain {ref!r} not among {', '.join(pts)}")
    r = df[df["powertrain"] == ref].iloc[0]
    df["break_even_km"] = [float(break_even_km(a, u, r["fixed_t"], r["per_km"])) for a, u in zip(df["fixed_t"], df["per_km"])]
    df.attrs.update(ds.attrs)
    df.attrs["reference"] = ref
    df.attrs["in_scope"] = in_scope(ds)
    return df[["segment", "powertrain", "fuel", *ALL_STAGES, "km", "fixed_t", "per_km", "lifetime_t", "break_even_km"]]


#: The value of a choice the data make by a mix rather than one value (``battery-chemistry-mix``).
DATA_MIX = "data mix"
#: Categorical modelling choices a sensitivity compares value by value: option -> (table, column).
CHOICES = {"battery_chemistry": ("battery-production", "chemistry"), "battery_origin": ("cell-origins", "origin"),
           "nickel_route": ("nickel-routes", "route")}


def choices(segment: str, powertrain: str, year: int, region: str, *, fuel: str | None = None,
            registry: Registry | None = None, overrides=None, **options: Any) -> pd.DataFrame:
    """The total under each value of each categorical choice (:data:`CHOICES`), the others as given.

    Returns
    -------
    pandas.DataFrame
        One row per option and value: ``option``, ``value``, ``total`` [g CO2e/km], ``battery`` [g CO2e/km] and
        ``chosen`` (the value of the run's options, where the data default it).
    """
    reg = registry if registry is not None else datasets.load(overrides)
    opt = Options(**options).check(reg)
    cat = catalog(reg)
    cases = build_cases(reg, segment, powertrain, fuel or cat.default_fuel(powertrain))
    st = sampled_tables(reg)
    ys, rs = check_years([year]), check_regions(reg, [region])
    rows = []
    for option, (table, column) in CHOICES.items():
        values = list(dict.fromkeys(reg.table(table).frame[column].astype(str)))
        if getattr(Options(), option) is None and option not in ("battery_origin", "nickel_route"):
            values = [DATA_MIX] + values          # the data's own choice (a mix), before forcing one
        for value in values:
            pick = None if value == DATA_MIX else value
            stages = compute(st, cases, ys, rs, replace(opt, **{option: pick}))["stages"].values[0, 0, 0, 0]
            rows.append({"option": option, "value": value, "total": float(stages.sum()),
                         Stage.BATTERY.value: float(stages[list(STAGES).index(Stage.BATTERY.value)]),
                         "chosen": pick == getattr(opt, option)})
    return pd.DataFrame(rows)


def sensitivity(segment: str, powertrain: str, year: int, region: str, *, fuel: str | None = None,
                registry: Registry | None = None, overrides=None, top: int | None = None,
                **options: Any) -> pd.DataFrame:
    """One-at-a-time sensitivity of the total: each uncertain input set to its low, then high value, and each
    categorical choice (:data:`CHOICES`) set to its lowest and highest value.

    Returns
    -------
    pandas.DataFrame
        One row per input factor or choice that moves the total, ranked by ``swing`` = |high - low|
        [g CO2e/km], with ``total_low``/``total_high`` (total with the input at low/high, or under the choice's
        lowest/highest value, named in ``between``) and ``base``.
    """
    reg = registry if registry is not None else datasets.load(overrides)
    opt = Options(**options).check(reg)
    cat = catalog(reg)
    cat.powertrain(powertrain)
    cases = build_cases(reg, segment, powertrain, fuel or cat.default_fuel(powertrain))
    st = sampled_tables(reg, oat=True)
    total = compute(st, cases, check_years([year]), check_regions(reg, [region]), opt)["stages"].sum("stage")
    total = total.values[:, 0, 0, 0]
    base = total[0]
    lo, hi = total[1::2], total[2::2]
    df = pd.DataFrame({"input": st.space.labels, "total_low": lo, "total_high": hi, "between": ""})
    picks = choices(segment, powertrain, year, region, fuel=fuel, registry=reg, **options)
    for option, sub in picks.groupby("option", sort=False):
        low, high = sub.loc[sub["total"].idxmin()], sub.loc[sub["total"].idxmax()]
        df.loc[len(df)] = {"input": f"choice: {option}", "total_low": low["total"], "total_high": high["total"],
                           "between": f"{low['value']} .. {high['value']}"}
    df["swing"] = (df["total_high"] - df["total_low"]).abs()
    df = df[df["swing"] > 1e-9 * max(abs(base), 1.0)].sort_values("swing", ascending=False).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    df["base"] = base
    return df.head(top) if top else df


def write_compare_chart(df: pd.DataFrame, path, title: str) -> None:
    """Write the stacked-bar chart of a :func:`compare` result to *path* (``.html`` or ``.png``)."""
    from jalur.charts import stacked_stages, write_chart

    cat = catalog(datasets.load())
    stages = [(s, f"{cat.stage(s).label_en} / {cat.stage(s).label_id}", cat.stage(s).colour) for s in STAGES]
    d = df.assign(label=df["powertrain"] + " (" + df["fuel"] + ")")
    fig = stacked_stages(d, f"{title} (jalur {df.attrs['jalur_version']}, data {df.attrs['data_version']})",
                         df.attrs["units"], stages, reference=df.attrs["reference"])
    write_chart(fig, path)
