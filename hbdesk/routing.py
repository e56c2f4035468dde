"""REST routes, declared without a web framework.

A plugin declares each route with its method, path, query and body models and response type;
the rest_api plugin turns them into aiohttp handlers and into the OpenAPI document, so one
pydantic model validates the request, shapes the response and documents both.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel

if TYPE_CHECKING:
    from hbdesk.kernel.kernel import Kernel


@dataclass
class Call:
    """One request, as a route handler sees it."""

    kernel: Kernel
    path: dict[str, str]
    query: Any = None
    body: Any = None
    user: str | None = None


Handler = Callable[[Call], Awaitable[Any]]


@dataclass(frozen=True)
class Streamed:
    """A response a handler hands over as JSON text in pieces, in the route's response shape:
    for answers too large to hold whole (a year of candles is 150 MB of JSON). Anything that can
    fail should fail before the first piece: once it flows, the status is sent."""

    chunks: AsyncIterator[bytes]


@dataclass(frozen=True)
class Encoded:
    """A response a handler has already encoded as JSON, in the route's response shape: for an
    answer encoded once and served many times (a book between two of its changes)."""

    body: bytes


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    query: type[BaseModel] | None = None
    body: Any = None  # a pydantic model or any type pydantic can validate (dict[str, Any], ...)
    response: Any = None  # the response type, for serialisation and the schema
    status: int = 200
    summary: str = ""
    tags: tuple[str, ...] = ()
    public: bool = False  # reachable without credentials
    owner: str = ""
    errors: tuple[int, ...] = ()  # error statuses the route documents beyond 401 and 422
    path_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # JSON schemas, for the docs

    @property
    def operation_id(self) -> str:
        """Unique and stable: the handler's name, the path and the method, as FastAPI (and so
        the Hummingbot API's own document) spells them."""
        return re.sub(r"\W", "_", f"{self.handler.__name__}{self.path}") + f"_{self.method.lower()}"


class Socket(Protocol):
    """A websocket, as a websocket route's handler sees it (the user is already authenticated)."""

    query: dict[str, str]

    async def send(self, message: dict[str, Any] | str) -> None:
        """Send a message: a dict is encoded as JSON; a str is JSON already and goes as it is."""

    async def receive(self) -> str | None:
        """The next text message, or None once the client has gone."""

    async def close(self, code: int = 1000, message: str = "") -> None: ...


@dataclass(frozen=True)
class WebSocketRoute:
    path: str
    handler: Callable[[Kernel, Socket], Awaitable[None]]
    summary: str = ""
    owner: str = ""


@dataclass
class RouteTable:
    """Collects a plugin's routes with decorators: ``@routes.get("/accounts/", response=...)``."""

    tags: Sequence[str] = ()
    routes: list[Route | WebSocketRoute] = field(default_factory=list)

    def add(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            summary = options.pop("summary", None) or _first_line(handler.__doc__)
            tags = tuple(options.pop("tags", self.tags))
            self.routes.append(Route(method.upper(), path, handler, summary=summary, tags=tags, **options))
            return handler

        return decorate

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("PUT", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.add("DELETE", path, **options)

    def websocket(self, path: str) -> Callable[[Any], Any]:
        def decorate(handler: Any) -> Any:
            self.routes.append(WebSocketRoute(path, handler, summary=_first_line(handler.__doc__)))
            return handler

        return decorate

    def __iter__(self) -> Iterator[Route | WebSocketRoute]:
        return iter(self.routes)


def owned(routes: Sequence[Route | WebSocketRoute], owner: str) -> list[Route | WebSocketRoute]:
    return [replace(route, owner=owner) for route in routes]


def _first_line(doc: str | None) -> str:
    return (doc or "").strip().splitlines()[0] if doc and doc.strip() else ""
