"""What the desk knows of a connector: its name, kind and the credential fields it takes."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field, create_model

from hbdesk.sdk import InvalidInput, excerpt

VALUE_MAX = 8_192  # characters of one credential value: PEM keys fit, a megabyte does not


class Verdict(enum.StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Verification:
    status: Verdict
    detail: str = ""


@dataclass(frozen=True)
class CredentialField:
    name: str
    secret: bool = True
    required: bool = True
    type_name: str = "str"
    allowed_values: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


Verifier = Callable[["ConnectorSpec", dict[str, str]], Awaitable[Verification]]
# Checks the values as the connector's own config model does; returns problems, one per field.
ValueCheck = Callable[[dict[str, str]], list[str]]


@dataclass(frozen=True)
class ConnectorSpec:
    name: str
    kind: str  # "spot", "perpetual", "gateway", ...
    fields: tuple[CredentialField, ...] = ()
    verifier: Verifier | None = field(default=None, compare=False, repr=False)
    value_check: ValueCheck | None = field(default=None, compare=False, repr=False)

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def expected(self) -> str:
        return ", ".join(self.field_names) if self.fields else "no fields"

    def check_credentials(self, values: dict[str, Any]) -> dict[str, str]:
        """The values, as strings, if they are exactly this connector's fields."""
        if not isinstance(values, dict):
            raise InvalidInput(f"Credentials for {self.name} must be an object with: {self.expected()}.")
        known = set(self.field_names)
        unknown = [excerpt(name) for name in sorted(set(values) - known)][:10]
        missing = [f.name for f in self.fields if f.required and _blank(values.get(f.name))]
        problems = []
        if unknown:
            problems.append(f"unknown field{'s' * (len(unknown) > 1)} {', '.join(unknown)}")
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        wrong_type = [
            k for k, v in values.items() if k in known and not isinstance(v, str | int | float | bool)
        ]
        if wrong_type:
            problems.append(f"not text: {', '.join(wrong_type)}")
        too_long = [k for k, v in values.items() if k in known and len(str(v)) > VALUE_MAX]
        if too_long:
            problems.append(f"longer than {VALUE_MAX:,} characters: {', '.join(too_long)}")
        if problems:
            raise InvalidInput(
                f"Wrong credential fields for {self.name} ({'; '.join(problems)}). "
                f"Expected fields: {self.expected()}."
            )
        cleaned = {k: str(v) for k, v in values.items() if not _blank(v)}
        if self.value_check is not None and (invalid := self.value_check(cleaned)):
            raise InvalidInput(f"Invalid credentials for {self.name}: {'; '.join(invalid)}.")
        return cleaned

    def form_model(self) -> type[BaseModel]:
        """A pydantic model of the fields, for the desk's form."""
        definitions: dict[str, Any] = {
            f.name: (str, Field(min_length=1) if f.required else Field("")) for f in self.fields
        }
        return create_model(f"{self.name}_credentials", **definitions)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
