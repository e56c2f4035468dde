"""A perpetual connector as executors written for spot markets see it.

hummingbot's arbitrage and cross-exchange executors price their costs with
``connector.get_fee(base_currency=..., ..., amount=..., price=..., is_maker=...)``, the spot
signature; a perpetual connector's ``get_fee`` takes a ``position_action`` before the amount,
so every step of theirs raised and they never traded on a perpetual market. Each executor sees
its perpetual connectors through ``SpotFeeView``: a fee asked without a position action is the
fee of an opening order (what their orders are); everything else is the connector itself.
"""

from __future__ import annotations

from typing import Any


class SpotFeeView:
    """The connector, but for ``get_fee`` asked the spot way."""

    def __init__(self, connector: Any) -> None:
        object.__setattr__(self, "_connector", connector)

    @property
    def wrapped(self) -> Any:
        return object.__getattribute__(self, "_connector")

    def __getattr__(self, name: str) -> Any:
        return getattr(object.__getattribute__(self, "_connector"), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(object.__getattribute__(self, "_connector"), name, value)

    def get_fee(self, *args: Any, **kwargs: Any) -> Any:
        from hummingbot.core.data_type.common import PositionAction

        if "position_action" not in kwargs:
            if len(args) >= 5 and not isinstance(args[4], PositionAction):
                args = (*args[:4], PositionAction.OPEN, *args[4:])  # spot order: amount fifth
            elif len(args) < 5:
                kwargs["position_action"] = PositionAction.OPEN
        return self.wrapped.get_fee(*args, **kwargs)


def spot_fee_views(connectors: dict[str, Any]) -> None:
    """Replace, in an executor's own ``connectors``, each perpetual connector by its view."""
    for name, connector in list(connectors.items()):
        if hasattr(connector, "account_positions") and not isinstance(connector, SpotFeeView):
            connectors[name] = SpotFeeView(connector)
