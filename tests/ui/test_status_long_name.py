"""A long param name never runs the status bar's message off the window (u1 trial #19, u1-77).

The message ("params: …   output: …") is elided to the window's width; its tooltip has it whole.
"""

from __future__ import annotations

from typing import Any

LONG = "w_" + "x" * 240


def test_status_message_fits_and_tooltip_has_it_whole(make_window: Any) -> None:
    window = make_window({"params": {LONG: "ones(4)"}, "inputs": {},
                          "forward": f"out = ({LONG} * 3).sum()", "lr": 0.1})
    status = window.statusBar()
    message = status.currentMessage()
    assert message.startswith("params: ") and message.endswith("output: out")
    assert status.fontMetrics().horizontalAdvance(message) <= window.width()
    assert status.toolTip() == f"params: {LONG}   output: out"
