"""Figures for the learning features: landscape grid time and the cost of backward's node hooks.

Run: .venv/bin/python bench/bench_learning.py
Ratios are against plain torch measured in the same run, so they hold on a busy machine.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from playground import Session  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _median(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_landscape() -> None:
    presets = json.loads((ROOT / "resources/presets.json").read_text())["presets"]
    for preset in presets:
        s = Session(**preset["config"])
        try:
            s.landscape(n=100)
        except Exception as exc:  # noqa: BLE001  (a non-scalar preset: say so, go on)
            print(f"landscape {preset['name'][:34]:<34} refused: {exc}")
            continue
        grid = _median(lambda s=s: s.landscape(n=100), 7)
        forward = _median(lambda s=s: s.forward(no_grad=True), 50)
        print(f"landscape {preset['name'][:34]:<34} 100x100 {grid * 1e3:7.1f} ms "
              f"(= {grid / forward:6.0f} forwards of the session)")


def bench_trace_overhead() -> None:
    """s.backward() with its node hooks against the same s.backward() with capture switched off."""
    import contextlib

    from playground import trace

    hooked = trace.capture

    @contextlib.contextmanager
    def no_capture(start, named):  # type: ignore[no-untyped-def]
        yield None

    presets = json.loads((ROOT / "resources/presets.json").read_text())["presets"]
    for preset in presets:
        if "gradient" in preset:
            continue
        s = Session(**preset["config"])
        figures = {}
        for label, capture in (("hooks", hooked), ("none", no_capture)):
            trace.capture = capture
            times = []
            for _ in range(300):
                s.forward()
                t = time.perf_counter()
                s.backward()
                times.append(time.perf_counter() - t)
            figures[label] = statistics.median(times)
        trace.capture = hooked
        s.forward()
        bare = _median(lambda s=s: s.program.run({**s.inputs, **s.params})[s.output_name]
                       .backward(), 300)
        print(f"backward {preset['name'][:34]:<34} with hooks {figures['hooks'] * 1e6:6.1f} us, "
              f"without {figures['none'] * 1e6:6.1f} us (x{figures['hooks'] / figures['none']:.2f}); "
              f"bare torch forward+backward {bare * 1e6:6.1f} us")


if __name__ == "__main__":
    torch.set_num_threads(1)
    bench_landscape()
    bench_trace_overhead()
