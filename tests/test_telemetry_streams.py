"""Traces and metrics over a real redis-server, for both consumer shells: one trace
id from the publisher through a handler that publishes again to the next consumer,
and every metric read after a known sequence of messages."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import redis
from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from runtime import Codec, Contracts
from runtime.streams import Delivery, Publisher, stream_key
from runtime.telemetry import Telemetry
from tests.shells import Shell
from tests.test_streams import catalog_for, task
from tests.test_telemetry import metric_points


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture
def client(redis_url: str) -> Any:
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def telemetry(spans: InMemorySpanExporter, reader: InMemoryMetricReader) -> Telemetry:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return Telemetry(provider, MeterProvider(metric_readers=[reader]))


def test_one_trace_from_publisher_through_two_hops(
    shell: Shell,
    client: Any,
    contracts: Contracts,
    telemetry: Telemetry,
    spans: InMemorySpanExporter,
) -> None:
    first, second = (f"test.{uuid.uuid4().hex[:12]}" for _ in range(2))
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, first)
    catalog.data["streams"][second] = catalog.data["streams"][first]
    catalog = type(catalog)(catalog.data, contracts)
    publisher = Publisher(client, codec, catalog=catalog, telemetry=telemetry)
    hop1 = shell.consumer(
        codec, first, "g1", "c1", catalog=catalog, block_ms=50, telemetry=telemetry
    )
    hop2 = shell.consumer(
        codec, second, "g2", "c2", catalog=catalog, block_ms=50, telemetry=telemetry
    )
    hop1.ensure_group("0")
    hop2.ensure_group("0")

    @hop1.on("agent.task.requested", 1)
    def forward(data: Any, delivery: Delivery) -> None:
        # inside the process span: the next envelope continues this trace
        publisher.publish(second, (task(), "agent.task.requested", 1))

    seen: list[Any] = []
    hop2.on("agent.task.requested", 1)(lambda data, d: seen.append(d))
    tracer = telemetry._get_tracer()
    with tracer.start_as_current_span("request") as root:
        publisher.publish(first, (task(), "agent.task.requested", 1))
    assert hop1.run_once().handled == 1
    assert hop2.run_once().handled == 1
    assert seen and seen[0].message.envelope.trace is not None

    finished = spans.get_finished_spans()
    trace_id = root.get_span_context().trace_id
    by_name: dict[str, list[ReadableSpan]] = {}
    for span in finished:
        by_name.setdefault(span.name, []).append(span)
        if span.name.startswith(("send", "process")):
            assert span.context.trace_id == trace_id, span.name
    (send1,) = by_name[f"send {first}"]
    (process1,) = by_name[f"process {first}"]
    (send2,) = by_name[f"send {second}"]
    (process2,) = by_name[f"process {second}"]
    assert process1.kind is SpanKind.CONSUMER and send1.kind is SpanKind.PRODUCER
    assert (
        process1.parent is not None and process1.parent.span_id == send1.context.span_id
    )
    assert send2.parent is not None and send2.parent.span_id == process1.context.span_id
    assert (
        process2.parent is not None and process2.parent.span_id == send2.context.span_id
    )
    assert process1.attributes is not None
    assert process1.attributes["messaging.consumer.group.name"] == "g1"
    assert str(process1.attributes["messaging.message.id"])
    assert by_name[f"receive {first}"] and by_name[f"settle {second}"]
    assert not trace.get_current_span().get_span_context().is_valid


def test_every_metric_after_a_known_sequence(
    shell: Shell,
    client: Any,
    contracts: Contracts,
    telemetry: Telemetry,
    reader: InMemoryMetricReader,
) -> None:
    stream = f"test.{uuid.uuid4().hex[:12]}"
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, stream)
    publisher = Publisher(client, codec, catalog=catalog, telemetry=telemetry)
    consumer = shell.consumer(
        codec,
        stream,
        "agents",
        "a1",
        catalog=catalog,
        block_ms=50,
        claim_idle_ms=0,
        max_deliveries=1,
        telemetry=telemetry,
    )
    consumer.ensure_group("0")
    failing = task()

    @consumer.on("agent.task.requested", 1)
    def handle(data: Any, delivery: Delivery) -> None:
        if str(data.task_id) == failing["task_id"]:
            raise RuntimeError("handler failed")

    publisher.publish(stream, (task(), "agent.task.requested", 1))  # valid
    publisher.publish(stream, (failing, "agent.task.requested", 1))  # fails
    key = stream_key(stream)
    client.xadd(key, {"envelope": b'{"not": "an envelope"}'})  # invalid
    drifted = json.loads(
        codec.encode(task(), message_type="agent.task.requested", version=1)
    )
    drifted["fingerprint"] = "sha256:" + "2" * 64
    client.xadd(key, {"envelope": json.dumps(drifted)})  # drifted, handled
    first = consumer.run_once()
    assert (first.handled, first.failed, first.dead_lettered) == (2, 1, 1)
    second = consumer.run_once()  # the failed entry comes back past the limit
    assert second.dead_lettered == 1

    points = metric_points(reader)
    where = {"messaging.destination.name": stream}
    group = {**where, "messaging.consumer.group.name": "agents"}
    contract = {"contract": "agent.task.requested.v1"}
    assert points["contracts.messages.published"] == [(2, where)]
    assert points["contracts.messages.consumed"] == [(2, group)]
    assert points["contracts.messages.invalid"] == [(1, {**where, "reason": "invalid"})]
    assert sorted(
        (v, a["reason"]) for v, a in points["contracts.messages.dead_lettered"]
    ) == [(1, "delivery-limit"), (1, "invalid")]
    durations = {
        a.get("error.type", ""): v for v, a in points["contracts.handler.duration"]
    }
    assert durations.keys() == {"", "RuntimeError"}
    # one value per batch, contract and outcome: the mean per message
    assert durations[""][0] == 1 and durations["RuntimeError"][0] == 1
    ((validated, attributes),) = points["contracts.validation.duration"]
    assert validated[0] == 2 and attributes == contract
    assert points["contracts.drift"] == [
        (1, {**contract, "fingerprint": "sha256:" + "2" * 64})
    ]
    pending = {
        tuple(sorted(a.items())): v for v, a in points["contracts.consumer.pending"]
    }
    assert pending == {tuple(sorted(group.items())): 1}  # read before the 2nd batch
    lags = [v for v, a in points["contracts.consumer.lag"] if a == group]
    assert lags == [0]


def test_an_unsampled_producer_trace_goes_on_through_a_handlers_publish(
    shell: Shell,
    client: Any,
    contracts: Contracts,
    telemetry: Telemetry,
    spans: InMemorySpanExporter,
) -> None:
    """The producer did not sample its trace: the consumer's `process` span records
    nothing (the default sampler follows the parent), yet it is current in the
    handler, so a publish there carries the producer's trace id, not sampled."""
    first, second = (f"test.{uuid.uuid4().hex[:12]}" for _ in range(2))
    codec = Codec(contracts, source="python:test")
    catalog = catalog_for(contracts, first)
    catalog.data["streams"][second] = catalog.data["streams"][first]
    catalog = type(catalog)(catalog.data, contracts)
    publisher = Publisher(client, codec, catalog=catalog, telemetry=telemetry)
    hop = shell.consumer(
        codec, first, "g1", "c1", catalog=catalog, block_ms=50, telemetry=telemetry
    )
    hop.ensure_group("0")
    trace_id, parent_id = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    current: list[Any] = []

    @hop.on("agent.task.requested", 1)
    def forward(data: Any, delivery: Delivery) -> None:
        current.append(trace.get_current_span())
        publisher.publish(second, (task(), "agent.task.requested", 1))

    traced = codec.encode(
        task(),
        message_type="agent.task.requested",
        version=1,
        trace={"traceparent": f"00-{trace_id}-{parent_id}-00"},
    )
    client.xadd(stream_key(first), {"envelope": traced})
    assert hop.run_once().handled == 1
    ((_, fields),) = client.xrange(stream_key(second))
    downstream = json.loads(fields[b"envelope"])["trace"]["traceparent"]
    version, trace_hex, span_hex, flags = downstream.split("-")
    assert (version, trace_hex, flags) == ("00", trace_id, "00")
    assert span_hex not in (parent_id, "0" * 16)
    (span,) = current
    assert not span.is_recording()
    assert f"{span.get_span_context().trace_id:032x}" == trace_id
    names = [s.name for s in spans.get_finished_spans()]
    assert f"process {first}" not in names and f"send {second}" not in names
    assert f"receive {first}" in names  # a root span: sampled (parent-based, always on)
