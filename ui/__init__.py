"""The Qt layer of Training Loop Playground (PySide6 + pyqtgraph; no torch maths).

Importing ``ui`` does not import torch: the window paints first and the engine
loads when the first session is built.
"""

from ui.main_window import MainWindow

__all__ = ["MainWindow"]
