"""Exported scripts and saved sessions, checked by running them for real."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground import PlaygroundError, Session


def _drive(s: Session) -> None:
    s.forward()
    s.backward()
    s.step()
    s.set_requires_grad("b", False)
    for _ in range(3):
        s.iterate()
    s.zero_grad(set_to_none=True)
    s.forward(no_grad=True)
    s.set_requires_grad("b", True)
    s.set_retain_grad(True)
    s.forward()
    s.backward(retain_graph=True)


SESSIONS = [
    dict(params={"w": "randn(5, 3)", "b": "randn(3)"}, inputs={"x": "ones(5)", "y": "zeros(3)"},
         forward="z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
         lr=0.1, momentum=0.9, weight_decay=0.01, seed=5, auto_zero_grad=True),
    dict(params={"w": [0.5, -1.25, 2.0], "b": 0.1}, inputs={"x": [1.0, 2.0, 3.0]},
         forward="h = (w * x).relu()\nout = (h.sum() + b) ** 2", lr=0.01, update="manual"),
]


@pytest.mark.parametrize("kwargs", SESSIONS)
def test_exported_script_reproduces_the_session_exactly(kwargs: dict, tmp_path: Path) -> None:
    s = Session(**kwargs)
    _drive(s)
    path = tmp_path / "script.py"
    path.write_text(s.to_script())
    scope = runpy.run_path(str(path))
    for name in s.param_names:
        tensor = scope[name]
        assert isinstance(tensor, torch.Tensor) and tensor.is_leaf
        assert tensor.tolist() == s.value(name)
        assert (None if tensor.grad is None else tensor.grad.tolist()) == s.grad(name)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "tensor(" in done.stdout and "grad_fn=<" in done.stdout


def test_script_folds_auto_run_into_a_loop() -> None:
    s = Session(params={"weights": "ones(4)"}, forward="model_output = (weights * 3).sum()", lr=0.1)
    for _ in range(3):
        s.iterate()
    text = s.to_script()
    assert "for epoch in range(3):" in text
    assert "    model_output.backward()" in text
    assert "optimizer = torch.optim.SGD([weights], lr=0.1)" in text
    assert "weights = torch.ones(4, requires_grad=True)" in text


def test_code_lines_tag_each_action_with_its_record() -> None:
    s = Session(params={"w": [1.0, 2.0]}, forward="out = (w * w).sum()", update="manual")
    s.forward()
    s.backward()
    s.step()
    lines = s.code_lines()
    setup = [c.text for c in lines if c.record_index is None]
    assert "w = torch.tensor([1.0, 2.0], requires_grad=True)" in setup
    by_record = {c.record_index: [] for c in lines}
    for c in lines:
        by_record[c.record_index].append(c.text)
    assert by_record[0][0] == "out = (w * w).sum()"
    assert by_record[1][0] == "out.backward()"
    assert by_record[2][:2] == ["with torch.no_grad():", "    w -= 0.1 * w.grad"]


@pytest.mark.parametrize("kwargs", SESSIONS)
def test_saved_session_continues_exactly(kwargs: dict, tmp_path: Path) -> None:
    s = Session(**kwargs)
    _drive(s)
    path = tmp_path / "run.json"
    s.save(path)
    t = Session.load(path)
    assert [r.action for r in t.history] == [r.action for r in s.history]
    for name in s.param_names:
        assert t.value(name) == s.value(name) and t.grad(name) == s.grad(name)
    assert t.graph_freed == s.graph_freed and t.output == s.output
    for session in (s, t):
        session.backward()  # the retained graph came back too
        session.step()
        session.iterate()
    for name in s.param_names:
        assert t.value(name) == s.value(name)
    data = json.loads(path.read_text())
    assert data["version"] == 2 and "history" not in data and data["format"] == "training-loop-playground/session"
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    "text",
    ["not json", json.dumps({"format": "other", "version": 1}),
     json.dumps({"format": "training-loop-playground/session", "version": 99, "config": {}}),
     json.dumps({"format": "training-loop-playground/session", "version": 1,
                 "config": {"params": {"w": 1.0}, "forward": "out = w * 2"},
                 "log": [{"calls": [["__init__", {}]], "count": 1}]}),
     json.dumps({"format": "training-loop-playground/session", "version": 1,
                 "config": {"params": {"w": 1.0}, "forward": "out = __import__('os')"}})],
)
def test_bad_session_files_are_refused_clearly(text: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(PlaygroundError):
        Session.load(path)
