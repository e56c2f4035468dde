"""Turns declared routes into aiohttp handlers: validate, call the handler, serialise."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, get_args, get_origin

from aiohttp import web
from pydantic import BaseModel, TypeAdapter, ValidationError

from hbdesk.sdk import Call, Encoded, Route, Streamed
from hbdesk_plugins.rest_api.auth import PUBLIC_KEY
from hbdesk_plugins.rest_api.errors import RequestInvalid, validation_errors

if TYPE_CHECKING:
    from hbdesk.sdk import Kernel


def _is_sequence(annotation: Any) -> bool:
    """list[str], list[str] | None, ...: a parameter that may repeat in the query string."""
    if get_origin(annotation) in (list, tuple, set):
        return True
    return any(get_origin(arg) in (list, tuple, set) for arg in get_args(annotation))


def _query_dict(request: web.Request, model: type[BaseModel]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in request.query:
            continue
        values[key] = request.query.getall(key) if _is_sequence(field.annotation) else request.query[key]
    return values


def make_handler(route: Route, kernel: Kernel) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    body_adapter = TypeAdapter(route.body) if route.body is not None else None
    response_adapter = TypeAdapter(route.response) if route.response is not None else None

    async def handle(request: web.Request) -> web.StreamResponse:
        errors: list[dict[str, Any]] = []
        query = None
        if route.query is not None:
            try:
                query = route.query.model_validate(_query_dict(request, route.query))
            except ValidationError as exc:
                errors.extend(validation_errors(exc, "query"))
        body = None
        if body_adapter is not None:
            raw = await request.read()
            if not raw.strip():
                errors.append({"type": "missing", "loc": ["body"], "msg": "Field required"})
            else:
                try:
                    # Strict: a boolean is not a number and "10" is not 10 (see hbdesk.schema).
                    body = body_adapter.validate_json(raw, strict=True)
                except ValidationError as exc:
                    errors.extend(validation_errors(exc, "body"))
        if errors:
            raise RequestInvalid(errors)
        call = Call(kernel, dict(request.match_info), query, body, request.get("user"))
        result = await route.handler(call)
        if isinstance(result, web.StreamResponse):
            return result
        if isinstance(result, Streamed):
            return await _stream(request, route.status, result)
        if isinstance(result, Encoded):
            payload = result.body
        elif response_adapter is not None:
            payload = response_adapter.dump_json(result)
        else:
            payload = json.dumps(result).encode()
        return web.Response(body=payload, status=route.status, content_type="application/json")

    setattr(handle, PUBLIC_KEY, route.public)
    handle.__name__ = route.handler.__name__
    return handle


async def _stream(request: web.Request, status: int, streamed: Streamed) -> web.StreamResponse:
    """Send the pieces as they come (chunked): the whole answer is never held at once."""
    response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
    await response.prepare(request)
    async for chunk in streamed.chunks:
        await response.write(chunk)
    await response.write_eof()
    return response
