"""Charts: built as plotly figures, written as self-contained HTML, or as PNG drawn with matplotlib.

PNG goes through matplotlib rather than plotly's image export, which needs a Chrome browser that a fresh
machine may not have and cannot download offline.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from jalur.errors import InputError
from jalur.io import atomic_write_bytes, atomic_write_text
from jalur.locale import localise

def stacked_stages(df: pd.DataFrame, title: str, unit: str, stages: list[tuple[str, str, str]],
                   label_col: str = "label", reference: str | None = None) -> go.Figure:
    """Stacked bars of life-cycle stages, one bar per row of *df* (columns named after stages).

    *stages* gives each stage's id, label and colour (``jalur.catalog``); break-even distances, if *df* has
    ``break_even_km``, are written above the bars.
    """
    fig = go.Figure()
    for stage, label, colour in stages:
        if stage in df:
            fig.add_bar(name=label, x=df[label_col], y=df[stage], marker_color=colour)
    if "total" in df:
        text = [f"{t:.0f}" for t in df["total"]]
        if "break_even_km" in df:
            refs = df["powertrain"] == reference if reference and "powertrain" in df else [False] * len(df)
            text = [f"{t}<br>{'reference' if r else 'break-even ' + _km(b)}"
                    for t, b, r in zip(text, df["break_even_km"], refs)]
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


def cost_components(df: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Stacked bars of discounted cost components per powertrain [million Rp], with Rp/km on top."""
    fig = go.Figure()
    for col, (label, colour) in COST_COLOURS.items():
        fig.add_bar(name=label, x=df["powertrain"], y=df[col] / 1e6, marker_color=colour)
    top = df[list(COST_COLOURS)].clip(lower=0).sum(axis=1) / 1e6  # above the bar, not inside it (the residual is < 0)
    fig.add_scatter(x=df["powertrain"], y=top, mode="text",
                    text=[_rupiah(v, lang) + "/km" if v == v else "n/a" for v in df["rp_per_km"]],
                    textposition="top center", showlegend=False)
    fig.update_layout(barmode="relative", title=title, yaxis_title="million Rp (NPV) / juta Rp",
                      template="plotly_white", height=560)
    return fig


def _rupiah(x: float, lang: str = "en") -> str:
    """``Rp 3,917`` (en) or ``Rp 3.917`` (id).

    >>> _rupiah(3917.4), _rupiah(3917.4, "id")
    ('Rp 3,917', 'Rp 3.917')
    """
    return localise(f"Rp {x:,.0f}", lang)


def _km(x: float) -> str:
    if x == float("inf"):
        return "never"
    return f"{x / 1000:,.0f}k km"


