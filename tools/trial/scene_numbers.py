"""Numbers as torch prints them: a model whose values need scientific notation; the table,
the whole-tensor dialog (Enter on a row), the graph and the phase strip, against print(tensor)."""

from harness import Qt, QApplication, finish, focused, key, log, shot, start, tensors, wait, with_modal
from playground import Session

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
window.set_session(Session(params={"w": "[1e-5, 1.0, 1000.0]", "v": "[[0.5, 123456.0], [-2.0, 1e-8]]"},
                           inputs={"x": "[1.0, 2.0, 3.0]"},
                           forward="out = (w * x).sum() + v.sum() * 1e-3", lr=0.1))
wait(1500)
window.activateWindow(); window.plots.setFocus(); wait(300)
for k in (K.Key_F, K.Key_B, K.Key_S):
    key(window, k, pause=700)
table = window.state_table
model = table.model()
for r in range(model.rowCount()):
    cells = [model.data(model.index(r, c)) for c in range(model.columnCount())]
    log("table row:", cells)
act = window.findChild(__import__("PySide6.QtGui", fromlist=["QAction"]).QAction, "actionShowTensors"); act.trigger(); wait(800)
shot("N-table")
table.setFocus(); table.selectRow(1); wait(300)
dlg = table.show_tensor(1)
wait(1200)
from PySide6.QtWidgets import QPlainTextEdit
edit = dlg.findChild(QPlainTextEdit)
log("dialog text:\n" + (edit.toPlainText() if edit else "?"))
shot("N-tensor-dialog")
dlg.close()
act = window.findChild(__import__("PySide6.QtGui", fromlist=["QAction"]).QAction, "actionShowGraph"); act.trigger(); wait(1500)
shot("N-graph")
finish(app, window)
