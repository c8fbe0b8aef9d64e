"""A window that paints at once: the main window built in steps behind a loading shell.

Importing pyqtgraph and numpy and building the plots and panels takes about a
second (more on a busy machine), and PyTorch several more. The app therefore
shows the real main window at once with only a light *shell* in it (the app's
name, the loop's four phases and "Loading PyTorch… n s"), and builds the rest a
step per turn of the event loop after the first paint (:class:`StagedBuild`), so
the window keeps repainting while pyqtgraph imports here and PyTorch imports on
its own thread (``ui/app.py``).

The shell already has the window's real menu bar (its actions and menus are made
in the first step): the menus open while PyTorch loads. :class:`LoadingGate`
greys what needs the built window or a session until they are there; Quit,
Help → Keyboard shortcuts and the zoom work from the first paint. Closing the
window while it is still a shell quits at once (nothing to save, no build to
finish). The shell's colours follow the light or dark scheme (``ui/theme.py``).

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
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from ui import theme
from ui.actions import NEEDS_TORCH_NOTE, NEEDS_WINDOW_NOTE, SHELL_ACTIONS, WINDOW_ACTIONS

#: Imported one per event-loop turn after the first paint, before the build needs them
#: (numpy alone takes ~0.15 s, pyqtgraph ~0.3 s); the inspector tabs' modules follow.
HEAVY_IMPORTS = ("numpy", "pyqtgraph", "ui.plot_style", "ui.plots")
PHASES = ("forward", "backward", "step", "zero_grad")


def phase_colour(phase: str) -> str:
    """A phase's colour in the current scheme: its curve colour's counterpart in the palette."""
    light = theme.PHASE_COLOURS[phase]
    return theme.curve_palette()[theme.CURVE_COLOURS.index(light)]


class LoadingShell(QWidget):
    """What the window shows until its panels are built: the app's name and what is loading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startupShell")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # its own scheme background
        title = self.title = QLabel("Training Loop Playground")
        title.setObjectName("startupTitle")
        self.phases = QLabel()
        self.phases.setObjectName("startupPhases")
        self.phases.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel("Loading PyTorch…")
        self.status.setObjectName("startupStatus")
        self.detail = QLabel("Preparing the plots and panels…")
        self.detail.setObjectName("startupDetail")
        layout = QVBoxLayout(self)
        layout.setSpacing(14)
        layout.addStretch(2)
        for label in (title, self.status, self.detail):
            label.setTextFormat(Qt.TextFormat.PlainText)  # an error's "<" is text, not markup
        for label in (title, self.phases, self.status, self.detail):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addStretch(3)
        self.restyle()
        # A zoom (View menu, while loading) or a switch of the system's scheme restyles it.
        theme.changes.theme_changed.connect(self.restyle)

    def restyle(self) -> None:
        """Fonts from the zoom, colours from the light or dark scheme (never fixed light ones)."""
        c = theme.colours()
        self.setStyleSheet(f"#startupShell {{ background: {c['bg']}; }}"
                           f" QLabel {{ color: {c['fg']}; background: transparent; }}"
                           f" QLabel#startupDetail {{ color: {c['muted']}; }}")
        self.title.setFont(theme.scaled_font(2.0, bold=True))
        self.phases.setText("  →  ".join(
            f'<span style="color:{phase_colour(p)}">{p}()</span>' for p in PHASES))
        self.phases.setFont(theme.scaled_font(1.3, bold=True))
        self.status.setFont(theme.scaled_font(1.2))

    def set_status(self, text: str) -> None:
        """The line that counts the seconds PyTorch has been loading."""
        self.status.setText(text)


