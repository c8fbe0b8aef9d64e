"""File → Export, driven by its keys: plots as PNG/SVG, trajectories as CSV, the window as PNG.

Plain torch is the oracle for the CSV numbers; the pictures are checked by
loading them back (QImage for PNG, an XML parser and QSvgRenderer for SVG).
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFileDialog


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def save_to(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``save_to(path)``: the next save dialogs answer ``path`` (records the titles asked)."""
    asked: list[str] = []

    def use(path: Path) -> list[str]:
        def fake(_parent: Any, title: str, _start: str, filters: str) -> tuple[str, str]:
            asked.append(title)
            return str(path), filters.split(";;")[0]
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
        return asked
    return use


def _torch_run(iterations: int) -> tuple[list[list[float]], list[list[float]]]:
    """Values and grads after each phase of ``iterations`` plain-torch loops (the oracle)."""
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.1)
    values, grads = [], []
    for _ in range(iterations):
        for phase in ("forward", "backward", "step"):
            if phase == "forward":
                out = (w * x).sum()
            elif phase == "backward":
                out.backward()
            else:
                opt.step()
            values.append(w.detach().tolist())
            grads.append(None if w.grad is None else w.grad.tolist())
    return values, grads


def test_trajectories_csv_by_key_hold_the_torch_numbers(window: Any, qtbot: Any, save_to: Any,
                                                         tmp_path: Path) -> None:
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_I)
    path = tmp_path / "run.csv"
    save_to(path)
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    rows = list(csv.DictReader(path.read_text().splitlines()))
    assert list(rows[0]) == ["run", "record", "action", "w[0]", "w[1]", "w[2]",
                             "w[0].grad", "w[1].grad", "w[2].grad", "output"]
    assert [r["action"] for r in rows] == ["forward", "backward", "step"] * 3
    values, grads = _torch_run(3)
    for row, value, grad in zip(rows, values, grads):
        got = [float(row[f"w[{i}]"]) for i in range(3)]
        assert np.array_equal(np.float32(got), np.float32(value))  # bit for bit
        if grad is None:
            assert [row[f"w[{i}].grad"] for i in range(3)] == ["", "", ""]
        else:
            assert np.array_equal(np.float32([float(row[f"w[{i}].grad"]) for i in range(3)]),
                                  np.float32(grad))
    # And they are the session's own numbers.
    last = window.session.history[-1]
    assert np.array_equal(np.float32([float(rows[-1][f"w[{i}]"]) for i in range(3)]), last.values["w"])
    assert float(rows[0]["output"]) == pytest.approx(6.0)


def test_trajectories_csv_tags_the_compare_twin(window: Any, qtbot: Any, save_to: Any,
                                                tmp_path: Path) -> None:
    window.action("actionCompare").setChecked(True)
    qtbot.keyClick(window, Qt.Key.Key_I)
    qtbot.keyClick(window, Qt.Key.Key_I)
    path = tmp_path / "both.csv"
    save_to(path)
    window.action("actionExportTrajectories").trigger()
    rows = list(csv.DictReader(path.read_text().splitlines()))
    runs = {r["run"] for r in rows}
    assert "main" in runs and len(runs) == 2
    twin_rows = [r for r in rows if r["run"] != "main"]
    assert len(twin_rows) == len(window.controller.twin.history)


@pytest.mark.parametrize("key, plot", [(Qt.Key.Key_W, "weights"), (Qt.Key.Key_G, "grads"),
                                       (Qt.Key.Key_O, "output")])
def test_each_plot_exports_as_png_of_twice_its_size(window: Any, qtbot: Any, save_to: Any,
                                                    tmp_path: Path, key: Any, plot: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_I)
    path = tmp_path / f"{plot}.png"
    save_to(path)
    qtbot.keyClick(window, key, CTRL_SHIFT)
    image = QImage(str(path))
    assert not image.isNull()
    viewport = window.plots.plots[plot].viewport().size()
    assert (image.width(), image.height()) == (2 * viewport.width(), 2 * viewport.height())
    # Not a blank page: the curves and axes put dark pixels on the white background.
    pixels = np.frombuffer(image.convertToFormat(QImage.Format.Format_Grayscale8).constBits(),
                           dtype=np.uint8)
    assert (pixels < 128).mean() > 0.001