def write_chart(fig: go.Figure, path: str | Path) -> Path:
    """Write *fig* to ``.html`` (self-contained, works offline) or ``.png`` (drawn with matplotlib).

    Raises
    ------
    InputError
        For another file type.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".html", ".htm"):
        return atomic_write_text(p, fig.to_html(include_plotlyjs=True, full_html=True))
    if suffix == ".png":
        return figure_to_png(fig, p)
    raise InputError(f"chart file {p} must end in .html or .png")


# --------------------------------------------------------------------------------------------------
# time-series charts (fleet projections): one spec, drawn by plotly (HTML) and matplotlib (PNG)
# --------------------------------------------------------------------------------------------------

PT_COLOURS = {
    "Gasoline": "#8c564b", "Ethanol": "#bcbd22", "Diesel": "#4d4d4d", "Biodiesel": "#98df8a", "HVO": "#2ca02c",
    "Gases": "#7f7f7f", "Hydrogen": "#17becf", "Electricity": "#1f77b4",
    "Motorcycle": "#1f77b4", "Car": "#ff7f0e", "Bus": "#2ca02c", "Truck": "#8c564b",
    "Crude palm oil": "#98df8a", "Sugarcane": "#bcbd22", "Traction batteries": "#2ca02c",
    "Electricity for road vehicles": "#1f77b4", "Oil imports avoided": "#4d4d4d",
}


def series_figure(years, series: dict[str, "np.ndarray"], title: str, unit: str, *, stacked: bool = True,
                  dashed: tuple[str, ...] = (), colours: dict[str, str] | None = None,
                  xaxis: str = "year / tahun") -> go.Figure:
    """A plotly figure of yearly series: stacked areas (default) or lines; *colours* by series name (else the
    powertrain/carrier palette)."""
    fig = go.Figure()
    for name, ys in series.items():
        colour = (colours or {}).get(name) or PT_COLOURS.get(name)
        kw = dict(x=list(years), y=list(ys), name=name, mode="lines")
        if stacked and name not in dashed:
            kw.update(stackgroup="one", line={"width": 0.5, "color": colour})
        else:
            kw.update(line={"dash": "dash" if name in dashed else "solid", "color": colour})
        fig.add_scatter(**kw)
    fig.update_layout(title=title, yaxis_title=unit, xaxis_title=xaxis, template="plotly_white", height=520,
                      hovermode="x unified")
    return fig


def figure_to_png(fig: go.Figure, path) -> Path:
    """Draw a plotly figure made by this module with matplotlib and write it as PNG (no browser needed).

    Supports what jalur's charts use: bar traces (stacked when ``barmode`` is relative or stack), scatter
    lines, stacked areas (``stackgroup``) and text labels.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mfig, ax = plt.subplots(figsize=(11, 6), dpi=100)
    bars = [t for t in fig.data if t.type == "bar"]
    if bars:
        labels = [str(x) for x in bars[0].x]
        pos = np.zeros(len(labels))
        neg = np.zeros(len(labels))
        for i, t in enumerate(bars):
            y = np.asarray(t.y, dtype=float)
            base = np.where(y >= 0, pos, neg)
            ax.bar(labels, y, bottom=base, label=t.name, color=(t.marker.color if t.marker and t.marker.color else f"C{i}"))
            pos, neg = pos + np.clip(y, 0, None), neg + np.clip(y, None, 0)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.tick_params(axis="x", rotation=20)
    stacks = [t for t in fig.data if t.type == "scatter" and getattr(t, "stackgroup", None)]
    if stacks:
        x = list(stacks[0].x)
        ax.stackplot(x, *[np.asarray(t.y, dtype=float) for t in stacks], labels=[t.name for t in stacks],
                     colors=[(t.line.color if t.line and t.line.color else f"C{i}") for i, t in enumerate(stacks)], alpha=0.9)
    for i, t in enumerate(fig.data):
        if t.type != "scatter" or getattr(t, "stackgroup", None):
            continue
        if t.mode == "text":
            for xx, yy, tx in zip(t.x, t.y, t.text):
                ax.annotate(str(tx).replace("<br>", "\n"), (str(xx) if bars else xx, yy), ha="center", va="bottom",
                            fontsize=8, xytext=(0, 3), textcoords="offset points")
            continue
        dash = "--" if (t.line and t.line.dash == "dash") else "-"
        ax.plot(list(t.x), np.asarray(t.y, dtype=float), dash, label=t.name,
                color=(t.line.color if t.line and t.line.color else f"C{i}"))
    title = fig.layout.title.text if fig.layout.title else ""
    ax.set_title(title or "", fontsize=10)
    ax.set_ylabel(fig.layout.yaxis.title.text if fig.layout.yaxis and fig.layout.yaxis.title else "")
    if not bars and fig.layout.xaxis and fig.layout.xaxis.title and fig.layout.xaxis.title.text:
        ax.set_xlabel(fig.layout.xaxis.title.text)
    ax.grid(alpha=0.3, axis="y")
    ax.set_ylim(top=ax.get_ylim()[1] * 1.1)
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    mfig.tight_layout()
    buf = io.BytesIO()
    mfig.savefig(buf, format="png")
    plt.close(mfig)
    return atomic_write_bytes(path, buf.getvalue())
