"""The timeline strip: click, drag and keys move the run in time; the window shows that moment."""

from __future__ import annotations

from typing import Any

import torch
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

X = torch.tensor([1.0, 2.0, 3.0])


def torch_states(actions: int) -> list[tuple[list[float], list[float] | None, float | None]]:
    """(w, w.grad, output) after each of ``actions`` plain-torch loop actions (f, b, s, f, ...)."""
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    states, out = [], None
    for i in range(actions):
        phase = i % 3
        if phase == 0:
            out = (w * X).sum()
        elif phase == 1:
            assert out is not None
            out.backward()
        else:
            opt.step()
        states.append((w.detach().tolist(), None if w.grad is None else w.grad.tolist(),
                       None if out is None else out.item()))
    return states


def iterate(window: Any, times: int) -> None:
    for _ in range(times):
        window.action("actionIterate").trigger()


def x_of(timeline: Any, index: int) -> int:
    """A pixel of the strip that means ``index`` (found by asking the strip itself)."""
    for x in range(timeline.width()):
        if timeline.index_at(x) == index:
            return x
    raise AssertionError(f"no pixel for {index}")


def drag(widget: Any, x: int) -> None:
    """A mouse move with the left button held (QTest.mouseMove does not carry buttons)."""
    point = QPointF(x, 5)
    event = QMouseEvent(QEvent.Type.MouseMove, point, widget.mapToGlobal(point),
                        Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def assert_window_shows(window: Any, qtbot: Any, state: tuple[Any, ...]) -> None:
    w, grad, out = state
    assert window.session.value("w") == w
    assert window.session.grad("w") == grad
    # The plots end at the moment shown; the tensor table shows it too.
    window.plots.redraw()
    (curve,) = [c for c in window.plots.curves("weights") if c.name() == "w[2]"]
    assert curve.getOriginalDataset()[1][-1] == w[2]
    window.state_table.refresh()
    model = window.state_table.model()
    texts = [str(model.data(model.index(r, c))) for r in range(model.rowCount())
             for c in range(model.columnCount())]
    assert any(f"{w[2]:.4f}".rstrip("0") in t for t in texts), texts


def test_click_and_drag_go_back_and_the_window_shows_that_moment(window: Any, qtbot: Any) -> None:
    iterate(window, 6)
    states = torch_states(18)
    timeline = window.plots.timeline
    assert timeline.label().startswith("action 18 of 18")
    QTest.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 4), 5))
    qtbot.waitUntil(lambda: window.session.position == 4)
    assert_window_shows(window, qtbot, states[4])
    assert "a loop press here continues" in timeline.label()
    # A drag: press, moves, release; it ends where the mouse was let go.
    QTest.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 10), 5))
    moved = []
    for index in (11, 12, 13, 9):
        drag(timeline, x_of(timeline, index))
        qtbot.waitUntil(lambda i=index: window.session.position == i)
        moved.append(window.session.value("w"))
    assert moved == [states[i][0] for i in (11, 12, 13, 9)]
    QTest.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x_of(timeline, 7), 5))
    assert window.session.position == 7
    assert_window_shows(window, qtbot, states[7])


def test_a_drag_asks_for_at_most_one_goto_per_frame(window: Any, qtbot: Any) -> None:
    iterate(window, 20)
    timeline = window.plots.timeline
    calls: list[int] = []
    handler = timeline.goto_handler
    timeline.goto_handler = lambda index: (calls.append(index), handler(index))
    for index in range(50, 10, -1):  # forty moves within one frame: no event loop between
        timeline.request(index)
    qtbot.waitUntil(lambda: calls == [11])
    assert window.session.position == 11


def test_keys_step_the_timeline(window: Any, qtbot: Any) -> None:
    iterate(window, 3)
    states = torch_states(9)
    timeline = window.plots.timeline
    timeline.setFocus()
    QTest.keyClick(timeline, Qt.Key.Key_Left)
    assert window.session.position == 7
    QTest.keyClick(timeline, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert window.session.position == 3
    QTest.keyClick(timeline, Qt.Key.Key_Home)
    assert window.session.position == -1 and window.session.grad("w") is None
    QTest.keyClick(timeline, Qt.Key.Key_End)
    assert window.session.position == 8
    window.action("actionTimelineBack").trigger()  # "[" anywhere in the window
    window.action("actionTimelineBack").trigger()
    assert window.session.position == 6
    assert_window_shows(window, qtbot, states[6])
    window.action("actionTimelineForward").trigger()
    assert window.session.position == 7
    window.action("actionTimelineLatest").trigger()
    assert window.session.position == 8


def test_bracket_keys_type_into_a_text_field(window: Any) -> None:
    iterate(window, 2)
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

    fields = window.model_panel.findChildren(QPlainTextEdit) or window.model_panel.findChildren(QLineEdit)
    field = fields[0]
    field.setFocus()
    QTest.keyClicks(field, "[]")
    assert window.session.position == 5  # the timeline did not move
    text = field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
    assert "[]" in text


def test_a_press_from_the_past_branches_like_torch(window: Any, qtbot: Any) -> None:
    iterate(window, 4)
    window.plots.timeline.request(5)  # after the second step
    window.plots.timeline._flush()
    window.action("actionZeroGrad").trigger()
    window.action("actionIterate").trigger()
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    for _ in range(2):
        (w * X).sum().backward()
        opt.step()
    opt.zero_grad(set_to_none=False)
    (w * X).sum().backward()
    opt.step()
    assert window.session.value("w") == w.detach().tolist()
    assert window.session.grad("w") == w.grad.tolist()
    assert len(window.session.history) == 10  # 6 kept + zero_grad + 3: the old future is gone
    assert window.plots.timeline.label().startswith("action 10 of 10")


def test_moving_in_time_turns_compare_off(window: Any, qtbot: Any) -> None:
    window.action("actionCompare").trigger()
    assert window.controller.twin is not None
    iterate(window, 2)
    window.action("actionTimelineBack").trigger()
    assert window.controller.twin is None
    assert not window.action("actionCompare").isChecked()
    assert "Compare is off" in window.banner.text


def test_a_pending_drag_survives_the_run_shrinking(window: Any, qtbot: Any) -> None:
    """Found by the random window test: a drag target past the end of a run just reset."""
    iterate(window, 5)
    timeline = window.plots.timeline
    timeline.request(12)
    window.action("actionReset").trigger()
    window.action("actionForward").trigger()  # a new run of one action
    timeline.repaint()  # paints with the old target clamped (an error would fail the test)
    assert timeline.position() == 0
    qtbot.waitUntil(lambda: not timeline._drag_timer.isActive())
    assert window.session.position == 0 and len(window.session.history) == 1
