"""The public root route: what is serving and whether it runs."""

from __future__ import annotations

from pydantic import BaseModel

from hbdesk.sdk import VERSION, Call, RouteTable

routes = RouteTable(tags=("General",))


class ServerInfo(BaseModel):
    name: str
    version: str
    status: str


@routes.get("/", response=ServerInfo, public=True)
async def root(call: Call) -> ServerInfo:
    """Name, version and state of the server."""
    return ServerInfo(name="hbdesk", version=VERSION, status=str(call.kernel.state))
