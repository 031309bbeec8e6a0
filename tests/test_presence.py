"""Live presence and ``contracts drift --redis``, on a real redis-server.

The live test runs a Node service built from an OLDER version of two schemas (the
npm package generated from a modified copy of ``schemas/``) next to a Python
service built from the current ones. Both announce themselves through their
runtime's presence (``runtime.presence``, the npm package's ``presence.js``); the
drift command must list both services and judge each difference: an older
producer that may omit a field the current consumer requires is incompatible, an
older producer with a tighter length limit is compatible.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from benchmarks.npm import npm_ci
from runtime.contracts import Contracts
from runtime.envelope import Codec
from runtime.presence import (
    SCHEMA_TTL,
    SERVICES_KEY,
    AsyncPresence,
    Presence,
    live_services,
    schema_key,
    service_key,
)
from runtime.streams import Consumer
from tests.conftest import ROOT
from tests.shells import Shell

VENV_BIN = ROOT / ".venv" / "bin"
NODE_STREAMS = ROOT / "tests" / "node_streams"
ORDER = "order/order_created.v1.json"
CUSTOMER = "customer/customer_updated.v1.json"


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)

    def clean() -> None:
        keys = list(c.scan_iter(match="contracts:{presence}*", count=1000))
        keys += list(c.scan_iter(match="stream:{order.events}*", count=1000))
        if keys:
            c.delete(*keys)

    clean()
    yield c
    clean()
    c.close()


def drift(url: str, *args: str) -> tuple[int, str]:
    result = subprocess.run(
        [str(VENV_BIN / "contracts"), "drift", "--redis", url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


def drift_json(url: str) -> tuple[int, dict[str, Any]]:
    code, out = drift(url, "--error-format", "json")
    return code, json.loads(out)


def url_of(client: redis.Redis) -> str:
    kw = client.connection_pool.connection_kwargs
    return f"redis://{kw['host']}:{kw['port']}/{kw.get('db', 0)}"


# -- the Python announcer ---------------------------------------------------------


def test_record_heartbeat_and_withdrawal(shell: Shell, client: redis.Redis) -> None:
    contracts = Contracts("platform_contracts")
    with shell.presence(contracts, "planner-agent", ttl=5) as presence:
        record = json.loads(client.get(service_key(presence.instance)) or b"")
        assert record["service"] == "planner-agent"
        assert record["runtime"] == "python"
        assert record["fingerprint"] == contracts.fingerprint
        manifest = {
            e["contract"]: e["fingerprint"] for e in contracts.manifest["contracts"]
        }
        assert record["contracts"][ORDER] == manifest[ORDER]
        # a defs-only file is announced under its file name too
        assert (
            record["contracts"]["common/problem.json"]
            == manifest["common/problem.json#/$defs/ProblemDetails"]
        )
        assert 0 < client.pttl(service_key(presence.instance)) <= 5000
        assert client.zscore(SERVICES_KEY, presence.instance) is not None
        stored = json.loads(client.get(schema_key(manifest[ORDER])) or b"")
        assert stored["contract"] == ORDER
        assert set(stored["documents"]) == {
            ORDER,
            "common/ids.json",
            "common/metadata.json",
            "common/money.json",
        }
        assert stored["documents"][ORDER] == (ROOT / "schemas" / ORDER).read_text()
        assert SCHEMA_TTL - 60 < client.ttl(schema_key(manifest[ORDER])) <= SCHEMA_TTL
        services, problems = live_services(client)
        assert [s.service for s in services] == ["planner-agent"] and not problems
    assert client.get(service_key(presence.instance)) is None
    assert client.zscore(SERVICES_KEY, presence.instance) is None
    assert live_services(client) == ([], [])


def test_a_crashed_service_expires(shell: Shell, client: redis.Redis) -> None:
    """No stop: the record is gone one ttl after the last heartbeat."""
    presence = shell.presence(Contracts("platform_contracts"), "crashy", ttl=0.5)
    presence.beat()  # one heartbeat, then silence (as after SIGKILL)
    assert [s.service for s in live_services(client)[0]] == ["crashy"]
    time.sleep(0.7)
    assert live_services(client) == ([], [])
    assert client.get(service_key(presence.instance)) is None


def test_schemas_are_stored_again_after_a_flush(
    shell: Shell, client: redis.Redis
) -> None:
    """A Redis restarted without persistence loses everything: the next heartbeat
    writes the record and every schema again."""
    contracts = Contracts("platform_contracts")
    presence = shell.presence(contracts, "planner-agent", ttl=30)
    presence.beat()
    keys = set(client.scan_iter(match="contracts:{presence}:schema:*"))
    assert len(keys) == len({e["fingerprint"] for e in contracts.manifest["contracts"]})
    client.delete(*keys, service_key(presence.instance), SERVICES_KEY)
    presence.beat()
    assert set(client.scan_iter(match="contracts:{presence}:schema:*")) == keys
    assert [s.instance for s in live_services(client)[0]] == [presence.instance]


def test_the_heartbeat_survives_a_redis_outage() -> None:
    from runtime.testing import RedisServer

    with RedisServer() as server:
        c = redis.Redis.from_url(server.url, socket_timeout=1)
        presence = Presence(
            c, Contracts("platform_contracts"), "steady", ttl=1.5, interval=0.1
        )
        presence.start()
        try:
            server.restart()  # the record is lost with the data
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not live_services(c)[0]:
                time.sleep(0.1)
            assert [s.service for s in live_services(c)[0]] == ["steady"]
            assert presence._thread is not None and presence._thread.is_alive()
        finally:
            presence.stop()
        c.close()


def test_the_async_heartbeat_survives_a_redis_outage() -> None:
    """The asyncio twin: its heartbeat task outlives the failed beats."""
    import asyncio

    import redis.asyncio

    from runtime.testing import RedisServer

    async def main(server: RedisServer) -> tuple[list[str], bool]:
        c = redis.asyncio.Redis.from_url(server.url, socket_timeout=1)
        sync = redis.Redis.from_url(server.url, socket_timeout=1)
        presence = AsyncPresence(
            c, Contracts("platform_contracts"), "steady", ttl=1.5, interval=0.1
        )
        await presence.start()
        try:
            await asyncio.to_thread(server.stop)  # the record is lost
            await asyncio.sleep(1.0)  # beats fail meanwhile (past redis-py's retries)
            await asyncio.to_thread(server.start)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not live_services(sync)[0]:
                await asyncio.sleep(0.1)
            found = [s.service for s in live_services(sync)[0]]
            return found, presence._task is not None and not presence._task.done()
        finally:
            await presence.stop()
            await c.aclose()
            sync.close()

    with RedisServer() as server:
        found, alive = asyncio.run(main(server))
    assert found == ["steady"] and alive


def test_async_stop_ends_a_heartbeat_whose_cancel_was_swallowed(redis_url: str) -> None:
    """stop() returns even when a beat turns its cancellation into another error, as
    asyncio.timeout does on Python 3.11 when the cancel races redis-py's socket
    timeout: that race once left a heartbeat beating forever and stop() waiting."""
    import asyncio

    import redis.asyncio

    class Swallowing(AsyncPresence):
        beats = 0

        async def beat(self) -> None:
            self.beats += 1
            if self.beats != 2:
                return await super().beat()
            try:
                await asyncio.sleep(30)
            except asyncio.CancelledError:
                raise TimeoutError("Timeout reading from socket") from None

    async def main() -> tuple[bool, int]:
        c = redis.asyncio.Redis.from_url(redis_url)
        presence = Swallowing(
            c, Contracts("platform_contracts"), "swallow", interval=0.01
        )
        await presence.start()
        await asyncio.sleep(0.1)  # the second beat is waiting
        stopping = asyncio.create_task(presence.stop())
        done, _ = await asyncio.wait({stopping}, timeout=20)
        stopped = stopping in done
        if not stopped and presence._task is not None:
            presence._task.cancel()  # end the test; the assertion below fails it
        await asyncio.gather(stopping, return_exceptions=True)
        await c.aclose()
        return stopped, presence.beats

    stopped, beats = asyncio.run(main())
    assert stopped, "stop() still waiting 20 s after a swallowed cancel"
    assert beats == 2


@pytest.mark.parametrize("kind", [Presence, AsyncPresence])
def test_bad_arguments(kind: type[Presence] | type[AsyncPresence]) -> None:
    contracts = Contracts("platform_contracts")
    c: Any = redis.Redis()  # never connected: the checks come first
    with pytest.raises(ValueError, match="service name"):
        kind(c, contracts, "")
    with pytest.raises(ValueError, match="ttl"):
        kind(c, contracts, "x", ttl=0)
    with pytest.raises(ValueError, match="interval"):
        kind(c, contracts, "x", ttl=1, interval=2)


# -- drift --redis: hostile and edge input ----------------------------------------


def fake_service(
    client: redis.Redis,
    instance: str,
    record: dict[str, Any] | bytes,
    ttl_ms: int = 30_000,
) -> None:
    raw = record if isinstance(record, bytes) else json.dumps(record).encode()
    client.set(service_key(instance), raw, px=ttl_ms)
    client.zadd(SERVICES_KEY, {instance: int(time.time() * 1000) + ttl_ms})


def record_for(service: str, runtime: str, contracts: dict[str, str]) -> dict[str, Any]:
    return {
        "record": 1,
        "service": service,
        "instance": f"{service}/1",
        "runtime": runtime,
        "package": "x",
        "fingerprint": "sha256:" + "0" * 64,
        "contracts": contracts,
        "heartbeat": "2026-01-01T00:00:00.000Z",
    }


def test_no_services_and_one_service(shell: Shell, client: redis.Redis) -> None:
    url = url_of(client)
    code, out = drift(url)
    assert code == 0 and "live services (0)" in out
    with shell.presence(Contracts("platform_contracts"), "planner-agent"):
        code, out = drift(url)
    assert code == 0, out
    assert re.search(r"planner-agent +python +platform_contracts", out)
    assert "the live services run the same version of each contract" in out


def test_unreadable_records_fail_the_check(client: redis.Redis) -> None:
    fake_service(client, "broken/1", b"{not json")
    fake_service(client, "partial/1", {"service": "partial", "contracts": []})
    code, out = drift(url_of(client))
    assert code == 1
    assert "record of broken/1 is not JSON" in out
    assert "record of partial/1: missing or malformed" in out
    assert "contracts" in out


def test_unusable_stored_schemas_are_unknown_never_compatible(
    client: redis.Redis,
) -> None:
    contracts = Contracts("platform_contracts")
    current = contracts.get(ORDER).fingerprint
    order_text = (ROOT / "schemas" / ORDER).read_text()
    bad = {
        "sha256:" + "1" * 64: None,  # nothing stored
        "sha256:" + "2" * 64: {"documents": {"../../etc/passwd.json": "{}"}},
        "sha256:" + "3" * 64: {"documents": {ORDER: order_text}},  # refs unresolved
        "sha256:" + "4" * 64: {
            "documents": {
                ORDER: json.dumps(
                    {
                        "$schema": "https://json-schema.org/draft/2020-12/schema",
                        "$ref": "https://evil.example.com/x.json",
                    }
                )
            }
        },
        "sha256:" + "5" * 64: b"[1, 2",
    }
    with Presence(client, contracts, "planner-agent"):
        for i, (fingerprint, stored) in enumerate(bad.items()):
            fake_service(
                client,
                f"old-node-{i}/1",
                record_for(f"old-node-{i}", "node", {ORDER: fingerprint}),
            )
            if stored is not None:
                raw = stored if isinstance(stored, bytes) else json.dumps(stored)
                client.set(schema_key(fingerprint), raw)
        code, report = drift_json(url_of(client))
    assert code == 1
    (order,) = [c for c in report["contracts"] if c["contract"] == ORDER]
    assert order["schemas"] == current
    reasons = {p["writer"]: p["reason"] for p in order["pairs"]}
    assert all(p["status"] == "unknown" for p in order["pairs"])
    assert all(p["reader"] == current for p in order["pairs"])
    assert "no stored schemas" in reasons["sha256:" + "1" * 64]
    assert "unsafe path" in reasons["sha256:" + "2" * 64]
    assert "common/money.json" in reasons["sha256:" + "3" * 64]
    assert "remote" in reasons["sha256:" + "4" * 64].lower()
    assert "malformed JSON" in reasons["sha256:" + "5" * 64]


def test_stored_schemas_must_match_their_fingerprint(client: redis.Redis) -> None:
    """Schemas stored under a fingerprint they do not hash to are refused."""
    contracts = Contracts("platform_contracts")
    real = contracts.get(CUSTOMER).fingerprint
    with Presence(client, contracts, "planner-agent"):
        stored = json.loads(client.get(schema_key(real)) or b"")
        forged = "sha256:" + "6" * 64
        client.set(schema_key(forged), json.dumps(stored))
        fake_service(client, "liar/1", record_for("liar", "node", {CUSTOMER: forged}))
        code, report = drift_json(url_of(client))
    assert code == 1
    (pair,) = report["contracts"][0]["pairs"]
    assert pair["status"] == "unknown"
    assert f"hash to {real}" in pair["reason"]


def test_a_service_on_a_package_from_before_the_fingerprint_change_is_judged(
    client: redis.Redis,
) -> None:
    """A package generated before Dec 5 2026 fingerprints a contract as the sha256
    of (path NUL canonical JSON NUL) of every file it reaches; its service stored its
    files under that value. The same schemas then run "in two versions" until it is
    redeployed, and the pair is judged (compatible), not refused as forged."""
    contracts = Contracts("platform_contracts")
    real = contracts.get(ORDER).fingerprint
    with Presence(client, contracts, "planner-agent"):
        stored = json.loads(client.get(schema_key(real)) or b"")
        old = hashlib.sha256()
        for path, text in sorted(stored["documents"].items()):
            canonical = json.dumps(
                json.loads(text),
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            )
            old.update(f"{path}\0{canonical}\0".encode())
        before = "sha256:" + old.hexdigest()
        assert before != real and len(stored["documents"]) > 1
        client.set(schema_key(before), json.dumps({**stored, "fingerprint": before}))
        fake_service(
            client, "old-node/1", record_for("old-node", "node", {ORDER: before})
        )
        code, report = drift_json(url_of(client))
    (order,) = report["contracts"]
    assert order["running"] == {
        before: ["old-node (node)"],
        real: ["planner-agent (python)"],
    }
    assert [p["status"] for p in order["pairs"]] == ["compatible"], order["pairs"]
    assert code == 0


# -- the live test: Python and Node services, one built from older schemas ----------


def older_schemas(tmp: Path) -> Path:
    """schemas/ as it was before two changes: order.created did not require a
    shipping address yet, and a customer's display name was at most 100 long."""
    old = tmp / "schemas"
    shutil.copytree(ROOT / "schemas", old)
    order = json.loads((old / ORDER).read_text())
    order["required"].remove("shipping_address")
    (old / ORDER).write_text(json.dumps(order, indent=2) + "\n")
    customer = json.loads((old / CUSTOMER).read_text())
    customer["properties"]["display_name"]["maxLength"] = 100
    (old / CUSTOMER).write_text(json.dumps(customer, indent=2) + "\n")
    return old


