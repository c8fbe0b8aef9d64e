"""Entry point: ``playground`` (see pyproject) or ``python -m ui.app``.

Start-up paints at once: the window is shown with a light loading shell ("Loading
PyTorch… n s", see ``ui/startup.py``) before pyqtgraph, numpy or torch are imported.
Once it has painted, PyTorch (seconds of imports) loads on a background thread
while the GUI thread builds the plots and panels a step per event-loop turn. The
GUI thread never imports torch before that thread is done, so the window keeps
repainting and its menus (there from the first paint) open meanwhile; Quit then
exits at once, without waiting for the torch thread (a daemon). Importing torch off the
main thread is safe: Python's import lock serialises imports, torch's import
installs no signal handlers (those are main-thread only), and nothing on the
GUI thread touches torch until the ``loaded`` signal arrives, queued, on the
GUI thread.

Set ``PLAYGROUND_STARTUP_LOG=<file>`` to have the start-up timeline written there
(``tools/startup_paint`` and its test read it). ``PLAYGROUND_TORCH_HOLD_S=<seconds>``
holds the loader thread that long before it imports (at most a minute): a test of
what works *while* PyTorch loads (menus, Quit) then does not race a fast import.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.startup import heavy_imports, open_window, show_loading

if TYPE_CHECKING:
    from ui.main_window import MainWindow

ORGANIZATION = "TrainingLoopPlayground"
APPLICATION = "Training Loop Playground"
#: The desktop entry (desktop/training-loop-playground.desktop) the window belongs to.
DESKTOP_FILE = "training-loop-playground"
#: What the loader thread imports: everything the first session needs from torch.
TORCH_MODULES = ("torch", "playground.session", "playground.printing", "playground.lessons")
#: While PyTorch loads, the banner counts seconds (the window visibly keeps painting).
TICK_MS = 250
#: The longest ``PLAYGROUND_TORCH_HOLD_S`` holds the loader (seconds).
MAX_HOLD_S = 60.0
#: If no paint is seen (a platform that paints nothing), load anyway after this long.
PAINT_FALLBACK_MS = 1500


def startup_log(event: str) -> None:
    """Append ``"<event> <unix time>"`` to $PLAYGROUND_STARTUP_LOG, if set."""
    path = os.environ.get("PLAYGROUND_STARTUP_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"{event} {time.time():.6f}\n")


def torch_hold_s() -> float:
    """Seconds ``PLAYGROUND_TORCH_HOLD_S`` asks the loader to wait (0 if unset or not a number)."""
    try:
        hold = float(os.environ.get("PLAYGROUND_TORCH_HOLD_S", "0"))
    except ValueError:
        return 0.0
    return min(hold, MAX_HOLD_S) if hold > 0 else 0.0  # NaN and negatives: no hold


def quiet_paint_threads() -> None:
    """Keep Qt's raster fills on the GUI thread (set before the first paint).

    Qt 6 hands each large fill to a pool of threads and waits for them. A
    plot's fills are small, and on a busy 2-core machine the hand-over costs
    more than the fill: a frame of the three plots took 29-46 ms with the pool
    and 19-24 ms without (offscreen, 1600x1000). As with torch's one thread.
    """
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses, the style sheet and the saved zoom."""
    quiet_paint_threads()
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(theme.icon("app"))
    app.setStyleSheet(theme.style_sheet())
    theme.follow_system_scheme()  # light or dark with the desktop, plots included
    theme.apply_zoom(theme.current_zoom())
    return app


