"""Sessions on disk: JSON with a version field, written atomically.

A session is saved as its config plus its action log (every successful call,
in order). Loading rebuilds the session from the config and replays the log, so
the reopened session has the same tensors, graph, optimizer state and history,
bit for bit, and continues exactly. Version 2 files leave the per-record history
out (replay rebuilds it), so the file of a long run stays small; version 1 files,
which carry it, still open. See docs/session_format.md.

Reading is defensive: whatever a file holds (deep nesting, huge numbers, wrong
types, unknown actions, absurd repeat counts) ends in a :class:`PlaygroundError`
before any replay starts, and replay runs in slices (:class:`SessionLoad`) so a
window can show progress and let the user cancel.
"""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PlaygroundError

if TYPE_CHECKING:
    from .session import Record, Session

FORMAT = "training-loop-playground/session"
VERSION = 2
#: Versions this app reads (1 carries the history, which loading ignores).
READABLE_VERSIONS = (1, 2)
MAX_BYTES = 50_000_000
#: Most actions a file may ask to replay: a million iterations of four phases (hours of
#: auto-run; minutes of replay, which a window runs in slices with a Cancel button).
#: Auto-run folds identical iterations into one entry, so a short file may stand for
#: a long run; a count beyond this is refused before anything runs.
MAX_REPLAY_ACTIONS = 4_000_000
#: Most bytes of history (the run's columns, playground/run_store.py) a file may make its
#: replay build. Each recorded action keeps every param element's value and grad as
#: float32 (8 bytes an element, measured: a 10,000-element param costs 80,000 bytes a
#: record) plus the output and ~16 bytes of bookkeeping; the columns double as they fill,
#: so the memory peaks at up to three times this while they grow. 1 GB holds 4,000,000
#: actions of a model of 25 elements, or 100,000 iterations of one of 1,000.
MAX_REPLAY_HISTORY_BYTES = 1_000_000_000
#: Bookkeeping bytes a record costs besides values, grads and output (action, code, call,
#: flags; see RunStore.__init__).
_RECORD_OVERHEAD = 16
#: The public Session methods a log may call, with the keyword arguments each takes.
REPLAYABLE: dict[str, frozenset[str]] = {
    "forward": frozenset({"no_grad"}),
    "backward": frozenset({"gradient", "retain_graph", "of"}),
    "step": frozenset(),
    "zero_grad": frozenset({"set_to_none"}),
    "set_requires_grad": frozenset({"name", "flag"}),
    "set_retain_grad": frozenset({"flag"}),
    "set_lr": frozenset({"value"}),
    "set_momentum": frozenset({"value"}),
}
_BOOL_ARGS = frozenset({"no_grad", "retain_graph", "set_to_none", "flag"})
#: How a non-finite float is written inside config and log (JSON has no inf or nan).
_FLOAT_TAG = "float"
_NON_FINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def _plain(value: Any) -> Any:
    """numpy arrays and non-finite floats as JSON-safe plain data (the history's form)."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "inf", "-inf", "nan": JSON has no such numbers
    return value


def encode(value: Any) -> Any:
    """Config and log data as JSON: a non-finite float becomes ``{"float": "inf"}``.

    A tagged object (not a bare string) because a string is itself a value spec;
    :func:`decode_object` turns it back into the float on load.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return {_FLOAT_TAG: "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if hasattr(value, "tolist"):
        return encode(value.tolist())
    return value


def decode_object(pairs: dict[str, Any]) -> Any:
    """``json.loads`` object hook: ``{"float": "inf"}`` -> inf; other objects unchanged."""
    if len(pairs) == 1 and isinstance(pairs.get(_FLOAT_TAG), str) and pairs[_FLOAT_TAG] in _NON_FINITE:
        return _NON_FINITE[pairs[_FLOAT_TAG]]
    return pairs


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "index": record.index,
        "action": record.action,
        "values": {n: _plain(v) for n, v in record.values.items()},
        "grads": {n: _plain(v) for n, v in record.grads.items()},
        "output": _plain(record.output),
        "note": record.note,
    }


def log_json(session: Session) -> list[dict[str, Any]]:
    """The action log as JSON-ready entries (non-finite floats tagged)."""
    return [entry_json(e) for e in session.log.entries]


def entry_json(entry: Any) -> dict[str, Any]:
    """One log entry as JSON-ready data."""
    return {"calls": encode([[name, kwargs] for name, kwargs in entry.calls]),
            "count": entry.count, "iteration": entry.iteration}


