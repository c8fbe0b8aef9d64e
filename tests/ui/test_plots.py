"""Live plots: buffers, one curve per element, trajectories checked against torch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from ui.plots import PlotsPanel, element_names
from tests.ui.conftest import show_widget


@pytest.fixture
def panel(qtbot: Any) -> Any:
    widget = show_widget(qtbot, PlotsPanel(), 900, 600)
    yield widget
    widget.set_twin(None)
    widget.set_session(None)


def make_session(**config: Any) -> Any:
    from playground.session import Session

    base = {"params": {"w": "ones(3)"}, "inputs": {"x": "[1.0, 2.0, 3.0]"},
            "forward": "out = (w * x).sum()", "lr": 0.1}
    return Session(**{**base, **config})


def torch_trajectory(iterations: int) -> tuple[list[list[float]], list[list[float]]]:
    """Values and grads after each of forward, backward, step, as plain torch does them."""
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.1)
    values, grads = [], []

    def snap() -> None:
        values.append(w.detach().tolist())
        grads.append([float("nan")] * 3 if w.grad is None else w.grad.tolist())

    for _ in range(iterations):
        out = (w * x).sum()
        snap()
        out.backward()
        snap()
        opt.step()
        snap()
    return values, grads


def test_element_names() -> None:
    assert element_names("w", (3,)) == ["w[0]", "w[1]", "w[2]"]
    assert element_names("w", (2, 2)) == ["w[0,0]", "w[0,1]", "w[1,0]", "w[1,1]"]
    assert element_names("b", ()) == ["b"]


def test_one_styled_curve_per_element_with_clip_and_peak_downsampling(panel: Any) -> None:
    panel.set_session(make_session())
    for key in ("weights", "grads"):
        names = [c.name() for c in panel.curves(key) if c.name() != "zero_grad"]
        assert names == ["w[0]", "w[1]", "w[2]"]
        plot = panel.plots[key].getPlotItem()
        assert plot.clipToViewMode()
        assert plot.downsampleMode() == (1, True, "peak")
        curves = [c for c in panel.curves(key) if c.name() != "zero_grad"]
        assert all(c.opts["pen"].width() == 3 for c in curves)
        assert len({c.opts["pen"].color().name() for c in curves}) == 3
        assert plot.legend is not None and plot.legend.isVisible()
    assert panel.plots["weights"].objectName() == "weightPlot"
    assert panel.plots["grads"].objectName() == "gradPlot"
    assert panel.plots["output"].objectName() == "outputPlot"


def test_curves_follow_the_history_like_torch(panel: Any, qtbot: Any) -> None:
    session = make_session()
    panel.set_session(session)
    created = {c.name(): c for c in panel.curves("weights")}
    for _ in range(3):
        session.iterate()
    values, grads = torch_trajectory(3)

    def plotted() -> None:
        for i in range(3):
            x, y = created[f"w[{i}]"].getData()
            assert x is not None and x.tolist() == list(range(9))
            np.testing.assert_allclose(y, [v[i] for v in values], rtol=1e-6)
            _, g = _named(panel, "grads", f"w[{i}]").getData()
            np.testing.assert_allclose(g, [v[i] for v in grads], rtol=1e-6)

    qtbot.waitUntil(plotted)
    # Curves are created once per session, never re-plotted.
    assert {c.name(): c for c in panel.curves("weights")} == created


def _named(panel: Any, key: str, name: str) -> Any:
    (curve,) = [c for c in panel.curves(key) if c.name() == name]
    return curve


def _count(panel: Any, key: str, name: str) -> int:
    """Points handed to the curve (0 when it has none: pyqtgraph then holds None)."""
    x, _ = _named(panel, key, name).getOriginalDataset()
    return 0 if x is None else len(x)


def test_output_curve_is_the_loss(panel: Any, qtbot: Any) -> None:
    session = make_session()
    panel.set_session(session)
    session.iterate()
    session.iterate()
    w = torch.ones(3)
    x = torch.tensor([1.0, 2.0, 3.0])
    first = float((w * x).sum())
    second = float(((w - 0.1 * x) * x).sum())

    def plotted() -> None:
        _, y = _named(panel, "output", "out").getData()
        assert y is not None
        np.testing.assert_allclose(y, [first] * 3 + [second] * 3, rtol=1e-6)

    qtbot.waitUntil(plotted)


def test_redraw_waits_for_the_frame_timer(panel: Any, qtbot: Any) -> None:
    session = make_session()
    panel.set_session(session)
    session.forward()
    qtbot.waitUntil(lambda: _count(panel, "weights", "w[0]") == 1)
    for _ in range(50):
        session.forward()  # no event loop between these: no redraw yet
    assert _count(panel, "weights", "w[0]") == 1
    qtbot.waitUntil(lambda: _count(panel, "weights", "w[0]") == 51)


def test_zero_grad_is_marked_on_the_grad_plot(panel: Any, qtbot: Any) -> None:
    session = make_session()
    panel.set_session(session)
    session.forward()
    session.backward()
    session.zero_grad()
    marks = _named(panel, "grads", "zero_grad")
    qtbot.waitUntil(lambda: _count(panel, "grads", "zero_grad") == 2)
    assert marks.getOriginalDataset()[0].tolist() == [2.0, 2.0]
    _, y = marks.getOriginalDataset()
    assert y.min() <= 0.0 and y.max() >= 3.0  # spans the grads (0 after zeroing, 3 before)
    assert marks.opts["pen"].style() == Qt.PenStyle.DotLine


def test_twin_curves_are_dashed_and_named(panel: Any, qtbot: Any) -> None:
    session = make_session()
    twin = make_session(auto_zero_grad=True)
    panel.set_session(session)
    panel.set_twin(twin)
    ghosts = [c for c in panel.curves("weights") if c.name().endswith(" (twin)")]
    assert [c.name() for c in ghosts] == ["w[0] (twin)", "w[1] (twin)", "w[2] (twin)"]
    assert all(c.opts["pen"].style() == Qt.PenStyle.DashLine for c in ghosts)
    panel.set_twin(None)
    assert not [c for c in panel.curves("weights") if c.name().endswith(" (twin)")]


def test_reset_empties_and_a_new_session_replaces_curves(panel: Any, qtbot: Any) -> None:
    session = make_session()
    panel.set_session(session)
    session.iterate()
    session.reset()
    qtbot.waitUntil(lambda: _count(panel, "weights", "w[0]") == 0)
    panel.set_session(make_session(params={"v": "zeros(2)"}, forward="out = (v * v).sum()",
                                   inputs={}))
    assert [c.name() for c in panel.curves("weights")] == ["v[0]", "v[1]"]


def test_a_long_run_is_drawn_with_about_two_points_per_pixel(panel: Any, qtbot: Any) -> None:
    session = make_session(auto_zero_grad=True, lr=0.0)
    panel.set_session(session)
    for _ in range(3000):  # 12,000 records
        session.iterate()
    pixels = int(panel.plots["grads"].getPlotItem().getViewBox().width())
    qtbot.waitUntil(lambda: 0 < _count(panel, "weights", "w[0]") <= 2 * pixels + 3)
    x, y = _named(panel, "grads", "w[2]").getOriginalDataset()
    assert x[0] == 0.0 and x[-1] == 11_999.0
    assert set(np.unique(y[np.isfinite(y)])) == {0.0, 3.0}  # lr 0: grads are 3 or zeroed
    # The last point is the session's value now, as torch computed it.
    _, w = _named(panel, "weights", "w[1]").getOriginalDataset()
    assert w[-1] == session.value("w")[1]
