"""A lesson step's code preview and its "ran" line write backward(v) the same way (u1 #19).

Lesson 9, step 4 showed ``SR.backward(torch.tensor([  1.,  10., 100.]))`` before running
(torch's print format) and ``SR.backward(torch.tensor([1.0, 10.0, 100.0]))`` after (the
script's): both are now the form plain torch code is written in, and that code builds the
lesson's v exactly (torch is the oracle).
"""

from __future__ import annotations

import ast
from typing import Any

import torch

from tests.ui._settle import settle


def _backward_line(lines: list[str]) -> str:
    return next(line for line in lines if ".backward(" in line)


def _built(line: str) -> torch.Tensor:
    """The tensor the line's torch.tensor(...) argument builds (a literal: no eval needed)."""
    inner = line.split("torch.tensor(", 1)[1].rsplit("))", 1)[0]
    return torch.tensor(ast.literal_eval(inner))


def test_preview_and_ran_line_match_and_build_v(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    panel = window.inspector_panels["Lesson"]
    window.show_inspector("Lesson")
    panel.lesson_combo.setCurrentIndex(8)  # lesson 9: weighted squared residuals
    panel.start()
    while not any(".backward(torch.tensor(" in line for line in panel._code):
        panel.next_step()
        if panel.revealed:
            panel.next_step()
    assert not panel.revealed, "the step with backward(v) is asked before it runs"
    before = _backward_line(panel._code)
    panel.next_step()  # reveal: the step runs
    settle(qtbot)
    assert panel.revealed
    after = _backward_line(panel._code)
    assert before == after
    assert after == "SR.backward(torch.tensor([1.0, 10.0, 100.0]))"
    assert torch.equal(_built(after), torch.tensor([1.0, 10.0, 100.0]))
