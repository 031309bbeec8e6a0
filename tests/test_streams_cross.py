"""Node -> Python and Python -> Node through real Redis streams, via the packages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import redis

from benchmarks.npm import npm_ci
from runtime import Codec, Contracts
from runtime.streams import Consumer, Delivery, Publisher, stream_key
from tests.conftest import ROOT

NODE_DIR = ROOT / "tests" / "node_streams"
PACKAGE = NODE_DIR / "node_modules" / "@platform" / "contracts"


@pytest.fixture(scope="module")
def node_package() -> Path:
    npm_ci(NODE_DIR)
    shutil.rmtree(PACKAGE, ignore_errors=True)
    shutil.copytree(
        ROOT / "generated" / "ts",
        PACKAGE,
        ignore=shutil.ignore_patterns("node_modules"),
    )
    return PACKAGE


def node(*args: str) -> Any:
    result = subprocess.run(
        ["node", str(NODE_DIR / "cross.mjs"), *args],
        cwd=NODE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_node_to_python(node_package: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.delete(stream_key("agent.tasks"))
    contracts = Contracts("platform_contracts")
    consumer = Consumer(
        client, Codec(contracts, source="python:agent"), "agent.tasks", "agents",
        "py-1", block_ms=50,
    )  # fmt: skip
    consumer.ensure_group(start="0")
    ids = node("publish", redis_url, "agent.tasks", "25")
    got: list[Any] = []

    @consumer.on("agent.task.requested", 1)
    def handle(task: Any, delivery: Delivery) -> None:
        got.append((task, delivery))

    consumer.run_once()
    from platform_contracts.agent.task_requested_v1 import AgentTaskRequested

    assert [d.entry_id for _, d in got] == ids
    assert all(isinstance(t, AgentTaskRequested) for t, _ in got)
    assert got[3][0].instruction == "task 3" and got[3][1].message.fingerprint_matches
    assert got[0][1].message.envelope.source == "node:test"
    client.close()


def test_python_to_node(node_package: Path, redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    client.delete(stream_key("agent.events"))
    contracts = Contracts("platform_contracts")
    publisher = Publisher(client, Codec(contracts, source="python:agent"))
    sample = (
        ROOT / "tests" / "samples" / "agent" / "task_accepted.v1" / "valid-full.json"
    )
    accepted = json.loads(sample.read_text())
    items = [
        (dict(accepted, attempt=i + 1), "agent.task.accepted", 1) for i in range(10)
    ]
    publisher.publish_many("agent.events", items)
    client.xadd(stream_key("agent.events"), {"envelope": b'{"not": "an envelope"}'})
    out = node("consume", redis_url, "agent.events", "10")
    assert [s["attempt"] for s in out["seen"]] == list(range(1, 11))
    assert out["dead"] == 1
    client.close()
