"""Each executor's own log: what hummingbot's executor code logs while working for it.

A context variable names the executor a piece of code works for: its drive task runs with it
set, and so do the connector events handed to it (those run in the connector's task). One
handler on hummingbot's logger keeps the records made under an executor's name, a bounded
number per executor, and numbers them so a reader can ask for what is new.
"""

from __future__ import annotations

import contextvars
import logging
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

CURRENT: contextvars.ContextVar[str | None] = contextvars.ContextVar("hbdesk_executor", default=None)
LOGGER = "hummingbot"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ExecutorLogs(logging.Handler):
    def __init__(self, limit: int, on_entry: Callable[[str], None] | None = None) -> None:
        super().__init__(logging.INFO)
        self.limit = limit
        self.on_entry = on_entry
        self._entries: dict[str, deque[dict[str, Any]]] = {}
        self._sequence = 0
        self.errors: dict[str, tuple[int, str | None]] = {}  # id → (error count, last error)

    def install(self) -> None:
        logger = logging.getLogger(LOGGER)
        logger.addHandler(self)
        # The executors log their progress at INFO; without this their records stop at the
        # root's level before any handler sees them.
        executors = logging.getLogger(f"{LOGGER}.strategy_v2.executors")
        if executors.getEffectiveLevel() > logging.INFO:
            executors.setLevel(logging.INFO)

    def uninstall(self) -> None:
        logging.getLogger(LOGGER).removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        executor_id = CURRENT.get()
        if executor_id is None:
            return
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "message": message[:4000],
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["exc_info"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"[:4000]
        self.add(executor_id, entry)

    def add(self, executor_id: str, entry: dict[str, Any]) -> None:
        self._sequence += 1
        entry["sequence"] = self._sequence
        self._entries.setdefault(executor_id, deque(maxlen=self.limit)).append(entry)
        if entry["level"] in ("ERROR", "CRITICAL"):
            count, _ = self.errors.get(executor_id, (0, None))
            self.errors[executor_id] = (count + 1, entry["message"])
        if self.on_entry is not None:
            self.on_entry(executor_id)

    def note(self, executor_id: str, level: str, message: str, clock: float) -> None:
        """A line of hbdesk's own about an executor (created, resumed, stopped...)."""
        self.add(
            executor_id,
            {"timestamp": datetime.fromtimestamp(clock, UTC).isoformat(), "level": level, "message": message},
        )

    def load(self, executor_id: str, entries: list[dict[str, Any]], errors: tuple[int, str | None]) -> None:
        kept = self._entries.setdefault(executor_id, deque(maxlen=self.limit))
        for entry in entries[-self.limit :]:
            self._sequence += 1
            kept.append({**entry, "sequence": self._sequence})
        if errors[0]:
            self.errors[executor_id] = errors

    def entries(self, executor_id: str) -> list[dict[str, Any]]:
        return list(self._entries.get(executor_id, ()))

    def forget(self, executor_id: str) -> None:
        self._entries.pop(executor_id, None)
        self.errors.pop(executor_id, None)
