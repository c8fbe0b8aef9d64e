"""File and tab commands of the main window (File menu, Ctrl+1..5): a mixin of MainWindow.

Kept apart so the window module holds its construction and the training-loop
slots; these only route a command to ``ui.files`` or to the inspector tabs.
It also keeps the File menu's recent sessions and lessons (QSettings), the
window title (file name and unsaved marker) and the question asked on closing
with an unsaved run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QMenu

from ui import files, run_file

#: How many recent sessions and lessons the File menu lists.
RECENT_MAX = 8
RECENT_KINDS = {"session": "&Recent sessions", "lesson": "Rece&nt lessons"}


def recent_paths(kind: str) -> list[str]:
    """The recent files of ``kind`` ("session" or "lesson"), newest first, existing only."""
    value = QSettings().value(f"recent/{kind}", [])
    paths = [value] if isinstance(value, str) else list(value or [])
    return [p for p in paths if isinstance(p, str) and Path(p).is_file()]


def remember_recent(kind: str, path: str) -> None:
    """Put ``path`` first in the recent list of ``kind``."""
    path = str(Path(path).resolve())
    paths = [path] + [p for p in recent_paths(kind) if p != path]
    QSettings().setValue(f"recent/{kind}", paths[:RECENT_MAX])


class WindowCommands:
    """Needs the window's ``session``, ``set_session``, ``banner``, ``inspector``,
    ``inspector_panels``, ``statusBar`` and ``_safely``."""

    session: Any
    banner: Any
    inspector: Any
    model_dock: Any
    model_panel: Any
    speed_combo: Any
    inspector_panels: dict[str, Any]

    run_file: run_file.RunFile

    def open_session(self, path: str | None = None) -> None:
        """File → Open session: the running session is kept if the file is refused."""
        path = path or files.ask_open_path(self, "session", "Open session", files.SESSION_FILTER)
        if not path:
            return
        files.open_session(self, lambda session, p=path: self._on_session_opened(session, p), path)

    def _on_session_opened(self, session: Any, path: str) -> None:
        self.set_session(session)
        self.run_file.mark_saved(path)
        remember_recent("session", path)
        files.remember_folder("session", path)
        self.banner.show_info(f"Opened a session with {len(session.history)} records.")

    def save_session(self) -> bool:
        """File → Save session (asks where); True when the run is now saved."""
        if self.session is None:
            return False
        path = files.save_session(self, self.session)
        if path:
            self.run_file.mark_saved(path)
            remember_recent("session", path)
            files.remember_folder("session", path)
            self.statusBar().showMessage(f"Saved {path}", 5000)
        return bool(path)

    def _on_lesson_file_opened(self, path: str) -> None:
        remember_recent("lesson", path)
        files.remember_folder("lesson", path)

    # -- recent files, title, closing -------------------------------------------
    def _add_recent_menus(self, menu: QMenu) -> None:
        """"Recent sessions" and "Recent lessons" submenus, filled each time they open."""
        self.recent_menus: dict[str, QMenu] = {}
        for kind, title in RECENT_KINDS.items():
            submenu = menu.addMenu(title)
            submenu.setObjectName(f"recent_{kind}_menu")
            submenu.aboutToShow.connect(lambda k=kind: self._fill_recent_menu(k))
            self.recent_menus[kind] = submenu

    def _fill_recent_menu(self, kind: str) -> None:
        submenu = self.recent_menus[kind]
        submenu.clear()
        paths = recent_paths(kind)
        for number, path in enumerate(paths, start=1):
            action = submenu.addAction(f"&{number} {Path(path).name}")
            action.setToolTip(path)
            action.triggered.connect(lambda _checked=False, p=path, k=kind: self.open_recent(k, p))
        if not paths:
            submenu.addAction("(none yet)").setEnabled(False)

    def open_recent(self, kind: str, path: str) -> None:
        """Open a recent session or start a recent lesson."""
        if kind == "session":
            self.open_session(path)
            return
        opener = getattr(self.inspector_panels.get("Lesson"), "open_path", None)
        if opener is not None:
            self.show_inspector("Lesson")
            self._safely(opener, path)

    # -- keyboard reach ------------------------------------------------------------
    def _model_panel_toggle(self) -> Any:
        """The model dock's show/hide action, named and on a key (Ctrl+Shift+M)."""
        from PySide6.QtGui import QKeySequence

        from ui.actions import TOGGLE_MODEL_PANEL_KEY

        toggle = self.model_dock.toggleViewAction()
        toggle.setObjectName("actionToggleModelPanel")
        toggle.setText("&Model panel")
        toggle.setShortcut(QKeySequence(TOGGLE_MODEL_PANEL_KEY))
        toggle.setStatusTip("show or hide the model panel")
        self.addAction(toggle)
        return toggle

    def focus_model_panel(self) -> None:
        """Show the model panel and put the keyboard in its first field."""
        self.model_dock.show()
        self.model_dock.raise_()
        self.model_panel.focus_first()

    def play_faster(self) -> None:
        self._step_speed(+1)

    def play_slower(self) -> None:
        self._step_speed(-1)

    def _step_speed(self, delta: int) -> None:
        combo = self.speed_combo
        index = min(max(combo.currentIndex() + delta, 0), combo.count() - 1)
        combo.setCurrentIndex(index)
        self.statusBar().showMessage(f"auto-run speed: {combo.currentText()}", 3000)

    def _update_title(self) -> None:
        self.setWindowTitle(self.run_file.title())
        self.setWindowModified(self.run_file.modified)

    def may_close(self, event: QCloseEvent) -> bool:
        """Close now, or ask once about an unsaved run (Save / Discard / Cancel) and wait.

        The question does not block: the close is refused for now and the answer
        closes the window again (Save, once saved; Discard) or leaves it (Cancel).
        """
        if not self.run_file.needs_saving:
            self._drop_close_question()
            return True
        event.ignore()
        box = getattr(self, "_close_question", None)
        if box is None or not shiboken6.isValid(box) or not box.isVisible():
            name = Path(self.run_file.path).name if self.run_file.path else "this window"
            self._close_question = run_file.ask_to_save(self, name, self._on_close_answered)
        else:
            box.raise_()
        return False

    def _on_close_answered(self, answer: str) -> None:
        self._close_question = None
        if answer == run_file.SAVE and not self.save_session():
            return  # the Save dialog was cancelled or failed: the run stays open
        if answer in (run_file.SAVE, run_file.DISCARD):
            self.run_file.discard()
            QTimer.singleShot(0, self.close)

    def _drop_close_question(self) -> None:
        box = getattr(self, "_close_question", None)
        self._close_question = None
        if box is not None and shiboken6.isValid(box):
            box.close()

    def export_script(self) -> None:
        if self.session is not None:
            path = files.export_script(self, self.session)
            if path:
                self.statusBar().showMessage(f"Exported {path}: run it with python", 5000)

    def open_lesson(self) -> None:
        """File → Open lesson…: handled by the lesson panel, which is then shown."""
        panel = self.inspector_panels.get("Lesson")
        opener = getattr(panel, "open_file", None)
        if opener is not None:
            self.show_inspector("Lesson")
            self._safely(opener)

    def show_inspector(self, title: str) -> None:
        """Show the tab called ``title`` under the plots ("Tensors", "Graph", "Code", ...)."""
        titles = [self.inspector.tabText(i) for i in range(self.inspector.count())]
        if title in titles:
            self.inspector.setCurrentIndex(titles.index(title))

    def show_tensors_tab(self) -> None:
        self.show_inspector("Tensors")

    def show_graph_tab(self) -> None:
        self.show_inspector("Graph")

    def show_code_tab(self) -> None:
        self.show_inspector("Code")

    def show_vjp_tab(self) -> None:
        self.show_inspector("backward(v)")

    def show_lesson_tab(self) -> None:
        """The Lesson tab, with the keyboard in its prediction field while a question is
        open, else in its lesson list (Enter or Alt+→ then starts the chosen lesson)."""
        self.show_inspector("Lesson")
        panel = self.inspector_panels.get("Lesson")
        if hasattr(panel, "take_keyboard"):
            panel.take_keyboard()
