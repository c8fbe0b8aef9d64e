"""Training Loop Playground engine: PyTorch's training loop, one phase at a time.

Pure Python + torch; no Qt. ``import playground`` is cheap: torch loads only
when :class:`Session` (or the lessons) are first used, so a window can paint
before PyTorch's seconds-long import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import PlaygroundError

if TYPE_CHECKING:
    from .config import SessionConfig
    from .lessons import Lesson, list_lessons, load_lesson
    from .session import Record, Session

__all__ = [
    "Lesson",
    "PlaygroundError",
    "Record",
    "Session",
    "SessionConfig",
    "list_lessons",
    "load_lesson",
]

_LAZY = {
    "Session": "session",
    "Record": "session",
    "SessionConfig": "config",
    "Lesson": "lessons",
    "list_lessons": "lessons",
    "load_lesson": "lessons",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
