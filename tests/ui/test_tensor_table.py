"""The tensor table: numbers as print shows them, a whole tensor on Enter, room for numbers."""

from __future__ import annotations

from typing import Any

import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from ui.state_table import COLUMNS

BCE_MODEL: dict[str, Any] = {
    "params": {"w": "randn(5, 3)", "b": "randn(3)"},
    "inputs": {"x": "randn(4, 5)", "y": "rand(4, 3)"},
    "forward": "z = x @ w + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
    "seed": 3,
}


def _open_dialogs() -> list[Any]:
    return [w for w in QApplication.topLevelWidgets()
            if w.objectName() == "tensorDialog" and w.isVisible()]


def test_enter_on_a_row_shows_value_and_grad_in_full_as_print(make_window: Any, qtbot: Any) -> None:
    window = make_window(BCE_MODEL)
    for action in ("actionForward", "actionBackward"):
        window.action(action).trigger()
    table = window.state_table
    session = window.session
    live_w = session.params["w"]
    qtbot.waitUntil(lambda: table.model().index(0, 0).data() == "w")
    row_w = table.model().index(0, COLUMNS.index("value"))
    assert row_w.data() == " ".join(r.strip() for r in str(live_w.detach())[7:-1].splitlines())
    table.setFocus()
    table.setCurrentIndex(row_w)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    (dialog,) = _open_dialogs()
    text = dialog.findChild(QPlainTextEdit, "tensorText").toPlainText()
    pad = " " * len("w = ")
    value = "w = " + str(live_w).replace("\n", "\n" + pad)
    grad = "w.grad = " + str(live_w.grad).replace("\n", "\n" + " " * len("w.grad = "))
    assert text == f"{value}\n\n{grad}"  # requires_grad=True included, as print(w) shows it
    dialog.close()
    # an intermediate: its grad_fn is printed as torch prints it; its .grad is None
    z_row = [table.model().index(r, 0).data() for r in range(table.model().rowCount())].index("z")
    table.doubleClicked.emit(table.model().index(z_row, COLUMNS.index("value")))
    (dialog,) = _open_dialogs()
    text = dialog.findChild(QPlainTextEdit, "tensorText").toPlainText()
    z = session.tensors()[z_row]
    assert text.startswith("z = tensor(") and f"grad_fn=<{z.grad_fn}>)" in text
    assert text.endswith("z.grad = None")
    dialog.close()


def test_numbers_get_the_room_before_the_flags(make_window: Any) -> None:
    window = make_window(BCE_MODEL)
    window.resize(1280, 720)
    window.action("actionForward").trigger()
    header = window.state_table.horizontalHeader()
    width = {c: header.sectionSize(i) for i, c in enumerate(COLUMNS)}
    assert width["value"] > 2 * width["requires_grad"]
    assert width["value"] > 2 * width["is_leaf"]
    assert width["value"] >= width["grad_fn"]
