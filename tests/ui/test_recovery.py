"""Autosave and recovery: a real app process killed mid-auto-run comes back with its run.

The oracle is plain torch replaying the journal's own action log on the default
model; the loss bound (at most the last 2 s of presses) is checked against the
counts the killed process printed as it ran.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import torch
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from playground import Session
from playground.autosave import Autosave, FILE_NAME, pending, recover
from tests.ui.conftest import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import ui.app

    app = ui.app.make_application(["playground"])

    def actions(session):
        return sum(e.count * len(e.calls) for e in session.log.entries)

    def report():
        window = next((w for w in QApplication.topLevelWidgets()
                       if w.objectName() == "mainWindow"), None)
        if window is None or window.session is None:
            return
        if not window.controller.playing:
            window.controller.set_speed(None)  # "fast"
            window.set_playing(True)
        print(f"{time.time():.3f} {actions(window.session)}", flush=True)

    timer = QTimer()
    timer.timeout.connect(report)
    timer.start(50)
    sys.exit(ui.app.main(["playground"]))
""")


def _plain_torch_replay(journal: Path) -> torch.Tensor:
    """The default model (w · x summed, SGD lr 0.1) driven by the journal's log, in torch."""
    lines = journal.read_text().splitlines()
    header = json.loads(lines[0])
    assert header["config"]["forward"] == "out = (w * x).sum()"
    assert header["config"]["params"] == {"w": "ones(3)"}
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=header["config"]["lr"])
    entries: dict[int, dict[str, Any]] = {}
    for line in lines[1:]:
        if line.strip():
            entry = json.loads(line)
            entries[entry["i"]] = entry
    out = None
    for i in sorted(entries):
        for _ in range(entries[i]["count"]):
            for name, kwargs in entries[i]["calls"]:
                if name == "forward":
                    out = (w * x).sum()
                elif name == "backward":
                    out.backward()
                elif name == "step":
                    opt.step()
                elif name == "zero_grad":
                    opt.zero_grad(set_to_none=kwargs["set_to_none"])
                else:
                    raise AssertionError(f"unexpected action {name}")
    return w


def test_a_killed_app_comes_back_with_its_run(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PLAYGROUND_DATA_DIR": str(tmp_path),
           "PYTHONPATH": str(ROOT), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    reports: list[tuple[float, int]] = []
    try:
        assert child.stdout is not None
        deadline = time.time() + 120
        while time.time() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            stamp, count = line.split()
            reports.append((float(stamp), int(count)))
            if int(count) >= 400 and reports[0][1] < int(count):
                first_big = next(t for t, c in reports if c >= 400)
                if float(stamp) - first_big >= 2.5:  # auto-ran for a while past 400 actions
                    break
    finally:
        child.send_signal(signal.SIGKILL)
        killed_at = time.time()
        child.wait(timeout=30)
        if child.stdout is not None:
            child.stdout.close()
    assert reports and reports[-1][1] >= 400, "the app never auto-ran"
    journal = tmp_path / FILE_NAME
    assert pending(tmp_path) == journal  # no clean exit: the journal is still there
    session = recover(journal)
    recovered = sum(e.count * len(e.calls) for e in session.log.entries)
    # At most the last 2 s of presses are lost: everything reported 2 s before the kill is back.
    before = [c for t, c in reports if t <= killed_at - 2.0]
    assert before and recovered >= before[-1]
    assert recovered <= reports[-1][1] + 8  # and nothing invented (one iteration in flight)
    w = _plain_torch_replay(journal)
    assert session.value("w") == w.tolist() and session.grad("w") == w.grad.tolist()
    # The next launch: the dead process's lock is stale, so the offer is made.
    from ui.recovery import Recovery

    window = make_window(DEFAULT_MODEL)
    window.recovery = Recovery(window, tmp_path)
    assert window.recovery.enabled
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "recoveryBox") is not None)
    window.recovery.restore_button.click()
    qtbot.waitUntil(lambda: window.session.value("w") == w.tolist(), timeout=60_000)
    assert window.session.grad("w") == w.grad.tolist()