NODE_SERVICE = """
import { Redis } from "ioredis";
import { Presence } from "@platform/contracts/presence";
import { Publisher } from "@platform/contracts/streams";

const redis = new Redis(process.env.REDIS_URL);
const presence = new Presence(redis, {
  service: "order-service",
  ttlSeconds: Number(process.env.TTL),
  intervalMs: 200,
});
await presence.start();
const publisher = new Publisher(redis, { source: "node/order-service" });
const order = JSON.parse(process.env.ORDER);
await publisher.publish("order.events", "order.created", 1, order);
console.log(JSON.stringify({ instance: presence.instance, record: presence.record() }));
process.stdin.on("end", async () => {
  await presence.stop();
  redis.disconnect();
});
process.stdin.resume();
"""

ORDER_MESSAGE = {
    "order_id": "0b5e7c1a-2f3d-4a6b-8c9d-0e1f2a3b4c5d",
    "customer_id": "7d2f4e6a-8b9c-4d1e-9f2a-3b4c5d6e7f80",
    "lines": [
        {
            "sku": "TSHIRT-BLK-M",
            "quantity": 1,
            "unit_price": {"amount": "19.99", "currency": "EUR"},
        }
    ],
    "total": {"amount": "19.99", "currency": "EUR"},
    "status": "paid",
    "placed_at": "2026-11-24T10:00:00Z",
    "shipping_address": {
        "recipient": "Ada",
        "line1": "1 Main St",
        "city": "Paris",
        "postal_code": "75001",
        "country_code": "FR",
    },
}


