"""#13.1 on the Node consumer: the property tests/test_streams_faults.py holds for the
Python shells, here for the third consumer. Hypothesis draws raw stream fields
(random bytes, broken JSON, lone surrogates, wrong types, numbers beyond the double
range or 400 digits long, odd field names), Python XADDs them to a real redis-server
beside one valid message, and the Node consumer of the generated package
(tests/node_streams/raw.mjs, one process for the whole run) consumes them: each
entry ends handled and acknowledged, or dead-lettered with a reason; nothing stays
pending; the process stays up from the first example to the last."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.cluster import RedisCluster
from redis.typing import EncodableT, FieldT

from benchmarks.npm import npm_ci
from runtime import Codec, Contracts
from runtime.streams import Publisher, dead_letter_key, retry_key, stream_key
from runtime.testing import RedisClusterServers
from tests.conftest import ROOT
from tests.replies import xadd_id, xrange_rows
from tests.test_streams import task
from tests.test_streams_faults import REASONS, _valid, raw_entries

NODE_DIR = ROOT / "tests" / "node_streams"
PACKAGE = NODE_DIR / "node_modules" / "@platform" / "contracts"
STREAM = "agent.tasks"  # a catalogue stream carrying agent.task.requested v1
_groups = itertools.count()


class NodeConsumer:
    """tests/node_streams/raw.mjs: one Node process, one batch per group asked."""

    def __init__(self, redis_url: str, *mode: str) -> None:
        self.log = tempfile.TemporaryFile()  # not a pipe: warnings never block Node
        self.process = subprocess.Popen(
            ["node", str(NODE_DIR / "raw.mjs"), redis_url, *mode],
            cwd=NODE_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            encoding="utf-8",
        )

    def consume(self, group: str) -> dict[str, Any]:
        """One runOnce() of a consumer of ``group`` over agent.tasks."""
        assert self.process.stdin is not None and self.process.stdout is not None
        assert self.process.poll() is None, self.stderr()
        self.process.stdin.write(group + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"the Node consumer exited: {self.stderr()}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def close(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture(scope="module")
def node_package() -> None:
    assert shutil.which("node"), "Node 20 must be on PATH for the npm package tests"
    npm_ci(NODE_DIR)
    shutil.rmtree(PACKAGE, ignore_errors=True)
    shutil.copytree(
        ROOT / "generated" / "ts",
        PACKAGE,
        ignore=shutil.ignore_patterns("node_modules"),
    )


@pytest.fixture(scope="module")
def node_consumer(redis_url: str, node_package: None) -> Iterator[NodeConsumer]:
    made = NodeConsumer(redis_url)
    yield made
    assert made.close() == 0, made.stderr()  # up to the end, and ends cleanly


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    made = redis.Redis.from_url(redis_url)
    yield made
    made.close()


def _node_consumes(
    node: NodeConsumer, client: redis.Redis, contracts: Contracts, entries: list[Any]
) -> dict[str, bytes]:
    """Consumes ``entries`` and a valid message with Node, asserts the property,
    and returns the dead letters' reasons by entry id (keys deleted after)."""
    group = f"node-prop-{next(_groups)}"
    key, dlq, retry = (
        stream_key(STREAM),
        dead_letter_key(STREAM),
        retry_key(STREAM, group),
    )
    client.delete(key, dlq, retry)
    ids = [xadd_id(client.xadd(key, fields)) for fields in entries]
    publisher = Publisher(client, Codec(contracts, source="python:test"))
    valid = publisher.publish(STREAM, (task(), "agent.task.requested", 1))
    answer = node.consume(group)
    assert "error" not in answer, answer.get("error")  # runOnce did not throw
    handled = set(answer["handled"])
    dead = {
        fields[b"dlq.entry_id"].decode(): fields
        for _, fields in xrange_rows(client.xrange(dlq))
    }
    assert valid in handled
    for entry_id in ids:  # each: handled, or dead-lettered with a reason
        assert (entry_id in handled) != (entry_id in dead), entry_id
        if entry_id in dead:
            assert dead[entry_id][b"dlq.reason"].decode() in REASONS
            assert dead[entry_id][b"dlq.group"].decode() == group
            json.loads(dead[entry_id][b"dlq.errors"])
    result = answer["result"]
    assert result["handled"] + result["deadLettered"] == len(ids) + 1
    assert result["failed"] == 0
    assert client.xpending(key, group)["pending"] == 0  # nothing held back
    client.delete(key, dlq, retry)
    return {entry_id: dead[entry_id][b"dlq.reason"] for entry_id in dead}


