"""A minimal signal: the engine says what happened, views subscribe.

Plain callbacks keep the engine free of Qt (and of any dependency); the Qt layer
connects its slots here, as napari's widgets subscribe to model events.
"""

from __future__ import annotations

from typing import Any, Callable

Callback = Callable[..., Any]


class Signal:
    """A list of callbacks called in order with the emitted arguments."""

    def __init__(self) -> None:
        self._callbacks: list[Callback] = []

    def connect(self, callback: Callback) -> Callback:
        """Subscribe ``callback``; returns it so this works as a decorator."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callback) -> None:
        """Unsubscribe ``callback``; a callback never connected is ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        """Call every callback; one that raises does not stop the others.

        The first exception is raised again once all callbacks ran, so a broken
        view never hides an event from the views after it.
        """
        if not self._callbacks:
            return
        first: BaseException | None = None
        for callback in list(self._callbacks):
            try:
                callback(*args)
            except Exception as exc:  # noqa: BLE001 - re-raised below
                if first is None:
                    first = exc
        if first is not None:
            raise first

    def __len__(self) -> int:
        return len(self._callbacks)


class SessionEvents:
    """The events a :class:`~playground.session.Session` emits."""

    def __init__(self) -> None:
        self.action_done = Signal()  #: after every successful action, with its Record
        self.reset = Signal()  #: after reset(), no arguments
        #: after goto/undo/redo, and before the first action_done of a branch (a press
        #: from the past dropped the records after it); no arguments: re-read everything
        self.moved = Signal()
