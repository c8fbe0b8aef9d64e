"""The window paints at once on a real X display (Xvfb), before PyTorch has loaded.

Offscreen, every window "paints"; only a real X server shows whether the first
frame reaches the screen while torch is still importing. Xvfb is part of the
test set-up (tools/_env.sh installs it, and xdotool to press keys), so a
machine without them fails here. The first frame already has the menu bar; a
menu opens (its own popup window, seen in the X window list) and Quit exits
cleanly while PyTorch is still loading; on a dark desktop the first frame is dark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
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


# -- the shell's menus on a real display (ui/startup.py) -----------------------------------
#: The darkest a pixel of the menu titles' text is at most (0-255 mean of R, G, B) ...
TEXT = 100
#: ... and the most a painted menu's text and frame are (its greyed entries are lighter).
INK = 200


def _lightness(pixels: bytes) -> list[float]:
    return [(pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3 for i in range(0, len(pixels), 4)]


def _window(screen: startup_paint.Xvfb) -> tuple[int, int, int, int]:
    """The app's main window on the screen (x, y, width, height)."""
    assert screen.grabber is not None
    framed = [w[:4] for w in screen.grabber.windows() if not w[4]]
    assert len(framed) == 1, framed
    return framed[0]


def _wait(condition: object, app: startup_paint.App, what: str, limit: float = 120.0) -> None:
    """Poll ``condition()`` until true (a guard against a hang, not a timing assertion)."""
    start = time.time()
    while not condition():  # type: ignore[operator]
        app.check_running()
        assert time.time() - start < limit, f"{what}: not within {limit} s"
        time.sleep(startup_paint.POLL_S)


def _xdotool(screen: startup_paint.Xvfb, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": screen.display},
                   check=True, timeout=60, capture_output=True)


#: How long the menus test holds PyTorch's loading (ui/app.py): a fresh machine with a
#: warm disk cache imports torch in about a second, faster than a menu can be opened
#: and Quit pressed through xdotool (CI saw torch load before the Quit arrived).
HOLD_S = 45


def test_the_first_paint_has_the_menus_and_they_open_and_quit_while_torch_loads() -> None:
    assert shutil.which("xdotool"), "xdotool is needed to press keys on the virtual display"
    hold = {"PLAYGROUND_TORCH_HOLD_S": str(HOLD_S)}
    with startup_paint.Xvfb() as screen, startup_paint.App(screen, extra_env=hold) as app:
        assert screen.grabber is not None
        _wait(screen.painted, app, "a first paint")
        first = screen.grabber.pixels()
        x, y, width, _height = _window(screen)

        def strip(top: int) -> list[float]:  # 18 rows of the window, from ``top``, in ``first``
            line = screen.grabber.width  # type: ignore[union-attr]
            rows = [first[4 * (line * row + x):4 * (line * row + x + width)]
                    for row in range(y + top, y + top + 18)]
            return _lightness(b"".join(rows))

        # In the very first frame: the menu titles (dark text on the bar) over a plain shell.
        bar, below = strip(2), strip(60)
        assert sum(v < TEXT for v in bar) > 100, "no menu titles in the first paint"
        assert len(set(below)) == 1, "the shell under the menu bar is not plain background"

        # Alt+F opens the File menu (a popup window of its own), painted, before torch has loaded.
        _xdotool(screen, "search", "--sync", "--name", "^Training Loop Playground$",
                 "windowfocus", "--sync", "key", "alt+f")

        grabber = screen.grabber

        def menu_painted() -> bool:
            popups = [w[:4] for w in grabber.windows() if w[4]]
            return any(sum(v < INK for v in _lightness(grabber.pixels(*p))) > 200 for p in popups)

        _wait(menu_painted, app, "the File menu")
        menu_at = time.time()
        events = app.events()
        assert "torch" not in events or menu_at < events["torch"][0], events
        # Quit while PyTorch still loads: a clean exit, without waiting for the torch thread.
        _xdotool(screen, "key", "Escape", "key", "ctrl+q")
        quit_at = time.time()
        code = app.process.wait(timeout=120)
        assert code == 0 and "Traceback" not in app.stderr(), app.stderr()
        events = app.events()
        assert "quit" in events and "torch" not in events, "the app waited for PyTorch to quit"
        # Well inside the hold: had Quit waited for the loader, it would take HOLD_S and more.
        assert events["quit"][0] - quit_at < HOLD_S / 3, events


def test_on_a_dark_desktop_the_first_paint_is_dark(tmp_path: Path) -> None:
    # A dark KDE colour scheme (kdeglobals): Qt's KDE platform theme reports a dark desktop.
    (tmp_path / "kdeglobals").write_text(
        "[Colors:Window]\nBackgroundNormal=35,38,41\nForegroundNormal=239,240,241\n"
        "[Colors:View]\nBackgroundNormal=27,30,32\nForegroundNormal=239,240,241\n"
        "[Colors:Button]\nBackgroundNormal=49,54,59\nForegroundNormal=239,240,241\n"
        "[General]\nColorScheme=BreezeDark\n", encoding="utf-8")
    env = {"XDG_CONFIG_HOME": str(tmp_path), "XDG_CURRENT_DESKTOP": "KDE",
           "KDE_SESSION_VERSION": "5", "KDE_FULL_SESSION": "true"}
    from ui import theme

    expected = _bgr(theme.SCHEMES["dark"]["bg"])
    with startup_paint.Xvfb() as screen, startup_paint.App(screen, extra_env=env) as app:
        assert screen.grabber is not None
        _wait(screen.painted, app, "a first paint")
        x, y, width, height = _window(screen)
        shell = screen.grabber.pixels(x, y + height // 2, width, 1)  # a row across the shell
        pixels = [tuple(shell[i:i + 3]) for i in range(0, len(shell), 4)]
        assert pixels.count(expected) > 0.5 * len(pixels), pixels[:5]
        # The phases in the dark palette's colours (forward's blue: the light one is unreadable).
        whole = screen.grabber.pixels(x, y, width, height)
        colours = {tuple(whole[i:i + 3]) for i in range(0, len(whole), 4)}
        assert _bgr(theme.DARK_CURVE_COLOURS[0]) in colours
        assert _bgr(theme.PHASE_COLOURS["forward"]) not in colours


def _bgr(colour: str) -> tuple[int, ...]:
    """"#rrggbb" as X stores a pixel: blue, green, red."""
    return tuple(int(colour[i:i + 2], 16) for i in (5, 3, 1))
