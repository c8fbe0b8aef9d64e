"""inf and nan never vanish from the plots: each is marked at the data area's edge, and named.

Torch is the oracle: every expected value below is computed by plain torch, and
the marks and curves are read back from the plot items.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
import torch

from tests.ui.conftest import show_widget
from ui.fast_curve import device_data_item
from ui.plots import PlotsPanel

X = [1.0, 2.0, 3.0]


@pytest.fixture
def panel(qtbot: Any) -> Any:
    widget = show_widget(qtbot, PlotsPanel(), 900, 400)
    yield widget
    widget.set_session(None)


def _session(forward: str, lr: float = 0.1) -> Any:
    from playground.session import Session

    return Session(params={"w": "ones(3)"}, inputs={"x": "[1.0, 2.0, 3.0]"}, forward=forward, lr=lr)


def _kind(value: float) -> str | None:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    return None


def _marks(panel: Any, key: str) -> Any:
    return panel.plots[key].getPlotItem().edge_marks


def _curve(panel: Any, key: str, name: str) -> pg.PlotDataItem:
    (curve,) = [c for c in panel.curves(key) if c.name() == name]
    return curve


def _settle(panel: Any, qtbot: Any) -> None:
    panel.redraw()
    qtbot.wait(30)


def test_backward_v_with_nan_and_overflow_marks_both_and_draws_the_finite_grad(
        panel: Any, qtbot: Any) -> None:
    session = _session("out = w * x")
    panel.set_session(session)
    session.forward()
    session.backward(gradient=[float("nan"), 1e40, 2.0])
    w = torch.ones(3, requires_grad=True)
    (w * torch.tensor(X)).backward(torch.tensor([float("nan"), 1e40, 2.0]))
    expected = w.grad.tolist()
    assert _kind(expected[0]) == "nan" and _kind(expected[1]) == "+inf"  # the case at hand
    _settle(panel, qtbot)
    marks = _marks(panel, "grads")
    marked = marks.marked()
    for i, value in enumerate(expected):
        name, kind = f"w[{i}]", _kind(value)
        if kind is None:  # finite: on its curve, at the backward's row (1), and not marked
            x, y = _curve(panel, "grads", name).getData()
            assert x[-1] == 1.0 and y[-1] == pytest.approx(value)
            assert name not in marked
        else:
            assert {k: v.tolist() for k, v in marked[name].items()} == {kind: [1.0]}
    # The note names both kinds; the finite 6 still sets the range (nothing at 1e38).
    assert "▲ +inf" in marks.note and "× nan" in marks.note
    low, high = panel.plots["grads"].getPlotItem().getViewBox().viewRange()[1]
    assert low < expected[2] < high and high - low < 100
    # Drawn where they belong: +inf on the top edge, nan under it, both inside the data area.
    rect = marks.boundingRect()
    drawn = {(curve.name(), kind): (xs, y) for curve, kind, xs, y in marks.pixels()}
    assert set(drawn) == {("w[0]", "nan"), ("w[1]", "+inf")}
    inf_y, nan_y = drawn[("w[1]", "+inf")][1], drawn[("w[0]", "nan")][1]
    assert rect.top() < inf_y < nan_y < rect.center().y()
    box = panel.plots["grads"].getPlotItem().getViewBox()
    expected_px = marks.mapFromScene(box.mapViewToScene(pg.Point(1.0, 0.0))).x()
    for xs, _y in drawn.values():
        assert xs.tolist() == pytest.approx([expected_px])
    qtbot.waitUntil(lambda: marks.note_rect.width() > 0)  # the note was painted
    assert rect.contains(marks.note_rect)


def test_an_output_of_minus_inf_is_marked_on_the_bottom_edge(panel: Any, qtbot: Any) -> None:
    session = _session("out = -(w * x).sum() * 1e39")
    panel.set_session(session)
    session.forward()
    out = -(torch.ones(3) * torch.tensor(X)).sum() * 1e39
    assert _kind(float(out)) == "-inf"
    _settle(panel, qtbot)
    marks = _marks(panel, "output")
    assert {k: v.tolist() for k, v in marks.marked()["out"].items()} == {"-inf": [0.0]}
    assert marks.note == "▼ −inf"
    ((_curve_item, kind, _xs, y),) = marks.pixels()
    assert kind == "-inf" and marks.boundingRect().center().y() < y < marks.boundingRect().bottom()


def test_a_grad_that_is_none_is_a_gap_not_a_nan_mark(panel: Any, qtbot: Any) -> None:
    session = _session("out = (w * x).sum()")
    panel.set_session(session)
    session.forward()  # w.grad is None: stored as NaN, but it is not a nan
    session.backward()
    session.zero_grad(set_to_none=True)
    _settle(panel, qtbot)
    assert _marks(panel, "grads").marked() == {}
    assert _marks(panel, "grads").note == ""


def _torch_run(lr: float, iterations: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, grads and output after each forward, backward, step, zero_grad, by plain torch.

    A grad that is None is +0.5 (a number no run here reaches): neither a mark nor a nan.
    """
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor(X)
    opt = torch.optim.SGD([w], lr=lr)
    values, grads, outs = [], [], []
    out = None
    for _ in range(iterations):
        for phase in ("forward", "backward", "step", "zero_grad"):
            if phase == "forward":
                out = ((w * x).sum() - 1) ** 2
            elif phase == "backward":
                out.backward()
            elif phase == "step":
                opt.step()
            else:
                opt.zero_grad(set_to_none=False)
            values.append(w.detach().tolist())
            grads.append([0.5] * 3 if w.grad is None else w.grad.tolist())
            outs.append(float(out.detach()))
    return np.array(values), np.array(grads), np.array(outs)[:, None]


