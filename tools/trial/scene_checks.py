"""Odds and ends: fonts and pens after zoom and presentation, Iterate undo, the compare banner,
presets by keyboard into Landscape and Data, Play, F1, presentation at 200 % during a lesson."""

from harness import (Qt, QApplication, act, finish, focused, key, log, plot_heights, shot, start,
                     tensors, wait, with_modal)
from ui import theme
from ui.presets import presets

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
names = [p.name for p in presets()]


def look(tag: str) -> None:
    import pyqtgraph as pg
    plot = window.findChild(pg.PlotWidget, "weightPlot")
    curves = plot.getPlotItem().listDataItems()
    pen = curves[0].opts["pen"] if curves else None
    axis = plot.getPlotItem().getAxis("left")
    tick = getattr(axis, "_tickFont", None) or axis.style.get("tickFont")
    log(f"{tag}: app font {app.font().pointSizeF():.2f}pt/{theme.font_pixels()}px zoom {theme.current_zoom()}"
        f" curve_width {theme.curve_width()} pen {pen.width() if hasattr(pen, 'width') else pen}"
        f" tick {tick.pointSizeF() if tick else None} plots {plot_heights(window)}")


look("start")
key(window, K.Key_I, times=3, pause=300)
look("after I")
key(window, K.Key_Equal, M.ControlModifier, times=12, pause=400)
look("zoom max")
key(window, K.Key_0, M.ControlModifier, pause=1500)
look("zoom reset (Ctrl+0)")
key(window, K.Key_F11, pause=2000)
look("presentation")
key(window, K.Key_Escape, pause=2000)
look("after Esc")
shot("C-after-esc")
key(window, K.Key_Minus, M.ControlModifier, times=3, pause=600)
look("after 3x Ctrl+-")

# Iterate undo granularity
n = len(window.session.history)
key(window, K.Key_I, pause=500)
log("I added", len(window.session.history) - n, "records")
key(window, K.Key_Z, M.ControlModifier, pause=600)
log("one Ctrl+Z after I: records", len(window.session.history) - n, "(0 means the whole Iterate was undone)")
key(window, K.Key_Z, M.ControlModifier | M.ShiftModifier, pause=600)

# Reset undoable
before = tensors(window.session)
key(window, K.Key_R, pause=800)
log("after R:", tensors(window.session))
key(window, K.Key_Z, M.ControlModifier, pause=800)
log("undo R restores:", tensors(window.session) == before)

# Compare banner after compare off
key(window, K.Key_C, pause=1500)
log("compare on; banner:", window.banner.isVisible(), window.banner.text[:100])
key(window, K.Key_I, times=2, pause=400)
key(window, K.Key_C, pause=1500)
log("compare off:", window.findChild(__import__("PySide6.QtGui", fromlist=["QAction"]).QAction, "actionCompare").isChecked(),
    "banner still:", window.banner.isVisible(), window.banner.text[:100])
shot("C-compare-off")


def preset_by_keys(name: str) -> None:
    key(window, K.Key_M, M.ControlModifier, pause=500)
    key(window, K.Key_Down, pause=500)  # opens the list
    key(window, K.Key_Home, pause=200)
    key(window, K.Key_Down, times=names.index(name) + 1, pause=120)
    key(window, K.Key_Return, pause=2000)
    log("preset now:", window.model_panel.preset_combo.currentText(), list(window.session.params))
    window.plots.setFocus()
    wait(200)


for name, tag, tab in (("Line fit: y = w·x + b (MSE, 20 points)", "linefit", K.Key_6),
                       ("Line fit: y = w·x + b (MSE, 20 points)", "linefit", K.Key_7),
                       ("Tiny MLP 2→8→1, tanh (XOR-like)", "mlp", K.Key_7),
                       ("Tiny MLP 2→8→1, tanh (XOR-like)", "mlp", K.Key_6),
                       ("Logistic regression: two classes (BCE)", "logistic", K.Key_7)):
    preset_by_keys(name)
    key(window, K.Key_I, times=25, pause=150)
    key(window, tab, M.ControlModifier, pause=2000)
    log(tag, "loss", window.session.output)
    shot(f"C-{tag}-{'landscape' if tab == K.Key_6 else 'data'}")

# Play a few seconds, then pause
key(window, K.Key_Space, pause=3000)
shot("C-playing", settle=200)
key(window, K.Key_Space, pause=800)
log("after play:", len(window.session.history), "records")
# F1
with_modal("C-shortcuts", lambda: key(window, K.Key_F1, pause=1500))

# lesson 15 at 200 % then presentation
key(window, K.Key_Equal, M.ControlModifier, times=12, pause=300)
key(window, K.Key_5, M.ControlModifier, pause=800)
key(window, K.Key_End, pause=300)
key(window, K.Key_Right, M.AltModifier, pause=1500)
panel = window.inspector_panels["Lesson"]
log("lesson:", panel.lesson_combo.currentText(), panel.counter_label.text())
key(window, K.Key_Return, pause=1500)
key(window, K.Key_Right, M.AltModifier, pause=1500)
log("lesson:", panel.counter_label.text(), "pane h", panel.height(), "window h", window.height())
shot("C-lesson15-200")
key(window, K.Key_F11, pause=2500)
shot("C-lesson15-200-presentation")
key(window, K.Key_N, pause=1000)
shot("C-lesson15-200-presentation-N")
key(window, K.Key_Escape, pause=2000)
finish(app, window)
