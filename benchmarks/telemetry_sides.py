"""Benchmark: what telemetry costs a Python consumer, every side in ONE process.

Why one process
    ``benchmarks/telemetry.py`` runs each mode in a process of its own; on a loaded
    machine, processes differ by more than the 2% the issue allows without an SDK
    (its "API, no SDK" row swung between +2% and +20% for a mode that does nothing per
    message). Here the sides take turns in one process, as
    ``benchmarks/node/telemetry_sides.mjs`` does for Node, so they share the heap, the
    caches and the machine's moment.

What is measured
    Validated consume (``Consumer.run_once``, batches of 100, a trivial handler)
    of the same ~1 KB ``agent.task.requested`` envelopes as
    ``benchmarks/redis_streams.py``, on one throwaway redis-server, chunks of
    ``--chunk`` entries per side, the sides interleaved (A B C ..., then ... C B A),
    ``--chunks`` chunks each. Every entry carries a producer's ``traceparent``, one
    trace per 100 entries (what a traced ``publish_many`` writes); all traces are
    sampled, or 1 in 10 for the sampled side. The garbage of a chunk is collected
    (untimed) before the next one starts, so no side pays for another's.

    Sides, each its own ``Consumer`` with its own ``Telemetry``:

    - ``without the API``: the runtime as without the ``otel`` extra; the module's
      ``_HAVE_OTEL`` flag is turned off for this side's chunks only (the code path of a
      failed ``import opentelemetry``): the baseline;
    - ``API, no SDK``: the extra installed and no SDK configured;
    - ``SDK``: explicit SDK providers: spans through a ``BatchSpanProcessor`` into an
      exporter that drops them, metrics into a reader that is never collected;
    - ``SDK traces only`` and ``SDK metrics only``: one of the two providers;
    - ``SDK 10% sampled``: ``ParentBased(TraceIdRatioBased(0.1))``, 1 producer trace in
      10 sampled.

Printed
    Per side: the consumer's CPU time per message (median over its chunks) and the
    overhead against the baseline, the median of the per-round ratios, with its range,
    and the issue's targets (at most 2% without an SDK, at most 15% with one). Speed is
    reported, never asserted.

    .venv/bin/python benchmarks/telemetry_sides.py               # 30 chunks of 1,000
    .venv/bin/python benchmarks/telemetry_sides.py --quick       # 4 chunks (smoke)
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

BASE = "without the API"
SIDES = (
    BASE,
    "API, no SDK",
    "SDK",
    "SDK traces only",
    "SDK metrics only",
    "SDK 10% sampled",
)
TARGETS = {"API, no SDK": 0.02}  # every SDK side: 0.15
TRACED = 100  # entries per producer trace (a publish_many batch)


def _providers(side: str) -> tuple[Any, Any]:
    """The (tracer provider, meter provider) of a side; ``None`` for the global one."""
    if not side.startswith("SDK"):
        return None, None
    from benchmarks.telemetry import sdk_providers

    tracer, meter = sdk_providers(sampled=side == "SDK 10% sampled")
    return (
        None if side == "SDK metrics only" else tracer,
        None if side == "SDK traces only" else meter,
    )


def _envelopes(setup: Any, n: int, every: int) -> list[bytes]:
    """``n`` envelopes, one producer trace per TRACED, 1 trace in ``every`` sampled."""
    traces = [
        {
            "traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}"
            f"-{'01' if t % every == 0 else '00'}"
        }
        for t in range(-(-n // TRACED))
    ]
    return [
        setup.codec.encode(
            setup.models[i % len(setup.models)], trace=traces[i // TRACED]
        )
        for i in range(n)
    ]


def _side(setup: Any, side: str, chunk: int) -> Callable[[], float]:
    """A function that fills a fresh stream with one chunk (untimed), consumes it
    with this side's consumer and returns the CPU seconds of consuming."""
    import runtime.telemetry as telemetry_module
    from benchmarks.redis_streams import BATCH, GROUP, catalog, fill
    from runtime.streams import FIELD, Consumer, stream_key
    from runtime.telemetry import Telemetry

    tracer, meter = _providers(side)
    telemetry = Telemetry(tracer, meter)
    envelopes = _envelopes(setup, chunk, 10 if side == "SDK 10% sampled" else 1)
    stream = f"bench.{uuid.uuid4().hex[:12]}"
    consumer = Consumer(
        setup.client, setup.codec, stream, GROUP, "sides-1",
        catalog=catalog(setup, stream), batch=BATCH, telemetry=telemetry,
    )  # fmt: skip
    seen = 0

    @consumer.on("agent.task.requested", 1)
    def handle(data: Any, delivery: Any) -> None:
        nonlocal seen
        seen += 1

    key = stream_key(stream)
    api = side != BASE

    filled = False

    def run() -> float:
        nonlocal seen, filled
        if filled:  # the group exists: append the chunk, untimed
            pipe = setup.client.pipeline(transaction=False)
            for raw in envelopes:
                pipe.xadd(key, {FIELD: raw})
            pipe.execute()
        else:
            fill(setup, key, envelopes)
            filled = True
        seen = 0
        gc.collect()
        gc.freeze()  # what lives on, out of the collector's sight (as a service's heap)
        telemetry_module._HAVE_OTEL = api
        try:
            cpu = time.process_time()
            handled = 0
            while handled < chunk:
                result = consumer.run_once()
                assert not (result.failed or result.dead_lettered), result
                handled += result.handled
            spent = time.process_time() - cpu
        finally:
            telemetry_module._HAVE_OTEL = True
        setup.client.xtrim(key, maxlen=0)  # handled and acknowledged
        assert seen == chunk
        assert telemetry.tracing == (tracer is not None)
        return spent

    run.key = key  # type: ignore[attr-defined]
    return run


