"""Shared set-up for the Qt tests: offscreen platform, isolated settings, a real window.

Every window fixture stops auto-run and closes the window in its teardown, so
a failing test never leaves a timer firing into the next one.
"""

from __future__ import annotations

import os

# Before any Qt import: the tests must run without a display, and fail (not skip)
# if Qt cannot start.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator, Mapping  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

DEFAULT_MODEL: dict[str, Any] = {
    "params": {"w": "ones(3)"},
    "inputs": {"x": "[1.0, 2.0, 3.0]"},
    "forward": "out = (w * x).sum()",
    "lr": 0.1,
}
NOTEBOOK_MODEL: dict[str, Any] = {
    "params": {"weights": "ones(4)"},
    "inputs": {},
    "forward": "model_output = (weights * 3).sum()",
    "lr": 0.1,
    "update": "manual",
}


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> None:
    """QSettings write to a temporary folder, never to the user's real configuration."""
    qapp.setOrganizationName("TrainingLoopPlaygroundTests")
    qapp.setApplicationName("tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("qsettings")))


@pytest.fixture
def make_window(qtbot: Any, qapp: QApplication) -> Iterator[Callable[..., Any]]:
    """Factory: ``make_window(config | None)`` -> a shown MainWindow on a real Session."""
    from ui import MainWindow
    from ui import theme

    qapp.setStyleSheet(theme.style_sheet())  # a broken style sheet logs a Qt warning: fails
    windows: list[Any] = []

    def make(config: Mapping[str, Any] | None = DEFAULT_MODEL) -> Any:
        from playground.session import Session

        session = None if config is None else Session(**config)
        window = MainWindow(session=session)
        # pytest-qt closes the window before this fixture's teardown: never ask "save the run?"
        qtbot.addWidget(window, before_close_func=lambda w: w.run_file.discard())
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        # Stop timers first even if the test failed half-way.
        window.controller.pause()
        window.run_file.discard()  # never ask "save the run?" in a teardown
        window.close()


@pytest.fixture
def window(make_window: Callable[..., Any]) -> Any:
    """A shown MainWindow on the default weights × inputs model."""
    return make_window(DEFAULT_MODEL)


@pytest.fixture
def lesson_tab_window(make_window: Callable[..., Any], qtbot: Any) -> Iterator[Callable[[float], Any]]:
    """``lesson_tab_window(zoom)``: a window at 1280x720 with the Lesson tab open at that zoom."""
    from tests.ui._settle import settle
    from ui import theme

    def make(zoom: float) -> Any:
        theme.apply_zoom(zoom)
        window = make_window()
        window.show_inspector("Lesson")
        window.layout_keeper.resize_window(1280, 720)
        settle(qtbot)
        return window

    yield make
    theme.apply_zoom(theme.DEFAULT_ZOOM)


@pytest.fixture
def bare_model_panel(qtbot: Any) -> Any:
    """A shown ModelPanel alone, with its two QActions kept alive as long as it."""
    from PySide6.QtGui import QAction

    from ui.model_panel import ModelPanel

    auto = QAction("auto")
    auto.setCheckable(True)
    apply = QAction("apply")
    widget = ModelPanel(auto, apply)
    widget.actions_kept = (auto, apply)  # keep the QActions alive as long as the panel
    qtbot.addWidget(widget)
    widget.show()
    return widget


def show_widget(qtbot: Any, widget: Any, width: int, height: int) -> Any:
    """Register ``widget`` with qtbot (closed after the test), size it, show it, wait for it."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget
