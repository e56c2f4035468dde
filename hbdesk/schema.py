"""The vocabulary of request bodies: a base model and bounded field types every plugin shares.

Request bodies are validated strictly (the REST front door asks pydantic for strict JSON): a
boolean is not a number, ``"10"`` is not 10. On top of that, where money is involved numbers are
finite and every string has a bound, so no field can carry a megabyte to an exchange or a log.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

TEXT_MAX = 1_000  # characters of any string field without a tighter bound of its own
NAME_MAX = 64  # connector, account and token names
PAIR_MAX = 64


class RequestModel(BaseModel):
    """Base of request bodies: finite numbers only, bounded strings."""

    model_config = ConfigDict(allow_inf_nan=False, str_max_length=TEXT_MAX)


ConnectorName = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=r"^\S+$")]
TradingPair = Annotated[
    str,
    StringConstraints(min_length=1, max_length=PAIR_MAX, pattern=r"^\S+$"),
    Field(description="BASE-QUOTE, for example BTC-USDT"),
]
TokenName = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX, pattern=r"^\S+$")]
PositiveAmount = Annotated[float, Field(gt=0, allow_inf_nan=False)]
