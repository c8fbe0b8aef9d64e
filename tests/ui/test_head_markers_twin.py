"""One big "newest point" marker per curve shown, also after Compare is turned off (u1 trial #10).

The twin's markers stayed at the step where it ended while the run went on, and the
run's own newest points had none: the markers followed curves by id(), and a new
curve could take a removed one's id and never be followed.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg

from tests.ui._settle import settle
from ui.plot_style import HeadMarkers


def _iterate(window: Any, qtbot: Any, n: int) -> None:
    for _ in range(n):
        window.action("actionIterate").trigger()
    settle(qtbot)


def _newest_points(window: Any, key: str) -> list[tuple[float, float]]:
    """The newest point of every curve the plot shows with a marker symbol."""
    return sorted((float(c.xData[-1]), float(c.yData[-1])) for c in window.plots.curves(key)
                  if getattr(c, "playground_symbol", None) is not None and c.yData is not None
                  and len(c.yData))


def _marked(window: Any, key: str) -> list[tuple[float, float]]:
    scatter = window.plots.plots[key].getPlotItem().head_markers.scatter
    return sorted((float(p.pos().x()), float(p.pos().y())) for p in scatter.points())


def test_markers_follow_the_run_after_compare_is_turned_off(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    _iterate(window, qtbot, 5)
    compare = window.action("actionCompare")
    compare.trigger()
    _iterate(window, qtbot, 3)
    assert any(c.name().endswith(" (twin)") for c in window.plots.curves("weights"))
    compare.trigger()  # off: the dashed curves go, and so must their markers
    settle(qtbot)
    assert not any(c.name().endswith(" (twin)") for c in window.plots.curves("weights"))
    assert _marked(window, "weights") == _newest_points(window, "weights")
    _iterate(window, qtbot, 4)
    for action in ["actionTimelineBack"] * 5 + ["actionTimelineLatest"]:  # the trial's steps
        window.action(action).trigger()
        settle(qtbot)
        assert _marked(window, "weights") == _newest_points(window, "weights"), action
    _iterate(window, qtbot, 1)
    for key in ("weights", "grads"):
        newest = _newest_points(window, key)
        assert newest and _marked(window, key) == newest, key


def _points(heads: HeadMarkers) -> list[tuple[float, float]]:
    return [(float(p.pos().x()), float(p.pos().y())) for p in heads.scatter.points()]


def test_each_new_curve_is_followed_though_it_reuses_a_removed_ones_memory(qtbot: Any) -> None:
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    item = widget.getPlotItem()
    heads = HeadMarkers(item)
    for k in range(60):  # CPython soon gives a new curve a freed curve's id()
        curve = pg.PlotDataItem([0.0, 1.0], [0.0, -1.0])
        curve.playground_symbol = "o"
        item.addItem(curve)
        heads.schedule()  # what style_curves does for a new curve
        heads.flush()
        curve.setData([0.0, 1.0 + k], [0.0, float(k)])  # the run goes on
        heads.flush()  # a followed curve's change has scheduled an update: done now
        assert _points(heads) == [(1.0 + k, float(k))], k
        item.removeItem(curve)
        del curve  # freed now (reference counting): its memory is free for the next one

