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

import numpy as np

from hbdesk.sim.noise import Floats, normal, stream_key


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

    def log_offsets(self, times: Floats) -> Floats:
        """Log-price minus log-anchor at each time (seconds since the epoch)."""
        total = np.zeros_like(times, dtype=np.float64)
        for component, key in zip(self.components, self._keys, strict=True):
            total += self._component(component, key, times)
        return total * self.volatility

    def prices(self, times: Floats) -> Floats:
        return self.anchor * np.exp(self.log_offsets(np.asarray(times, dtype=np.float64)))

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

    @staticmethod
    def _component(component: Component, key: np.uint64, times: Floats) -> Floats:
        position = times / component.span
        base = np.floor(position).astype(np.int64)
        frac = position - base
        weights = component.phi ** np.arange(component.window, dtype=np.float64)
        scale = component.innovation_scale
        first, last = int(base.min()), int(base.max()) + 1
        if last - first <= 4 * len(base):
            # Dense: every lattice point in the range, by one convolution over the innovations
            # (from ``window - 1`` points before the first one needed).
            indices = np.arange(first - component.window + 1, last + 1, dtype=np.int64)
            lattice = np.convolve(normal(key, indices) * scale, weights, mode="valid")
            at = base - first
            return lattice[at] * (1.0 - frac) + lattice[at + 1] * frac
        # Sparse (a long range seen coarsely): only the lattice points the times fall between.
        needed, where = np.unique(np.concatenate([base, base + 1]), return_inverse=True)
        history = needed[:, None] - np.arange(component.window, dtype=np.int64)[None, :]
        values = (normal(key, history) * scale) @ weights
        left, right = values[where[: len(base)]], values[where[len(base) :]]
        return left * (1.0 - frac) + right * frac
