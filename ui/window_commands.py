"""File and tab commands of the main window (File menu, Ctrl+1..5): a mixin of MainWindow.

Kept apart so the window module holds its construction and the training-loop
slots; these only route a command to ``ui.files`` or to the inspector tabs.
"""

from __future__ import annotations

from typing import Any

from ui import files


class WindowCommands:
    """Needs the window's ``session``, ``set_session``, ``banner``, ``inspector``,
    ``inspector_panels``, ``statusBar`` and ``_safely``."""

    session: Any
    banner: Any
    inspector: Any
    inspector_panels: dict[str, Any]

    def open_session(self) -> None:
        """File → Open session: the running session is kept if the file is refused."""
        files.open_session(self, self._on_session_opened)

    def _on_session_opened(self, session: Any) -> None:
        self.set_session(session)
        self.banner.show_info(f"Opened a session with {len(session.history)} records.")

    def save_session(self) -> None:
        if self.session is not None:
            path = files.save_session(self, self.session)
            if path:
                self.statusBar().showMessage(f"Saved {path}", 5000)

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
        """The Lesson tab, with the keyboard in its lesson list (Alt+→ then starts it)."""
        self.show_inspector("Lesson")
        combo = getattr(self.inspector_panels.get("Lesson"), "lesson_combo", None)
        if combo is not None:
            combo.setFocus()
