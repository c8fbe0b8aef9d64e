"""Axes whose tick labels never run together, and an action-index axis with whole numbers.

pyqtgraph spaces ticks by the axis length alone, so at 200 % zoom the labels
of a narrow plot touch ("1020 30"), and an axis of action numbers shows 0.5,
1.5 on a short run though an action index is a whole number. :class:`SpacedAxis`
widens the spacing (1, 2, 5 × 10ⁿ) until the widest label and a gap fit
between two ticks; ``integer=True`` also keeps every tick on a whole number.

A value axis also keeps at least :data:`MIN_LABELS` labels: pyqtgraph draws no
label that would stick out of the axis, so a grad axis 0 … 10 with ticks 0, 5,
10 showed "5" alone. The axis takes the finest round step whose labels still
keep their gap, and :func:`keep_labels` lets an auto-ranged view reach out to the
next round steps when no step gives three labels over the data alone.
Only the labelled level carries text (the finer level is grid only), so every
label keeps the gap.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

#: Room between two tick labels, in widths of "0" (side by side) or lines (stacked).
LABEL_GAP_DIGITS = 1.5
LABEL_GAP_LINES = 0.5
#: pyqtgraph measures a label as 0.8 of its line height and drops one reaching past the axis.
_DRAWN_HEIGHT = 0.8
#: Labels a value (vertical) axis keeps at least.
MIN_LABELS = 3
_NICE = (1.0, 2.0, 5.0)


def nice_at_least(value: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ that is at least ``value`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (*_NICE, 10.0):
        if step * power >= value * (1 - 1e-9):
            return step * power
    return 10.0 * power


class SpacedAxis(pg.AxisItem):
    """An AxisItem whose labels keep a gap; ``integer``: ticks on whole numbers only."""

    def __init__(self, orientation: str, *, integer: bool = False, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.integer = integer
        # Text on the labelled level only: the finer level's labels would not keep the gap.
        self.style["maxTextLevel"] = 0

    def label_height(self) -> float:
        """The height of one tick label, in pixels."""
        return QFontMetricsF(self.style.get("tickFont") or self.font()).height()

    def label_pitch(self) -> float:
        """Least pixels between two stacked (vertical axis) labels: a line and a gap."""
        return self.label_height() * (1 + LABEL_GAP_LINES)

    def shown_labels(self, minVal: float, maxVal: float, size: float, step: float) -> int:  # noqa: N803
        """How many labels of ``step`` a vertical axis of ``size`` px draws whole (not cut)."""
        low, high = sorted((minVal, maxVal))
        if high <= low or size <= 0:
            return 0
        margin = _DRAWN_HEIGHT * self.label_height() / 2 * (high - low) / size
        first, last = math.ceil((low + margin) / step - 1e-9), math.floor((high - margin) / step + 1e-9)
        return max(0, last - first + 1)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:  # noqa: N802,N803 - pyqtgraph API
        levels = super().tickSpacing(minVal, maxVal, size)
        span = abs(maxVal - minVal)
        if not levels or span == 0 or size <= 0:
            return levels
        major = float(levels[0][0])
        if self.integer:
            major = max(major, 1.0)
        metrics = QFontMetricsF(self.style.get("tickFont") or self.font())
        horizontal = self.orientation in ("top", "bottom")
        if not horizontal and self.shown_labels(minVal, maxVal, size, major) < MIN_LABELS:
            # The finest round step whose labels keep their gap: the most labels there are.
            major = nice_at_least(span * self.label_pitch() / size)
        for _ in range(12):  # each round at least doubles the spacing
            room = major * size / span
            if horizontal:
                first = math.ceil(min(minVal, maxVal) / major) * major
                values = list(np.arange(first, max(minVal, maxVal) + major / 2, major))[:50]
                labels = self.tickStrings(values, self.autoSIPrefixScale, major) or ["0"]
                need = max(metrics.horizontalAdvance(str(t)) for t in labels)
                need += LABEL_GAP_DIGITS * metrics.horizontalAdvance("0")
            else:
                need = self.label_pitch()
            if room >= need:
                break
            major = nice_at_least(major * 1.0001 * max(1.0, need / room))
        # The finer level must be a round step too (5 -> 1, not 2.5: its labels would
        # round "2.5" to "2"); the integer axis has none finer than 1.
        lead = round(major / 10.0 ** math.floor(math.log10(major)))
        step = major / 5 if lead == 5 else major / 2
        if self.integer and not float(step).is_integer():
            return [(major, 0.0)]
        return [(major, 0.0), (step, 0.0)]


def nice_view(low: float, high: float, size: float, pitch: float, height: float,
              labels: int = MIN_LABELS) -> tuple[float, float, float] | None:
    """A view range around ``low``..``high`` whose round ticks give ``labels`` whole labels.

    ``size``: the axis length in pixels; ``pitch``: least pixels between two labels'
    centres; ``height``: a label's height (the end labels must fit inside the axis).
    The range runs from a round step at or below ``low`` to one at or above ``high``
    (more steps if the data spans fewer), plus half a label: (view low, view high,
    step), or None when the axis is too short for ``labels`` labels at all.
    """
    usable = size - _DRAWN_HEIGHT * height - 2  # pixels between the first and last label's centre
    if usable < (labels - 1) * pitch or not (math.isfinite(low) and math.isfinite(high)):
        return None
    low, high = sorted((low, high))
    if high - low < 1e-12 * max(1.0, abs(low)):
        low, high = low - 0.5 * max(1.0, abs(low)), high + 0.5 * max(1.0, abs(low))
    step = nice_at_least((high - low) * pitch / usable)
    for _ in range(40):
        first = math.floor(low / step + 1e-9)
        last = max(math.ceil(high / step - 1e-9), first + labels - 1)
        if usable / (last - first) >= pitch:
            margin = (_DRAWN_HEIGHT * height / 2 + 1) * step * (last - first) / usable
            return first * step - margin, last * step + margin, step
        step = nice_at_least(step * 1.0001)
    return None


class _Room(pg.GraphicsObject):
    """An invisible item of a plot whose ``dataBounds`` give auto-range extra room."""

    def __init__(self, plot_item: Any) -> None:
        super().__init__()
        self._plot = plot_item

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return QRectF()

    def paint(self, *_args: Any) -> None:
        """Nothing to draw."""

    def _data_span(self, ax: int, frac: float, orthoRange: Any) -> tuple[float, float]:  # noqa: N803
        """The lowest and highest value of the plot's shown data along ``ax`` (NaN if none)."""
        lows, highs = [], []
        for item in self._plot.listDataItems():
            bounds = item.dataBounds(ax, frac, orthoRange) if item.isVisible() else None
            if bounds is not None and bounds[0] is not None and bounds[1] is not None:
                lows.append(bounds[0])
                highs.append(bounds[1])
        return min(lows, default=math.nan), max(highs, default=math.nan)


