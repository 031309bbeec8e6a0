"""The consumers on a 3-master Redis Cluster the test starts itself, both shells:
the stream, its dead-letter stream and the group's retry stream share one hash tag,
so one XREADGROUP reads two of them and one script settles a batch; presence keys
share the {presence} slot."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis.asyncio.cluster
from redis.cluster import RedisCluster
from redis.typing import EncodableT, FieldT

from runtime import Codec, Contracts
from runtime.presence import AsyncPresence, Presence, live_services, schema_key
from runtime.streams import (
    AsyncConsumer,
    Consumer,
    Delivery,
    Publisher,
    dead_letter_key,
    retry_key,
    stream_key,
)
from runtime.testing import RedisClusterServers
from tests.replies import xadd_id, xrange_rows
from tests.shells import Driven
from tests.test_streams import catalog_for, task


@pytest.fixture(scope="module")
def cluster() -> Iterator[RedisClusterServers]:
    with RedisClusterServers(masters=3) as servers:
        yield servers


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_consumer_on_a_cluster_handles_dead_letters_and_retries(
    cluster: RedisClusterServers, kind: str
) -> None:
    contracts = Contracts("platform_contracts")
    codec = Codec(contracts, source="python:test")
    client = RedisCluster.from_url(cluster.urls[1])  # any node reaches the cluster
    stream = f"cluster.{uuid.uuid4().hex[:8]}"
    catalog = catalog_for(contracts, stream)
    runner = None
    if kind == "sync":
        made: Any = Consumer(
            client, codec, stream, "agents", "c-1", catalog=catalog, block_ms=20,
            claim_idle_ms=10, claim_every_ms=0, max_deliveries=1,
        )  # fmt: skip
    else:
        runner = asyncio.Runner()
        aclient = redis.asyncio.cluster.RedisCluster.from_url(cluster.urls[2])
        made = AsyncConsumer(
            aclient, codec, stream, "agents", "c-1", catalog=catalog, block_ms=20,
            claim_idle_ms=10, claim_every_ms=0, max_deliveries=1,
        )  # fmt: skip
    consumer = Driven(made, runner)
    try:
        consumer.ensure_group(start="0")
        handled: list[str] = []

        @consumer.on("agent.task.requested", 1)
        def handle(data: Any, delivery: Delivery) -> None:
            if data.instruction == "fail":
                raise RuntimeError("down")
            handled.append(delivery.entry_id)

        publisher = Publisher(client, codec, catalog=catalog)
        ids = publisher.publish_many(
            stream, [(task(), "agent.task.requested", 1) for _ in range(3)]
        )
        bad = xadd_id(client.xadd(stream_key(stream), {"envelope": b"{"}))
        failing = publisher.publish(
            stream, (task(instruction="fail"), "agent.task.requested", 1)
        )
        valid = Codec(contracts, source="python:test").encode(
            task(), message_type="agent.task.requested", version=1
        )
        retried = client.xadd(retry_key(stream, "agents"), {"envelope": valid})
        result = consumer.run_once()
        assert (result.handled, result.dead_lettered, result.failed) == (4, 1, 1)
        assert handled == [*ids, xadd_id(retried)]
        for _ in range(20):  # the failing entry reaches the delivery limit
            time.sleep(0.02)
            consumer.run_once()
            if client.xlen(dead_letter_key(stream)) == 2:
                break
        letters = {
            f[b"dlq.entry_id"].decode(): f
            for _, f in xrange_rows(client.xrange(dead_letter_key(stream)))
        }
        assert letters[bad][b"dlq.reason"] == b"invalid"
        assert letters[bad][b"envelope"] == b"{"
        assert letters[failing][b"dlq.reason"] == b"delivery-limit"
        assert json.loads(letters[failing][b"dlq.errors"]) == [
            {"error": "RuntimeError: down"}
        ]
        for key in (stream_key(stream), retry_key(stream, "agents")):
            assert client.xpending(key, "agents")["pending"] == 0
    finally:
        if runner is not None:
            runner.run(made.client.aclose())
            runner.close()
        client.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_presence_on_a_cluster(cluster: RedisClusterServers, kind: str) -> None:
    """A heartbeat's keys share the ``{presence}`` slot: one pipeline, any node."""
    contracts = Contracts("platform_contracts")
    client = RedisCluster.from_url(cluster.urls[0])
    runner = None
    if kind == "sync":
        made: Any = Presence(client, contracts, f"svc-{kind}", ttl=30)
    else:
        runner = asyncio.Runner()
        aclient = redis.asyncio.cluster.RedisCluster.from_url(cluster.urls[1])
        made = AsyncPresence(aclient, contracts, f"svc-{kind}", ttl=30)
    try:
        with Driven(made, runner):
            services, problems = live_services(client)
            assert f"svc-{kind}" in [s.service for s in services] and not problems
            fingerprint = contracts.manifest["contracts"][0]["fingerprint"]
            assert client.exists(schema_key(fingerprint))
        assert f"svc-{kind}" not in [s.service for s in live_services(client)[0]]
    finally:
        if runner is not None:
            runner.run(made.client.aclose())
            runner.close()
        client.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_wide_entries_and_the_no_script_fallback_on_a_cluster(
    cluster: RedisClusterServers, kind: str
) -> None:
    """Dead letters the client writes itself (an entry wider than a script unpacks;
    a Redis that refuses scripts) work through a cluster client too: a cluster
    pipeline cannot carry EVAL, so they are never in one with the script."""
    contracts = Contracts("platform_contracts")
    codec = Codec(contracts, source="python:test")
    client = RedisCluster.from_url(cluster.urls[0])
    stream = f"wide.{uuid.uuid4().hex[:8]}"
    catalog = catalog_for(contracts, stream)
    runner = None
    if kind == "sync":
        made: Any = Consumer(client, codec, stream, "g", "c", catalog=catalog)
    else:
        runner = asyncio.Runner()
        aclient = redis.asyncio.cluster.RedisCluster.from_url(cluster.urls[1])
        made = AsyncConsumer(aclient, codec, stream, "g", "c", catalog=catalog)
    consumer = Driven(made, runner)
    try:
        consumer.ensure_group(start="0")
        wide: dict[FieldT, EncodableT] = {f"f{i}": str(i) for i in range(3000)}
        ids = [xadd_id(client.xadd(stream_key(stream), wide))]
        ids.append(xadd_id(client.xadd(stream_key(stream), {"envelope": b"{"})))
        assert consumer.run_once().dead_lettered == 2
        made.scripting = False  # as after Redis refused the script
        ids.append(xadd_id(client.xadd(stream_key(stream), {"envelope": b"["})))
        assert consumer.run_once().dead_lettered == 1
        letters = {
            f[b"dlq.entry_id"].decode(): f
            for _, f in xrange_rows(client.xrange(dead_letter_key(stream)))
        }
        assert sorted(letters) == sorted(ids)
        assert letters[ids[0]][b"f2999"] == b"2999"
        assert letters[ids[2]][b"envelope"] == b"["
        assert client.xpending(stream_key(stream), "g")["pending"] == 0
    finally:
        if runner is not None:
            runner.run(made.client.aclose())
            runner.close()
        client.close()