def session_json(session: Session, *, history: bool = False) -> dict[str, Any]:
    """The documented JSON form of a session (version 2; ``history=True`` adds the
    per-record history as version 1 wrote it, for people and tools reading the file)."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "config": encode(asdict(session.config)),
        "log": log_json(session),
    }
    if history:
        data["history"] = [_record_json(r) for r in session.history]
    data["final"] = {n: _plain(session.value(n)) for n in session.param_names}
    return data


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


def parse_json(text: str, what: str = "invalid JSON") -> Any:
    """``json.loads`` whose every failure (syntax, nesting too deep, a 5,000-digit
    int) is a PlaygroundError; non-finite floats come back from their tags."""
    try:
        return json.loads(text, object_hook=decode_object)
    except json.JSONDecodeError as exc:
        raise _bad(f"{what} at line {exc.lineno}") from None
    except RecursionError:
        raise _bad("its brackets nest too deeply") from None
    except (ValueError, OverflowError) as exc:  # e.g. an int of thousands of digits
        raise _bad(f"{what}: {str(exc).split(';')[0]}") from None


def read_file_text(path: str | Path) -> str:
    """The file's UTF-8 text, refusing huge, unreadable or non-UTF-8 files."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise _bad("it is larger than 50 MB")
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("it is not UTF-8 text") from None
    except OSError as exc:
        raise PlaygroundError(f"Could not read {path}: {exc.strerror or exc}", field="file") from None


def checked_config(config: Any) -> dict[str, Any]:
    """The file's config as Session keyword arguments, types checked (values are
    checked by Session itself)."""
    from .config import SessionConfig

    if not isinstance(config, dict):
        raise _bad("the config is missing")
    known = {f.name for f in fields(SessionConfig)}
    unknown = sorted(set(config) - known)
    if unknown:
        raise _bad(f"the config has an unknown key `{unknown[0][:40]}`")
    for key in ("params", "inputs"):
        if key in config and not isinstance(config[key], dict):
            raise _bad(f"the config's {key} must be a table of name: value")
    if "params" not in config:
        raise _bad("the config has no params")
    return config


def build_session(config: dict[str, Any]) -> Session:
    """``Session(**config)``, every failure a PlaygroundError."""
    from .session import Session

    try:
        return Session(**config)
    except PlaygroundError as exc:
        exc.message = f"The file's model is refused: {exc.message}"
        exc.args = (exc.message,)
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise _bad(f"the config is malformed ({type(exc).__name__})") from None


Plan = list[tuple[list[tuple[str, dict[str, Any]]], int, bool]]


def _too_big(what: str) -> PlaygroundError:
    return PlaygroundError(
        f"This session is too big to open: {what}. Nothing was changed.",
        field="file",
        hint="Save a shorter run (Reset starts a new one) or a smaller model; the running "
             "session is kept as it was.",
    )


def check_replay_size(session: Session, plan: Plan) -> None:
    """Refuse, before anything runs, a log whose replay would build more than
    :data:`MAX_REPLAY_HISTORY_BYTES` of history (recorded actions x bytes a record)."""
    records = sum(count * sum(name != "set_retain_grad" for name, _ in calls)
                  for calls, count, _ in plan)
    if not records:
        return
    elements = sum(t.numel() for t in session.params.values())
    import torch

    with torch.no_grad():  # the constructor ran it already: the output's size (kept too)
        out = session.program.run({**session.inputs, **session.params})[session.output_name]
    elements += out.numel()
    per_record = 8 * elements + _RECORD_OVERHEAD
    needed = records * per_record
    if needed > MAX_REPLAY_HISTORY_BYTES:
        raise _too_big(
            f"its log replays {records:,} recorded actions on a model of {elements:,} "
            f"numbers (params and output), a history of about {_size(needed)}; the "
            f"playground opens at most {_size(MAX_REPLAY_HISTORY_BYTES)}")


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} GB"


