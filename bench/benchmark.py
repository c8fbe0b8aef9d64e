"""How fast is a press, an auto-run, and a long run? Figures, not timed tests.

Run: .venv/bin/python bench/benchmark.py [--quick]
Prints one line per measurement. The UI part runs offscreen (QT_QPA_PLATFORM).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def bench_import() -> None:
    import subprocess

    code = "import time; t=time.perf_counter(); import {m}; print(time.perf_counter()-t)"
    for module in ("playground", "torch", "ui.main_window"):
        out = subprocess.run(
            [sys.executable, "-c", code.format(m=module)],
            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
        )
        figure = out.stdout.strip() or out.stderr.strip().splitlines()[-1:]
        print(f"import {module:<16} {figure} s (fresh interpreter)")


def bench_presses(n: int) -> None:
    from playground import Session

    s = Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                forward="out = (w * x).sum()", lr=0.01, auto_zero_grad=True)
    for name in ("forward", "backward", "step", "zero_grad"):
        times = []
        for _ in range(n):
            if name == "backward":
                s.forward()
            t = time.perf_counter()
            getattr(s, name)()
            times.append(time.perf_counter() - t)
        print(f"press {name:<10} median {_ms(statistics.median(times))}  p99 "
              f"{_ms(sorted(times)[int(0.99 * len(times))])}")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _default_session(**kw: object) -> object:
    """The default model of the window: w·x summed, 3 weights."""
    from playground import Session

    return Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                   forward="out = (w * x).sum()", lr=0.001, auto_zero_grad=True, **kw)


def bench_iterate_ratio(blocks: int, size: int = 500) -> None:
    """Session.iterate() against a bare torch loop of the same model, in alternating blocks."""
    import torch

    s = _default_session()
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    opt = torch.optim.SGD([w], lr=0.001)
    engine = bare = 0.0
    for _ in range(blocks):
        t = time.perf_counter()
        for _ in range(size):
            s.iterate()
        engine += time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(size):
            out = (w * x).sum()
            out.backward()
            opt.step()
            opt.zero_grad(set_to_none=False)
        bare += time.perf_counter() - t
    n = blocks * size
    print(f"iterate, blocks of {size}: Session {n / engine:6.0f} iterations/s, bare torch "
          f"{n / bare:6.0f} iterations/s, ratio {bare / engine:.2f} (goal >= 0.5)")
    # The same, one iteration each in turn (both see the same machine load at once;
    # the bare loop loses its warm caches, so this ratio reads higher).
    engine_times, bare_times = [], []
    for _ in range(n):
        t = time.perf_counter()
        s.iterate()
        t2 = time.perf_counter()
        out = (w * x).sum()
        out.backward()
        opt.step()
        opt.zero_grad(set_to_none=False)
        bare_times.append(time.perf_counter() - t2)
        engine_times.append(t2 - t)
    print(f"iterate, interleaved: median Session {_ms(statistics.median(engine_times))}, bare "
          f"{_ms(statistics.median(bare_times))}, ratio "
          f"{statistics.median(bare_times) / statistics.median(engine_times):.2f}")


def bench_time_travel(sizes: list[int]) -> None:
    """goto latency and memory per action as one run grows to each size."""
    import random

    s = _default_session()
    rng = random.Random(0)
    rss0 = _rss_mb()
    for size in sizes:
        while len(s.history) < size:
            s.iterate()
        n = len(s.history)
        times = []
        for _ in range(60):
            index = rng.randrange(-1, n)
            t = time.perf_counter()
            s.goto(index)
            times.append(time.perf_counter() - t)
        s.goto(n - 1)
        times.sort()
        store = s.columns.nbytes() / n
        rss = (_rss_mb() - rss0) * 1e6 / n
        print(f"time travel at {n:>8} actions: goto median {_ms(statistics.median(times))}, p95 "
              f"{_ms(times[int(0.95 * len(times))])}, max {_ms(times[-1])} (goal <= 50 ms); "
              f"store {store:5.1f} bytes/action, RSS growth {rss:6.1f} bytes/action "
              f"(goal <= 100), {len(s._checkpoints)} checkpoints")


def bench_long_run(iterations: int) -> None:
    from playground import Session

    s = Session(params={"w": "randn(5, 3)", "b": "randn(3)"}, inputs={"x": "ones(5)", "y": "zeros(3)"},
                forward="z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
                lr=0.1, auto_zero_grad=True)
    chunk = iterations // 5
    for part in range(5):
        t = time.perf_counter()
        for _ in range(chunk):
            s.iterate()
        dt = time.perf_counter() - t
        print(f"engine run {(part + 1) * chunk:>7} iterations: {chunk / dt:6.0f} iterations/s, "
              f"RSS {_rss_mb():6.1f} MB, history {len(s.history):>6} records, script log {len(s.log.entries)} entries")
    t = time.perf_counter()
    text = s.to_script()
    print(f"to_script after {iterations} iterations: {len(text)} chars in {_ms(time.perf_counter() - t)}")


def bench_ui(seconds: float) -> None:
    """The real window on auto-run at "fast" speed, as a user would leave it running."""
    from PySide6.QtGui import QAction
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.app import quiet_paint_threads

    quiet_paint_threads()  # as the app does: Qt's fills stay on the GUI thread
    app = QApplication.instance() or QApplication([])
    from playground import Session
    from ui import MainWindow

    s = Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                forward="out = (w * x).sum()", lr=0.001, auto_zero_grad=True)
    window = MainWindow(session=s)
    window.resize(1600, 1000)
    window.show()
    QTest.qWait(200)
    action = window.findChild(QAction, "actionIterate")
    times = []
    for _ in range(100):
        t = time.perf_counter()
        action.trigger()
        times.append(time.perf_counter() - t)
    print(f"UI Iterate press (engine + every view's slot): median {_ms(statistics.median(times))}, "
          f"p99 {_ms(sorted(times)[int(0.99 * len(times))])}")
    for tab in ("Tensors", "Graph", "Code"):
        window.show_inspector(tab)
        window.controller.set_speed(None)
        window.controller.play()
        step = seconds / 5
        before = window.session.history[-1].index
        for part in range(5):
            t = time.perf_counter()
            start = window.session.history[-1].index
            QTest.qWait(int(step * 1000))
            done = (window.session.history[-1].index - start) / 4  # 4 records an iteration
            print(f"UI auto-run 'fast', {tab} tab, {part * step:4.0f}-{(part + 1) * step:4.0f} s: "
                  f"{done / (time.perf_counter() - t):6.0f} iterations/s, RSS {_rss_mb():6.1f} MB, "
                  f"records so far {window.session.history[-1].index + 1}")
        window.controller.pause()
        print(f"  ({(window.session.history[-1].index - before) / 4:.0f} iterations in {seconds:.0f} s)")
    window.close()


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they are measured
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 1 if args.quick else 10
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    import torch

    # As the app does (ui/app.py): tiny models run faster on one intra-op thread; the
    # bare loop below runs in this process too, so both sides of each ratio share it.
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} intra-op thread (as the app)")
    bench_import()
    bench_presses(200 * scale)
    bench_iterate_ratio(4 * scale)
    bench_time_travel([1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000]))
    bench_long_run(5_000 * scale)
    bench_ui(6.0 * scale)


if __name__ == "__main__":
    main()