def _run_session(lr: float, iterations: int) -> Any:
    session = _session("out = ((w * x).sum() - 1) ** 2", lr=lr)
    for _ in range(iterations):
        session.forward()
        session.backward()
        session.step()
        session.zero_grad(set_to_none=False)
    return session


# lr 0.5 overflows float32 after ~26 iterations, then stays nan (a line); lr 1000 overflows
# in 9 (36 actions: a dot on each, and a dot at inf made the view stop auto-ranging).
@pytest.mark.parametrize(("lr", "iterations"), [(0.5, 40), (1000.0, 9)])
def test_a_diverging_run_keeps_its_finite_range_and_marks_every_non_finite_action(
        panel: Any, qtbot: Any, lr: float, iterations: int) -> None:
    values, grads, outs = _torch_run(lr, iterations)
    assert np.isinf(values).any() and np.isfinite(values).any()
    panel.set_session(_run_session(lr, iterations))
    _settle(panel, qtbot)
    for key, torch_rows in (("weights", values), ("grads", grads), ("output", outs)):
        marked = _marks(panel, key).marked()
        names = ["out"] if key == "output" else [f"w[{i}]" for i in range(3)]
        for i, name in enumerate(names):
            column = torch_rows[:, i]
            for kind, where in (("+inf", column == np.inf), ("-inf", column == -np.inf),
                                ("nan", np.isnan(column))):
                # Every row where torch's value is of this kind, and no other, is marked.
                assert marked.get(name, {}).get(kind, np.empty(0)).tolist() == \
                    np.flatnonzero(where).astype(float).tolist(), (key, name, kind)
        finite = torch_rows[np.isfinite(torch_rows)]
        low, high = panel.plots[key].getPlotItem().getViewBox().viewRange()[1]
        # The range is the finite part's (padded), not broken by inf.
        assert math.isfinite(low) and math.isfinite(high)
        assert low <= finite.min() and high >= finite.max()
        assert high - low < 2 * (finite.max() - finite.min()) + 2


