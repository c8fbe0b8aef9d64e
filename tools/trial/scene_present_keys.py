"""Lesson keys in presentation mode: Alt+Right, PageDown, Return; and with the Lesson tab shown."""

from harness import Qt, QApplication, finish, focused, key, log, shot, start, tensors, wait

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
key(window, K.Key_F1, pause=1500)
log("F1: active window is", type(QApplication.activeWindow()).__name__, QApplication.activeWindow().windowTitle())
dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
for d in dialogs:
    d.activateWindow()
wait(500)
key(window, K.Key_Escape, pause=800)
log("after activating it and Esc, still open:", [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window])
window.activateWindow(); wait(500)
log("active:", QApplication.activeWindow() is window)
panel = window.inspector_panels["Lesson"]
key(window, K.Key_5, M.ControlModifier, pause=800)
key(window, K.Key_Down, times=5, pause=200)  # lesson 6
key(window, K.Key_Right, M.AltModifier, pause=1500)
log("normal mode:", panel.counter_label.text(), "revealed", panel.revealed)
key(window, K.Key_F11, pause=2500)
log("presentation: panel visible", panel.isVisible(), "focus", type(focused(window)).__name__)
for name, k, mod in (("Alt+Right", K.Key_Right, M.AltModifier), ("PageDown", K.Key_PageDown, M.NoModifier),
                     ("Return", K.Key_Return, M.NoModifier)):
    key(window, k, mod, pause=1500)
    log(f"presentation {name}:", panel.counter_label.text(), "revealed", panel.revealed)
key(window, K.Key_5, M.ControlModifier, pause=1500)
log("presentation after Ctrl+5: panel visible", panel.isVisible())
shot("K-presentation-ctrl5")
key(window, K.Key_Right, M.AltModifier, pause=1500)
log("presentation Ctrl+5 then Alt+Right:", panel.counter_label.text(), "revealed", panel.revealed)
shot("K-presentation-ctrl5-next")
key(window, K.Key_Escape, pause=2000)
# undo after one Iterate
window.load_default_session(); wait(1500); window.activateWindow(); window.plots.setFocus(); wait(300)
log("active:", QApplication.activeWindow() is window)
key(window, K.Key_I, pause=500)
after_i = tensors(window.session)
key(window, K.Key_Z, M.ControlModifier, pause=600)
log("I then one Ctrl+Z:", tensors(window.session), "| phase:", window.session.history[-1].action if window.session.history else None,
    "| position", window.session.position)
finish(app, window)
