"""Numbers as a projected screen shows them: 4 significant digits, long tensors cut."""

from __future__ import annotations

from typing import Any

#: A projected value stays readable: long tensors are cut with an ellipsis.
MAX_ITEMS, MAX_ROWS = 6, 4


def format_value(value: Any) -> str:
    """A value read from the session, compact enough to project: ``[3, 3, 3, 3]``, ``-0.8``."""
    if value is None or isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, (int, float)):
        return f"{float(value) + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0
    if isinstance(value, list):
        nested = bool(value) and isinstance(value[0], list)
        limit = MAX_ROWS if nested else MAX_ITEMS
        items = [format_value(v) for v in value[:limit]] + (["…"] if len(value) > limit else [])
        return "[" + (",\n ".join(items) if nested else ", ".join(items)) + "]"
    return str(value)
