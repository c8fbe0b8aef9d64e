"""The Qt layer of Training Loop Playground (PySide6 + pyqtgraph; no torch maths).

Importing ``ui`` imports nothing heavy: ``ui.MainWindow`` is looked up on first
use, so the start-up shell (``ui/startup.py``) paints before pyqtgraph, numpy or
torch are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    # PEP 562: ``from ui import MainWindow`` imports the window module only when asked.
    if name == "MainWindow":
        from ui.main_window import MainWindow

        return MainWindow
    raise AttributeError(f"module 'ui' has no attribute {name!r}")
