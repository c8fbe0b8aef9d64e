"""A small harness to try the real window as a teacher would, on an Xvfb screen.

Run a scene script with
    xvfb-run -a -s "-screen 0 1280x720x24" env PYTHONPATH=$PWD /work/main/.venv/bin/python tools/trial/<scene>.py
Shots go to /work/coord/shots/s6-*.png. Keys are sent with QTest to the focused widget,
so QAction shortcuts go through Qt's real shortcut map.
"""

from __future__ import annotations

import sys
import tempfile
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QAction, QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SHOTS = Path(os.environ.get("TRIAL_SHOTS", "/work/coord/shots"))  # where the PNGs go
T0 = time.monotonic()


def log(*args: object) -> None:
    print(f"[{time.monotonic() - T0:6.1f}s]", *args, flush=True)


def wait(ms: int = 400) -> None:
    QTest.qWait(ms)


def start() -> tuple[object, object]:
    """The app and a first-run window, shown with the default session loaded."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application(["playground"])
    window = MainWindow()
    window.show()
    window.activateWindow()
    wait(6000)
    window.load_default_session()
    wait(2500)
    window.activateWindow()
    wait(300)
    log("window", window.geometry(), "active:", QApplication.activeWindow() is window)
    return app, window


def shot(name: str, settle: int = 1500) -> Path:
    wait(settle)
    path = SHOTS / f"s6-{name}.png"
    QGuiApplication.primaryScreen().grabWindow(0).save(str(path))
    log("shot", path)
    return path


def focused(window: QWidget) -> QWidget:
    return QApplication.focusWidget() or window


def key(window: QWidget, k: Qt.Key | str, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
        times: int = 1, pause: int = 250) -> None:
    """Press a real key on whatever widget has the focus (as a user would)."""
    for _ in range(times):
        target = focused(window)
        if isinstance(k, str):
            QTest.keyClicks(target, k, mod)
        else:
            QTest.keyClick(target, k, mod)
        wait(pause)


def act(window: QWidget, name: str, times: int = 1, pause: int = 300) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    for _ in range(times):
        action.trigger()
        wait(pause)


def tensors(session: object) -> str:
    """Values and grads of the session's params as the engine holds them."""
    out = []
    for name in session.params:  # type: ignore[attr-defined]
        out.append(f"{name}={session.value(name)!r} grad={session.grad(name)!r}")  # type: ignore[attr-defined]
    return " | ".join(out)


def plot_heights(window: QWidget) -> dict[str, int]:
    """Each main plot's data area (view box) height in screen pixels."""
    import pyqtgraph as pg

    out = {}
    for name in ("weightPlot", "gradPlot", "outputPlot"):
        plot = window.findChild(pg.PlotWidget, name)
        if plot is None:
            continue
        vb = plot.getPlotItem().getViewBox()
        rect = vb.sceneBoundingRect()
        out[name] = int(rect.height()) if plot.isVisible() else -1
    return out


def finish(app: object, window: QWidget) -> None:
    window.run_file.discard()
    window.close()
    wait(300)
    app.quit()


def with_modal(name: str, call: object, patience_ms: int = 60000) -> str:
    """Run ``call``; when a modal dialog shows up, photograph it, log its text and close it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    seen: list[str] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        timer.stop()
        wait(1200)
        text = modal.text() if isinstance(modal, QMessageBox) else type(modal).__name__
        informative = modal.informativeText() if isinstance(modal, QMessageBox) else ""
        detailed = modal.detailedText() if isinstance(modal, QMessageBox) else ""
        seen.append(f"{modal.windowTitle()!r}: {text!r} / {informative!r} / {detailed[:300]!r}")
        shot(name, settle=300)
        log("modal:", seen[-1], "size", modal.size())
        modal.close() if not isinstance(modal, QMessageBox) else modal.done(0)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(200)
    call()
    wait(1500)
    timer.stop()
    return seen[-1] if seen else ""
