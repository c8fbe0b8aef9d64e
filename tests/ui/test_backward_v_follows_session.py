"""The backward(v) a preset sets belongs to that model, not to the ones after it.

A trial chose the "x ** 2 with backward(v)" preset (v of 3 numbers), then opened a
saved scalar-loss run, started a lesson or applied a model: Backward failed with
"Mismatch in shape … torch.Size([3]) … torch.Size([])" on a correct model, and
only choosing a preset again cured it. A session file or a lesson carries no v:
their Backward is plain ``out.backward()``, as in plain torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from PySide6.QtCore import Qt

from playground import Session
from tests.ui._settle import press
from ui.presets import preset_named

VJP = "x ** 2 with backward(v)"
SCALAR = {"params": {"w": "[1.0, 2.0]"}, "inputs": {"x": "[3.0, 4.0]"},
          "forward": "out = (w * x).sum()"}


def _torch_grad() -> list[float]:
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (w * torch.tensor([3.0, 4.0])).sum().backward()
    assert w.grad is not None
    return w.grad.tolist()


def _backward_runs(window: Any, qtbot: Any) -> None:
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
    assert window.session.history[-1].action == "backward", window.banner.text
    assert list(window.session.grad("w")) == _torch_grad()
    assert window.model_panel.gradient_edit.text() == ""
    assert window.inspector_panels["backward(v)"].default_v is None


def test_an_opened_session_backward_is_plain(window: Any, qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "scalar.json"
    Session(**SCALAR).save(path)
    window._apply_preset(preset_named(VJP))
    assert window.controller.gradient  # the preset's v is in use
    window._on_session_opened(Session.load(path), str(path))
    _backward_runs(window, qtbot)
    # Apply keeps what the panel shows: the plain backward.
    window.apply_model()
    _backward_runs(window, qtbot)


def test_a_lesson_after_a_vjp_preset_backward_is_plain(window: Any, qtbot: Any) -> None:
    window._apply_preset(preset_named(VJP))
    window.set_session(Session(**SCALAR))  # what a lesson's start hands the window
    _backward_runs(window, qtbot)


def test_undo_brings_back_the_preset_with_its_v(window: Any, qtbot: Any) -> None:
    window._apply_preset(preset_named(VJP))
    v = window.controller.gradient
    window.set_session(Session(**SCALAR))
    press(window, qtbot, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    assert window.session.config.forward == preset_named(VJP).config["forward"]
    assert window.controller.gradient == v
    assert window.inspector_panels["backward(v)"].default_v == v  # the tab shows the v in use
    press(window, qtbot, Qt.Key.Key_F, Qt.Key.Key_B)
    assert window.session.history[-1].action == "backward", window.banner.text


def test_a_param_typed_nan_is_named_on_apply_and_the_lr_not_blamed(window: Any, qtbot: Any) -> None:
    panel = window.model_panel
    panel.load_config({"params": {"w": "[1e400, 1.0]"}, "inputs": {"x": "[3.0, 4.0]"},
                       "forward": "out = (w * x).sum()"})
    window.apply_model()
    assert window.session.config.params["w"] == "[1e400, 1.0]"
    assert "w starts with inf or nan" in window.banner.text
    press(window, qtbot, Qt.Key.Key_I)
    assert window.session.history and "smaller lr" not in window.banner.text