def measure(url: str, chunk: int, chunks: int, sides: Sequence[str]) -> dict[str, Any]:
    import runtime.telemetry as telemetry_module
    from benchmarks.redis_streams import make_setup

    assert telemetry_module._HAVE_OTEL, "the otel extra is needed: make install"
    setup = make_setup(url, min(chunk, 1000), 1024)
    runs = {side: _side(setup, side, chunk) for side in sides}
    for run in runs.values():  # warm every side once, untimed
        run()
    cpu: dict[str, list[float]] = {side: [] for side in sides}
    try:
        for r in range(chunks):
            for side in sides if r % 2 == 0 else sides[::-1]:
                cpu[side].append(runs[side]())
    finally:
        setup.client.delete(*(run.key for run in runs.values()))  # type: ignore[attr-defined]
    return {"chunk": chunk, "cpu": cpu}


def report(data: dict[str, Any]) -> str:
    chunk, cpu = data["chunk"], data["cpu"]
    base = cpu[BASE]
    lines = [
        f"{len(base)} chunks of {chunk} consumed entries per side, one process;",
        "overhead: CPU added per message, median of per-round ratios (range);",
        "lost: throughput lost, 1 - base/side, the Node benchmark's measure",
        "",
        f"{'side':<18} {'us cpu/msg':>10} {'overhead':>9} {'range':>17}"
        f" {'lost':>7} {'target':>6}",
    ]
    for side, spent in cpu.items():
        us = 1e6 * statistics.median(spent) / chunk
        if side == BASE:
            lines.append(f"{side:<18} {us:>10.2f}")
            continue
        ratios = [s / b for s, b in zip(spent, base, strict=True)]
        target = TARGETS.get(side, 0.15)
        added = statistics.median(ratios) - 1
        lost = 1 - 1 / statistics.median(ratios)
        met = "met" if added <= target else "NOT met"
        span = f"{100 * (min(ratios) - 1):+.1f}..{100 * (max(ratios) - 1):+.1f}%"
        lines.append(
            f"{side:<18} {us:>10.2f} {100 * added:>+8.1f}% {span:>17}"
            f" {100 * lost:>6.1f}% <={100 * target:.0f}% {met}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--chunks", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="4 chunks")
    parser.add_argument(
        "--sides", default=";".join(SIDES), help="names, separated by ;"
    )
    parser.add_argument("--redis-url", help="use this Redis, not a throwaway one")
    args = parser.parse_args(argv)
    sides = [s for s in args.sides.split(";") if s]
    if sides[0] != BASE:
        sides.insert(0, BASE)
    chunks = 4 if args.quick else args.chunks
    from runtime.testing import RedisServer

    if args.redis_url:
        data = measure(args.redis_url, args.chunk, chunks, sides)
    else:
        with RedisServer() as server:
            data = measure(server.url, args.chunk, chunks, sides)
    print(report(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