class _LabelRoom(_Room):
    """An invisible item whose y bounds reach the round steps that give the axis its labels.

    Auto-range fits every item's bounds, so the view takes in this room with the
    data in one fit: nothing sets the range against auto-range (a second range per
    fit would move the dots' pixel padding and ask for yet another fit).
    """

    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph API
                   orthoRange: Any = None) -> tuple[float, float] | None:  # noqa: N803
        axis = self._plot.getAxis("left")
        if ax != 1 or not isinstance(axis, SpacedAxis):
            return None
        dots = max((float(item.pixelPadding()) for item in self._plot.listDataItems()), default=0.0)
        low, high = self._data_span(1, frac, orthoRange)
        box = self._plot.getViewBox()
        size, padding = float(box.height()), box.suggestPadding(1)
        if not (math.isfinite(low) and math.isfinite(high)) or size <= 0:
            return None
        if high > low:
            # The range auto-range gives the data alone: padded, and the dots' own padding.
            out = padding * (high - low) + dots * (high - low) / max(1.0, size - 2 * dots)
            view = (low - out, high + out)
            levels = axis.tickSpacing(*view, size)
            if levels and axis.shown_labels(*view, size, levels[0][0]) >= MIN_LABELS:
                return None  # the data's own range shows them
        room = nice_view(low, high, size, axis.label_pitch(), axis.label_height())
        if room is None:
            return None
        # Auto-range pads these bounds by ``padding`` of their span on each side: hand it
        # bounds that come out as the room once padded.
        span = (room[1] - room[0]) / (1 + 2 * padding)
        return room[0] + padding * span, room[1] - padding * span


def keep_labels(plot_item: Any) -> None:
    """Let ``plot_item``'s auto-ranged y view reach out until its axis shows enough labels.

    Only when the data's own range would give fewer than :data:`MIN_LABELS`
    labels, and only through auto-range: a range the user zoomed or panned to is
    theirs.
    """
    plot_item.addItem(_LabelRoom(plot_item))


#: A run of one action is shown over actions 0 … 4 (the x axis counts actions from 0).
ONE_POINT_SPAN = 4.0


class _ActionsFromZero(_Room):
    """An invisible item that gives a one-action run an x room of 0 … 4.

    Auto-range widens a zero-width x range about its point, so the first forward's
    single point was drawn over actions "-4 -2 0 2 4" (u1 trial). With this room the
    axis reads 0, 1, 2, …; once the run spans two actions this item adds nothing.
    """

    def dataBounds(self, ax: int, frac: float = 1.0,  # noqa: N802 - pyqtgraph API
                   orthoRange: Any = None) -> tuple[float, float] | None:  # noqa: N803
        if ax != 0:
            return None
        low, high = self._data_span(0, frac, orthoRange)
        if not (math.isfinite(low) and math.isfinite(high)) or high > low:
            return None
        return low, low + ONE_POINT_SPAN


def keep_actions_from_zero(plot_item: Any) -> None:
    """A one-action run's x axis shows actions low … low + 4, not a span centred on it."""
    plot_item.addItem(_ActionsFromZero(plot_item))
