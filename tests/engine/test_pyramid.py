"""The min/max pyramid: block envelopes equal numpy's direct min/max, incrementally and after truncation."""

from __future__ import annotations

import numpy as np
import pytest

from playground.pyramid import MinMaxPyramid, envelope


def _grown(rows: np.ndarray, steps: list[int]) -> MinMaxPyramid:
    pyramid = MinMaxPyramid(rows.shape[1])
    for n in steps:
        pyramid.sync(rows[:n])
    return pyramid


@pytest.mark.parametrize("steps", [[1000], [1, 2, 3, 7, 64, 65, 999, 1000], list(range(1, 1001, 37)) + [1000]])
def test_every_level_equals_the_direct_envelope(steps: list[int]) -> None:
    rng = np.random.default_rng(0)
    rows = rng.standard_normal((1000, 3))
    rows[100:300, 1] = np.nan  # a grad that was None for a while
    pyramid = _grown(rows, steps)
    assert len(pyramid.levels) == 9  # 2**9 = 512 <= 1000 < 1024
    for level, (mins, maxs) in enumerate(pyramid.levels, start=1):
        want_min, want_max = envelope(rows, 1 << level)
        np.testing.assert_array_equal(mins.view(), want_min)
        np.testing.assert_array_equal(maxs.view(), want_max)


def test_query_cost_is_bounded_by_pixels_and_keeps_extremes_and_the_last_row() -> None:
    rng = np.random.default_rng(1)
    rows = np.cumsum(rng.standard_normal((200_003, 2)), axis=0)
    pyramid = MinMaxPyramid(2)
    for pixels in (100, 800, 1600):
        x, y = pyramid.query(rows, 0, len(rows), pixels)
        assert len(x) <= 2 * pixels + 3
        assert np.all(np.diff(x) >= 0)
        # Every extreme of the run is in the envelope, none beyond it.
        np.testing.assert_array_equal(np.nanmin(y, axis=0), rows.min(axis=0))
        np.testing.assert_array_equal(np.nanmax(y, axis=0), rows.max(axis=0))
        assert x[-1] == len(rows) - 1
        np.testing.assert_array_equal(y[-1], rows[-1])


def test_query_of_a_zoomed_range_reads_the_rows_themselves() -> None:
    rows = np.arange(50_000, dtype=np.float64).reshape(-1, 1) ** 0.5
    pyramid = MinMaxPyramid(1)
    x, y = pyramid.query(rows, 1000, 1500, 800)
    np.testing.assert_array_equal(x, np.arange(1000, 1500))
    np.testing.assert_array_equal(y[:, 0], rows[1000:1500, 0])


def test_truncate_then_regrow_matches_a_fresh_pyramid() -> None:
    rng = np.random.default_rng(2)
    first = rng.standard_normal((5000, 2))
    pyramid = _grown(first, [5000])
    branch = first.copy()
    branch[1234:] = rng.standard_normal((5000 - 1234, 2)) * 10  # a run branched at 1234
    pyramid.truncate(1234)
    pyramid.sync(branch)
    fresh = _grown(branch, [5000])
    for (a_min, a_max), (b_min, b_max) in zip(pyramid.levels, fresh.levels):
        np.testing.assert_array_equal(a_min.view(), b_min.view())
        np.testing.assert_array_equal(a_max.view(), b_max.view())


def test_a_store_that_shrank_is_noticed_on_sync() -> None:
    rows = np.arange(64, dtype=np.float64).reshape(-1, 1)
    pyramid = _grown(rows, [64])
    pyramid.sync(rows[:10])
    assert pyramid.rows_seen == 10
    assert pyramid.levels[0][0].n == 5 and pyramid.levels[2][0].n == 1


def test_empty_and_single_row() -> None:
    pyramid = MinMaxPyramid(3)
    x, y = pyramid.query(np.empty((0, 3)), 0, 10, 100)
    assert x.shape == (0,) and y.shape == (0, 3)
    x, y = pyramid.query(np.ones((1, 3)), 0, 1, 100)
    assert x.tolist() == [0.0] and y.tolist() == [[1.0, 1.0, 1.0]]
