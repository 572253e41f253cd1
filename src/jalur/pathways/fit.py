"""The fit of the fleet model to Indonesian history: the script behind the ``fit-fleet-calibration`` rows of
``fleet-parameters``.

    python -m jalur.pathways.fit                     # fit; print the parameters and the calibration summary
    python -m jalur.pathways.fit --out fit.yaml      # ... and write them as an override file (with --override:
                                                     #     your data), for `jalur run --override fit.yaml`
    python -m jalur.pathways.fit --write             # developers: write them into the shipped table

Inputs with their own sources stay fixed (first-year km by segment, km decline, fuel use per km, road shares of
national fuel, the in-use and registration shapes). The fit moves a small, named set of parameters per class
within the bounds (low/high) of their ``fleet-parameters`` rows:

1. **registrations** (:func:`fit_registrations`), class by class: ``registration_weibull_scale``,
   ``initial_registered_stock`` and ``bps_2015_2022_ratio``, least squares on the relative error of the
   published BPS rows (:mod:`jalur.pathways.calibration`);
2. **use** (:func:`fit_use`), all classes at once: ``weibull_scale`` (in-use survival), ``annual_km_scale`` and
   ``km_trend_history`` against road gasoline and road diesel of the fitted years, the vehicles in use and the
   four-wheelers' share of road gasoline, each weighted by its range (low/high as +/- 2 standard deviations), with
   a prior on each parameter: the middle of its bounds (geometric for scales), a quarter of their (log-)distance as
   the standard deviation;
3. the registrations again, with the fitted in-use curves (they set the age profile of the 2010 fleet).

Fuel is linear in the km scale; the in-use curve is evaluated by full model runs on a grid of scales and
interpolated. The result is deterministic: a test re-runs the fit and finds the shipped rows.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from jalur import datasets
from jalur.datasets import Registry
from jalur.errors import JalurError
from jalur.fleet.survival import AGES, weibull_survival
from jalur.pathways.calibration import (
    HISTORY, OLD_BASIS_END, calibration_report, calibration_summary, observations, road_fuel_by_class,
)
from jalur.pathways.context import HIST_YEARS, context
from jalur.pathways.scenario import Levers
from jalur.physics.activity import ClassUse, fleet_parameter, in_use_curve

SOURCE = "fit-fleet-calibration"
#: Parameters the fit moves, by step.
REGISTRATION = ("registration_weibull_scale", "initial_registered_stock", "bps_2015_2022_ratio")
USE = ("weibull_scale", "annual_km_scale", "km_trend_history")
#: Points of the grid of in-use scales evaluated by model runs.
GRID = 24


@dataclasses.dataclass(frozen=True)
class Bounds:
    low: float
    high: float

    @property
    def log(self) -> bool:
        """Positive bounds: the parameter is fitted in log space (a scale); otherwise as it is (a trend)."""
        return self.low > 0

    @property
    def prior(self) -> float:
        """The geometric middle of positive bounds, else the arithmetic middle."""
        return float(np.sqrt(self.low * self.high)) if self.log else (self.low + self.high) / 2

    @property
    def sigma(self) -> float:
        """A quarter of the bounds' (log-)distance: the prior's standard deviation in the fitted space."""
        return float(np.log(self.high / self.low) / 4) if self.log else (self.high - self.low) / 4

    def to_fit(self, v):
        return np.log(v) if self.log else v

    def from_fit(self, x):
        return np.exp(x) if self.log else x


def bounds(reg: Registry, name: str, vclass: str) -> Bounds:
    """The low/high of a ``fleet-parameters`` row (the fitted rows are stored in their canonical units)."""
    row = reg.table("fleet-parameters").where(parameter=name, **{"class": vclass}).frame.iloc[0]
    return Bounds(float(row["low"]), float(row["high"]))


# --------------------------------------------------------------------------------------------------
# step 1 and 3: registrations
# --------------------------------------------------------------------------------------------------

def _registered(ctx, k: str, use: ClassUse, n0: float) -> np.ndarray:
    """Modelled registrations of class *k* in the history years with this use and starting stock [vehicle]."""
    from jalur.pathways.turnover import class_fleet

    h2 = dataclasses.replace(ctx.history[k], use=use, initial_registered=n0)
    ctx2 = dataclasses.replace(ctx, history={**ctx.history, k: h2})
    return class_fleet(ctx2, Levers(), k).registered_history


def fit_registrations(reg: Registry, survival: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Registration retention scale, end-2010 registrations and the older BPS basis ratio of each class.

    *survival* gives each class's in-use curve before the cap by the retention (it shapes the 2010 fleet's use).
    """
    ctx = context(reg)
    obs = observations(reg)
    years = list(int(y) for y in HIST_YEARS)
    out = {}
    for k in ctx.classes:
        o = obs[(obs["quantity"] == "registered-stock") & (obs["class"] == k) & (obs["role"] == "fit")]
        t = np.array([years.index(int(y)) for y in o["year"]])
        y_obs = o["observed"].to_numpy(float)
        old = o["year"].to_numpy() <= OLD_BASIS_END
        shape = fleet_parameter(reg, "registration_weibull_shape", k, "1")
        base = ctx.history[k].use
        raw = survival[k]
        b_lam, b_n0, b_b = (bounds(reg, p, k) for p in REGISTRATION)
        best = None
        for lam in np.geomspace(b_lam.low, b_lam.high, 61):
            ret = weibull_survival(AGES, shape, lam)
            use = dataclasses.replace(base, retention=ret, survival=in_use_curve(raw, ret))
            r0 = _registered(ctx, k, use, 0.0)[t]
            a = _registered(ctx, k, use, 1.0)[t] - r0
            for b in np.linspace(b_b.low, b_b.high, 71) if old.any() else [1.0]:
                sc = np.where(old, b, 1.0)
                A, B = sc * a / y_obs, 1 - sc * r0 / y_obs
                n0 = float(np.clip((A @ B) / (A @ A), b_n0.low, b_n0.high))
                err = sc * (n0 * a + r0) / y_obs - 1
                rms = float(np.sqrt(np.mean(err ** 2)))
                if best is None or rms < best[0]:
                    best = (rms, float(lam), n0, float(b))
        out[k] = dict(zip(("rmse_pct",) + REGISTRATION, (100 * best[0],) + best[1:]))
        if not old.any():
            out[k]["bps_2015_2022_ratio"] = fleet_parameter(reg, "bps_2015_2022_ratio", k, "1")
    return out


