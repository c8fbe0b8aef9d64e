"""F1 at the default zoom; presentation mode with the Graph tab (N) and lesson 15; Esc."""

from harness import Qt, QApplication, finish, focused, key, log, shot, start, wait
from ui import theme

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
key(window, K.Key_F1, pause=2000)
top = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
log("after F1 top-levels:", [(type(w).__name__, w.windowTitle(), w.geometry()) for w in top])
shot("P-f1")
key(window, K.Key_Escape, pause=1000)
top = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
log("after Esc top-levels:", [(type(w).__name__, w.windowTitle()) for w in top])
for w in top:
    w.close()
wait(500)
# lesson 15 by keys
key(window, K.Key_5, M.ControlModifier, pause=800)
key(window, K.Key_End, pause=300)
key(window, K.Key_Right, M.AltModifier, pause=1500)
panel = window.inspector_panels["Lesson"]
key(window, K.Key_F11, pause=2500)
shot("P-L15-s1")


def fonts(tag: str) -> None:
    from PySide6.QtWidgets import QLabel
    small = []
    for label in window.findChildren(QLabel):
        if label.isVisible() and label.text().strip() and label.window() is window:
            px = theme.font_pixels(label.font())
            if px < 24:
                small.append((label.objectName() or type(label.parent()).__name__, px, label.text()[:40]))
    log(tag, "visible labels under 24 px:", small[:15])


fonts("presentation L15 s1")
for i in range(2, 7):
    if panel.guess_row.isVisible() and not panel.revealed:
        # the guess field is not on screen in presentation mode: where does Enter go?
        log("focus before Enter:", type(focused(window)).__name__, focused(window).objectName())
        key(window, K.Key_Return, pause=1500)
        log("revealed:", panel.revealed, panel.counter_label.text())
        shot(f"P-L15-s{i - 1}r")
    key(window, K.Key_Right, M.AltModifier, pause=1500)
    log("now:", panel.counter_label.text())
    shot(f"P-L15-s{i}")
key(window, K.Key_2, M.ControlModifier, pause=1500)
key(window, K.Key_N, times=2, pause=1000)
shot("P-graph-N")
fonts("presentation graph")
key(window, K.Key_Escape, pause=2000)
shot("P-after-esc")
finish(app, window)
