"""A consumer process for the crash tests: records each handled message id in Redis.

usage: python -m tests.streams_worker REDIS_URL STREAM CONSUMER SLEEP_MS
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import redis

from runtime import Codec, Contracts
from runtime.streams import Consumer, Delivery
from tests.test_streams import catalog_for


def main() -> None:
    url, stream, name, sleep_ms = sys.argv[1:5]
    client = redis.Redis.from_url(url)
    contracts = Contracts("platform_contracts")
    consumer = Consumer(
        client, Codec(contracts, source="python:worker"), stream, "workers", name,
        catalog=catalog_for(contracts, stream), batch=20, block_ms=100,
        claim_idle_ms=300, max_deliveries=50,
    )  # fmt: skip
    consumer.ensure_group(start="0")

    @consumer.on("agent.task.requested", 1)
    def handle(task: Any, delivery: Delivery) -> None:
        time.sleep(int(sleep_ms) / 1000)
        client.sadd(f"handled:{stream}", task.task_id)
        client.incr(f"handled-count:{stream}")

    stop = threading.Event()
    deadline = time.monotonic() + 60
    while not stop.is_set() and time.monotonic() < deadline:
        consumer.run_once()
        if client.get(f"stop:{stream}"):
            stop.set()


if __name__ == "__main__":
    main()
