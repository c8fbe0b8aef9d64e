"""Entry point: ``playground`` (see pyproject) or ``python -m ui.app``."""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.main_window import MainWindow

ORGANIZATION = "TrainingLoopPlayground"
APPLICATION = "Training Loop Playground"


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the names QSettings uses, the style sheet and the saved zoom."""
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setStyleSheet(theme.style_sheet())
    theme.apply_zoom(theme.current_zoom())
    return app


def main(argv: list[str] | None = None) -> int:
    """Show the window at once, then load PyTorch and the start-up model.

    ``import torch`` takes seconds; it happens in a zero-delay timer after the
    window is shown, so the first paint shows "Loading PyTorch…" instead of nothing.
    """
    app = make_application(argv)
    window = MainWindow()
    window.show()
    from ui.recovery import Recovery

    try:
        window.recovery = Recovery(window)  # autosave, and the offer to restore after a crash
    except OSError as exc:  # no writable data folder: the app still runs, without autosave
        window.banner.show_info(f"Autosave is off: {exc.strerror or exc}")

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # Last line of defence: an exception escaping a slot goes to the banner.
        sys.__excepthook__(kind, exc, tb)
        window.banner.show_error(exc)

    sys.excepthook = excepthook
    QTimer.singleShot(0, window.load_default_session)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
