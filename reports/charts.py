"""Report charts as PNG (matplotlib, Agg backend: no display needed), drawn to be read on paper.

Counts are whole numbers, so count axes carry integer ticks only and start at zero, with room
above the largest bar for its value label. A chart with nothing to show is not drawn as empty
axes: it is a plain panel saying "tidak ada data", and :class:`Chart` says so (``empty``), so the
report and its tests know which kind they got.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# Print-friendly: dark blue, amber and a muted red (distinct in greyscale too).
SERIES_COLOURS = ("#1f4e79", "#d98c1f", "#a33a3a")
BAR_COLOUR = "#1f4e79"
NO_DATA = "tidak ada data"
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Chart:
    png: bytes
    empty: bool  # True: the "tidak ada data" panel, no axes
    title: str


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def no_data(title: str, *, width: float = 3.4, height: float = 1.1) -> Chart:
    """The panel shown instead of an empty chart: the title and "tidak ada data", no axes."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_axis_off()
    ax.set_title(title, fontsize=9, loc="left", family=FONT)
    ax.text(0.5, 0.4, NO_DATA, ha="center", va="center", fontsize=9, color="#666666", family=FONT,
            transform=ax.transAxes)
    return Chart(_png(fig), True, title)


def _count_axis(axis: matplotlib.axis.Axis, top: int) -> None:
    axis.set_major_locator(MaxNLocator(integer=True, nbins=min(max(top, 1), 6)))


def _style(ax: plt.Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=7)
    ax.set_axisbelow(True)


def trend_chart(weeks: Sequence[str], acts: Sequence[int], flagged: Sequence[int], confirmed: Sequence[int],
                title: str) -> Chart:
    """Two panels over the weeks: acts collected (bars) and flagged vs confirmed (paired bars).

    Acts are often ten or a hundred times the flags; one axis for both would flatten the flags.
    """
    if not any(acts) and not any(flagged) and not any(confirmed):
        return no_data(title, width=7.5, height=1.1)
    labels = [w.split("-")[-1] for w in weeks]  # "2026-W47" → "W47": the year is in the report's title
    x = list(range(len(weeks)))
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 2.1), gridspec_kw={"wspace": 0.25})
    left.bar(x, list(acts), color=SERIES_COLOURS[0], width=0.6)
    left.set_title("Aktivitas terkumpul", fontsize=8, loc="left", family=FONT)
    _count_axis(left.yaxis, max(acts))
    left.set_ylim(0, max(max(acts), 1) * 1.18)
    w = 0.38
    right.bar([i - w / 2 for i in x], list(flagged), width=w, color=SERIES_COLOURS[1], label="ditandai")
    right.bar([i + w / 2 for i in x], list(confirmed), width=w, color=SERIES_COLOURS[2], label="pelanggaran")
    right.set_title("Ditandai dan pelanggaran terkonfirmasi", fontsize=8, loc="left", family=FONT)
    top = max([*flagged, *confirmed, 1])
    _count_axis(right.yaxis, top)
    right.set_ylim(0, top * 1.18)
    right.legend(fontsize=6.5, frameon=False, loc="upper left", ncols=2)
    for ax in (left, right):
        ax.set_xticks(x, labels)
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
        _style(ax)
    fig.suptitle(title, fontsize=9, x=0.01, y=1.06, ha="left", family=FONT)
    return Chart(_png(fig), False, title)


def bar_chart(labels: Sequence[str], values: Sequence[int], title: str, *, max_label: int = 34) -> Chart:
    """Horizontal bars, largest on top, each with its count; long labels are shortened."""
    if not values or not any(values):
        return no_data(title)
    short = [lab if len(lab) <= max_label else lab[: max_label - 1] + "…" for lab in labels]
    height = max(1.2, 0.3 * len(short) + 0.6)
    fig, ax = plt.subplots(figsize=(3.4, height))
    ys = list(range(len(short)))[::-1]
    ax.barh(ys, list(values), color=BAR_COLOUR, height=0.6)
    ax.set_yticks(ys, short, fontsize=7, family=FONT)
    top = max(values)
    for y, v in zip(ys, values, strict=True):
        ax.text(v, y, f" {v}", va="center", fontsize=7, family=FONT)
    _count_axis(ax.xaxis, top)
    ax.set_xlim(0, top * 1.2 + 0.2)
    ax.set_title(title, fontsize=9, loc="left", family=FONT)
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    _style(ax)
    return Chart(_png(fig), False, title)
