"""The async service kernel. It imports no UI and no web framework."""

from hbdesk.kernel.errors import (
    Conflict,
    HbdeskError,
    InvalidInput,
    NotFound,
    TimedOut,
    Unavailable,
)
from hbdesk.kernel.events import Event, EventBus
from hbdesk.kernel.kernel import Kernel, KernelState

__all__ = [
    "Conflict",
    "Event",
    "EventBus",
    "HbdeskError",
    "InvalidInput",
    "Kernel",
    "KernelState",
    "NotFound",
    "TimedOut",
    "Unavailable",
]