# --------------------------------------------------------------------------------------------------
# step 2: use (in-use survival and km) against road fuel and vehicles in use
# --------------------------------------------------------------------------------------------------

def _override(path: Path, rows: list[dict]) -> Path:
    from jalur.io import atomic_write_text

    return atomic_write_text(path, yaml.safe_dump({"tables": {"fleet-parameters": rows}}, sort_keys=False))


def _rows(params: dict[tuple[str, str], float], reg: Registry, ranges: bool = True) -> list[dict]:
    unit = {"registration_weibull_scale": "year", "initial_registered_stock": "vehicles", "bps_2015_2022_ratio": "1",
            "weibull_scale": "year", "annual_km_scale": "1", "km_trend_history": "1/year"}
    out = []
    for (name, k), v in params.items():
        b = bounds(reg, name, k)
        out.append({"parameter": name, "class": k, "value": _round(v), "unit": unit[name],
                    "low": _round(b.low) if ranges else None, "high": _round(b.high) if ranges else None,
                    "source_id": SOURCE})
    return out


def _round(v: float) -> float:
    return float(f"{v:.5g}")


def _grid_runs(reg: Registry, registration: dict, scales: np.ndarray, tmp: Path):
    """In-use stock by class and road fuel by (class, product) in the history years, for each in-use scale."""
    from jalur.pathways.model import run

    ctx = context(reg)
    years = np.isin(np.arange(2010, 2061), HIST_YEARS)
    fixed = {(p, k): registration[k][p] for k in ctx.classes for p in REGISTRATION}
    stock, fuel = [], []
    for j, lam in enumerate(scales):
        params = (fixed | {("weibull_scale", k): lam for k in ctx.classes}
                  | {("annual_km_scale", k): 1.0 for k in ctx.classes} | {("km_trend_history", k): 0.0 for k in ctx.classes})
        r = datasets.apply_override(reg, _override(tmp / f"grid{j}.yaml", _rows(params, reg, ranges=False)))
        ds = run(HISTORY, registry=r)
        cls = ds["class"].values
        stock.append({k: ds["stock"].values[cls == k].sum(axis=0)[years] for k in ctx.classes})
        fuel.append({key: v[years] for key, v in road_fuel_by_class(ds, ctx.cat, ctx.classes).items()})
    return stock, fuel


