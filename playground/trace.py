"""Backward, node by node: what each grad_fn received and passed on, in the real run.

Before a backward the session hangs a hook on every node of the graph
(``Node.register_hook``, a post-hook: it is given what the node received and
what it passed on); PyTorch calls it right after it runs each node, so the
order and every number come from the backward itself, never from a
recomputation. The hooks only keep what they are given and return None, so no
gradient changes; they are removed when the backward ends. The kept tensors
become floats only when :func:`trace_nodes` is asked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch


@dataclass(frozen=True)
class TraceNode:
    """One grad_fn node as the last backward ran it.

    Attributes
    ----------
    index:
        Its position in the order PyTorch ran the nodes (0 = first).
    label:
        The grad_fn class name (``MulBackward0``) or ``AccumulateGrad``.
    tensor:
        The program name of the tensor the node belongs to (for an
        ``AccumulateGrad``, the param it accumulates into), or None.
    graph_index:
        Its index in a breadth-first walk from the backward's start, the walk
        :meth:`Session.graph` does (the same index when the backward started at
        the output).
    grad_in:
        The gradient it received (nested floats); a list of them, one per
        output, for the rare node with several outputs.
    grads_out:
        One entry per input (``next_functions``): the gradient it passed on
        (nested floats), or None where that input needs no gradient.
    targets:
        For each input, the ``index`` of the node that gradient went to, or None.
    sources:
        What it received, per sender: ``(sender index, gradient)``; two entries
        from one sender when that node used the tensor twice. Their sum is grad_in.
    old_grad, new_grad:
        For ``AccumulateGrad``: the param's ``.grad`` before and after this
        node ran (old None when there was none): new = old + grad_in.
    """

    index: int
    label: str
    tensor: str | None
    graph_index: int
    grad_in: Any
    grads_out: list[Any]
    targets: list[int | None]
    sources: list[tuple[int, Any]] = field(default_factory=list)
    old_grad: Any = None
    new_grad: Any = None

    @property
    def is_leaf(self) -> bool:
        return self.label == "AccumulateGrad"


@dataclass
class _Seen:
    """What the hook captured for one node (tensors kept by reference)."""

    fn: Any
    graph_index: int
    variable: torch.Tensor | None = None  # the leaf, for an AccumulateGrad node
    received: tuple[torch.Tensor | None, ...] = ()
    passed: tuple[torch.Tensor | None, ...] = ()
    old_grad: torch.Tensor | None = None
    new_grad: torch.Tensor | None = None


@dataclass
class Capture:
    """The raw capture of one backward; :func:`trace_nodes` makes it plain data."""

    named: dict[str, torch.Tensor]
    order: list[_Seen] = field(default_factory=list)


def _walk(start: Any) -> list[Any]:
    """Every node reachable from ``start``, breadth-first (as playground.graph walks)."""
    order, index = [start], {id(start)}
    cursor = 0
    while cursor < len(order):
        for child, _ in order[cursor].next_functions:
            if child is not None and id(child) not in index:
                index.add(id(child))
                order.append(child)
        cursor += 1
    return order


@contextlib.contextmanager
def capture(start: torch.Tensor, named: Mapping[str, torch.Tensor]) -> Iterator[Capture | None]:
    """Hook every node under ``start.grad_fn`` for the duration of one backward.

    Yields None (and hooks nothing) when ``start`` has no grad_fn. Kept lean:
    it runs on every backward (names are only looked up when the trace is read).
    """
    if start.grad_fn is None:
        yield None
        return
    result = Capture(dict(named))
    order = result.order
    handles = []
    for graph_index, fn in enumerate(_walk(start.grad_fn)):
        seen = _Seen(fn, graph_index)
        if type(fn).__name__ == "AccumulateGrad":
            seen.variable = variable = fn.variable
            if variable.grad is not None:
                # One AccumulateGrad node per leaf, run once per backward: .grad now is
                # the old .grad it adds to (cloned: accumulation happens in place).
                seen.old_grad = variable.grad.detach().clone()
            handles.append(fn.register_hook(_leaf_hook(order, seen, variable)))
        else:
            handles.append(fn.register_hook(_node_hook(order, seen)))
    try:
        yield result
    finally:
        for handle in handles:
            handle.remove()
        _unshare_grads(result)


def _node_hook(order: list[_Seen], seen: _Seen) -> Any:
    """A post-hook: PyTorch calls it right after the node ran, with what the node
    received (grad_outputs) and passed on (grad_inputs), so calls come in run order.

    The tensors are kept, not cloned (autograd accumulates in place only into
    buffers nobody else holds); the few that became a ``.grad`` are cloned when
    the backward ends (:func:`_unshare_grads`).
    """

    def hook(grad_inputs: tuple[torch.Tensor | None, ...],
             grad_outputs: tuple[torch.Tensor | None, ...]) -> None:
        order.append(seen)
        seen.received = grad_outputs
        seen.passed = grad_inputs

    return hook


def _leaf_hook(order: list[_Seen], seen: _Seen, variable: torch.Tensor) -> Any:
    """The post-hook of an AccumulateGrad node: also the leaf's new ``.grad`` (cloned)."""

    def hook(grad_inputs: tuple[torch.Tensor | None, ...],
             grad_outputs: tuple[torch.Tensor | None, ...]) -> None:
        order.append(seen)
        seen.received = grad_outputs
        seen.passed = grad_inputs
        if variable.grad is not None:
            seen.new_grad = variable.grad.detach().clone()

    return hook


