"""Small user preferences (the desk's theme, say) kept as JSON in the data dir."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hbdesk.kernel.files import private_dir, write_private


class Preferences:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.load().get(key, default)

    def set(self, key: str, value: Any) -> None:
        data = self.load()
        data[key] = value
        private_dir(self.path.parent)
        write_private(self.path, json.dumps(data, indent=2, sort_keys=True))
