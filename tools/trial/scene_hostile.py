"""Hostile text in the forward program (Apply by Ctrl+Return) and hostile files via File → Open."""

import os

from harness import (Qt, QApplication, act, finish, focused, key, log, shot, start, tensors, wait,
                     with_modal)

K = Qt.Key
M = Qt.KeyboardModifier
app, window = start()
key(window, K.Key_I, times=2, pause=400)
before = tensors(window.session)
log("before:", before)
edit = window.model_panel.forward_edit
PROGRAMS = {
    "import": "out = __import__('os').system('touch /tmp/s6files/PWNED')",
    "huge": "out = torch.ones(100000, 100000).sum()",
    "huge2": "big = w.repeat(100000000)\nout = big.sum()",
    "syntax": "out = (w * x).sum(",
    "dunder": "out = w.__class__.__mro__[1].__subclasses__()",
    "eval": "out = eval('1+1')",
    "typeerr": "out = (w * x).sum() * 'a'",
    "shape": "out = (w @ torch.ones(5)).sum()",
    "empty": "",
    "nooutput": "y = w * x",
    "longline": "out = " + " + ".join(["w.sum()"] * 3000),
    "lambda": "out = (lambda: w)().sum()",
    "nan": "out = (w / 0).sum()",
}
for tag, program in PROGRAMS.items():
    edit.setFocus()
    wait(100)
    key(window, K.Key_A, M.ControlModifier, pause=100)
    key(window, K.Key_Delete, pause=100)
    if program:
        edit.insertPlainText(program)  # as a paste would; typed keys are tested elsewhere
    wait(200)
    modal = with_modal(f"H-{tag}-modal", lambda: key(window, K.Key_Return, M.ControlModifier, pause=1500))
    log(tag, "banner:", window.banner.text[:400] if window.banner.isVisible() else "(no banner)")
    errs = {n: l.text()[:200] for n, l in getattr(window.model_panel, "errors", {}).items() if l.isVisible()}
    log(tag, "field errors:", errs, "modal:", modal)
    log(tag, "session kept:", tensors(window.session) == before, "forward:", getattr(window.session, "config", None) and window.session.config.forward[:60])
    shot(f"H-{tag}")
log("PWNED exists:", os.path.exists("/tmp/s6files/PWNED"))
# put the good program back and press F: the session must still run
edit.setFocus(); key(window, K.Key_A, M.ControlModifier, pause=100); edit.insertPlainText("out = (w * x).sum()")
window.plots.setFocus(); wait(200)
key(window, K.Key_F, pause=600)
log("F after all that:", window.session.output, tensors(window.session))
# typing a forward program with shortcut letters in it must change nothing but the text
edit.setFocus(); key(window, K.Key_A, M.ControlModifier, pause=100)
n = len(window.session.history)
key(window, "out = (w * x).sum() + 0 * ABFSZICNR[]<>", pause=50)
log("typed; history grew by", len(window.session.history) - n, "text:", edit.toPlainText())
shot("H-typed-letters")
key(window, K.Key_Z, M.ControlModifier, times=40, pause=30)
log("after 40 Ctrl+Z in the edit: text:", repr(edit.toPlainText()), "history", len(window.session.history))
# files
for name in ("garbage.json", "import.json", "bad_replay.json", "lr_string.json", "ok.json"):
    path = "/tmp/s6files/" + name
    modal = with_modal(f"F-{name}-modal", lambda p=path: window.open_session(p))
    wait(1500)
    log(name, "modal:", modal, "| banner:", window.banner.text[:300] if window.banner.isVisible() else "-",
        "| title:", window.windowTitle())
    shot(f"F-{name}")
modal = with_modal("F-broken-toml-modal", lambda: window.inspector_panels["Lesson"].open_path("/tmp/s6files/broken.toml"))
log("toml modal:", modal, "| notice:", window.inspector_panels["Lesson"].notice_label.text()[:300])
shot("F-broken-toml")
from ui.data_view import open_data
modal = with_modal("F-bad-csv-modal", lambda: open_data(window, "/tmp/s6files/bad.csv"))
log("csv modal:", modal)
log("PWNED exists:", os.path.exists("/tmp/s6files/PWNED"))
finish(app, window)
