"""Undo and redo through the window's actions and keys, checked against plain torch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import DEFAULT_MODEL

X = torch.tensor([1.0, 2.0, 3.0])


def trigger(window: Any, *action_ids: str) -> None:
    for action_id in action_ids:
        window.action(action_id).trigger()


def torch_after(iterations: int, extra: tuple[str, ...] = ()) -> tuple[torch.Tensor, torch.Tensor | None]:
    """w and w.grad of the default model after plain torch iterations (no zero_grad), then ``extra``."""
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    out = None
    for _ in range(iterations):
        out = (w * X).sum()
        out.backward()
        opt.step()
    for phase in extra:
        if phase == "forward":
            out = (w * X).sum()
        elif phase == "backward":
            assert out is not None
            out.backward()
        elif phase == "step":
            opt.step()
        elif phase == "zero_grad":
            opt.zero_grad(set_to_none=False)  # the session's zero_grad_mode "zeros"
    return w.detach(), None if w.grad is None else w.grad.clone()


def assert_like_torch(window: Any, w: torch.Tensor, grad: torch.Tensor | None) -> None:
    assert window.session.value("w") == w.tolist()
    assert window.session.grad("w") == (None if grad is None else grad.tolist())


def last_plotted(window: Any, qtbot: Any, key: str, name: str) -> float:
    window.plots.redraw()
    (curve,) = [c for c in window.plots.curves(key) if c.name() == name]
    _, y = curve.getOriginalDataset()
    return float(y[-1])


def test_undo_each_press_then_press_again_gives_torchs_numbers(window: Any, qtbot: Any) -> None:
    trigger(window, "actionIterate", "actionIterate", "actionIterate")
    assert window.action("actionUndo").isEnabled()
    trigger(window, "actionUndo")  # one press: the whole third iteration (s6 item 10)
    assert window.session.position == 5
    assert_like_torch(window, *torch_after(2))
    assert last_plotted(window, qtbot, "weights", "w[2]") == torch_after(2)[0][2].item()
    trigger(window, "actionIterate")
    assert_like_torch(window, *torch_after(3))
    assert len(window.session.history) == 9  # the press branched: the undone future is gone
    assert not window.session.can_redo


def test_redo_by_both_keys(window: Any, qtbot: Any) -> None:
    trigger(window, "actionIterate", "actionIterate")
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert_like_torch(window, *torch_after(1))  # one Ctrl+Z, one whole iteration
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert_like_torch(window, *torch_after(0))
    QTest.keyClick(window, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert_like_torch(window, *torch_after(1))
    QTest.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert_like_torch(window, *torch_after(2))
    qtbot.waitUntil(lambda: not window.action("actionRedo").isEnabled())
    trigger(window, "actionStep")
    assert_like_torch(window, *torch_after(2, ("step",)))


def test_reset_is_undone_with_history_and_plots(window: Any, qtbot: Any) -> None:
    trigger(window, "actionIterate", "actionIterate", "actionReset")
    assert len(window.session.history) == 0
    trigger(window, "actionUndo")
    assert len(window.session.history) == 6
    assert_like_torch(window, *torch_after(2))
    assert last_plotted(window, qtbot, "weights", "w[1]") == torch_after(2)[0][1].item()
    assert last_plotted(window, qtbot, "grads", "w[0]") == torch_after(2)[1][0].item()
    trigger(window, "actionForward", "actionBackward")
    assert_like_torch(window, *torch_after(2, ("forward", "backward")))


def test_requires_grad_toggle_is_undone(window: Any) -> None:
    trigger(window, "actionForward")
    window._on_state_table_requires_grad("w", False)
    assert window.session.params["w"].requires_grad is False
    trigger(window, "actionUndo")
    assert window.session.params["w"].requires_grad is True
    trigger(window, "actionBackward")  # the graph from the forward before the toggle is alive
    assert_like_torch(window, *torch_after(0, ("forward", "backward")))


def test_apply_and_preset_are_undone_to_the_same_session_object(window: Any) -> None:
    from ui.presets import presets

    first = window.session
    trigger(window, "actionIterate")
    window.model_panel.load_config({**DEFAULT_MODEL, "lr": 0.5})
    trigger(window, "actionApply")
    applied = window.session
    assert applied is not first and applied.config.lr == 0.5
    preset = next(p for p in presets() if p.name.startswith("MSE"))
    window.model_panel.preset_chosen.emit(preset)
    assert window.session.config.forward != first.config.forward
    trigger(window, "actionUndo")
    assert window.session is applied
    trigger(window, "actionUndo")
    assert window.session is first
    assert window.model_panel.config()["lr"] == pytest.approx(0.1)  # the panel shows it too
    assert_like_torch(window, *torch_after(1))
    trigger(window, "actionRedo")
    assert window.session is applied
    trigger(window, "actionUndo", "actionUndo")  # into first's own run: its whole iterate
    assert window.session is first and window.session.position == -1
    trigger(window, "actionRedo")
    assert window.session is first and window.session.position == 2
    assert window.controller.can_redo  # next, Redo would bring `applied` back
    trigger(window, "actionIterate")  # a new press: the replaced sessions' redo is gone
    assert_like_torch(window, *torch_after(2))
    assert window.session is first and not window.controller.can_redo


def test_starting_a_lesson_is_undone(window: Any) -> None:
    first = window.session
    trigger(window, "actionIterate")
    window.inspector_panels["Lesson"].start()
    assert window.session is not first
    trigger(window, "actionUndo")
    assert window.session is first
    assert_like_torch(window, *torch_after(1))


def test_opening_a_session_is_undone(window: Any, qtbot: Any, tmp_path: Path,
                                     monkeypatch: Any) -> None:
    from playground.session import Session
    from ui import files

    other = Session(params={"v": [2.0, -1.0]}, forward="out = (v * v).sum()")
    other.iterate()
    other.save(tmp_path / "run.json")
    # The real File → Open path, with the file dialog answered.
    monkeypatch.setattr(files, "ask_open_path", lambda *_args: str(tmp_path / "run.json"))
    first = window.session
    trigger(window, "actionForward", "actionOpenSession")
    qtbot.waitUntil(lambda: window.session.param_names == ["v"])
    trigger(window, "actionUndo")
    assert window.session is first
    assert_like_torch(window, *torch_after(0, ("forward",)))


def test_a_random_sequence_with_undos_replays_like_torch(window: Any) -> None:
    """Presses and undos at random; the end state equals plain torch running the kept presses."""
    rng = np.random.default_rng(7)
    kept: list[str] = []  # the presses that survive, in order
    for _ in range(60):
        choice = rng.choice(["forward", "backward", "step", "zero_grad", "iterate", "undo"])
        if choice == "undo":
            if kept:
                trigger(window, "actionUndo")
                kept.pop()
            continue
        errors: list[Any] = []
        window.controller.failed.connect(errors.append)
        window.controller.run(str(choice))
        window.controller.failed.disconnect(errors.append)
        if not errors:
            kept.append(str(choice))
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    out = None
    freed = True
    presses = [[p] if p != "iterate" else ["forward", "backward", "step"] for p in kept]
    assert any(len(press) == 3 for press in presses)
    for phase in [phase for press in presses for phase in press]:
        if phase == "forward":
            out, freed = (w * X).sum(), False
        elif phase == "backward":
            assert out is not None and not freed  # the window refused the others
            out.backward()
            freed = True
        elif phase == "step":
            opt.step()
        else:
            opt.zero_grad(set_to_none=False)  # the session's zero_grad_mode "zeros"
    assert_like_torch(window, w.detach(), None if w.grad is None else w.grad)
