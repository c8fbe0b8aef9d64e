"""The model panel says what runs and changes only what the teacher means to change (u1 trial).

#9: the "update" box names the optimizer the Optimizer block builds (it said
torch.optim.SGD while lesson 14 ran Adam); torch's own classes are the oracle.
#8: the mouse wheel over the panel changes a combo or spin box only when it has the
keyboard (scrolling the panel changed the "zero_grad" box passing under the pointer).
#13: the forward program wraps at spaces, never inside a name ("…_with_logit⏎s(z, y)").
"""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from typing import Any

import pytest
import torch
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import DEFAULT_MODEL
from ui.controller import build_session
from ui.presets import presets

#: Session(optimizer=...) name -> the torch class a user would write (the oracle).
TORCH_CLASSES = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
                 "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}


@pytest.fixture
def panel(bare_model_panel: Any) -> Any:
    return bare_model_panel


@pytest.mark.parametrize("name", sorted(TORCH_CLASSES))
def test_update_box_names_the_loaded_optimizer_and_apply_builds_it(panel: Any, name: str) -> None:
    cls = TORCH_CLASSES[name]
    panel.load_config({**DEFAULT_MODEL, "optimizer": name})  # a lesson / an opened file
    combo = panel.update_combo
    assert combo.currentData() == "optimizer"
    assert f"torch.optim.{cls.__name__}:" in combo.currentText()
    for other in set(TORCH_CLASSES.values()) - {cls}:
        assert f"torch.optim.{other.__name__}:" not in combo.currentText()
    session = build_session(panel.config())
    assert type(session.optimizer) is cls


@pytest.mark.parametrize("name", sorted(TORCH_CLASSES))
def test_update_box_follows_the_optimizer_chosen_in_the_block(panel: Any, name: str) -> None:
    cls = TORCH_CLASSES[name]
    panel.load_config({**DEFAULT_MODEL, "optimizer": "adam" if name == "sgd" else "sgd"})
    block = panel.optimizer_block.combo
    block.setCurrentIndex(block.findData(name))  # what a click in the list does
    text = panel.update_combo.currentText()
    assert text.startswith(f"torch.optim.{cls.__name__}:") and "step()" in text
    assert type(build_session(panel.config()).optimizer) is cls


def test_manual_update_keeps_its_own_words(panel: Any) -> None:
    panel.load_config({**DEFAULT_MODEL, "update": "manual"})
    assert panel.update_combo.currentText() == "manual: w -= lr * w.grad"
    session = build_session(panel.config())
    assert session.optimizer is None


def _turn_wheel(widget: QWidget, notches: int) -> bool:
    """One wheel turn over ``widget`` (positive: away from the user); whether it was accepted."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre)), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def _value(widget: Any) -> Any:
    return widget.value() if hasattr(widget, "value") else widget.currentIndex()


@pytest.mark.parametrize("name", ["updateCombo", "zeroGradModeCombo", "optimizerCombo", "seedSpin"])
def test_the_wheel_changes_a_box_only_when_it_has_the_keyboard(panel: Any, qtbot: Any,
                                                                name: str) -> None:
    panel.load_config(DEFAULT_MODEL)
    box = panel.findChild(QWidget, name)
    notches = 1 if hasattr(box, "value") else -1  # from the first item / the lowest seed on
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    panel.apply_button.setFocus()
    qtbot.waitUntil(panel.apply_button.hasFocus)
    before, pending = _value(box), panel.config()
    assert box.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel turn never takes the keyboard
    for _ in range(3):
        assert not _turn_wheel(box, notches)  # left for the parent: the scroll area scrolls
    assert _value(box) == before and not box.hasFocus()
    assert panel.config() == pending  # the next Apply builds what was there
    box.setFocus()  # a click or Tab gave it the keyboard: now the wheel is the box's
    qtbot.waitUntil(box.hasFocus)
    _turn_wheel(box, notches)
    assert _value(box) != before



#: A name, possibly dotted (``torch.nn.functional.binary_cross_entropy_with_logits``).
NAME_CHARS = re.compile(r"[\w.]")


def _blocks(edit: Any) -> list[Any]:
    blocks, block = [], edit.document().begin()
    while block.isValid():
        blocks.append(block)
        block = block.next()
    return blocks


def _laid_out_lines(edit: Any) -> list[tuple[str, int, int, float]]:
    """(block text, start, length, width) of every line the editor's document is laid out in."""
    return [(block.text(), line.textStart(), line.textLength(), line.naturalTextWidth())
            for block in _blocks(edit)
            for line in (block.layout().lineAt(i) for i in range(block.layout().lineCount()))]


def _bce_programs() -> list[str]:
    programs = [p.config["forward"] for p in presets() if "binary_cross_entropy" in p.config["forward"]]
    lesson = tomllib.loads((files("resources") / "lessons" / "10_bce_with_logits.toml").read_text("utf-8"))
    programs += [v for v in _strings(lesson) if "binary_cross_entropy_with_logits(" in v]
    return programs


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


def test_the_forward_program_never_wraps_inside_a_name(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    edit = window.model_panel.forward_edit
    programs = _bce_programs()
    assert len(programs) >= 3  # the BCE presets and lesson 10
    for program in programs:
        window.model_panel.load_config({**DEFAULT_MODEL, "forward": program})
        qtbot.wait(20)
        lines = _laid_out_lines(edit)
        assert len(lines) > program.count("\n") + 1, "the box is wide enough: nothing to test"
        for text, start, length, _width in lines:
            end = start + length
            if 0 < end < len(text):
                assert not (NAME_CHARS.match(text[end - 1]) and NAME_CHARS.match(text[end])), (
                    f"{text[start:end]!r} / {text[end:]!r}")
        # A line wider than the box is reached by scrolling sideways, never cut off.
        if max(width for *_rest, width in lines) > edit.viewport().width():
            assert edit.horizontalScrollBar().maximum() > 0
