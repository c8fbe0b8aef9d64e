"""The Gradients legend's "+N" counts curves only, never the zero_grad mark (s6 item 16)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import show_widget
from ui.plot_style import ZERO_GRAD
from ui.plots import PlotsPanel


def test_a_curve_that_fits_is_never_hidden_behind_the_zero_grad_mark(qtbot: Any) -> None:
    from playground.session import Session

    panel = show_widget(qtbot, PlotsPanel(), 900, 600)
    session = Session(params={"w": "ones(3)"}, inputs={"x": "[1.0, 2.0, 3.0]"},
                      forward="out = (w * x).sum()", lr=0.1)
    panel.set_session(session)
    session.forward()
    session.backward()
    session.zero_grad()
    weights = panel.plots["weights"].getPlotItem().legend
    grads = panel.plots["grads"].getPlotItem().legend
    compared = 0
    try:
        for width in range(1200, 420, -12):
            panel.resize(width, 600)
            QApplication.processEvents()
            weights.relayout()
            grads.relayout()
            assert ZERO_GRAD not in grads.hidden_names, f"{width} px: +N counts the mark"
            if not weights.hidden_names and (
                    grads.geometry().width() >= weights.geometry().width()):
                compared += 1  # as wide or wider, and w[0..2] fit there: they fit here too
                assert not grads.hidden_names, f"{width} px: {grads.hidden_names} hidden"
        assert compared > 0
        # When the row has room, the mark shows too (it is in the tooltip always).
        panel.resize(1200, 600)
        QApplication.processEvents()
        grads.relayout()
        shown = [label.text for _sample, label in grads.shown]
        assert any(ZERO_GRAD in text for text in shown) and ZERO_GRAD in grads.toolTip()
    finally:
        panel.set_session(None)
