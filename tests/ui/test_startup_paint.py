"""The window paints at once on a real X display (Xvfb), before PyTorch has loaded.

Offscreen, every window "paints"; only a real X server shows whether the first
frame reaches the screen while torch is still importing. Xvfb is part of the
test set-up (tools/_env.sh installs it), so a machine without it fails here.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import startup_paint  # noqa: E402


def test_xvfb_is_installed() -> None:
    assert shutil.which("Xvfb"), "Xvfb is missing: tools/test installs the Debian package xvfb"


def test_the_first_paint_comes_before_torch_and_the_window_keeps_painting() -> None:
    with startup_paint.Xvfb() as screen:
        assert not screen.painted()  # the black root window: the check can see black
        run = startup_paint.launch_once(screen, bare=False)
    assert run.painted_before_torch, run
    # The loading shell reached the screen before pyqtgraph and the panels were built
    # (ui/startup.py); a window built before its first paint would show black until then.
    assert run.first_paint_s < run.built_s, run
    # "Loading PyTorch… n s" was redrawn while torch imported: the event loop kept turning.
    assert run.ticks_while_loading >= 2, run
    assert run.session_s >= run.torch_loaded_s
