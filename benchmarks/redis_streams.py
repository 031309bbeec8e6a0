"""Benchmark: validated Redis Streams publish and consume, next to raw redis-py and
FastStream, on one server with the same ~1 KB message.

What is measured
    Messages per second of five variants, each over the same N messages on a fresh
    stream (its keys deleted afterwards), round-robin, best of ``--repeat`` runs:

    - raw publish: redis-py pipelines of 100 ``XADD`` of pre-serialized envelopes,
      no validation;
    - validated publish: ``runtime.streams.Publisher.publish_many(batch=100)`` from
      generated ``AgentTaskRequested`` models (validation, envelope, catalogue);
    - raw consume: ``XREADGROUP COUNT 100``, ``orjson.loads`` of every envelope and
      one ``XACK`` per batch, no validation;
    - validated consume: ``runtime.streams.Consumer.run_once`` (batch 100, one
      ``XACK`` per batch) with a trivial handler until all N are handled;
    - FastStream: its per-message ``StreamSub`` subscriber (consumer group,
      ``max_records=100`` per read, one ``XACK`` per message, its logger off) with
      a handler taking the generated Pydantic model ``AgentTaskRequested``, run
      in-process with asyncio until N are handled. Its stream holds the same
      payloads, published by FastStream's own publisher in its own wire format.

    Consumers read a stream filled beforehand (untimed) with distinct envelopes
    made by the runtime's codec. The message is ``agent.task.requested`` v1 with
    every field set (``tests/samples``), its ``instruction`` padded so that the
    envelope JSON is ``--size`` bytes (1024 by default).

Printed
    A table of msg/s per variant, then three ratio lines (validated publish / raw
    publish, validated consume / raw consume, validated consume / FastStream) with
    the targets of the issue (>= 0.5x, >= 0.5x, >= 5x) and whether each is met.
    Speed is reported, never asserted: the exit status is 0 whatever the numbers.

Run it from the repository root::

    .venv/bin/python benchmarks/redis_streams.py              # 20,000 messages, 3 runs
    .venv/bin/python benchmarks/redis_streams.py --quick      # 2,000 messages (smoke)
    .venv/bin/python benchmarks/redis_streams.py --json out.json --repeat 5
    .venv/bin/python benchmarks/redis_streams.py --redis-url redis://host:6379/0

Without ``--redis-url`` a throwaway redis-server is started on a free loopback port
(``runtime.testing.RedisServer``); with it, only keys named ``stream:{bench.<random>}``
are written, and deleted after each run.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import orjson
import redis
import redis.asyncio
from faststream.redis import RedisBroker, StreamSub
from platform_contracts.agent.task_requested_v1 import AgentTaskRequested

from runtime import Codec, Contracts
from runtime.catalog import Catalog
from runtime.streams import FIELD, Consumer, Delivery, Publisher, stream_key
from runtime.testing import RedisServer

REPO = Path(__file__).resolve().parent.parent

CONTRACT = "agent/task_requested.v1.json"
SAMPLE = REPO / "tests" / "samples" / "agent" / "task_requested.v1" / "valid-full.json"
BATCH = 100
GROUP = "bench"
TARGETS = {"publish": 0.5, "consume": 0.5, "faststream": 5.0}
RAW_PUBLISH = "raw publish (redis-py pipeline of 100 XADD)"
OUR_PUBLISH = "validated publish (Publisher.publish_many, models)"
RAW_CONSUME = "raw consume (XREADGROUP 100 + orjson + XACK)"
OUR_CONSUME = "validated consume (Consumer.run_once, batch 100)"
FASTSTREAM = "FastStream StreamSub per message (Pydantic)"


@dataclass
class Setup:
    """What every run shares: the client, the codec and the N messages."""

    url: str
    client: redis.Redis
    contracts: Contracts
    codec: Codec
    payloads: list[dict[str, Any]]
    models: list[AgentTaskRequested]
    envelopes: list[bytes]
    faststream_bytes: int = 0  # size of one entry in FastStream's wire format
    # the process's CPU seconds of the last validated run, its untimed set-up left
    # out (benchmarks/telemetry.py reads it)
    cpu: float = 0.0


@dataclass
class Variant:
    name: str
    run: Callable[[Setup, str], float]  # (setup, fresh stream name) -> seconds
    runs: list[float] = field(default_factory=list)

    def rate(self, n: int) -> float:
        return n / min(self.runs)


def make_setup(url: str, n: int, size: int) -> Setup:
    """N payloads (the full sample, fresh task ids, ``instruction`` padded so each
    envelope is ``size`` bytes), their models and envelopes (untimed)."""
    contracts = Contracts("platform_contracts")
    codec = Codec(contracts, source="python:bench")
    sample: dict[str, Any] = json.loads(SAMPLE.read_text())
    unpadded = len(codec.encode(sample, message_type="agent.task.requested", version=1))
    pad = " " + "x" * (size - unpadded - 1) if size > unpadded else ""
    instruction = sample["instruction"] + pad
    payloads = [
        dict(sample, task_id=str(uuid.uuid4()), instruction=instruction)
        for _ in range(n)
    ]
    models = [AgentTaskRequested.model_validate(p) for p in payloads]
    envelopes = [codec.encode(m) for m in models]
    client = redis.Redis.from_url(url)
    return Setup(url, client, contracts, codec, payloads, models, envelopes)


def catalog(setup: Setup, stream: str) -> Catalog:
    """A catalogue carrying task requests on the benchmark's fresh stream."""
    message = {"contract": CONTRACT, "producers": [], "consumers": []}
    data = {"streams": {stream: {"description": "bench", "messages": [message]}}}
    return Catalog(data, setup.contracts)


