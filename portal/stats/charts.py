"""Bar charts laid out on the server, for the template to draw as SVG.

Only geometry and text are computed here; the template writes the SVG with a title and a
description, and every chart sits beside a table holding the same numbers, so nothing depends
on seeing the picture or on JavaScript.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
PLOT_LEFT = 44
PLOT_RIGHT = 8
PLOT_TOP = 16
PLOT_BOTTOM = 44


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str  # what a screen reader or a hover reads: "2026-05, received: 12"
    value_text: str


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    plot_left: float
    plot_bottom: float
    plot_right: float
    bars: list[Bar]
    x_labels: list[Tick]
    y_ticks: list[Tick]
    legend: list[str]
    horizontal: bool = False


def nice_ceiling(value: float) -> int:
    """A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least 5."""
    if value <= 5:
        return 5
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


def grouped_columns(title: str, description: str, groups: list[str], series: list[tuple[str, list[int | None]]],
                    texts: list[list[str]], height: int = 260) -> Chart:
    """Vertical bars, one group per x label, one bar per series. A value of None (a count too
    small to publish) draws no bar but keeps its text, e.g. "<5"."""
    top = nice_ceiling(max((v for _, values in series for v in values if v), default=0))
    plot_height = height - PLOT_TOP - PLOT_BOTTOM
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    slot = plot_width / max(len(groups), 1)
    bar_width = slot * 0.8 / max(len(series), 1)
    bars = []
    for g, group in enumerate(groups):
        for s, (name, values) in enumerate(series):
            value = values[g] or 0
            bar_height = plot_height * value / top
            x = PLOT_LEFT + g * slot + slot * 0.1 + s * bar_width
            bars.append(Bar(round(x, 1), round(PLOT_TOP + plot_height - bar_height, 1), round(bar_width - 1, 1),
                            round(bar_height, 1), s, f"{group}, {name}: {texts[s][g]}", texts[s][g]))
    x_labels = [Tick(round(PLOT_LEFT + g * slot + slot / 2, 1), group) for g, group in enumerate(groups)]
    y_ticks = [Tick(round(PLOT_TOP + plot_height - plot_height * i / 5, 1), str(top * i // 5)) for i in range(6)]
    return Chart(title, description, WIDTH, height, PLOT_LEFT, PLOT_TOP + plot_height, WIDTH - PLOT_RIGHT,
                 bars, x_labels, y_ticks, [name for name, _ in series])


def horizontal_bars(title: str, description: str, labels: list[str], values: list[int | None],
                    texts: list[str], label_width: int = 230) -> Chart:
    """One horizontal bar per label, longest scale at the right; None draws no bar."""
    row = 24
    height = PLOT_TOP + row * len(labels) + 28
    top = nice_ceiling(max((v for v in values if v), default=0))
    plot_width = WIDTH - label_width - 48
    bars, y_labels = [], []
    for i, (label, value) in enumerate(zip(labels, values)):
        y = PLOT_TOP + i * row
        bars.append(Bar(label_width, y + 4, round(plot_width * (value or 0) / top, 1), row - 8, 0,
                        f"{label}: {texts[i]}", texts[i]))
        y_labels.append(Tick(y + row / 2 + 4, label))
    ticks = [Tick(round(label_width + plot_width * i / 5, 1), str(top * i // 5)) for i in range(6)]
    return Chart(title, description, WIDTH, height, label_width, PLOT_TOP + row * len(labels),
                 label_width + plot_width, bars, ticks, y_labels, [], horizontal=True)
