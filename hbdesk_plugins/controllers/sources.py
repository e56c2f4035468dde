"""Files a request names, kept in their folders: Python sources (controllers, scripts) and their
YAML configs, and the checks a source passes before it is saved.

Everything here blocks (the file system, ``compile``, executing a module), so the services call it
in threads. The scripts plugin uses it too, through ``hbdesk_plugins.controllers.public``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import threading
import traceback
import types
import uuid
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from hbdesk.sdk import InvalidInput, NotFound, confined, excerpt, validation_problems

# A source is a module hummingbot imports by name (controllers.<type>.<name>), so its name is a
# Python identifier; a config's name is any safe file name.
MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
CONFIG_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
SOURCE_MAX = 1_000_000  # characters: a controller or script longer than this is not one
FILE_MODE = 0o600

_exec_lock = threading.Lock()  # one module executes at a time: sys.modules is shared


@dataclass(frozen=True)
class Folder:
    """One folder of files with one suffix; every name is confined to it."""

    path: Path
    suffix: str
    pattern: re.Pattern[str] = CONFIG_NAME

    def file(self, name: str) -> Path:
        """Where ``name`` lives, or ``InvalidInput`` (nothing is touched)."""
        return confined(self.path, name, self.suffix, self.pattern)

    def names(self) -> list[str]:
        """The names of the regular files here (symlinks leading out are left out)."""
        try:
            entries = list(os.scandir(self.path))
        except (FileNotFoundError, NotADirectoryError):
            return []
        base = self.path.resolve()
        found = []
        for entry in entries:
            name = entry.name.removesuffix(self.suffix)
            if not entry.name.endswith(self.suffix) or name == "__init__" or not self.pattern.fullmatch(name):
                continue
            real = Path(entry.path).resolve()
            if real.parent == base and real.is_file():
                found.append(name)
        return sorted(found)

    def exists(self, name: str) -> bool:
        return self.file(name).is_file()

    def read(self, name: str) -> str | None:
        """The file's text, or None when there is none."""
        path = self.file(name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        with os.fdopen(fd, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def write(self, name: str, text: str) -> Path:
        """Replace the file atomically (a reader never sees half of it)."""
        path = self.file(name)
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, FILE_MODE)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

    def delete(self, name: str) -> bool:
        """Remove the file; False when there was none."""
        path = self.file(name)
        if not path.is_file():
            return False
        path.unlink()
        return True


# -- YAML configs ----------------------------------------------------------------------------------


def load_yaml(text: str) -> Any:
    import yaml  # type: ignore[import-untyped]

    return yaml.safe_load(text)


def dump_yaml(data: dict[str, Any]) -> str:
    import yaml

    return str(yaml.safe_dump(data, default_flow_style=False, sort_keys=False, allow_unicode=True))


def read_config(folder: Folder, name: str, what: str = "Configuration") -> dict[str, Any]:
    """A saved config as a dict: NotFound when missing, InvalidInput when it is not a mapping."""
    text = folder.read(name)
    if text is None:
        raise NotFound(f"{what} '{name}' not found")
    try:
        data = load_yaml(text)
    except Exception as exc:
        raise InvalidInput(f"{what} '{name}' is not valid YAML: {excerpt(exc, 200)}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} '{name}' does not hold a mapping of fields")
    return data


# -- sources -------------------------------------------------------------------------------------


def check_content(content: str) -> None:
    if len(content) > SOURCE_MAX:
        raise InvalidInput(
            f"The source is {len(content):,} characters long; at most {SOURCE_MAX:,} are accepted."
        )
    if "\x00" in content:
        raise InvalidInput("The source contains a NUL character.")


def compile_source(content: str, filename: str) -> types.CodeType:
    """The module's code, or InvalidInput naming the line of the syntax error."""
    try:
        return compile(content, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise InvalidInput(f"{Path(filename).name} does not compile: {_syntax_line(exc)}") from exc
    except ValueError as exc:  # null bytes and the like
        raise InvalidInput(f"{Path(filename).name} does not compile: {exc}") from exc


def execute_source(content: str, path: Path, module_name: str) -> types.ModuleType:
    """Run ``content`` as the module ``module_name`` (as if imported from ``path``) and leave it in
    ``sys.modules``, where hummingbot finds it again by name; InvalidInput with the failing line
    when it does not run. Call it in a thread: it runs user code and may import hummingbot."""
    code = compile_source(content, str(path))
    module = types.ModuleType(module_name)
    module.__file__ = str(path)
    with _exec_lock:
        previous = sys.modules.get(module_name)
        sys.modules[module_name] = module  # pydantic resolves annotations through sys.modules
        try:
            exec(code, module.__dict__)
        except (Exception, SystemExit) as exc:
            if previous is None:
                sys.modules.pop(module_name, None)
            else:
                sys.modules[module_name] = previous
            raise InvalidInput(f"{path.name} does not import: {_failure_line(exc, str(path))}") from exc
    return module


def check_source(content: str, filename: str) -> types.ModuleType:
    """Compile and run ``content`` under a scratch module name, then forget the module: what an
    upload must pass before it is saved."""
    check_content(content)
    scratch = f"hbdesk_source_check_{uuid.uuid4().hex}"
    try:
        return execute_source(content, Path(filename), scratch)
    finally:
        sys.modules.pop(scratch, None)


def import_package_module(module_name: str) -> types.ModuleType:
    """Import an installed module by name (a shipped controller), InvalidInput when it fails."""
    try:
        return importlib.import_module(module_name)
    except (Exception, SystemExit) as exc:
        spec = importlib.util.find_spec(module_name)
        origin = spec.origin if spec is not None and spec.origin else module_name
        raise InvalidInput(f"{Path(origin).name} does not import: {_failure_line(exc, origin)}") from exc


def _syntax_line(exc: SyntaxError) -> str:
    where = f"line {exc.lineno}" if exc.lineno else "an unknown line"
    text = f": {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
    return f"{exc.msg} ({where}{text})"


def _failure_line(exc: BaseException, filename: str) -> str:
    """``ExcType: message (line N)``, the line being the source's own deepest one."""
    if isinstance(exc, SyntaxError):  # from a module the source imports
        return f"{type(exc).__name__}: {_syntax_line(exc)}"
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == filename]
    where = f" (line {lines[-1]})" if lines else ""
    return f"{type(exc).__name__}: {excerpt(exc, 300)}{where}"


# -- pydantic config classes ------------------------------------------------------------------------


def own_subclasses(module: types.ModuleType, base: type, excluded: tuple[type, ...] = ()) -> list[type]:
    """Subclasses of ``base`` the module holds, those defined in it first, most derived first."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, base) and value is not base and value not in excluded
    ]
    own = [c for c in found if c.__module__ == module.__name__] or found
    leaves = [c for c in own if not any(other is not c and issubclass(other, c) for other in own)]
    return leaves + [c for c in own if c not in leaves]


def validate(model: type[BaseModel], config: dict[str, Any], what: str) -> BaseModel:
    """``model(**config)`` or InvalidInput naming each field that is wrong."""
    try:
        return model(**config)
    except ValidationError as exc:
        raise InvalidInput(f"Invalid configuration for {what}: {validation_problems(exc)}") from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise InvalidInput(f"Invalid configuration for {what}: {excerpt(exc, 300)}") from exc


def field_default(field: Any) -> Any:
    """A field's default as JSON (None for a required field)."""
    if field.is_required():
        return None
    if field.default_factory is not None:
        try:
            return jsonable(field.default_factory())
        except TypeError:  # a factory that wants the validated data
            return None
    return jsonable(field.default)


def jsonable(value: Any) -> Any:
    """A default as JSON: enums by name, Decimals as text (as the Hummingbot API answers them)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return jsonable(value.model_dump())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    return str(value)


def type_name(annotation: Any) -> str:
    """``Optional[Decimal]`` rather than ``typing.Optional[decimal.Decimal]``."""
    if isinstance(annotation, type) and not get_args(annotation):
        return annotation.__name__
    return re.sub(r"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)+(?=[A-Za-z_])", "", str(annotation))


def template(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """Each field of a config class: its default, type and whether it must be given."""
    fields: dict[str, dict[str, Any]] = {}
    for name, field in model.model_fields.items():
        entry: dict[str, Any] = {
            "default": field_default(field),
            "type": type_name(field.annotation),
            "required": field.is_required(),
        }
        if field.description:
            entry["description"] = field.description
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if "is_updatable" in extra:
            entry["is_updatable"] = bool(extra["is_updatable"])
        fields[name] = entry
    return fields


def dumped(config: BaseModel) -> dict[str, Any]:
    """A validated config as JSON, as it would be saved."""
    data = jsonable(config.model_dump(mode="python"))
    assert isinstance(data, dict)
    return data
