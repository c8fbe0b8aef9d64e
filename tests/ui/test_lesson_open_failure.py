"""File → Open lesson with a file whose step fails keeps the running lesson (issue 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

BROKEN_STEP = """[lesson]
title = "Fails at step 1"
[model]
forward = "out = (w * 2).sum()"
params = { w = "ones(2)" }
[[step]]
do = ["backward"]
say = "backward before any forward: refused"
"""


def test_a_lesson_whose_step_fails_keeps_the_running_lesson(
        qtbot: Any, window: Any, tmp_path: Path, monkeypatch: Any) -> None:
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData("06_accumulation_manual_sgd"))
    panel.start()
    running = window.session
    assert panel.session is running and panel.lesson.name == "06_accumulation_manual_sgd"
    bad = tmp_path / "bad.toml"
    bad.write_text(BROKEN_STEP, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    with qtbot.assertNotEmitted(panel.session_created):
        window.open_lesson()
    assert panel.lesson.name == "06_accumulation_manual_sgd"
    assert panel.session is running and window.session is running
    assert panel.next_button.isEnabled()
    text = panel.notice_label.text()
    assert "Step 1" in text and "Forward first" in text
    panel.next_step()
    panel.next_step()
    assert panel.step_index >= 1  # the running lesson still steps
