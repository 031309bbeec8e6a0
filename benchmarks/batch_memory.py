"""Benchmark: a consumer's peak memory on one batch of huge forged entries (#13.7).

What is measured
    A stream holds ``--entries`` forged entries of ``--mb`` MB each (an envelope
    whose ``source`` is padded: over the 1 MiB limit, so each is dead-lettered).
    Each variant runs in a fresh Python process that connects, creates its group,
    notes its resident size and resets its peak to it (``/proc/self/clear_refs``),
    reads and settles the whole batch in one ``run_once`` (or one read), and reads
    its peak (``VmHWM``). The growth is
    reported against the raw bytes of the batch (entries x size). Variants:

    - ``raw read``: the named peer, a bare redis-py ``XREADGROUP`` of the batch
      (no checks, no dead letters): what merely holding the reply costs;
    - ``sync``: ``runtime.streams.Consumer.run_once`` (reads, checks the size of
      each entry, dead-letters all of them with their fields in one ``MULTI``);
    - ``async``: ``runtime.streams.AsyncConsumer.run_once``, the same;
    - Node (``--node``, ``benchmarks/node/batch_memory.mjs``): a bare ioredis
      ``XREADGROUP`` (its peer) and the generated package's ``Consumer.runOnce``.

    Each runs with the pure-Python reply parser and, when ``hiredis`` is installed,
    with hiredis (redis-py picks it up when importable; ``--no-hiredis`` hides it).

Printed
    One line per variant and parser: the peak growth in MB, its ratio to the raw
    bytes (goal: <= 2.0x) and to the raw read of the same parser. Memory is
    reported, never asserted. Run it a few times: the machine may be shared.

Run it from the repository root::

    .venv/bin/python benchmarks/batch_memory.py                 # 20 x 10 MB
    .venv/bin/python benchmarks/batch_memory.py --entries 5 --mb 2   # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, json, sys
if sys.argv[4] == "pure":
    sys.modules["hiredis"] = None  # redis-py falls back to its Python parser
import redis, redis.asyncio
from redis.utils import HIREDIS_AVAILABLE
from runtime import Codec, Contracts
from runtime.catalog import Catalog
from runtime.streams import AsyncConsumer, Consumer, stream_key

url, stream, variant = sys.argv[1], sys.argv[2], sys.argv[3]
group = variant + "-" + sys.argv[4]
contracts = Contracts("platform_contracts")
codec = Codec(contracts, source="bench")
catalog = Catalog({"streams": {stream: {"description": "bench", "messages": [
    {"contract": "agent/task_requested.v1.json", "producers": ["node"],
     "consumers": ["python"]}]}}}, contracts)

def status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)

def start() -> int:
    # the resident size now, with the peak reset to it (Linux: clear_refs 5)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return status("VmRSS")

def peak() -> int:
    return status("VmHWM")

if variant == "raw":
    client = redis.Redis.from_url(url)
    client.xgroup_create(stream_key(stream), group, id="0")
    before = start()
    reply = client.xreadgroup(group, "r", {stream_key(stream): ">"}, count=1000)
    read = sum(len(f[b"envelope"]) for _, items in reply for _, f in items)
elif variant == "sync":
    client = redis.Redis.from_url(url)
    consumer = Consumer(client, codec, stream, group, "s", catalog=catalog,
                        batch=1000, block_ms=10)
    consumer.ensure_group("0")
    before = start()
    result = consumer.run_once()
    read = result.dead_lettered
else:
    async def main() -> tuple[int, int]:
        client = redis.asyncio.Redis.from_url(url)
        consumer = AsyncConsumer(client, codec, stream, group, "a",
                                 catalog=catalog, batch=1000, block_ms=10)
        await consumer.ensure_group("0")
        before = start()
        result = await consumer.run_once()
        await client.aclose()
        return before, result.dead_lettered
    before, read = asyncio.run(main())
print(json.dumps({"before": before, "after": peak(), "read": read,
                  "hiredis": HIREDIS_AVAILABLE}))
"""


