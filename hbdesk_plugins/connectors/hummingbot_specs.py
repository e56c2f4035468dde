"""Connector specs and credential checks from the hummingbot library's own config maps.

Importing hummingbot takes seconds, so everything here runs in a worker thread, never on the
event loop, and never at import time of the desk.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from hbdesk_plugins.connectors.specs import ConnectorSpec, CredentialField, Verdict, Verification

log = logging.getLogger(__name__)

KINDS = {"exchange": "spot", "derivative": "perpetual", "connector": "connector"}


def load_specs(data_dir: Path) -> list[ConnectorSpec]:
    """Every connector hummingbot knows, with the credential fields its config map declares."""
    from hummingbot.client.settings import AllConnectorSettings

    from hbdesk_plugins.connectors import hummingbot_host

    hummingbot_host.install(data_dir)

    specs = []
    for name, setting in sorted(AllConnectorSettings.get_connector_settings().items()):
        kind = KINDS.get(setting.type.value, "gateway")
        config = setting.config_keys
        fields = _fields(config)
        check = _value_check(type(config), fields) if fields else None
        specs.append(ConnectorSpec(name, kind, fields, verifier=verify, value_check=check))
    return specs


def _value_check(model: Any, fields: tuple[CredentialField, ...]) -> Any:
    """Validate with the connector's config model; never quote what was typed in a secret field."""
    secret = {f.name for f in fields if f.secret}

    def check(values: dict[str, str]) -> list[str]:
        from pydantic import ValidationError

        try:
            model.model_validate(values)
        except ValidationError as exc:
            problems = []
            for error in exc.errors(include_url=False, include_input=False):
                name = ".".join(str(part) for part in error["loc"]) or "value"
                problems.append(f"{name} is not valid" if name in secret else f"{name}: {error['msg']}")
            return problems
        return []

    return check


def _fields(config: Any) -> tuple[CredentialField, ...]:
    if config is None or isinstance(config, dict):
        return ()
    fields = []
    for name, info in type(config).model_fields.items():
        if name == "connector":
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        allowed = (
            tuple(str(v) for v in get_args(info.annotation)) if get_origin(info.annotation) is Literal else ()
        )
        fields.append(
            CredentialField(
                name,
                secret=bool(extra.get("is_secure")),
                required=info.is_required(),
                type_name="str" if allowed else getattr(info.annotation, "__name__", str(info.annotation)),
                allowed_values=allowed,
            )
        )
    return tuple(fields)


async def verify(spec: ConnectorSpec, values: dict[str, str]) -> Verification:
    """Ask the exchange for the account's balances with these keys."""
    connector = await build_connector(spec.name, values, [], trading_required=True)
    try:
        await connector._update_balances()
    except TimeoutError:
        raise  # the catalog reports it with its own time limit
    except Exception as exc:  # connectors raise bare IOError/Exception for every failure
        return classify(exc)
    finally:
        await _close(connector)
    return Verification(Verdict.VERIFIED, "the exchange accepted the keys")


def _import_connector_class(name: str) -> Any:
    from hummingbot.client.config.config_helpers import get_connector_class

    return get_connector_class(name)


async def build_connector(name: str, keys: dict[str, str], pairs: list[str], trading_required: bool) -> Any:
    """A hummingbot connector instance (not started)."""
    import asyncio

    from hummingbot.client.settings import AllConnectorSettings

    # The import is slow and runs in a thread; the connector itself must be built on the event
    # loop, whose primitives it creates.
    connector_class = await asyncio.to_thread(_import_connector_class, name)
    setting = AllConnectorSettings.get_connector_settings()[name]
    if not keys and not trading_required:
        # A data-only connector still takes its key arguments; empty ones, as hummingbot does.
        keys = {field.name: "" for field in _fields(setting.config_keys)}
    # hummingbot adds its own init parameters to the dict it is given: give it a copy, so the
    # caller's keys stay the keys (the credential check scrubs error text with them).
    params = setting.conn_init_parameters(
        trading_pairs=pairs, trading_required=trading_required, api_keys=dict(keys)
    )
    return connector_class(**params)


async def _close(connector: Any) -> None:
    try:
        stop = getattr(connector, "stop_network", None)
        if stop is not None:
            await stop()
    except Exception:
        log.debug("closing a verification connector failed", exc_info=True)


REJECTION_HINTS = (
    "401",
    "403",
    "unauthorized",
    "forbidden",
    "invalid api",
    "api-key",
    "api key",
    "signature",
)


def classify(exc: BaseException) -> Verification:
    """Tell an exchange that refused the keys from one that could not be reached."""
    import aiohttp

    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, aiohttp.ClientConnectionError | ConnectionError):
        return Verification(Verdict.UNREACHABLE, _short(text))
    lowered = text.lower()
    if any(hint in lowered for hint in REJECTION_HINTS):
        return Verification(Verdict.REJECTED, _short(text))
    return Verification(Verdict.UNREACHABLE, _short(text))


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