def test_marks_survive_the_pyramid_of_a_long_run(qtbot: Any) -> None:
    """Past two rows per pixel the curves show block minima and maxima: the marks stay."""
    panel = show_widget(qtbot, PlotsPanel(), 360, 300)  # ~50 pixel columns a plot
    try:
        iterations = 120
        values, _grads, _outs = _torch_run(0.5, iterations)
        panel.set_session(_run_session(0.5, iterations))
        _settle(panel, qtbot)
        x, _y = _curve(panel, "weights", "w[0]").getData()
        assert len(x) < len(values) / 2  # really summarised, not every row
        marked = _marks(panel, "weights").marked()["w[0]"]
        column = values[:, 0]
        assert np.isinf(column).any() and np.isnan(column).any()
        for kind, where in (("+inf", column == np.inf), ("-inf", column == -np.inf),
                            ("nan", np.isnan(column))):
            rows = np.flatnonzero(where)
            if not len(rows):
                assert kind not in marked
                continue
            xs = marked[kind]
            assert 0 < len(xs) <= len(rows)
            # Each mark sits in a block that holds such a row; the last such row is marked.
            nearest = np.abs(xs[:, None] - rows[None, :]).min(axis=1)
            assert nearest.max() <= 16, kind
            assert np.abs(xs - rows.max()).min() <= 16, kind
    finally:
        panel.set_session(None)


def test_a_device_curve_leaves_a_gap_at_inf(qtbot: Any) -> None:
    """An inf is a gap, as in pyqtgraph's own curve, not a line to the clipped far point."""
    plot = show_widget(qtbot, pg.PlotWidget(background="w"), 400, 300)
    y = np.array([0.0, 0.0, np.inf, 0.0, 0.0])
    plot.addItem(device_data_item(x=np.arange(5.0), y=y, pen=pg.mkPen("#000", width=3),
                                  connect="finite"))
    plot.setRange(xRange=(0, 4), yRange=(-1, 1), padding=0)
    qtbot.wait(20)
    image = plot.grab().toImage()
    box = plot.getPlotItem().getViewBox()
    # Above the line y = 0, around x = 1: the clipped inf drew a near-vertical line here.
    scene_left = box.mapViewToScene(pg.Point(0.8, 0)).x()
    scene_right = box.mapViewToScene(pg.Point(1.2, 0)).x()
    top = box.mapViewToScene(pg.Point(0, 0.95)).y()
    bottom = box.mapViewToScene(pg.Point(0, 0.3)).y()
    ink = 0
    for px in range(int(scene_left), int(scene_right)):
        for py in range(int(top), int(bottom), 2):
            colour = image.pixelColor(px, py)
            ink += colour.red() < 100 and colour.green() < 100
    assert ink == 0


def test_marks_follow_the_timeline_reset_and_the_twin(panel: Any, qtbot: Any) -> None:
    session = _run_session(1000.0, 9)
    twin = _run_session(1000.0, 9)
    values, _grads, _outs = _torch_run(1000.0, 9)
    first_inf = int(np.flatnonzero(np.isinf(values[:, 0]))[0])
    panel.set_session(session)
    panel.set_twin(twin)
    _settle(panel, qtbot)
    marked = _marks(panel, "weights").marked()
    # The twin's curves are marked too, under their own names (drawn hollow, as its markers).
    assert "w[0]" in marked and "w[0] (twin)" in marked
    # Back on the timeline, before the overflow: the run as it was then has nothing to mark.
    session.goto(first_inf - 1)
    _settle(panel, qtbot)
    assert "w[0]" not in _marks(panel, "weights").marked()
    panel.set_twin(None)
    _settle(panel, qtbot)
    assert "w[0] (twin)" not in _marks(panel, "weights").marked()
    session.reset()
    _settle(panel, qtbot)
    assert _marks(panel, "weights").marked() == {} and _marks(panel, "output").marked() == {}
