"""Views that follow the live session: subscribe, coalesce, refresh once per frame."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from ui.controller import FrameThrottle, connect_session, disconnect_session


class FollowsSession:
    """Mixin for a Qt widget: ``set_session`` wires the session's events to ``refresh``.

    However fast auto-run steps the engine, ``refresh`` runs at most once a frame.
    The widget calls :meth:`_follow_init` in its constructor, implements
    :meth:`refresh`, and reads ``self.session``. Put it after the Qt base class.
    """

    session: Any

    def _follow_init(self) -> None:
        self.session = None
        self._throttle = FrameThrottle(self._refresh_now, self)  # type: ignore[arg-type]

    def set_session(self, session: Any) -> None:
        """Show ``session`` (None: nothing loaded) and follow its events."""
        if self.session is not None:
            disconnect_session(self.session, self._on_session_action_done, self._on_session_reset)
        self.session = session
        if session is not None:
            connect_session(session, self._on_session_action_done, self._on_session_reset)
        self._refresh_now()

    def _on_session_action_done(self, _record: Any) -> None:
        self._throttle.mark()

    def _on_session_reset(self) -> None:
        self._throttle.mark()

    def _refresh_now(self) -> None:
        self._throttle.stop()
        self.refresh()

    def refresh(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SessionView(QWidget, FollowsSession):
    """A plain panel that follows the session (the Code and backward(v) tabs)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._follow_init()
