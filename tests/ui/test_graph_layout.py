"""The pure layout algorithm (no Qt): layers, crossing counts, ordering, placement."""

from __future__ import annotations

import random

import pytest

from ui.graph_layout import assign_layers, count_crossings, layout, order_layers, place


def test_chain_puts_leaf_left_and_output_right() -> None:
    # out = (w * x).sum(): SumBackward0 -> MulBackward0 -> AccumulateGrad(w)
    assert assign_layers(3, [(0, 1), (1, 2)]) == [2, 1, 0]


def test_linear_layer_uses_longest_path() -> None:
    # z = x @ w + b: Add(0) -> Mm(1) -> Acc w(2), Add(0) -> Acc b(3).
    # b is a leaf, so it sits in layer 0 with w, even though Add is two away.
    assert assign_layers(4, [(0, 1), (1, 2), (0, 3)]) == [2, 1, 0, 0]


def test_shared_leaf_feeding_two_ops() -> None:
    # y = x * x + x: Add(0) -> Mul(1) -> Acc x(2), Add(0) -> Acc x(2)
    assert assign_layers(3, [(0, 1), (1, 2), (1, 2), (0, 2)]) == [2, 1, 0]


def test_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="cycle"):
        assign_layers(2, [(0, 1), (1, 0)])


def test_edge_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        assign_layers(2, [(0, 5)])


def test_count_crossings_known_cases() -> None:
    assert count_crossings([[0, 1], [2, 3]], [(0, 3), (1, 2)]) == 1
    assert count_crossings([[0, 1], [2, 3]], [(0, 2), (1, 3)]) == 0
    # Edges sharing an end node never cross.
    assert count_crossings([[0, 1], [2, 3]], [(0, 2), (0, 3)]) == 0


def test_ordering_removes_an_avoidable_crossing() -> None:
    # Gradient edges 2->1 and 3->0: index order [[0, 1], [2, 3]] crosses once.
    edges = [(2, 1), (3, 0)]
    layers = assign_layers(4, edges)
    assert layers == [0, 0, 1, 1]
    assert count_crossings([[0, 1], [2, 3]], edges) == 1
    assert count_crossings(order_layers(layers, edges), edges) == 0


def _random_dag(rng: random.Random, n: int) -> list[tuple[int, int]]:
    # Edges only from lower to higher index: acyclic by construction.
    return [(i, j) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.3]


@pytest.mark.parametrize("seed", range(20))
def test_ordering_is_a_permutation_and_never_worse(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(3, 12)
    edges = _random_dag(rng, n)
    layers = assign_layers(n, edges)
    order = order_layers(layers, edges)
    initial = [[v for v in range(n) if layers[v] == k] for k in range(max(layers) + 1)]
    assert [sorted(row) for row in order] == initial
    assert count_crossings(order, edges) <= count_crossings(initial, edges)


@pytest.mark.parametrize("seed", range(20))
def test_every_edge_goes_from_right_to_left(seed: int) -> None:
    rng = random.Random(100 + seed)
    n = rng.randint(2, 12)
    edges = _random_dag(rng, n)
    pos = layout(n, edges, x_gap=10.0, y_gap=3.0)
    for i, j in edges:
        assert pos[i][0] > pos[j][0]


def test_layout_centres_each_layer() -> None:
    # Chain 0 -> 1 -> 2 with no other edge: every layer has one node, at y = 0.
    pos = layout(3, [(0, 1), (1, 2)], x_gap=100.0, y_gap=50.0)
    assert pos == [(200.0, 0.0), (100.0, 0.0), (0.0, 0.0)]


def test_long_edge_gets_its_own_lane_without_crossings() -> None:
    # z = x @ w + b: Add(0) -> Mm(1) -> Acc w(2), and Add(0) -> Acc b(3) skips
    # layer 1. The skipping edge takes a lane beside Mm, on b's side.
    placed = place(4, [(0, 1), (1, 2), (0, 3)], x_gap=100.0, y_gap=50.0)
    pos = placed.centres
    assert pos[0] == (200.0, 0.0)
    assert placed.routes[0] == [] and placed.routes[1] == []
    (right, lane_y), (left, lane_y2) = placed.routes[2]
    assert right == left == 100.0 and lane_y == lane_y2
    assert sorted([pos[1][1], lane_y]) == [-25.0, 25.0]
    assert sorted([pos[2][1], pos[3][1]]) == [-25.0, 25.0]
    # No crossing: w sits on Mm's side, b on the lane's side.
    assert pos[2][1] == pos[1][1] and pos[3][1] == lane_y


def test_routes_cross_every_skipped_column_right_to_left() -> None:
    sizes = [(30.0, 10.0)] * 4
    placed = place(4, [(0, 1), (1, 2), (2, 3), (0, 3)], x_gap=10.0, y_gap=5.0, sizes=sizes, lane=8.0)
    # Columns span [0, 30], [40, 70], [80, 110], [120, 150]. Edge 0 -> 3 goes
    # from layer 3 to layer 0, crossing column 2 then column 1, right to left.
    xs = [x for x, _ in placed.routes[3]]
    assert xs == [110.0, 80.0, 70.0, 40.0]


def test_empty_graph() -> None:
    assert layout(0, []) == []


def test_sized_columns_fit_their_widest_box() -> None:
    # Chain leaf(2) <- op(1) <- out(0), boxes 40, 100 and 60 wide, gap 10:
    # columns span [0, 40], [50, 150], [160, 220]; centres 20, 100, 190.
    sizes = [(60.0, 20.0), (100.0, 30.0), (40.0, 10.0)]
    pos = layout(3, [(0, 1), (1, 2)], x_gap=10.0, y_gap=5.0, sizes=sizes)
    assert [p[0] for p in pos] == [190.0, 100.0, 20.0]
    assert [p[1] for p in pos] == [0.0, 0.0, 0.0]


def test_sized_boxes_in_one_column_do_not_overlap() -> None:
    # Two leaves of heights 20 and 40 with gap 10 span 70: [-35, -15] and [-5, 35].
    sizes = [(10.0, 10.0), (10.0, 20.0), (10.0, 40.0)]
    pos = layout(3, [(0, 1), (0, 2)], x_gap=10.0, y_gap=10.0, sizes=sizes)
    assert sorted((pos[1][1], pos[2][1])) == [-25.0, 15.0]
