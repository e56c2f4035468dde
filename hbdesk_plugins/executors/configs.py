"""An executor's config from the request's JSON: coerced, validated by hummingbot's own model,
and described field by field for ``/executors/types/{type}/config``.

hummingbot's int-valued enums (``TradeType``, ``OrderType``) accept only their numbers, while
the reference's own examples send ``"side": "BUY"``: names are turned into values before
validation. Every refusal is an ``InvalidInput`` naming the field, never a 500.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from hbdesk.sdk import InvalidInput, excerpt


def coerce(model: type[BaseModel], raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with enum names given for int-valued enums replaced by their values, nested
    models included."""
    out = dict(raw)
    for name, info in model.model_fields.items():
        if name not in out:
            continue
        out[name] = _coerce_value(info.annotation, out[name])
    return out


def _coerce_value(annotation: Any, value: Any) -> Any:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, enum.Enum) and isinstance(value, str):
            by_name = {member.name.upper(): member for member in option}
            member = by_name.get(value.strip().upper())
            if member is not None:
                return member.value
        if isinstance(option, type) and issubclass(option, BaseModel) and isinstance(value, dict):
            return coerce(option, value)
        origin = typing.get_origin(option)
        if origin in (list, tuple) and isinstance(value, list):
            inner = typing.get_args(option)
            if inner:
                return [_coerce_value(inner[0], item) for item in value]
    return value


def _options(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(annotation) if arg is not type(None)]
    return [annotation]


def validate(model: type[BaseModel], raw: dict[str, Any]) -> Any:
    try:
        return model.model_validate(coerce(model, raw))
    except ValidationError as exc:
        raise InvalidInput(f"Invalid executor config: {field_errors(exc)}") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(f"Invalid executor config: {excerpt(str(exc), 500)}") from None


def field_errors(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error.get("loc", ())) or "config"
        message = str(error.get("msg", "invalid"))
        parts.append(f"{where}: {message}")
    return excerpt("; ".join(parts), 2000)


# -- the schema a client builds its form from ------------------------------------------------


def describe(type_name: str, model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    nested: dict[str, Any] = {}
    for name, definition in defs.items():
        if "enum" in definition:
            nested[name] = {
                "type": "enum",
                "values": list(definition["enum"]),
                "description": definition.get("description") or definition.get("title") or name,
            }
        elif "properties" in definition:
            nested[name] = {
                "description": definition.get("description") or definition.get("title") or name,
                "fields": _fields(definition, defs),
            }
    return {
        "executor_type": type_name,
        "config_class": model.__name__,
        "description": schema.get("description") or schema.get("title") or model.__name__,
        "fields": _fields(schema, defs),
        "nested_types": nested,
    }


CONSTRAINTS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
}


def _fields(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", ()))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        if name.startswith("_"):
            continue
        kind, nullable, resolved = _kind(prop, defs)
        field: dict[str, Any] = {
            "name": name,
            "required": name in required and not nullable,
            "type": kind,
            "description": prop.get("description") or prop.get("title") or name,
        }
        if "default" in prop:
            field["default"] = prop["default"]
        constraints = {out: prop[key] for key, out in CONSTRAINTS.items() if key in prop}
        if constraints:
            field["constraints"] = constraints
        if "enum" in resolved:
            field["enum_values"] = list(resolved["enum"])
        fields.append(field)
    return fields


def _kind(prop: dict[str, Any], defs: dict[str, Any]) -> tuple[str, bool, dict[str, Any]]:
    """(type name, whether null is allowed, the referenced definition or the property)."""
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        definition = defs.get(name, {})
        return ("enum" if "enum" in definition else name), False, definition
    if "anyOf" in prop:
        names: list[str] = []
        nullable = False
        resolved: dict[str, Any] = {}
        for option in prop["anyOf"]:
            if option.get("type") == "null":
                nullable = True
                continue
            kind, _, found = _kind(option, defs)
            names.append(kind)
            resolved = resolved or found
        if len(names) == 1:
            return names[0], nullable, resolved
        return f"Union[{', '.join(names)}]", nullable, resolved
    if prop.get("allOf"):
        return _kind(prop["allOf"][0], defs)
    if "enum" in prop:
        return "enum", False, prop
    kind = prop.get("type", "any")
    if kind == "array":
        inner, _, _ = _kind(prop.get("items", {}), defs)
        return f"List[{inner}]", False, prop
    return str(kind), False, prop
