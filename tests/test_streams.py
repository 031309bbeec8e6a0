"""Redis Streams runtime against a real redis-server: nothing lost or unchecked."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio

from runtime import Codec, Contracts, ContractViolation
from runtime.catalog import Catalog
from runtime.streams import (
    AsyncConsumer,
    Consumer,
    Delivery,
    NotInCatalog,
    Publisher,
    dead_letter_key,
    retry_key,
    stream_key,
)
from runtime.testing import RedisServer
from tests.conftest import ROOT
from tests.replies import text, xrange_rows
from tests.shells import Driven, Shell

TASK = "agent/task_requested.v1.json"
SAMPLES = ROOT / "tests" / "samples" / "agent" / "task_requested.v1"


def catalog_for(contracts: Contracts, stream: str) -> Catalog:
    """A catalogue carrying task requests on ``stream`` (tests use fresh names)."""
    messages = [{"contract": TASK, "producers": ["node"], "consumers": ["python"]}]
    data = {"streams": {stream: {"description": "test", "messages": messages}}}
    return Catalog(data, contracts)


def task(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / "valid-minimal.json").read_text())
    data["task_id"] = str(uuid.uuid4())
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture
def stream() -> str:
    return f"test.{uuid.uuid4().hex[:12]}"


def make(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str, **options: Any
) -> tuple[Publisher, Driven]:
    """A publisher (sync) and a consumer of the shell under test, group created."""
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, stream)
    publisher = Publisher(client, codec, catalog=catalog)
    consumer = shell.consumer(
        codec, stream, "agents", "agent-1", catalog=catalog, block_ms=50, **options
    )
    consumer.ensure_group(start="0")
    return publisher, consumer


def test_keys_share_a_cluster_hash_tag() -> None:
    assert stream_key("agent.tasks") == "stream:{agent.tasks}"
    assert dead_letter_key("agent.tasks") == "stream:{agent.tasks}:dlq"
    assert retry_key("agent.tasks", "workers") == "stream:{agent.tasks}:retry:workers"


def test_round_trip_typed_with_one_ack_per_batch(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    from platform_contracts.agent.task_requested_v1 import AgentTaskRequested

    publisher, consumer = make(shell, client, contracts, stream)
    model = AgentTaskRequested.model_validate(task())
    ids = [publisher.publish(stream, model)]
    ids += publisher.publish_many(
        stream, [(task(), "agent.task.requested", 1) for _ in range(150)], batch=50
    )
    seen: list[Any] = []

    @consumer.on("agent.task.requested", 1)
    def handle(data: Any, delivery: Delivery) -> None:
        seen.append((data, delivery.entry_id))

    first = consumer.run_once()
    second = consumer.run_once()
    assert first.handled == 100 and second.handled == 51
    assert isinstance(seen[0][0], AgentTaskRequested) and seen[0][0] == model
    assert [entry for _, entry in seen] == ids
    assert client.xpending(stream_key(stream), "agents")["pending"] == 0


def _dlq(client: redis.Redis, stream: str) -> list[dict[str, Any]]:
    out = []
    for _, fields in xrange_rows(client.xrange(dead_letter_key(stream))):
        out.append({k.decode(): v.decode(errors="replace") for k, v in fields.items()})
    return out


def test_invalid_entries_go_to_the_dead_letter_stream_with_reasons(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    publisher, consumer = make(shell, client, contracts, stream)
    codec = Codec(contracts, source="python:test")
    good = json.loads(
        codec.encode(task(), message_type="agent.task.requested", version=1)
    )
    key = stream_key(stream)

    def raw(envelope: Any) -> bytes:
        return (
            envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
        )

    wrong_type = dict(good, data=dict(good["data"], max_attempts="3"))
    unknown = dict(good, version=7)
    other_stream = json.loads(
        codec.encode(
            json.loads(
                (
                    ROOT / "tests/samples/order/order_created.v1/valid-full.json"
                ).read_text()
            ),
            message_type="order.created",
            version=1,
        )
    )
    deep = dict(
        good, data=dict(good["data"], input={"a": json.loads("[" * 80 + "]" * 80)})
    )
    bad = {
        "malformed": b'{"id": ',
        "wrong-type": raw(wrong_type),
        "unknown": raw(unknown),
        "not-in-catalog": raw(other_stream),
        "deep": raw(deep),
        "oversized": raw(dict(good, source="x" * (1 << 21))),
    }
    for name, body in bad.items():
        client.xadd(key, {"envelope": body, "note": name})
    client.xadd(key, {"note": "no envelope field"})
    publisher.publish(stream, (task(), "agent.task.requested", 1))
    handled: list[Any] = []
    consumer.on("agent.task.requested", 1)(lambda data, d: handled.append(data))
    result = consumer.run_once()
    assert (result.handled, result.dead_lettered) == (1, 7)
    dead = {d["note"]: d for d in _dlq(client, stream)}
    assert dead["malformed"]["dlq.reason"] == "invalid"
    assert json.loads(dead["malformed"]["dlq.errors"])[0]["expected"] == "valid JSON"
    errors = json.loads(dead["wrong-type"]["dlq.errors"])
    assert errors == [
        {"pointer": "/data/max_attempts", "expected": "an integer", "got": '"3"'}
    ]
    assert dead["unknown"]["dlq.reason"] == "unknown-contract"
    assert json.loads(dead["unknown"]["dlq.errors"]) == [
        {"pointer": "/version", "expected": "one of [1]", "got": "7"}
    ]
    assert dead["not-in-catalog"]["dlq.reason"] == "not-in-catalog"
    assert "nesting depth at most 64" in dead["deep"]["dlq.errors"]
    assert "at most 1048576 bytes" in dead["oversized"]["dlq.errors"]
    assert dead["no envelope field"]["dlq.reason"] == "invalid"
    for d in dead.values():
        assert d["dlq.stream"] == key and d["dlq.group"] == "agents"
        assert d["dlq.consumer"] == "agent-1" and d["dlq.deliveries"] == "1"
    assert dead["wrong-type"]["envelope"] == raw(wrong_type).decode()
    assert client.xpending(key, "agents")["pending"] == 0


def test_publish_checks_contract_and_catalogue_before_writing(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    publisher, _ = make(shell, client, contracts, stream)
    with pytest.raises(ContractViolation):
        publisher.publish_many(
            stream,
            [
                (task(), "agent.task.requested", 1),
                (task(max_attempts=0), "agent.task.requested", 1),
            ],
        )
    order = json.loads(
        (ROOT / "tests/samples/order/order_created.v1/valid-full.json").read_text()
    )
    with pytest.raises(NotInCatalog, match="does not allow order.created v1"):
        publisher.publish(stream, (order, "order.created", 1))
    assert client.xlen(stream_key(stream)) == 0


def test_poison_message_ends_in_dead_letter_stream_after_delivery_limit(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    publisher, consumer = make(
        shell, client, contracts, stream, claim_idle_ms=20, max_deliveries=3
    )
    publisher.publish(stream, (task(), "agent.task.requested", 1))
    calls = []

    @consumer.on("agent.task.requested", 1)
    def always_fails(data: Any, delivery: Delivery) -> None:
        calls.append(delivery.deliveries)
        raise RuntimeError("poison")

    for _ in range(30):
        consumer.run_once()
        time.sleep(0.03)
        if _dlq(client, stream):
            break
    assert calls == [1, 2, 3]
    [dead] = _dlq(client, stream)
    assert dead["dlq.reason"] == "delivery-limit" and dead["dlq.deliveries"] == "4"
    # #13.9: the last handler error, as the Node consumer records it
    assert json.loads(dead["dlq.errors"]) == [{"error": "RuntimeError: poison"}]
    assert client.xpending(stream_key(stream), "agents")["pending"] == 0


def test_idle_entries_are_looked_for_once_per_claim_interval(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    """XAUTOCLAIM runs on the first cycle, then at most every claim_every_ms: an
    entry left pending is reclaimed once the interval has passed, not before."""
    publisher, consumer = make(
        shell, client, contracts, stream, claim_idle_ms=20, claim_every_ms=1500
    )
    publisher.publish(stream, (task(), "agent.task.requested", 1))
    calls: list[int] = []

    @consumer.on("agent.task.requested", 1)
    def fails_once(data: Any, delivery: Delivery) -> None:
        calls.append(delivery.deliveries)
        if len(calls) == 1:
            raise RuntimeError("first try")

    assert consumer.run_once().failed == 1  # claimed nothing, read and failed it
    time.sleep(0.1)  # idle past claim_idle_ms, but the interval has not passed
    assert consumer.run_once().claimed == 0 and calls == [1]
    time.sleep(1.5)
    result = consumer.run_once()
    assert (result.claimed, result.handled, calls) == (1, 1, [1, 2])


def test_consumer_recovers_when_group_and_stream_vanish(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    publisher, consumer = make(shell, client, contracts, stream)
    handled: list[Any] = []
    consumer.on("agent.task.requested", 1)(lambda data, d: handled.append(data))
    publisher.publish(stream, (task(), "agent.task.requested", 1))
    assert consumer.run_once().handled == 1
    client.delete(stream_key(stream))
    assert consumer.run_once().handled == 0  # NOGROUP: the group is created again
    publisher.publish(stream, (task(), "agent.task.requested", 1))
    assert consumer.run_once().handled == 1 and len(handled) == 2


def test_fingerprint_drift_is_counted_and_message_still_validated(
    shell: Shell,
    client: redis.Redis,
    contracts: Contracts,
    stream: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, consumer = make(shell, client, contracts, stream)
    codec = Codec(contracts, source="node:old-build")
    envelope = json.loads(
        codec.encode(task(), message_type="agent.task.requested", version=1)
    )
    envelope["fingerprint"] = "sha256:" + "1" * 64
    for _ in range(3):
        client.xadd(stream_key(stream), {"envelope": json.dumps(envelope)})
    handled: list[Any] = []
    consumer.on("agent.task.requested", 1)(lambda data, d: handled.append(d))
    assert consumer.run_once().handled == 3
    assert consumer.drift[("agent.task.requested", 1, "sha256:" + "1" * 64)] == 3
    assert sum("contract drift" in r.message for r in caplog.records) == 1
    assert handled[0].message.fingerprint_matches is False


def test_async_consumer_round_trip(
    redis_url: str, contracts: Contracts, stream: str
) -> None:
    async def scenario() -> int:
        client = redis.asyncio.Redis.from_url(redis_url)
        codec = Codec(contracts, source="python:test")
        catalog = catalog_for(contracts, stream)
        consumer = AsyncConsumer(
            client, codec, stream, "agents", "a-1", catalog=catalog, block_ms=50
        )
        await consumer.ensure_group(start="0")
        sync = redis.Redis.from_url(redis_url)
        Publisher(sync, codec, catalog=catalog).publish_many(
            stream, [(task(), "agent.task.requested", 1) for _ in range(10)]
        )
        sync.xadd(stream_key(stream), {"envelope": b"not json"})
        seen: list[Any] = []

        @consumer.on("agent.task.requested", 1)
        async def handle(data: Any, delivery: Delivery) -> None:
            await asyncio.sleep(0)
            seen.append(data)

        result = await consumer.run_once()
        await client.aclose()
        sync.close()
        assert result.dead_lettered == 1
        return len(seen)

    assert asyncio.run(scenario()) == 10


def _worker(url: str, stream: str, name: str, sleep_ms: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.streams_worker",
            url,
            stream,
            name,
            str(sleep_ms),
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )


def test_sigkill_mid_batch_loses_nothing(
    redis_url: str, client: redis.Redis, contracts: Contracts, stream: str
) -> None:
    """A consumer killed with SIGKILL mid-batch: after a restart every valid message
    is handled at least once and every invalid one is in the dead-letter stream."""
    codec = Codec(contracts, source="python:test")
    publisher = Publisher(client, codec, catalog=catalog_for(contracts, stream))
    tasks = [task() for _ in range(200)]
    publisher.publish_many(stream, [(t, "agent.task.requested", 1) for t in tasks])
    for i in range(10):
        client.xadd(stream_key(stream), {"envelope": f'{{"broken": {i}'})
    first = _worker(redis_url, stream, "w-1", sleep_ms=5)
    deadline = time.monotonic() + 30
    while int(client.get(f"handled-count:{stream}") or 0) < 40:
        assert time.monotonic() < deadline, "worker made no progress"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    handled_before = int(client.get(f"handled-count:{stream}") or 0)
    assert handled_before < 200, "killed too late to test anything"
    second = _worker(redis_url, stream, "w-2", sleep_ms=0)
    try:
        while (
            client.scard(f"handled:{stream}") < 200
            or client.xlen(dead_letter_key(stream)) < 10
        ):
            assert time.monotonic() < deadline + 30, "messages were lost"
            time.sleep(0.05)
    finally:
        client.set(f"stop:{stream}", 1)
        second.wait(timeout=10)
    handled = {text(m) for m in client.smembers(f"handled:{stream}")}
    assert handled == {t["task_id"] for t in tasks}
    assert client.xlen(dead_letter_key(stream)) == 10
    print(
        f"\nSIGKILL after {handled_before} handled; after restart all 200 valid handled"
        f" ({int(client.get(f'handled-count:{stream}') or 0)} handler calls) and"
        " 10 invalid dead-lettered"
    )


def test_redis_restart_mid_run(contracts: Contracts, tmp_path: Path) -> None:
    """Redis restarts (with its append-only file) while a consumer runs: the consumer
    reconnects and every message is handled."""
    server = RedisServer(persistent=True)
    server.dir = tmp_path
    server.start()
    try:
        client = redis.Redis(port=server.port)
        stream = "restart.test"
        codec = Codec(contracts, source="python:test")
        catalog = catalog_for(contracts, stream)
        Publisher(client, codec, catalog=catalog).publish_many(
            stream, [(task(), "agent.task.requested", 1) for _ in range(50)]
        )
        consumer = Consumer(
            client, codec, stream, "agents", "c", catalog=catalog, batch=20, block_ms=50
        )
        consumer.ensure_group(start="0")
        handled: list[Any] = []
        consumer.on("agent.task.requested", 1)(lambda data, d: handled.append(data))
        assert consumer.run_once().handled == 20
        server.stop()
        with pytest.raises(redis.ConnectionError):
            consumer.run_once()
        server.start()
        Publisher(client, codec, catalog=catalog).publish_many(
            stream, [(task(), "agent.task.requested", 1) for _ in range(5)]
        )
        for _ in range(10):
            consumer.run_once()
        assert len(handled) == 55
        client.close()
    finally:
        server.stop()