def checked_log(log: Any) -> tuple[Plan, int]:
    """Validate a whole log before anything runs: (entries, total actions)."""
    if not isinstance(log, list):
        raise _bad("the log is not a list")
    plan: Plan = []
    total = 0
    for entry in log:
        if not isinstance(entry, dict) or not isinstance(entry.get("calls"), list):
            raise _bad("a log entry is malformed")
        count = entry.get("count", 1)
        iteration = entry.get("iteration", False)
        if isinstance(count, bool) or not isinstance(count, int) or not isinstance(iteration, bool):
            raise _bad("a log entry's count or iteration has the wrong type")
        calls = []
        for call in entry["calls"]:
            if not (isinstance(call, list) and len(call) == 2 and isinstance(call[0], str)
                    and isinstance(call[1], dict)):
                raise _bad("a log call is not [name, {arguments}]")
            name, kwargs = call
            if name not in REPLAYABLE:
                raise _bad(f"a log entry names an unknown action `{name[:40]}`")
            for key, value in kwargs.items():
                if key not in REPLAYABLE[name]:
                    raise _bad(f"`{name}` takes no argument `{key[:40]}`")
                if key in _BOOL_ARGS and not isinstance(value, bool):
                    raise _bad(f"`{name}`'s `{key}` must be true or false")
            calls.append((name, dict(kwargs)))
        if not calls or count < 1:
            raise _bad("a log entry repeats nothing")
        total += count * len(calls)
        if total > MAX_REPLAY_ACTIONS:
            raise _bad(f"its log asks for more than {MAX_REPLAY_ACTIONS:,} actions")
        plan.append((calls, count, iteration))
    return plan, total


class SessionLoad:
    """A session being rebuilt from a file, replayed a slice at a time.

    ``advance(budget)`` runs at most ``budget`` actions and returns whether the
    replay is finished, so a window can replay between paints with a progress
    bar and a Cancel button. ``session`` is only complete once ``done``.
    """

    def __init__(self, session: Session, plan: Plan, total: int) -> None:
        check_replay_size(session, plan)
        self.session = session
        self.total_actions = total
        self.done_actions = 0
        self._plan = plan
        self._entry = 0
        self._repeat = 0

    @property
    def done(self) -> bool:
        return self._entry >= len(self._plan)

    def advance(self, budget: int) -> bool:
        """Replay up to ``budget`` more actions (whole iterations); True when finished."""
        session = self.session
        while not self.done and budget > 0:
            calls, count, iteration = self._plan[self._entry]
            grouped = iteration or len(calls) > 1  # one press then, one undo unit again
            if grouped:
                session.log.begin_iteration(iteration)
            try:
                for name, kwargs in calls:
                    getattr(session, name)(**kwargs)
            except PlaygroundError as exc:
                raise PlaygroundError(
                    f"The file's log does not replay: action {self.done_actions + 1} "
                    f"({calls[0][0]}…) was refused: {exc.message}",
                    field="file", hint="The file was changed by hand or by another program.",
                    torch_message=exc.torch_message,
                ) from None
            except (TypeError, ValueError, OverflowError, RecursionError):
                raise _bad(f"bad arguments in action {self.done_actions + 1}") from None
            except MemoryError:  # numpy's "Unable to allocate" is one too
                raise _too_big(f"memory ran out at action {self.done_actions + 1:,} of "
                               f"{self.total_actions:,}") from None
            finally:
                if grouped:
                    session.log.end_iteration()
            self.done_actions += len(calls)
            budget -= len(calls)
            self._repeat += 1
            if self._repeat >= count:
                self._entry += 1
                self._repeat = 0
        return self.done

    def finish(self) -> Session:
        """Replay whatever is left, at once, and return the session."""
        self.advance(self.total_actions + 1)
        return self.session


def begin_load(path: str | Path) -> SessionLoad:
    """Read and check a session file; nothing is replayed yet (see :class:`SessionLoad`)."""
    text = read_file_text(path)
    data = parse_json(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad("the format field is missing or wrong")
    version = data.get("version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise _bad(f"version {str(version)[:20]!r} is not supported (this app reads "
                   f"{', '.join(map(str, READABLE_VERSIONS))})")
    config = checked_config(data.get("config"))
    plan, total = checked_log(data.get("log", []))
    try:
        return SessionLoad(build_session(config), plan, total)
    except MemoryError:
        raise _too_big("its model does not fit in memory") from None


def load_session(path: Path) -> Session:
    """Rebuild and replay a saved session."""
    return begin_load(path).finish()


def replay(session: Session, log: Any) -> None:
    """Run a saved action log on a fresh session, regrouping iterations as they were."""
    plan, total = checked_log(log)
    SessionLoad(session, plan, total).finish()