def test_a_plot_exports_as_a_valid_svg_with_its_curves(window: Any, qtbot: Any, save_to: Any,
                                                       tmp_path: Path) -> None:
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_I)
    path = tmp_path / "weights.svg"
    save_to(path)
    qtbot.keyClick(window, Qt.Key.Key_W, CTRL_SHIFT)
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert len([e for e in root.iter() if e.tag.endswith(("path", "polyline"))]) > 3
    assert QSvgRenderer(str(path)).isValid()
    size = window.plots.plots["weights"].viewport().size()
    assert QSvgRenderer(str(path)).viewBox().size() == size


def test_window_exports_as_png_of_its_size(window: Any, qtbot: Any, save_to: Any,
                                           tmp_path: Path) -> None:
    path = tmp_path / "slide"
    save_to(path)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL_SHIFT)
    image = QImage(str(path) + ".png")  # the suffix is added when the name has none
    ratio = window.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(window.width() * ratio),
                                               round(window.height() * ratio))


def test_export_submenu_lists_every_export(window: Any) -> None:
    from ui.actions import EXPORT_ACTIONS

    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    sub = next(a.menu() for a in menu.actions() if a.menu() is not None)
    assert [a.objectName() for a in sub.actions()] == [spec.id for spec in EXPORT_ACTIONS]
    assert all(a.shortcut().toString() for a in sub.actions())


def test_unwritable_path_reports_and_keeps_the_session(window: Any, qtbot: Any, save_to: Any,
                                                       tmp_path: Path) -> None:
    qtbot.keyClick(window, Qt.Key.Key_I)
    before = len(window.session.history)
    save_to(tmp_path / "missing-folder" / "run.csv")
    qtbot.keyClick(window, Qt.Key.Key_T, CTRL_SHIFT)
    box = window.findChild(object, "fileErrorBox")
    assert box is not None and "cannot write" in box.text()
    assert len(window.session.history) == before
    box.close()


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_landscape_exports_by_key(make_window: Any, qtbot: Any, save_to: Any, tmp_path: Path,
                                  suffix: str) -> None:
    window = make_window({"params": {"w": "0.0", "b": "0.0"}, "inputs": {"x": "[1.0, 2.0]"},
                          "forward": "loss = ((w * x + b - 3) ** 2).mean()"})
    window.show_landscape_tab()
    view = window.inspector_panels["Landscape"]
    qtbot.waitUntil(lambda: view.landscape is not None)
    path = tmp_path / f"land{suffix}"
    save_to(path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)
    size = view.plot.viewport().size()
    if suffix == ".png":
        image = QImage(str(path))
        assert (image.width(), image.height()) == (2 * size.width(), 2 * size.height())
    else:
        assert ET.parse(path).getroot().tag.endswith("svg")
        renderer = QSvgRenderer(str(path))
        assert renderer.isValid() and renderer.viewBox().size() == size
        # The heat map goes in as an embedded image.
        assert "<image" in path.read_text()


def test_data_plot_exports_by_key(make_window: Any, qtbot: Any, save_to: Any, tmp_path: Path) -> None:
    window = make_window({"params": {"w": "0.5", "b": "0.0"},
                          "inputs": {"x": "[0.0, 1.0, 2.0]", "y": "[1.0, 2.0, 3.5]"},
                          "forward": "y_hat = w * x + b\nloss = ((y_hat - y) ** 2).mean()"})
    window.show_data_tab()
    view = window.inspector_panels["Data"]
    view.refresh()
    path = tmp_path / "fit.svg"
    save_to(path)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_D, CTRL_SHIFT)
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid() and renderer.viewBox().size() == view.plot.viewport().size()
    assert "Data and fit" in path.read_text()  # its title
