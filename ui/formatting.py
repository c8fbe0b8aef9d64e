"""Numbers as PyTorch prints them, for every view of the window.

The text comes from the engine (``playground.printing``), which asks torch's own
formatter: ``1.3755`` and ``-4.8127`` as a notebook prints them, never a rounding
of our own. ``playground.printing`` imports torch, so it is imported on first
use: the window paints before torch loads, and no number exists before a session.
"""

from __future__ import annotations

from typing import Any


def format_value(value: Any, *, one_line: bool = False, max_items: int | None = None) -> str:
    """``value`` as ``print(torch.tensor(value))`` shows it, without ``tensor(`` and ``)``.

    ``one_line`` joins a matrix's rows (table cells, graph nodes); ``max_items``
    summarises longer tensors with torch's own ``...`` (its ``threshold`` option).
    """
    from playground.printing import tensor_text

    if max_items is None:
        return tensor_text(value, one_line=one_line)
    return tensor_text(value, one_line=one_line, threshold=max_items,
                       edgeitems=max(1, max_items // 2))


def format_full(value: Any, name: str | None = None, *, requires_grad: bool = False,
                grad_fn: str | None = None) -> str:
    """The whole tensor as ``print`` shows it (every element), e.g. ``w = tensor([...])``."""
    from playground.printing import print_text

    return print_text(value, name, requires_grad=requires_grad, grad_fn=grad_fn)