@settings(
    max_examples=60,
    derandomize=True,  # the same examples on every run (CI)
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_raw_fields_end_handled_or_dead_lettered_by_node(
    node_consumer: NodeConsumer,
    client: redis.Redis,
    contracts: Contracts,
    data: st.DataObject,
) -> None:
    """The strategy of the Python property (tests/test_streams_faults.py), several
    entries to a batch next to a valid message, through the Node consumer."""
    entries = data.draw(
        st.lists(raw_entries(_valid(contracts)), min_size=1, max_size=5)
    )
    _node_consumes(node_consumer, client, contracts, entries)


def test_the_node_property_sees_every_kind_of_raw_field(
    node_consumer: NodeConsumer, client: redis.Redis, contracts: Contracts
) -> None:
    """The kinds the issue names, each once, in one batch: what the random draw
    above may miss is here for certain."""
    good: dict[str, Any] = json.loads(_valid(contracts))
    poison = dict(good, data=dict(good["data"], agent_id="\ud800", max_attempts="x"))
    huge = json.dumps(dict(good, data=dict(good["data"], max_attempts="@@")))
    entries: list[dict[bytes, bytes]] = [
        {b"envelope": b"\xff\xfe\x00garbage"},  # random bytes, not UTF-8
        {b"envelope": _valid(contracts)[:40]},  # broken JSON
        {b"envelope": json.dumps(poison).encode()},  # a lone surrogate, escaped
        {b"envelope": json.dumps(dict(good, version="1")).encode()},  # wrong type
        {b"envelope": huge.replace('"@@"', "1e400").encode()},  # beyond the doubles
        {b"envelope": huge.replace('"@@"', "9" * 400).encode()},  # 400 digits
        {b"\xc3\x28": b"\x00"},  # no envelope field, a name that is not UTF-8
    ]
    reasons = _node_consumes(node_consumer, client, contracts, entries)
    assert sorted(reasons.values()) == [b"invalid"] * len(entries)


def test_the_node_consumer_settles_a_batch_on_a_cluster(
    node_package: None, contracts: Contracts
) -> None:
    """On a 3-master Redis Cluster the test starts: one script settles the batch
    (the stream, its dead-letter stream and the retry stream share one slot), an
    entry too wide for the script is sent by the client, every field is kept."""
    with RedisClusterServers(masters=3) as cluster:
        client = RedisCluster.from_url(cluster.urls[0])
        key = stream_key(STREAM)
        poison: dict[FieldT, EncodableT] = {b"envelope": b"\xff[1", b"note": b"a\xffb"}
        wide: dict[FieldT, EncodableT] = {
            f"f{i}".encode(): str(i).encode() for i in range(1500)
        }
        ids = [xadd_id(client.xadd(key, poison)), xadd_id(client.xadd(key, wide))]
        publisher = Publisher(client, Codec(contracts, source="python:test"))
        valid = publisher.publish(STREAM, (task(), "agent.task.requested", 1))
        node = NodeConsumer(cluster.urls[2], "cluster")  # not the first node
        try:
            answer = node.consume("node-cluster")
        finally:
            assert node.close() == 0, node.stderr()
        assert "settle script" not in node.stderr()  # the script ran, no fallback
        assert answer.get("error") is None, answer["error"]
        assert answer["handled"] == [valid]
        assert answer["result"]["deadLettered"] == 2
        dead = {
            fields[b"dlq.entry_id"].decode(): fields
            for _, fields in xrange_rows(client.xrange(dead_letter_key(STREAM)))
        }
        for entry_id, sent in zip(ids, (poison, wide), strict=True):
            own = {k: v for k, v in dead[entry_id].items() if not k.startswith(b"dlq.")}
            assert own == sent
            assert dead[entry_id][b"dlq.reason"] == b"invalid"
        assert client.xpending(key, "node-cluster")["pending"] == 0
        client.close()
