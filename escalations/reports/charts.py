"""Charts for the web page and the PDF, drawn by matplotlib (Agg backend) as SVG.

Each chart repeats a table printed beside it, so it carries no figure of its own: a
suppressed count draws no bar and is labelled "suppressed" (or with its band, "20 or more").
Text stays text in the SVG (it can be read, searched and scaled), in the report's font.
"""

from __future__ import annotations

import base64
import io
import re
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .suppression import SUPPRESSED, Shown, band_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

BLUE = "#1d70b8"
GREY = "#505a5f"
FONT = ["DejaVu Sans", "Arial", "sans-serif"]
WRAP = 34  # characters a line in a label
# matplotlib's settings are global: one chart at a time in a process, so that two requests
# drawing at once (a threaded server) cannot change each other's fonts or ids mid-draw
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Bar:
    label: str
    value: Shown
    band: int | None = None  # a hidden count's band, labelled in place of "suppressed"


def bar_chart(
    bars: Sequence[Bar],
    *,
    name: str,
    horizontal: bool = False,
    percent: bool = False,
    width: float = 6.4,
    wrap: int = WRAP,
) -> str:
    """An SVG bar chart (the ``<svg>`` element only, for inline use). A narrow one (beside
    its table) is drawn narrow, with its labels wrapped shorter, so that its text is read at
    the same size."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    lines = sum(len(_lines(bar.label, wrap)) for bar in bars)
    height = max(1.6, 0.16 * lines + 0.2 * len(bars) + 0.6) if horizontal else 2.6
    params: dict[str, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": name,
        "font.family": "sans-serif",
        "font.sans-serif": FONT,
        "font.size": 9,
    }
    with _DRAWING, matplotlib.rc_context(params):  # type: ignore[arg-type]
        figure = Figure(figsize=(width, height))
        axes = figure.add_subplot()
        _draw(axes, bars, horizontal=horizontal, percent=percent, wrap=wrap)
        _margins(figure, bars, horizontal=horizontal, width=width, height=height, wrap=wrap)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    return _own_ids(svg[svg.index("<svg") :], name)


def _margins(
    figure: MplFigure,
    bars: Sequence[Bar],
    *,
    horizontal: bool,
    width: float,
    height: float,
    wrap: int = WRAP,
) -> None:
    """Room for the labels, worked out from their length (matplotlib's tight_layout would
    draw the chart twice to measure them)."""
    longest = max((len(line) for bar in bars for line in _lines(bar.label, wrap)), default=4)
    left = 0.07 * longest + 0.2 if horizontal else 0.1
    bottom = 0.1 if horizontal else (0.6 if len(bars) > 6 else 0.35)
    figure.subplots_adjust(
        left=left / width, right=1 - 0.5 / width, top=1 - 0.15 / height, bottom=bottom / height
    )


def _lines(label: str, wrap: int = WRAP) -> list[str]:
    return textwrap.wrap(label, wrap) or [""]


def data_uri(svg: str) -> str:
    """The chart as an image source (how the PDF embeds it: WeasyPrint then draws it with its
    SVG renderer instead of styling it as part of the page)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _own_ids(svg: str, name: str) -> str:
    """matplotlib names elements figure_1, patch_1...: prefix them with the chart's name so
    that several charts on one page keep their ids unique."""
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", svg)
    return re.sub(r'href="#([^"]+)"', rf'href="#{name}-\1"', svg)


def _draw(
    axes: Axes, bars: Sequence[Bar], *, horizontal: bool, percent: bool, wrap: int = WRAP
) -> None:
    labels = ["\n".join(_lines(bar.label, wrap)) if horizontal else bar.label for bar in bars]
    numbers = [_number(bar.value, percent) for bar in bars]
    positions = list(range(len(bars)))
    top = max(numbers + [1.0])
    if horizontal:
        axes.barh(positions, numbers, color=BLUE)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlim(0, 100 if percent else top * 1.15)
    else:
        axes.bar(positions, numbers, color=BLUE)
        crowded = len(bars) > 6
        axes.set_xticks(
            positions, labels, rotation=45 if crowded else 0, ha="right" if crowded else "center"
        )
        axes.set_ylim(0, 100 if percent else top * 1.15)
    for position, bar, number in zip(positions, bars, numbers, strict=True):
        text = _label(bar.value, percent) if bar.band is None else band_text(bar.band)
        at = (number, position) if horizontal else (position, number)
        axes.annotate(
            text,
            at,
            xytext=(3, 0) if horizontal else (0, 2),
            textcoords="offset points",
            ha="left" if horizontal else "center",
            va="center" if horizontal else "bottom",
            color=GREY if bar.value == SUPPRESSED else "#0b0c0c",
            fontsize=8,
        )
    # Every bar carries its value, so the value axis would only repeat them: leave it out
    # (less ink, and fewer glyphs for matplotlib to place and WeasyPrint to draw).
    if horizontal:
        axes.set_xticks([])
    else:
        axes.set_yticks([])
    for side in ("top", "right", "bottom" if horizontal else "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(length=0)


def _number(value: Shown, percent: bool) -> float:
    if isinstance(value, (int, float)):
        return float(value) * (100 if percent else 1)
    return 0.0


def _label(value: Shown, percent: bool) -> str:
    if value == SUPPRESSED:
        return "suppressed"
    if value is None:
        return "none"
    if percent:
        return f"{float(value) * 100:.0f}%"
    return f"{value:,}"
