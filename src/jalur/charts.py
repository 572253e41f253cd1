"""Charts (plotly): built as figures, written as self-contained HTML or PNG."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from jalur.errors import InputError, JalurError
from jalur.io import atomic_write_bytes, atomic_write_text

STAGE_COLOURS = {
    "vehicle": "#8c8c8c", "battery": "#6a3d9a", "energy-supply": "#e6a700", "tailpipe": "#d62728",
    "land-use-change": "#2ca02c", "maintenance": "#1f77b4", "end-of-life": "#17becf",
}
STAGE_LABELS_ID = {
    "vehicle": "kendaraan", "battery": "baterai", "energy-supply": "pasokan energi", "tailpipe": "knalpot",
    "land-use-change": "perubahan lahan", "maintenance": "perawatan", "end-of-life": "akhir masa pakai",
}


def stacked_stages(df: pd.DataFrame, title: str, unit: str, label_col: str = "label") -> go.Figure:
    """Stacked bars of life-cycle stages, one bar per row of *df* (columns named after stages).

    Break-even distances, if *df* has ``break_even_km``, are written above the bars.
    """
    fig = go.Figure()
    for stage, colour in STAGE_COLOURS.items():
        if stage in df:
            fig.add_bar(name=f"{stage} / {STAGE_LABELS_ID[stage]}", x=df[label_col], y=df[stage], marker_color=colour)
    if "total" in df:
        text = [f"{t:.0f}" for t in df["total"]]
        if "break_even_km" in df:
            text = [f"{t}<br>break-even {_km(b)}" for t, b in zip(text, df["break_even_km"])]
        fig.add_scatter(x=df[label_col], y=df["total"], mode="text", text=text, textposition="top center",
                        showlegend=False)
    fig.update_layout(barmode="relative", title=title, yaxis_title=unit, legend_title="stage / tahap",
                      template="plotly_white", height=560)
    return fig


COST_COLOURS = {
    "purchase_rp": ("purchase / pembelian", "#7f7f7f"), "energy_rp": ("energy / energi", "#e6a700"),
    "maintenance_rp": ("maintenance / perawatan", "#1f77b4"), "insurance_rp": ("insurance / asuransi", "#9467bd"),
    "pkb_rp": ("ownership tax / PKB", "#d62728"), "battery_rp": ("battery replacement / ganti baterai", "#6a3d9a"),
    "residual_rp": ("residual value / nilai sisa", "#2ca02c"),
}


def cost_components(df: pd.DataFrame, title: str) -> go.Figure:
    """Stacked bars of discounted cost components per powertrain [million Rp], with Rp/km on top."""
    fig = go.Figure()
    for col, (label, colour) in COST_COLOURS.items():
        fig.add_bar(name=label, x=df["powertrain"], y=df[col] / 1e6, marker_color=colour)
    fig.add_scatter(x=df["powertrain"], y=df["total_rp"] / 1e6, mode="text",
                    text=[f"Rp {v:,.0f}/km" if v == v else "n/a" for v in df["rp_per_km"]],
                    textposition="top center", showlegend=False)
    fig.update_layout(barmode="relative", title=title, yaxis_title="million Rp (NPV) / juta Rp",
                      template="plotly_white", height=560)
    return fig


def _km(x: float) -> str:
    if x == float("inf"):
        return "never"
    return f"{x / 1000:,.0f}k km"


def write_chart(fig: go.Figure, path: str | Path) -> Path:
    """Write *fig* to ``.html`` (self-contained, works offline) or ``.png`` (needs the ``png`` extra).

    Raises
    ------
    InputError
        For another file type.
    JalurError
        If PNG export is not available on this machine.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        return atomic_write_text(p, fig.to_html(include_plotlyjs=True, full_html=True))
    if suffix == ".png":
        try:
            data = fig.to_image(format="png", width=1100, height=600, scale=1)
        except Exception as exc:  # kaleido missing, or no Chrome/Chromium for it
            raise JalurError(
                f"cannot write PNG {p}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}. "
                "Install the png extra (pip install 'jalur[png]') and a Chrome or Chromium browser, "
                "or write an .html chart instead."
            ) from None
        return atomic_write_bytes(p, data)
    raise InputError(f"chart file {p} must end in .html or .png")
