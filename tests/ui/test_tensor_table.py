"""The tensor table: numbers as print shows them, a whole tensor on Enter, room for numbers."""

from __future__ import annotations

from typing import Any

import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from ui import state_table
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
    # A matrix shows one row a line, as print(w) shows them (less print's "tensor(" indent).
    body = str(live_w.detach())[len("tensor("):-1].splitlines()
    assert row_w.data() == "\n".join([body[0]] + [line[len("tensor("):] for line in body[1:]])
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


def _rows(table: Any) -> list[str]:
    model = table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _torch_text(tensor: torch.Tensor) -> str:
    """What print shows between ``tensor(`` and ``)``, rows joined: the oracle for a cell."""
    return " ".join(line.strip() for line in str(tensor.detach())[len("tensor("):-1].splitlines())


def test_shape_is_torch_size_with_the_numbers_keeping_their_room(
        make_window: Any, monkeypatch: Any) -> None:
    window = make_window(BCE_MODEL)
    window.resize(1280, 720)
    window.action("actionForward").trigger()
    table = window.state_table
    table.refresh()
    model, shape = table.model(), COLUMNS.index("shape")
    generator = torch.Generator().manual_seed(3)
    live = {"w": torch.randn(5, 3, generator=generator), "b": torch.randn(3, generator=generator)}
    for row, name in enumerate(_rows(table)):
        if name in live:
            size = str(live[name].shape)  # "torch.Size([5, 3])", as print(w.shape) shows it
            assert model.index(row, shape).data() == size[len("torch.Size("):-1]
            assert model.index(row, shape).data(Qt.ItemDataRole.ToolTipRole) == f"{name}.shape = {size}"
    loss_row = _rows(table).index("loss")
    assert model.index(loss_row, shape).data(Qt.ItemDataRole.ToolTipRole) == \
        f"loss.shape = {torch.tensor(0.5).shape}"  # torch.Size([])
    # The cell form was chosen by measuring: the full torch.Size text would take room from the
    # columns beside the numbers (the numbers keep their widest line whole either way).
    header = table.horizontalHeader()
    value = COLUMNS.index("value")
    widest = max(table.fontMetrics().horizontalAdvance(line) for row in range(model.rowCount())
                 for line in model.index(row, value).data().splitlines())
    widths = {}
    for mode in ("full", "list"):
        monkeypatch.setattr(state_table, "SHAPE_IN_CELL", mode)
        table.refresh()
        QApplication.processEvents()
        widths[mode] = (header.sectionSize(value), header.sectionSize(shape))
        assert widths[mode][0] >= widest, mode
    assert widths["list"][0] >= widths["full"][0] and widths["list"][1] < widths["full"][1]


def test_twin_rows_show_requires_grad_as_a_read_only_checkbox(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.action("actionCompare").trigger()
    table = window.state_table
    table.refresh()
    model, column = table.model(), COLUMNS.index("requires_grad")
    names = _rows(table)
    main, twin = names.index("w"), next(i for i, n in enumerate(names) if n.startswith("w  (twin"))
    for row in (main, twin):
        index = model.index(row, column)
        assert index.data() == ""  # no "True" text: the box says it, for both runs alike
        assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    twin_index = model.index(twin, column)
    assert not model.flags(twin_index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(model.index(main, column)) & Qt.ItemFlag.ItemIsUserCheckable
    assert "follows the main run: tick or untick w's box" in twin_index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(twin, COLUMNS.index("shape")).data(Qt.ItemDataRole.ToolTipRole) == \
        f"w.shape = {torch.ones(3).shape}"
    # Ticking the twin's box does nothing; the main row's box changes both runs.
    assert not model.setData(twin_index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.controller.twin.params["w"].requires_grad
    assert model.setData(model.index(main, column), Qt.CheckState.Unchecked.value,
                         Qt.ItemDataRole.CheckStateRole)
    assert not window.session.params["w"].requires_grad
    assert not window.controller.twin.params["w"].requires_grad
    table.refresh()
    assert model.index(twin, column).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_optimizer_state_tooltip_is_torch_text(make_window: Any) -> None:
    window = make_window({**BCE_MODEL, "optimizer": "adam", "lr": 0.1})
    for action in ("actionForward", "actionBackward", "actionStep"):
        window.action(action).trigger()
    generator = torch.Generator().manual_seed(3)
    w = torch.randn(5, 3, generator=generator).requires_grad_(True)
    b = torch.randn(3, generator=generator).requires_grad_(True)
    x, y = torch.randn(4, 5, generator=generator), torch.rand(4, 3, generator=generator)
    optimizer = torch.optim.Adam([w, b], lr=0.1)
    torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b, y).backward()
    optimizer.step()
    table = window.state_table
    table.refresh()
    row = _rows(table).index("b")
    tip = table.model().index(row, COLUMNS.index("optimizer state")).data(Qt.ItemDataRole.ToolTipRole)
    expected = "\n".join(f"{key}: {str(value)[len('tensor('):-1]}"
                         for key, value in optimizer.state[b].items())
    assert tip == expected