@pytest.fixture(scope="module")
def old_node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Node project whose @platform/contracts was generated from older schemas
    (its other dependencies are those installed for tests/node_streams)."""
    npm = shutil.which("npm")
    assert shutil.which("node") and npm, "Node 20 and npm must be on PATH"
    npm_ci(NODE_STREAMS)
    tmp = tmp_path_factory.mktemp("old-node")
    old = older_schemas(tmp)
    out = tmp / "out"
    subprocess.run(
        [
            str(VENV_BIN / "contracts"),
            "generate",
            "--schemas",
            str(old),
            "--out",
            str(out),
            "--envelope",  # another folder: the configured envelope is not its own
            "envelope.v1.json",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    project = tmp / "service"
    modules = project / "node_modules"
    modules.mkdir(parents=True)
    for entry in (NODE_STREAMS / "node_modules").iterdir():
        if entry.name not in ("@platform", ".package-lock.json"):
            (modules / entry.name).symlink_to(entry)
    shutil.copytree(out / "ts", modules / "@platform" / "contracts")
    (project / "package.json").write_text('{"type": "module", "private": true}\n')
    (project / "service.mjs").write_text(NODE_SERVICE)
    return project


def start_node(
    project: Path, url: str, ttl: float
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {
        **os.environ,
        "REDIS_URL": url,
        "TTL": str(ttl),
        "ORDER": json.dumps(ORDER_MESSAGE),
    }
    process = subprocess.Popen(
        ["node", "service.mjs"],
        cwd=project,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        pytest.fail(f"node service failed: {process.communicate()[1]}")
    return process, json.loads(line)


def test_live_drift_between_python_and_an_older_node_service(
    client: redis.Redis, old_node_project: Path
) -> None:
    url = url_of(client)
    contracts = Contracts("platform_contracts")
    node, hello = start_node(old_node_project, url, ttl=30)
    try:
        old_order = hello["record"]["contracts"][ORDER]
        old_customer = hello["record"]["contracts"][CUSTOMER]
        assert old_order != contracts.get(ORDER).fingerprint
        assert old_customer != contracts.get(CUSTOMER).fingerprint
        assert hello["record"]["contracts"]["envelope.v1.json"] == (
            contracts.get("envelope.v1.json").fingerprint
        )
        # The Python agent consumes the Node message (valid under its own contract),
        # notices the other fingerprint and reports the count in its record.
        consumer = Consumer(
            client,
            Codec(contracts, "python/planner-agent"),
            "order.events",
            "agents",
            "agent-1",
            block_ms=0,
        )
        consumer.ensure_group("0")
        got: list[Any] = []
        consumer.on("order.created", 1)(lambda data, delivery: got.append(delivery))
        consumer.run_once()
        assert len(got) == 1 and not got[0].message.fingerprint_matches
        with Presence(client, contracts, "planner-agent") as presence:
            presence.watch(consumer)
            presence.beat()
            code, report = drift_json(url)
            _, text = drift(url)
    finally:
        assert node.stdin is not None
        node.stdin.close()
        node.wait(timeout=10)
    assert code == 1, report
    services = {(s["service"], s["runtime"]) for s in report["services"]}
    assert services == {("order-service", "node"), ("planner-agent", "python")}
    (agent,) = [s for s in report["services"] if s["runtime"] == "python"]
    assert agent["drift"] == [
        {"type": "order.created", "version": 1, "fingerprint": old_order, "count": 1}
    ]
    by_contract = {c["contract"]: c for c in report["contracts"]}
    assert set(by_contract) == {ORDER, CUSTOMER}, by_contract.keys()

    order = by_contract[ORDER]
    assert order["message"] == "order.created v1"
    assert order["schemas"] == contracts.get(ORDER).fingerprint
    assert order["running"] == {
        old_order: ["order-service (node)"],
        contracts.get(ORDER).fingerprint: ["planner-agent (python)"],
    }
    # order.created: node produces, python consumes; only that direction counts.
    (pair,) = order["pairs"]
    assert (pair["writer"], pair["reader"]) == (old_order, order["schemas"])
    assert pair["status"] == "incompatible"
    assert [(f["rule"], f["pointer"]) for f in pair["findings"]] == [
        ("property-made-required", "/properties/shipping_address")
    ]

    (pair,) = by_contract[CUSTOMER]["pairs"]
    assert pair["writers"] == ["order-service (node)"]
    assert pair["readers"] == ["planner-agent (python)"]
    assert pair["status"] == "compatible" and pair["findings"] == []

    assert "order/order_created.v1.json (order.created v1) runs in 2 versions" in text
    assert "order-service (node) [" in text and "]: incompatible" in text
    assert "received 1 order.created v1 message(s) built from" in text

    # The Node service stopped and withdrew its record: no drift left.
    assert drift(url)[0] == 0


def test_a_killed_node_service_drops_out(
    client: redis.Redis, old_node_project: Path
) -> None:
    url = url_of(client)
    node, hello = start_node(old_node_project, url, ttl=1)
    node.send_signal(signal.SIGKILL)
    node.wait(timeout=10)
    assert [s.instance for s in live_services(client)[0]] == [hello["instance"]]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and live_services(client)[0]:
        time.sleep(0.1)
    assert live_services(client) == ([], [])
    # its schemas stay, for the post-mortem
    old_order = hello["record"]["contracts"][ORDER]
    assert client.get(schema_key(old_order)) is not None


def test_async_presence(redis_url: str) -> None:
    import asyncio

    import redis.asyncio

    async def main() -> tuple[list[str], list[str], int]:
        client = redis.asyncio.Redis.from_url(redis_url)
        sync = redis.Redis.from_url(redis_url)
        try:
            async with AsyncPresence(
                client, Contracts("platform_contracts"), "async-agent", interval=0.05
            ) as presence:
                first = json.loads(sync.get(service_key(presence.instance)) or b"")
                await asyncio.sleep(0.3)  # a few heartbeats later
                later = json.loads(sync.get(service_key(presence.instance)) or b"")
                during = [s.service for s in live_services(sync)[0]]
            after = [s.service for s in live_services(sync)[0]]
            return during, after, int(later["heartbeat"] > first["heartbeat"])
        finally:
            await client.aclose()
            sync.close()

    during, after, advanced = asyncio.run(main())
    assert "async-agent" in during and "async-agent" not in after
    assert advanced == 1


def test_an_unreachable_redis_is_a_usage_error() -> None:
    from runtime.testing import free_port

    code, out = drift(f"redis://127.0.0.1:{free_port()}/0")
    assert code == 2
    assert "cannot read presence from redis://127.0.0.1:" in out
    code, out = drift("not-a-url")
    assert code == 2 and "cannot read presence" in out


def drift_packages(*folders: Path) -> tuple[int, dict[str, Any]]:
    args = [a for f in folders for a in ("--package", str(f))]
    result = subprocess.run(
        [str(VENV_BIN / "contracts"), "drift", *args, "--error-format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_build_time_drift_of_an_installed_package(old_node_project: Path) -> None:
    """Before deploying, a service's installed package is judged against the
    schemas as live services are: the older Node package may omit a field the
    current Python readers require."""
    code, report = drift_packages(
        ROOT / "generated" / "ts", ROOT / "generated" / "python" / "platform_contracts"
    )
    assert code == 0 and report["contracts"] == [] and len(report["services"]) == 2
    installed = old_node_project / "node_modules" / "@platform" / "contracts"
    code, report = drift_packages(installed)
    assert code == 1, report
    [service] = report["services"]
    assert service["runtime"] == "node" and service["package"] == "@platform/contracts"
    by_contract = {c["contract"]: c for c in report["contracts"]}
    assert set(by_contract) == {ORDER, CUSTOMER}
    (pair,) = by_contract[ORDER]["pairs"]
    assert pair["writers"] == [f"{installed} (node)"] and pair["readers"] == [
        "schemas/"
    ]
    assert pair["status"] == "incompatible"
    assert [f["rule"] for f in pair["findings"]] == ["property-made-required"]
    assert [p["status"] for p in by_contract[CUSTOMER]["pairs"]] == ["compatible"]
    text = subprocess.run(
        [str(VENV_BIN / "contracts"), "drift", "--package", str(installed)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert text.startswith("packages (1):\n") and "-> schemas/ [" in text
    assert "]: incompatible" in text and "]: compatible" in text
    code, report = drift_packages(old_node_project)  # not a generated package
    assert code == 1 and "not a generated package" in report["problems"][0]
