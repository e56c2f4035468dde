"""What other plugins may use of the rate-oracle plugin: its service key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hbdesk.sdk import ServiceKey

if TYPE_CHECKING:
    from hbdesk_plugins.rate_oracle.service import RateOracleService

RATE_ORACLE: ServiceKey[RateOracleService] = ServiceKey("rate_oracle")
