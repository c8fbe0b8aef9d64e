"""Graph tab node by node, Landscape and Data with the learning presets, Compare, timeline."""

from harness import Qt, act, finish, focused, key, log, plot_heights, shot, start, tensors, wait
from ui.presets import presets

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
names = [p.name for p in presets()]


def preset_by_keys(name: str) -> None:
    key(window, K.Key_M, M.ControlModifier, pause=600)
    f = focused(window)
    log("ctrl+M focus:", type(f).__name__, f.objectName())
    key(window, K.Key_Home, pause=200)
    key(window, K.Key_Down, times=names.index(name), pause=150)
    key(window, K.Key_Return, pause=2000)
    log("preset now:", window.session.forward_program if hasattr(window.session, "forward_program") else "",
        "params:", list(window.session.params))
    # back to the window, as a teacher clicking on the plots would
    window.plots.setFocus()
    wait(200)


# 1. Graph tab, node by node, on the chain-rule model
preset_by_keys("y = x + 2, z = 3·y², mean")
key(window, K.Key_F, pause=500)
key(window, K.Key_B, pause=800)
key(window, K.Key_2, M.ControlModifier, pause=1200)
shot("T01-graph")
for i in range(1, 5):
    key(window, K.Key_N, pause=900)
    shot(f"T02-node{i}")
log("focus after N:", type(focused(window)).__name__)
# 2. Landscape on the line fit
preset_by_keys("Line fit: y = w·x + b (MSE, 20 points)")
key(window, K.Key_I, times=15, pause=250)
key(window, K.Key_6, M.ControlModifier, pause=2000)
log("plots", plot_heights(window))
shot("T03-landscape")
# 3. Data: logistic, MLP, three classes
for name, tag in (("Logistic regression: two classes (BCE)", "logistic"),
                  ("Tiny MLP 2→8→1, tanh (XOR-like)", "mlp"),
                  ("Three classes: softmax + cross_entropy", "3class"),
                  ("Line fit: y = w·x + b (MSE, 20 points)", "linefit")):
    preset_by_keys(name)
    key(window, K.Key_I, times=20, pause=200)
    key(window, K.Key_7, M.ControlModifier, pause=2000)
    log(tag, "output", window.session.output)
    shot(f"T04-data-{tag}")
# 4. Compare on the line fit, landscape + data
key(window, K.Key_C, pause=1500)
key(window, K.Key_I, times=10, pause=300)
log("compare twin:", window.controller.twin_label() if hasattr(window.controller, "twin_label") else "?")
shot("T05-compare-data")
key(window, K.Key_6, M.ControlModifier, pause=1500)
shot("T06-compare-landscape")
key(window, K.Key_1, M.ControlModifier, pause=1500)
shot("T07-compare-tensors")
key(window, K.Key_C, pause=1500)
# 5. timeline back with [ and forward with ]
key(window, K.Key_BracketLeft, times=8, pause=300)
log("after 8x [:", window.session.position if hasattr(window.session, "position") else "?", tensors(window.session))
shot("T08-timeline-back")
key(window, K.Key_I, pause=800)
log("branched:", tensors(window.session))
shot("T09-timeline-branch")
# 6. landscape and data at 200 %
key(window, K.Key_Equal, M.ControlModifier, times=12, pause=500)
key(window, K.Key_6, M.ControlModifier, pause=2000)
log("200% landscape plots", plot_heights(window))
shot("T10-landscape-200")
key(window, K.Key_7, M.ControlModifier, pause=2000)
shot("T11-data-200")
key(window, K.Key_2, M.ControlModifier, pause=2000)
shot("T12-graph-200")
finish(app, window)
