"""Lessons by keyboard only: Ctrl+5, arrows, Alt+Right to start and go on, Enter to reveal."""

import sys

from harness import Qt, QApplication, act, finish, focused, key, log, plot_heights, shot, start, tensors, wait

K = Qt.Key
M = Qt.KeyboardModifier
ALT = M.AltModifier
app, window = start()
panel = window.inspector_panels["Lesson"]
wanted = [int(a) for a in sys.argv[1:]] or [6, 10]


def state(tag: str) -> None:
    f = focused(window)
    log(tag, "|", panel.counter_label.text(), "| focus:", type(f).__name__, f.objectName(),
        "| guess visible:", panel.guess_row.isVisible(), "revealed:", panel.revealed)


for number in wanted:
    key(window, K.Key_5, M.ControlModifier, pause=800)
    state(f"ctrl+5 for lesson {number}")
    key(window, K.Key_Home, pause=300)
    key(window, K.Key_Down, times=number - 1, pause=200)
    log("combo shows:", panel.lesson_combo.currentText())
    key(window, K.Key_Right, ALT, pause=1500)
    state("started")
    shot(f"L{number:02d}-s00")
    for i in range(1, 30):
        if panel.guess_row.isVisible() and not panel.revealed:
            key(window, "3", pause=200)  # a student's guess, typed where the focus is
            key(window, K.Key_Return, pause=1200)
            state(f"  after Enter {i}")
            log("   question:", panel.question_label.text()[:200])
            log("   answer:", panel.answer_label.text()[:300])
            log("   values:", panel.values_label.text()[:600])
            log("   refused:", panel.refused_label.text()[:300] if panel.refused_label.isVisible() else "-")
            log("   engine:", tensors(window.session))
            shot(f"L{number:02d}-s{i:02d}r")
        before = panel.counter_label.text()
        if panel.complete_label.isVisible():
            log("complete")
            break
        key(window, K.Key_Right, ALT, pause=1200)
        state(f"after Alt+Right {i}")
        if panel.counter_label.text() == before and not (panel.guess_row.isVisible() and not panel.revealed):
            log("   Alt+Right changed nothing; stop")
            shot(f"L{number:02d}-stuck")
            break
        log("   narration:", panel.narration()[:300])
        log("   values:", panel.values_label.text()[:600])
        log("   engine:", tensors(window.session))
        log("   plots", plot_heights(window), "lesson pane h", panel.height())
        shot(f"L{number:02d}-s{i:02d}")
    if number == 10:
        key(window, K.Key_F11, pause=2500)
        shot("L10-presentation", settle=2500)
        key(window, K.Key_Escape, pause=2000)
finish(app, window)
