"""A window that paints at once: the main window built in steps behind a loading shell.

Importing pyqtgraph and numpy and building the plots and panels takes about a
second (more on a busy machine), and PyTorch several more. The app therefore
shows the real main window at once with only a light *shell* in it (the app's
name, the loop's four phases and "Loading PyTorch… n s"), and builds the rest a
step per turn of the event loop after the first paint (:class:`StagedBuild`), so
the window keeps repainting while pyqtgraph imports here and PyTorch imports on
its own thread (``ui/app.py``).

Only PySide6 and torch-free ``ui`` modules are on the path to the first paint;
``tests/ui/test_startup.py`` checks that no pyqtgraph, numpy or torch is among
them. ``MainWindow()`` without ``staged=True`` builds everything at once, as
tests and tools expect; ``window.build.finish()`` completes a staged build.
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui import theme

#: Imported one per event-loop turn after the first paint, before the build needs them
#: (numpy alone takes ~0.15 s, pyqtgraph ~0.3 s); the inspector tabs' modules follow.
HEAVY_IMPORTS = ("numpy", "pyqtgraph", "ui.plot_style", "ui.plots")
PHASES = ("forward", "backward", "step", "zero_grad")


class LoadingShell(QWidget):
    """What the window shows until its panels are built: the app's name and what is loading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupShell")
        colours = theme.colours()
        title = QLabel("Training Loop Playground")
        title.setObjectName("startupTitle")
        title.setFont(theme.scaled_font(2.0, bold=True))
        phases = QLabel("  →  ".join(
            f'<span style="color:{theme.PHASE_COLOURS[p]}">{p}()</span>' for p in PHASES))
        phases.setObjectName("startupPhases")
        phases.setTextFormat(Qt.TextFormat.RichText)
        phases.setFont(theme.scaled_font(1.3, bold=True))
        self.status = QLabel("Loading PyTorch…")
        self.status.setObjectName("startupStatus")
        self.status.setFont(theme.scaled_font(1.2))
        self.detail = QLabel("Preparing the plots and panels…")
        self.detail.setObjectName("startupDetail")
        self.detail.setStyleSheet(f"color: {colours['muted']};")
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addStretch(2)
        for label in (title, self.status, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)  # an error's "<" is text, not markup
        for label in (title, phases, self.status, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(3)

    def set_status(self, text: str) -> None:
        """The line that counts the seconds PyTorch has been loading."""
        self.status.setText(text)


class StagedBuild(QObject):
    """Runs a window's construction (a generator, one ``yield`` per step) now or between paints.

    The first step runs at once (the window gets its name and title). :meth:`start`
    runs the rest a step per turn of the event loop, after importing the modules it
    is given one per turn; :meth:`finish` runs whatever is left at once. Closing the
    window half-way finishes the build first, so the window closes as a whole.

    Signals
    -------
    finished()
        The construction is complete (emitted once, staged or not).
    """

    finished = Signal()

    def __init__(self, window: QWidget, steps: Iterator[None]) -> None:
        super().__init__(window)
        self.window = window
        self._steps = steps
        self._imports: deque[str] = deque()
        self._running = False
        self.done = False
        self.shell: LoadingShell | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._advance()

    def show_shell(self) -> LoadingShell:
        """Put the loading shell in the still empty window (before it is shown)."""
        self.shell = LoadingShell()
        self.window.setCentralWidget(self.shell)  # type: ignore[attr-defined]
        self.window.installEventFilter(self)  # a close half-way finishes the build first
        return self.shell

    def start(self, imports: Sequence[str] = ()) -> None:
        """Import ``imports`` and run the remaining steps, one per event-loop turn."""
        if not self.done:
            self._imports.extend(imports)
            self._timer.start()

    def finish(self) -> None:
        """Run every remaining step now (nothing if the build is complete)."""
        self._timer.stop()
        self._imports.clear()  # the steps import what they need themselves
        while not self.done:
            self._advance()

    def _on_timer_timeout(self) -> None:
        if self._imports:
            importlib.import_module(self._imports.popleft())
        else:
            self._advance()
        if not self.done:
            self._timer.start()

    def _advance(self) -> None:
        if self._running or self.done:
            return  # called from inside a step (an event it caused): the step goes on
        self._running = True
        try:
            self._lay_out_new_parts()
            next(self._steps)
        except StopIteration:
            self._complete()
        except BaseException as exc:
            self.done = True  # a broken build is not retried step after step
            if self.shell is not None and self.window.centralWidget() is self.shell:  # type: ignore[attr-defined]
                self.shell.detail.setText(f"The window could not be built: {type(exc).__name__}: {exc}")
            raise
        finally:
            self._running = False

    def _complete(self) -> None:
        self.done = True
        self.shell = None  # the window's own central widget replaced (and deleted) it
        self.window.removeEventFilter(self)
        if self.window.isVisible():
            # Shown while still a shell: what the window does on its first show (dock widths,
            # the check of a restored layout) happens now that there is something to size.
            self._lay_out_new_parts()
            self.window.showEvent(QShowEvent())  # type: ignore[attr-defined]
        self.finished.emit()

    def _lay_out_new_parts(self) -> None:
        """Show and lay out what the last step added to the shown window, now.

        Qt shows a widget added to a visible window from a queued call; the next step
        (restoring the saved dock sizes, the first-show sizing) needs them shown and
        laid out already, also when :meth:`finish` runs the steps without an event loop.
        """
        if not self.window.isVisible():
            return  # built before it is shown (tests, tools): Qt's own show lays it out
        for child in self.window.children():
            if isinstance(child, QWidget):  # only these: no other queued call is run early
                QCoreApplication.sendPostedEvents(child, QEvent.Type.MetaCall)
        self.window.layout().activate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.window and event.type() == QEvent.Type.Close and not self.done:
            self.finish()  # closeEvent then saves the layout and asks about the run as usual
        return False


def heavy_imports() -> tuple[str, ...]:
    """What a staged build imports between paints: pyqtgraph, the plots, the inspector tabs."""
    from ui.main_window import INSPECTOR_TABS

    return (*HEAVY_IMPORTS, *(module for _title, module, _cls in INSPECTOR_TABS))


def open_window() -> Any:
    """A MainWindow showing its loading shell, at its final size; the build is not started."""
    from ui.main_window import MainWindow

    window = MainWindow(staged=True)
    window.build.show_shell()
    geometry = QSettings().value("window/geometry")
    if not (isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)):
        window._fit_to_screen()  # noqa: SLF001 - the first-run size, before the layout exists
    window.show()
    return window


def show_loading(window: Any, text: str) -> None:
    """Show ``text`` ("Loading PyTorch… 2 s") in the shell while it is up, else in the banner."""
    shell = window.build.shell
    if shell is not None and window.centralWidget() is shell:
        shell.set_status(text)
    elif hasattr(window, "banner"):
        window.banner.show_info(text)
