"""Numbers as ``print(tensor)`` shows them, produced by torch's own formatter.

A class compares the window with its notebooks, so every number the window
shows is the text PyTorch itself prints under its default print options (4
decimals, scientific notation where torch switches to it, ``3.`` for a float
three, ``nan``, ``inf``). Nothing here re-implements that rule: the text comes
from ``torch._tensor_str._tensor_str``, the function behind ``str(tensor)``,
i.e. ``str(tensor)`` without the ``tensor(`` prefix, the closing ``)`` and any
``requires_grad=``/``grad_fn=`` suffix.

The UI calls these functions once torch is loaded (no number exists before a
session does), so importing the UI still loads no torch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import _tensor_str

#: ``str(tensor)`` indents continuation rows by the width of ``tensor(``.
_PREFIX = "tensor("


def as_tensor(value: Any) -> torch.Tensor:
    """``value`` (number, nested list, numpy array or tensor) as a detached tensor.

    Python floats become float32 (torch's default dtype, the session's dtype) and
    ints int64, exactly as ``torch.tensor(value)`` would.
    """
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, np.ndarray | np.generic):
        return torch.from_numpy(np.array(value))  # a copy: the caller's array stays its own
    return torch.tensor(value)


def tensor_text(value: Any, *, one_line: bool = False, threshold: float | None = None,
                edgeitems: int | None = None) -> str:
    """What ``print(torch.tensor(value))`` shows between ``tensor(`` and ``)``.

    Parameters
    ----------
    value:
        A number, (nested) list, numpy array or tensor; ``None``, bools and
        strings are returned as ``str(value)`` (a grad that is None reads "None").
    one_line:
        Join the rows of a matrix with single spaces (for a table cell or a graph node).
    threshold, edgeitems:
        torch's summarisation options (``torch.set_printoptions``) for this call
        only, e.g. ``threshold=6`` shows ``[0., 1.,  ..., 8., 9.]``; the numbers
        themselves keep torch's default format. ``threshold=float("inf")`` prints
        every element.

    Returns
    -------
    str
        Rows wrap where ``print`` wraps them; continuation rows line up as in
        ``print``, less the width of ``tensor(``:
        ``"[[1., 2.],\\n [3., 4.]]"``.
    """
    if value is None or isinstance(value, bool | str):
        return str(value)
    tensor = as_tensor(value)
    options = {k: v for k, v in (("threshold", threshold), ("edgeitems", edgeitems)) if v is not None}
    if options:
        with _tensor_str.printoptions(**options):
            text = _tensor_str._tensor_str(tensor, len(_PREFIX))
    else:
        text = _tensor_str._tensor_str(tensor, len(_PREFIX))
    if one_line:
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
    return text.replace("\n" + " " * len(_PREFIX), "\n")


def print_text(value: Any, name: str | None = None, *, requires_grad: bool = False,
               grad_fn: str | None = None) -> str:
    """The whole of ``print(t)``, every element shown.

    ``name`` prefixes it the way a notebook cell reads (``w = tensor([...])``), with
    continuation rows lined up under the first ``[``. ``value`` is a snapshot (a
    numpy copy), so what the live tensor's print adds is passed in: ``grad_fn``
    (a class name such as ``"MulBackward0"``) or ``requires_grad`` for a leaf;
    torch formats the suffix itself, from a tensor carrying the same flag.
    """
    if value is None:
        return f"{name} = None" if name else "None"
    tensor = as_tensor(value)
    with _tensor_str.printoptions(threshold=float("inf")):
        text = str(tensor)
    if grad_fn:
        text = text[:-1] + f", grad_fn=<{grad_fn}>)"
    elif requires_grad and tensor.is_floating_point():
        with _tensor_str.printoptions(threshold=float("inf")):
            text = str(tensor.clone().requires_grad_(True))
    if not name:
        return text
    head = f"{name} = "
    return head + text.replace("\n", "\n" + " " * len(head))


def shape_text(shape: Any) -> str:
    """A shape as ``print(t.shape)`` shows it: ``torch.Size([5, 3])`` (``torch.Size([])``
    for a 0-d tensor), the text torch's own ``torch.Size`` gives."""
    return str(torch.Size(tuple(int(n) for n in shape)))


def scalar_text(value: float | int) -> str:
    """One number as ``print(torch.tensor(value))`` shows it (``1.3755``, ``1.0000e-05``)."""
    return tensor_text(value)