class LoadingGate(QObject):
    """Greys the window's actions that cannot work yet, each with a note saying until when.

    From the first paint the shell has the real menus; what works there
    (``ui.actions.SHELL_ACTIONS``) stays enabled. ``WINDOW_ACTIONS`` come on
    when the build has finished, the rest with the first session (PyTorch has
    loaded). The window enables or greys its loop and undo actions itself after
    that, as the session allows (this gate's slot runs before the window's).
    """

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        #: Greyed actions -> (tooltip, status tip) to put back; by what they wait for.
        self.waiting: dict[str, dict[QAction, tuple[str, str]]] = {"window": {}, "torch": {}}
        for action_id, action in window.actions_by_id.items():
            if action_id in WINDOW_ACTIONS:
                self._grey(action, "window", NEEDS_WINDOW_NOTE)
            elif action_id not in SHELL_ACTIONS:
                self._grey(action, "torch", NEEDS_TORCH_NOTE)
        for menu in getattr(window, "recent_menus", {}).values():
            self._grey(menu.menuAction(), "torch", NEEDS_TORCH_NOTE)  # opening one needs torch
        # A greyed entry is never hovered (no status tip); the note goes to the status bar
        # while a menu is open (as a widget: hovering other entries clears a message), and
        # to each entry's tooltip. The status bar is there already: nothing jumps later.
        self.label = QLabel()
        self.label.setObjectName("loadingGateNote")
        self.label.hide()
        window.statusBar().addWidget(self.label, 1)
        self._menus = window.menuBar().findChildren(QMenu)
        for menu in self._menus:
            menu.setToolTipsVisible(True)
            menu.aboutToShow.connect(self._on_menu_about_to_show)
            menu.aboutToHide.connect(self._on_menu_about_to_hide)
        window.build.finished.connect(self._on_build_finished)
        window.controller.session_changed.connect(self._on_session_changed)

    def _grey(self, action: QAction, kind: str, note: str) -> None:
        self.waiting[kind][action] = (action.toolTip(), action.statusTip())
        action.setEnabled(False)
        action.setToolTip(f"{action.toolTip()}\n({note})")
        action.setStatusTip(f"{action.statusTip() or action.text().replace('&', '')}  —  {note}")

    def _open(self, kind: str) -> None:
        for action, (tooltip, status) in self.waiting[kind].items():
            action.setToolTip(tooltip)
            action.setStatusTip(status)
            action.setEnabled(True)
        self.waiting[kind] = {}

    def note(self) -> str:
        """What the status bar says while a menu is open ("" once everything works)."""
        if self.waiting["torch"]:
            return f"Greyed entries are {NEEDS_TORCH_NOTE}."
        return f"Greyed entries are {NEEDS_WINDOW_NOTE}." if self.waiting["window"] else ""

    def _on_menu_about_to_show(self) -> None:
        self.label.setText(self.note())
        self.label.setVisible(bool(self.note()))

    def _on_menu_about_to_hide(self) -> None:
        self.label.hide()

    def _on_build_finished(self) -> None:
        self._open("window")

    def _on_session_changed(self, session: Any) -> None:
        if session is not None and self.waiting["torch"]:
            self._open("window")  # (a session set before the build finished: both at once)
            self._open("torch")
            self.label.hide()
            for menu in self._menus:
                menu.setToolTipsVisible(False)  # as in a window built at once
                menu.aboutToShow.disconnect(self._on_menu_about_to_show)
                menu.aboutToHide.disconnect(self._on_menu_about_to_hide)


class StagedBuild(QObject):
    """Runs a window's construction (a generator, one ``yield`` per step) now or between paints.

    The first step runs at once (the window gets its name, title and menus).
    :meth:`start` runs the rest a step per turn of the event loop, after importing
    the modules it is given one per turn; :meth:`finish` runs whatever is left at
    once. Closing the window while it shows the shell abandons the build
    (``abandoned``): the window closes at once, its half-built parts unused; the
    built window's ``closeEvent`` (saving the layout) does not run on them.

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
        self.abandoned = False
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
            self._lay_out_new_parts()  # shown before the next paint, not blank until the next step
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

    def abandon(self) -> None:
        """Stop building for good (the window is closing while still a shell)."""
        if self.done:
            return  # built already: the window closes as a whole
        self._timer.stop()
        self._imports.clear()
        self.abandoned = self.done = True  # the filter stays: a later close is consumed too
        self._steps.close()  # GeneratorExit at the step's yield: no further step runs

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is not self.window or event.type() != QEvent.Type.Close:
            return False
        if self.abandoned or (not self.done and not self._running):
            # Quit (or the window's close button) while the shell is up: nothing to save yet
            # and no run to ask about, so close at once, not after a build nobody will see.
            # The event stays accepted and is consumed here: the window hides, the app quits,
            # and the built window's closeEvent never sees the half-built one.
            if not self.abandoned:
                self.abandon()
            return True
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
    window.gate = LoadingGate(window)  # the menus open now; what cannot work yet is grey
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
