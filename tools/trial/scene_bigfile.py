"""A hostile session file: a 10,000-element param and 3,000,000 recorded actions (under the
4,000,000-action limit). Run under `ulimit -v` so it cannot take the machine's memory."""

import resource
import sys

from harness import QApplication, finish, log, shot, start, tensors, wait

app, window = start()
log("before:", tensors(window.session)[:80])
from PySide6.QtCore import QTimer

state = {"n": 0}


def watch() -> None:
    state["n"] += 1
    modal = QApplication.activeModalWidget()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    desc = ""
    if modal is not None:
        desc = f"{type(modal).__name__} {modal.windowTitle()!r} " + (
            repr(modal.labelText()) if hasattr(modal, "labelText") else repr(getattr(modal, "text", lambda: "")()))
    log(f"t+{state['n']}s maxrss {rss} MB modal: {desc}")
    if state["n"] in (5, 30):
        shot(f"B-bigfile-{state['n']}s", settle=0)
    if modal is not None and hasattr(modal, "informativeText"):
        log("message:", modal.text(), "/", modal.informativeText())
        shot("B-bigfile-message", settle=0)
        modal.done(0)
    if state["n"] >= int(sys.argv[1] if len(sys.argv) > 1 else 60):
        if modal is not None and hasattr(modal, "cancel"):
            log("pressing Cancel")
            modal.cancel()


timer = QTimer()
timer.timeout.connect(watch)
timer.start(1000)
try:
    window.open_session("/tmp/s6files/huge_replay.json")
    for _ in range(240):
        wait(500)
        if state["n"] > 5 and QApplication.activeModalWidget() is None:
            break
except MemoryError:
    log("MemoryError escaped to the script")
timer.stop()
log("after:", tensors(window.session)[:80], "history", len(window.session.history))
shot("B-bigfile-after")
finish(app, window)
