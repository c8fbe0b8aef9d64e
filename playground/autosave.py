"""Autosave and recovery: the run kept on disk as it happens, so a crash loses nothing.

The journal is JSON lines. The first line holds the session's config; each
further line is one entry of the action log (``{"i": index, "calls": ...,
"count": n, "iteration": bool}``). Auto-run folds identical iterations into one
log entry whose count grows, so a later line with the same index replaces the
earlier one: a flush appends only what changed since the last (a line or two),
never the whole run. The file is rewritten (atomically) only when the log was
cut or replaced (Reset, Apply, an undo), or the config changed.

A kill -9 loses only what was not yet flushed: the caller flushes a few times a
second. Appends are flushed to the operating system, which keeps them when the
process dies; a torn last line (a power cut mid-write) is ignored on recovery.

Recovery rebuilds the session with the same checked, sliced replay as
File → Open (:class:`playground.persist.SessionLoad`). Nothing here imports torch
until a session is actually rebuilt.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import persist
from .errors import PlaygroundError

if TYPE_CHECKING:
    from .persist import SessionLoad
    from .session import Session

FORMAT = "training-loop-playground/autosave"
VERSION = 1
#: Appended lines after which the journal is rewritten compactly (at least this many,
#: and more than four per log entry): an hour of auto-run stays a few kB, not megabytes.
COMPACT_AFTER = 2_000
#: The journal's name inside the folder the caller gives.
FILE_NAME = "autosave.jsonl"


class Autosave:
    """Keeps ``path`` equal to the session last flushed (config and action log).

    Call :meth:`flush` as often as you like (each call costs a comparison when
    nothing changed); call :meth:`discard` on a clean exit.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._session: Any = None
        self._log: Any = None
        self._config: Any = None
        self._written = 0  # log entries on disk
        self._lines = 0  # entry lines in the file (superseded ones included)
        #: How many times the file was rewritten / appended to (for tests and figures).
        self.rewrites = 0
        self.appends = 0

    def _must_rewrite(self, session: Session) -> bool:
        log = session.log
        if session is not self._session or log is not self._log:
            return True  # Apply, a preset, an opened file: another run
        if session.config != self._config or len(log.entries) < self._written:
            return True  # a setting changed, or the log was cut below what is on disk
        if self._lines > max(COMPACT_AFTER, 4 * len(log.entries)):
            return True  # mostly superseded count updates: write it afresh, compactly
        dirty = log.dirty_from
        # The log says which entries changed since the last flush: the last one on
        # disk (a fold grew its count) or new ones can be appended; anything before
        # it means the run was cut and regrown (undo, goto, reset), so rewrite.
        return dirty is not None and dirty < self._written - 1

    def flush(self, session: Session) -> bool:
        """Bring the file up to date with ``session``; True if anything was written."""
        if self._must_rewrite(session):
            self._rewrite(session)
            return True
        log = session.log
        if log.dirty_from is None:
            return False
        entries = log.entries
        lines = [_line(i, entries[i]) for i in range(log.dirty_from, len(entries))]
        if lines:
            try:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write("".join(lines))
            except OSError:
                self._session = None  # the next flush rewrites the whole file
                raise
            self.appends += 1
            self._lines += len(lines)
        self._remember(session)
        return bool(lines)

    def _rewrite(self, session: Session) -> None:
        header = {"format": FORMAT, "version": VERSION,
                  "config": persist.encode(asdict(session.config))}
        entries = session.log.entries
        text = json.dumps(header, allow_nan=False) + "\n"
        text += "".join(_line(i, e) for i, e in enumerate(entries))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        persist.write_text_atomically(self.path, text)
        self._lines = len(entries)
        self._session, self._log = session, session.log
        self._remember(session)
        self.rewrites += 1

    def _remember(self, session: Session) -> None:
        self._config = session.config
        self._written = len(session.log.entries)
        session.log.mark()  # from here on, dirty_from says what the next flush must write

    def discard(self) -> None:
        """Delete the journal (a clean exit, or the user chose not to restore it)."""
        self.path.unlink(missing_ok=True)
        self._session = None


def _line(index: int, entry: Any) -> str:
    data = {"i": index, **persist.entry_json(entry)}
    return json.dumps(data, allow_nan=False, separators=(",", ":")) + "\n"


def _bad(message: str) -> PlaygroundError:
    return PlaygroundError(
        f"The autosaved run cannot be restored: {message}",
        field="file",
        hint="Discard it and start again; nothing else is affected.",
    )


def read_journal(path: str | Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(config, log entries) from a journal; a torn or garbled last line is dropped."""
    text = persist.read_file_text(path)
    lines = text.split("\n")
    if not text.endswith("\n"):
        lines = lines[:-1]  # the last line was being written when the process died
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise _bad("the file is empty")
    header = persist.parse_json(lines[0])
    if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
        raise _bad("it is not an autosave journal of this version")
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            item = persist.parse_json(line)
        except PlaygroundError:
            if number == len(lines):
                break  # a torn last line: everything before it stands
            raise
        index = item.get("i") if isinstance(item, dict) else None
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= len(entries):
            raise _bad(f"line {number} is out of order")
        entry = {k: v for k, v in item.items() if k != "i"}
        if index == len(entries):
            entries.append(entry)
        else:
            entries[index] = entry
    return header.get("config"), entries


def pending(folder: str | Path) -> Path | None:
    """The journal left in ``folder`` by a run that did not exit cleanly, if any."""
    path = Path(folder) / FILE_NAME
    try:
        return path if path.is_file() and path.stat().st_size > 0 else None
    except OSError:
        return None


def describe(path: str | Path) -> tuple[int, str]:
    """(actions in the journal, its forward program) without building a session."""
    config, entries = read_journal(path)
    _plan, total = persist.checked_log(entries)
    forward = config.get("forward", "") if isinstance(config, dict) else ""
    return total, str(forward)


def begin_recovery(path: str | Path) -> SessionLoad:
    """The journal's session, ready to replay in slices (see ``persist.SessionLoad``)."""
    config, entries = read_journal(path)
    plan, total = persist.checked_log(entries)
    return persist.SessionLoad(persist.build_session(persist.checked_config(config)), plan, total)


def recover(path: str | Path) -> Session:
    """The journal's session, replayed at once."""
    return begin_recovery(path).finish()
