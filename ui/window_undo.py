"""Undo, redo and the timeline in the main window: the Edit menu, toolbar buttons and keys.

A mixin of MainWindow (as ``WindowCommands``): the engine undoes inside a run,
the controller brings back replaced sessions (ui/undo.py), the timeline strip
under the plots moves the session in time (ui/timeline.py). Here they are only
wired to actions and kept enabled or greyed out as the run changes.

Keys: Ctrl+Z undo; Ctrl+Shift+Z or Ctrl+Y redo; ``[`` / ``]`` one action back /
forward on the timeline; Ctrl+] the latest action; with the timeline focused,
←/→, Shift+←/→ (one iteration), PageUp/PageDown, Home/End.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar

from ui.controller import connect_session, disconnect_session

UNDO_MENU_ACTIONS = ("actionUndo", "actionRedo", None, "actionTimelineBack",
                     "actionTimelineForward", "actionTimelineLatest")


class UndoCommands:
    """Needs the window's ``controller``, ``plots``, ``model_panel``, ``action``,
    ``menuBar``, ``toolbar`` and ``_safely``."""

    controller: Any
    plots: Any
    model_panel: Any
    toolbar: QToolBar

    def _build_edit_menu(self) -> None:
        """The Edit menu and Ctrl+Y (with the other menus: the start-up shell shows them)."""
        redo = self.action("actionRedo")  # type: ignore[attr-defined]
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        bar: QMenuBar = self.menuBar()  # type: ignore[attr-defined]
        menus = [a for a in bar.actions() if a.menu() is not None]
        edit = bar.addMenu("&Edit")
        if len(menus) > 1:  # after File, as desktop apps put it
            bar.insertMenu(menus[1], edit)
        for action_id in UNDO_MENU_ACTIONS:
            if action_id is None:
                edit.addSeparator()
            else:
                edit.addAction(self.action(action_id))  # type: ignore[attr-defined]

    def _build_undo(self) -> None:
        """Toolbar buttons and the timeline's handler; keep them in step with the run."""
        self.toolbar.addSeparator()
        for action_id in ("actionUndo", "actionRedo"):
            self.toolbar.addAction(self.action(action_id))  # type: ignore[attr-defined]
        self.plots.timeline.goto_handler = self.controller.goto
        self._undo_followed: Any = None
        c = self.controller
        c.session_changed.connect(self._on_session_changed_for_undo)
        c.twin_changed.connect(self._on_twin_changed_for_undo)
        self._on_session_changed_for_undo(c.session)

    def _on_session_changed_for_undo(self, session: Any) -> None:
        # Follow the live session's own events too: a lesson drives it directly.
        if self._undo_followed is not None:
            disconnect_session(self._undo_followed, self._on_run_changed_for_undo,
                               self._update_undo_actions)
        self._undo_followed = session
        if session is not None:
            connect_session(session, self._on_run_changed_for_undo, self._update_undo_actions)
        self._update_undo_actions()

    def _on_run_changed_for_undo(self, _record: Any = None) -> None:
        self._update_undo_actions()  # two O(1) reads: a key press right after must find it on

    def _on_twin_changed_for_undo(self, _twin: Any) -> None:
        # The controller may end Compare itself (time travel moves the main run only).
        compare = self.action("actionCompare")  # type: ignore[attr-defined]
        if compare.isChecked() != self.controller.comparing:
            compare.setChecked(self.controller.comparing)  # its slot hides the compare bar too

    def _update_undo_actions(self) -> None:
        self.action("actionUndo").setEnabled(self.controller.can_undo)  # type: ignore[attr-defined]
        self.action("actionRedo").setEnabled(self.controller.can_redo)  # type: ignore[attr-defined]

    # -- handlers (named in ui/actions.py) ---------------------------------------
    def undo(self) -> None:
        """Edit → Undo: the run's last change, or back to the session it replaced."""
        self._show_restored(self.controller.undo())

    def redo(self) -> None:
        """Edit → Redo."""
        self._show_restored(self.controller.redo())

    def _show_restored(self, session: Any) -> None:
        if session is not None:
            config = {k: getattr(session.config, k) for k in session.config.__dataclass_fields__}
            self.model_panel.load_config(config, gradient=self.controller.gradient,
                                         retain_graph=self.controller.retain_graph)
        self._update_undo_actions()

    def timeline_back(self) -> None:
        self.plots.timeline.step(-1)
        self._update_undo_actions()

    def timeline_forward(self) -> None:
        self.plots.timeline.step(1)
        self._update_undo_actions()

    def timeline_latest(self) -> None:
        self.plots.timeline.go_latest()
        self._update_undo_actions()
