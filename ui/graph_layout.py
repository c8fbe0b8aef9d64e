"""Layered drawing of a small DAG: longest-path layers plus barycentre ordering.

Pure functions (no Qt) so the layout can be unit-tested on its own. The graph
view feeds in the autograd graph with edges in the *gradient* direction
(output -> leaves); these functions lay it out in the *forward* direction, so
leaves land in layer 0 (left) and the output in the last layer (right).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Edge = tuple[int, int]


def assign_layers(n: int, edges: Sequence[Edge]) -> list[int]:
    """Give each node a layer by longest path from the leaves.

    Parameters
    ----------
    n:
        Number of nodes, numbered 0..n-1.
    edges:
        ``(i, j)`` pairs meaning gradient flows from node i to node j, so j
        is an input of i in the forward direction.

    Returns
    -------
    list[int]
        ``layers[v]``: 0 for nodes with no outgoing gradient edge (leaves),
        otherwise one more than the deepest node it feeds gradient to.

    Raises
    ------
    ValueError
        If an edge names a node outside 0..n-1 or the edges contain a cycle.
    """
    succ: list[list[int]] = [[] for _ in range(n)]
    pending = [0] * n  # gradient successors whose layer is not known yet
    for i, j in edges:
        if not (0 <= i < n and 0 <= j < n):
            raise ValueError(f"edge {(i, j)} names a node outside 0..{n - 1}")
        succ[j].append(i)  # forward direction: j feeds i
        pending[i] += 1
    layers = [0] * n
    ready = [v for v in range(n) if pending[v] == 0]
    done = 0
    while ready:
        v = ready.pop()
        done += 1
        for u in succ[v]:
            layers[u] = max(layers[u], layers[v] + 1)
            pending[u] -= 1
            if pending[u] == 0:
                ready.append(u)
    if done != n:
        raise ValueError("the graph has a cycle; autograd graphs never do")
    return layers


def _barycentre(v: int, neighbours: list[list[int]], pos: dict[int, float]) -> float | None:
    """Mean position of v's already-placed neighbours, or None if there are none."""
    placed = [pos[u] for u in neighbours[v] if u in pos]
    return sum(placed) / len(placed) if placed else None


def _sweep(
    order: list[list[int]], neighbours: list[list[int]], layer_seq: Sequence[int]
) -> list[list[int]]:
    """Reorder each layer in ``layer_seq`` by the barycentre of neighbours seen so far."""
    pos: dict[int, float] = {}
    new = [list(row) for row in order]
    for k in layer_seq:
        row = new[k]
        # Nodes with no placed neighbour keep their current slot as their key,
        # so a sweep never scrambles what it has no information about.
        keys = {}
        for slot, v in enumerate(row):
            bc = _barycentre(v, neighbours, pos)
            keys[v] = (slot if bc is None else bc, slot)
        row.sort(key=lambda v: keys[v])
        for slot, v in enumerate(row):
            pos[v] = float(slot)
    return new


def count_crossings(order: Sequence[Sequence[int]], edges: Sequence[Edge]) -> int:
    """Count pairwise edge crossings for a given ordering of layers.

    Parameters
    ----------
    order:
        ``order[k]`` lists the nodes of layer k, top to bottom.
    edges:
        Node pairs; an edge is drawn as a straight segment between its ends.

    Returns
    -------
    int
        Number of pairs of edges whose segments cross strictly between layers.
    """
    where = {v: (k, slot) for k, row in enumerate(order) for slot, v in enumerate(row)}
    segs = []
    for i, j in edges:
        (ki, si), (kj, sj) = where[i], where[j]
        if ki > kj:
            ki, si, kj, sj = kj, sj, ki, si
        segs.append((ki, si, kj, sj))
    total = 0
    for a in range(len(segs)):
        for b in range(a + 1, len(segs)):
            total += _segments_cross(segs[a], segs[b])
    return total


def _segments_cross(s: tuple[int, int, int, int], t: tuple[int, int, int, int]) -> int:
    """1 if two layer-to-layer segments swap vertical order over their shared span."""
    lo, hi = max(s[0], t[0]), min(s[2], t[2])
    if lo >= hi:
        return 0

    def at(seg: tuple[int, int, int, int], x: float) -> float:
        k0, s0, k1, s1 = seg
        return s0 + (s1 - s0) * (x - k0) / (k1 - k0)

    d_lo, d_hi = at(s, lo) - at(t, lo), at(s, hi) - at(t, hi)
    return 1 if d_lo * d_hi < 0 else 0


