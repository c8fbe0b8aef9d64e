"""Axes whose tick labels never run together, and an action-index axis with whole numbers.

pyqtgraph spaces ticks by the axis length alone, so at 200 % zoom the labels
of a narrow plot touch ("1020 30"), and an axis of action numbers shows 0.5,
1.5 on a short run though an action index is a whole number. :class:`SpacedAxis`
widens the spacing (1, 2, 5 × 10ⁿ) until the widest label and a gap fit
between two ticks; ``integer=True`` also keeps every tick on a whole number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF

#: Room between two tick labels, in widths of "0".
LABEL_GAP_DIGITS = 1.5
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
        for _ in range(12):  # each round at least doubles the spacing
            room = major * size / span
            if horizontal:
                first = math.ceil(min(minVal, maxVal) / major) * major
                values = list(np.arange(first, max(minVal, maxVal) + major / 2, major))[:50]
                labels = self.tickStrings(values, self.autoSIPrefixScale, major) or ["0"]
                need = max(metrics.horizontalAdvance(str(t)) for t in labels)
            else:
                need = metrics.height()
            need += LABEL_GAP_DIGITS * metrics.horizontalAdvance("0")
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
