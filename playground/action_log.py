"""The action log: every successful call since the last reset, replayable and short.

Repeated iterations fold into one entry with a count (rendered as
``for epoch in range(n):``), so a long auto-run keeps a short log. The log can
be cut at any record index (time travel branches the run there), and tells an
autosave what changed since it last looked (:attr:`ActionLog.revision`,
:meth:`ActionLog.mark`, :attr:`ActionLog.dirty_from`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["ActionLog", "LogEntry"]


@dataclass
class LogEntry:
    """One action (or one folded run of identical iterations) and its code.

    ``sizes[i]`` is how many of ``lines`` call ``i`` wrote, ``recorded[i]``
    whether it made a history record (set_retain_grad does not); both let the
    log be cut inside a folded iteration.
    """

    calls: list[tuple[str, dict[str, Any]]]
    lines: list[str]
    record_index: int | None
    count: int = 1
    iteration: bool = False
    sizes: list[int] = field(default_factory=list)
    recorded: list[bool] = field(default_factory=list)

    @property
    def records_per_pass(self) -> int:
        return sum(self.recorded)

    def first_record(self) -> int | None:
        """Index of the first record this entry made, or None if it made none."""
        per = self.records_per_pass
        if self.record_index is None or per == 0:
            return None
        return self.record_index - self.count * per + 1


@dataclass
class ActionLog:
    """Every successful action since the last reset, in order, replayable."""

    entries: list[LogEntry] = field(default_factory=list)
    _group: LogEntry | None = None
    #: Called before the log changes (the session branches the run there).
    before_change: Callable[[], None] | None = field(default=None, repr=False, compare=False)
    #: The last call added, as (action, kwargs): the session keeps it with its record.
    last_call: tuple[str, dict[str, Any]] = ("", {})
    #: +1 on every change (add, fold, cut): an autosave compares it with what it wrote.
    revision: int = 0
    #: Lowest entry index added, changed or removed since :meth:`mark` (None: nothing).
    dirty_from: int | None = None
    #: (revision, first records, entries) of the recorded entries, for :meth:`press_bounds`.
    _presses: tuple[int, list[int], list[LogEntry]] | None = field(
        default=None, repr=False, compare=False)

    def copy(self) -> ActionLog:
        """An independent copy (entries copied; the same before_change hook)."""
        entries = [
            LogEntry(list(e.calls), list(e.lines), e.record_index, e.count, e.iteration,
                     list(e.sizes), list(e.recorded))
            for e in self.entries
        ]
        return ActionLog(entries, None, self.before_change, self.last_call, self.revision,
                         self.dirty_from)

    # ------------------------------------------------------------ changes
    def _changed(self, index: int) -> None:
        self.revision += 1
        if self.dirty_from is None or index < self.dirty_from:
            self.dirty_from = index

    def mark(self) -> int:
        """Start tracking changes afresh (an autosave calls it after writing); returns
        :attr:`revision`. Entries before :attr:`dirty_from` are unchanged since."""
        self.dirty_from = None
        return self.revision

    def add(
        self, action: str, kwargs: dict[str, Any], lines: list[str], record_index: int | None
    ) -> None:
        if self.before_change is not None:
            self.before_change()
        self.last_call = (action, kwargs)
        recorded = record_index is not None
        if self._group is not None:
            self._group.calls.append((action, kwargs))
            self._group.lines.extend(lines)
            self._group.sizes.append(len(lines))
            self._group.recorded.append(recorded)
            if recorded:
                self._group.record_index = record_index
            return
        self.entries.append(
            LogEntry([(action, kwargs)], list(lines), record_index, sizes=[len(lines)],
                     recorded=[recorded])
        )
        self._changed(len(self.entries) - 1)

    def begin_iteration(self, iteration: bool = True) -> None:
        """Group the calls until :meth:`end_iteration` as one press (one undo unit);
        ``iteration=False`` groups without folding (a loaded file's part of a press)."""
        self._group = LogEntry([], [], None, iteration=iteration)

    def discard_iteration(self) -> None:
        """Forget the iteration begun (it failed and was rolled back)."""
        self._group = None

    def end_iteration(self) -> None:
        group, self._group = self._group, None
        if group is None or not group.calls:
            return
        last = self.entries[-1] if self.entries else None
        if (
            last is not None
            and group.iteration
            and last.iteration
            and last.calls == group.calls
            and last.lines == group.lines
            and last.recorded == group.recorded
        ):
            last.count += 1
            last.record_index = group.record_index
        else:
            self.entries.append(group)
        self._changed(len(self.entries) - 1)

    # ------------------------------------------------------------ presses
    def press_bounds(self, row: int) -> tuple[int, int]:
        """The first and last record of the press that made record ``row``.

        A press is what one button did: one pass of an iteration entry (forward,
        backward, step [, zero_grad]), or a single action. Undo and redo move by
        whole presses; a row no entry made (none should exist) is a press alone.
        """
        cache = self._presses
        if cache is None or cache[0] != self.revision:
            made = [e for e in self.entries if e.first_record() is not None]
            cache = self._presses = (self.revision, [e.first_record() for e in made], made)
        _, firsts, made = cache
        at = bisect.bisect_right(firsts, row) - 1
        if at < 0 or made[at].record_index is None or made[at].record_index < row:
            return row, row
        entry, first = made[at], firsts[at]
        if not entry.iteration:
            return first, entry.record_index  # type: ignore[return-value]
        per = entry.records_per_pass
        start = first + (row - first) // per * per
        return start, start + per - 1

    # ------------------------------------------------------------ cutting
    def truncate(self, last_record: int) -> None:
        """Keep only what happened up to record ``last_record`` (-1: nothing).

        Entries after it go; a folded entry that spans it is split into the
        whole passes before it plus the part of the pass that reached it.
        """
        entries = self.entries
        before = len(entries)
        while entries:
            entry = entries[-1]
            first = entry.first_record()
            if first is None:  # no record: it came right after the last record before it
                if self._last_record_before(len(entries) - 1) < last_record:
                    break
            elif first <= last_record:
                if entry.record_index is not None and entry.record_index > last_record:
                    cut = len(entries) - 1  # before the split: it may insert after it
                    self._split(entry, last_record - first + 1)
                    self._changed(cut)
                break
            entries.pop()
        if len(entries) < before:
            self._changed(len(entries))

    def _last_record_before(self, index: int) -> int:
        """The last record index made by entries before ``index`` (-1 if none)."""
        for entry in reversed(self.entries[:index]):
            if entry.first_record() is not None:
                return entry.record_index  # type: ignore[return-value]
        return -1

    def _split(self, entry: LogEntry, keep: int) -> None:
        """Keep the first ``keep`` records of ``entry`` (0 < keep < all of them)."""
        per = entry.records_per_pass
        whole, part = divmod(keep, per)
        first = entry.first_record()
        assert first is not None
        partial: LogEntry | None = None
        if part:
            calls, sizes, recorded, made = [], [], [], 0
            for call, size, rec in zip(entry.calls, entry.sizes, entry.recorded):
                if made == part:
                    break
                calls.append(call)
                sizes.append(size)
                recorded.append(rec)
                made += rec
            partial = LogEntry(calls, entry.lines[: sum(sizes)], first + keep - 1,
                               sizes=sizes, recorded=recorded)
        index = len(self.entries) - 1  # the entry cut is always the last one
        if whole:
            entry.count = whole
            entry.record_index = first + whole * per - 1
            index += 1
        else:
            del self.entries[index]
        if partial is not None:
            self.entries.insert(index, partial)