def order_layers(layers: Sequence[int], edges: Sequence[Edge], sweeps: int = 4) -> list[list[int]]:
    """Order the nodes inside each layer to reduce edge crossings.

    Starts from node index order (the engine lists nodes from the output
    down, which is already a sensible reading order), then alternates
    left-to-right and right-to-left barycentre sweeps, keeping the best
    ordering seen.

    Parameters
    ----------
    layers:
        Layer of each node, as from :func:`assign_layers`.
    edges:
        Node pairs (direction does not matter here).
    sweeps:
        How many sweep pairs to try.

    Returns
    -------
    list[list[int]]
        ``order[k]`` lists the nodes of layer k, top to bottom.
    """
    depth = max(layers, default=-1) + 1
    order: list[list[int]] = [[] for _ in range(depth)]
    for v, k in enumerate(layers):
        order[k].append(v)
    neighbours: list[list[int]] = [[] for _ in layers]
    for i, j in edges:
        neighbours[i].append(j)
        neighbours[j].append(i)
    best, best_cross = order, count_crossings(order, edges)
    for _ in range(sweeps):
        order = _sweep(order, neighbours, range(depth))
        order = _sweep(order, neighbours, range(depth - 1, -1, -1))
        cross = count_crossings(order, edges)
        if cross < best_cross:
            best, best_cross = order, cross
    return best


@dataclass(frozen=True)
class Placement:
    """Where to draw nodes and edges.

    Attributes
    ----------
    centres:
        ``(x, y)`` centre of each node.
    routes:
        For each input edge, in order, the points its line passes through
        between its two ends: for every layer it skips, the right and the
        left end of a free lane through that column (in the gradient
        direction, right to left). Empty for edges between neighbouring layers.
    """

    centres: list[tuple[float, float]]
    routes: list[list[tuple[float, float]]]


def _with_dummies(
    n: int, layers: Sequence[int], edges: Sequence[Edge]
) -> tuple[list[int], list[Edge], list[list[int]]]:
    """Split edges that skip layers into chains through one dummy node per skipped layer.

    Dummies take part in the ordering, so a long edge gets a lane of its own
    instead of being drawn straight through the boxes in between.
    """
    all_layers = list(layers)
    chained: list[Edge] = []
    dummies: list[list[int]] = []
    for i, j in edges:
        chain = []
        for k in range(layers[i] - 1, layers[j], -1):
            chain.append(len(all_layers))
            all_layers.append(k)
        path = [i, *chain, j]
        chained += list(zip(path, path[1:]))
        dummies.append(chain)
    return all_layers, chained, dummies


def place(
    n: int,
    edges: Sequence[Edge],
    x_gap: float = 1.0,
    y_gap: float = 1.0,
    sizes: Sequence[tuple[float, float]] | None = None,
    lane: float = 0.0,
) -> Placement:
    """Place nodes on a grid (x by layer, leaves left) and route long edges.

    Each column is as wide as its widest box, so one long label does not
    stretch every column; each layer is centred vertically on y = 0 so short
    layers sit in the middle rather than hugging the top.

    Parameters
    ----------
    n:
        Number of nodes.
    edges:
        ``(i, j)`` gradient-direction edges, as for :func:`assign_layers`.
    x_gap, y_gap:
        Empty space between neighbouring columns and between boxes in a column.
    sizes:
        ``(width, height)`` of each node's box; ``None`` treats nodes as points.
    lane:
        Height reserved for a long edge passing through a column.

    Returns
    -------
    Placement
        Node centres and the routes of edges that skip layers.
    """
    layers = assign_layers(n, edges)
    all_layers, chained, dummies = _with_dummies(n, layers, edges)
    boxes = list(sizes) if sizes is not None else [(0.0, 0.0)] * n
    boxes += [(0.0, lane)] * (len(all_layers) - n)
    pos: list[tuple[float, float]] = [(0.0, 0.0)] * len(all_layers)
    spans: list[tuple[float, float]] = []  # (left, right) of each column
    left = 0.0
    for row in order_layers(all_layers, chained):
        col_w = max((boxes[v][0] for v in row), default=0.0)
        heights = [boxes[v][1] for v in row]
        y = -(sum(heights) + y_gap * (len(row) - 1)) / 2
        for v, h in zip(row, heights):
            pos[v] = (left + col_w / 2, y + h / 2)
            y += h + y_gap
        spans.append((left, left + col_w))
        left += col_w + x_gap
    routes = []
    for chain in dummies:
        route = []
        for d in chain:
            col_left, col_right = spans[all_layers[d]]
            route += [(col_right, pos[d][1]), (col_left, pos[d][1])]
        routes.append(route)
    return Placement(centres=pos[:n], routes=routes)


def layout(
    n: int,
    edges: Sequence[Edge],
    x_gap: float = 1.0,
    y_gap: float = 1.0,
    sizes: Sequence[tuple[float, float]] | None = None,
) -> list[tuple[float, float]]:
    """Node centres only: :func:`place` without edge routes (see there)."""
    return place(n, edges, x_gap, y_gap, sizes).centres
