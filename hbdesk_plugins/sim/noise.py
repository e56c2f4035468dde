"""Counter-based random numbers: the n-th draw of a stream is a hash of (seed, stream, n).

Unlike a sequential generator, any draw can be computed without the ones before it, which is
what lets the market be evaluated at an arbitrary past time. Vectorised with numpy.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_UNIT = 1.0 / (1 << 53)  # 53 random bits → [0, 1)
_TWO_PI = 2.0 * np.pi
NORMAL_BLOCK = 1 << 13  # draws made at a time by ``normal``: its working arrays fit in L2
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def stream_key(seed: int, *names: str) -> np.uint64:
    """A 64-bit key for one named stream of one seed (e.g. seed, "BTC-USDT", "price", "1h")."""
    digest = hashlib.blake2b(f"{seed}|{'|'.join(names)}".encode(), digest_size=8).digest()
    return np.uint64(int.from_bytes(digest, "little"))


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # The finaliser of SplitMix64: a bijective, well-mixed hash of a 64-bit counter.
    with np.errstate(over="ignore"):
        x = (x + _GOLDEN) & _MASK
        x = ((x ^ (x >> np.uint64(30))) * _MIX_1) & _MASK
        x = ((x ^ (x >> np.uint64(27))) * _MIX_2) & _MASK
        return x ^ (x >> np.uint64(31))


def _splitmix64_in_place(x: npt.NDArray[np.uint64], scratch: npt.NDArray[np.uint64]) -> None:
    """``_splitmix64`` overwriting ``x`` (uint64 arithmetic wraps, as the masks there spell out)."""
    np.add(x, _GOLDEN, out=x)
    for shift, factor in ((30, _MIX_1), (27, _MIX_2)):
        np.right_shift(x, np.uint64(shift), out=scratch)
        np.bitwise_xor(x, scratch, out=x)
        np.multiply(x, factor, out=x)
    np.right_shift(x, np.uint64(31), out=scratch)
    np.bitwise_xor(x, scratch, out=x)


def uniform(key: np.uint64, index: Ints) -> Floats:
    """Uniform draws in [0, 1), one per index (negative indices are fine)."""
    with np.errstate(over="ignore"):
        mixed = _splitmix64(index.astype(np.uint64) ^ key)
    return (mixed >> np.uint64(11)).astype(np.float64) * _UNIT


def normal(key: np.uint64, index: Ints) -> Floats:
    """Standard normal draws, one per index (Box-Muller over two hashed uniforms).

    Draw n is made of the uniforms ``uniform`` gives for indices 2n and 2n + 1, to the same bits
    as the plain formula, here in blocks that stay in the CPU's cache and without temporary
    arrays: a long candle range draws tens of millions of these.
    """
    counters = np.ascontiguousarray(index, dtype=np.int64).reshape(-1).view(np.uint64)
    out = np.empty(len(counters), dtype=np.float64)
    block = max(1, min(NORMAL_BLOCK, len(counters)))
    # Row 0 feeds the radius, row 1 the angle; rows, not interleaved pairs, keep every ufunc on
    # contiguous memory (its vectorised loop, the same one the plain version ran).
    bits = np.empty((2, block), dtype=np.uint64)
    spare = np.empty((2, block), dtype=np.uint64)
    units = np.empty((2, block), dtype=np.float64)
    for start in range(0, len(counters), block):
        stop = min(start + block, len(counters))
        mixed, scratch, unit = bits[:, : stop - start], spare[:, : stop - start], units[:, : stop - start]
        np.left_shift(counters[start:stop], np.uint64(1), out=mixed[0])  # 2n, wrapping as int64 did
        np.bitwise_or(mixed[0], np.uint64(1), out=mixed[1])
        np.bitwise_xor(mixed, key, out=mixed)
        _splitmix64_in_place(mixed, scratch)
        np.right_shift(mixed, np.uint64(11), out=mixed)
        np.copyto(unit, mixed.view(np.int64), casting="unsafe")  # below 2**53: exact, and a faster cast
        np.multiply(unit, _UNIT, out=unit)
        radius, angle = unit[0], unit[1]
        np.negative(radius, out=radius)
        np.log1p(radius, out=radius)
        np.multiply(radius, -2.0, out=radius)
        np.sqrt(radius, out=radius)
        np.multiply(angle, _TWO_PI, out=angle)
        np.cos(angle, out=angle)
        np.multiply(radius, angle, out=out[start:stop])
    return out.reshape(np.shape(index))
