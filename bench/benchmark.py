"""How fast is a press, an auto-run, and a long run? Figures, not timed tests.

Run: .venv/bin/python bench/benchmark.py [--quick]
Prints one line per measurement. The UI part runs offscreen (QT_QPA_PLATFORM).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
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


def bench_long_run(iterations: int) -> None:
    from playground import Session

    s = Session(params={"w": "randn(5, 3)", "b": "randn(3)"}, inputs={"x": "ones(5)", "y": "zeros(3)"},
                forward="z = torch.matmul(x, w) + b\nloss = F.binary_cross_entropy_with_logits(z, y)",
                lr=0.1, auto_zero_grad=True)
    gc.collect()
    tracemalloc.start()
    chunk = iterations // 5
    for part in range(5):
        t = time.perf_counter()
        for _ in range(chunk):
            s.iterate()
        dt = time.perf_counter() - t
        current, _peak = tracemalloc.get_traced_memory()
        print(f"long run part {part + 1}/5: {chunk / dt:8.0f} iterations/s, "
              f"traced memory {current / 1e6:7.1f} MB, history {len(s.history)} records, "
              f"log entries {len(s.log.entries)}")
    tracemalloc.stop()
    t = time.perf_counter()
    text = s.to_script()
    print(f"to_script after {iterations} iterations: {len(text)} chars in {_ms(time.perf_counter() - t)}")


def bench_ui(iterations: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from playground import Session
    from ui import MainWindow

    s = Session(params={"w": "ones(3)"}, inputs={"x": [1.0, 2.0, 3.0]},
                forward="out = (w * x).sum()", lr=0.001, auto_zero_grad=False)
    window = MainWindow(session=s)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, "actionIterate")
    times = []
    for _ in range(200):
        t = time.perf_counter()
        action.trigger()
        app.processEvents()
        times.append(time.perf_counter() - t)
    print(f"UI Iterate press + repaint: median {_ms(statistics.median(times))}, "
          f"p99 {_ms(sorted(times)[int(0.99 * len(times))])}")
    chunk = iterations // 5
    for part in range(5):
        t = time.perf_counter()
        for i in range(chunk):
            action.trigger()
            if i % 20 == 0:
                app.processEvents()
        app.processEvents()
        dt = time.perf_counter() - t
        print(f"UI run part {part + 1}/5: {chunk / dt:7.0f} iterations/s through the window "
              f"(history {len(window.session.history)} records)")
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 1 if args.quick else 10
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    bench_import()
    bench_presses(200 * scale)
    bench_long_run(2_000 * scale)
    bench_ui(500 * scale)


if __name__ == "__main__":
    main()
