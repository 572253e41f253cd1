"""The powertrain mix of new sales: paths toward targets, and a logit choice on cost."""

from __future__ import annotations

import numpy as np


def s_curve(x):
    """Smoothstep from 0 to 1 on [0, 1]: slow start, fast middle, slow finish.

    Notes
    -----
    :math:`S(x) = x^2 (3 - 2x)` (a cubic Hermite step), the usual S-shaped diffusion path between two levels.

    Examples
    --------
    >>> [float(s_curve(x)) for x in (0.0, 0.25, 0.5, 1.0)]
    [0.0, 0.15625, 0.5, 1.0]
    """
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return x * x * (3 - 2 * x)


def target_path(base_year: int, base: float, targets: dict[int, float], years: np.ndarray, method: str) -> np.ndarray:
    """Share path [1] from the base-year value through the target points (held after the last).

    Parameters
    ----------
    base : float [1]
        Share in *base_year*.
    targets : dict of year -> share [%]
    method : str
        ``linear`` or ``s-curve`` between successive points.

    Examples
    --------
    >>> target_path(2024, 0.0, {2030: 60.0}, np.array([2024, 2027, 2030, 2035]), "s-curve").round(3).tolist()
    [0.0, 0.3, 0.6, 0.6]
    """
    pts_y = [base_year] + [y for y in sorted(targets) if y > base_year]
    pts_v = [base] + [targets[y] / 100.0 for y in sorted(targets) if y > base_year]
    out = np.empty(len(years))
    for i, y in enumerate(years):
        if y <= pts_y[0] or y >= pts_y[-1]:
            out[i] = pts_v[0] if y <= pts_y[0] else pts_v[-1]
            continue
        j = int(np.searchsorted(pts_y, y, side="right")) - 1
        x = (y - pts_y[j]) / (pts_y[j + 1] - pts_y[j])
        out[i] = pts_v[j] + (pts_v[j + 1] - pts_v[j]) * (s_curve(x) if method == "s-curve" else x)
    return out


def logit_shares(base: np.ndarray, cost: np.ndarray, base_cost: np.ndarray, scale: float,
                 entry: dict[int, int] | None = None) -> np.ndarray:
    """Shares of new sales after costs change, by a multinomial logit calibrated to the base shares.

    Parameters
    ----------
    base : numpy.ndarray [1], shape (P,)
        Shares in the base year (they set the preference constants).
    cost : numpy.ndarray [IDR/km], shape (T, P)
        Levelised cost of each option in each year; NaN for an option without a cost (it keeps its base share).
    base_cost : numpy.ndarray [IDR/km], shape (P,)
        Costs in the base year.
    scale : float [1]
        Cost sensitivity: change in utility per 10 % of the cheapest option's cost.
    entry : dict, optional
        New options (no base share) -> the option whose preference constant each takes: it then competes on its
        own cost, :math:`u_n = \\ln s_r^0 - \\beta (c_n - c_r^0) / (0.1\\,\\min_q c_q)`.

    Returns
    -------
    numpy.ndarray [1], shape (T, P)

    Notes
    -----
    :math:`u_p = \\ln s_p^0 - \\beta (c_p - c_p^0) / (0.1\\,\\min_q c_q)`; the costed options share
    :math:`\\sum_{costed} s^0` in proportion to :math:`e^{u_p}` (McFadden 1974, in Frontiers in Econometrics,
    pp. 105-142; calibrated constants as in the ICCT Roadmap model).

    Examples
    --------
    >>> logit_shares(np.array([0.5, 0.5]), np.array([[1.0, 1.1]]), np.array([1.0, 1.0]), 1.0).round(3).tolist()
    [[0.731, 0.269]]
    >>> logit_shares(np.array([0.5, 0.5, 0.0]), np.array([[1.0, 1.0, 1.1]]), np.array([1.0, 1.0, np.nan]), 1.0,
    ...              entry={2: 1}).round(3).tolist()   # a new option, 10 % dearer, entering like the second
    [[0.422, 0.422, 0.155]]
    """
    base_eff, c0 = base.astype(float).copy(), base_cost.astype(float).copy()
    for new, ref in (entry or {}).items():
        base_eff[new], c0[new] = base[ref], base_cost[ref]
    ref_cost = np.nanmin(cost, axis=1, keepdims=True)
    du = -scale * (cost - c0[None, :]) / (0.1 * ref_cost)
    costed = ~np.isnan(c0) & ~np.isnan(cost).all(axis=0)
    logs = np.log(np.clip(base_eff, 1e-9, None))[None, :] + np.where(costed[None, :], np.nan_to_num(du), 0.0)
    w = np.where(costed[None, :] & (base_eff[None, :] > 0), np.exp(logs - logs.max(axis=1, keepdims=True)), 0.0)
    total = w.sum(axis=1, keepdims=True)
    return np.where(costed[None, :], w / np.where(total > 0, total, 1) * base[costed].sum(), base[None, :])
