"""A price path: log-price as a sum of mean-reverting components on lattices of different spans.

Each component is an AR(1) process on its own lattice (one value every ``span`` seconds), written
as the exponentially weighted sum of its last ``window`` innovations, so its value at any lattice
point needs only those draws; between lattice points it is interpolated linearly. A fast
component gives the tick-to-tick jitter, slower ones the minutes', hours' and days' swings, and
the price always returns towards its anchor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from hbdesk_plugins.sim.noise import Floats, Ints, normal, stream_key


@dataclass(frozen=True)
class Component:
    span: float  # seconds between lattice points
    phi: float  # AR(1) persistence per lattice step, in [0, 1)
    stdev: float  # the component's stationary standard deviation, in log-price
    window: int  # innovations summed for one lattice value

    @property
    def innovation_scale(self) -> float:
        return self.stdev * float(np.sqrt(1.0 - self.phi**2))


# From tick jitter to daily swings; standard deviations are of log-price, scaled per pair.
DEFAULT_COMPONENTS = (
    Component(span=1.0, phi=0.5, stdev=0.00008, window=8),
    Component(span=60.0, phi=0.9, stdev=0.002, window=48),
    Component(span=3600.0, phi=0.95, stdev=0.014, window=72),
    Component(span=86400.0, phi=0.97, stdev=0.08, window=96),
)


class PricePath:
    def __init__(
        self,
        seed: int,
        name: str,
        anchor: float,
        volatility: float = 1.0,
        components: tuple[Component, ...] = DEFAULT_COMPONENTS,
    ) -> None:
        self.anchor = anchor
        self.volatility = volatility
        self.components = components
        self._keys = [stream_key(seed, name, "price", str(c.span)) for c in components]
        self._weights = [c.phi ** np.arange(c.window, dtype=np.float64) for c in components]
        self._lattice: dict[tuple[int, int], float] = {}  # (component, lattice index) → value

    def log_offsets(self, times: Floats, scratch: Scratch | None = None) -> Floats:
        """Log-price minus log-anchor at each time (seconds since the epoch).

        With ``scratch`` the answer is one of its arrays, good until its next use."""
        scratch = scratch or Scratch()
        total = scratch.get("total", len(times))
        bounds = (float(times.min()), float(times.max()))
        np.copyto(total, self._component(0, times, bounds, scratch))
        for index in range(1, len(self.components)):
            total += self._component(index, times, bounds, scratch)
        total *= self.volatility
        return total

    def prices(self, times: Floats, scratch: Scratch | None = None) -> Floats:
        """The price at each time; ``scratch`` as for ``log_offsets``."""
        prices = self.log_offsets(np.asarray(times, dtype=np.float64), scratch)
        np.exp(prices, out=prices)
        prices *= self.anchor
        return prices

    def price(self, time: float) -> float:
        """One price, as ``prices`` gives it; live books ask this many times a second, so the
        lattice values it interpolates between are kept rather than drawn again."""
        total = 0.0
        for index, component in enumerate(self.components):
            position = time / component.span
            base = math.floor(position)
            frac = position - base
            total += self._point(index, base) * (1.0 - frac) + self._point(index, base + 1) * frac
        return self.anchor * math.exp(total * self.volatility)

    def _point(self, index: int, point: int) -> float:
        value = self._lattice.get((index, point))
        if value is None:
            if len(self._lattice) > 4096:
                self._lattice.clear()  # live use walks forward: old points are not asked again
            component = self.components[index]
            history = point - np.arange(component.window, dtype=np.int64)
            draws = normal(self._keys[index], history) * component.innovation_scale
            value = float(draws @ self._weights[index])
            self._lattice[(index, point)] = value
        return value

    def _component(self, index: int, times: Floats, bounds: tuple[float, float], scratch: Scratch) -> Floats:
        """One component at each time, linear between its lattice points; an array of ``scratch``.
        ``bounds`` are the earliest and the latest of the times.

        Long candle ranges pass tens of millions of times through here, so the arithmetic runs
        in place, in the order of operations of the plain ``left * (1 - frac) + right * frac``:
        the same bits."""
        component, key, weights = self.components[index], self._keys[index], self._weights[index]
        size, window, scale = len(times), component.window, component.innovation_scale
        position = np.divide(times, component.span, out=scratch.get("position", size))
        base_float = np.floor(position, out=scratch.get("floor", size))
        frac = np.subtract(position, base_float, out=position)
        base = scratch.get("base", size, np.int64)
        np.copyto(base, base_float, casting="unsafe")
        left, right = scratch.get("left", size), scratch.get("right", size)
        on_lattice = frac.max() == 0.0  # (frac >= 0) a minute candle's seconds: right points weigh 0
        first, last = math.floor(bounds[0] / component.span), math.floor(bounds[1] / component.span)
        if last + 1 - first <= window * size:
            # Dense: the samples' windows of innovations cover the range anyway, so draw it all
            # and take every lattice point in it by one convolution.
            draws = normal(key, np.arange(first - window + 1, last + 2, dtype=np.int64))
            draws *= scale
            lattice = np.convolve(draws, weights, mode="valid")
            base -= first
            # "clip" only spares the check of indices in range by construction: it is faster
            np.take(lattice, base, out=left, mode="clip")
            if on_lattice:
                return left
            np.take(lattice[1:], base, out=right, mode="clip")
        else:
            # Sparse (a long range seen coarsely): only the lattice points the times fall between,
            # each drawn once however many times share it. Where ``frac`` is 0 the right-hand
            # point is only multiplied by 0, so the left one stands in for it and is not drawn.
            right_points = base + (frac != 0)
            needed, where = np.unique(np.concatenate([base, right_points]), return_inverse=True)
            values = _lattice_at(needed, key, weights, scale)
            np.take(values, where[:size], out=left, mode="clip")
            if on_lattice:
                return left
            np.take(values, where[size:], out=right, mode="clip")
        left *= np.subtract(1.0, frac, out=base_float)
        right *= frac
        left += right
        return left


class Scratch:
    """Working arrays kept from one use to the next by a caller that prices a long range in
    chunks: fresh arrays of a chunk's size every time cost more in page faults than the
    arithmetic done on them. One per thread, like any working memory."""

    def __init__(self) -> None:
        self._arrays: dict[str, npt.NDArray[Any]] = {}

    @overload
    def get(self, name: str, size: int) -> Floats: ...

    @overload
    def get[G: np.generic](self, name: str, size: int, dtype: type[G]) -> npt.NDArray[G]: ...

    def get(self, name: str, size: int, dtype: type[np.generic] = np.float64) -> npt.NDArray[Any]:
        array = self._arrays.get(name)
        if array is None or len(array) < size:
            array = self._arrays[name] = np.empty(size, dtype=dtype)
        return array[:size]


def _lattice_at(points: Ints, key: np.uint64, weights: Floats, scale: float) -> Floats:
    """The lattice values at ``points`` (sorted, distinct), each the weighted sum of its window of
    innovations; an innovation in the windows of several points (a time's two neighbours share
    all but one) is drawn once."""
    window = len(weights)
    # Points less than a window apart share innovations: each run of them draws one stretch,
    # and the stretches are laid end to end.
    breaks = np.flatnonzero(np.diff(points) > window) + 1
    run_first = points[np.concatenate([[0], breaks])]
    run_last = points[np.concatenate([breaks - 1, [len(points) - 1]])]
    lengths = run_last - run_first + window
    starts = np.cumsum(lengths) - lengths
    offset = run_first - window + 1 - starts  # innovation index minus position in the stretches
    positions = np.arange(int(lengths.sum()), dtype=np.int64)
    innovations = normal(key, positions + np.repeat(offset, lengths)) * scale
    at = points - np.repeat(offset, np.diff(np.concatenate([[0], breaks, [len(points)]])))
    # A fixed order of terms, element by element: a point's value does not depend on which other
    # points were asked with it, so a long range computed in chunks is the same to the bit.
    total: Floats = innovations[at] * weights[0]  # a scalar from indexing is typed Any by numpy
    for lag in range(1, window):
        total += innovations[at - lag] * weights[lag]
    return total