class TorchLoader(QObject):
    """Imports :data:`TORCH_MODULES` on a background thread.

    Signals
    -------
    loaded(object)
        Emitted once, on the GUI thread (queued): None, or the exception the
        import raised.
    """

    loaded = Signal(object)

    def __init__(self, warm_up: dict[str, Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread: threading.Thread | None = None
        self._warm_up = warm_up

    def start(self) -> None:
        """Start importing (a second call does nothing)."""
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="import-torch", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        import importlib

        error: BaseException | None = None
        time.sleep(torch_hold_s())
        try:
            for name in TORCH_MODULES:
                importlib.import_module(name)
            # The app runs tiny models only: one intra-op thread is much faster for them
            # (a BCE iteration took 1 ms with one thread against 15 ms with two on the
            # project's busy 2-core machine: the threads only wait for each other).
            importlib.import_module("torch").set_num_threads(1)
            if self._warm_up is not None:
                # torch imports more on first use (torch.optim pulls in torch._dynamo, seconds):
                # one throwaway loop here, so the GUI thread's first session is instant.
                session = importlib.import_module("playground.session").Session(**self._warm_up)
                session.iterate()
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
            error = exc
        startup_log("torch")
        try:
            self.loaded.emit(error)
        except RuntimeError:  # the window (our parent) was closed and deleted meanwhile
            pass


class FirstPaint(QObject):
    """Calls ``callback`` once, after the watched window's first paint has been handled."""

    def __init__(self, window: MainWindow, callback: object) -> None:
        super().__init__(window)
        self._callback = callback
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(PAINT_FALLBACK_MS, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and not self._done:
            startup_log("paint")
            QTimer.singleShot(0, self, self._fire)  # after this paint reaches the screen
        return False

    def _fire(self) -> None:
        if not self._done:
            self._done = True
            self._callback()  # type: ignore[operator]


def load_in_background(window: MainWindow) -> TorchLoader:
    """Show "Loading PyTorch… n s" while torch loads off the GUI thread, then the start-up model."""
    from ui.presets import default_preset

    loader = TorchLoader(dict(default_preset().config), window)
    started = time.monotonic()
    ticker = QTimer(window)
    ticker.setInterval(TICK_MS)

    def tick() -> None:
        startup_log("tick")
        show_loading(window, f"Loading PyTorch… {time.monotonic() - started:.0f} s")

    def loaded(error: BaseException | None) -> None:
        ticker.stop()
        if window.build.abandoned:
            return  # closed while it was still the loading shell: the app is quitting
        window.build.finish()  # PyTorch came first: the rest of the window is built now
        if error is not None:
            window.banner.show_error(error)
            return
        window.load_default_session()
        startup_log("session")

    ticker.timeout.connect(tick)
    loader.loaded.connect(loaded)

    def start() -> None:
        ticker.start()
        loader.start()
        window.build.start(heavy_imports())  # the plots and panels, between paints

    FirstPaint(window, start)
    return loader


def main(argv: list[str] | None = None) -> int:
    """Show the window at once, then load PyTorch off the GUI thread and the start-up model."""
    startup_log("start")
    app = make_application(argv)
    window = open_window()  # the loading shell; built between paints (ui/startup.py)
    startup_log("shown")

    def built() -> None:
        startup_log("built")
        from ui.recovery import Recovery

        try:
            window.recovery = Recovery(window)  # autosave, and the offer to restore after a crash
        except OSError as exc:  # no writable data folder: the app still runs, without autosave
            window.banner.show_info(f"Autosave is off: {exc.strerror or exc}", sticky=True)

    window.build.finished.connect(built)

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # Last line of defence: an exception escaping a slot goes to the banner.
        sys.__excepthook__(kind, exc, tb)
        if hasattr(window, "banner"):  # not yet while the loading shell is up
            window.banner.show_error(exc)

    sys.excepthook = excepthook
    window.loader = load_in_background(window)  # type: ignore[attr-defined]
    code = app.exec()
    startup_log("quit")  # the event loop is over (the process may take a moment more to end)
    # Destroy the window while the QApplication still exists: left to interpreter teardown,
    # the order is arbitrary and the process often ends in a segfault after a clean quit.
    window.deleteLater()
    del window
    app.processEvents()
    return code


if __name__ == "__main__":
    sys.exit(main())
