"""Benchmark: what traces and metrics cost on the Redis Streams hot paths.

What is measured
    Validated publish (``Publisher.publish_many``, pipelines of 100) and validated
    consume (``Consumer.run_once``, batches of 100, a trivial handler) of the same
    ~1 KB ``agent.task.requested`` messages as ``benchmarks/redis_streams.py``, on one
    throwaway redis-server, in four modes, each in its own process, round-robin,
    best of ``--repeat`` runs:

    - ``without the API``: ``opentelemetry`` cannot be imported (the runtime without
      the ``otel`` extra): the baseline;
    - ``API, no SDK``: the extra installed and no SDK configured, the default of a
      service that installs the extra and exports nothing;
    - ``SDK, no-op export``: the OpenTelemetry SDK configured globally, spans through a
      ``BatchSpanProcessor`` into an exporter that drops them, metrics into a reader
      that is never collected: the cost of recording, without the exporter's I/O;
    - ``SDK, 10% sampled``: the same with ``ParentBased(TraceIdRatioBased(0.1))``, and
      1 producer trace in 10 sampled.

    Every consumed entry carries a producer's ``traceparent``, one trace per 100
    entries (what a traced ``publish_many`` writes), in every mode: with an SDK, each
    entry gets its ``process`` span, the child of its producer's context (sampled on
    all traces, or on 1 in 10 in the sampled mode).

    ``--compare DIR`` runs every mode a second time with the runtime of another
    checkout of the repository (e.g. the main branch's), interleaved, its rows
    marked ``[compare]`` and their overhead against its own baseline.

Printed
    msg/s per mode and path (wall clock, and the benchmark process's own CPU time per
    message, which other processes on a loaded machine disturb less), and each
    mode's overhead against the baseline with the issue's targets (at most 2%
    without an SDK, at most 15% with one). Speed is reported, never asserted.

    .venv/bin/python benchmarks/telemetry.py            # 20,000 messages, 5 runs
    .venv/bin/python benchmarks/telemetry.py --quick    # 2,000 messages, 1 run
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

MODES = ("without the API", "API, no SDK", "SDK, no-op export", "SDK, 10% sampled")
TARGETS = {"API, no SDK": 0.02, "SDK, no-op export": 0.15, "SDK, 10% sampled": 0.15}
PATHS = ("publish", "consume", "publish cpu", "consume cpu")
TRACED = 100  # consumed entries per producer trace (a publish_many batch)
COMPARE = " [compare]"


def sdk_providers(sampled: bool) -> tuple[Any, Any]:
    """An SDK tracer provider whose spans go through a ``BatchSpanProcessor`` into an
    exporter that drops them (``ParentBased(TraceIdRatioBased(0.1))`` if ``sampled``),
    and a meter provider whose reader is never collected."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SpanExporter,
        SpanExportResult,
    )
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    class Dropping(SpanExporter):
        def export(self, spans: Sequence[Any]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    tracer = (
        TracerProvider(sampler=ParentBased(TraceIdRatioBased(0.1)))
        if sampled
        else TracerProvider()
    )
    tracer.add_span_processor(BatchSpanProcessor(Dropping()))
    return tracer, MeterProvider(metric_readers=[InMemoryMetricReader()])


def _configure(mode: str) -> None:
    """Set the process up for ``mode`` before the runtime is imported."""
    if mode == MODES[0]:
        sys.modules["opentelemetry"] = None  # type: ignore[assignment]
        return
    if mode in MODES[2:]:
        from opentelemetry import metrics, trace

        tracer, meter = sdk_providers(sampled=mode == MODES[3])
        trace.set_tracer_provider(tracer)
        metrics.set_meter_provider(meter)


def child(mode: str, url: str, n: int) -> dict[str, float]:
    """One run of both paths in this process; seconds per path."""
    _configure(mode)
    from benchmarks.redis_streams import (
        make_setup,
        validated_consume,
        validated_publish,
    )
    from runtime.streams import stream_key

    setup = make_setup(url, n, 1024)
    # the entries a traced producer writes: one trace per TRACED entries, all of
    # them sampled, or 1 in 10 in the sampled mode
    every = 10 if mode == MODES[3] else 1
    traces = [
        {
            "traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}"
            f"-{'01' if t % every == 0 else '00'}"
        }
        for t in range(-(-n // TRACED))
    ]
    setup.envelopes = [
        setup.codec.encode(model, trace=traces[i // TRACED])
        for i, model in enumerate(setup.models)
    ]
    # The same heap for every mode: what the imports left is moved out of the
    # collector's sight, so a mode that imports more is not charged for collecting
    # it over and over (a real service's heap dwarfs both anyway).
    gc.collect()
    gc.freeze()
    out = {}
    for path, run in (("publish", validated_publish), ("consume", validated_consume)):
        stream = f"bench.{uuid.uuid4().hex[:12]}"
        try:
            out[path] = run(setup, stream)
            # CPU of the timed part only: filling the stream before a consume
            # (untimed) was counted in it before, which diluted the overhead
            out[f"{path} cpu"] = setup.cpu
        finally:
            setup.client.delete(stream_key(stream), f"{stream_key(stream)}:dlq")
    from runtime.telemetry import Telemetry

    t = Telemetry()
    out["tracing"] = float(t.tracing)
    return out


def measure(
    url: str, n: int, repeat: int, compare: Path | None = None
) -> dict[str, dict[str, list[float]]]:
    roots: list[tuple[str, Path | None]] = [("", None)]
    if compare is not None:
        roots.append((COMPARE, compare))
    rows = [(mode + mark, mode, root) for mark, root in roots for mode in MODES]
    runs: dict[str, dict[str, list[float]]] = {
        r: {p: [] for p in PATHS} for r, *_ in rows
    }
    for r in range(repeat):
        for row, mode, root in rows if r % 2 == 0 else rows[::-1]:
            argv = [sys.executable, __file__, "--child", mode, "--redis-url", url,
                    "-n", str(n)]  # fmt: skip
            if root is not None:
                argv += ["--root", str(root)]
            done = subprocess.run(
                argv, capture_output=True, text=True, check=True, timeout=1200
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert bool(result.pop("tracing")) == (mode in MODES[2:]), mode
            for path in PATHS:
                runs[row][path].append(result[path])
    return runs


def report(runs: dict[str, dict[str, list[float]]], n: int) -> dict[str, Any]:
    rates = {m: {p: n / min(runs[m][p]) for p in PATHS} for m in runs}
    overhead = {}
    for row in runs:
        base = MODES[0] + (COMPARE if row.endswith(COMPARE) else "")
        if row != base:
            overhead[row] = {p: 1 - rates[row][p] / rates[base][p] for p in PATHS}
    return {"messages": n, "rates": rates, "overhead": overhead, "runs": runs}


def render(data: dict[str, Any]) -> str:
    lines = [f"{data['messages']} messages of ~1 KB per path and run", ""]
    lines.append(
        f"{'mode':<20} {'publish msg/s':>14} {'consume msg/s':>14}"
        f" {'publish us cpu':>15} {'consume us cpu':>15}"
    )
    for mode, r in data["rates"].items():
        lines.append(
            f"{mode:<20} {r['publish']:>14,.0f} {r['consume']:>14,.0f}"
            f" {1e6 / r['publish cpu']:>15.1f} {1e6 / r['consume cpu']:>15.1f}"
        )
    lines.append("")
    for mode, paths in data["overhead"].items():
        target = TARGETS[mode.removesuffix(COMPARE)]
        for path in PATHS:
            o = paths[path]  # throughput lost
            added = 1 / (1 - o) - 1  # time (or CPU) added per message
            met = "met" if added <= target else "NOT met"
            lines.append(
                f"{mode}: {path} overhead {100 * added:+.1f}% per message"
                f" ({100 * o:.1f}% throughput lost; target <= {100 * target:.0f}%,"
                f" {met})"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--messages", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 messages, 1 run")
    parser.add_argument("--redis-url", help="use this Redis, not a throwaway one")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--compare",
        type=Path,
        help="also run every mode with the runtime of this checkout (interleaved)",
    )
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.root is not None:  # import runtime and benchmarks from there
            sys.path[0] = str(args.root.resolve())
        print(json.dumps(child(args.child, args.redis_url, args.messages)))
        return 0
    n, repeat = (2_000, 1) if args.quick else (args.messages, args.repeat)
    from runtime.testing import RedisServer

    if args.redis_url:
        data = report(measure(args.redis_url, n, repeat, args.compare), n)
    else:
        with RedisServer() as server:
            data = report(measure(server.url, n, repeat, args.compare), n)
    print(render(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
