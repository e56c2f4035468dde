"""The OpenAPI 3.1 document, generated from the routes' pydantic models."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter

from hbdesk.sdk import Route

REF = "#/components/schemas/{model}"
PATH_PARAM = re.compile(r"{([^}:]+)(?::[^}]*)?}")

ERROR_SCHEMA = {
    "title": "HTTPError",
    "type": "object",
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA = {
    "title": "HTTPValidationError",
    "type": "object",
    "properties": {
        "detail": {
            "title": "Detail",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        }
    },
}
REASONS = {
    200: "Successful Response",
    201: "Created",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    422: "Validation Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def path_parameters(path: str) -> list[str]:
    return PATH_PARAM.findall(path)


def build_openapi(routes: Sequence[Route], title: str, version: str) -> dict[str, Any]:
    keyed: list[tuple[tuple[int, str], Any, TypeAdapter[Any]]] = []
    for index, route in enumerate(routes):
        if route.query is not None:
            keyed.append(((index, "query"), "validation", TypeAdapter(route.query)))
        if route.body is not None:
            keyed.append(((index, "body"), "validation", TypeAdapter(route.body)))
        if route.response is not None:
            keyed.append(((index, "response"), "serialization", TypeAdapter(route.response)))
    schema_map, definitions = TypeAdapter.json_schemas(
        [(key, mode, adapter) for key, mode, adapter in keyed], ref_template=REF
    )
    components: dict[str, Any] = dict(definitions.get("$defs", {}))
    components["HTTPError"] = ERROR_SCHEMA
    components["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA

    paths: dict[str, dict[str, Any]] = {}
    for index, route in enumerate(routes):
        schema = {kind: schema_map[(index, kind), mode] for (i, kind), mode, _ in keyed if i == index}
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, schema, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"HTTPBasic": {"type": "http", "scheme": "basic"}},
        },
    }


def _operation(route: Route, schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": route.operation_id, "tags": list(route.tags)}
    if route.summary:
        operation["summary"] = route.summary
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(route.path_params.get(name, {"type": "string"})),
        }
        for name in path_parameters(route.path)
    ]
    if route.query is not None:
        parameters.extend(_query_parameters(route.query, _resolve(schema["query"], components)))
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema["body"]}},
        }
    responses: dict[str, Any] = {
        str(route.status): {
            "description": REASONS.get(route.status, "Successful Response"),
            "content": {"application/json": {"schema": schema.get("response", {})}},
        }
    }
    errors = set(route.errors)
    if route.query is not None or route.body is not None or parameters:
        responses["422"] = _error_response(422, "HTTPValidationError")
    if not route.public:
        errors.add(401)
        operation["security"] = [{"HTTPBasic": []}]
    for status in sorted(errors):
        responses[str(status)] = _error_response(status, "HTTPError")
    operation["responses"] = responses
    return operation


def _error_response(status: int, model: str) -> dict[str, Any]:
    return {
        "description": REASONS.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}},
    }


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        resolved: dict[str, Any] = components[ref.rsplit("/", 1)[-1]]
        return resolved
    return schema


def _query_parameters(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    parameters = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        parameters.append(
            {"name": key, "in": "query", "required": key in required, "schema": properties.get(key, {})}
        )
    return parameters
