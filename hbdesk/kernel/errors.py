"""Errors the kernel and its services raise.

Each one names what went wrong in words a trader can act on. The front doors translate them:
the REST plugin into a status code with ``detail``, the desk into a notification.
"""

from __future__ import annotations

EXCERPT = 48  # characters of the user's own input an error message may quote


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``value`` as text for an error message, cut short: a message never echoes a whole input
    (a megabyte-long name must not come back as a megabyte-long error)."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


class HbdeskError(Exception):
    """Base of every error that carries a message meant for the user."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(HbdeskError):
    """The request is well formed but its content is not acceptable."""


class NotFound(HbdeskError):
    """The named account, bot, executor or file does not exist."""


class Conflict(HbdeskError):
    """The request clashes with the current state."""


class Unavailable(HbdeskError):
    """A dependency (exchange, broker, daemon, database) cannot be reached."""


class TimedOut(HbdeskError):
    """A dependency did not answer within its time limit."""


class ConfigPasswordError(HbdeskError):
    """CONFIG_PASSWORD does not open the secrets already stored."""


class StartupError(HbdeskError):
    """The kernel could not start; the message says why."""
