"""The main window: composes the panels, actions, menus and docks; the logic lives elsewhere.

The controller (``ui/controller.py``) drives the engine; each panel follows the
session it is given through ``set_session``. The window only wires them and
turns the actions declared in ``ui/actions.py`` into menus, a toolbar and big
buttons.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QHBoxLayout, QLabel, QMainWindow, QScrollArea, QSizePolicy, QSplitter,
    QTabWidget, QToolBar, QToolButton, QVBoxLayout, QWidget,
)

from ui import theme
from ui.window_commands import WindowCommands
from ui.presentation import Presentation
from ui.window_layout import (
    ROOMY_TABS, BannerArea, LayoutKeeper, forget_layout, keep_on_screen, layout_is_sound,
)
from ui.window_undo import UndoCommands
from ui.actions import (
    EXPORT_ACTIONS, LOOP_ACTIONS, TOGGLE_MODEL_PANEL_KEY, action_rows, build_actions,
    shortcuts_dialog, steady_width,
)
from ui.compare import CompareBar, LabelWatch
from ui.controller import COMPARE_NOTE, SPEEDS, Controller
from ui.export import ExportCommands
from ui.messages import MessageBanner
from ui.model_panel import FieldError, ModelPanel
from ui.narrow import PanelScroll, fit_toolbar  # s2: the model dock never scrolls sideways
from ui.phase_strip import PhaseStrip
from ui.presets import Preset, default_preset
from ui.startup import StagedBuild
from ui.state_table import StateTable
from ui.tabs_pane import TabsPane
from ui.keys import install_key_guard  # H5: keys never destroy work
from ui.run_file import RunFile  # H5: title with file name and unsaved marker

#: Inspector tabs written by other modules: (tab title, module, class name).
INSPECTOR_TABS = (
    ("Graph", "ui.graph_view", "GraphView"),
    ("Code", "ui.code_view", "CodePanel"),
    ("backward(v)", "ui.vjp_view", "VjpPanel"),
    ("Lesson", "ui.lesson_view", "LessonPanel"),
    ("Landscape", "ui.landscape_view", "LandscapeView"),
    ("Data", "ui.data_view", "DataView"),
)
#: Play stays on the toolbar and Space: five buttons fit a 1280 px screen unclipped.
#: Panels that lay out fixed-size content get a scroll area; the others scroll themselves.
#: The Code tab scrolls too, so its minimum height cannot squeeze the plots (the Graph tab
#: scrolls itself: in a scroll area its fit-to-view would chase the scroll bars forever).
#: The Lesson tab scrolls its own text under a fixed header: never a scroll box in a scroll box.
SCROLLED_TABS = ("Code", "backward(v)")
#: Share of the centre height the tabs under the plots get, per tab, until the user
#: drags the splitter: a graph or a lesson needs more room than a table of tensors.
TAB_SHARE = {"Tensors": 0.42, "Code": 0.42, "Graph": 0.55, "backward(v)": 0.55, "Lesson": 0.58,
             "Landscape": 0.6, "Data": 0.6}
#: H5: the Lesson tab's least share of the window height, and what the plots keep meanwhile.
LESSON_WINDOW_SHARE, PLOTS_MIN = 0.41, 160
BIG_BUTTONS = ("actionForward", "actionBackward", "actionStep", "actionZeroGrad", "actionIterate")
DEFAULT_SPEED = 5


def load_inspector_panel(module_name: str, class_name: str) -> QWidget:
    """Instantiate an inspector panel; a label explaining why if it cannot be loaded."""
    try:
        panel = getattr(importlib.import_module(module_name), class_name)()
    except Exception as exc:  # noqa: BLE001 - a missing panel must not stop the app
        label = QLabel(f"{module_name}.{class_name} is not available:\n{type(exc).__name__}: {exc}")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return label
    return panel


def _scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area, so its minimum size cannot widen the window."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll


class MainWindow(QMainWindow, ExportCommands, WindowCommands, UndoCommands):
    """The playground window.

    Parameters
    ----------
    session:
        The session to show; None shows a "Loading PyTorch…" state until
        :meth:`load_default_session` (or :meth:`set_session`) provides one.
    staged:
        Build only the title and controller now; ``window.build`` (a
        ``ui.startup.StagedBuild``) builds the rest between paints (``start``)
        or at once (``finish``). The app starts this way; tests and tools do not.
    """

    #: Until the construction has run this far (see :meth:`_build`), showing does nothing more.
    _check_restored = _dock_sizes_pending = False

    def __init__(self, session: Any = None, parent: QWidget | None = None, *,
                 staged: bool = False) -> None:
        super().__init__(parent)
        #: The construction, a step at a time (ui/startup.py). Unless ``staged``, it is
        #: finished here; staged, the app shows a loading shell and finishes it between paints.
        self.build = StagedBuild(self, self._build(session))
        if not staged:
            self.build.finish()

    def _build(self, session: Any) -> Iterator[None]:
        """The window's construction; each ``yield`` lets a staged start-up repaint."""
        self.setObjectName("mainWindow")
        self.setWindowTitle("Training Loop Playground")
        self.controller = Controller(parent=self)  # window.session is None from here on
        self.actions_by_id: dict[str, QAction] = build_actions(self, self)
        for action in self.actions_by_id.values():
            self.addAction(action)  # window-wide shortcuts even with menus hidden
        self._build_menus()  # t4: the start-up shell shows the real menus (ui/startup.py)
        yield  # -- the start-up shell paints from here (nothing below is on its path)
        self.banner = MessageBanner()
        self.compare_bar = CompareBar()
        self.compare_bar.hide()  # shown while compare is on
        self.phase_strip = PhaseStrip()
        yield
        from ui.plots import PlotsPanel  # pyqtgraph and numpy: after the start-up paint

        self.plots = PlotsPanel()
        yield
        self.state_table = StateTable(self._on_state_table_requires_grad)
        self.model_panel = ModelPanel(self.action("actionAutoZeroGrad"), self.action("actionApply"))
        self.inspector = QTabWidget()
        self.inspector.setObjectName("inspectorTabs")
        self.inspector_panels: dict[str, QWidget] = {}
        yield
        self._build_inspector()
        yield
        self._build_central()
        self._build_docks()
        self._build_toolbar()
        self.view_menu.insertAction(self.action("actionFocusModelPanel"), self._model_panel_toggle())
        self._connect_controller()
        self._build_undo()  # Edit menu, undo buttons, timeline (ui/window_undo.py)
        self.model_panel.preset_chosen.connect(self._on_model_panel_preset_chosen)
        block = self.model_panel.optimizer_block
        block.lr_changed.connect(lambda v: self.controller.run("set_lr", v))
        block.momentum_changed.connect(lambda v: self.controller.run("set_momentum", v))
        self.layout_keeper = LayoutKeeper(self)
        self.presentation = Presentation(self)
        # -- H5: title, unsaved run, key guard ------------------------------------
        self.run_file = RunFile(self)
        self.run_file.changed.connect(self._update_title)
        self._update_title()
        self.key_guard = install_key_guard(self)
        self.model_panel.rechecked.connect(self._on_model_panel_rechecked)
        lesson_file_opened = getattr(self.inspector_panels.get("Lesson"), "file_opened", None)
        if lesson_file_opened is not None:
            lesson_file_opened.connect(self._on_lesson_file_opened)
        # -- end H5 ---------------------------------------------------------------
        yield  # a staged build shows the new docks and toolbar before restoring their sizes
        self._restore_settings()
        # Budget the restored dock and split: a staged window is shown already, so no resize
        # follows (the "Loading" banner used to trigger it; under the tabs it budgets nothing).
        self.layout_keeper.apply()
        self.set_session(session)

    # -- construction --------------------------------------------------------
    def action(self, action_id: str) -> QAction:
        """The QAction with objectName ``action_id``."""
        return self.actions_by_id[action_id]

    def _build_central(self) -> None:
        self.big_button_row = QWidget()
        self.big_button_row.setObjectName("bigButtonRow")
        buttons = QHBoxLayout(self.big_button_row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.big_buttons: dict[str, QToolButton] = {}
        for action_id in BIG_BUTTONS:
            button = QToolButton()
            button.setObjectName(action_id.replace("action", "bigButton"))
            button.setProperty("role", "bigButton")
            button.setDefaultAction(self.action(action_id))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space must stay Play/Pause
            # Ignored: at 1280 px the row may clip a label rather than widen the window.
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.big_buttons[action_id] = button
            buttons.addWidget(button, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        self.banner_area = BannerArea(self.banner)  # scrolls rather than squeeze the plots
        layout.addWidget(self.phase_strip)
        layout.addWidget(self.big_button_row)
        layout.addWidget(self.compare_bar)
        # Plots on top; below them one tab at a time (tensors, graph, code, backward(v),
        # lesson), all with the full centre width: a DAG and code lines are wide.
        self.centre_splitter = QSplitter(Qt.Orientation.Vertical)
        self.centre_splitter.setObjectName("centreSplitter")
        self.centre_splitter.addWidget(self.plots)
        # The message strip sits under the tabs and takes its room from them alone: nothing
        # above moves when a message comes or goes (ui/tabs_pane.py, t5 trial #9).
        self.tabs_pane = TabsPane(self.inspector, self.banner_area)
        self.centre_splitter.addWidget(self.tabs_pane)
        self.centre_splitter.setStretchFactor(0, 3)
        self.centre_splitter.setStretchFactor(1, 2)
        self._splitter_user_sized = False
        self.centre_splitter.splitterMoved.connect(self._on_centre_splitter_moved)
        self.inspector.currentChanged.connect(self._on_inspector_current_changed)
        layout.addWidget(self.centre_splitter, 1)
        self.setCentralWidget(central)
        self._on_app_font_changed()
        QGuiApplication.instance().fontChanged.connect(self._on_app_font_changed)

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.model_dock = self._dock("Model", "modelDock", PanelScroll(self.model_panel),
                                     Qt.DockWidgetArea.LeftDockWidgetArea)

    def _build_inspector(self) -> None:
        """The tabs under the plots: the tensor table first, then the inspector panels."""
        self.inspector.addTab(self.state_table, "Tensors")
        for title, module, cls in INSPECTOR_TABS:
            panel = load_inspector_panel(module, cls)
            self.inspector_panels[title] = panel
            self.inspector.addTab(_scrolled(panel) if title in SCROLLED_TABS else panel, title)
        self._wire_inspector_panels()

    def _wire_inspector_panels(self) -> None:
        """Connect what the panels ask of the window (each may be a fallback label)."""
        panels = self.inspector_panels
        export = getattr(panels.get("Code"), "export_requested", None)
        if export is not None:
            export.connect(self.export_script)
        if hasattr(panels.get("backward(v)"), "backward_handler"):
            panels["backward(v)"].backward_handler = (
                lambda gradient, retain: self.controller.run_or_raise("backward", gradient, retain))
        created = getattr(panels.get("Lesson"), "session_created", None)
        if created is not None:
            created.connect(self._on_lesson_panel_session_created)

    def _on_lesson_panel_session_created(self, session: Any) -> None:
        self.set_session(session)

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Training loop", self)
        toolbar.setObjectName("loopToolBar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for spec in LOOP_ACTIONS:
            toolbar.addAction(self.action(spec.id))
        # t5 #15: "Pause" is longer than "Play"; the buttons after it must not shift.
        steady_width(toolbar.widgetForAction(self.action("actionPlay")), ("&Play", "&Pause"))
        toolbar.addSeparator()
        # s2: the label and its combo in one item, so they go to the overflow (») together.
        speed_box = QWidget()
        speed_box.setObjectName("speedBox")
        speed_row = QHBoxLayout(speed_box)
        speed_row.setContentsMargins(0, 0, 0, 0)
        speed_row.addWidget(QLabel("speed"))
        self.speed_combo = QComboBox()
        self.speed_combo.setObjectName("speedCombo")
        self.speed_combo.setToolTip("Iterations per second while playing")
        for speed in SPEEDS:
            self.speed_combo.addItem("fast" if speed is None else f"{speed}/s", speed)
        self.speed_combo.currentIndexChanged.connect(self._on_speed_combo_changed)
        self.speed_combo.setCurrentIndex(self.speed_combo.findData(DEFAULT_SPEED))
        speed_row.addWidget(self.speed_combo)
        toolbar.addWidget(speed_box)
        toolbar.addSeparator()
        toolbar.addAction(self.action("actionCompare"))
        toolbar.addAction(self.action("actionAutoZeroGrad"))
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.toolbar = toolbar
        fit_toolbar(toolbar)  # s2: a "»" overflow button that grows with the zoom

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action_id in ("actionOpenSession", "actionSaveSession", "actionExportScript",
                          "actionOpenData"):
            file_menu.addAction(self.action(action_id))
        export_menu = file_menu.addMenu("E&xport")
        export_menu.setObjectName("exportMenu")
        for spec in EXPORT_ACTIONS:
            export_menu.addAction(self.action(spec.id))
        file_menu.addSeparator()
        file_menu.addAction(self.action("actionOpenLesson"))
        self._add_recent_menus(file_menu)  # H5
        file_menu.addSeparator()
        file_menu.addAction(self.action("actionQuit"))
        loop_menu = bar.addMenu("&Loop")
        for spec in LOOP_ACTIONS:
            loop_menu.addAction(self.action(spec.id))
        loop_menu.addSeparator()
        for action_id in ("actionAutoZeroGrad", "actionCompare", "actionApply"):
            loop_menu.addAction(self.action(action_id))
        loop_menu.addSeparator()
        for action_id in ("actionNextNode", "actionPreviousNode"):
            loop_menu.addAction(self.action(action_id))
        loop_menu.addSeparator()  # H5: auto-run speed on keys
        for action_id in ("actionFaster", "actionSlower"):
            loop_menu.addAction(self.action(action_id))
        view_menu = self.view_menu = bar.addMenu("&View")
        for action_id in ("actionZoomIn", "actionZoomOut", "actionZoomReset"):
            view_menu.addAction(self.action(action_id))
        view_menu.addSeparator()
        view_menu.addAction(self.action("actionPresentation"))
        view_menu.addAction(self.action("actionResetLayout"))
        view_menu.addSeparator()  # H5: the model dock's toggle goes here once built (_build)
        view_menu.addAction(self.action("actionFocusModelPanel"))
        view_menu.addSeparator()
        for action_id in ("actionShowTensors", "actionShowGraph", "actionShowCode",
                          "actionShowVjp", "actionShowLesson", "actionShowLandscape",
                          "actionShowData"):
            view_menu.addAction(self.action(action_id))
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.action("actionShortcuts"))
        self._build_edit_menu()  # after File (ui/window_undo.py)

    def _connect_controller(self) -> None:
        c = self.controller
        c.session_changed.connect(self._on_controller_session_changed)
        c.twin_changed.connect(self._on_controller_twin_changed)
        self.compare_bar.setting_changed.connect(self._on_compare_bar_setting_changed)
        c.failed.connect(self._on_controller_failed)
        c.info.connect(self.banner.show_info)
        c.succeeded.connect(self.banner.clear_stale)  # t5 #9: notes go at the next press
        c.playing_changed.connect(self._on_controller_playing_changed)
        # s4: the compare labels follow a mid-run lr / momentum change and the A key.
        self.compare_watch = LabelWatch(self)
        self.compare_watch.changed.connect(self._on_compare_watch_changed)
        self.action("actionAutoZeroGrad").toggled.connect(self.compare_watch.schedule)

    # -- sessions ------------------------------------------------------------
    @property
    def session(self) -> Any:
        """The live session (replaced on Apply or when a preset is chosen)."""
        return self.controller.session

    def set_session(self, session: Any) -> None:
        """Show ``session`` (opened, restored or a lesson's); None: PyTorch is still loading.

        A session file or a lesson carries no backward(v): its Backward is the plain
        ``out.backward()``, whatever v the model before it used (Undo brings that back).
        """
        if session is not None:
            config = {k: getattr(session.config, k) for k in session.config.__dataclass_fields__}
            self.model_panel.load_config(config)
        self.controller.set_session(session)  # Undo keeps the replaced session's v ...
        self.controller.gradient, self.controller.retain_graph = None, False  # ... not this one's
        vjp = self.inspector_panels.get("backward(v)")
        if hasattr(vjp, "set_default_v"):
            vjp.set_default_v(None)

    def load_default_session(self) -> None:
        """Build the start-up model (the first import of torch happens here)."""
        self.banner.show_info("Loading PyTorch…")
        self._apply_preset(default_preset())

    def _apply_preset(self, preset: Preset) -> None:
        self.model_panel.load_config(preset.config, gradient=preset.gradient,
                                     retain_graph=preset.retain_graph)
        self.apply_model()

    def _on_controller_session_changed(self, session: Any) -> None:
        self.run_file.follow(session)  # H5: a new run, nothing unsaved yet
        self.banner.clear_error()  # H5: an error about the previous model no longer holds
        self.banner.clear_note(COMPARE_NOTE)  # s8: a new run, not the restart it told of
        loaded = session is not None
        vjp = self.inspector_panels.get("backward(v)")
        if hasattr(vjp, "set_default_v"):  # the v this session's Backward uses (Undo: its own)
            vjp.set_default_v(self.controller.gradient)
        for spec in LOOP_ACTIONS:
            self.action(spec.id).setEnabled(loaded)
        self._show_in_views(session)
        if loaded:
            status = self.statusBar()
            words = (f"params: {', '.join(session.param_names)}   output: "
                     f"{getattr(session, 'output_name', '?')}")
            # A long param name must not run off the window (u1 #19): elided, whole in the tooltip.
            status.showMessage(status.fontMetrics().elidedText(
                words, Qt.TextElideMode.ElideMiddle, max(40, self.width() - 24)))
            status.setToolTip(words)
            if self.banner.text.endswith("Loading PyTorch…"):
                self.banner.clear()
        else:
            self.banner.show_info("Loading PyTorch…")

    def _show_in_views(self, session: Any) -> None:
        for view in (self.phase_strip, self.plots, self.state_table, self.model_panel.optimizer_block,
                     *self.inspector_panels.values()):
            setter = getattr(view, "set_session", None)
            if setter is not None:
                self._safely(setter, session)

    # -- action handlers (named in ui/actions.py) ---------------------------------
    def forward(self) -> None:
        self.controller.run("forward")

    def backward(self) -> None:
        self.controller.run("backward")

    def step(self) -> None:
        self.controller.run("step")

    def zero_grad(self) -> None:
        self.controller.run("zero_grad")

    def iterate(self) -> None:
        self.controller.run("iterate")

    def reset(self) -> None:
        self.controller.run("reset")

    def set_playing(self, on: bool) -> None:
        if on:
            self.controller.play()
        else:
            self.controller.pause()

    def set_auto_zero_grad(self, on: bool) -> None:
        self.controller.set_auto_zero_grad(on)

    def set_compare(self, on: bool) -> None:
        self._safely(self.controller.set_compare, on)

    def apply_model(self) -> None:
        """Build a new session from the model panel; on error keep the running one."""
        try:
            config = self.model_panel.config()
        except FieldError as exc:
            self._on_controller_failed(exc)
            return
        if self.controller.apply(config):
            self.controller.gradient = self.model_panel.gradient()
            self.controller.retain_graph = self.model_panel.retain_graph()
            self.model_panel.clear_errors()
            vjp = self.inspector_panels.get("backward(v)")
            if hasattr(vjp, "set_default_v"):
                vjp.set_default_v(self.controller.gradient)
            self._note_nonfinite_start()

    def _note_nonfinite_start(self) -> None:
        """Say so when a param was typed as nan or inf (or beyond float32, like 1e400):
        torch keeps it, and what follows is not the lr's fault (u1 trial)."""
        broken = getattr(self.session, "nonfinite_params", list)()
        if broken:
            self.banner.show_info(
                f"{', '.join(broken)} starts with inf or nan, as typed (a number beyond "
                "float32's ±3.4e38 becomes inf): every result computed from it is inf or nan.")

    def zoom_in(self) -> None:
        theme.apply_zoom(theme.current_zoom() * theme.ZOOM_STEP)

    def zoom_out(self) -> None:
        theme.apply_zoom(theme.current_zoom() / theme.ZOOM_STEP)

    def zoom_reset(self) -> None:
        theme.apply_zoom(theme.DEFAULT_ZOOM)

    def set_presentation(self, on: bool) -> None:
        """F11: presentation mode on or off (Esc also leaves it)."""
        self.presentation.set_active(on)

    def show_shortcuts(self) -> None:
        """A non-modal table of keys, commands and the PyTorch they run."""
        from ui.lesson_view import LESSON_KEY_ROWS  # H5: keys beyond the action table
        from ui.state_table import TABLE_KEY_ROWS

        # t4: from the start-up shell too (Help works while PyTorch loads): no dock yet.
        toggle = (action_rows([self.model_dock.toggleViewAction()]) if hasattr(self, "model_dock")
                  else [(TOGGLE_MODEL_PANEL_KEY, "Model panel", "show or hide the model panel")])
        extra = [*toggle, *TABLE_KEY_ROWS, *LESSON_KEY_ROWS]
        shortcuts_dialog(self, extra).show()

    # -- slots ---------------------------------------------------------------
    def _on_controller_failed(self, exc: BaseException) -> None:
        self.banner.show_error(exc)
        self.model_panel.show_error(exc)

    def _on_controller_playing_changed(self, playing: bool) -> None:
        play = self.action("actionPlay")
        play.setChecked(playing)
        play.setText("&Pause" if playing else "&Play")
        play.setIcon(theme.icon("pause" if playing else "play"))

    def _on_controller_twin_changed(self, twin: Any) -> None:
        """Every view with a ``set_twin(twin, label)`` shows the twin; the bar says what differs."""
        label = self._twin_label_shown = self.controller.twin_label()
        if twin is None:
            self.banner.clear_note(COMPARE_NOTE)  # s8: the note goes with compare
        for view in (self.plots, self.state_table, *self.inspector_panels.values()):
            setter = getattr(view, "set_twin", None)
            if setter is not None:
                self._safely(setter, twin, label)
        self._show_compare_settings(twin)
        self.compare_bar.setVisible(self.action("actionCompare").isChecked())
        self.compare_watch.follow(self.controller.session, twin)

    def _show_compare_settings(self, twin: Any) -> None:
        main, twin_now = self.controller.run_settings()
        self.compare_bar.set_config(main, self.controller.compare_setting,
                                    twin_now if twin is not None else None)

    def _on_compare_watch_changed(self) -> None:
        """A run's settings changed mid-run: the bar, legends and table say them as they are."""
        twin = self.controller.twin
        if twin is None:
            return
        self._show_compare_settings(twin)
        label = self.controller.twin_label()
        if label != self._twin_label_shown:
            self._twin_label_shown = label
            for view in (self.plots, self.state_table, *self.inspector_panels.values()):
                if hasattr(view, "set_twin_label"):
                    self._safely(view.set_twin_label, label)

    def _on_compare_bar_setting_changed(self, setting: Any) -> None:
        self._safely(self.controller.set_compare_setting, setting)

    def _on_speed_combo_changed(self, index: int) -> None:
        self.controller.set_speed(self.speed_combo.itemData(index))

    def _on_state_table_requires_grad(self, name: str, flag: bool) -> None:
        self.controller.run("set_requires_grad", name, flag)

    def _on_model_panel_rechecked(self, exc: BaseException | None) -> None:
        """H5: the banner follows the model panel's re-check of an edited error."""
        if exc is None:
            self.banner.clear_error()
        else:
            self.banner.show_error(exc)

    def _on_model_panel_preset_chosen(self, preset: Preset) -> None:
        self._safely(self._apply_preset, preset)

    def _on_centre_splitter_moved(self, _pos: int, _index: int) -> None:
        self._splitter_user_sized = True  # from now on the user's split stands

    def _on_inspector_current_changed(self, index: int) -> None:
        if hasattr(self, "layout_keeper"):
            self.layout_keeper.apply()  # the Lesson tab asks for more room than the others
        if not self._splitter_user_sized:
            self._share_centre(TAB_SHARE.get(self.inspector.tabText(index), 0.42))

    def _share_centre(self, share: float) -> None:
        total = sum(self.centre_splitter.sizes())
        if total > 0:
            below = max(220, int(total * share))
            if self.inspector.tabText(self.inspector.currentIndex()) in ROOMY_TABS:
                # H5: the lesson pane gets >= 40 % of the window's height (a projected
                # lesson is read from the back), leaving the plots at least PLOTS_MIN.
                below = max(below, min(total - PLOTS_MIN, int(self.height() * LESSON_WINDOW_SHARE)))
            self.centre_splitter.setSizes([total - below, below])

    def _on_app_font_changed(self, _font: object = None) -> None:
        for button in getattr(self, "big_buttons", {}).values():
            button.setFont(theme.scaled_font(1.1, bold=True))

    def _safely(self, function: Any, *args: Any) -> None:
        """Call ``function``; an unexpected exception goes to the banner, not to an abort."""
        try:
            function(*args)
        except Exception as exc:  # noqa: BLE001
            self.banner.show_error(exc)

    # -- settings and closing --------------------------------------------------
    def _restore_settings(self) -> None:
        self._dock_sizes_pending = False
        self._check_restored = False
        self._default_state = self.saveState()  # View → Reset layout comes back to it
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            state = settings.value("window/state")
            centre = settings.value("window/centre")
            if isinstance(centre, QByteArray):
                self.centre_splitter.restoreState(centre)
            if isinstance(state, QByteArray) and self.restoreState(state):
                self._check_restored = True  # judged once shown, with real sizes
                return
        else:
            self._fit_to_screen()
        self._dock_sizes_pending = True

    def _fit_to_screen(self) -> None:
        """First run: most of the screen (a projector is rarely larger than 1920x1080)."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 800)
            return
        area = screen.availableGeometry()
        width = max(1024, min(int(area.width() * 0.96), 1920))
        height = max(700, min(int(area.height() * 0.94), 1200))
        # s2: the frame (title bar, borders) must fit too, once the window manager has framed it.
        extra_w = self.frameGeometry().width() - self.width()
        extra_h = self.frameGeometry().height() - self.height()
        width, height = min(width, area.width() - extra_w), min(height, area.height() - extra_h)
        if hasattr(self, "layout_keeper"):
            self.layout_keeper.resize_window(width, height)
        else:  # the start-up shell (ui/startup.py): there is no layout to budget yet
            self.resize(width, height)
        self._fitted_size = self.size()
        self.move(area.x() + (area.width() - self.width()) // 2,
                  area.y() + (area.height() - self.height()) // 2)

    def reset_layout(self) -> None:
        """View → Reset layout: forget the remembered layout; the first-run layout again."""
        if self.presentation.active:
            self.presentation.leave()
        forget_layout()
        self.restoreState(self._default_state)
        self.model_dock.setFloating(False)
        self.model_dock.show()
        self.setWindowState(Qt.WindowState.WindowNoState)
        self._fit_to_screen()
        self._splitter_user_sized = False
        self._dock_sizes_pending = True
        self.showEvent(QShowEvent())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """On the first show without saved state, give the docks sensible widths."""
        super().showEvent(event)
        # s2: once framed (borders known), the first-run size fits the whole frame on screen;
        # deferred: the frame arrives after the show. A size set since then stands.
        fitted = getattr(self, "_fitted_size", None)
        if fitted is not None:
            QTimer.singleShot(0, self, lambda: self.size() == fitted and keep_on_screen(self))
        if self._check_restored:
            self._check_restored = False
            if not layout_is_sound(self):
                self.reset_layout()  # a squeezed or off-screen layout is not restored
                return
        if self._dock_sizes_pending:
            self._dock_sizes_pending = False
            # s2: 30 % of the window (307 px at 1024), never below what the panel needs.
            side = min(440, max(300, int(self.width() * 0.3),
                                self.model_dock.minimumSizeHint().width()))
            self.resizeDocks([self.model_dock], [side], Qt.Orientation.Horizontal)
            self._share_centre(TAB_SHARE.get(self.inspector.tabText(self.inspector.currentIndex()), 0.42))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Ask about an unsaved run; then stop auto-run, detach the views, remember the layout."""
        if not self.may_close(event):  # H5: Save / Discard / Cancel
            return
        if self.presentation.active:
            self.presentation.leave()  # remember the classroom layout, not the full screen
        self.layout_keeper.dock_room.release()  # a panel that gave way for room is not closed
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/centre", self.centre_splitter.saveState())
        self.controller.shutdown()
        self._show_in_views(None)
        self.plots.set_twin(None)
        recovery = getattr(self, "recovery", None)
        if recovery is not None:  # a clean exit: no autosaved run to offer next time
            recovery.close()
        super().closeEvent(event)

