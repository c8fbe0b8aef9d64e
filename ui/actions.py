"""Every command of the window, declared once and shared by the menu, the toolbar and big buttons.

Each :class:`ActionSpec` names the handler it calls on a *target* object (the
main window), so a keyboard shortcut, a menu entry and a toolbar click all run
the same slot. Single-letter shortcuts use the window context; Qt first offers
a key to the focused widget as a ``ShortcutOverride``, and ``ui/keys.py`` claims
every bare key for text fields, spin boxes, combo boxes and lists, so typing "f"
in the forward-program editor types an "f" and "r" over a list resets nothing
(``tests/ui/test_keys.py`` checks this).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFontMetricsF, QKeySequence
from PySide6.QtWidgets import (
    QDialog, QHeaderView, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget,
)

from ui import theme
from ui.fitting_dialog import FittingDialog


@dataclass(frozen=True)
class ActionSpec:
    """One command: what it is called, how to trigger it and what it runs.

    Parameters
    ----------
    id:
        The QAction objectName (stable; tests and automation use it).
    text:
        Menu and button text (``&`` marks the mnemonic).
    shortcut:
        Key sequence text, "" for none.
    icon:
        Name of an SVG in ``resources/icons`` ("" for none).
    code:
        The PyTorch call it runs, shown in the tooltip.
    handler:
        Name of the target's method called with no argument (or with the new
        checked state for checkable actions).
    checkable:
        Whether the action is a toggle.
    """

    id: str
    text: str
    shortcut: str
    icon: str
    code: str
    handler: str
    checkable: bool = False

    @property
    def tooltip(self) -> str:
        """Tooltip text: the name, the PyTorch it runs, and the key."""
        plain = self.text.replace("&", "")
        key = f"  [{self.shortcut}]" if self.shortcut else ""
        code = f"\n{self.code}" if self.code else ""
        return f"{plain}{key}{code}"


#: The training-loop commands, in loop order; these also become the big buttons.
LOOP_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionForward", "&Forward", "F", "forward",
               "out = model(inputs)   # runs the forward program", "forward"),
    ActionSpec("actionBackward", "&Backward", "B", "backward", "out.backward()", "backward"),
    ActionSpec("actionStep", "&Step", "S", "step",
               "optimizer.step()   # or: with torch.no_grad(): w -= lr * w.grad", "step"),
    ActionSpec("actionZeroGrad", "&Zero grad", "Z", "zero_grad",
               "optimizer.zero_grad(set_to_none=False), or w.grad.zero_() / set to None "
               "(the model panel's zero_grad box)", "zero_grad"),
    ActionSpec("actionIterate", "&Iterate", "I", "iterate",
               "forward, backward, step (+ zero_grad when auto zero_grad is on)", "iterate"),
    ActionSpec("actionPlay", "&Play", "Space", "play",
               "repeat Iterate on a timer (speed in the toolbar)", "set_playing", checkable=True),
    ActionSpec("actionReset", "&Reset", "R", "reset",
               "back to the initial values (Ctrl+Z brings the run back)", "reset"),
)

#: Toggles and window commands.
OTHER_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionAutoZeroGrad", "&Auto zero_grad", "A", "",
               "Iterate ends with optimizer.zero_grad()", "set_auto_zero_grad", checkable=True),
    ActionSpec("actionCompare", "&Compare", "C", "compare",
               "a twin session from the same start that differs in one setting you pick "
               "(at first auto zero_grad), drawn dashed", "set_compare",
               checkable=True),
    ActionSpec("actionApply", "Appl&y model", "Ctrl+Return", "",
               "build a new session from the model panel", "apply_model"),
    ActionSpec("actionOpenSession", "&Open session…", "Ctrl+O", "",
               "Session.load(path): model, settings and history", "open_session"),
    ActionSpec("actionSaveSession", "&Save session…", "Ctrl+S", "",
               "session.save(path): JSON, written atomically", "save_session"),
    ActionSpec("actionExportScript", "&Export script…", "Ctrl+E", "",
               "every press so far as a runnable .py", "export_script"),
    ActionSpec("actionOpenLesson", "Open &lesson…", "Ctrl+L", "",
               "a lesson file (.toml) of your own", "open_lesson"),
    ActionSpec("actionQuit", "&Quit", "Ctrl+Q", "", "close the app", "close"),
    ActionSpec("actionZoomIn", "Zoom &in", "Ctrl+=", "", "bigger text for projecting", "zoom_in"),
    ActionSpec("actionZoomOut", "Zoom &out", "Ctrl+-", "", "smaller text", "zoom_out"),
    ActionSpec("actionZoomReset", "&Normal size", "Ctrl+0", "", "text back to its normal size", "zoom_reset"),
    ActionSpec("actionPresentation", "&Presentation mode", "F11", "",
               "full screen for projecting: big text, thick curves, the lesson as a caption "
               "(Esc leaves)", "set_presentation", checkable=True),
    ActionSpec("actionResetLayout", "Re&set layout", "", "",
               "forget the remembered window layout", "reset_layout"),
    ActionSpec("actionShortcuts", "&Keyboard shortcuts", "F1", "", "this list of keys", "show_shortcuts"),
    ActionSpec("actionShowTensors", "&Tensors tab", "Ctrl+1", "", "show the Tensors tab", "show_tensors_tab"),
    ActionSpec("actionShowGraph", "&Graph tab", "Ctrl+2", "", "show the Graph tab", "show_graph_tab"),
    ActionSpec("actionShowCode", "&Code tab", "Ctrl+3", "", "show the Code tab", "show_code_tab"),
    ActionSpec("actionShowVjp", "&backward(v) tab", "Ctrl+4", "", "show the backward(v) tab", "show_vjp_tab"),
    ActionSpec("actionShowLesson", "&Lesson tab", "Ctrl+5", "", "show the Lesson tab",
               "show_lesson_tab"),
    ActionSpec("actionShowLandscape", "L&andscape tab", "Ctrl+6", "", "show the Landscape tab",
               "show_landscape_tab"),
    ActionSpec("actionShowData", "&Data tab", "Ctrl+7", "", "show the Data tab", "show_data_tab"),
    ActionSpec("actionOpenData", "Open &data…", "Ctrl+D", "",
               "a CSV file: its columns become the model's inputs", "open_data"),
    ActionSpec("actionNextNode", "&Next node", "N", "",
               "backward node by node: the next grad_fn PyTorch ran (Graph tab)", "next_node"),
    ActionSpec("actionPreviousNode", "Pre&vious node", "Shift+N", "",
               "backward node by node: one node back", "previous_node"),
)

#: File → Export (handlers in ui/export.py's ExportCommands): every picture, the run, the window.
EXPORT_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionExportWeightPlot", "&Parameter values plot…", "Ctrl+Shift+W", "",
               "the plot as PNG or SVG", "export_weight_plot"),
    ActionSpec("actionExportGradPlot", "&Gradients plot…", "Ctrl+Shift+G", "",
               "the plot as PNG or SVG", "export_grad_plot"),
    ActionSpec("actionExportOutputPlot", "&Output plot…", "Ctrl+Shift+O", "",
               "the plot as PNG or SVG", "export_output_plot"),
    ActionSpec("actionExportLandscape", "&Landscape…", "Ctrl+Shift+L", "",
               "the loss landscape as PNG or SVG", "export_landscape"),
    ActionSpec("actionExportData", "&Data and fit…", "Ctrl+Shift+D", "",
               "the data plot as PNG or SVG", "export_data_plot"),
    ActionSpec("actionExportTrajectories", "&Trajectories as CSV…", "Ctrl+Shift+T", "",
               "one column per element: values and grads, every record", "export_trajectories"),
    ActionSpec("actionExportWindow", "&Window as PNG…", "Ctrl+Shift+P", "",
               "the whole window, for a slide", "export_window"),
)

# -- undo, redo and the timeline (H6: ui/undo.py, ui/timeline.py, ui/window_undo.py) --------
#: Undo and redo for every change of the run and every replaced session; the timeline's keys.
UNDO_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionUndo", "&Undo", "Ctrl+Z", "",
               "s.undo(): back one action (or to the session that Apply, a preset, a lesson "
               "or Open replaced)", "undo"),
    ActionSpec("actionRedo", "&Redo", "Ctrl+Shift+Z", "", "s.redo()   (also Ctrl+Y)", "redo"),
    ActionSpec("actionTimelineBack", "Timeline: &back one action", "[", "",
               "s.goto(s.position - 1)", "timeline_back"),
    ActionSpec("actionTimelineForward", "Timeline: &forward one action", "]", "",
               "s.goto(s.position + 1)", "timeline_forward"),
    ActionSpec("actionTimelineLatest", "Timeline: &latest action", "Ctrl+]", "",
               "s.goto(len(s.history) - 1)", "timeline_latest"),
)
# -- end of the undo block ------------------------------------------------------------------

# -- H5: keyboard reach (focus the model panel, auto-run speed) -----------------------
KEYBOARD_ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("actionFocusModelPanel", "&Edit the model", "Ctrl+M", "",
               "show the model panel and put the keyboard in it", "focus_model_panel"),
    ActionSpec("actionFaster", "Fast&er auto-run", ">", "",
               "more iterations per second while playing", "play_faster"),
    ActionSpec("actionSlower", "Slo&wer auto-run", "<", "",
               "fewer iterations per second while playing", "play_slower"),
)
#: The model dock's own show/hide action gets this key (it is Qt's, not declared above).
TOGGLE_MODEL_PANEL_KEY = "Ctrl+Shift+M"
# -- end H5 ----------------------------------------------------------------------

ALL_ACTIONS: tuple[ActionSpec, ...] = (
    LOOP_ACTIONS + OTHER_ACTIONS + EXPORT_ACTIONS + UNDO_ACTIONS + KEYBOARD_ACTIONS
)

# -- t4: what works while the app starts (ui/startup.py's LoadingGate) -------------------
#: Work from the first paint of the start-up shell, while the window is built and torch loads.
SHELL_ACTIONS = frozenset({"actionQuit", "actionShortcuts", "actionZoomIn", "actionZoomOut",
                           "actionZoomReset"})
#: Need the built window (its docks, tabs, layout) but not PyTorch.
WINDOW_ACTIONS = frozenset({"actionPresentation", "actionResetLayout", "actionFocusModelPanel",
                            "actionShowTensors", "actionShowGraph", "actionShowCode",
                            "actionShowVjp", "actionShowLesson", "actionShowLandscape",
                            "actionShowData"})
#: Every other action needs a session, so PyTorch: greyed with this note until it has loaded.
NEEDS_TORCH_NOTE = "available when PyTorch has loaded"
NEEDS_WINDOW_NOTE = "available when the window has loaded"
# -- end t4 --------------------------------------------------------------------------


def build_actions(parent: QObject, target: object,
                  specs: Iterable[ActionSpec] = ALL_ACTIONS) -> dict[str, QAction]:
    """Create a QAction per spec, wired to ``getattr(target, spec.handler)``.

    Returns
    -------
    dict[str, QAction]
        Actions by id, in declaration order.
    """
    actions: dict[str, QAction] = {}
    for spec in specs:
        action = QAction(theme.icon(spec.icon), spec.text, parent)
        action.setObjectName(spec.id)
        action.setToolTip(spec.tooltip)
        action.setStatusTip(spec.tooltip.replace("\n", "  —  "))
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(spec.checkable)
        handler: Callable[..., object] = getattr(target, spec.handler)
        if spec.checkable:
            action.toggled.connect(handler)
        else:
            # triggered(bool) would pass `checked` to handlers that take none.
            action.triggered.connect(lambda _checked=False, h=handler: h())
        actions[spec.id] = action
    return actions


def shortcut_table(specs: Iterable[ActionSpec] = ALL_ACTIONS) -> list[tuple[str, str, str]]:
    """(key, command, PyTorch) rows for the Help → Keyboard shortcuts dialog."""
    return [(s.shortcut, s.text.replace("&", ""), s.code) for s in specs if s.shortcut]


def action_rows(actions: Iterable[QAction]) -> list[tuple[str, str, str]]:
    """(key, command, what it does) for live QActions with a key (e.g. a dock's show/hide)."""
    return [(a.shortcut().toString(QKeySequence.SequenceFormat.PortableText),
             a.text().replace("&", ""), a.statusTip())
            for a in actions if not a.shortcut().isEmpty()]


def shortcuts_dialog(parent: QWidget, extra: Iterable[tuple[str, str, str]] = ()) -> QDialog:
    """A non-modal dialog listing every shortcut (deletes itself when closed).

    ``extra`` rows are keys the window adds beyond the action table (docks, panels).
    """
    rows = shortcut_table() + list(extra)
    table = QTableWidget(len(rows), 3)
    table.setObjectName("shortcutsTable")
    table.setHorizontalHeaderLabels(["key", "command", "PyTorch"])
    table.verticalHeader().hide()  # row numbers say nothing here; the keys need the room
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    # Columns follow their text at every zoom (sized on show, after the zoomed font
    # applies, not once at construction); the dialog grows to them within the screen.
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    dialog = FittingDialog(table, parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    QVBoxLayout(dialog).addWidget(table)
    dialog.resize(760, 420)
    return dialog



class _SteadyWidth(QObject):
    """Keeps a tool button as wide as its widest text (font and style changes included)."""

    def __init__(self, button: QToolButton, texts: Iterable[str]) -> None:
        super().__init__(button)
        self.button, self.texts = button, [t.replace("&", "") for t in texts]
        button.installEventFilter(self)
        self.fit()

    def fit(self) -> None:
        """Least width: the button's own hint with its widest text instead of its current one."""
        metrics = QFontMetricsF(self.button.font())
        shown = metrics.horizontalAdvance(self.button.text().replace("&", ""))
        widest = max(metrics.horizontalAdvance(t) for t in self.texts)
        # One pixel of slack: the hint rounds the text's width its own way.
        self.button.setMinimumWidth(0)
        self.button.setMinimumWidth(
            self.button.sizeHint().width() + math.ceil(max(0.0, widest - shown)) + 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.Polish):
            self.fit()
        return False


def steady_width(button: QWidget | None, texts: Iterable[str]) -> None:
    """Keep ``button`` (a toolbar's button for a toggling action) as wide as the widest of
    ``texts`` ("&Play", "&Pause"), so its toolbar does not shift when the text changes."""
    if isinstance(button, QToolButton):
        _SteadyWidth(button, texts)
