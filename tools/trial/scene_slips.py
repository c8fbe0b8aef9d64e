"""Classroom slips: B before F, B twice, S with no grad; each message and what it asks."""

from harness import Qt, finish, key, log, shot, start, tensors, wait

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
for tag, keys in (("B-first", [K.Key_B]), ("S-first", [K.Key_S]), ("FBB", [K.Key_F, K.Key_B, K.Key_B]),
                  ("Z-none", [K.Key_Z])):
    window.load_default_session(); wait(1200); window.activateWindow(); window.plots.setFocus(); wait(300)
    for k in keys:
        key(window, k, pause=700)
    log(tag, "| banner:", window.banner.text if window.banner.isVisible() else "(none)", "|", tensors(window.session),
        "| strip:", window.phase_strip.findChildren(__import__("PySide6.QtWidgets", fromlist=["QLabel"]).QLabel)[0].text()[:80] if window.phase_strip.findChildren(__import__("PySide6.QtWidgets", fromlist=["QLabel"]).QLabel) else "")
    shot(f"slip-{tag}")
finish(app, window)
