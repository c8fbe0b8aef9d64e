"""After Reset or Compare-on the plots fit the new run, not the old run's scale (t5 #13).

Auto-range keeps the last span while a plot has no data: after a reset the empty
Gradients plot still ran 2.5 … 12, and after Compare-on the empty plots kept
-2000 … 0 and 0 … 300.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import show_widget
from ui.plots import PlotsPanel


def session(scale: str = "3.0") -> Any:
    from playground.session import Session

    return Session(params={"w": "ones(3)"}, inputs={"x": f"[1.0, 2.0, {scale}]"},
                   forward="out = (w * x).sum()", lr=0.1)


def y_ranges(panel: PlotsPanel) -> dict[str, list[float]]:
    for plot in panel.plots.values():
        # What a paint before the next frame does: fit the curves as they still are.
        plot.getPlotItem().getViewBox().prepareForPaint()
    panel.redraw()
    QApplication.processEvents()
    return {key: list(plot.getPlotItem().getViewBox().viewRange()[1])
            for key, plot in panel.plots.items()}


def test_reset_and_compare_forget_the_old_runs_ranges(qtbot: Any) -> None:
    panel = show_widget(qtbot, PlotsPanel(), 900, 400)
    run = session("300.0")  # grads 300, 600, 900 and out ~ 300: a scale the next run has not
    panel.set_session(run)
    for _ in range(3):
        run.forward()
        run.backward()
    old = y_ranges(panel)
    assert old["grads"][1] >= 900 and old["output"][1] >= 300

    run.reset()  # nothing drawn now: no old scale over an empty plot
    assert y_ranges(panel) == {key: [-1, 1] for key in panel.plots}
    run.forward()
    run.backward()  # the new run's own scale: grads 1, 2, 300 (not the old 900)
    low, high = y_ranges(panel)["grads"]
    assert low <= 1 and 300 <= high < 600, (low, high)

    # Compare on (ui.controller.set_compare): the main run resets, then the twin comes.
    run.reset()
    panel.set_twin(session("300.0"))
    assert y_ranges(panel) == {key: [-1, 1] for key in panel.plots}
    panel.set_twin(None)
    panel.set_session(None)
