"""hbdesk's vectorised backtesting engine: barriers, trade cost, figures, determinism, and the same
trades as hummingbot's own ``BacktestingEngineBase`` on the same sim candles."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hbdesk_plugins.backtesting import engine, reference
from hbdesk_plugins.backtesting.configs import resolve_shipped
from hbdesk_plugins.backtesting.frames import feed_key, to_frame
from hbdesk_plugins.backtesting.metrics import Outcome, summarize
from hbdesk_plugins.backtesting.simulate import Barriers, simulate_position
from hbdesk_plugins.sim.market import SimMarket

DAY = 86_400
START = 1_700_000_000 // DAY * DAY
CONFIG: dict[str, Any] = {
    "controller_name": "macd_bb",
    "connector_name": "hbdesk_sim",
    "trading_pair": "BTC-USDT",
    "interval": "3m",
    "bb_length": 50,
    "bb_long_threshold": 0.1,
    "bb_short_threshold": 0.9,
    "total_amount_quote": 1000,
    "stop_loss": 0.004,
    "take_profit": 0.003,
    "time_limit": 3600,
    "trailing_stop": "0.002,0.0005",
    "cooldown_time": 120,
}


def load_config(config: dict[str, Any]) -> Any:
    """A shipped controller's config, as the backtesting plugin loads it without the controllers
    plugin (the same class the controllers service answers for a shipped controller)."""
    return resolve_shipped(config).config


def sim_frames(days: float, seed: int = 1, pair: str = "BTC-USDT") -> dict[str, pd.DataFrame]:
    market = SimMarket(seed)
    end = START + int(days * DAY)
    return {
        feed_key("hbdesk_sim", pair, interval): to_frame(market.candle_columns(pair, interval, START, end))
        for interval in ("1m", "3m")
    }


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return sim_frames(2)


# -- one executor's barriers --------------------------------------------------------------------


def candles(closes: list[float], lows: list[float] | None = None, highs: list[float] | None = None) -> Any:
    c = np.array(closes, dtype=float)
    times = np.arange(len(c), dtype=float) * 60
    low = np.array(lows, dtype=float) if lows else c.copy()
    high = np.array(highs, dtype=float) if highs else c.copy()
    return times, c, high, low


def barriers(**given: float | None) -> Barriers:
    fields: dict[str, float | None] = {
        "take_profit": None,
        "stop_loss": None,
        "time_limit": None,
        "trailing_activation": None,
        "trailing_delta": None,
    }
    return Barriers(**(fields | given))  # type: ignore[arg-type]


def test_take_profit_closes_on_the_first_candle_beyond_it() -> None:
    times, c, high, low = candles([100, 100.2, 100.6, 101, 102])
    closed = simulate_position(times, c, high, low, 0, 1, 2.0, barriers(take_profit=0.005), 0.0)
    assert (closed.close_row, closed.close_type) == (2, "TAKE_PROFIT")
    assert closed.net_pnl_pct == pytest.approx(0.006)
    assert closed.filled_quote == 200.0


def test_stop_loss_uses_the_candles_extremes_and_the_side() -> None:
    times, c, high, low = candles([100, 100, 100, 100], lows=[99.9, 99.5, 98, 99], highs=[100, 101, 100, 100])
    long = simulate_position(times, c, high, low, 0, 1, 1.0, barriers(stop_loss=0.01), 0.0)
    assert (long.close_row, long.close_type) == (2, "STOP_LOSS")
    short = simulate_position(times, c, high, low, 0, -1, 1.0, barriers(stop_loss=0.01), 0.0)
    assert (short.close_row, short.close_type) == (1, "STOP_LOSS")


def test_time_limit_and_the_last_candle() -> None:
    times, c, high, low = candles([100, 100.1, 100.2, 100.1, 100.3, 100.2])
    closed = simulate_position(times, c, high, low, 1, 1, 1.0, barriers(time_limit=120), 0.0)
    assert (closed.close_row, closed.close_type) == (3, "TIME_LIMIT")  # 1 + 120 s of 60 s candles
    closed = simulate_position(times, c, high, low, 1, 1, 1.0, barriers(), 0.0)
    assert (closed.close_row, closed.close_type) == (5, "TIME_LIMIT")


def test_trailing_stop_follows_the_best_pnl_once_armed() -> None:
    times, c, high, low = candles([100, 100.5, 101, 100.9, 100.7, 100.6])
    closed = simulate_position(
        times, c, high, low, 0, 1, 1.0, barriers(trailing_activation=0.004, trailing_delta=0.002), 0.0
    )
    # armed at +0.5 %, best +1 %, so it trails at +0.8 %: 100.7 is the first close under it
    assert (closed.close_row, closed.close_type) == (4, "TRAILING_STOP")


def test_barriers_on_the_same_candle_rank_take_profit_first() -> None:
    times, c, high, low = candles([100, 101], lows=[100, 98])
    closed = simulate_position(
        times, c, high, low, 0, 1, 1.0, barriers(take_profit=0.005, stop_loss=0.01), 0.0
    )
    assert closed.close_type == "TAKE_PROFIT"


def test_trade_cost_is_paid_on_both_trades() -> None:
    times, c, high, low = candles([100, 101])
    closed = simulate_position(times, c, high, low, 0, -1, 1.0, barriers(), 0.001)
    assert closed.net_pnl_pct == pytest.approx(-0.01 - 0.002)


def test_one_executor_matches_hummingbots_simulator_on_random_walks() -> None:
    from decimal import Decimal

    from hummingbot.core.data_type.common import OrderType, TradeType
    from hummingbot.strategy_v2.backtesting.executors_simulator.position_executor_simulator import (
        PositionExecutorSimulator,
    )
    from hummingbot.strategy_v2.executors.position_executor.data_types import (
        PositionExecutorConfig,
        TrailingStop,
        TripleBarrierConfig,
    )

    rng = np.random.default_rng(7)
    for case in range(30):
        closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.002, 200)))
        times = np.arange(200, dtype=float) * 60
        high, low = closes * (1 + rng.uniform(0, 0.002, 200)), closes * (1 - rng.uniform(0, 0.002, 200))
        frame = pd.DataFrame({"timestamp": times, "close": closes, "high": high, "low": low}, index=times)
        side = 1 if case % 2 else -1
        trailing = TrailingStop(activation_price=Decimal("0.003"), trailing_delta=Decimal("0.001"))
        triple = TripleBarrierConfig(
            stop_loss=Decimal("0.006"),
            take_profit=Decimal("0.008"),
            time_limit=int(rng.integers(600, 9000)),
            trailing_stop=trailing if case % 3 else None,
            open_order_type=OrderType.MARKET,
        )
        first = int(rng.integers(0, 150))
        config = PositionExecutorConfig(
            timestamp=times[first],
            connector_name="x",
            trading_pair="A-B",
            side=TradeType.BUY if side > 0 else TradeType.SELL,
            entry_price=Decimal(closes[first]),
            amount=Decimal("0.5"),
            triple_barrier_config=triple,
        )
        theirs = PositionExecutorSimulator().simulate(frame.loc[times[first] :], config, 0.0006)
        ours = simulate_position(times, closes, high, low, first, side, 0.5, Barriers.of(triple), 0.0006)
        last = theirs.executor_simulation.iloc[-1]
        assert ours.close_type == theirs.close_type.name
        assert times[ours.close_row] == last.name
        assert ours.net_pnl_pct == last["net_pnl_pct"]


# -- figures -------------------------------------------------------------------------------------


def test_figures_of_a_small_hand_computed_case() -> None:
    outcomes = [
        Outcome("BUY", "TAKE_PROFIT", 2.0, 200.0, 0.12),
        Outcome("SELL", "STOP_LOSS", -1.0, 200.0, 0.12),
        Outcome("SELL", "TIME_LIMIT", 1.0, 200.0, 0.12),
        Outcome("SELL", "TIME_LIMIT", 0.0, 0.0, 0.0),  # never filled: no position
    ]
    results = summarize(outcomes, 100.0, [0.0, 2.0, 1.0, 2.0])
    assert results["net_pnl_quote"] == 2.0 and results["net_pnl"] == 0.02
    assert results["total_executors"] == 4 and results["total_positions"] == 3
    assert results["total_executors_with_position"] == 3 and results["total_volume"] == 600.0
    assert (results["total_long"], results["total_short"]) == (1, 2)
    assert results["accuracy"] == pytest.approx(2 / 3)
    assert (results["accuracy_long"], results["accuracy_short"]) == (1.0, 0.5)
    assert (results["win_signals"], results["loss_signals"]) == (2, 1)
    assert results["profit_factor"] == 3.0
    assert results["close_types"] == {"STOP_LOSS": 1, "TAKE_PROFIT": 1, "TIME_LIMIT": 2}
    assert results["max_drawdown_usd"] == -1.0 and results["max_drawdown_pct"] == -0.01
    returns = [0.0, 0.02, 0.01, 0.02]
    mean = sum(returns) / 4
    std = math.sqrt(sum((r - mean) ** 2 for r in returns) / 3)
    assert results["sharpe_ratio"] == pytest.approx(mean / std)
    assert results["total_fees_quote"] == pytest.approx(0.36)
    assert summarize([], 100.0, [])["total_executors"] == 0


# -- whole runs ---------------------------------------------------------------------------------


def test_the_same_run_twice_gives_identical_results(frames: dict[str, pd.DataFrame]) -> None:
    first = engine.run(load_config(CONFIG), frames, "1m", 0.0006)
    second = engine.run(load_config(dict(CONFIG)), sim_frames(2), "1m", 0.0006)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["results"]["total_executors"] > 5
    assert set(first["processed_data"]) >= {"timestamp", "close", "bbp", "macdh", "signal"}
    assert len(first["pnl_timeseries"]) == len(first["processed_data"]["timestamp"])


def trades(result: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["timestamp"], e["side"], e["close_type"], e["close_timestamp"], e["net_pnl_quote"])
        for e in result["executors"]
    ]


@pytest.mark.parametrize("pair", ["BTC-USDT", "SOL-USDT"])
def test_the_same_trades_and_figures_as_hummingbots_engine(pair: str) -> None:
    frames = sim_frames(2, seed=3, pair=pair)
    config = {**CONFIG, "trading_pair": pair}
    ours = engine.run(load_config(config), frames, "1m", 0.0006)
    theirs = reference.run(load_config(config), frames, "1m", 0.0006)
    assert trades(ours) and trades(ours) == trades(theirs)
    assert ours["results"] == theirs["results"]
    assert ours["pnl_timeseries"] == theirs["pnl_timeseries"]


def test_hummingbots_own_entry_rule_is_reproduced_too(frames: dict[str, pd.DataFrame]) -> None:
    """A controller on the directional base's ``can_create_executor`` (whose short branch counts
    every active executor) gets that rule in the vectorised engine too."""
    from hummingbot.strategy_v2.controllers.directional_trading_controller_base import (
        DirectionalTradingControllerBase,
    )

    from hbdesk_plugins.controllers.library.macd_bb import MACDBBController, MACDBBControllerConfig

    class BaseRuleController(MACDBBController):
        can_create_executor = DirectionalTradingControllerBase.can_create_executor

    class BaseRuleConfig(MACDBBControllerConfig):
        def get_controller_class(self) -> type:
            return BaseRuleController

    config = {**CONFIG, "id": "base_rule", "max_executors_per_side": 3, "cooldown_time": 60}
    ours = engine.run(BaseRuleConfig(**config), frames, "1m", 0.0006)
    theirs = reference.run(BaseRuleConfig(**config), frames, "1m", 0.0006)
    assert trades(ours) and trades(ours) == trades(theirs)
    assert ours["results"] == theirs["results"]
