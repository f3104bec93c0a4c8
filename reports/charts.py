"""Report charts as PNG bytes (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# Calm, print-friendly colours (one hue per series).
SERIES_COLOURS = ("#1f4e79", "#d98c1f", "#b22222")
BAR_COLOUR = "#1f4e79"


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _style(ax: plt.Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)
    ax.grid(axis="x" if ax.get_ylabel() == "" else "y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


def trend_chart(weeks: Sequence[str], series: dict[str, Sequence[int]], title: str) -> bytes:
    """Lines over weeks (aktivitas, ditandai, pelanggaran)."""
    fig, ax = plt.subplots(figsize=(7.5, 2.2))
    for (name, values), colour in zip(series.items(), SERIES_COLOURS, strict=False):
        ax.plot(list(weeks), list(values), marker="o", markersize=3.5, linewidth=1.6, label=name, color=colour)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel("jumlah", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    _style(ax)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    plt.setp(ax.get_xticklabels(), rotation=0, fontsize=7)
    return _png(fig)


def bar_chart(labels: Sequence[str], values: Sequence[int], title: str, *, max_label: int = 38) -> bytes:
    """Horizontal bars, largest on top; long labels are shortened."""
    short = [lab if len(lab) <= max_label else lab[: max_label - 1] + "…" for lab in labels]
    height = max(1.2, 0.32 * len(short) + 0.7)
    fig, ax = plt.subplots(figsize=(3.4, height))
    if values:
        ax.barh(short[::-1], list(values)[::-1], color=BAR_COLOUR, height=0.6)
        for y, v in enumerate(list(values)[::-1]):
            ax.text(v, y, f" {v}", va="center", fontsize=7)
    else:
        ax.text(0.5, 0.5, "tidak ada data", ha="center", va="center", fontsize=8, color="#777777",
                transform=ax.transAxes)
        ax.set_yticks([])
    ax.set_title(title, fontsize=9, loc="left")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax)
    return _png(fig)
