"""Measure the start-up paint on a virtual X display (Xvfb), against a bare ``import torch``.

Run it through ``tools/startup_paint`` (which sets up the venv)::

    tools/startup_paint            # 3 runs, medians
    tools/startup_paint --runs 5 --json

For each run it starts the app on a fresh Xvfb screen (1280x720, black root
window), grabs the screen (``XGetImage`` through libX11, ~20 ms a grab) every few milliseconds from launch until
a grab is not black, and separately times ``python -c "import torch"`` in the
same interpreter. The app's own start-up log (``PLAYGROUND_STARTUP_LOG``) says
when the window's plots and panels were built (after the first paint: the
window paints a loading shell first, ``ui/startup.py``) and when torch finished
loading on its background thread, so a run also tells whether the first paint
came before PyTorch was loaded, and how often the window repainted ("Loading
PyTorch… n s") meanwhile.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREEN = "1280x720x24"
#: A grab counts as painted when this share of its pixel bytes is not zero (black).
PAINTED_SHARE = 0.05
POLL_S = 0.02
TIMEOUT_S = 180.0


@dataclass
class Run:
    """One launch: seconds from launch, and what the app logged."""

    first_paint_s: float      # the screen is first not black
    built_s: float            # the window's plots and panels are built (ui/startup.py)
    torch_loaded_s: float     # the loader thread finished importing torch
    session_s: float          # the start-up model is built
    ticks_while_loading: int  # banner repaints between first paint and torch loaded
    bare_import_torch_s: float

    @property
    def painted_before_torch(self) -> bool:
        return self.first_paint_s < self.torch_loaded_s


class _XImage(ctypes.Structure):
    """The leading fields of Xlib's XImage (all this needs to read the pixels)."""

    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int),
                ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
                ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


class _XWindowAttributes(ctypes.Structure):
    """Xlib's XWindowAttributes (to tell a shown popup menu from the app's other windows)."""

    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
                ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
                ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
                ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
                ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
                ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
                ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
                ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


class ScreenGrabber:
    """Reads an X screen's pixels through libX11 (no xwd or ImageMagick round trip)."""

    Z_PIXMAP, ALL_PLANES, IS_VIEWABLE = 2, 0xFFFFFFFF, 2

    def __init__(self, display: str, width: int, height: int) -> None:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XGetImage.restype = ctypes.POINTER(_XImage)
        x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                  ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x11.XFree.argtypes = [ctypes.c_void_p]
        x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                   ctypes.POINTER(ctypes.c_ulong),
                                   ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                   ctypes.POINTER(ctypes.c_uint)]
        x11.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                             ctypes.POINTER(_XWindowAttributes)]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x11, self.width, self.height = x11, width, height
        self._display = x11.XOpenDisplay(display.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {display}")
        self._root = x11.XDefaultRootWindow(self._display)

    def painted_share(self) -> float:
        """The share of the screen's pixel bytes that are not zero (0.0: all black)."""
        data = self.pixels()
        return (len(data) - data.count(0)) / max(1, len(data))

    def pixels(self, x: int = 0, y: int = 0, width: int | None = None,
               height: int | None = None) -> bytes:
        """A region's pixels, 4 bytes each (B, G, R, unused), row after row."""
        width = self.width - x if width is None else width
        height = self.height - y if height is None else height
        image = self._x11.XGetImage(self._display, self._root, x, y, width, height,
                                    self.ALL_PLANES, self.Z_PIXMAP)
        if not image:
            return b""
        try:
            line = image.contents.bytes_per_line
            data = ctypes.string_at(image.contents.data, line * image.contents.height)
        finally:
            self._x11.XFree(image.contents.data)
            self._x11.XFree(image)
        return b"".join(data[row * line:row * line + 4 * width] for row in range(height))

    def windows(self) -> list[tuple[int, int, int, int, bool]]:
        """The shown top-level windows: (x, y, width, height, override-redirect).

        Popup menus and tooltips are override-redirect windows of their own, so a
        shown menu is seen here whatever it looks like.
        """
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        self._x11.XSync(self._display, 0)
        if not self._x11.XQueryTree(self._display, self._root, ctypes.byref(root),
                                    ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count)):
            return []
        shown = []
        try:
            for i in range(count.value):
                attributes = _XWindowAttributes()
                if (self._x11.XGetWindowAttributes(self._display, children[i], ctypes.byref(attributes))
                        and attributes.map_state == self.IS_VIEWABLE):
                    shown.append((attributes.x, attributes.y, attributes.width, attributes.height,
                                  bool(attributes.override_redirect)))
        finally:
            if children:
                self._x11.XFree(children)
        return shown

    def close(self) -> None:
        self._x11.XCloseDisplay(self._display)


def _free_display() -> int:
    for number in range(90, 400):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :399")


