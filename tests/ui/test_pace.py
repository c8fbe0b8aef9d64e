"""While auto-run plays fast the window works less (ui/pace.py); when it stops, all is exact again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import torch
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.controller import FrameThrottle
from ui.pace import FRAME_MS, ITERATE_SHARE, SLOW_MS, Pace, pace
from ui.state_table import COLUMNS


class _Owner:
    """Stands for a controller playing (the pace only keeps a weak reference to it)."""


@pytest.fixture
def player() -> Iterator[_Owner]:
    owner = _Owner()
    yield owner
    pace.set_playing(owner, False, None)


def _curve_lines(window: Any) -> list[Any]:
    return [c for key in ("weights", "grads", "output") for c in window.plots.curves(key)
            if c.name() and c.name() != "zero_grad" and c.opts["pen"] is not None
            and not c.name().startswith("…")]


def test_busy_only_above_reading_speed_and_until_the_player_stops(player: _Owner) -> None:
    assert not pace.busy
    pace.set_playing(player, True, 5)
    assert not pace.busy  # 5 iterations a second: every one is read
    pace.set_playing(player, True, 60)
    assert pace.busy
    pace.set_playing(player, True, None)
    assert pace.busy
    pace.set_playing(player, False, None)
    assert not pace.busy


def test_a_player_that_is_gone_no_longer_counts() -> None:
    own = Pace()
    owner = _Owner()
    own.set_playing(owner, True, None)
    assert own.busy
    del owner
    assert not own.busy


def test_text_views_wait_longer_while_busy_and_refresh_at_once_when_it_stops(
        qtbot: Any, player: _Owner) -> None:
    calls: list[str] = []
    text = FrameThrottle(lambda: calls.append("text"))
    plots = FrameThrottle(lambda: calls.append("plots"), every_frame=True)
    pace.set_playing(player, True, None)
    for throttle in (text, plots):
        throttle._fire()  # a refresh just happened: the next one waits
        throttle.mark()
    calls.clear()
    assert text._timer.interval() > FRAME_MS  # ~SLOW_MS: about 5 refreshes a second
    assert text._timer.interval() <= SLOW_MS
    assert plots._timer.interval() <= FRAME_MS  # the plots keep their frame rate
    pace.set_playing(player, False, None)
    assert text._timer.interval() == 0  # what is shown when the class looks is exact
    qtbot.waitUntil(lambda: "text" in calls)
    plots.stop()


def test_auto_run_iterates_until_the_frame_is_due_and_always_a_share_of_one() -> None:
    own = Pace()
    assert own.frame_deadline(10.0, 0.025) == pytest.approx(10.025)  # no plots: the budget
    own.last_frame, own.frame_due = 10.0, 10.0 + FRAME_MS / 1000
    assert own.frame_deadline(10.001, 0.025) == pytest.approx(10.0 + FRAME_MS / 1000)
    # A slow frame (28 ms): still a share of a frame to iterate.
    assert own.frame_deadline(10.028, 0.025) == pytest.approx(10.028 + ITERATE_SHARE * FRAME_MS / 1000)
    own.frame_drawn()
    assert own.frame_due is None


def test_auto_run_draws_a_due_frame_itself(qtbot: Any) -> None:
    calls: list[str] = []
    plots = FrameThrottle(lambda: calls.append("frame"), every_frame=True)
    plots._fire()
    plots.mark()  # due in a frame
    calls.clear()
    pace.draw_if_due()
    assert not calls  # not yet due
    pace.frame_due = 0.0  # as if a frame's time had passed
    pace.draw_if_due()
    assert calls == ["frame"] and not plots._timer.isActive()
    plots.stop()


def test_thin_curves_without_markers_while_busy_full_style_after(
        window: Any, qtbot: Any, player: _Owner) -> None:
    for _ in range(3):
        window.action("actionIterate").trigger()
    qtbot.waitUntil(lambda: all(c.opts["symbol"] is not None for c in _curve_lines(window)))
    pace.set_playing(player, True, None)
    window.plots.redraw()
    lines = _curve_lines(window)
    assert len(lines) == 7  # w[0..2] values and grads, the output
    assert all(c.opts["pen"].width() == 1 and c.opts["symbol"] is None for c in lines)
    qtbot.waitUntil(lambda: all(not len(p.getPlotItem().head_markers.scatter.data)
                                for p in window.plots.plots.values()))
    pace.set_playing(player, False, None)
    assert all(c.opts["pen"].width() == theme.curve_width() >= 3 for c in lines)
    # A short run gets its dots and head markers back (the next frame, at once).
    qtbot.waitUntil(lambda: all(c.opts["symbol"] is not None for c in lines))
    qtbot.waitUntil(lambda: all(len(p.getPlotItem().head_markers.scatter.data)
                                for p in window.plots.plots.values()))


def _torch_w(iterations: int) -> torch.Tensor:
    """The default model's w after ``iterations`` of forward, backward, step (grads accumulate)."""
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.1)
    for _ in range(iterations):
        (w * x).sum().backward()
        opt.step()
    return w


def test_fast_play_then_pause_shows_the_exact_state_in_the_table(window: Any, qtbot: Any) -> None:
    window.speed_combo.setCurrentIndex(window.speed_combo.findData(None))
    window.action("actionPlay").trigger()
    assert pace.busy
    qtbot.waitUntil(lambda: len(window.session.history) >= 30, timeout=10000)
    window.action("actionPlay").trigger()
    assert not pace.busy
    iterations = len(window.session.history) // 3  # forward, backward, step each
    assert len(window.session.history) % 3 == 0
    live = _torch_w(iterations)
    expected = " ".join(r.strip() for r in str(live.detach())[7:-1].splitlines())
    cell = window.state_table.model().index(0, COLUMNS.index("value"))
    for _ in range(5):  # the refresh it skipped runs now, at the next turn of the event loop
        QApplication.processEvents()
    assert cell.data() == expected
    assert all(c.opts["pen"].width() == theme.curve_width() for c in _curve_lines(window))
