"""The Graph, Code and backward(v) tabs and the File menu, on a real window; torch is the oracle."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pytest
import torch
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.ui.conftest import NOTEBOOK_MODEL

BCE_MODEL: dict[str, Any] = {
    "params": {"w": "randn(5, 3)", "b": "randn(3)"},
    "inputs": {"x": "ones(5)", "y": "zeros(3)"},
    "forward": "z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
    "seed": 2,
}
SQUARE_MODEL: dict[str, Any] = {"params": {"x": "[2.0, 3.0, 4.0]"}, "forward": "y = x ** 2"}


def trigger(window: Any, *action_ids: str) -> None:
    for action_id in action_ids:
        window.action(action_id).trigger()


def torch_labels(output: torch.Tensor) -> set[str]:
    """Every grad_fn class name reachable from ``output``, walked in plain torch."""
    seen, todo = set(), [output.grad_fn]
    while todo:
        fn = todo.pop()
        seen.add(type(fn).__name__)
        todo.extend(f for f, _ in fn.next_functions if f is not None)
    return seen


def test_graph_tab_draws_torchs_own_graph_and_marks_it_freed(make_window: Any, qtbot: Any) -> None:
    window = make_window(BCE_MODEL)
    window.show_inspector("Graph")
    view = window.inspector_panels["Graph"]
    assert not view.node_items()
    trigger(window, "actionForward")
    qtbot.waitUntil(lambda: len(view.node_items()) > 0)
    w = torch.tensor(window.session.value("w"), requires_grad=True)
    b = torch.tensor(window.session.value("b"), requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.matmul(torch.ones(5), w) + b,
                                                                torch.zeros(3))
    titles = " ".join(" ".join([item.title, *item.details]) for item in view.node_items())
    for label in torch_labels(loss):
        assert label in titles
    assert "loss = BinaryCrossEntropyWithLogitsBackward0" in titles
    assert not view.caption.isVisible()
    trigger(window, "actionBackward")
    qtbot.waitUntil(lambda: view.caption.isVisible())
    assert "retain_graph=True" in view.caption.text()


def test_hidden_graph_tab_waits_until_shown(make_window: Any, qtbot: Any) -> None:
    window = make_window(BCE_MODEL)
    window.show_inspector("Code")
    view = window.inspector_panels["Graph"]
    trigger(window, "actionForward")
    qtbot.wait(100)
    assert not view.node_items()  # not drawn while nobody can see it
    window.show_inspector("Graph")
    qtbot.waitUntil(lambda: len(view.node_items()) > 0)


def test_code_tab_mirrors_presses_and_highlights_the_latest(make_window: Any, qtbot: Any) -> None:
    window = make_window(NOTEBOOK_MODEL)
    window.show_inspector("Code")
    panel = window.inspector_panels["Code"]
    trigger(window, "actionForward", "actionBackward")
    qtbot.waitUntil(lambda: "model_output.backward()" in panel.text())
    assert panel.latest_lines[0] == "model_output.backward()"
    assert "weights = torch.ones(4, requires_grad=True)" in panel.text()
    trigger(window, "actionStep")
    qtbot.waitUntil(lambda: panel.latest_lines[:2] == ["with torch.no_grad():",
                                                       "    weights -= 0.1 * weights.grad"])
    assert len(panel.editor.extraSelections()) == len(panel.latest_lines)


def test_export_script_writes_a_script_that_reproduces_the_session(
        make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(NOTEBOOK_MODEL)
    for _ in range(3):
        trigger(window, "actionIterate")
    target = tmp_path / "loop.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    trigger(window, "actionExportScript")
    scope = runpy.run_path(str(target))
    assert scope["weights"].tolist() == window.session.value("weights")
    assert scope["weights"].grad.tolist() == window.session.grad("weights") == [9.0] * 4


def test_save_then_open_session_continues_exactly(
        make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(NOTEBOOK_MODEL)
    trigger(window, "actionIterate", "actionIterate", "actionForward")
    target = tmp_path / "run.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    trigger(window, "actionSaveSession")
    assert json.loads(target.read_text())["version"] == 2
    other = make_window(None)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    trigger(other, "actionOpenSession")
    assert other.session is not None and len(other.session.history) == 7
    for w in (window, other):
        trigger(w, "actionBackward", "actionStep")
    assert other.session.value("weights") == window.session.value("weights")
    assert other.session.grad("weights") == [9.0] * 4  # 3, 6, then 9: accumulated


def test_opening_a_broken_session_keeps_the_running_one(
        make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any) -> None:
    window = make_window(NOTEBOOK_MODEL)
    trigger(window, "actionIterate")
    session = window.session
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "training-loop-playground/session", "version": 1, '
                   '"config": {"params": {"w": 1.0}, "forward": "out = open(\\"x\\")"}}')
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    trigger(window, "actionOpenSession")
    assert window.session is session
    box = window.findChild(QMessageBox, "fileErrorBox")
    assert box is not None and "open" in box.text()
    box.close()


def test_vjp_tab_shows_jacobian_and_vtj_equal_to_torch(make_window: Any, qtbot: Any) -> None:
    window = make_window(SQUARE_MODEL)
    window.show_inspector("backward(v)")
    panel = window.inspector_panels["backward(v)"]
    trigger(window, "actionForward")
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    x = torch.tensor([2.0, 3.0, 4.0])
    jac = torch.autograd.functional.jacobian(lambda t: t**2, x)
    shown = [[float(panel.table.item(i, j).text()) for j in range(3)] for i in range(3)]
    assert shown == jac.tolist()
    panel.set_v_text("[1.0, 0.1, 0.01]")
    panel.run_backward()
    xr = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    (xr**2).backward(torch.tensor([1.0, 0.1, 0.01]))
    assert window.session.grad("x") == pytest.approx(xr.grad.tolist())
    printed = str(xr.grad)[len("tensor("):-1]  # as print(x.grad) shows it
    qtbot.waitUntil(lambda: f"x.grad now = {printed}" in panel.result.text())
    assert f"vᵀJ = {printed}" in panel.result.text()


def test_vjp_tab_explains_a_bad_v_inline(make_window: Any, qtbot: Any) -> None:
    window = make_window(SQUARE_MODEL)
    window.show_inspector("backward(v)")
    panel = window.inspector_panels["backward(v)"]
    trigger(window, "actionForward")
    panel.set_v_text("[1.0, 2.0]")
    panel.run_backward()
    assert "torch.Size([3])" in panel.error.text() and window.session.grad("x") is None
    assert [r.action for r in window.session.history] == ["forward"]
