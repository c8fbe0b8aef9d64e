"""Ctrl+1 … Ctrl+7 change the tab under the plots and leave the loop keys working.

A trial found Ctrl+6 left the keyboard in the Landscape tab's x box: I, C, [ and
Ctrl+] then did nothing (a combo box has the keyboard, so the single-letter keys
stand down), with no visible sign of why.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit

from tests.ui._settle import press

CTRL = Qt.KeyboardModifier.ControlModifier
TAB_KEYS = [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_6, Qt.Key.Key_7]
LINE_FIT = {"params": {"w": "0.5", "b": "0.0"},
            "inputs": {"x": "[1.0, 2.0, 3.0]", "y": "[2.0, 4.0, 6.0]"},
            "forward": "loss = ((w * x + b - y) ** 2).mean()"}


@pytest.mark.parametrize("then", TAB_KEYS)
def test_a_tab_key_leaves_the_keyboard_to_the_loop(make_window: Any, qtbot: Any,
                                                   then: Qt.Key) -> None:
    window = make_window(LINE_FIT)
    press(window, qtbot, (Qt.Key.Key_1, CTRL), (then, CTRL))
    focus = window.focusWidget()
    assert not isinstance(focus, QComboBox | QLineEdit | QPlainTextEdit | QAbstractSpinBox), focus
    count = len(window.session.history)
    press(window, qtbot, Qt.Key.Key_I)  # Iterate: forward, backward, step
    assert len(window.session.history) > count
    press(window, qtbot, Qt.Key.Key_C)
    assert window.action("actionCompare").isChecked()


def test_the_landscape_boxes_stay_a_mnemonic_away(make_window: Any, qtbot: Any) -> None:
    window = make_window(LINE_FIT)
    press(window, qtbot, (Qt.Key.Key_6, CTRL))
    view = window.inspector_panels["Landscape"]
    assert not view.x_combo.hasFocus()
    press(window, qtbot, (Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier))
    assert view.x_combo.hasFocus()