def fill(setup: Setup, key: str, entries: list[bytes]) -> None:
    """Untimed: XADD the entries and create the group at the start of the stream."""
    for start in range(0, len(entries), 1000):
        pipe = setup.client.pipeline(transaction=False)
        for raw in entries[start : start + 1000]:
            pipe.xadd(key, {FIELD: raw})
        pipe.execute()
    setup.client.xgroup_create(key, GROUP, id="0", mkstream=True)


def raw_publish(setup: Setup, stream: str) -> float:
    key = stream_key(stream)
    envelopes = setup.envelopes
    started = time.perf_counter()
    for start in range(0, len(envelopes), BATCH):
        pipe = setup.client.pipeline(transaction=False)
        for raw in envelopes[start : start + BATCH]:
            pipe.xadd(key, {FIELD: raw})
        pipe.execute()
    elapsed = time.perf_counter() - started
    assert setup.client.xlen(key) == len(envelopes)
    return elapsed


def validated_publish(setup: Setup, stream: str) -> float:
    publisher = Publisher(setup.client, setup.codec, catalog=catalog(setup, stream))
    cpu, started = time.process_time(), time.perf_counter()
    ids = publisher.publish_many(stream, setup.models, batch=BATCH)
    elapsed = time.perf_counter() - started
    setup.cpu = time.process_time() - cpu
    assert len(ids) == len(setup.models)
    return elapsed


def raw_consume(setup: Setup, stream: str) -> float:
    key = stream_key(stream)
    fill(setup, key, setup.envelopes)
    client, handled, total = setup.client, 0, len(setup.envelopes)
    started = time.perf_counter()
    while handled < total:
        reply: Any = client.xreadgroup(
            GROUP, "raw-1", {key: ">"}, count=BATCH, block=1000
        )
        ids = []
        for _, entries in reply or []:
            for entry_id, fields in entries:
                orjson.loads(fields[FIELD])
                ids.append(entry_id)
        if ids:
            client.xack(key, GROUP, *ids)
            handled += len(ids)
    return time.perf_counter() - started


def validated_consume(setup: Setup, stream: str) -> float:
    fill(setup, stream_key(stream), setup.envelopes)
    consumer = Consumer(
        setup.client, setup.codec, stream, GROUP, "ours-1",
        catalog=catalog(setup, stream), batch=BATCH,
    )  # fmt: skip
    seen = 0

    @consumer.on("agent.task.requested", 1)
    def handle(data: AgentTaskRequested, delivery: Delivery) -> None:
        nonlocal seen
        seen += 1

    handled, total = 0, len(setup.envelopes)
    cpu, started = time.process_time(), time.perf_counter()
    while handled < total:
        result = consumer.run_once()
        assert not (result.failed or result.dead_lettered), result
        handled += result.handled
    elapsed = time.perf_counter() - started
    setup.cpu = time.process_time() - cpu
    assert seen == total
    return elapsed


def faststream_consume(setup: Setup, stream: str) -> float:
    return asyncio.run(_faststream(setup, stream_key(stream)))


async def _faststream(setup: Setup, key: str) -> float:
    # logger=None turns FastStream's per-message log lines off (its documented
    # way; the typed signature does not admit None).
    broker = RedisBroker(setup.url, logger=None)  # type: ignore[arg-type]
    total, seen = len(setup.payloads), 0
    done = asyncio.Event()
    sub = StreamSub(key, group=GROUP, consumer="fs-1", max_records=BATCH)

    @broker.subscriber(stream=sub)
    async def handle(task: AgentTaskRequested) -> None:
        nonlocal seen
        seen += 1
        if seen == total:
            done.set()

    await broker.connect()
    client = redis.asyncio.Redis.from_url(setup.url)
    try:  # untimed: FastStream's own publisher writes its own wire format
        for start in range(0, total, 1000):
            async with client.pipeline(transaction=False) as pipe:
                for data in setup.payloads[start : start + 1000]:
                    await broker.publish(data, stream=key, pipeline=pipe)
                await pipe.execute()
        await client.xgroup_create(key, GROUP, id="0", mkstream=True)
        first: Any = await client.xrange(key, count=1)
        setup.faststream_bytes = sum(len(v) for v in first[0][1].values())
        started = time.perf_counter()
        await broker.start()
        await asyncio.wait_for(done.wait(), timeout=600)
        elapsed = time.perf_counter() - started
        await broker.stop()  # lets the last handler finish and ack
        pending: Any = await client.xpending(key, GROUP)
        assert pending["pending"] == 0, pending  # FastStream acked every message
    finally:
        await broker.stop()
        await client.aclose()
    return elapsed


