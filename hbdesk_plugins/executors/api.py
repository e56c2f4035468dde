"""The executors router, as the Hummingbot API documents it.

Literal paths come before ``/executors/{executor_id}``, which would otherwise take them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Call, NotFound, RouteTable, excerpt
from hbdesk_plugins.executors import reports
from hbdesk_plugins.executors.models import (
    ClearedResponse,
    ControllerQuery,
    CreateExecutorRequest,
    CreateExecutorResponse,
    ExecutorDetail,
    ExecutorFilterRequest,
    ExecutorTypesResponse,
    HoldQuery,
    LogsQuery,
    LogsResponse,
    PaginatedResponse,
    PerformanceResponse,
    PositionHoldResponse,
    PositionsSummaryResponse,
    StopExecutorRequest,
    StopExecutorResponse,
    SummaryResponse,
)
from hbdesk_plugins.executors.public import EXECUTORS

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel, Socket
    from hbdesk_plugins.executors.service import ExecutorService

routes = RouteTable(tags=("Executors",))
NAME = {"type": "string", "minLength": 1, "maxLength": 128}


def executors(call: Call) -> ExecutorService:
    return call.kernel.service(EXECUTORS)


@routes.post(
    "/executors/",
    body=CreateExecutorRequest,
    response=CreateExecutorResponse,
    status=201,
    errors=(400, 404, 409, 503),
)
async def create_executor(call: Call) -> CreateExecutorResponse:
    """Create an executor: validated whole, recorded, then started."""
    request: CreateExecutorRequest = call.body
    created = await executors(call).create(
        request.account_name, request.controller_id, request.executor_config
    )
    return CreateExecutorResponse.model_validate(created)


@routes.post("/executors/search", body=ExecutorFilterRequest, response=PaginatedResponse, errors=(400,))
async def list_executors(call: Call) -> PaginatedResponse:
    """Executors, newest first, filtered, a page at a time."""
    return PaginatedResponse.model_validate(reports.search(executors(call), call.body))


@routes.get("/executors/summary", response=SummaryResponse)
async def get_executors_summary(call: Call) -> SummaryResponse:
    """The active executors: how many, their PnL and volume, by type, connector and status."""
    return SummaryResponse.model_validate(reports.summary(executors(call)))


@routes.get("/executors/performance", query=ControllerQuery, response=PerformanceResponse)
async def get_performance_report(call: Call) -> PerformanceResponse:
    """Realised and unrealised PnL, fees, volume, win rate and Sharpe ratio of the executors."""
    return PerformanceResponse.model_validate(reports.performance(executors(call), call.query.controller_id))


@routes.get("/executors/types/available", response=ExecutorTypesResponse)
async def get_available_executor_types(call: Call) -> ExecutorTypesResponse:
    """The executor types this desk runs, with what each is for."""
    kinds = executors(call).types.values()
    return ExecutorTypesResponse.model_validate(
        {
            "executor_types": [
                {"type": kind.name, "description": kind.description, "use_case": kind.use_case}
                for kind in kinds
            ]
        }
    )


@routes.get(
    "/executors/types/{executor_type}/config",
    response=dict[str, Any],
    errors=(404,),
    path_params={"executor_type": NAME},
)
async def get_executor_config_schema(call: Call) -> dict[str, Any]:
    """One executor type's config: its fields, types, defaults and constraints."""
    from hbdesk_plugins.executors.configs import describe

    service = executors(call)
    kind = service.executor_type(call.path["executor_type"])
    return describe(kind.name, await service.config_class(kind))


@routes.get("/executors/positions/summary", query=ControllerQuery, response=PositionsSummaryResponse)
async def get_positions_summary(call: Call) -> PositionsSummaryResponse:
    """Positions executors were told to keep, with their PnL."""
    return PositionsSummaryResponse.model_validate(
        reports.positions(executors(call), call.query.controller_id)
    )


def _hold_key(call: Call) -> tuple[str, str, str, str]:
    return (
        call.query.account_name,
        call.path["connector_name"],
        call.path["trading_pair"],
        call.query.controller_id,
    )


@routes.get(
    "/executors/positions/{connector_name}/{trading_pair}",
    query=HoldQuery,
    response=PositionHoldResponse,
    errors=(404,),
    path_params={"connector_name": NAME, "trading_pair": NAME},
)
async def get_position_held(call: Call) -> PositionHoldResponse:
    """The position kept on one connector and pair."""
    service = executors(call)
    key = _hold_key(call)
    hold = service.holds.active.get(key)
    if hold is None:
        raise NotFound(f"No position hold found for {excerpt(key[1])}/{excerpt(key[2])}")
    return PositionHoldResponse.model_validate(hold.api(service.price(key[0], key[1], key[2])))


@routes.delete(
    "/executors/positions/{connector_name}/{trading_pair}",
    query=HoldQuery,
    response=ClearedResponse,
    errors=(404,),
    path_params={"connector_name": NAME, "trading_pair": NAME},
)
async def clear_position_held(call: Call) -> ClearedResponse:
    """Forget a kept position (the exchange's position itself is not touched)."""
    key = _hold_key(call)
    if await executors(call).holds.clear(key) is None:
        raise NotFound(f"No position hold found for {excerpt(key[1])}/{excerpt(key[2])}")
    return ClearedResponse(
        message=f"Position hold for {key[1]}/{key[2]} cleared", connector_name=key[1], trading_pair=key[2]
    )


@routes.get(
    "/executors/{executor_id}/logs",
    query=LogsQuery,
    response=LogsResponse,
    errors=(404,),
    path_params={"executor_id": NAME},
)
async def get_executor_logs(call: Call) -> LogsResponse:
    """An executor's latest log lines, of one level if asked."""
    query: LogsQuery = call.query
    return LogsResponse.model_validate(
        executors(call).executor_logs(call.path["executor_id"], query.level, query.limit)
    )


@routes.get(
    "/executors/{executor_id}", response=ExecutorDetail, errors=(404,), path_params={"executor_id": NAME}
)
async def get_executor(call: Call) -> ExecutorDetail:
    """One executor, live or finished."""
    return ExecutorDetail.model_validate(executors(call).view(call.path["executor_id"]))


@routes.post(
    "/executors/{executor_id}/stop",
    body=StopExecutorRequest,
    response=StopExecutorResponse,
    errors=(404, 409),
    path_params={"executor_id": NAME},
)
async def stop_executor(call: Call) -> StopExecutorResponse:
    """Stop an executor: it closes its position, or keeps it with ``keep_position``."""
    request: StopExecutorRequest = call.body
    stopped = await executors(call).stop_executor(call.path["executor_id"], request.keep_position)
    return StopExecutorResponse.model_validate(stopped)


@routes.websocket("/ws/executors")
async def executors_websocket(kernel: Kernel, socket: Socket) -> None:
    """Executors, their summary, performance, held positions and logs, pushed as they change."""
    from hbdesk_plugins.executors.stream import executors_socket

    await executors_socket(kernel, socket)