def run(url: str, stream: str, variant: str, parser: str) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, url, stream, variant, parser],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"{variant} ({parser}) failed:\n{out.stderr[-3000:]}")
    result: dict[str, int] = json.loads(out.stdout.splitlines()[-1])
    return result


def run_node(url: str, stream: str, variant: str) -> dict[str, int]:
    out = subprocess.run(
        ["node", "--expose-gc", "batch_memory.mjs", url, stream, variant,
         f"node-{variant}"],
        cwd=ROOT / "benchmarks" / "node", capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode != 0:
        raise SystemExit(f"node {variant} failed:\n{out.stderr[-3000:]}")
    result: dict[str, int] = json.loads(out.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--no-hiredis", action="store_true")
    parser.add_argument("--node", action="store_true", help="the Node consumer too")
    args = parser.parse_args()

    import redis

    from runtime import Codec, Contracts
    from runtime.streams import dead_letter_key, stream_key
    from runtime.testing import RedisServer

    try:
        import hiredis  # noqa: F401

        parsers = ["pure"] if args.no_hiredis else ["pure", "hiredis"]
    except ImportError:
        parsers = ["pure"]
    size = int(args.mb * (1 << 20))
    codec = Codec(Contracts("platform_contracts"), source="bench")
    sample = json.loads(
        (ROOT / "tests/samples/agent/task_requested.v1/valid-minimal.json").read_text()
    )
    sample["task_id"] = str(uuid.uuid4())
    good = json.loads(
        codec.encode(sample, message_type="agent.task.requested", version=1)
    )
    with RedisServer() as server:
        client = redis.Redis.from_url(server.url)
        raw_bytes = 0
        stream = "agent.tasks"  # a catalogue stream (the Node consumer needs one)
        for _ in range(args.entries):
            body = json.dumps(dict(good, source=""), separators=(",", ":")).encode()
            forged = body.replace(
                b'"source":""', b'"source":"' + b"x" * (size - len(body)) + b'"'
            )
            raw_bytes += len(forged)
            client.xadd(stream_key(stream), {"envelope": forged})
        print(
            f"batch: {args.entries} forged entries of {size / 1e6:.1f} MB"
            f" = {raw_bytes / 1e6:.0f} MB raw; peak RSS growth of one read or run_once"
        )
        for p in parsers:
            results = {}
            for variant in ("raw", "sync", "async"):
                r = run(server.url, stream, variant, p)
                results[variant] = r["after"] - r["before"]
                client.delete(dead_letter_key(stream))
            for variant, label in (("raw", "raw read (peer)"), ("sync", "Consumer"),
                                   ("async", "AsyncConsumer")):  # fmt: skip
                growth = results[variant]
                print(
                    f"  {p:8} {label:16} {growth / 1e6:8.0f} MB"
                    f"  {growth / raw_bytes:5.2f}x raw bytes"
                    f"  {growth / max(results['raw'], 1):5.2f}x raw read"
                )
        if args.node:
            sys.path.insert(0, str(ROOT))
            from benchmarks.npm import npm_ci

            npm_ci(ROOT / "benchmarks" / "node")
            grown = {}
            for variant in ("raw", "node"):
                r = run_node(server.url, stream, variant)
                grown[variant] = r["after"] - r["before"]
                client.delete(dead_letter_key(stream))
            for variant, label in (("raw", "raw read (peer)"), ("node", "Consumer")):
                growth = grown[variant]
                print(
                    f"  {'node':8} {label:16} {growth / 1e6:8.0f} MB"
                    f"  {growth / raw_bytes:5.2f}x raw bytes"
                    f"  {growth / max(grown['raw'], 1):5.2f}x raw read"
                )
        client.close()


if __name__ == "__main__":
    main()
