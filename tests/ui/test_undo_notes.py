"""Undo takes back a note about the press it undid, and keeps one it gave itself (t5 trial #9).

On Xvfb, "step did nothing: every .grad is None" stayed up after Ctrl+Z had undone that
step, describing a press that was no longer in the run.
"""

from __future__ import annotations

from typing import Any


def trigger(window: Any, *action_ids: str) -> None:
    for action_id in action_ids:
        window.action(action_id).trigger()


def test_undoing_a_step_that_did_nothing_clears_its_note(window: Any) -> None:
    trigger(window, "actionForward", "actionStep")  # no backward yet: the step does nothing
    assert window.banner.kind == "info" and "step did nothing" in window.banner.text
    trigger(window, "actionUndo")
    s = window.session
    assert s.history[s.position].action == "forward"  # back to just after the forward
    assert window.banner.isHidden() and window.banner.note == ""


def test_redo_of_that_step_clears_a_stale_note_too(window: Any) -> None:
    trigger(window, "actionForward", "actionZeroGrad")  # zero_grad with no grads: a note
    assert "zero_grad did nothing" in window.banner.text
    trigger(window, "actionUndo", "actionRedo")
    s = window.session
    assert s.history[s.position].action == "zero_grad"
    assert window.banner.note == ""


def test_a_note_the_undo_gives_stays(window: Any) -> None:
    trigger(window, "actionForward", "actionStep")
    trigger(window, "actionCompare", "actionIterate")  # compare on, both runs restart
    assert window.controller.comparing
    trigger(window, "actionUndo")  # moving the main run in time ends Compare, and says so
    assert not window.controller.comparing
    assert window.banner.kind == "info" and "Compare is off" in window.banner.text
