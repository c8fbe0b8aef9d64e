"""Sessions on disk: JSON with a version field, written atomically.

A session is saved as its config plus its action log (every successful call,
in order) plus the history of plain numbers. Loading rebuilds the session from
the config and replays the log, so the reopened session has the same tensors,
graph, optimizer state and history, bit for bit, and continues exactly.
See docs/session_format.md.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PlaygroundError

if TYPE_CHECKING:
    from .session import Record, Session

FORMAT = "training-loop-playground/session"
VERSION = 1
MAX_BYTES = 50_000_000
_REPLAYABLE = {
    "forward", "backward", "step", "zero_grad", "set_requires_grad", "set_retain_grad",
}


def _plain(value: Any) -> Any:
    """numpy arrays and non-finite floats as JSON-safe plain data."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "inf", "-inf", "nan": JSON has no such numbers
    return value


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "index": record.index,
        "action": record.action,
        "values": {n: _plain(v) for n, v in record.values.items()},
        "grads": {n: _plain(v) for n, v in record.grads.items()},
        "output": _plain(record.output),
        "note": record.note,
    }


def session_json(session: Session) -> dict[str, Any]:
    """The documented JSON form of a session."""
    log = [
        {"calls": [[name, kwargs] for name, kwargs in e.calls], "count": e.count,
         "iteration": e.iteration}
        for e in session.log.entries
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": asdict(session.config),
        "log": log,
        "history": [_record_json(r) for r in session.history],
        "final": {n: _plain(session.value(n)) for n in session.param_names},
    }


def save_session(session: Session, path: Path) -> None:
    """Write the session's JSON atomically (see :func:`write_text_atomically`)."""
    write_text_atomically(path, json.dumps(session_json(session), indent=1, allow_nan=False))


def current_umask() -> int:
    """The process umask, read without changing it where the system allows.

    ``os.umask`` can only be read by setting it, which for a moment affects
    every thread; Linux reports it in /proc/self/status instead.
    """
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """An existing file keeps its permissions; a new one gets 0o666 less the umask,
    as ``open(path, "w")`` would give it (mkstemp's own 0o600 would hide a handout)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def write_text_atomically(path: str | Path, text: str) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path``: a crash never leaves half a file, and an old file survives a failed write.
    The file gets the permissions a plain write would give it (see :func:`_mode_for`)."""
    target = Path(path)
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        if hasattr(os, "fchmod"):  # POSIX; Windows files have no such mode bits
            os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bad(message: str) -> PlaygroundError:
    return PlaygroundError(
        f"This is not a session file the playground can open: {message}",
        field="file",
        hint="Open a file saved with File → Save session.",
    )


def load_session(path: Path) -> Session:
    """Rebuild and replay a saved session."""
    from .session import Session

    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise _bad("it is larger than 50 MB")
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaygroundError(f"Could not read {path}: {exc}", field="file") from None
    except json.JSONDecodeError as exc:
        raise _bad(f"invalid JSON at line {exc.lineno}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad("the format field is missing or wrong")
    if data.get("version") != VERSION:
        raise _bad(f"version {data.get('version')!r} is not supported (this app reads {VERSION})")
    config = data.get("config")
    if not isinstance(config, dict):
        raise _bad("the config is missing")
    try:
        session = Session(**config)
    except TypeError as exc:
        raise _bad(str(exc)) from None
    replay(session, data.get("log", []))
    return session


def replay(session: Session, log: Any) -> None:
    """Run a saved action log on a fresh session, regrouping iterations as they were."""
    if not isinstance(log, list):
        raise _bad("the log is not a list")
    for entry in log:
        try:
            calls = [(str(name), dict(kwargs)) for name, kwargs in entry["calls"]]
            count = int(entry.get("count", 1))
            iteration = bool(entry.get("iteration", False))
        except (TypeError, KeyError, ValueError):
            raise _bad("a log entry is malformed") from None
        if any(name not in _REPLAYABLE for name, _ in calls) or not 1 <= count <= 10_000_000:
            raise _bad("a log entry names an unknown action")
        for _ in range(count):
            if iteration:
                session.log.begin_iteration()
            try:
                for name, kwargs in calls:
                    getattr(session, name)(**kwargs)
            except TypeError:
                raise _bad(f"bad arguments for {name}") from None
            finally:
                if iteration:
                    session.log.end_iteration()
