"""Default model: F B S Z by their keys, undo/redo, zoom to 200 % and back, F11 / Esc."""

from harness import Qt, act, finish, focused, key, log, plot_heights, shot, start, tensors, wait

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
s = window.session
log("config forward:", getattr(s, "forward_source", None))
log("focus at start:", type(focused(window)).__name__, focused(window).objectName())
shot("01-start")
for k in (K.Key_F, K.Key_B, K.Key_S, K.Key_Z):
    key(window, k, pause=600)
    log("after", k, "history:", window.session.history[-1:] if hasattr(window.session, "history") else None)
log(tensors(window.session))
shot("02-fbsz")
key(window, K.Key_I, times=3, pause=500)
log("after 3xI:", tensors(window.session), "out", window.session.output)
shot("03-iter3")
# slips: undo twice, redo once
key(window, K.Key_Z, M.ControlModifier, times=2, pause=500)
log("after 2x undo:", tensors(window.session))
key(window, K.Key_Z, M.ControlModifier | M.ShiftModifier, pause=500)
log("after redo:", tensors(window.session))
shot("04-undo-redo")
# zoom to 200 %
for i in range(12):
    key(window, K.Key_Equal, M.ControlModifier, pause=700)
log("font after zoom:", app.font().pointSizeF(), "plots", plot_heights(window), "geom", window.geometry())
shot("05-zoom200", settle=2500)
for tab in ("actionShowTensors", "actionShowGraph", "actionShowCode", "actionShowLesson"):
    act(window, tab, pause=800)
    log(tab, "plots", plot_heights(window))
    shot("06-zoom200-" + tab[10:].lower(), settle=1500)
key(window, K.Key_0, M.ControlModifier, pause=1500)
log("font after reset:", app.font().pointSizeF(), "plots", plot_heights(window))
shot("07-zoom100")
# presentation
act(window, "actionShowTensors")
key(window, K.Key_F11, pause=2500)
log("presentation:", window.isFullScreen(), window.geometry(), "plots", plot_heights(window))
key(window, K.Key_I, times=3, pause=500)
shot("08-presentation", settle=2500)
key(window, K.Key_Escape, pause=2500)
log("after esc:", window.isFullScreen(), window.geometry(), "plots", plot_heights(window))
shot("09-after-esc")
finish(app, window)
