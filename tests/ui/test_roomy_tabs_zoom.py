"""At 200 % on a 1280x720 screen the roomy tabs (Lesson, Graph, Landscape, Data, Code) stay usable.

Measured in a child process whose offscreen screen *is* 1280x720 (this
process's offscreen screen is 800x800), through the first run's sizing, with the
logistic regression model (it has data points, so the Data tab draws its plot), after a few
loop actions. With each roomy tab open:

- the tab's main content has a usable height (stated in ``USABLE``): the
  landscape's and the data plot's data areas (inside their axes), the lesson's
  text viewport, the graph's view. Before the budget let more rows give way they
  were 12, ~60, 36 and 50 px; the Code tab's whole lines of code (1½ before it was
  roomy), the latest press's highlighted lines among them;
- every tab label is whole: no tab reaches past the bar, no scroll arrows, no
  elision (the tabs get tighter padding first);
- the three main plots keep a data area of at least a fifth of the window's height;
- what gave way is still reachable: the timeline's words in its tooltip, the
  phase strip's code in its tooltip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui._probe import run_probe

#: Least height, in pixels, of each roomy tab's main content at 200 % on 1280x720.
#: The Code tab's figure is whole lines of code, not pixels.
USABLE = {"Landscape": 85, "Data": 85, "Lesson": 100, "Graph": 70, "Code": 5}

#: After the first run's start (:mod:`tests.ui._probe`): the logistic regression model, a few
#: loop actions, 200 %, then each roomy tab opened in turn and measured.
PROBE = r"""
from PySide6.QtWidgets import QToolButton
from ui.presets import presets

def data_height(plot):
    return plot.getPlotItem().getViewBox().sceneBoundingRect().height()

settle(6)
window.model_panel.preset_chosen.emit(
    next(p for p in presets() if p.name.startswith("Logistic regression")))
for name in ("actionForward", "actionBackward", "actionStep", "actionZeroGrad", "actionForward"):
    window.action(name).trigger()
theme.apply_zoom(2.0)
settle(6)
panels = window.inspector_panels
main = {
    "Landscape": lambda: data_height(panels["Landscape"].plot),
    "Data": lambda: data_height(panels["Data"].plot) if panels["Data"].plot.isVisible() else 0,
    "Lesson": lambda: panels["Lesson"].body_scroll.viewport().height(),
    "Graph": lambda: panels["Graph"].view.height() if panels["Graph"].view.isVisible() else 0,
    "Code": lambda: code_lines(panels["Code"].editor),
}

def code_lines(editor):
    # The part on screen: the tab's page scrolls, and a window too short cuts it.
    seen = editor.viewport().visibleRegion().boundingRect().height()
    return int(seen // editor.fontMetrics().lineSpacing())

def latest_seen(editor):
    # Every highlighted line (the latest press) lies whole inside the part on screen.
    view = editor.viewport().visibleRegion().boundingRect()
    rects = [editor.blockBoundingGeometry(s.cursor.block()).translated(
        editor.contentOffset()).toRect() for s in editor.extraSelections()]
    return bool(rects) and all(view.contains(r) for r in rects)
rows = []
bar = window.inspector.tabBar()
for name in main:
    window.inspector.setCurrentIndex(
        [window.inspector.tabText(i) for i in range(window.inspector.count())].index(name))
    settle(6)
    rows.append({
        "tab": name, "window": [window.width(), window.height()], "main": main[name](),
        "plots": {k: data_height(p) for k, p in window.plots.plots.items()},
        "bar": bar.width(), "inspector": window.inspector.width(),
        "tabs": [[bar.tabText(i), bar.tabRect(i).left(), bar.tabRect(i).right(),
                  bar.tabToolTip(i)] for i in range(bar.count())],
        "arrows": any(b.isVisible() for b in bar.findChildren(QToolButton)),
        "elide": window.inspector.elideMode().name,
        "timeline_words": window.plots.timeline.show_label,
        "timeline_tip": window.plots.timeline.label(),
        "code_shown": window.phase_strip.code_label.isVisible(),
        "strip_tip": window.phase_strip.toolTip(),
        "code": "\n".join(window.session.history[-1].code),
        "latest_seen": latest_seen(panels["Code"].editor) if name == "Code" else None,
    })
"""


def test_roomy_tabs_keep_a_usable_height_at_200_percent_on_1280x720(tmp_path: Path) -> None:
    rows = run_probe(PROBE, (1280, 720), tmp_path)
    assert [row["tab"] for row in rows] == list(USABLE)
    for row in rows:
        what = f"200 %, 1280x720, {row['tab']} tab"
        height = row["window"][1]
        assert height >= 650, f"{what}: the window is only {height} px high"
        assert row["main"] >= USABLE[row["tab"]], f"{what}: main content {row['main']:.0f}"
        if row["tab"] == "Code":
            assert row["latest_seen"], f"{what}: the latest press's lines are not in view"
        for key, plot in row["plots"].items():
            assert plot >= height / 5, f"{what}: {key} plot's data area {plot:.0f} px"
        assert row["bar"] <= row["inspector"] and not row["arrows"], f"{what}: the tabs scroll"
        assert row["elide"] == "ElideNone", f"{what}: tab labels elided"
        for text, left, right, tip in row["tabs"]:
            assert 0 <= left and right < row["bar"], f"{what}: tab {text!r} cut"
            assert tip == text, f"{what}: tab {text!r} has tooltip {tip!r}"
        # What gave way for the room is still there to read.
        if not row["timeline_words"]:
            assert row["timeline_tip"].startswith("action ")
        if not row["code_shown"]:
            assert row["strip_tip"] == row["code"] and row["code"]


def test_the_timeline_and_the_phase_strip_give_way_and_say_it_in_their_tooltips(
        make_window: Any, qtbot: Any) -> None:
    window = make_window()
    window.action("actionForward").trigger()
    timeline, strip = window.plots.timeline, window.phase_strip
    whole = timeline.sizeHint().height()
    timeline.set_show_label(False)
    assert timeline.sizeHint().height() == timeline.height_with_label(False) < whole
    assert whole - timeline.sizeHint().height() >= timeline.fontMetrics().height()
    timeline.set_show_label(True)
    assert timeline.sizeHint().height() == whole
    strip.set_max_code_lines(0)  # no event loop turn: the window's budget would undo it here
    assert strip.code_label.isHidden()
    assert strip.toolTip() == "\n".join(window.session.history[-1].code)
    assert strip.height_for_lines(0) < strip.height_for_lines(1)
    strip.set_max_code_lines(1)
    assert not strip.code_label.isHidden() and strip.toolTip() == ""
