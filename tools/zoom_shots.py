"""Zoom the real window from 100 % to 200 % on a virtual screen; measure it and photograph it.

Run it under Xvfb at the screen size to judge (the classroom projector is 1280x720)::

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python tools/zoom_shots.py OUT_DIR
    xvfb-run -a -s "-screen 0 1024x768x24" .venv/bin/python tools/zoom_shots.py OUT_DIR

It starts from a first run's layout (a temporary QSettings folder), loads the
default model, runs forward and backward, then presses View → Zoom out until
100 % and Zoom in (Ctrl+=) step by step up to 200 %. At each step it prints the
window's frame against the screen's available geometry and the minimum widths
that could push it (model dock, toolbar, centre), and whether the model dock
scrolls sideways. It saves ``zoom_<W>x<H>_<percent>.png`` (a grab of the whole
X screen, what a user would see) at 100 %, 150 % and 200 % (and the model dock
scrolled to its end at 200 %), and exits 1 when the
window left the screen at any step. Look at each PNG as a teacher projecting
to forty students would: nothing clipped, nothing off-screen.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's code, not the venv's copy

from PySide6.QtCore import QSettings  # noqa: E402 - after the sys.path fix on purpose
from PySide6.QtGui import QAction, QGuiApplication  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

#: Zoom steps (percent, rounded) at which a screenshot is saved.
SHOTS = (100, 150, 200)


def wait(ms: int) -> None:
    QTest.qWait(ms)  # a script: letting Qt lay out and paint between steps is the point


def press(window: object, action_id: str, pause: int = 1200) -> None:
    action = window.findChild(QAction, action_id)  # type: ignore[attr-defined]
    if action is None:
        raise SystemExit(f"no action {action_id}")
    action.trigger()
    wait(pause)


def measure(window: object) -> dict[str, object]:
    """The window's frame against the screen, and the minimum widths that could widen it."""
    from ui import theme

    w = window  # type: ignore[assignment]
    area = w.screen().availableGeometry()
    frame = w.frameGeometry()
    dock_scroll = w.model_dock.widget()
    return {
        "zoom": round(theme.current_zoom() * 100),
        "screen": f"{area.width()}x{area.height()}",
        "frame": f"{frame.width()}x{frame.height()}+{frame.x()}+{frame.y()}",
        "fits": area.contains(frame),
        "window_min": f"{w.minimumSizeHint().width()}x{w.minimumSizeHint().height()}",
        "dock_w": w.model_dock.width(),
        "dock_min": w.model_dock.minimumSizeHint().width(),
        "toolbar_min": w.toolbar.minimumSizeHint().width(),
        "centre_min": w.centralWidget().minimumSizeHint().width(),
        "dock_hscroll": dock_scroll.horizontalScrollBar().isVisible(),
        "overflow": sum(1 for a in w.toolbar.actions()
                        if w.toolbar.widgetForAction(a) is not None and not a.isSeparator()
                        and w.toolbar.widgetForAction(a).isHidden()),
    }


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "screenshots" / "zoom"
    out.mkdir(parents=True, exist_ok=True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application(["playground"])
    window = MainWindow()
    window.show()
    wait(4000)
    window.load_default_session()
    wait(3000)
    press(window, "actionForward", 500)
    press(window, "actionBackward", 500)
    size = window.screen().size()
    tag = f"{size.width()}x{size.height()}"
    from ui import theme

    while theme.current_zoom() > theme.MIN_ZOOM + 1e-6:
        press(window, "actionZoomOut")
    ok = True
    shot_taken: set[int] = set()
    while True:
        wait(1500)
        figures = measure(window)
        print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
        ok = ok and bool(figures["fits"]) and not figures["dock_hscroll"]
        percent = int(figures["zoom"])  # type: ignore[arg-type]
        near = min(SHOTS, key=lambda s: abs(s - percent))
        if abs(near - percent) <= 8 and near not in shot_taken:
            shot_taken.add(near)
            path = out / f"zoom_{tag}_{near}.png"
            QGuiApplication.primaryScreen().grabWindow(0).save(str(path))
            print(f"saved {path}", flush=True)
        if theme.current_zoom() >= theme.MAX_ZOOM - 1e-6:
            # The rest of the model dock at 200 %: scrolled to its end (it scrolls vertically only).
            bar = window.model_dock.widget().verticalScrollBar()
            bar.setValue(bar.maximum())
            wait(1500)
            path = out / f"zoom_{tag}_200_dock_end.png"
            QGuiApplication.primaryScreen().grabWindow(0).save(str(path))
            print(f"saved {path}", flush=True)
            break
        press(window, "actionZoomIn")
    theme.apply_zoom(theme.DEFAULT_ZOOM)
    window.run_file.discard()  # never ask "save the run?" from a script
    window.close()
    app.quit()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
