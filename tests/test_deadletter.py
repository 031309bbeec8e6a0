"""Dead letters against a real redis-server: a replay goes to the group that gave up
on the message only, once even when two replays race, through the whole stream;
purge deletes what its filter selects."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.typing import EncodableT, FieldT

from runtime import Codec, Contracts
from runtime.catalog import Catalog
from runtime.deadletter import DeadFilter, purge, replay
from runtime.streams import (
    FIELD,
    AsyncConsumer,
    Consumer,
    Delivery,
    Publisher,
    dead_letter_key,
    retry_key,
    stream_key,
)
from runtime.streams.core import DEAD_LETTER_MAXLEN, DeadLetter, Entry
from tests.conftest import ROOT
from tests.replies import xrange_rows

CLI = str(Path(sys.executable).parent / "contracts")
TASK = "agent/task_requested.v1.json"
SAMPLE = (
    ROOT / "tests" / "samples" / "agent" / "task_requested.v1" / "valid-minimal.json"
)


def catalog_for(contracts: Contracts, stream: str) -> Catalog:
    """A catalogue carrying task requests on ``stream`` (tests use fresh names)."""
    messages = [{"contract": TASK, "producers": ["node"], "consumers": ["python"]}]
    data = {"streams": {stream: {"description": "test", "messages": messages}}}
    return Catalog(data, contracts)


def task() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text())
    data["task_id"] = str(uuid.uuid4())
    return data


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture(scope="module")
def codec(contracts: Contracts) -> Codec:
    return Codec(contracts, source="python:test")


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture
def stream() -> str:
    return f"test.{uuid.uuid4().hex[:12]}"


def consumer(
    client: redis.Redis, codec: Codec, catalog: Catalog, stream: str, group: str
) -> Consumer:
    c = Consumer(
        client, codec, stream, group, f"{group}-1", catalog=catalog, block_ms=20,
        claim_idle_ms=10, max_deliveries=1,
    )  # fmt: skip
    c.ensure_group(start="0")
    return c


def forge(client: redis.Redis, codec: Codec, stream: str, group: str, n: int) -> None:
    """``n`` dead letters of ``group``, as a consumer writes them (one pipeline)."""
    writer = Consumer(
        client,
        codec,
        stream,
        group,
        "forger",
        catalog=catalog_for(codec.contracts, stream),
    )
    writer.ensure_group(start="0")
    pipe = client.pipeline(transaction=False)
    for i in range(n):
        raw = codec.encode(task(), message_type="agent.task.requested", version=1)
        entry = Entry(stream_key(stream), f"1-{i}", {FIELD: raw}, 5)
        fields = writer.dead_fields(
            DeadLetter(entry, "delivery-limit", [{"error": "RuntimeError: down"}])
        )
        pipe.xadd(dead_letter_key(stream), fields)
    pipe.execute()


def retried(client: redis.Redis, stream: str, group: str) -> list[dict[str, bytes]]:
    rows: Any = client.xrange(retry_key(stream, group))
    return [{k.decode(): v for k, v in fields.items()} for _, fields in rows]


def test_replay_delivers_to_the_group_that_dead_lettered_only(
    client: redis.Redis, codec: Codec, stream: str
) -> None:
    """Groups A and B read a message; A's handler fails and dead-letters it, B
    handles it. A replay puts it in A's retry stream: the stream itself gets
    nothing, so B does not see it twice."""
    catalog = catalog_for(codec.contracts, stream)
    a = consumer(client, codec, catalog, stream, "A")
    b = consumer(client, codec, catalog, stream, "B")
    raw_id = Publisher(client, codec, catalog=catalog).publish(
        stream, (task(), "agent.task.requested", 1)
    )
    seen_b: list[str] = []

    def fail(data: Any, delivery: Delivery) -> None:
        raise RuntimeError("down")

    a.on("agent.task.requested", 1)(fail)
    b.on("agent.task.requested", 1)(
        lambda d, delivery: seen_b.append(delivery.entry_id)
    )
    b.run_once()
    for _ in range(20):
        a.run_once()
        if client.xlen(dead_letter_key(stream)):
            break
    assert client.xlen(dead_letter_key(stream)) == 1 and seen_b == [raw_id]
    [original] = xrange_rows(client.xrange(stream_key(stream)))

    report = replay(client, codec, stream, catalog=catalog)

    [dead_id] = report.replayed
    assert report.still_invalid == [] and report.gone == []
    assert client.xlen(dead_letter_key(stream)) == 0
    assert client.xlen(stream_key(stream)) == 1  # nothing appended to the stream
    [entry] = retried(client, stream, "A")
    assert entry == {"envelope": original[1][FIELD], "replay.of": dead_id.encode()}
    assert client.xlen(retry_key(stream, "B")) == 0
    # Group A reads its retry stream: it gets the message once more, B does not.
    again: list[str] = []
    a.on("agent.task.requested", 1)(lambda d, delivery: again.append(d.task_id))
    assert a.run_once().handled == 1 and a.run_once().handled == 0
    assert again == [json.loads(original[1][FIELD])["data"]["task_id"]]
    assert b.run_once().handled == 0 and seen_b == [raw_id]


def test_replay_skips_what_it_cannot_deliver(
    client: redis.Redis, codec: Codec, stream: str
) -> None:
    """Still invalid, a group that no longer exists, a dead letter of no group:
    each stays, with why."""
    forge(client, codec, stream, "A", 1)
    forge(client, codec, stream, "gone", 1)
    client.xgroup_destroy(stream_key(stream), "gone")
    client.xadd(dead_letter_key(stream), {"envelope": b"{}", "dlq.group": b"A"})
    client.xadd(dead_letter_key(stream), {"envelope": b"{}", "dlq.reason": b"x"})
    client.xadd(dead_letter_key(stream), {"dlq.reason": b"trimmed", "dlq.group": b"A"})
    many: dict[FieldT, EncodableT] = {f"f{i}": b"" for i in range(1001)}
    client.xadd(dead_letter_key(stream), {**many, "envelope": b"{}", "dlq.group": b"A"})
    report = replay(client, codec, stream, catalog=catalog_for(codec.contracts, stream))
    assert len(report.replayed) == 1
    reasons = [why for _, why in report.still_invalid]
    assert reasons[0] == f"group gone no longer exists on {stream}"
    assert reasons[1] == (
        "envelope.v1.json: 7 violation(s); first: /data: expected a required"
        " property, got nothing"
    )
    assert reasons[2] == "no dlq.group: the group to deliver it to is unknown"
    assert reasons[3] == "no envelope field (nothing to deliver)"
    assert reasons[4] == "1003 fields, more than 1000"
    assert client.xlen(dead_letter_key(stream)) == 5


def test_two_concurrent_replays_deliver_each_entry_once(
    redis_url: str, client: redis.Redis, codec: Codec, stream: str
) -> None:
    forge(client, codec, stream, "A", 3000)
    catalog = catalog_for(codec.contracts, stream)
    reports = []
    start = threading.Barrier(2)

    def run() -> None:
        own = redis.Redis.from_url(redis_url)
        start.wait()
        reports.append(replay(own, codec, stream, catalog=catalog, page=50))
        own.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = retried(client, stream, "A")
    assert len(entries) == 3000
    assert len({e["replay.of"] for e in entries}) == 3000
    replayed = [i for r in reports for i in r.replayed]
    gone = [i for r in reports for i in r.gone]
    assert len(replayed) == 3000 and len(set(replayed)) == 3000
    assert set(gone) <= set(replayed)
    assert client.xlen(dead_letter_key(stream)) == 0


def test_cli_replays_more_than_ten_thousand_with_none_left(
    redis_url: str, client: redis.Redis, codec: Codec
) -> None:
    """No silent cap: the whole dead-letter stream is paged through."""
    stream = "agent.tasks"
    client.delete(dead_letter_key(stream), retry_key(stream, "A"))
    forge(client, codec, stream, "A", 10_250)
    done = subprocess.run(
        [CLI, "dlq", "replay", "--stream", stream, "--error-format", "json"],
        capture_output=True, text=True, cwd=ROOT,
        env=dict(os.environ, REDIS_URL=redis_url),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert '"still_invalid": []' in done.stdout
    assert client.xlen(dead_letter_key(stream)) == 0
    assert client.xlen(retry_key(stream, "A")) == 10_250
    client.delete(dead_letter_key(stream), retry_key(stream, "A"))


def test_purge_deletes_what_the_filter_selects(
    client: redis.Redis, codec: Codec, stream: str
) -> None:
    forge(client, codec, stream, "A", 700)
    forge(client, codec, stream, "B", 5)
    client.xadd(dead_letter_key(stream), {"dlq.reason": b"invalid", "dlq.group": b"A"})
    assert len(purge(client, stream, DeadFilter(reason="invalid"), page=100)) == 1
    assert len(purge(client, stream, DeadFilter(group="B"), page=100)) == 5
    rows: Any = client.xrange(dead_letter_key(stream), count=2)
    some = frozenset(i.decode() for i, _ in rows)
    assert purge(client, stream, DeadFilter(ids=some)) == sorted(some)
    assert client.xlen(dead_letter_key(stream)) == 698
    assert len(purge(client, stream, page=100)) == 698
    assert client.xlen(dead_letter_key(stream)) == 0
    assert purge(client, stream) == []


def test_cli_purge_needs_yes(redis_url: str, client: redis.Redis, codec: Codec) -> None:
    stream = "agent.tasks"
    client.delete(dead_letter_key(stream))
    forge(client, codec, stream, "A", 3)
    forge(client, codec, stream, "B", 2)
    env = dict(os.environ, REDIS_URL=redis_url)
    base = [CLI, "dlq", "purge", "--stream", stream, "--group", "B"]
    asked = subprocess.run(base, capture_output=True, text=True, cwd=ROOT, env=env)
    assert asked.returncode == 2
    assert asked.stderr == (
        "error: would delete 2 dead-lettered entries of agent.tasks; nothing deleted"
        " (pass --yes to delete them)\n"
    )
    assert client.xlen(dead_letter_key(stream)) == 5
    done = subprocess.run(
        [*base, "--yes"], capture_output=True, text=True, cwd=ROOT, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "purged 2 dead-lettered entries of agent.tasks\n"
    assert client.xlen(dead_letter_key(stream)) == 3
    client.delete(dead_letter_key(stream))


def test_cli_lists_and_replays(
    redis_url: str, client: redis.Redis, codec: Codec
) -> None:
    """``contracts dlq list`` shows reasons and groups; ``replay`` validates again and
    moves the valid entry (the one a failing handler gave up on) to the group's retry
    stream; the invalid one stays, exit 1."""
    stream = "agent.tasks"
    client.delete(stream_key(stream), dead_letter_key(stream))
    client.delete(retry_key(stream, "dlq-test"))
    catalog = Catalog.load(codec.contracts)
    assert catalog is not None
    worker = consumer(client, codec, catalog, stream, "dlq-test")
    Publisher(client, codec).publish(stream, (task(), "agent.task.requested", 1))
    client.xadd(stream_key(stream), {"envelope": b'{"id": 1}'})

    def fail(data: Any, delivery: Delivery) -> None:
        raise RuntimeError("down")

    worker.on("agent.task.requested", 1)(fail)
    for _ in range(20):
        worker.run_once()
        if client.xlen(dead_letter_key(stream)) == 2:
            break
    env = dict(os.environ, REDIS_URL=redis_url)
    listed = subprocess.run(
        [CLI, "dlq", "list", "--stream", stream],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "invalid (from" in listed.stdout
    assert "delivery-limit (from" in listed.stdout
    assert "group dlq-test, 1 deliveries)" in listed.stdout
    assert "/type: expected a required property, got nothing" in listed.stdout
    assert listed.stdout.endswith("\n2 dead-lettered entries\n")
    replayed = subprocess.run(
        [CLI, "dlq", "replay", "--stream", stream],
        capture_output=True, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert replayed.returncode == 1  # one entry is still invalid
    assert replayed.stdout.endswith("\n1 replayed, 1 still invalid\n")
    assert client.xlen(dead_letter_key(stream)) == 1
    assert client.xlen(retry_key(stream, "dlq-test")) == 1
    client.delete(stream_key(stream), dead_letter_key(stream))
    client.delete(retry_key(stream, "dlq-test"))


def test_the_dead_letter_stream_is_bounded(
    client: redis.Redis, codec: Codec, stream: str
) -> None:
    """``XADD MAXLEN ~ n``: a consumer keeps its dead-letter stream near ``n``
    entries (10,000 unless told), trimming the oldest."""
    catalog = catalog_for(codec.contracts, stream)
    assert consumer(client, codec, catalog, stream, "A").dead_letter_maxlen == 10_000
    assert DEAD_LETTER_MAXLEN == 10_000
    bounded = Consumer(
        client, codec, stream, "B", "b-1", catalog=catalog, block_ms=20, batch=100,
        dead_letter_maxlen=50,
    )  # fmt: skip
    bounded.ensure_group(start="0")
    for _ in range(6):
        pipe = client.pipeline(transaction=False)
        for _ in range(100):
            pipe.xadd(stream_key(stream), {"envelope": b"{}"})
        pipe.execute()
        assert bounded.run_once().dead_lettered == 100
    # Approximate trimming removes whole nodes of the stream (100 entries each by
    # default): at least 50 stay, and far fewer than the 600 dead letters.
    assert 50 <= client.xlen(dead_letter_key(stream)) <= 150
    newest: Any = client.xrevrange(dead_letter_key(stream), count=1)
    assert newest[0][1][b"dlq.group"] == b"B"


def test_the_async_consumer_bounds_its_dead_letter_stream_too(
    redis_url: str, client: redis.Redis, codec: Codec, stream: str
) -> None:
    catalog = catalog_for(codec.contracts, stream)

    async def main() -> None:
        own = redis.asyncio.Redis.from_url(redis_url)
        bounded = AsyncConsumer(
            own, codec, stream, "B", "b-1", catalog=catalog, block_ms=20,
            dead_letter_maxlen=50,
        )  # fmt: skip
        await bounded.ensure_group(start="0")
        for _ in range(6):
            pipe = client.pipeline(transaction=False)
            for _ in range(100):
                pipe.xadd(stream_key(stream), {"envelope": b"{}"})
            pipe.execute()
            assert (await bounded.run_once()).dead_lettered == 100
        await own.aclose()

    asyncio.run(main())
    assert 50 <= client.xlen(dead_letter_key(stream)) <= 150


def test_cli_lists_forged_dead_letters(
    redis_url: str, client: redis.Redis, codec: Codec
) -> None:
    """Dead letters are input too: whatever their fields hold, ``list`` prints them."""
    stream = "agent.tasks"
    client.delete(dead_letter_key(stream))
    for fields in (
        {"dlq.errors": b'[{"pointer": "/x"}]', "dlq.deliveries": b"many"},
        {"dlq.errors": b"not json", "dlq.reason": b"\xff\xfe"},
        {"dlq.errors": b'{"error": "one"}', "dlq.group": b"\x00"},
        {"dlq.errors": b"[1, null, [2]]", "dlq.deliveries": "²".encode()},
        {"other": b"x"},
    ):
        client.xadd(dead_letter_key(stream), fields)  # type: ignore[arg-type]
    out = {}
    for fmt in ("text", "json", "github-actions"):
        listed = subprocess.run(
            [CLI, "dlq", "list", "--stream", stream, "--error-format", fmt],
            capture_output=True, text=True, cwd=ROOT,
            env=dict(os.environ, REDIS_URL=redis_url),
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert listed.stderr == ""
        out[fmt] = listed.stdout
    assert "\n  /x: expected ?, got ?\n" in out["text"]
    assert "\n  not json\n" in out["text"] and "\n  one\n" in out["text"]
    assert out["text"].endswith("\n5 dead-lettered entries\n")
    assert [e["deliveries"] for e in json.loads(out["json"])] == [0, 0, 0, 0, 0]
    client.delete(dead_letter_key(stream))
