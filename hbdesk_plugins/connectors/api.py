"""The connectors router: which connectors exist, their credential fields, rules and order types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Call, InvalidInput, RouteTable
from hbdesk_plugins.connectors.models import OrderTypes, TradingPairsQuery, TradingRuleModel
from hbdesk_plugins.connectors.public import CONNECTOR_MANAGER, CONNECTORS

if TYPE_CHECKING:
    from hbdesk_plugins.connectors.catalog import ConnectorCatalog
    from hbdesk_plugins.connectors.manager import ConnectorManager

routes = RouteTable(tags=("Connectors",))


def catalog(call: Call) -> ConnectorCatalog:
    return call.kernel.service(CONNECTORS)


def manager(call: Call) -> ConnectorManager:
    return call.kernel.service(CONNECTOR_MANAGER)


@routes.get("/connectors/", response=list[str], errors=(503,))
async def available_connectors(call: Call) -> list[str]:
    """Every connector: the simulated exchange and all of hummingbot's."""
    return await catalog(call).names()


@routes.get("/connectors/{connector_name}/config-map", response=dict[str, dict[str, Any]], errors=(400, 503))
async def get_connector_config_map(call: Call) -> dict[str, dict[str, Any]]:
    """The credential fields a connector takes: type, whether required, allowed values."""
    spec = await catalog(call).spec(call.path["connector_name"])
    fields: dict[str, dict[str, Any]] = {}
    for field in spec.fields:
        entry: dict[str, Any] = {"type": field.type_name, "required": field.required}
        if field.allowed_values:
            entry["allowed_values"] = list(field.allowed_values)
        fields[field.name] = entry
    return fields


@routes.get(
    "/connectors/{connector_name}/trading-rules",
    query=TradingPairsQuery,
    response=dict[str, TradingRuleModel],
    errors=(400, 503, 504),
)
async def get_trading_rules(call: Call) -> dict[str, TradingRuleModel]:
    """Trading rules per pair (min size, tick, min notional, ...), from the exchange itself."""
    name = call.path["connector_name"]
    await catalog(call).spec(name)
    connector = await manager(call).public(name)
    await manager(call).ask(name, connector._update_trading_rules())
    rules = connector.trading_rules
    wanted = call.query.trading_pairs
    if wanted:
        unknown = sorted(set(wanted) - set(rules))
        if unknown:
            raise InvalidInput(
                f"Unknown trading pair{'s' * (len(unknown) > 1)} {', '.join(unknown)} on {name}. "
                f"Pairs: {', '.join(sorted(rules)[:50])}{' ...' if len(rules) > 50 else ''}."
            )
    return {
        pair: TradingRuleModel.of(rule)
        for pair, rule in sorted(rules.items())
        if not wanted or pair in wanted
    }


@routes.get("/connectors/{connector_name}/order-types", response=OrderTypes, errors=(400, 503))
async def get_supported_order_types(call: Call) -> OrderTypes:
    """The order types a connector accepts."""
    name = call.path["connector_name"]
    await catalog(call).spec(name)
    connector = await manager(call).public(name)
    return OrderTypes(
        connector=name, supported_order_types=[t.name for t in connector.supported_order_types()]
    )