def _interp(table: np.ndarray, log_scales: np.ndarray, x: float) -> np.ndarray:
    """Linear interpolation in log scale of rows of *table* (grid, year)."""
    i = int(np.clip(np.searchsorted(log_scales, x) - 1, 0, len(log_scales) - 2))
    w = (x - log_scales[i]) / (log_scales[i + 1] - log_scales[i])
    return table[i] * (1 - w) + table[i + 1] * w


def _levenberg_marquardt(f, x0: np.ndarray, lo: np.ndarray, hi: np.ndarray, iters: int = 100) -> np.ndarray:
    """Minimise sum(f(x)^2) within [lo, hi] (projected Levenberg-Marquardt, forward-difference Jacobian)."""
    x, lam = np.clip(x0, lo, hi), 1e-3
    r = f(x)
    for _ in range(iters):
        J = np.stack([(f(x + e) - r) / 1e-6 for e in np.eye(len(x)) * 1e-6], axis=1)
        g, H = J.T @ r, J.T @ J
        step = np.linalg.solve(H + lam * np.diag(np.diag(H) + 1e-12), -g)
        x_new = np.clip(x + step, lo, hi)
        r_new = f(x_new)
        if r_new @ r_new < r @ r:
            done = abs(r @ r - r_new @ r_new) < 1e-12 * (1 + r @ r)
            x, r, lam = x_new, r_new, lam / 3
            if done:
                break
        else:
            lam *= 4
            if lam > 1e8:
                break
    return x


def fit_use(reg: Registry, registration: dict) -> dict[str, dict[str, float]]:
    """In-use Weibull scale, first-year km scale and historical km trend of each class (step 2 of the docstring).

    Fuel in a history year *y* is linear in the km scale and scales with :math:`(1+\\tau)^{y - y_T}` for the trend:
    only the in-use scale needs model runs.
    """
    ctx = context(reg)
    classes = list(ctx.classes)
    b = {(p, k): bounds(reg, p, k) for p in USE for k in classes}
    scales = np.geomspace(min(b["weibull_scale", k].low for k in classes),
                          max(b["weibull_scale", k].high for k in classes), GRID)
    with tempfile.TemporaryDirectory() as tmp:
        stock, fuel = _grid_runs(reg, registration, scales, Path(tmp))
    logs = np.log(scales)
    years = list(int(y) for y in HIST_YEARS)
    obs = observations(reg)
    obs = obs[(obs["role"] == "fit") & obs["quantity"].isin(["road-fuel", "in-use-stock", "four-wheel-share"])]
    obs = obs.reset_index(drop=True)
    t = np.array([years.index(int(y)) for y in obs["year"]])
    since = obs["year"].to_numpy(float) - years[-1]                    # years before the last history year (<= 0)
    sigma = ((obs["high"] - obs["low"]) / 4).to_numpy(float)
    value = obs["observed"].to_numpy(float)
    kind = obs["quantity"].to_numpy()
    fuel_rows, share_rows = kind == "road-fuel", kind == "four-wheel-share"
    S = {k: np.stack([s[k] for s in stock])[:, t] for k in classes}
    F = {k: np.stack([[f[(k, p)][i] if p else 0.0 for p, i in zip(obs["product"], t)] for f in fuel]) for k in classes}
    four = np.array([ctx.cat.vclass(k).wheels >= 4 for k in classes])
    keys = [(p, k) for p in USE for k in classes]
    prior = np.array([b[key].to_fit(b[key].prior) for key in keys])
    psig = np.array([b[key].sigma for key in keys])
    n = len(classes)

    def model(x):
        fuel_k = np.array([np.exp(x[n + i]) * (1 + x[2 * n + i]) ** since * _interp(F[k], logs, x[i])
                           for i, k in enumerate(classes)])                               # (class, observation)
        stock_k = np.array([_interp(S[k], logs, x[i]) for i, k in enumerate(classes)])
        total = fuel_k.sum(axis=0)
        share = fuel_k[four].sum(axis=0) / np.where(total > 0, total, 1.0)
        return np.where(fuel_rows, total, np.where(share_rows, share, stock_k.sum(axis=0)))

    residuals = lambda x: np.concatenate([(model(x) - value) / sigma, (x - prior) / psig])
    lo = np.array([b[key].to_fit(b[key].low) for key in keys])
    hi = np.array([b[key].to_fit(b[key].high) for key in keys])
    x = _levenberg_marquardt(residuals, prior.copy(), lo, hi)
    return {k: {p: float(b[p, k].from_fit(x[j * n + i])) for j, p in enumerate(USE)} for i, k in enumerate(classes)}


