"""The backtesting router, as the Hummingbot API documents it; errors are 4xx with ``detail``,
never a 200 carrying an error."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Call, Encoded, RouteTable
from hbdesk_plugins.backtesting.models import BacktestingConfig, TaskDeleted, TaskSubmitted, TaskSummary
from hbdesk_plugins.backtesting.public import BACKTESTING

if TYPE_CHECKING:
    from hbdesk_plugins.backtesting.service import BacktestingService

routes = RouteTable(tags=("Backtesting",))
TASK_ID = {"type": "string", "minLength": 1, "maxLength": 64}


def backtesting(call: Call) -> BacktestingService:
    return call.kernel.service(BACKTESTING)


@routes.post("/backtesting/run", body=BacktestingConfig, response=dict[str, Any], errors=(400, 404, 503))
async def run_backtesting(call: Call) -> Encoded:
    """Run a backtest in a worker process and answer its result (the event loop stays free)."""
    return Encoded(await backtesting(call).run(call.body))


@routes.post("/backtesting/tasks", body=BacktestingConfig, response=TaskSubmitted, errors=(400, 404, 503))
async def create_backtest_task(call: Call) -> TaskSubmitted:
    """Submit a backtest to run in the background; its task id comes back at once."""
    return await backtesting(call).submit(call.body)


@routes.get("/backtesting/tasks", response=list[TaskSummary])
async def list_backtest_tasks(call: Call) -> list[TaskSummary]:
    """Backtest tasks, newest first, with their progress (results not included)."""
    return await backtesting(call).tasks()


@routes.get(
    "/backtesting/tasks/{task_id}", response=dict[str, Any], errors=(404,), path_params={"task_id": TASK_ID}
)
async def get_backtest_task(call: Call) -> Encoded:
    """One backtest task, with its result once it has completed."""
    return Encoded(await backtesting(call).task(call.path["task_id"]))


@routes.delete(
    "/backtesting/tasks/{task_id}", response=TaskDeleted, errors=(404,), path_params={"task_id": TASK_ID}
)
async def delete_backtest_task(call: Call) -> TaskDeleted:
    """Cancel a running backtest task, or forget a finished one."""
    return await backtesting(call).delete(call.path["task_id"])