def _unshare_grads(result: Capture) -> None:
    """Clone every kept tensor that became some tensor's ``.grad``.

    AccumulateGrad may adopt the gradient it receives as the new ``.grad``
    (no copy), and a later backward, zero_grad() or step changes ``.grad`` in
    place; the trace must keep the numbers of its own backward. Only these few
    are cloned: the rest are autograd's temporaries, which nothing else touches.
    """
    grads = [seen.variable.grad for seen in result.order if seen.variable is not None]
    grads += [t.grad for t in result.named.values() if not t.is_leaf and t.retains_grad]
    storages = {g.untyped_storage().data_ptr() for g in grads if g is not None}
    if not storages:
        return

    def own(kept: tuple[torch.Tensor | None, ...]) -> tuple[torch.Tensor | None, ...]:
        return tuple(
            g.detach().clone() if g is not None and g.untyped_storage().data_ptr() in storages
            else g
            for g in kept
        )

    for seen in result.order:
        seen.received = own(seen.received)
        seen.passed = own(seen.passed)


def _names(named: Mapping[str, torch.Tensor]) -> dict[int, str]:
    """id(grad_fn) -> program name for ops; id(tensor) -> name for leaves."""
    names: dict[int, str] = {}
    for name, tensor in named.items():
        if tensor.grad_fn is not None:
            names[id(tensor.grad_fn)] = name
        elif tensor.requires_grad:
            names.setdefault(id(tensor), name)
    return names


def _plain(tensor: torch.Tensor | None) -> Any:
    return None if tensor is None else tensor.tolist()


def trace_nodes(result: Capture | None) -> list[TraceNode]:
    """The captured backward as :class:`TraceNode` s, in the order PyTorch ran them."""
    if result is None:
        return []
    names = _names(result.named)
    position = {id(seen.fn): i for i, seen in enumerate(result.order)}
    sources: dict[int, list[tuple[int, Any]]] = {i: [] for i in range(len(result.order))}
    nodes = []
    for i, seen in enumerate(result.order):
        targets: list[int | None] = []
        for k, (child, _) in enumerate(seen.fn.next_functions):
            target = None if child is None else position.get(id(child))
            targets.append(target)
            if target is not None and k < len(seen.passed) and seen.passed[k] is not None:
                sources[target].append((i, _plain(seen.passed[k])))
        key = id(seen.variable) if seen.variable is not None else id(seen.fn)
        name = names.get(key)
        received = [_plain(g) for g in seen.received]
        nodes.append(TraceNode(
            index=i, label=type(seen.fn).__name__, tensor=name, graph_index=seen.graph_index,
            grad_in=received[0] if len(received) == 1 else received,
            grads_out=[_plain(g) for g in seen.passed], targets=targets,
            old_grad=_plain(seen.old_grad), new_grad=_plain(seen.new_grad),
        ))
    return [_with_sources(node, sources[node.index]) for node in nodes]


def _with_sources(node: TraceNode, found: list[tuple[int, Any]]) -> TraceNode:
    return TraceNode(**{**node.__dict__, "sources": found})
