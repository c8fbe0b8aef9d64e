"""Field errors: said once, and gone as soon as the thing at fault is fixed."""

from __future__ import annotations

from typing import Any

from ui.model_panel import RECHECK_MS


def _apply_program(window: Any, program: str) -> None:
    window.model_panel.forward_edit.setPlainText(program)
    window.action("actionApply").trigger()


def test_the_line_is_named_once_beside_the_program(window: Any) -> None:
    _apply_program(window, "out = (w @ torch.ones(2)).sum()")
    label = window.model_panel.errors["forward"]
    assert label.isVisibleTo(window) and label.text().lower().count("line 1") == 1, label.text()
    assert window.banner.text.lower().count("line 1") == 1, window.banner.text


def test_an_error_clears_once_the_program_is_fixed(window: Any, qtbot: Any) -> None:
    before = window.session
    _apply_program(window, "out = (w * randn(3)).sum()")
    label = window.model_panel.errors["forward"]
    assert label.isVisibleTo(window) and "model panel" in label.text()
    assert window.banner.kind == "error" and window.session is before
    # a different mistake: the message follows the text
    window.model_panel.forward_edit.setPlainText("out = (w * q).sum()")
    qtbot.waitUntil(lambda: "`q`" in label.text(), timeout=RECHECK_MS * 10)
    assert window.banner.kind == "error"
    window.model_panel.forward_edit.setPlainText("out = (w * x).sum()")
    qtbot.waitUntil(lambda: not label.isVisibleTo(window), timeout=RECHECK_MS * 10)
    assert window.banner.kind != "error"
    assert window.session is before  # checking is not applying: the run is untouched


def test_a_new_model_clears_an_old_error(window: Any) -> None:
    window.model_panel.number_edits["lr"].setText("abc")
    window.action("actionApply").trigger()
    assert window.banner.kind == "error"
    window.model_panel.number_edits["lr"].setText("0.1")
    window.action("actionApply").trigger()
    assert window.banner.kind != "error"
    assert not window.model_panel.errors["lr"].isVisibleTo(window)
