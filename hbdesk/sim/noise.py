"""Counter-based random numbers: the n-th draw of a stream is a hash of (seed, stream, n).

Unlike a sequential generator, any draw can be computed without the ones before it, which is
what lets the market be evaluated at an arbitrary past time. Vectorised with numpy.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def stream_key(seed: int, *names: str) -> np.uint64:
    """A 64-bit key for one named stream of one seed (e.g. seed, "BTC-USDT", "price", "1h")."""
    digest = hashlib.blake2b(f"{seed}|{'|'.join(names)}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # The finaliser of SplitMix64: a bijective, well-mixed hash of a 64-bit counter.
    with np.errstate(over="ignore"):
        x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK
        x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        return x ^ (x >> np.uint64(31))


def uniform(key: np.uint64, index: Ints) -> Floats:
    """Uniform draws in [0, 1), one per index (negative indices are fine)."""
    with np.errstate(over="ignore"):
        mixed = _splitmix64(index.astype(np.uint64) ^ key)
    return (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def normal(key: np.uint64, index: Ints) -> Floats:
    """Standard normal draws, one per index (Box-Muller over two hashed uniforms)."""
    u1 = uniform(key, index * 2)
    u2 = uniform(key, index * 2 + 1)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
