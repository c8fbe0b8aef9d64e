""""PyTorch says" in the lesson pane shows only what torch prints; the app's own state
(whether the graph was freed) is worded as the app's note, outside it (t5 report #12)."""

from __future__ import annotations

import re
from typing import Any

import torch

from tests.ui.conftest import show_widget
from ui.lesson_layout import VALUES_HEADING
from ui.lesson_view import LessonPanel

BCE = "10_bce_with_logits"


def _start(qtbot: Any, name: str) -> LessonPanel:
    panel = show_widget(qtbot, LessonPanel(), 520, 420)
    panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData(name))
    with qtbot.waitSignal(panel.session_created, timeout=30_000):
        panel.start()
    return panel


def _says_and_after(panel: LessonPanel) -> tuple[str, str]:
    """The "PyTorch says" table's text and what follows it, as plain text."""
    text = panel.values_label.text().replace("&nbsp;", " ").replace("<br>", "\n")
    said, _, after = text.rpartition("</table>")
    return said, after


def test_a_shape_reads_as_torch_prints_it(qtbot: Any) -> None:
    panel = _start(qtbot, BCE)
    panel.next_step()  # reveal step 1: z, loss and w.shape
    said, _ = _says_and_after(panel)
    assert VALUES_HEADING in said
    printed = str(torch.zeros(5, 3).shape)  # what print(w.shape) shows in the notebook
    assert f"w.shape = {printed}" in said, said
    assert "w.shape = [5, 3]" not in said


def test_graph_freed_is_the_apps_note_not_a_torch_print(qtbot: Any) -> None:
    panel = _start(qtbot, BCE)
    for _ in range(3):  # reveal step 1, go to step 2 (backward, a question), reveal it
        panel.next_step()
    text = panel.values_label.text()
    said, after = _says_and_after(panel)
    assert "graph.freed" not in text, text
    assert "w.grad = " in said  # the grads are still what PyTorch says
    assert "retain_graph=True" in after and "graph freed" in after, after


def test_no_empty_framed_box_before_a_lesson_starts(qtbot: Any) -> None:
    """t5 #18: the notice's frame stood empty under "Lessons" before any lesson ran."""
    panel = show_widget(qtbot, LessonPanel(), 520, 420)
    framed = (panel.notice_label, panel.question_label, panel.answer_label, panel.refused_label)
    empty = [w.objectName() for w in framed if w.isVisible() and not w.text()]
    assert not empty, empty


def test_an_optimizer_setting_reads_as_print_shows_the_param_group_entry(qtbot: Any) -> None:
    panel = _start(qtbot, "13_momentum_vs_sgd")
    while not (panel.step_index == 2 and panel.revealed):  # step 3 sets momentum = 0.9
        panel.next_step()
    said, _ = _says_and_after(panel)
    optimizer = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.05, momentum=0.9)
    printed = str(optimizer.param_groups[0]["momentum"])  # print(...) in the notebook: 0.9
    shown = re.search(r"optimizer\.momentum = (\S+?)(?:<|\s|$)", said)
    assert shown is not None and shown.group(1) == printed, said


def test_the_backward_trace_is_the_apps_note_with_torchs_numbers(qtbot: Any) -> None:
    """u1 trial: lesson 15 listed `trace.2.grad_in`, `trace.2.grads_out` under "PyTorch
    says", keys no print shows. They are the app's note, one a node, in torch's digits."""
    panel = _start(qtbot, "15_backward_node_by_node")
    while not (panel.step_index == 2 and panel.revealed):  # step 3: node 2, y · y
        panel.next_step()
    said, after = _says_and_after(panel)
    assert "trace." not in panel.values_label.text()
    seen: dict[str, Any] = {}
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)  # plain torch, the lesson's model
    y = x + 2
    z = y * y * 3
    loss = z.mean()
    square = z.grad_fn.next_functions[0][0]  # y · y's MulBackward0
    square.register_hook(lambda passed, received: seen.update(passed=passed, received=received))
    loss.backward()

    def printed(t: torch.Tensor) -> str:
        return str(t)[len("tensor("):-1]

    node = (f"(backward node 2, {type(square).__name__}: received {printed(seen['received'][0])}; "
            f"passed {printed(seen['passed'][0])} and {printed(seen['passed'][1])})")
    assert node in after, after
