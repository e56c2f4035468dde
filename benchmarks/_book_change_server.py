"""``hbdesk serve`` that also prints, on stdout, when each BTC-USDT book of the sim was made.

Each line is ``{"t": wall time, "key": the top levels as JSON}``; the websocket benchmark matches
what its clients receive against these keys. Usage: _book_change_server.py PORT DEPTH
"""

import json
import sys
import time

from hbdesk_plugins.sim import connector as sim_connector

PORT, DEPTH = int(sys.argv[1]), int(sys.argv[2])
make_snapshot = sim_connector.SimOrderBookDataSource._order_book_snapshot


async def recorded_snapshot(self, trading_pair):  # type: ignore[no-untyped-def]
    message = await make_snapshot(self, trading_pair)
    if trading_pair == "BTC-USDT":
        top = [[list(level) for level in message.content[side][:DEPTH]] for side in ("bids", "asks")]
        print(json.dumps({"t": time.time(), "key": json.dumps(top)}), flush=True)
    return message


sim_connector.SimOrderBookDataSource._order_book_snapshot = recorded_snapshot

from hbdesk_plugins.rest_api.serve import serve  # noqa: E402

sys.exit(serve("127.0.0.1", PORT))