def variants() -> list[Variant]:
    return [
        Variant(RAW_PUBLISH, raw_publish),
        Variant(OUR_PUBLISH, validated_publish),
        Variant(RAW_CONSUME, raw_consume),
        Variant(OUR_CONSUME, validated_consume),
        Variant(FASTSTREAM, faststream_consume),
    ]


def measure(setup: Setup, repeat: int) -> list[Variant]:
    table = variants()
    for _ in range(repeat):
        for variant in table:
            stream = f"bench.{uuid.uuid4().hex[:12]}"
            gc.collect()
            try:
                variant.runs.append(variant.run(setup, stream))
            finally:
                setup.client.delete(stream_key(stream), f"{stream_key(stream)}:dlq")
    return table


def ratios(table: list[Variant], n: int) -> dict[str, dict[str, Any]]:
    rate = {v.name: v.rate(n) for v in table}
    pairs = {
        "publish": (OUR_PUBLISH, RAW_PUBLISH),
        "consume": (OUR_CONSUME, RAW_CONSUME),
        "faststream": (OUR_CONSUME, FASTSTREAM),
    }
    out = {}
    for name, (ours, theirs) in pairs.items():
        ratio = rate[ours] / rate[theirs]
        target = TARGETS[name]
        out[name] = {
            "ours": ours,
            "vs": theirs,
            "ratio": ratio,
            "target": target,
            "met": ratio >= target,
        }
    return out


def environment(setup: Setup, args: argparse.Namespace) -> dict[str, Any]:
    info: Any = setup.client.info("server")
    return {
        "redis_server": info.get("redis_version"),
        "redis_url": setup.url if args.redis_url else "throwaway redis-server",
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("redis", "faststream", "pydantic", "orjson")},
        "machine": f"{platform.system()} {platform.machine()}",
    }


def report(
    setup: Setup, args: argparse.Namespace, table: list[Variant]
) -> dict[str, Any]:
    n, size = len(setup.envelopes), len(setup.envelopes[0])
    env = environment(setup, args)
    print(
        f"Redis Streams: {n:,} messages, agent.task.requested v1, {size} B envelope"
        f" JSON, best of {args.repeat}"
    )
    print("  " + ", ".join(f"{k} {v}" for k, v in env.items()))
    print(
        "  publish input: generated models; raw consume parses with orjson;"
        f" FastStream entry {setup.faststream_bytes} B (same payload, its format)"
    )
    print(f"\n{'variant':<52}{'msg/s':>10}{'best s':>9}{'worst s':>9}")
    for v in table:
        best, worst = min(v.runs), max(v.runs)
        print(f"{v.name:<52}{v.rate(n):>10,.0f}{best:>9.3f}{worst:>9.3f}")
    result = ratios(table, n)
    print()
    labels = {
        "publish": "validated publish / raw publish",
        "consume": "validated consume / raw consume",
        "faststream": "validated consume / FastStream",
    }
    for name, r in result.items():
        verdict = "met" if r["met"] else "MISSED"
        print(
            f"ratio {name:<11}{labels[name]:<34}{r['ratio']:>8.2f}x"
            f"  target >= {r['target']:g}x  {verdict}"
        )
    return {
        "messages": n,
        "envelope_bytes": size,
        "faststream_entry_bytes": setup.faststream_bytes,
        "repeat": args.repeat,
        "publish_input": "generated models (AgentTaskRequested)",
        "raw_parse": "orjson",
        "environment": env,
        "variants": {v.name: {"msg_per_s": v.rate(n), "runs_s": v.runs} for v in table},
        "ratios": result,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    first_line = (__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(description=first_line)
    parser.add_argument("-n", "--messages", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 messages")
    parser.add_argument("--repeat", type=int, default=3, help="runs; best is kept")
    parser.add_argument("--size", type=int, default=1024, help="envelope bytes")
    parser.add_argument("--redis-url", help="use this Redis, not a throwaway one")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.messages = 2_000
    if args.messages < 1 or args.repeat < 1:
        parser.error("--messages and --repeat must be at least 1")
    return args


def run(args: argparse.Namespace, url: str) -> int:
    setup = make_setup(url, args.messages, args.size)
    try:
        table = measure(setup, args.repeat)
        result = report(setup, args, table)
    finally:
        setup.client.close()
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.redis_url:
        return run(args, args.redis_url)
    with RedisServer() as server:
        return run(args, server.url)


if __name__ == "__main__":
    sys.exit(main())
