"""What no message and no fault may do to a consumer (issue #13), against a real
redis-server and both shells (sync and asyncio): stop it, hold back the rest of a
batch, or lose an entry without a trace."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from typing import Any

import pytest
import redis
import redis.asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redis.typing import EncodableT, FieldT

from runtime import Codec, Contracts
from runtime.streams import (
    AsyncConsumer,
    Consumer,
    Delivery,
    Publisher,
    dead_letter_key,
    retry_key,
    stream_key,
)
from tests.replies import Fields, xadd_id, xrange_rows
from tests.shells import Driven, Shell
from tests.test_streams import catalog_for, task

REASONS = {"invalid", "unknown-contract", "not-in-catalog", "no-handler"}


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture
def client(redis_url: str) -> Any:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


def consumer_of(
    shell: Shell, client: redis.Redis, contracts: Contracts, stream: str, **options: Any
) -> tuple[Publisher, Driven, list[str]]:
    """A publisher, a consumer of the shell under test (group created, from the
    start) and the ids of the entries its handler was given."""
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, stream)
    options = {"block_ms": 20, **options}
    consumer = shell.consumer(
        codec, stream, "agents", "c-1", catalog=catalog, **options
    )
    consumer.ensure_group(start="0")
    handled: list[str] = []

    @consumer.on("agent.task.requested", 1)
    def handle(data: Any, delivery: Delivery) -> None:
        handled.append(delivery.entry_id)

    return Publisher(client, codec, catalog=catalog), consumer, handled


def envelope(contracts: Contracts, **data: Any) -> dict[str, Any]:
    codec = Codec(contracts, source="python:test")
    good: dict[str, Any] = json.loads(
        codec.encode(task(), message_type="agent.task.requested", version=1)
    )
    good["data"].update(data)
    return good


def dead_letters(client: redis.Redis, stream: str) -> dict[str, Fields]:
    """Dead letters by the id of the entry they came from."""
    return {
        fields[b"dlq.entry_id"].decode(): fields
        for _, fields in xrange_rows(client.xrange(dead_letter_key(stream)))
    }


def test_a_lone_surrogate_in_an_invalid_field_is_dead_lettered(
    shell: Shell, client: redis.Redis, contracts: Contracts
) -> None:
    """#13.1: dead-lettering this entry raised UnicodeEncodeError and stopped the
    consumer; the whole batch stayed pending."""
    stream = f"faults.{uuid.uuid4().hex[:8]}"
    publisher, consumer, handled = consumer_of(shell, client, contracts, stream)
    before = publisher.publish(stream, (task(), "agent.task.requested", 1))
    poison = json.dumps(envelope(contracts, agent_id="\ud800", max_attempts="x"))
    assert '"\\ud800"' in poison  # the escape, as a producer writes it
    bad = xadd_id(client.xadd(stream_key(stream), {"envelope": poison}))
    after = publisher.publish(stream, (task(), "agent.task.requested", 1))
    result = consumer.run_once()
    assert (result.handled, result.dead_lettered) == (2, 1)
    assert handled == [before, after]
    dead = dead_letters(client, stream)[bad]
    assert dead[b"dlq.reason"] == b"invalid"
    errors = json.loads(dead[b"dlq.errors"])
    wrong = {"pointer": "/data/max_attempts", "expected": "an integer", "got": '"x"'}
    assert wrong in errors
    assert [e["got"] for e in errors if e["pointer"] == "/data/agent_id"] == [
        '"\\ud800"'
    ]
    assert dead[b"envelope"] == poison.encode()
    assert client.xpending(stream_key(stream), "agents")["pending"] == 0


# -- property: any raw fields end handled or dead-lettered ---------------------------


def _valid(contracts: Contracts) -> bytes:
    return Codec(contracts, source="python:test").encode(
        task(), message_type="agent.task.requested", version=1
    )


JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["\ud800", "a\udfffb", "\x00", "é" * 3]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["task_id", "agent_id", "instruction", "max_attempts", "input", "x"]
TOP = ["id", "type", "version", "fingerprint", "time", "source", "data", "trace"]


@st.composite
def raw_entries(draw: st.DrawFn, valid: bytes) -> dict[bytes, bytes]:
    """The fields of a stream entry, as anyone with write access may XADD them."""
    kind = draw(st.sampled_from(["bytes", "cut", "data", "top", "number", "fields"]))
    good = json.loads(valid)
    if kind == "bytes":
        body = draw(st.binary(max_size=64))
    elif kind == "cut":  # broken JSON
        body = valid[: draw(st.integers(min_value=0, max_value=len(valid) - 1))]
    elif kind == "data":  # a payload field of any type, text with lone surrogates
        good["data"][draw(st.sampled_from(FIELDS))] = draw(JSON_VALUES)
        body = json.dumps(good).encode()
    elif kind == "top":  # an envelope field of any type
        good[draw(st.sampled_from(TOP))] = draw(JSON_VALUES)
        body = json.dumps(good).encode()
    elif kind == "number":  # numbers beyond the double range, or huge
        literal = draw(st.sampled_from(["1e400", "-1e400", "1" * 400, "1e-400"]))
        field = draw(st.sampled_from(["max_attempts", "x"]))
        good["data"][field] = "@@"
        body = json.dumps(good).replace('"@@"', literal).encode()
    else:  # no envelope field, or odd field names beside it
        names = draw(st.lists(st.binary(min_size=1, max_size=8), max_size=3))
        return {n: draw(st.binary(max_size=16)) for n in names} or {b"x": b""}
    return {b"envelope": body}


def _consume_everything(
    shell: Shell, client: redis.Redis, contracts: Contracts, entries: list[Any]
) -> None:
    stream = f"prop.{uuid.uuid4().hex[:10]}"
    publisher, consumer, handled = consumer_of(shell, client, contracts, stream)
    key = stream_key(stream)
    ids = [xadd_id(client.xadd(key, fields)) for fields in entries]
    valid = publisher.publish(stream, (task(), "agent.task.requested", 1))
    result = consumer.run_once()  # must not raise
    dead = dead_letters(client, stream)
    assert valid in handled
    for entry_id in ids:  # each: handled, or dead-lettered with a reason
        assert (entry_id in handled) != (entry_id in dead), entry_id
        if entry_id in dead:
            assert dead[entry_id][b"dlq.reason"].decode() in REASONS
            json.loads(dead[entry_id][b"dlq.errors"])
    assert result.handled + result.dead_lettered == len(ids) + 1
    assert client.xpending(key, "agents")["pending"] == 0  # nothing held back
    client.delete(key, dead_letter_key(stream))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run, as the Node twin (CI)
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_raw_fields_end_handled_or_dead_lettered(
    shell: Shell, client: redis.Redis, contracts: Contracts, data: st.DataObject
) -> None:
    """#13.1, the property: random bytes, broken JSON, lone surrogates, wrong
    types, huge numbers and 1e400, several to a batch, next to a valid message."""
    valid = _valid(contracts)
    entries = data.draw(st.lists(raw_entries(valid), min_size=1, max_size=5))
    _consume_everything(shell, client, contracts, entries)


# -- the stream or the group deleted under a consumer --------------------------------


@pytest.mark.parametrize("deleted", ["stream", "group"])
def test_a_blocked_consumer_survives_its_stream_or_group_being_deleted(
    shell: Shell,
    client: redis.Redis,
    contracts: Contracts,
    deleted: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """#13.3: a consumer blocked in XREADGROUP gets ``UNBLOCKED the stream key no
    longer exists`` (or the group's): it creates them again, logs, and goes on."""
    stream = f"gone.{uuid.uuid4().hex[:8]}"
    publisher, consumer, handled = consumer_of(
        shell, client, contracts, stream, block_ms=5000
    )
    first = publisher.publish(stream, (task(), "agent.task.requested", 1))
    assert consumer.run_once().handled == 1
    key = stream_key(stream)

    def delete_while_blocked() -> None:
        deadline = time.monotonic() + 5
        while not any(  # wait until the consumer blocks
            c.get("cmd") == "xreadgroup" and "b" in c.get("flags", "")
            for c in client.client_list()
        ):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        if deleted == "stream":
            client.delete(key)
        else:
            client.xgroup_destroy(key, "agents")

    thread = threading.Thread(target=delete_while_blocked)
    thread.start()
    result = consumer.run_once()  # must not raise
    thread.join()
    assert result.handled == 0 and consumer.recovered == 1
    assert any("vanished; creating them again" in r.message for r in caplog.records)
    later = publisher.publish(stream, (task(), "agent.task.requested", 1))
    if deleted == "stream":
        assert consumer.run_once().handled == 1 and handled == [first, later]
    else:  # the group is created from the start: what is left is read again
        assert consumer.run_once().handled == 2 and handled == [first, first, later]
    assert client.xpending(key, "agents")["pending"] == 0


# -- entries trimmed while pending ----------------------------------------------------


def test_entries_trimmed_while_pending_are_dead_lettered_as_trimmed(
    shell: Shell,
    client: redis.Redis,
    contracts: Contracts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """#13.5: MAXLEN trims entries a failing handler had left pending. XAUTOCLAIM
    returns their ids as deleted: each is dead-lettered as ``trimmed`` (no payload,
    its id recorded), counted and logged, and no longer pending."""
    stream = f"trim.{uuid.uuid4().hex[:8]}"
    publisher, consumer, handled = consumer_of(
        shell, client, contracts, stream, claim_idle_ms=10, claim_every_ms=0
    )
    failing = True

    @consumer.on("agent.task.requested", 1)
    def handle(data: Any, delivery: Delivery) -> None:
        if failing:
            raise RuntimeError("down")
        handled.append(delivery.entry_id)

    ids = publisher.publish_many(
        stream, [(task(), "agent.task.requested", 1) for _ in range(3)]
    )
    assert consumer.run_once().failed == 3
    client.xtrim(stream_key(stream), maxlen=1, approximate=False)  # trims 2 pending
    failing = False
    time.sleep(0.05)
    result = consumer.run_once()
    assert (result.trimmed, result.claimed, result.handled) == (2, 1, 1)
    assert result.dead_lettered == 2 and handled == [ids[2]]
    dead = dead_letters(client, stream)
    assert set(dead) == set(ids[:2])
    for entry_id in ids[:2]:
        fields = dead[entry_id]
        assert fields[b"dlq.reason"] == b"trimmed" and b"envelope" not in fields
        assert fields[b"dlq.stream"] == stream_key(stream).encode()
        assert fields[b"dlq.errors"] == b"[]"
    assert sum("trimmed (MAXLEN)" in r.message for r in caplog.records) == 2
    assert client.xpending(stream_key(stream), "agents")["pending"] == 0


# -- the retry stream of a group ------------------------------------------------------


def test_a_groups_retry_stream_is_read_acked_and_dead_lettered_by_it_only(
    shell: Shell, client: redis.Redis, contracts: Contracts
) -> None:
    """Replays go to ``retry_key(stream, group)``: the group reads it in the same
    XREADGROUP as its stream, handles each entry once, dead-letters the invalid
    ones and, past the delivery limit, those its handler keeps failing on. Another
    group of the stream never sees them."""
    stream = f"retry.{uuid.uuid4().hex[:8]}"
    _, a, handled_a = consumer_of(
        shell, client, contracts, stream, claim_idle_ms=10, claim_every_ms=0,
        max_deliveries=2,
    )  # fmt: skip
    codec = Codec(contracts, source="python:test")
    b = shell.consumer(
        codec, stream, "others", "b-1", catalog=catalog_for(contracts, stream),
        block_ms=20,
    )  # fmt: skip
    b.ensure_group(start="0")
    handled_b: list[str] = []
    b.on("agent.task.requested", 1)(lambda d, x: handled_b.append(x.entry_id))
    retry = retry_key(stream, "agents")
    good = xadd_id(client.xadd(retry, {"envelope": _valid(contracts)}))
    bad = xadd_id(client.xadd(retry, {"envelope": b'{"id": 1}'}))
    result = a.run_once()
    assert (result.handled, result.dead_lettered) == (1, 1) and handled_a == [good]
    assert dead_letters(client, stream)[bad][b"dlq.reason"] == b"invalid"
    assert a.run_once().handled == 0 and handled_a == [good]  # once
    assert b.run_once().handled == 0 and handled_b == []  # never the other group
    assert client.xpending(retry, "agents")["pending"] == 0

    @a.on("agent.task.requested", 1)
    def fail(data: Any, delivery: Delivery) -> None:
        raise RuntimeError("still down")

    poison = xadd_id(client.xadd(retry, {"envelope": _valid(contracts)}))
    for _ in range(10):
        a.run_once()
        time.sleep(0.02)
        if poison in dead_letters(client, stream):
            break
    letter = dead_letters(client, stream)[poison]
    assert letter[b"dlq.reason"] == b"delivery-limit"
    assert letter[b"dlq.deliveries"] == b"3"
    assert json.loads(letter[b"dlq.errors"]) == [{"error": "RuntimeError: still down"}]
    assert client.xpending(retry, "agents")["pending"] == 0


def test_a_dead_letter_lists_at_most_100_violations_and_counts_the_rest(
    shell: Shell, client: redis.Redis, contracts: Contracts
) -> None:
    """#13.7: 80,000 extra properties made an 8.96 MB dead letter."""
    stream = f"many.{uuid.uuid4().hex[:8]}"
    _, consumer, _ = consumer_of(shell, client, contracts, stream)
    extra = {f"extra_{i:05}": i for i in range(5000)}
    raw = json.dumps(envelope(contracts, **extra))
    entry_id = xadd_id(client.xadd(stream_key(stream), {"envelope": raw}))
    assert consumer.run_once().dead_lettered == 1
    dead = dead_letters(client, stream)[entry_id]
    errors = json.loads(dead[b"dlq.errors"])
    assert len(errors) == 100 and dead[b"dlq.errors_omitted"] == b"4900"
    assert errors[0]["pointer"] == "/data/extra_00000"
    assert len(dead[b"dlq.errors"]) < 20_000


def test_dead_letters_keep_every_field_of_the_entry_however_many(
    shell: Shell, client: redis.Redis, contracts: Contracts
) -> None:
    """Dead letters are copied on the server (the client sends no payload back);
    an entry with more fields than a script can unpack is sent by the client, in
    the same MULTI. Both keep every original field, byte for byte."""
    stream = f"wide.{uuid.uuid4().hex[:8]}"
    _, consumer, _ = consumer_of(shell, client, contracts, stream)
    key = stream_key(stream)
    few: dict[FieldT, EncodableT] = {
        b"envelope": b"\xff\x00 not json",
        b"note": b"a\xffb",
    }
    many: dict[FieldT, EncodableT] = {
        f"f{i}".encode(): str(i).encode() for i in range(5000)
    }
    ids = [xadd_id(client.xadd(key, few)), xadd_id(client.xadd(key, many))]
    assert consumer.run_once().dead_lettered == 2
    dead = dead_letters(client, stream)
    assert {k: v for k, v in dead[ids[0]].items() if not k.startswith(b"dlq.")} == few
    assert {k: v for k, v in dead[ids[1]].items() if not k.startswith(b"dlq.")} == many
    assert dead[ids[1]][b"dlq.reason"] == b"invalid"
    assert client.xpending(key, "agents")["pending"] == 0


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_user_without_scripting_still_dead_letters(
    kind: str,
    redis_url: str,
    client: redis.Redis,
    contracts: Contracts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An ACL user that may not run scripts: the consumer logs it once and sends
    dead letters itself, in a MULTI with the acks, from then on."""
    user = f"noscript-{uuid.uuid4().hex[:6]}"
    client.execute_command(  # type: ignore[no-untyped-call]  # untyped in redis-py
        "ACL", "SETUSER", user, "on", ">secret", "~*", "&*", "+@all", "-@scripting"
    )
    shell = Shell(kind, redis_url.replace("redis://", f"redis://{user}:secret@", 1))
    try:
        stream = f"noscript.{uuid.uuid4().hex[:8]}"
        publisher, consumer, handled = consumer_of(shell, client, contracts, stream)
        for round_ in range(2):
            bad = xadd_id(client.xadd(stream_key(stream), {"envelope": b"[1"}))
            good = publisher.publish(stream, (task(), "agent.task.requested", 1))
            result = consumer.run_once()
            assert (result.handled, result.dead_lettered) == (1, 1), round_
            assert dead_letters(client, stream)[bad][b"envelope"] == b"[1"
            assert handled[-1] == good
        assert consumer.scripting is False
        logged = [r.message for r in caplog.records]
        assert sum("refused the settle script" in m for m in logged) == 1
        assert client.xpending(stream_key(stream), "agents")["pending"] == 0
    finally:
        shell.close()
        client.execute_command("ACL", "DELUSER", user)  # type: ignore[no-untyped-call]


def test_a_coroutine_handler_on_the_sync_consumer_is_a_failure_not_an_ack(
    client: redis.Redis, redis_url: str, contracts: Contracts
) -> None:
    """The sync shell cannot run a coroutine: acking would lose the message. It is
    a handler failure (left pending, dead-lettered past the limit, with why)."""
    shell = Shell("sync", redis_url)
    try:
        stream = f"coro.{uuid.uuid4().hex[:8]}"
        publisher, consumer, _ = consumer_of(
            shell, client, contracts, stream, claim_idle_ms=10, claim_every_ms=0,
            max_deliveries=1,
        )  # fmt: skip

        @consumer.on("agent.task.requested", 1)
        async def handle(data: Any, delivery: Delivery) -> None:
            raise AssertionError("never runs")

        entry = publisher.publish(stream, (task(), "agent.task.requested", 1))
        assert consumer.run_once().failed == 1
        time.sleep(0.03)
        assert consumer.run_once().dead_lettered == 1
        [error] = json.loads(dead_letters(client, stream)[entry][b"dlq.errors"])
        assert error["error"].startswith("TypeError: ")
        assert "coroutine handlers need the asyncio shell" in error["error"]
    finally:
        shell.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_run_outlives_a_redis_refusal(
    kind: str,
    redis_url: str,
    client: redis.Redis,
    contracts: Contracts,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``run`` logs a refusal it cannot fix (here WRONGTYPE: the dead-letter key
    holds a string), retries after its back-off, and settles once it is fixed."""
    stream = f"refused.{uuid.uuid4().hex[:8]}"
    client.set(dead_letter_key(stream), "not a stream")
    bad = xadd_id(client.xadd(stream_key(stream), {"envelope": b"nope"}))
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, stream)
    stop_sync = threading.Event()
    stop_async: list[Any] = []

    def loop() -> None:
        options: Any = {"catalog": catalog, "block_ms": 20, "claim_idle_ms": 10}
        options["claim_every_ms"] = 0
        if kind == "sync":
            c = redis.Redis.from_url(redis_url)
            consumer = Consumer(c, codec, stream, "agents", "c-1", **options)
            consumer.ensure_group("0")
            consumer.run(stop_sync, backoff=0.05)
            c.close()
            return

        async def main() -> None:
            c = redis.asyncio.Redis.from_url(redis_url)
            consumer = AsyncConsumer(c, codec, stream, "agents", "c-1", **options)
            await consumer.ensure_group("0")
            stop = asyncio.Event()
            stop_async.append((asyncio.get_running_loop(), stop))
            await consumer.run(stop, backoff=0.05)
            await c.aclose()

        asyncio.run(main())

    def stop() -> None:
        if kind == "sync":
            stop_sync.set()
        elif stop_async:
            loop_, event = stop_async[0]
            loop_.call_soon_threadsafe(event.set)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not any("refused the batch" in r.message for r in caplog.records):
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.02)
        client.delete(dead_letter_key(stream))
        while bad not in dead_letters(client, stream):
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.02)
    finally:
        stop()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert client.xpending(stream_key(stream), "agents")["pending"] == 0
