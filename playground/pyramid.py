"""A min/max pyramid over a growing column of numbers, so a plot frame costs the same at any run length.

A plot of a million actions on a 1,000-pixel axis needs, per pixel column, the
lowest and the highest value of the rows behind it (what pyqtgraph's "peak"
downsampling computes, but over the whole array every frame). Level ``L`` of the
pyramid holds, for every full block of ``2**L`` rows, the block's min and max;
each level is built from the one below as rows arrive, so appending is amortised
O(1) and a query reads about ``pixels`` blocks of the right level, whatever the
run's length. Pure numpy: no torch, no Qt (the plots and the benchmark use it).

NaN (a grad that is None) is ignored inside a block (``np.fmin``/``np.fmax``); a
block of NaN only stays NaN, so a curve drawn with ``connect="finite"`` keeps its
gap.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MinMaxPyramid", "envelope"]


class _Growing:
    """A (rows, columns) float64 array grown by doubling, cut back by truncation."""

    def __init__(self, columns: int) -> None:
        self.data = np.empty((16, columns), dtype=np.float64)
        self.n = 0

    def extend(self, rows: np.ndarray) -> None:
        need = self.n + len(rows)
        if need > len(self.data):
            grown = np.empty((max(need, 2 * len(self.data)), self.data.shape[1]), dtype=np.float64)
            grown[:self.n] = self.data[:self.n]
            self.data = grown
        self.data[self.n:need] = rows
        self.n = need

    def view(self) -> np.ndarray:
        return self.data[:self.n]


def _pairs(rows: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    """Reduce consecutive pairs of rows (an even number of them) with ``reduce``."""
    return reduce(rows[0::2], rows[1::2])


class MinMaxPyramid:
    """Block minima and maxima of a column store, kept in step with it.

    The pyramid does not keep the rows themselves: each call passes the store's
    current rows (a view, ``(n, columns)``), so the store stays the one copy of
    the run. Rows already summarised must not change, except by
    :meth:`truncate` (a run that branches from an earlier action replaces the rows
    after it).

    Parameters
    ----------
    columns:
        Numbers per row (e.g. the elements of every parameter).
    """

    def __init__(self, columns: int) -> None:
        self.columns = columns
        #: levels[i] covers blocks of 2**(i + 1) rows: (mins, maxs).
        self.levels: list[tuple[_Growing, _Growing]] = []
        self.rows_seen = 0

    def truncate(self, n: int) -> None:
        """Forget every summary that involves row ``n`` or later."""
        n = max(0, int(n))
        if n >= self.rows_seen:
            return
        self.rows_seen = n
        for level, (mins, maxs) in enumerate(self.levels):
            keep = n >> (level + 1)
            mins.n = min(mins.n, keep)
            maxs.n = min(maxs.n, keep)

    def sync(self, rows: np.ndarray) -> None:
        """Summarise the rows added since the last call (``rows`` is the whole store)."""
        n = len(rows)
        if n < self.rows_seen:
            self.truncate(n)
        if n == self.rows_seen:
            return
        level = 0
        # Level 0 is the rows; each higher level is built from the one below it.
        while True:
            block = 1 << (level + 1)
            if n // block == 0:
                break
            if level == len(self.levels):
                self.levels.append((_Growing(self.columns), _Growing(self.columns)))
            mins, maxs = self.levels[level]
            have, want = mins.n, n // block
            if want > have:
                if level == 0:
                    part = rows[2 * have:2 * want]
                    new_min, new_max = _pairs(part, np.fmin), _pairs(part, np.fmax)
                else:
                    below_min, below_max = self.levels[level - 1]
                    new_min = _pairs(below_min.view()[2 * have:2 * want], np.fmin)
                    new_max = _pairs(below_max.view()[2 * have:2 * want], np.fmax)
                mins.extend(new_min)
                maxs.extend(new_max)
            level += 1
        self.rows_seen = n

    def level_for(self, span: int, pixels: int) -> int:
        """The level whose blocks put at most ``pixels`` blocks in ``span`` rows (0: the rows)."""
        if span <= 2 * pixels or pixels <= 0:
            return 0
        return min(len(self.levels), max(0, math.ceil(math.log2(span / pixels))))

    def query(self, rows: np.ndarray, lo: int, hi: int,
              pixels: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of the envelope of rows ``lo..hi-1``: about two points per block.

        ``rows`` is the store's current ``(n, columns)`` view (already passed to
        :meth:`sync`). Returns ``x`` of shape ``(m,)`` (row numbers) and ``y`` of
        shape ``(m, columns)``; with few rows in range they are the rows themselves.
        """
        self.sync(rows)
        n = len(rows)
        lo, hi = max(0, int(lo)), min(n, int(hi))
        if hi <= lo:
            return np.empty(0), np.empty((0, self.columns))
        level = self.level_for(hi - lo, pixels)
        if level == 0:
            return np.arange(lo, hi, dtype=np.float64), np.asarray(rows[lo:hi], dtype=np.float64)
        size = 1 << level
        mins, maxs = self.levels[level - 1]
        first, last = lo // size, min(hi // size, mins.n)  # whole blocks available
        block_min, block_max = mins.view()[first:last], maxs.view()[first:last]
        starts = np.arange(first, last, dtype=np.float64) * size
        xs, ys = [_interleave(starts, starts + size / 2)], [_interleave(block_min, block_max)]
        tail = last * size
        if tail < hi:
            # The newest rows, not yet a whole block: at most 2**level of them, read raw.
            part = np.asarray(rows[tail:hi], dtype=np.float64)
            xs.append(np.array([tail, tail + (hi - tail) / 2], dtype=np.float64))
            ys.append(np.stack([np.fmin.reduce(part, axis=0), np.fmax.reduce(part, axis=0)]))
        # The newest row itself ends the curve, so its last point is the run's value.
        xs.append(np.array([hi - 1], dtype=np.float64))
        ys.append(np.asarray(rows[hi - 1:hi], dtype=np.float64))
        return np.concatenate(xs), np.concatenate(ys)


def _interleave(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty((2 * len(a),) + a.shape[1:], dtype=np.float64)
    out[0::2], out[1::2] = a, b
    return out


def envelope(rows: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Reference: min and max of each whole block of ``size`` rows, computed directly (for tests)."""
    whole = (len(rows) // size) * size
    blocks = np.asarray(rows[:whole], dtype=np.float64).reshape(-1, size, *rows.shape[1:])
    return np.fmin.reduce(blocks, axis=1), np.fmax.reduce(blocks, axis=1)
