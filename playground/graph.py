"""The autograd graph of an output as plain data, walked the way torchviz does.

Starting at ``output.grad_fn`` we follow ``next_functions``; an
``AccumulateGrad`` node's ``.variable`` is the leaf it accumulates into, which
we name by identity against the session's params.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch


@dataclass(frozen=True)
class GraphNode:
    """One autograd Function.

    Attributes
    ----------
    label:
        The grad_fn class name (``MulBackward0``) or ``AccumulateGrad``.
    tensor:
        The program name of the tensor the node produces (for an op) or
        accumulates into (for ``AccumulateGrad``); None if it has no name.
    kind:
        ``"op"`` or ``"leaf"``.
    """

    label: str
    tensor: str | None
    kind: str


@dataclass(frozen=True)
class Graph:
    """Nodes, and edges (i, j) meaning the gradient flows from node i to node j."""

    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[tuple[int, int]] = field(default_factory=list)
    freed: bool = False
    output: str | None = None

    def labels(self) -> list[str]:
        """The node labels, in walk order (output first)."""
        return [n.label for n in self.nodes]


def build_graph(
    output: torch.Tensor | None,
    named: Mapping[str, torch.Tensor],
    *,
    output_name: str | None,
    freed: bool,
) -> Graph:
    """Walk ``output.grad_fn`` breadth-first into a :class:`Graph`.

    ``named`` maps program names (params, inputs, intermediates) to tensors;
    a grad_fn is labelled with the last name whose tensor it produced.
    """
    if output is None or output.grad_fn is None:
        return Graph(freed=freed, output=output_name)
    op_names: dict[int, str] = {}
    leaf_names: dict[int, str] = {}
    for name, tensor in named.items():
        if tensor.grad_fn is not None:
            op_names[id(tensor.grad_fn)] = name
        elif tensor.requires_grad:
            leaf_names.setdefault(id(tensor), name)
    index: dict[int, int] = {}
    keep: list[Any] = []  # holds every function alive so no id() is reused mid-walk
    nodes: list[GraphNode] = []
    edges: list[tuple[int, int]] = []

    def node_of(fn: Any) -> int:
        key = id(fn)
        if key not in index:
            keep.append(fn)
            index[key] = len(nodes)
            label = type(fn).__name__
            if label == "AccumulateGrad":
                nodes.append(GraphNode(label, leaf_names.get(id(fn.variable)), "leaf"))
            else:
                nodes.append(GraphNode(label, op_names.get(key), "op"))
            queue.append(fn)
        return index[key]

    queue: list[Any] = []
    node_of(output.grad_fn)
    cursor = 0
    while cursor < len(queue):
        fn = queue[cursor]
        cursor += 1
        here = index[id(fn)]
        for child, _ in getattr(fn, "next_functions", ()):
            if child is not None:
                edges.append((here, node_of(child)))
    return Graph(nodes=nodes, edges=edges, freed=freed, output=output_name)
