"""The simulated exchange's market: prices, candles, books and trades from a seed.

Everything here is a pure function of (seed, pair, time): the same seed gives the same market,
and any past moment can be computed directly, so historical candles and backtests reproduce.
"""
