"""The Redis part of ``make demo``: Node and a Python agent talk over real streams.

A throwaway redis-server is started on a free port. The Node business module
publishes a task; the Python agent consumes it as a typed model and replies on
``agent.events``; the Node module consumes the typed reply. A forged entry (as an
old or buggy producer would write) ends in the dead-letter stream with the reason.
Both services announce their contract fingerprints; ``contracts drift --redis`` then
lists them (live drift). Both runtimes run the OpenTelemetry SDK with a console
exporter: the request's one trace id is printed by Node, then Python, then Node;
then the Python agent's metrics are dumped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from platform_contracts.agent.task_accepted_v1 import AgentTaskAccepted

from runtime import Codec, Contracts
from runtime.deadletter import list_dead
from runtime.presence import Presence
from runtime.streams import Consumer, Delivery, Publisher, stream_key
from runtime.testing import RedisServer

NODE = Path(__file__).parent / "node" / "stream_service.mjs"


class LineExporter(SpanExporter):
    """A console exporter: one line per finished span (as the Node side prints)."""

    def export(self, spans: Any) -> SpanExportResult:
        for span in spans:
            assert isinstance(span, ReadableSpan) and span.context is not None
            parent = f"{span.parent.span_id:016x}" if span.parent else "-"
            print(
                f"  span [python] trace {span.context.trace_id:032x}"
                f" {span.kind.name:<8} {span.name:<24} id {span.context.span_id:016x}"
                f" parent {parent}"
            )
        return SpanExportResult.SUCCESS


def start_telemetry() -> InMemoryMetricReader:
    """The SDK, as a service would configure it: spans to the console, metrics to
    a reader the demo dumps at the end."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(LineExporter()))
    trace.set_tracer_provider(provider)
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
    return reader


def dump_metrics(reader: InMemoryMetricReader) -> None:
    data = reader.get_metrics_data()
    print(
        "\npython agent metrics (OpenTelemetry; a Prometheus exporter sees the same):"
    )
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    count = getattr(point, "count", None)
                    shown = f"{value}" if value is not None else f"count={count}"
                    labels = ",".join(
                        f"{k}={v!s}" for k, v in (point.attributes or {}).items()
                    )
                    print(f"  {metric.name}{{{labels}}} {shown}")


def main() -> None:
    node = shutil.which("node")
    if node is None:
        print("(node is not installed: skipping the streams demo)")
        return
    reader = start_telemetry()
    with RedisServer() as server:
        print(f"\n--- Redis Streams, on a throwaway redis-server at {server.url}")
        client = redis.Redis.from_url(server.url)
        contracts = Contracts("platform_contracts")
        codec = Codec(contracts, source="python:invoice-agent")
        replies = Publisher(client, codec)
        agent = Consumer(
            client, codec, "agent.tasks", "agents", "agent-1", block_ms=200
        )
        agent.ensure_group(start="0")
        presence = Presence(client, contracts, "invoice-agent").start()

        @agent.on("agent.task.requested", 1)
        def work(task: Any, delivery: Delivery) -> None:
            print(
                f"python agent consumes a typed {type(task).__name__}:"
                f" {task.instruction!r} from {delivery.message.envelope.source}"
            )
            reply = AgentTaskAccepted(
                task_id=task.task_id,
                agent_id=task.agent_id,
                worker_id="agent-runner-7f9c:1234",
                attempt=1,
                accepted_at=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            )
            replies.publish("agent.events", reply)

        subprocess.run([node, str(NODE), "publish-task", server.url], check=True)
        forged = {"id": "not-a-uuid", "type": "agent.task.requested", "version": 1}
        client.xadd(stream_key("agent.tasks"), {"envelope": json.dumps(forged)})
        print("a forged entry (no data, bad id) is written straight to agent.tasks")
        result = agent.run_once()
        handled, dead_count = result.handled, result.dead_lettered
        print(f"python agent: {handled} handled, {dead_count} dead-lettered")
        for dead in list_dead(client, "agent.tasks"):
            print(f"dead-letter stream: {dead.reason}, from entry {dead.source_entry}")
            for error in dead.errors:
                where = error["pointer"] or "/"
                print(f"  {where}: expected {error['expected']}, got {error['got']}")
        subprocess.run([node, str(NODE), "read-replies", server.url], check=True)
        print(f"\n$ contracts drift --redis {server.url}")
        cli = Path(sys.executable).parent / "contracts"
        subprocess.run([str(cli), "drift", "--redis", server.url], check=True)
        presence.stop()
        client.close()
    dump_metrics(reader)


if __name__ == "__main__":
    main()
