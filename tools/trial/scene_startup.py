"""The first seconds: is the window ever black or frozen while torch loads?"""

import time

from harness import T0, QSettings, log, shot, wait
import tempfile

QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
from ui.app import make_application
from ui.main_window import MainWindow

app = make_application(["playground"])
window = MainWindow()
window.show()
log("shown")
for i, ms in enumerate((300, 700, 1000, 2000, 3000)):
    wait(ms)
    shot(f"S-startup-{i}", settle=0)
window.run_file.discard()
window.close()
