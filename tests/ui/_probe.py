"""Measure the real window in a child process whose offscreen screen has a given size.

This process's offscreen screen is 800x800; a check at 1280x720 or 1024x768 (the
classroom projectors) needs a screen of that size, so it runs in a child process
whose offscreen platform reads a screen configuration. The child starts as a first
run does: settings in a fresh temporary folder, the application, 100 % zoom, a
shown :class:`~ui.main_window.MainWindow` with the default session. The test's
``body`` runs after that (``window``, ``app``, ``theme``, ``settle(turns)``,
``json`` and ``sys`` are at hand) and fills a list ``rows``, which comes back as
JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PREAMBLE = r"""
import json, sys, tempfile
from PySide6.QtCore import QSettings
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
from PySide6.QtWidgets import QApplication
from ui.app import make_application
from ui import theme
from ui.main_window import MainWindow

def settle(turns=4):
    for _ in range(turns):
        QApplication.processEvents()

app = make_application(["probe"])
theme.apply_zoom(1.0)
window = MainWindow()
window.show()
settle()
window.load_default_session()
"""

ENDING = r"""
window.run_file.discard()
window.close()
print(json.dumps(rows))
"""


def run_probe(body: str, screen: tuple[int, int], tmp_path: Path, *args: str) -> list[Any]:
    """Run ``body`` after :data:`PREAMBLE` on a ``screen`` (width, height) of its own.

    ``args`` become the child's ``sys.argv[1:]``. A child that fails fails the test
    with the end of its stderr; otherwise its ``rows``.
    """
    width, height = screen
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "projector", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", PREAMBLE + body + ENDING, *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