class Xvfb:
    """A private Xvfb server (context manager); ``display`` is ``":N"``."""

    def __init__(self) -> None:
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is needed (Debian: apt-get install xvfb; tools/test installs it)")
        self.number = _free_display()
        self.display = f":{self.number}"
        self.process: subprocess.Popen[bytes] | None = None
        self.grabber: ScreenGrabber | None = None

    def __enter__(self) -> Xvfb:
        self.process = subprocess.Popen(
            ["Xvfb", self.display, "-screen", "0", SCREEN, "-br", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        socket = Path(f"/tmp/.X11-unix/X{self.number}")
        deadline = time.monotonic() + 30
        while not socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb {self.display} did not start")
            time.sleep(0.05)
        width, height = (int(n) for n in SCREEN.split("x")[:2])
        self.grabber = ScreenGrabber(self.display, width, height)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.grabber is not None:
            self.grabber.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def painted(self) -> bool:
        """Whether the screen shows anything but black."""
        assert self.grabber is not None
        return self.grabber.painted_share() >= PAINTED_SHARE


def bare_import_torch(python: str = sys.executable) -> float:
    """Wall seconds of ``python -c "import torch"`` (interpreter start included, as for the app)."""
    start = time.time()
    subprocess.run([python, "-c", "import torch"], check=True)
    return time.time() - start


def _read_log(path: Path) -> dict[str, list[float]]:
    events: dict[str, list[float]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            name, _, stamp = line.partition(" ")
            events.setdefault(name, []).append(float(stamp))
    return events


class App:
    """The app started on a screen (context manager): its process, start-up log and stderr."""

    def __init__(self, screen: Xvfb, python: str = sys.executable,
                 extra_env: dict[str, str] | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="startup_paint.")
        tmp = self._tmp.name
        self.log = Path(tmp) / "startup.log"
        env = {**os.environ, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb",
               "PLAYGROUND_STARTUP_LOG": str(self.log), "XDG_CONFIG_HOME": tmp, "HOME": tmp,
               "PYTHONPATH": str(ROOT), **(extra_env or {})}
        env.pop("WAYLAND_DISPLAY", None)
        self._errors = (Path(tmp) / "stderr.txt").open("w+b")  # a file: a full pipe would stall it
        self.start = time.time()
        self.process = subprocess.Popen([python, "-m", "ui.app"], cwd=ROOT, env=env,
                                        stdout=subprocess.DEVNULL, stderr=self._errors)

    def __enter__(self) -> App:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._errors.close()
        self._tmp.cleanup()

    def events(self) -> dict[str, list[float]]:
        """The start-up log so far: event name -> unix times."""
        return _read_log(self.log)

    def stderr(self) -> str:
        """What the app wrote to stderr so far."""
        self._errors.flush()
        self._errors.seek(0)
        return self._errors.read().decode(errors="replace")

    def check_running(self) -> None:
        """Raise if the app has exited (with the end of its stderr)."""
        if self.process.poll() is not None:
            raise RuntimeError(f"the app exited early: {self.stderr()[-2000:]}")


def launch_once(screen: Xvfb, python: str = sys.executable, bare: bool = True) -> Run:
    """Launch the app on ``screen`` and time its first non-black paint."""
    with App(screen, python) as app:
        start, first_paint = app.start, None
        while time.time() - start < TIMEOUT_S:
            app.check_running()
            if first_paint is None and screen.painted():
                first_paint = time.time() - start
            if first_paint is not None and "session" in app.events():
                break
            time.sleep(POLL_S)
        else:
            raise RuntimeError("the app did not paint and load within the time limit")
        events = app.events()
    torch_at = events["torch"][0]
    ticks = [t for t in events.get("tick", []) if start + first_paint <= t <= torch_at]
    return Run(first_paint_s=first_paint, built_s=events["built"][0] - start,
               torch_loaded_s=torch_at - start,
               session_s=events["session"][0] - start, ticks_while_loading=len(ticks),
               bare_import_torch_s=bare_import_torch(python) if bare else float("nan"))


def measure(runs: int = 3, python: str = sys.executable, bare: bool = True) -> dict[str, object]:
    """``runs`` launches (each followed by a bare torch import), with medians and the ratio."""
    with Xvfb() as screen:
        results = [launch_once(screen, python, bare) for _ in range(runs)]
    paint = statistics.median(r.first_paint_s for r in results)
    summary: dict[str, object] = {
        "runs": [asdict(r) | {"painted_before_torch": r.painted_before_torch} for r in results],
        "first_paint_s": paint,
        "built_s": statistics.median(r.built_s for r in results),
        "torch_loaded_in_app_s": statistics.median(r.torch_loaded_s for r in results),
        "session_s": statistics.median(r.session_s for r in results),
    }
    if bare:
        torch_s = statistics.median(r.bare_import_torch_s for r in results)
        summary |= {"bare_import_torch_s": torch_s, "ratio": paint / torch_s}
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    summary = measure(args.runs)
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    for number, run in enumerate(summary["runs"], start=1):  # type: ignore[arg-type]
        print(f"run {number}: first paint {run['first_paint_s']:.2f} s, window built "
              f"{run['built_s']:.2f} s, torch loaded in the app "
              f"{run['torch_loaded_s']:.2f} s, model {run['session_s']:.2f} s, "
              f"{run['ticks_while_loading']} repaints while loading; "
              f"bare import torch {run['bare_import_torch_s']:.2f} s")
    print(f"median first non-black paint: {summary['first_paint_s']:.2f} s "
          f"(window built {summary['built_s']:.2f} s, model ready {summary['session_s']:.2f} s)")
    print(f"median bare `python -c 'import torch'`: {summary['bare_import_torch_s']:.2f} s")
    print(f"ratio: {summary['ratio']:.2f}  (goal <= 0.4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
