"""A message coming or going moves nothing a user aims at (t5 trial #9).

On Xvfb a banner at the top pushed the whole centre 40-60 px down: a click aimed at
the backward(v) tab's v field landed on the text above it, and the typed text ran as
shortcuts. The strip now sits under the tabs and takes its room from them alone.
Also: a note ("step did nothing", "Compare is off") goes once the next press runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from playground.errors import PlaygroundError
from ui import theme
from tests.ui._settle import settle


@pytest.fixture
def zoom_guard() -> Iterator[None]:
    yield
    theme.apply_zoom(theme.DEFAULT_ZOOM)


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


def places(window: Any) -> dict[str, QRect]:
    """Where everything a user aims at is, in screen coordinates (hidden rows as empty)."""
    vjp = window.inspector_panels["backward(v)"]
    rows = {
        "phase strip": window.phase_strip, "big buttons": window.big_button_row,
        "tab bar": window.inspector.tabBar(), "v field": vjp.v_edit,
        "status bar": window.statusBar(), "model dock": window.model_dock,
    }
    found = {name: global_rect(w) if w.isVisible() else QRect() for name, w in rows.items()}
    for key, plot in window.plots.plots.items():
        found[f"{key} plot"] = global_rect(plot)
        view = plot.getPlotItem().getViewBox().sceneBoundingRect().toAlignedRect()
        found[f"{key} data"] = QRect(plot.mapToGlobal(view.topLeft()), view.size())
    return found


def long_error() -> PlaygroundError:
    return PlaygroundError(
        "line 2: the forward program refers to `wieghts`, which is neither a param nor an input",
        hint="Check the spelling against the Parameters and Inputs lists, then press Apply.")


@pytest.mark.parametrize("zoom", [1.0, 2.0], ids=["100%", "200%"])
def test_a_banner_coming_and_going_moves_nothing(
        make_window: Any, qtbot: Any, zoom_guard: None, zoom: float) -> None:
    theme.apply_zoom(zoom)
    window = make_window()
    window.layout_keeper.resize_window(1280, 720)
    window.inspector.setCurrentWidget(window.inspector.widget(
        [window.inspector.tabText(i) for i in range(window.inspector.count())].index("backward(v)")))
    window.action("actionForward").trigger()
    settle(qtbot)
    before = places(window)
    window.banner.show_error(long_error())
    settle(qtbot)
    assert window.banner.isVisible()
    shown = places(window)
    moved = {k: (before[k], shown[k]) for k in before if before[k] != shown[k]}
    assert not moved, f"the banner moved: {moved}"
    # It covers nothing: it lies under the tab bar and the plots, inside the window.
    strip = global_rect(window.banner_area)
    assert strip.height() >= window.banner.fontMetrics().lineSpacing()
    # (The tabs' content scrolls in a shorter viewport: only what is on screen counts.)
    vjp = window.inspector_panels["backward(v)"]
    for name, widget in (("tab bar", window.inspector.tabBar()), ("v field", vjp.v_edit),
                         *((f"{k} plot", p) for k, p in window.plots.plots.items())):
        seen = widget.visibleRegion().boundingRect()
        seen = QRect(widget.mapToGlobal(seen.topLeft()), seen.size())
        assert not strip.intersects(seen), f"the banner covers the {name}"
    assert global_rect(window.centralWidget()).contains(strip)
    for key, plot in window.plots.plots.items():
        assert shown[f"{key} data"].height() >= 720 / 5, f"{key} plot squeezed by the banner"
    window.banner.clear()
    settle(qtbot)
    assert places(window) == before, "the layout did not come back when the banner went"


def test_a_note_of_the_press_comes_and_goes_without_a_jump(window: Any, qtbot: Any) -> None:
    """The trial's sequence: a step that did nothing (a note), then Backward (the note goes)."""
    window.layout_keeper.resize_window(1280, 720)
    window.action("actionForward").trigger()  # two lines of code in the strip, as after a step
    settle(qtbot)
    before = places(window)
    window.action("actionStep").trigger()
    settle(qtbot)
    assert "step did nothing" in window.banner.text and window.banner.isVisible()
    assert places(window) == before


def test_a_note_goes_when_the_next_press_runs(window: Any) -> None:
    window.action("actionForward").trigger()
    window.action("actionStep").trigger()  # no backward yet: the step does nothing
    assert window.banner.kind == "info" and "step did nothing" in window.banner.text
    window.action("actionBackward").trigger()
    assert window.banner.isHidden() and window.banner.note == ""


def test_compare_is_off_goes_when_the_next_press_runs(window: Any) -> None:
    window.action("actionForward").trigger()
    window.action("actionCompare").trigger()
    window.action("actionIterate").trigger()
    window.action("actionUndo").trigger()  # undo moves the main run only: compare ends
    assert "Compare is off" in window.banner.text
    window.inspector.setCurrentIndex(2)  # a tab change is no press: the note stays
    assert "Compare is off" in window.banner.text
    window.action("actionForward").trigger()
    assert window.banner.isHidden()


def test_a_press_shows_its_own_note_after_clearing_the_old_one(window: Any) -> None:
    window.action("actionZeroGrad").trigger()  # no grads: "zero_grad did nothing"
    assert "zero_grad did nothing" in window.banner.text
    window.action("actionStep").trigger()
    assert "step did nothing" in window.banner.text and window.banner.isVisible()


def test_a_sticky_note_outlives_the_next_press(window: Any) -> None:
    window.banner.show_info("Autosave stopped: No space left on device", sticky=True)
    window.action("actionForward").trigger()
    assert window.banner.isVisible() and "Autosave stopped" in window.banner.text
