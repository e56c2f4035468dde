"""The executors plugin's own hook, and hummingbot's eight executor types registered through it
exactly as a third-party plugin registers one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import hookspec
from hbdesk_plugins.executors.public import ExecutorType

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel
    from hbdesk_plugins.executors.public import RegisterExecutorType

BASE = "hummingbot.strategy_v2.executors"


class ExecutorHooks:
    """The executors plugin's hooks."""

    @hookspec
    def register_executor_types(self, kernel: Kernel, register: RegisterExecutorType) -> None:
        """Add executor types: ``register(ExecutorType(name, executor_class, config_class, ...))``."""
        raise NotImplementedError


def _builtin(
    name: str,
    module: str,
    cls: str,
    description: str,
    use_case: str,
    state: tuple[str, ...] | None,
    reason: str = "",
    needs_gateway: bool = False,
) -> ExecutorType:
    return ExecutorType(
        name=name,
        executor_class=f"{BASE}.{module}.{module}:{cls}Executor",
        config_class=f"{BASE}.{module}.data_types:{cls}ExecutorConfig",
        description=description,
        use_case=use_case,
        state=state,
        not_resumable_reason=reason,
        needs_gateway=needs_gateway,
    )


# Private attributes that, with the config, are an executor's whole run state (read in each
# executor's __init__ and handlers); the common ones (status, close type, retries, held orders)
# are kept for every type.
BUILTIN = (
    _builtin(
        "position_executor",
        "position_executor",
        "Position",
        "A directional position guarded by a triple barrier: stop-loss, take-profit, time limit"
        " and an optional trailing stop.",
        "Take a long or short position with its exits decided up front.",
        (
            "_open_order",
            "_close_order",
            "_take_profit_limit_order",
            "_failed_orders",
            "_trailing_stop_trigger_pct",
            "_total_executed_amount_backup",
        ),
    ),
    _builtin(
        "grid_executor",
        "grid_executor",
        "Grid",
        "A grid of buy and sell levels between two prices, each level taking its profit.",
        "Range trading: buy low and sell high again and again between a floor and a ceiling.",
        (
            # The levels are sized from the price at construction: kept, never generated again.
            "grid_levels",
            "step",
            "_close_order",
            "_filled_orders",
            "_failed_orders",
            "_canceled_orders",
            "max_open_creation_timestamp",
            "max_close_creation_timestamp",
            "_open_fee_in_base",
            "_trailing_stop_trigger_pct",
        ),
    ),
    _builtin(
        "dca_executor",
        "dca_executor",
        "DCA",
        "Dollar-cost averaging: several entry orders at set prices, closed together on barriers.",
        "Build a position in steps and average the entry price.",
        (
            "_open_orders",
            "_close_orders",
            "_failed_orders",
            "_trailing_stop_trigger_pct",
            "_total_executed_amount_backup",
        ),
    ),
    _builtin(
        "twap_executor",
        "twap_executor",
        "TWAP",
        "Time-weighted average price: an amount split into equal orders over a time span.",
        "Buy or sell a large amount with little market impact.",
        ("_start_timestamp", "_order_plan", "_failed_orders", "_refreshed_orders"),
    ),
    _builtin(
        "arbitrage_executor",
        "arbitrage_executor",
        "Arbitrage",
        "Buys on one market and sells on another when the spread beats the costs.",
        "Capture price differences between two venues or pairs.",
        # Waiting for its spread (no order yet) it starts afresh; with its legs sent it follows
        # them to the end, a leg that failed while the desk was down re-placed at once.
        ("_buy_order", "_sell_order", "_cumulative_failures", "_last_buy_price", "_last_sell_price"),
    ),
    _builtin(
        "xemm_executor",
        "xemm_executor",
        "XEMM",
        "Cross-exchange market making: quotes on a maker venue and hedges fills on a taker venue.",
        "Provide liquidity on one venue while hedging on another.",
        # A maker order filled while the desk was down is hedged at resume, at the price then.
        ("maker_order", "taker_order", "failed_orders", "_maker_target_price"),
    ),
    _builtin(
        "order_executor",
        "order_executor",
        "Order",
        "One order executed with a strategy: market, limit, limit maker or a limit that chases the price.",
        "Execute a single order the way it should be worked.",
        (
            "_order",
            "_partial_filled_orders",
            "_canceled_orders",
            "_failed_orders",
            "_shutdown_ticks",
            "_slippage_pct",
        ),
    ),
    _builtin(
        "lp_executor",
        "lp_executor",
        "LP",
        "A concentrated-liquidity position on a DEX pool, through Gateway.",
        "Earn pool fees in a price range.",
        None,
        "a liquidity position needs Gateway to be re-read",
        needs_gateway=True,
    ),
)


def register_builtin_types(register: RegisterExecutorType) -> None:
    for executor_type in BUILTIN:
        register(executor_type)
