"""The accounts router, as the Hummingbot API documents it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hbdesk.sdk import Call, RouteTable, Unavailable
from hbdesk_plugins.accounts.models import (
    NAME_SCHEMA,
    AccountNameQuery,
    CredentialState,
    DefaultWalletSet,
    GatewayWalletCredential,
    Message,
    SetDefaultWalletRequest,
    WalletRemoved,
)
from hbdesk_plugins.accounts.public import ACCOUNTS
from hbdesk_plugins.gateway.public import GATEWAY

if TYPE_CHECKING:
    from hbdesk_plugins.accounts.service import AccountsService
    from hbdesk_plugins.gateway.client import GatewayClient

routes = RouteTable(tags=("Accounts",))
ACCOUNT = {"account_name": NAME_SCHEMA}
CREDENTIAL = {"account_name": NAME_SCHEMA, "connector_name": NAME_SCHEMA}


def accounts(call: Call) -> AccountsService:
    return call.kernel.service(ACCOUNTS)


def gateway(call: Call) -> GatewayClient:
    client = call.kernel.optional_service(GATEWAY)  # declared optional by the accounts service
    if client is None:
        raise Unavailable("Gateway service is not available: the gateway plugin is disabled")
    return client


@routes.get("/accounts/", response=list[str])
async def list_accounts(call: Call) -> list[str]:
    """List account names."""
    return await accounts(call).list_accounts()


@routes.get(
    "/accounts/{account_name}/credentials", response=list[str], errors=(400, 404), path_params=ACCOUNT
)
async def list_account_credentials(call: Call) -> list[str]:
    """List the connectors an account holds credentials for."""
    return await accounts(call).list_credentials(call.path["account_name"])


@routes.get(
    "/accounts/{account_name}/credentials/status",
    response=list[CredentialState],
    errors=(400, 404),
    path_params=ACCOUNT,
)
async def credential_statuses(call: Call) -> list[CredentialState]:
    """Each credential's verification status (pending, verified, rejected, unreachable)."""
    return await accounts(call).credential_states(call.path["account_name"])


@routes.post("/accounts/add-account", query=AccountNameQuery, response=Message, status=201, errors=(400,))
async def add_account(call: Call) -> Message:
    """Create an account."""
    await accounts(call).add_account(call.query.account_name)
    return Message(message="Account added successfully.")


@routes.post("/accounts/delete-account", query=AccountNameQuery, response=Message, errors=(400, 404))
async def delete_account(call: Call) -> Message:
    """Delete an account and its credentials (not master_account)."""
    await accounts(call).delete_account(call.query.account_name)
    return Message(message="Account deleted successfully.")


@routes.post(
    "/accounts/add-credential/{account_name}/{connector_name}",
    body=dict[str, Any],
    response=Message,
    status=201,
    errors=(400, 404),
    path_params=CREDENTIAL,
)
async def add_credential(call: Call) -> Message:
    """Store a connector's credentials, encrypted; the exchange is asked in the background."""
    await accounts(call).add_credential(call.path["account_name"], call.path["connector_name"], call.body)
    return Message(message="Connector credentials added successfully.")


@routes.post(
    "/accounts/delete-credential/{account_name}/{connector_name}",
    response=Message,
    errors=(400, 404),
    path_params=CREDENTIAL,
)
async def delete_credential(call: Call) -> Message:
    """Remove a connector's credentials from an account."""
    await accounts(call).delete_credential(call.path["account_name"], call.path["connector_name"])
    return Message(message="Credential deleted successfully.")


@routes.get("/accounts/gateway/wallets", response=list[dict[str, Any]], errors=(503, 504))
async def list_gateway_wallets(call: Call) -> list[dict[str, Any]]:
    """Wallets Gateway holds, grouped by chain, with each chain's default address."""
    return await gateway(call).wallets()


@routes.post(
    "/accounts/gateway/add-wallet",
    body=GatewayWalletCredential,
    response=dict[str, Any],
    status=201,
    errors=(400, 503, 504),
)
async def add_gateway_wallet(call: Call) -> dict[str, Any]:
    """Add a wallet to Gateway from its private key (sent to Gateway, never stored here)."""
    body: GatewayWalletCredential = call.body
    return await gateway(call).add_wallet(body.chain, body.private_key, body.set_default)


@routes.post(
    "/accounts/gateway/wallet/set-default",
    body=SetDefaultWalletRequest,
    response=DefaultWalletSet,
    errors=(400, 503, 504),
)
async def set_default_gateway_wallet(call: Call) -> DefaultWalletSet:
    """Make an address a chain's default wallet."""
    body: SetDefaultWalletRequest = call.body
    await gateway(call).set_default_wallet(body.chain, body.address)
    return DefaultWalletSet(
        success=True,
        message=f"Set {body.address} as default wallet for {body.chain}",
        chain=body.chain,
        address=body.address,
    )


@routes.delete("/accounts/gateway/{chain}/{address}", response=WalletRemoved, errors=(400, 503, 504))
async def remove_gateway_wallet(call: Call) -> WalletRemoved:
    """Remove a wallet from Gateway."""
    chain = call.path["chain"]
    await gateway(call).remove_wallet(chain, call.path["address"])
    return WalletRemoved(success=True, message=f"Successfully removed {chain} wallet")
