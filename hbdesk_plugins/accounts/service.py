"""The accounts service: accounts and their exchange credentials, encrypted at rest.

Credentials are checked against the connector's own fields and stored at once; asking the
exchange whether it accepts them happens afterwards, in the background, and its outcome is the
credential's status. An exchange that is down neither blocks the request nor loses the keys.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from hbdesk.sdk import HbdeskError, InvalidInput, Kernel, NotFound, excerpt
from hbdesk_plugins.accounts.models import (
    MASTER_ACCOUNT,
    NAME_MAX,
    NAME_RE,
    CredentialState,
    CredentialStatus,
)
from hbdesk_plugins.accounts.public import AccountsChanged
from hbdesk_plugins.accounts.tables import Account, Credential, utcnow
from hbdesk_plugins.connectors.public import CONNECTORS, Verdict, Verification

log = logging.getLogger(__name__)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def check_name(value: str, label: str) -> str:
    if len(value or "") > NAME_MAX:
        raise InvalidInput(f"Invalid {label}: '{excerpt(value)}'. At most {NAME_MAX} characters are allowed.")
    if not NAME_RE.fullmatch(value or ""):
        raise InvalidInput(
            f"Invalid {label}: '{excerpt(value)}'. "
            "Only letters, numbers, underscores and hyphens are allowed."
        )
    return value


class AccountsService:
    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self._credential_count = 0
        # The account names, in creation order: read on every request, so kept in memory and
        # updated after each committed change (this process is the database's only writer).
        self._names: list[str] = []

    @property
    def catalog(self) -> Any:
        return self.kernel.service(CONNECTORS)

    async def start(self) -> None:
        async with self.kernel.db.session() as session, session.begin():
            if await session.get(Account, MASTER_ACCOUNT) is None:
                session.add(Account(name=MASTER_ACCOUNT))
        await self._load_names()
        await self._count_credentials()
        await self._resume_checks()

    async def _resume_checks(self) -> None:
        """Credentials still pending (a stop or crash came before the exchange answered) are
        asked again, so each one ends verified, rejected or unreachable."""
        async with self.kernel.db.session() as session:
            pending = list(
                await session.scalars(
                    select(Credential).where(Credential.status == CredentialStatus.PENDING.value)
                )
            )
        for credential in pending:
            self.kernel.spawn(
                self._verify_pending(credential.account_name, credential.connector_name, credential.secret),
                name=f"verify {credential.account_name}/{credential.connector_name}",
            )

    async def _verify_pending(self, account_name: str, connector_name: str, secret: str) -> None:
        try:
            spec = await self.catalog.spec(connector_name)
        except HbdeskError as exc:
            await self._record(
                account_name, connector_name, secret, Verification(Verdict.UNREACHABLE, exc.detail)
            )
            return
        await self._verify(account_name, connector_name, secret, spec)

    # -- accounts -------------------------------------------------------------------------------

    async def list_accounts(self) -> list[str]:
        return list(self._names)

    async def _load_names(self) -> None:
        async with self.kernel.db.session() as session:
            rows = await session.scalars(select(Account.name).order_by(Account.created_at, Account.name))
            self._names = list(rows)

    async def add_account(self, name: str) -> None:
        check_name(name, "account name")
        try:
            async with self.kernel.db.session() as session, session.begin():
                if await session.get(Account, name) is not None:
                    raise InvalidInput("Account already exists.")
                session.add(Account(name=name))
        except IntegrityError:
            raise InvalidInput("Account already exists.") from None
        await self._changed(name)

    async def delete_account(self, name: str) -> None:
        check_name(name, "account name")
        if name == MASTER_ACCOUNT:
            raise InvalidInput("Cannot delete master account.")
        async with self.kernel.db.session() as session, session.begin():
            account = await session.get(Account, name)
            if account is None:
                raise NotFound(f"Account '{name}' not found.")
            await session.execute(delete(Credential).where(Credential.account_name == name))
            await session.delete(account)
        await self._changed(name)

    async def _require_account(self, session: Any, name: str) -> None:
        if await session.get(Account, name) is None:
            raise NotFound(f"Account '{name}' not found.")

    # -- credentials ----------------------------------------------------------------------------

    async def list_credentials(self, account_name: str) -> list[str]:
        return [state.connector_name for state in await self.credential_states(account_name)]

    async def credential_states(self, account_name: str) -> list[CredentialState]:
        check_name(account_name, "account name")
        async with self.kernel.db.session() as session:
            await self._require_account(session, account_name)
            rows = await session.scalars(
                select(Credential)
                .where(Credential.account_name == account_name)
                .order_by(Credential.connector_name)
            )
            return [
                CredentialState(
                    connector_name=row.connector_name,
                    status=CredentialStatus(row.status),
                    detail=row.status_detail,
                    checked_at=_aware(row.checked_at),
                )
                for row in rows
            ]

    async def add_credential(self, account_name: str, connector_name: str, values: dict[str, Any]) -> None:
        check_name(account_name, "account name")
        check_name(connector_name, "connector name")
        async with self.kernel.db.session() as session:
            await self._require_account(session, account_name)
        spec = await self.catalog.spec(connector_name)
        cleaned = spec.check_credentials(values)
        secret = self.kernel.secrets.encrypt(cleaned)
        async with self.kernel.db.session() as session, session.begin():
            await self._require_account(session, account_name)
            await session.merge(
                Credential(
                    account_name=account_name,
                    connector_name=connector_name,
                    secret=secret,
                    status=CredentialStatus.PENDING.value,
                    status_detail="waiting for the exchange",
                    checked_at=None,
                    updated_at=utcnow(),
                )
            )
        await self._changed(account_name, connector_name)
        self.kernel.spawn(
            self._verify(account_name, connector_name, secret, spec),
            name=f"verify {account_name}/{connector_name}",
        )

    async def delete_credential(self, account_name: str, connector_name: str) -> None:
        check_name(account_name, "account name")
        check_name(connector_name, "connector name")
        async with self.kernel.db.session() as session, session.begin():
            await self._require_account(session, account_name)
            credential = await session.get(Credential, (account_name, connector_name))
            if credential is None:
                raise NotFound(f"Account '{account_name}' has no credentials for '{connector_name}'.")
            await session.delete(credential)
        await self._changed(account_name, connector_name)

    async def credentials(self, account_name: str, connector_name: str) -> dict[str, str]:
        """The decrypted fields, for the kernel's own use; no route ever returns them."""
        async with self.kernel.db.session() as session:
            credential = await session.get(Credential, (account_name, connector_name))
            if credential is None:
                raise NotFound(f"Account '{account_name}' has no credentials for '{connector_name}'.")
            return dict(self.kernel.secrets.decrypt(credential.secret))

    async def _verify(self, account_name: str, connector_name: str, secret: str, spec: Any) -> None:
        try:
            outcome = await self.catalog.verify(spec, self.kernel.secrets.decrypt(secret))
        except Exception as exc:  # a bug must not leave the credential pending for ever
            log.exception("checking credentials %s/%s failed", account_name, connector_name)
            outcome = Verification(
                Verdict.UNREACHABLE, f"the check could not be completed ({type(exc).__name__})"
            )
        await self._record(account_name, connector_name, secret, outcome)

    async def _record(
        self, account_name: str, connector_name: str, secret: str, outcome: Verification
    ) -> None:
        async with self.kernel.db.session() as session, session.begin():
            credential = await session.get(Credential, (account_name, connector_name))
            if credential is None or credential.secret != secret:
                return  # deleted or replaced while the exchange was being asked
            credential.status = CredentialStatus(outcome.status).value
            credential.status_detail = outcome.detail
            credential.checked_at = utcnow()
        log.info("credentials %s/%s: %s", account_name, connector_name, outcome.status)
        await self._changed(account_name, connector_name)

    # -- status ---------------------------------------------------------------------------------

    async def _count_credentials(self) -> None:
        async with self.kernel.db.session() as session:
            self._credential_count = await session.scalar(select(func.count()).select_from(Credential)) or 0

    async def _changed(self, account_name: str, connector_name: str | None = None) -> None:
        await self._load_names()
        await self._count_credentials()
        self.kernel.bus.publish(AccountsChanged(account_name, connector_name))

    def status_line(self) -> str:
        accounts, credentials = len(self._names), self._credential_count
        return (
            f"{accounts} account{'s' * (accounts != 1)}, {credentials} credential{'s' * (credentials != 1)}"
        )
