"""Accounts' shapes: request and response models shared by the REST routes and the desk."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, JsonValue, StringConstraints

from hbdesk.sdk import RequestModel

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
NAME_RE = re.compile(NAME_PATTERN)
NAME_MAX = 64  # the accounts table's key column, the form and the schema all say 64
SECRET_MAX = 8_192  # characters of one credential value: PEM keys fit, a megabyte does not
MASTER_ACCOUNT = "master_account"

AccountName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=1, max_length=NAME_MAX)]


class CredentialStatus(enum.StrEnum):
    PENDING = "pending"  # stored, the exchange not asked yet
    VERIFIED = "verified"  # the exchange accepted the keys
    REJECTED = "rejected"  # the exchange refused the keys
    UNREACHABLE = "unreachable"  # the exchange could not be asked; the keys are kept


# Documented rather than enforced by the model: a name outside it is a 400, as the reference has it.
NAME_SCHEMA: dict[str, JsonValue] = {
    "type": "string",
    "pattern": NAME_PATTERN,
    "minLength": 1,
    "maxLength": NAME_MAX,
}


class AccountNameQuery(BaseModel):
    account_name: str = Field(description="Letters, digits, '_' and '-'.", json_schema_extra=NAME_SCHEMA)


class NewAccount(BaseModel):
    """What the desk's add-account form checks."""

    account_name: AccountName


class Message(BaseModel):
    message: str


class CredentialState(BaseModel):
    connector_name: str
    status: CredentialStatus
    detail: str = ""
    checked_at: datetime | None = None


class GatewayWalletCredential(RequestModel):
    chain: str = Field(min_length=1, max_length=NAME_MAX)
    private_key: str = Field(min_length=1, max_length=SECRET_MAX)
    set_default: bool = True


class SetDefaultWalletRequest(RequestModel):
    chain: str = Field(min_length=1, max_length=NAME_MAX)
    address: str = Field(min_length=1, max_length=256)


class WalletRemoved(BaseModel):
    success: bool
    message: str


class DefaultWalletSet(WalletRemoved):
    chain: str
    address: str
