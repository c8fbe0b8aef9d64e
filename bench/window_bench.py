"""The window's figures, side by side with a bare torch loop measured in the same run.

Run: PYTHONPATH=. .venv/bin/python bench/window_bench.py [--quick]

Prints, as ratios against the bare loop where it applies (issue 7 item 4):
- one frame of the three plots (ask the columns, set the curves, paint) at
  1e3, 1e4, 1e5 and 1e6 recorded actions, 1600x1000 window;
- a press of Iterate until the whole window is repainted, p50/p95, at 1e5 actions;
- the window on "fast" auto-run: iterations/s against the bare loop, plot
  repaints per second, RSS as the run grows.
The UI runs offscreen (QT_QPA_PLATFORM), as in the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402

MODEL = {"params": {"w": "ones(3)"}, "inputs": {"x": [1.0, 2.0, 3.0]},
         "forward": "out = (w * x).sum()", "lr": 0.001, "auto_zero_grad": True}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bare_loop(seconds: float, per_cpu: list[float] | None = None) -> float:
    """Iterations/s of the same model written as plain torch (per CPU second appended to ``per_cpu``)."""
    import torch

    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.001)
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            out = (w * x).sum()
            out.backward()
            opt.step()
            opt.zero_grad()
        count += 100
    if per_cpu is not None:
        per_cpu.append(count / max(1e-9, time.process_time() - cpu))
    return count / (time.perf_counter() - start)


class SyntheticRun:
    """A session-shaped object whose column store holds ``n`` rows of a random walk.

    Only for the frame figure at lengths a real run would take minutes to reach:
    the plots read it through the same API (``columns``) as a real session's.
    """

    class _Columns:
        def __init__(self, n: int) -> None:
            rng = np.random.default_rng(0)
            self._values = np.cumsum(rng.standard_normal((n, 3)), axis=0) * 0.01 + 1
            self._grads = rng.standard_normal((n, 3))
            self._outputs = self._values.sum(axis=1, keepdims=True)
            self.actions = np.tile(np.arange(4, dtype=np.int8), n // 4 + 1)[:n]
            self.action_names = ["forward", "backward", "step", "zero_grad"]

        def __len__(self) -> int:
            return len(self.actions)

        def values(self, _name: str) -> np.ndarray:
            return self._values

        def grads(self, _name: str) -> np.ndarray:
            return self._grads

        def outputs(self) -> np.ndarray:
            return self._outputs

        def has_output(self) -> np.ndarray:
            return np.ones(len(self.actions), dtype=bool)

    class _Events:
        def __init__(self) -> None:
            from playground.events import Signal

            self.action_done, self.reset, self.moved = Signal(), Signal(), Signal()

    def __init__(self, n: int) -> None:
        self.columns = self._Columns(n)
        self.events = self._Events()
        self.param_names = ["w"]
        self.output_name = "out"
        self.output = 0.0
        self.position = n - 1

    def value(self, _name: str) -> list[float]:
        return [0.0, 0.0, 0.0]


class PaintCounter(QObject):
    """Counts paint events of the widgets it is installed on."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def frame_ms(lengths: list[int], frames: int,
             busy: bool = False) -> dict[int, tuple[float, float, float]]:
    """Median and p95 ms of one frame of the three plots: ask the columns, set the curves, paint;
    and the mean CPU ms of a frame (steadier than the wall clock on a shared machine).

    Each frame moves the session's position by one action, as auto-run does, so
    every plot really changes and is repainted (checked: three paints a frame).
    ``busy``: as while auto-run plays fast (ui/pace.py: 1 px curves, no markers).
    """
    from PySide6.QtWidgets import QApplication

    from ui.pace import pace
    from ui.plots import PlotsPanel

    app = QApplication.instance()
    player = SyntheticRun  # any object stands for the playing controller
    pace.set_playing(player, busy, None)
    panel = PlotsPanel()
    panel.resize(1600, 1000)
    panel.show()
    counter = PaintCounter()
    for plot in panel.plots.values():
        plot.viewport().installEventFilter(counter)
    app.processEvents()
    result = {}
    for n in lengths:
        run = SyntheticRun(n)
        panel.set_session(run)
        panel.redraw()
        app.processEvents()  # the first frame builds the pyramid (once per run, not per frame)
        times = []
        cpu = time.process_time()
        for i in range(frames):
            run.position = n - 1 - (i % 2)
            before = counter.paints
            t = time.perf_counter()
            panel.redraw()
            app.processEvents()
            times.append(time.perf_counter() - t)
            assert counter.paints - before >= 3, "a frame that painted nothing is not a frame"
        cpu_ms = (time.process_time() - cpu) / frames * 1000
        times.sort()
        result[n] = (statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000, cpu_ms)
    panel.set_session(None)
    panel.close()
    pace.set_playing(player, False, None)
    return result


def _window(records: int) -> Any:
    from PySide6.QtWidgets import QApplication

    from playground.session import Session
    from ui import MainWindow

    session = Session(**MODEL)
    while len(session.history) < records:
        session.iterate()
    window = MainWindow(session=session)
    window.resize(1600, 1000)
    window.show()
    QApplication.instance().processEvents()
    return window


