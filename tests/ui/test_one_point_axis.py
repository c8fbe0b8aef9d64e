"""A run of one action: its x axis counts actions from 0, never below (u1 trial: "-4 -2 0 2 4")."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui._settle import press, settle


def _x_labels(plot: Any) -> list[float]:
    box = plot.getPlotItem().getViewBox()
    low, high = box.viewRange()[0]
    axis = plot.getPlotItem().getAxis("bottom")
    return [v for _spacing, values in axis.tickValues(low, high, box.width()) for v in values
            if low <= v <= high]


def test_one_forward_shows_actions_from_zero(window: Any, qtbot: Any) -> None:
    press(window, qtbot, Qt.Key.Key_F)
    settle(qtbot)
    for name in ("weights", "output"):
        labels = _x_labels(window.plots.plots[name])
        assert labels and min(labels) >= 0, (name, labels)
        assert len(labels) >= 3, (name, labels)
    # Two actions: the run's own span, the item adds nothing.
    press(window, qtbot, Qt.Key.Key_B, Qt.Key.Key_S)
    settle(qtbot)
    box = window.plots.plots["weights"].getPlotItem().getViewBox()
    low, high = box.viewRange()[0]
    assert low < 0.5 and 2 <= high < 4
