"""A replay reaches a Node consumer group: ``contracts dlq replay`` moves a dead
letter of the Node group to that group's retry stream, which the Node consumer reads
beside the stream (real redis-server, the generated npm package)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis

from benchmarks.npm import npm_ci
from runtime import Codec, Contracts
from runtime.streams import FIELD, dead_letter_key, retry_key, stream_key
from tests.conftest import ROOT

NODE_DIR = ROOT / "tests" / "node_streams"
PACKAGE = NODE_DIR / "node_modules" / "@platform" / "contracts"
SAMPLE = (
    ROOT / "tests" / "samples" / "agent" / "task_accepted.v1" / "valid-minimal.json"
)
STREAM = "agent.events"  # carries agent.task.accepted v1, read by Node
GROUP = "node-module"  # the group tests/node_streams/cross.mjs consumes as


def test_a_replay_reaches_the_node_group_only(redis_url: str) -> None:
    npm_ci(NODE_DIR)
    shutil.rmtree(PACKAGE, ignore_errors=True)
    shutil.copytree(
        ROOT / "generated" / "ts",
        PACKAGE,
        ignore=shutil.ignore_patterns("node_modules"),
    )
    client = redis.Redis.from_url(redis_url)
    client.delete(stream_key(STREAM), dead_letter_key(STREAM))
    client.delete(retry_key(STREAM, GROUP), retry_key(STREAM, "python-other"))
    for group in (GROUP, "python-other"):
        client.xgroup_create(stream_key(STREAM), group, id="$", mkstream=True)
    codec = Codec(Contracts("platform_contracts"), source="python:test")
    payload: dict[str, Any] = json.loads(SAMPLE.read_text())
    raw = codec.encode(payload, message_type="agent.task.accepted", version=1)
    client.xadd(
        dead_letter_key(STREAM),
        {FIELD: raw, "dlq.reason": "delivery-limit", "dlq.group": GROUP},
    )
    replayed = subprocess.run(
        [str(Path(sys.executable).parent / "contracts"), "dlq", "replay", "--stream",
         STREAM],
        capture_output=True, text=True, cwd=ROOT,
        env=dict(os.environ, REDIS_URL=redis_url),
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.endswith("\n1 replayed, 0 still invalid\n")
    consumed = subprocess.run(
        ["node", str(NODE_DIR / "cross.mjs"), "consume", redis_url, STREAM, "1"],
        cwd=NODE_DIR, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert consumed.returncode == 0, consumed.stderr
    result = json.loads(consumed.stdout)
    assert [s["task_id"] for s in result["seen"]] == [payload["task_id"]]
    assert result["dead"] == 0
    assert client.xlen(retry_key(STREAM, "python-other")) == 0
    assert client.xlen(stream_key(STREAM)) == 0  # nothing for the other groups
    client.close()
