"""Drive the real window into the README's states and photograph the (virtual) screen.

Run by ``tools/screenshot --readme`` on an Xvfb display; writes PNGs to the
folder given as the first argument (default docs/screenshots). Each shot is a
grab of the whole X screen, so it shows what a user would see.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtTest import QTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(ms: int = 400) -> None:
    QTest.qWait(ms)  # a script, not the app: letting Qt paint between steps is the point


def shoot(path: Path) -> None:
    wait(600)
    screen = QGuiApplication.primaryScreen()
    if not screen.grabWindow(0).save(str(path)):
        raise SystemExit(f"could not save {path}")
    print(f"saved {path}")


def press(window: object, action_id: str, times: int = 1) -> None:
    action = window.findChild(QAction, action_id)  # type: ignore[attr-defined]
    for _ in range(times):
        action.trigger()
        wait(120)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    # A first run's layout, whatever the user's saved one is.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from ui.app import make_application
    from ui.main_window import MainWindow
    from ui.presets import preset_named

    app = make_application(["playground"])
    window = MainWindow()
    window.show()
    wait(300)
    window.load_default_session()
    wait(300)

    # 1. Accumulation against zero_grad: the notebook model, compare on.
    window._apply_preset(preset_named("Notebook: (weights * 3).sum()"))
    press(window, "actionCompare")
    press(window, "actionIterate", 4)
    window.show_inspector("Code")
    window.model_dock.raise_()
    shoot(out / "main_window.png")

    # 2. The autograd graph of the BCE model after backward (freed).
    press(window, "actionCompare")
    window._apply_preset(preset_named("BCE with logits: z = x @ w + b"))
    press(window, "actionForward")
    window.show_inspector("Graph")
    shoot(out / "graph.png")
    press(window, "actionBackward")
    shoot(out / "graph_freed.png")

    # 3. A lesson in progress.
    window.show_inspector("Lesson")
    panel = window.inspector_panels["Lesson"]
    panel.lesson_combo.setCurrentIndex(panel.lesson_combo.findData("06_accumulation_manual_sgd"))
    panel.start()
    for _ in range(5):
        panel.next_step()
        wait(150)
    shoot(out / "lesson.png")

    # 4. backward(v) on the x ** 2 model.
    window._apply_preset(preset_named("x ** 2 with backward(v)"))
    press(window, "actionForward")
    window.show_inspector("backward(v)")
    shoot(out / "vjp.png")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