def press_to_repaint(records: int, presses: int) -> tuple[float, float]:
    """p50 and p95 ms from Iterate to the window repainted with the new numbers."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    window = _window(records)
    counter = PaintCounter()
    window.plots.plots["weights"].viewport().installEventFilter(counter)
    painted_at_redraw: list[int] = []
    original = window.plots.redraw

    def redraw() -> None:
        original()
        painted_at_redraw.append(counter.paints)

    window.plots._throttle._callback = redraw
    action = window.action("actionIterate")
    times = []
    for _ in range(presses):
        time.sleep(0.04)  # a person's presses are apart: each starts a fresh frame
        app.processEvents()
        painted_at_redraw.clear()
        t = time.perf_counter()
        action.trigger()
        # Until the plots asked for the new rows and the weight plot painted them (the
        # other views repaint in the same pass of the event loop).
        while not painted_at_redraw or counter.paints == painted_at_redraw[0]:
            app.processEvents()
        times.append(time.perf_counter() - t)
    window.controller.pause()
    window.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def scrub(records: int, moves: int) -> tuple[float, float]:
    """p50 and p95 ms of a timeline move to a random action: goto plus the window's repaint."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    window = _window(records)
    timeline = window.plots.timeline
    rng = np.random.default_rng(0)
    times = []
    for _ in range(moves):
        target = int(rng.integers(-1, records))
        t = time.perf_counter()
        timeline.request(target)
        timeline._flush()  # what the drag timer does once a frame
        app.processEvents()
        times.append(time.perf_counter() - t)
        assert window.session.position == target
    window.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000


def auto_run(seconds: float, bare: float) -> list[str]:
    """The window on "fast": iterations/s (and vs bare), repaints/s, RSS as the run grows.

    The machine is shared: each part's ratio is against a bare loop measured just
    before it (auto-run paused meanwhile), and the last line gives the medians.
    """
    from PySide6.QtTest import QTest

    window = _window(0)
    redraws = [0]
    original = window.plots.redraw

    def counted() -> None:
        original()
        redraws[0] += 1

    window.plots._throttle._callback = counted
    window.controller.set_speed(None)
    lines = []
    ratios, cpu_ratios, rates = [], [], []
    for part in range(5):
        bare_cpu: list[float] = []
        bare = bare_loop(0.5, bare_cpu)
        window.controller.play()
        QTest.qWait(200)  # into its stride (the first frames build the views)
        start_n, start_r = len(window.session.history), redraws[0]
        t, cpu = time.perf_counter(), time.process_time()
        QTest.qWait(int(seconds / 5 * 1000))
        dt, dcpu = time.perf_counter() - t, time.process_time() - cpu
        window.controller.pause()
        done = (len(window.session.history) - start_n) / 4
        its = done / dt
        ratios.append(its / bare)
        cpu_ratios.append(done / max(dcpu, 1e-9) / bare_cpu[0])
        rates.append((redraws[0] - start_r) / dt)
        lines.append(f"window 'fast' auto-run part {part + 1}/5: {its:7.0f} it/s = {its / bare:.2f} of "
                     f"bare ({bare:.0f} it/s just before; per CPU second {cpu_ratios[-1]:.2f}), plots "
                     f"repainted {rates[-1]:5.1f}/s, RSS {rss_mb():6.1f} MB, "
                     f"{len(window.session.history):>8} actions recorded")
    lines.append(f"window 'fast' auto-run, median of the parts: {statistics.median(ratios):.2f} of bare "
                 f"(per CPU second {statistics.median(cpu_ratios):.2f}; goal >= 0.4), plots repainted "
                 f"{statistics.median(rates):.1f}/s (goal >= 30)")
    window.close()
    return lines


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from ui.app import quiet_paint_threads

    quiet_paint_threads()  # as the app does: Qt's fills stay on the GUI thread
    QApplication.instance() or QApplication([])
    import torch

    # As the app does (ui/app.py): tiny models run faster on one intra-op thread; the
    # bare loop below runs in this process too, so both sides of each ratio share it.
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op thread (as the app)")
    bare = bare_loop(2.0)
    print(f"bare torch loop (same model, same process): {bare:8.0f} it/s")
    lengths = [1000, 10_000, 100_000, 1_000_000]
    for n, (median, p95, cpu) in frame_ms(lengths, 20 if args.quick else 100).items():
        print(f"one frame of the three plots (1600x1000) at {n:>9,} actions: median {median:6.2f} ms, "
              f"p95 {p95:6.2f} ms, CPU {cpu:6.2f} ms (goal <= 8)")
    for n, (median, p95, cpu) in frame_ms(lengths[::3], 20 if args.quick else 100, busy=True).items():
        print(f"  the same while auto-run plays fast (1 px, no markers), {n:>9,} actions: median "
              f"{median:6.2f} ms, p95 {p95:6.2f} ms, CPU {cpu:6.2f} ms")
    p50, p95 = press_to_repaint(100_000 if not args.quick else 20_000, 30 if args.quick else 100)
    print(f"Iterate press until the window is repainted, {100_000 if not args.quick else 20_000:,} "
          f"actions: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 <= 16)")
    scrub_n = 100_000 if args.quick else 1_000_000
    p50, p95 = scrub(scrub_n, 30 if args.quick else 100)
    print(f"timeline move to a random action of {scrub_n:,} (goto + window repaint): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms (goal: goto <= 50)")
    for line in auto_run(10.0 if args.quick else 60.0, bare):
        print(line)
    print(f"bare torch loop again (drift check): {bare_loop(2.0):8.0f} it/s")


if __name__ == "__main__":
    main()
