"""File → Save session, Open session, Export script: dialogs around the engine's own I/O.

The engine writes and reads (atomically, with clear errors); this module only
asks for a path and shows what went wrong, so a failed save or open never loses
the running session.
"""

from __future__ import annotations

from pathlib import Path
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from playground.persist import write_text_atomically  # torch-free: no engine import yet

SESSION_FILTER = "Playground sessions (*.json);;All files (*)"
SCRIPT_FILTER = "Python scripts (*.py);;All files (*)"
LESSON_FILTER = "Lessons (*.toml);;All files (*)"


def last_folder(kind: str) -> str:
    """The folder the last file dialog of any kind used (remembered across runs).

    A teacher keeps a class's sessions, scripts and lessons together: after
    exporting a script to a folder, Save session starts there too.
    """
    settings = QSettings()
    folder = str(settings.value("files/last", settings.value(f"files/{kind}", str(Path.home()))))
    return folder if Path(folder).is_dir() else str(Path.home())


def remember_folder(kind: str, path: str) -> None:
    """Remember the folder of ``path`` for the next dialog (of any kind)."""
    folder = str(Path(path).parent)
    QSettings().setValue(f"files/{kind}", folder)
    QSettings().setValue("files/last", folder)


def ask_save_path(parent: QWidget, kind: str, title: str, name: str, filters: str) -> str | None:
    """A save dialog starting in the last folder; None when cancelled."""
    start = str(Path(last_folder(kind)) / name)
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    if not path:
        return None
    suffix = ".py" if kind == "script" else ".json"
    if not Path(path).suffix:
        path += suffix
    remember_folder(kind, path)
    return path


def ask_open_path(parent: QWidget, kind: str, title: str, filters: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, last_folder(kind), filters)
    if not path:
        return None
    remember_folder(kind, path)
    return path


def show_error(parent: QWidget, title: str, exc: BaseException) -> None:
    """A modal message for a file error: what failed, and what to do."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    hint = getattr(exc, "hint", None)
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("fileErrorBox")
    if hint:
        box.setInformativeText(hint)
    box.open()  # window-modal but not blocking: tests and auto-run keep going


def save_session(parent: QWidget, session: Any, path: str | None = None) -> str | None:
    """Save ``session`` as JSON (asking where unless ``path``); returns the path or None."""
    path = path or ask_save_path(parent, "session", "Save session", "session.json", SESSION_FILTER)
    if path is None:
        return None
    try:
        session.save(path)
    except Exception as exc:  # noqa: BLE001 - reported to the user, session untouched
        show_error(parent, "Could not save the session", exc)
        return None
    return path


def open_session(parent: QWidget, on_opened: Callable[[Any], None],
                 path: str | None = None) -> Any:
    """Open a saved session (asking which unless ``path``), replayed in slices.

    ``on_opened(session)`` is called once it is rebuilt: at once for a short run,
    later for a long one (a progress dialog with Cancel shows meanwhile). A
    refused or cancelled file keeps the running session. Returns the
    :class:`ui.loading.SlicedLoad` (None when no file was chosen or it was refused).
    """
    path = path or ask_open_path(parent, "session", "Open session", SESSION_FILTER)
    if path is None:
        return None
    from playground.persist import begin_load  # torch: only once a file is chosen

    try:
        load = begin_load(path)
    except Exception as exc:  # noqa: BLE001 - reported; the running session is kept
        show_error(parent, "Could not open the session", exc)
        return None
    return run_sliced(parent, load, on_opened, "Could not open the session",
                      f"Opening {Path(path).name}…")


def run_sliced(parent: QWidget, load: Any, on_done: Callable[[Any], None], failure: str,
               title: str) -> Any:
    """Replay ``load`` in slices (see ui/loading.py); errors shown as ``failure``."""
    from ui.loading import SlicedLoad

    sliced = SlicedLoad(load, parent, title)
    sliced.finished.connect(on_done)
    sliced.failed.connect(lambda exc: show_error(parent, failure, exc))
    sliced.start()
    return sliced


def export_script(parent: QWidget, session: Any, path: str | None = None) -> str | None:
    """Write ``session.to_script()`` to a .py file; returns the path or None."""
    path = path or ask_save_path(parent, "script", "Export script", "training_loop.py", SCRIPT_FILTER)
    if path is None:
        return None
    try:
        write_text_atomically(path, session.to_script())
    except Exception as exc:  # noqa: BLE001
        show_error(parent, "Could not export the script", exc)
        return None
    return path