# --------------------------------------------------------------------------------------------------
# the whole fit
# --------------------------------------------------------------------------------------------------

def fit(reg: Registry | None = None) -> dict[tuple[str, str], float]:
    """Every fitted parameter: ``{(parameter, class): value}`` in the rows' canonical units.

    The result depends on the bounds of the fitted rows, not on their values: the first registration step takes
    the in-use prior, so a re-run on the shipped data finds the shipped values.
    """
    reg = reg if reg is not None else datasets.load()
    ctx = context(reg)
    curve = lambda k, scale: weibull_survival(AGES, fleet_parameter(reg, "weibull_shape", k, "1"), scale)
    first = fit_registrations(reg, {k: curve(k, bounds(reg, "weibull_scale", k).prior) for k in ctx.classes})
    use = fit_use(reg, first)
    final = fit_registrations(reg, {k: curve(k, use[k]["weibull_scale"]) for k in ctx.classes})
    out = {}
    for k in ctx.classes:
        out |= {(p, k): final[k][p] for p in REGISTRATION} | {(p, k): use[k][p] for p in USE}
    return {key: _round(v) for key, v in out.items()}


def fitted_registry(reg: Registry, params: dict[tuple[str, str], float], path: Path) -> Registry:
    """*reg* with the fitted parameters applied through the override file *path* (written)."""
    return datasets.apply_override(reg, _override(path, _rows(params, reg)))


def write_shipped(params: dict[tuple[str, str], float]) -> None:
    """Write the fitted values into the shipped ``fleet-parameters`` table: the value field of the fitted rows
    only, every other byte of the file as it was."""
    path = datasets.TABLE_DIR / "fleet-parameters.csv"
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    col = {c: i for i, c in enumerate(header)}
    todo = dict(params)
    for i, line in enumerate(lines[1:], 1):
        f = next(csv.reader([line]))
        key = (f[col["parameter"]], f[col["class"]])
        if key in todo:
            if SOURCE not in f[col["source_id"]]:
                raise SystemExit(f"fleet-parameters row {key[0]}/{key[1]} does not cite {SOURCE}")
            v = todo.pop(key)
            f[col["value"]] = str(int(round(v))) if abs(v) >= 1e5 else f"{v:.5g}"
            buf = io.StringIO()
            csv.writer(buf, lineterminator=line[len(line.rstrip("\r\n")):] or "\n").writerow(f)
            lines[i] = buf.getvalue()
    if todo:
        raise SystemExit(f"fleet-parameters has no row for {sorted(todo)}")
    path.write_bytes("".join(lines).encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m jalur.pathways.fit", description=__doc__.split("\n\n")[0])
    ap.add_argument("--override", action="append", default=[], help="data override file(s) to fit on")
    ap.add_argument("--out", type=Path, help="write the fitted parameters as an override file")
    ap.add_argument("--write", action="store_true", help="write them into the shipped fleet-parameters table")
    args = ap.parse_args(argv)
    try:
        return _main(args)
    except JalurError as exc:  # a bad override or an unwritable --out: one paragraph, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


def _main(args: argparse.Namespace) -> int:
    reg = datasets.load(args.override)
    params = fit(reg)
    for (name, k), v in params.items():
        print(f"{name:28s} {k:11s} {v:.5g}")
    with tempfile.TemporaryDirectory() as tmp:
        summary = calibration_summary(calibration_report(fitted_registry(reg, params, Path(tmp) / "fit.yaml")))
    print(summary.round(2).to_string(index=False))
    if args.out:
        _override(args.out, _rows(params, reg))
        print(f"wrote {args.out}")
    if args.write:
        write_shipped(params)
        print("wrote the shipped fleet-parameters table; review it, then regenerate the golden files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
