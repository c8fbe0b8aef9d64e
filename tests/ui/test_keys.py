"""Keys that never destroy work, keyboard reach, mnemonics, the unsaved-run question."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QTableWidget, QWidget

from ui import files, run_file
from ui.actions import ALL_ACTIONS

#: Every single-key shortcut the window declares (F, B, S, Z, I, R, C, A, <, > ...) and Space.
SINGLE_KEYS = sorted({s.shortcut for s in ALL_ACTIONS if len(s.shortcut) == 1})
#: A combo box's list is a popup: the offscreen platform cannot raise it or grab the keyboard.
POPUP_LOG = pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
PROGRAM = "out = (w * x).sum()  # " + "".join(SINGLE_KEYS).lower() + "".join(SINGLE_KEYS) + " "


def _state(window: Any) -> tuple[Any, ...]:
    """Everything a stray key could change, except the text being typed."""
    return (window.session, len(window.session.history), window.controller.playing,
            window.action("actionCompare").isChecked(), window.action("actionAutoZeroGrad").isChecked(),
            window.speed_combo.currentIndex(), window.model_dock.isVisible())


def test_the_declared_single_keys_are_the_ones_typed() -> None:
    assert {"F", "B", "S", "Z", "I", "R", "C", "A"} <= set(SINGLE_KEYS)


def test_typing_every_shortcut_letter_changes_only_the_text(window: Any, qtbot: Any) -> None:
    window.action("actionForward").trigger()
    before = _state(window)
    editor = window.model_panel.forward_edit
    editor.setPlainText("")
    editor.setFocus()
    qtbot.keyClicks(editor, PROGRAM)
    assert editor.toPlainText() == PROGRAM
    assert _state(window) == before
    for field in (window.model_panel.number_edits["lr"], window.model_panel.gradient_edit):
        field.setFocus()
        qtbot.keyClicks(field, PROGRAM)
        assert field.text().endswith(PROGRAM)
    assert _state(window) == before


@POPUP_LOG
@pytest.mark.parametrize("widget_name", ["seedSpin", "zeroGradModeCombo", "updateCombo", "lessonCombo"])
def test_single_keys_do_nothing_over_spin_and_combo_boxes(window: Any, qtbot: Any,
                                                          widget_name: str) -> None:
    window.action("actionForward").trigger()
    window.show_inspector("Lesson")
    widget = (window.inspector_panels["Lesson"].lesson_combo if widget_name == "lessonCombo"
              else window.findChild(QWidget, widget_name))
    before = _state(window)
    widget.setFocus()
    assert widget.hasFocus()
    for key in SINGLE_KEYS:
        qtbot.keyClick(widget, QKeySequence(key)[0].key())
    qtbot.keyClick(widget, Qt.Key.Key_Space)
    if hasattr(widget, "hidePopup"):
        widget.hidePopup()
    assert _state(window)[:5] == before[:5]


@POPUP_LOG
def test_moving_over_the_presets_applies_nothing_until_enter(window: Any, qtbot: Any) -> None:
    combo = window.model_panel.preset_combo
    window.action("actionForward").trigger()
    before = _state(window)
    combo.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_End, Qt.Key.Key_Up, Qt.Key.Key_Home,
                Qt.Key.Key_PageDown, Qt.Key.Key_R, Qt.Key.Key_Down):
        qtbot.keyClick(combo, key)
        assert _state(window) == before, key
    # the keys opened the list; arrows move its highlight, Enter chooses
    assert combo.view().isVisible()
    view = combo.view()
    target = combo.findText("BCE with logits") if combo.findText("BCE with logits") >= 0 else 2
    view.setCurrentIndex(combo.model().index(target, 0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert _state(window) == before
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.session is not before[0])
    assert window.session.config.forward == combo.itemData(combo.currentIndex()).config["forward"]


def test_keys_reach_the_model_panel_auto_zero_grad_and_speed(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    centre = window.centralWidget()
    centre.setFocus()
    qtbot.keyClick(centre, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.model_panel.preset_combo
    assert window.model_dock.isVisible()
    qtbot.keyClick(centre, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not window.model_dock.isVisible()
    qtbot.keyClick(centre, Qt.Key.Key_M,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.model_dock.isVisible()
    centre.setFocus()
    auto = window.action("actionAutoZeroGrad")
    was = auto.isChecked()
    qtbot.keyClick(centre, Qt.Key.Key_A)
    assert auto.isChecked() is not was and window.session.config.auto_zero_grad is not was
    speed = window.speed_combo.currentIndex()
    qtbot.keyClicks(centre, ">")
    assert window.speed_combo.currentIndex() == speed + 1
    qtbot.keyClicks(centre, "<")
    qtbot.keyClicks(centre, "<")
    assert window.speed_combo.currentIndex() == speed - 1
    assert window.controller.speed == window.speed_combo.currentData()


def test_tab_order_in_the_model_panel_follows_the_screen(window: Any, qtbot: Any) -> None:
    panel = window.model_panel
    window.model_panel.params.add_row("b", "zeros(1)")  # a row added later still comes in order
    qtbot.wait(10)
    chain = [w for w in panel.tab_chain() if w.isVisible()]
    places = [(w.mapTo(panel, w.rect().topLeft()).y(), w.mapTo(panel, w.rect().topLeft()).x())
              for w in chain]
    for (y0, x0), (y1, x1), widget in zip(places, places[1:], chain[1:]):
        assert y1 > y0 or (abs(y1 - y0) < 8 and x1 > x0), widget.objectName() or widget
    window.activateWindow()
    for first, second in zip(chain, chain[1:]):
        first.setFocus()
        assert first.hasFocus()
        qtbot.keyClick(first, Qt.Key.Key_Tab)
        assert second.hasFocus(), (first, second)


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def _menus(window: Any) -> list[tuple[str, list[str]]]:
    out = [("menu bar", [a.text() for a in window.menuBar().actions()])]
    stack = [a.menu() for a in window.menuBar().actions() if a.menu()]
    while stack:
        menu = stack.pop()
        assert isinstance(menu, QMenu)
        out.append((menu.title(), [a.text() for a in menu.actions() if not a.isSeparator()]))
        stack += [a.menu() for a in menu.actions() if a.menu()]
    return out


def test_no_mnemonic_is_used_twice_in_a_menu(window: Any) -> None:
    for title, texts in _menus(window):
        letters = [m for m in map(_mnemonic, texts) if m]
        assert len(letters) == len(set(letters)), (title, texts)
    for title, texts in _menus(window):
        assert all(_mnemonic(t) for t in texts if t != "(none yet)"), (title, texts)


def test_help_lists_every_key_of_the_window(window: Any) -> None:
    window.action("actionShortcuts").trigger()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    table = dialog.findChild(QTableWidget)
    listed = {table.item(r, 0).text() for r in range(table.rowCount())}
    keys = {a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
            for a in window.findChildren(type(window.action("actionForward")))
            if not a.shortcut().isEmpty()}
    assert keys and keys <= listed, keys - listed
    dialog.close()


# -- the unsaved run: title marker and the question on closing -------------------------------
def test_title_names_the_file_and_marks_unsaved_presses(window: Any, tmp_path: Path,
                                                        monkeypatch: Any) -> None:
    assert window.windowTitle().startswith("untitled") and not window.isWindowModified()
    window.action("actionForward").trigger()
    assert window.isWindowModified()
    target = tmp_path / "lesson_run.json"
    monkeypatch.setattr(files, "ask_save_path", lambda *a, **k: str(target))
    window.action("actionSaveSession").trigger()
    assert target.is_file() and not window.isWindowModified()
    assert window.windowTitle().startswith("lesson_run.json")
    window.action("actionStep").trigger()
    assert window.isWindowModified()


@pytest.mark.parametrize("answer", [run_file.CANCEL, run_file.DISCARD, run_file.SAVE])
def test_closing_with_an_unsaved_run_asks_once(make_window: Any, monkeypatch: Any, qtbot: Any,
                                               tmp_path: Path, answer: str) -> None:
    window = make_window()
    asked: list[str] = []
    monkeypatch.setattr(run_file, "ask_to_save",
                        lambda _parent, name, on_answer: asked.append(name) or on_answer(answer))
    target = tmp_path / "saved.json"
    monkeypatch.setattr(files, "ask_save_path", lambda *a, **k: str(target))
    window.close()
    assert asked == [] and not window.isVisible()  # nothing ran: nothing to ask
    window = make_window()
    window.action("actionForward").trigger()
    window.close()
    assert asked == ["this window"]
    if answer == run_file.CANCEL:
        qtbot.wait(50)
        assert window.isVisible() and window.session.history and not target.exists()
        return
    qtbot.waitUntil(lambda: not window.isVisible())
    assert asked == ["this window"]  # once
    assert target.is_file() is (answer == run_file.SAVE)
    if answer == run_file.SAVE:
        assert json.loads(target.read_text())["log"]  # format v2: the action log replays the run


@POPUP_LOG
def test_the_real_question_does_not_block_and_its_buttons_answer(window: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.action("actionForward").trigger()
    window.close()
    box = window.findChild(QMessageBox, "unsavedRunBox")
    assert box is not None and box.isVisible() and window.isVisible()
    window.close()  # asked once: the same box, not a second one
    assert len([b for b in window.findChildren(QMessageBox, "unsavedRunBox") if b.isVisible()]) == 1
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.wait(20)
    assert window.isVisible()
    window.close()
    box = window.findChild(QMessageBox, "unsavedRunBox")
    box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_closing_after_saving_asks_nothing(window: Any, monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(run_file, "ask_to_save", lambda *_: pytest.fail("asked"))
    monkeypatch.setattr(files, "ask_save_path", lambda *a, **k: str(tmp_path / "x.json"))
    window.action("actionForward").trigger()
    window.action("actionSaveSession").trigger()
    assert window.close()


def test_help_lists_the_lesson_and_table_keys(window: Any) -> None:
    window.action("actionShortcuts").trigger()
    dialog = window.findChild(QDialog, "shortcutsDialog")
    table = dialog.findChild(QTableWidget)
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())}
    assert ("Alt+Down", "Lesson: scroll down") in rows and ("PgDown", "Lesson: next step") in rows
    assert ("Ctrl+Shift+M", "Model panel") in rows and ("Return", "Tensors: the whole tensor") in rows
    dialog.close()


def test_recent_sessions_and_lessons_in_the_file_menu(window: Any, tmp_path: Path,
                                                      monkeypatch: Any) -> None:
    from PySide6.QtCore import QSettings

    QSettings().remove("recent")
    saved = tmp_path / "class_run.json"
    monkeypatch.setattr(files, "ask_save_path", lambda *a, **k: str(saved))
    window.action("actionForward").trigger()
    window.action("actionSaveSession").trigger()
    menu = window.recent_menus["session"]
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.isEnabled()]
    assert [a.text() for a in entries] == ["&1 class_run.json"]
    window.action("actionBackward").trigger()
    before = window.session
    entries[0].trigger()
    assert window.session is not before and len(window.session.history) == 1  # the saved run
    assert window.windowTitle().startswith("class_run.json") and not window.isWindowModified()
    # dialogs start in the folder used last, whatever their kind
    assert files.last_folder("script") == str(tmp_path)
    lesson = tmp_path / "my_lesson.toml"
    lesson.write_text((Path(__file__).resolve().parents[2] / "resources" / "lessons"
                       / "01_computing_gradients.toml").read_text(encoding="utf-8"), encoding="utf-8")
    window.inspector_panels["Lesson"].open_path(lesson)
    lessons = window.recent_menus["lesson"]
    lessons.aboutToShow.emit()
    assert [a.text() for a in lessons.actions()] == ["&1 my_lesson.toml"]


def test_space_on_a_focused_button_clicks_it_and_does_not_play(window: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton

    window.action("actionForward").trigger()
    window.show_inspector("Code")
    code = window.inspector_panels["Code"]
    copy = next(b for b in code.findChildren(QPushButton) if b.text() == "Copy")
    QApplication.clipboard().clear()
    copy.setFocus()
    assert copy.hasFocus()
    with qtbot.waitSignal(copy.clicked, timeout=1000):
        qtbot.keyClick(copy, Qt.Key.Key_Space)
    assert not window.controller.playing
    assert len(window.session.history) == 1
    assert "out = (w * x).sum()" in QApplication.clipboard().text()  # the button did its job
    # A checkbox is a button too: Space ticks it, and auto-run stays off.
    check = window.model_panel.findChild(QCheckBox, None)
    was = check.isChecked()
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    assert check.isChecked() != was and not window.controller.playing
    # Elsewhere Space is still Play/Pause.
    window.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controller.playing
    window.controller.pause()
