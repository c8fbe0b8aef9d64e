"""s8 checks: a lesson in presentation mode by keys, the tensor table, F1 at 200 %, axes."""

from pathlib import Path

import harness
from harness import Qt, QApplication, finish, key, log, shot, start, wait

harness.SHOTS = Path("/tmp/s8shots")
K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
panel = window.inspector_panels["Lesson"]
for _ in range(3):
    key(window, K.Key_I, pause=300)
window.inspector.setCurrentIndex(0)
shot("table-iter3")
key(window, K.Key_5, M.ControlModifier, pause=800)
key(window, K.Key_Right, M.AltModifier, pause=1500)
log("normal:", panel.counter_label.text())
key(window, K.Key_F11, pause=2500)
key(window, K.Key_Right, M.AltModifier, pause=1200)
log("presentation Alt+Right:", panel.counter_label.text(), panel.revealed)
shot("present-question")
key(window, K.Key_Return, pause=1500)
log("presentation Return:", panel.counter_label.text(), panel.revealed)
shot("present-revealed")
key(window, K.Key_PageDown, pause=1200)
key(window, K.Key_PageDown, pause=1200)
log("presentation PageDown x2:", panel.counter_label.text(), panel.revealed)
shot("present-pgdown")
key(window, K.Key_Escape, pause=2000)
window.activateWindow(); wait(300)
window.action("actionZoomIn").trigger() if False else None
from ui import theme
theme.apply_zoom(2.0); wait(1500)
window.show_shortcuts(); wait(1500)
shot("f1-200")
finish(app, window)