def _journal_of(folder: Path, presses: int) -> Session:
    s = Session(**DEFAULT_MODEL)
    for _ in range(presses):
        s.iterate()
    s.forward()
    Autosave(folder / FILE_NAME).flush(s)
    return s


def test_next_launch_offers_restore_and_restores_exactly(
        make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from ui.recovery import Recovery

    crashed = _journal_of(tmp_path, 5)
    window = make_window(DEFAULT_MODEL)
    window.recovery = Recovery(window, tmp_path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "recoveryBox") is not None)
    box = window.findChild(QMessageBox, "recoveryBox")
    assert "16 actions" in box.informativeText()  # 5 × (forward, backward, step) + forward
    window.recovery.restore_button.click()
    qtbot.waitUntil(lambda: len(window.session.history) == len(crashed.history))
    assert window.session.value("w") == crashed.value("w")
    assert window.session.output == crashed.output
    window.iterate()
    crashed.iterate()
    assert window.session.value("w") == crashed.value("w")
    window.recovery.flush()  # the restored run is now what the journal holds
    assert recover(tmp_path / FILE_NAME).value("w") == crashed.value("w")
    window.run_file.discard()  # the user answers Discard to "save the run?" (tested in test_keys)
    window.close()
    assert pending(tmp_path) is None  # a clean exit leaves nothing to offer


def test_discard_keeps_the_running_session_and_drops_the_journal(
        make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from ui.recovery import Recovery

    _journal_of(tmp_path, 3)
    window = make_window(DEFAULT_MODEL)
    running = window.session
    window.recovery = Recovery(window, tmp_path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "recoveryBox") is not None)
    window.recovery.discard_button.click()
    assert window.session is running
    window.iterate()
    window.recovery.flush()
    assert recover(tmp_path / FILE_NAME).value("w") == running.value("w")
    window.recovery.close()


def test_a_long_file_opens_in_slices_and_cancel_keeps_the_running_session(
        make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from ui import files

    long_run = Session(**DEFAULT_MODEL, auto_zero_grad=True)
    for _ in range(800):
        long_run.iterate()
    path = tmp_path / "long.json"
    long_run.save(path)
    window = make_window(DEFAULT_MODEL)
    running = window.session
    opened: list[Any] = []
    sliced = files.open_session(window, opened.append, str(path))
    assert not opened and not sliced.over  # 3,200 actions do not replay in one slice
    dialog = window.findChild(QProgressDialog, "replayProgress")
    assert dialog is not None and dialog.maximum() == 3_200
    qtbot.waitUntil(lambda: 0 < sliced.load.done_actions)
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()
    assert sliced.over and not opened and window.session is running
    sliced = files.open_session(window, opened.append, str(path))
    qtbot.waitUntil(lambda: bool(opened), timeout=120_000)
    assert opened[0].value("w") == long_run.value("w") and opened[0].grad("w") == long_run.grad("w")


def test_apply_is_on_disk_at_once_and_presses_within_the_flush_interval(
        make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from ui.recovery import FLUSH_MS, Recovery

    window = make_window(DEFAULT_MODEL)
    window.recovery = Recovery(window, tmp_path)
    window.model_panel.load_config({**DEFAULT_MODEL, "forward": "out = (w * x * 2).sum()"})
    window.apply_model()
    journal = tmp_path / FILE_NAME
    assert recover(journal).config.forward == "out = (w * x * 2).sum()"  # no timer waited for
    window.iterate()
    window.iterate()
    qtbot.waitUntil(lambda: len(recover(journal).history) == 6, timeout=FLUSH_MS * 4)
    assert recover(journal).value("w") == window.session.value("w")
    window.recovery.close()
    assert pending(tmp_path) is None
