"""The Data tab and File → Open data…, driven from the keyboard; plain torch is the oracle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui._settle import press
from ui.data_view import CLASS_COLOURS
from ui.presets import presets

CTRL = Qt.KeyboardModifier.ControlModifier


def preset_config(prefix: str) -> dict[str, Any]:
    return dict(next(p for p in presets() if p.name.startswith(prefix)).config)


def data_tab(window: Any, qtbot: Any) -> Any:
    press(window, qtbot, (Qt.Key.Key_7, CTRL))
    view = window.inspector_panels["Data"]
    assert view.isVisible()
    view.refresh()
    return view


def tensor(session: Any, name: str) -> torch.Tensor:
    return torch.tensor(session.value(name))


def test_line_fit_moves_with_the_weights_as_torch_says(make_window: Any, qtbot: Any) -> None:
    config = preset_config("Line fit")
    window = make_window(config)
    view = data_tab(window, qtbot)
    s = window.session
    layout = view.layout_
    assert (layout.x, layout.target, layout.prediction, layout.dims) == ("x", "y", "y_hat", 1)
    px, py = view.points[0].getData()
    assert np.array_equal(px, np.asarray(s.value("x"))) and np.array_equal(py, np.asarray(s.value("y")))
    # Plain torch: the same model, one SGD step.
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    x, y = tensor(s, "x"), tensor(s, "y")
    torch.nn.functional.mse_loss(w * x + b, y).backward()
    with torch.no_grad():
        w -= config["lr"] * w.grad
        b -= config["lr"] * b.grad
    press(window, qtbot, Qt.Key.Key_I)
    view.refresh()
    gx, gy = view.fit.getData()
    assert gx[0] < x.min().item() and gx[-1] > x.max().item()  # the line reaches past the data
    expected = (w * torch.tensor(gx, dtype=torch.float32) + b).detach().numpy()
    np.testing.assert_allclose(gy, expected, rtol=1e-6, atol=1e-7)
    assert gy[-1] != 0.0  # it moved


@pytest.mark.parametrize("prefix", ["Logistic", "Three classes"])
def test_decision_regions_are_torchs_classes(make_window: Any, qtbot: Any, prefix: str) -> None:
    window = make_window(preset_config(prefix))
    press(window, qtbot, Qt.Key.Key_I, Qt.Key.Key_I, Qt.Key.Key_I)
    view = data_tab(window, qtbot)
    s = window.session
    assert view.layout_.dims == 2
    grid = torch.tensor(view.grid_x, dtype=torch.float32)
    if prefix == "Logistic":
        logits = grid @ tensor(s, "w") + tensor(s, "b")
        expected = (logits > 0).numpy()
    else:
        expected = (grid @ tensor(s, "W") + tensor(s, "b")).argmax(dim=1).numpy()
    side = int(np.sqrt(len(grid)))
    image = view.regions.image  # one RGBA cell per grid point: the colour of its class
    assert image.shape[:2] == (side, side)
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in CLASS_COLOURS])
    np.testing.assert_array_equal(image.reshape(-1, 4)[:, :3], palette[expected.astype(int)])
    assert len(np.unique(expected)) >= 2  # a real boundary crosses the picture


def test_open_data_makes_the_columns_inputs(make_window: Any, qtbot: Any, tmp_path: Path,
                                            monkeypatch: Any) -> None:
    config = preset_config("Line fit")
    window = make_window(config)
    path = tmp_path / "points.csv"
    path.write_text("x,y\n0,1\n1,3\n2,5.5\n3,7\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(path), "")))
    press(window, qtbot, (Qt.Key.Key_D, CTRL))
    s = window.session
    assert s.value("x") == [0.0, 1.0, 2.0, 3.0] and s.value("y") == [1.0, 3.0, 5.5, 7.0]
    assert window.inspector.tabText(window.inspector.currentIndex()) == "Data"
    view = window.inspector_panels["Data"]
    view.refresh()
    assert list(view.points[0].getData()[0]) == [0.0, 1.0, 2.0, 3.0]
    assert window.model_panel.inputs.specs()["x"].replace(" ", "") == "[0.0,1.0,2.0,3.0]"


def test_a_bad_csv_names_its_line_and_keeps_the_session(make_window: Any, qtbot: Any,
                                                        tmp_path: Path, monkeypatch: Any) -> None:
    window = make_window(preset_config("Line fit"))
    press(window, qtbot, Qt.Key.Key_I)
    before, records = window.session, len(window.session.history)
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n0,1\n1\n2,5\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a: (str(path), "")))
    press(window, qtbot, (Qt.Key.Key_D, CTRL))
    box = window.findChild(object, "fileErrorBox")
    assert box is not None and "line 3" in box.text()
    assert window.session is before and len(before.history) == records
    box.close()


def test_a_model_without_data_says_what_would_show(make_window: Any, qtbot: Any) -> None:
    window = make_window({"params": {"w": "ones(3)"}, "forward": "out = (w * 2).sum()"})
    view = data_tab(window, qtbot)
    assert view.stack.currentWidget() is view.message and "Line fit" in view.message.text()


def test_the_twin_fit_is_dashed_and_is_the_twins(make_window: Any, qtbot: Any) -> None:
    from ui.compare import CompareSetting

    window = make_window({**preset_config("Line fit"), "auto_zero_grad": True})
    window.action("actionAutoZeroGrad").setChecked(True)
    window.controller.set_compare_setting(CompareSetting("lr", 0.01))
    press(window, qtbot, Qt.Key.Key_C, Qt.Key.Key_I, Qt.Key.Key_I)
    view = data_tab(window, qtbot)
    s = window.session
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.01)
    for _ in range(2):
        torch.nn.functional.mse_loss(w * tensor(s, "x") + b, tensor(s, "y")).backward()
        opt.step()
        opt.zero_grad()
    gx, gy = view.twin_fit.getData()
    np.testing.assert_allclose(gy, (w * torch.tensor(gx, dtype=torch.float32) + b).detach().numpy(),
                               rtol=1e-6, atol=1e-7)
    assert view.twin_fit.opts["pen"].style() == Qt.PenStyle.DashLine
    assert "prediction y_hat (twin, lr 0.01)" in [label.text for _, label in view.legend.items]


@pytest.mark.parametrize("prefix", ["Logistic", "Three classes"])
def test_class_names_are_printed_as_torch_prints_them(make_window: Any, qtbot: Any,
                                                      prefix: str) -> None:
    window = make_window(preset_config(prefix))
    view = data_tab(window, qtbot)
    name = view.layout_.target
    target = tensor(window.session, name)  # float targets print "1.", long ones "1"
    expected = [f"{name} = {str(value)[len('tensor('):-1]}" for value in torch.unique(target)]
    assert [label.text for _, label in view.legend.items] == expected
