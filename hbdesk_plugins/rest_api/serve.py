"""``hbdesk serve``: the documented Hummingbot API, headless, on the same kernel."""

from __future__ import annotations

import ipaddress
import logging
import sys

from hbdesk.sdk import CoreSettings, HbdeskError

log = logging.getLogger("hbdesk.serve")

EXPOSED_WITH_WEAK_CREDENTIALS = (
    "refusing to listen on {host}: {problem}. "
    "Set USERNAME and PASSWORD (environment or .env) to credentials of your own, "
    "or listen on 127.0.0.1 only."
)
EXPOSED_WITHOUT_AUTH = (
    "refusing to listen on {host} with DEBUG_MODE=true: authentication is off. "
    "Turn DEBUG_MODE off or listen on 127.0.0.1 only."
)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_problem(host: str, core: CoreSettings) -> str | None:
    """Why the server must not listen on ``host``, or None when it may."""
    if is_loopback(host):
        return None
    if core.debug_mode:
        return EXPOSED_WITHOUT_AUTH.format(host=host)
    problem = core.weak_credentials()
    if problem:
        return EXPOSED_WITH_WEAK_CREDENTIALS.format(host=host, problem=problem)
    return None


def cors_notice(origins: list[str]) -> str | None:
    """What an operator should know of the CORS setting, said once at start."""
    if "*" not in origins:
        return None
    return (
        "CORS allows any origin ('*') without credentials: web pages of other origins can call "
        "the public routes only; list origins in HBDESK_REST_API__CORS_ORIGINS to let a browser "
        "app send credentials"
    )


def serve(host: str | None, port: int | None) -> int:
    from aiohttp import web

    from hbdesk.sdk import create_desk
    from hbdesk_plugins.rest_api.access_log import AccessLogger, MalformedRequestFilter
    from hbdesk_plugins.rest_api.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.server").addFilter(MalformedRequestFilter())
    desk = create_desk()
    settings = desk.kernel.settings.section("rest_api")
    host = host or settings.host
    port = settings.port if port is None else port
    problem = exposure_problem(host, desk.kernel.settings.core)
    if problem:
        print(f"hbdesk serve: {problem}", file=sys.stderr)
        return 2
    notice = cors_notice(settings.cors_origins)
    if notice:
        log.warning(notice)
    for info in desk.plugins.failures:
        log.warning("plugin %s was skipped: %s", info.name, info.error)
    app = create_app(desk)
    try:
        web.run_app(
            app,
            host=host,
            port=port,
            access_log_class=AccessLogger,
            access_log=logging.getLogger("hbdesk.access") if settings.access_log else None,
            shutdown_timeout=settings.shutdown_timeout,
            print=lambda _msg: log.info("listening on http://%s:%s", host, port),
        )
    except HbdeskError as exc:
        print(f"hbdesk serve: {exc.detail}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"hbdesk serve: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
