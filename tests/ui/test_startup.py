"""The staged start-up (ui/startup.py): a light shell paints first, the window is built after.

What reaches a real X screen first, and when, is measured on Xvfb by
``test_startup_paint.py``; these tests check the staging itself: nothing heavy
on the path to the first paint, and a staged window ending up the same as one
built at once (which is what every other test uses).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDockWidget

from tests.ui.conftest import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def staged(qtbot: Any, qapp: QApplication) -> Iterator[Any]:
    """A window as ``ui.app.main`` opens it: the loading shell shown, its build not started."""
    from ui import theme
    from ui.startup import open_window
    from ui.window_layout import forget_layout

    qapp.setStyleSheet(theme.style_sheet())
    forget_layout()  # a first run's layout, not one an earlier test left in the settings
    window = open_window()
    qtbot.addWidget(window, before_close_func=_finish_or_abandoned)
    qtbot.waitExposed(window)
    yield window
    if not getattr(window.build, "abandoned", False):  # a test may have quit the shell
        _finish_or_abandoned(window)
        window.controller.pause()
    window.close()


def _finish_or_abandoned(window: Any) -> None:
    """Build the rest (unless the shell was closed) and never ask "save the run?"."""
    window.build.finish()
    if not getattr(window.build, "abandoned", False):
        window.run_file.discard()


def _action_names(window: Any) -> list[str]:
    return sorted(a.objectName() for a in window.findChildren(QAction) if a.objectName())


def test_nothing_heavy_is_imported_before_the_shell_is_shown(tmp_path: Path) -> None:
    # A fresh interpreter, as at launch: what ui.app and the shown shell have imported.
    script = (
        "import sys\n"
        "import ui.app\n"
        "app = ui.app.make_application([])\n"
        "from ui.startup import open_window\n"
        "window = open_window()\n"
        "app.processEvents()\n"
        "heavy = sorted(m for m in ('numpy', 'pyqtgraph', 'torch', 'playground.session',\n"
        "               'ui.plots', 'ui.plot_style', 'ui.graph_view', 'ui.lesson_view')\n"
        "               if m in sys.modules)\n"
        "print((window.isVisible(), window.centralWidget().objectName(),\n"
        "       window.windowTitle(), window.session, heavy))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path),
           "HOME": str(tmp_path), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, env=env, timeout=120, check=True)
    shown, central, title, session, heavy = ast.literal_eval(out.stdout.strip().splitlines()[-1])
    assert (shown, central, title, session) == (
        True, "startupShell", "Training Loop Playground", None)
    assert heavy == [], f"imported before the first paint: {heavy}"


def test_a_staged_build_ends_as_the_window_built_at_once(staged: Any, make_window: Any,
                                                         qtbot: Any) -> None:
    from ui.startup import heavy_imports

    assert not staged.build.done and staged.build.shell is not None
    assert not hasattr(staged, "plots")  # still the shell
    with qtbot.waitSignal(staged.build.finished, timeout=60_000):
        staged.build.start(heavy_imports())
    assert staged.build.done and staged.build.shell is None
    assert staged.centralWidget().objectName() != "startupShell"
    at_once = make_window(None)
    assert at_once.build.done
    assert _action_names(staged) == _action_names(at_once)
    assert [staged.inspector.tabText(i) for i in range(staged.inspector.count())] == [
        at_once.inspector.tabText(i) for i in range(at_once.inspector.count())]
    assert [a.text() for a in staged.menuBar().actions()] == [
        a.text() for a in at_once.menuBar().actions()]
    # What the first show does for a window built at once (dock widths) happened at the end.
    dock = staged.findChild(QDockWidget, "modelDock")
    qtbot.waitUntil(dock.isVisible)  # the main window lays out its new docks in a posted event
    # Widths within the frame's few pixels (a shown shell knows its frame, a hidden window not),
    # and never below what the panel needs (s2: the dock is 30 % of the window, >= 300 px where
    # the centre leaves room; a test screen of 800 px leaves less).
    assert abs(staged.width() - at_once.width()) <= 8
    assert abs(dock.width() - at_once.model_dock.width()) <= 8
    assert dock.width() >= dock.minimumSizeHint().width()
    assert staged.banner.text == "ℹ Loading PyTorch…"
    # The built window runs a model like any other: the numbers come from plain torch.
    import torch

    from playground.session import Session

    staged.set_session(Session(**DEFAULT_MODEL))
    staged.action("actionIterate").trigger()
    w = torch.ones(3, requires_grad=True)
    (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    torch.optim.SGD([w], lr=0.1).step()
    assert staged.session.value("w") == w.tolist()


def test_finish_completes_a_staged_build_half_way(staged: Any, qtbot: Any) -> None:
    staged.build.start(("numpy",))  # one import, then the steps: stopped after a couple
    qtbot.waitUntil(lambda: hasattr(staged, "plots"), timeout=60_000)
    assert not staged.build.done
    with qtbot.waitSignal(staged.build.finished, timeout=1000):
        staged.build.finish()  # at once, not between paints
    assert staged.build.done and hasattr(staged, "layout_keeper")
    staged.build.finish()  # a second call does nothing


def test_closing_the_shell_closes_it_at_once_without_building_the_rest(staged: Any) -> None:
    from PySide6.QtCore import QSettings

    assert not staged.build.done
    staged.close()
    assert not staged.isVisible()
    # Not built for nothing (a second of imports and panels), the steps never run again ...
    assert staged.build.abandoned and not hasattr(staged, "plots")
    staged.build.finish()
    assert not hasattr(staged, "plots")
    # ... and the built window's closeEvent did not save a layout there was none of.
    assert QSettings().value("window/state") is None


def test_loading_text_goes_to_the_shell_then_to_the_banner(staged: Any) -> None:
    from ui.startup import show_loading

    show_loading(staged, "Loading PyTorch… 2 s")
    assert staged.build.shell.status.text() == "Loading PyTorch… 2 s"
    staged.build.finish()
    show_loading(staged, "Loading PyTorch… 3 s")
    assert staged.banner.text == "ℹ Loading PyTorch… 3 s"


def test_the_app_start_up_builds_the_window_and_loads_the_model(staged: Any, qtbot: Any) -> None:
    # ui.app's loader with a staged window. Torch is imported already in this process, so the
    # loader usually finishes before the build: the build is then finished at once.
    from ui.app import load_in_background

    staged.loader = load_in_background(staged)
    qtbot.waitUntil(lambda: staged.session is not None, timeout=60_000)
    assert staged.build.done
    assert list(staged.session.param_names) == ["w"]
    assert staged.banner.text == ""


def test_a_staged_window_restores_the_saved_layout_as_one_built_at_once(
        make_window: Any, qtbot: Any, qapp: QApplication) -> None:
    from ui.main_window import MainWindow
    from ui.startup import open_window

    first = make_window(None)
    first.resize(760, 700)
    first.resizeDocks([first.model_dock], [300], Qt.Orientation.Horizontal)
    qtbot.wait(50)
    first.close()  # remembers geometry, dock and splitter in (the tests' own) QSettings
    staged = open_window()
    qtbot.addWidget(staged, before_close_func=_finish_or_abandoned)
    qtbot.waitExposed(staged)
    staged.build.finish()
    at_once = MainWindow()
    qtbot.addWidget(at_once, before_close_func=lambda w: w.run_file.discard())
    at_once.show()
    qtbot.waitExposed(at_once)
    qtbot.wait(50)
    # The saved layout was kept (not judged on a half-laid-out window and reset) ...
    assert staged.size() == at_once.size() == first.size()
    # ... and restored exactly as in a window built before it was shown.
    assert staged.model_dock.width() == at_once.model_dock.width()
    # (The split may differ by a row's spacing: which optional rows fit is budgeted later.)
    for mine, theirs in zip(staged.centre_splitter.sizes(), at_once.centre_splitter.sizes()):
        assert abs(mine - theirs) <= 4


@pytest.mark.parametrize(("text", "seconds"), [
    ("", 0.0), ("2.5", 2.5), ("-3", 0.0), ("nan", 0.0), ("soon", 0.0), ("1e9", 60.0)])
def test_a_test_can_hold_the_torch_loader_for_a_bounded_time(
        monkeypatch: pytest.MonkeyPatch, text: str, seconds: float) -> None:
    from ui import app

    monkeypatch.setenv("PLAYGROUND_TORCH_HOLD_S", text)
    assert app.torch_hold_s() == seconds
