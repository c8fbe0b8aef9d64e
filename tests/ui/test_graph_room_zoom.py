"""At 200 % on 1280x720 the Graph tab gets the Lesson tab's room (the model panel gives way)
and its heading and freed-graph note say less rather than elide (u1 trial #2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFontMetrics

from tests.ui._settle import settle
from tests.ui.test_lesson_room_zoom import _data_height, zoomed  # noqa: F401 - a fixture


def _one_line(label: Any) -> bool:
    return label.height() < 1.5 * QFontMetrics(label.font()).lineSpacing()


def test_at_200_percent_the_graph_tab_has_room_and_its_heading_says_less_never_cut(
        zoomed: Callable[[float], Any], qtbot: Any) -> None:
    from ui.graph_view import FREED_CAPTION, LEGEND

    window = zoomed(2.0)
    for name in ("actionForward", "actionBackward"):
        window.action(name).trigger()
    window.show_inspector("Graph")
    settle(qtbot)
    settle(qtbot)
    graph = window.inspector_panels["Graph"]
    assert window.model_dock.isHidden()  # the model panel gave way to the graph too
    for label, whole in ((graph.legend, LEGEND), (graph.caption, FREED_CAPTION)):
        assert label.isVisible()
        text = label.text()
        assert "…" not in text and text in label.wordings(), text
        assert QFontMetrics(label.font()).horizontalAdvance(text) <= label.contentsRect().width()
        assert _one_line(label), (text, label.height())
        assert label.toolTip().startswith(whole) or label is graph.caption
    assert "retain_graph=True" in graph.caption.text()
    # no half line of text: the idle hint shows whole lines or none
    text = graph.stepper.text
    if graph.step_scroll.height() > 0:
        assert graph.step_scroll.height() >= QFontMetrics(text.font()).lineSpacing()
    # the graph's boxes whole in height, and the plots keep their fifth
    view = graph.view
    tallest = max(item.sceneBoundingRect().height() for item in graph.node_items())
    assert view.viewport().height() >= tallest * view.transform().m11()
    for key, plot in window.plots.plots.items():
        assert _data_height(plot) >= window.height() / 5, key


def test_a_short_label_shows_the_longest_wording_that_fits_and_wraps_only_the_last(
        qtbot: Any) -> None:
    from tests.ui.conftest import show_widget
    from ui.short_label import ShortLabel

    wordings = ["gradient flows ←  (forward reads →)", "gradient flows ←", "grad ←"]
    label = show_widget(qtbot, ShortLabel(wordings), 800, 40)
    metrics = QFontMetrics(label.font())
    for text in wordings:
        label.resize(metrics.horizontalAdvance(text) + 4, 40)
        settle(qtbot)
        assert label.text() == text and not label.wordWrap()
        assert label.toolTip() == wordings[0] == label.full_text()
    label.resize(metrics.horizontalAdvance("grad") + 4, 80)  # even "grad ←" is too wide
    settle(qtbot)
    assert label.text() == "grad ←" and label.wordWrap()
