"""Alignment rules for labelled arrays, in one place.

Arrays meet by coordinates: arrays combined must carry identical labels on the dimensions they share (a
mismatch is an error, never a silent reindex), and a dimension missing from one is broadcast. Inside a
stage, once labels are checked, the work is done on plain NumPy arrays.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import xarray as xr

from jalur.errors import JalurError


class AlignmentError(JalurError, ValueError):
    """Two arrays share a dimension but not its labels."""


def require_same_labels(arrays: Sequence[xr.DataArray], dims: Sequence[str]) -> None:
    """Raise :class:`AlignmentError` unless every array that has a dimension of *dims* carries the same labels.

    Examples
    --------
    >>> a = xr.DataArray([1, 2], dims="case", coords={"case": ["x", "y"]})
    >>> require_same_labels([a, a], ["case"])
    """
    for d in dims:
        ref = None
        for a in arrays:
            if d in a.dims and d in a.coords:
                labels = a[d].values
                if ref is None:
                    ref = labels
                elif len(labels) != len(ref) or not np.array_equal(labels, ref):
                    raise AlignmentError(f"arrays meet on dimension {d!r} with different labels: "
                                         f"{list(ref)[:5]} ... vs {list(labels)[:5]} ...")


def concat(parts: Sequence[xr.DataArray], dim: str, dims: tuple[str, ...]) -> xr.DataArray:
    """Concatenate *parts* along *dim* into an array of dimensions *dims* (labels checked, then NumPy).

    Each part must have *dim* with its labels; the other dimensions of *dims* are broadcast where a part lacks
    them. The result takes the other coordinates of the first part that has each dimension.
    """
    others = [d for d in dims if d != dim]
    require_same_labels(parts, others)
    sizes = {d: n for p in parts for d, n in p.sizes.items()}
    blocks = [np.broadcast_to(p.transpose(*[d for d in dims if d in p.dims]).values
                              .reshape([p.sizes.get(d, 1) if d != dim else p.sizes[dim] for d in dims]),
                              [sizes[d] if d != dim else p.sizes[dim] for d in dims]) for p in parts]
    data = np.concatenate(blocks, axis=dims.index(dim))
    coords = {dim: np.concatenate([p[dim].values for p in parts])}
    for d in others:
        src = next((p for p in parts if d in p.dims and d in p.coords), None)
        if src is not None:
            coords |= {name: c for name, c in src.coords.items() if c.dims == (d,)}
    return xr.DataArray(data, dims=dims, coords=coords)


def einsum(out_dims: Sequence[str], *arrays: xr.DataArray, attrs: dict | None = None) -> xr.DataArray:
    """The product of *arrays* summed over every dimension not in *out_dims*, by dimension name.

    Shared dimensions must carry identical labels (checked); a dimension some arrays lack is broadcast.
    This is :func:`xarray.dot` with the alignment rules of this module and NumPy's einsum underneath.

    Examples
    --------
    >>> a = xr.DataArray([[1.0, 2.0], [3.0, 4.0]], dims=("case", "carrier"), coords={"carrier": ["x", "y"]})
    >>> b = xr.DataArray([10.0, 100.0], dims="carrier", coords={"carrier": ["x", "y"]})
    >>> einsum(["case"], a, b).values.tolist()
    [210.0, 430.0]
    """
    dims = list(dict.fromkeys(d for a in arrays for d in a.dims))
    missing = [d for d in out_dims if d not in dims]
    if missing:
        raise AlignmentError(f"einsum: output dimensions {missing} are in none of the arrays")
    require_same_labels(arrays, dims)
    letter = {d: chr(ord("a") + i) for i, d in enumerate(dims)}
    spec = ",".join("".join(letter[d] for d in a.dims) for a in arrays) + "->" + "".join(letter[d] for d in out_dims)
    data = np.einsum(spec, *[a.values for a in arrays], optimize=len(arrays) > 2)
    coords = {}
    for d in out_dims:
        src = next((a for a in arrays if d in a.dims and d in a.coords), None)
        if src is not None:
            coords |= {name: c for name, c in src.coords.items() if c.dims == (d,)}
    return xr.DataArray(data, dims=tuple(out_dims), coords=coords, attrs=attrs or {})
