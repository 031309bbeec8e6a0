"""runtime.telemetry: spans and metrics with the OpenTelemetry SDK's in-memory
exporters, and nothing at all without an SDK or without the API."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, NumberDataPoint
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.util.types import AttributeValue

from runtime.telemetry import METRICS, Telemetry
from tests.conftest import ROOT


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def telemetry(spans: InMemorySpanExporter, reader: InMemoryMetricReader) -> Telemetry:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    return Telemetry(tracer_provider, MeterProvider(metric_readers=[reader]))


Points = dict[str, list[tuple[Any, dict[str, AttributeValue]]]]


def metric_points(reader: InMemoryMetricReader) -> Points:
    data = reader.get_metrics_data()
    out: Points = {}
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    if value is None:
                        assert not isinstance(point, NumberDataPoint)  # it has one
                        value = (point.count, point.sum)  # histogram
                    out.setdefault(metric.name, []).append(
                        (value, dict(point.attributes or {}))
                    )
    return out


def test_a_consumer_span_is_the_child_of_the_producer_span(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    with telemetry.send("agent.tasks", count=1, message_id="m-1"):
        trace = telemetry.inject()
    assert trace is not None and set(trace) <= {"traceparent", "tracestate"}
    with telemetry.process("agent.tasks", "workers", "m-1", trace):
        pass
    send, process = spans.get_finished_spans()
    assert send.name == "send agent.tasks" and send.kind is SpanKind.PRODUCER
    assert process.name == "process agent.tasks" and process.kind is SpanKind.CONSUMER
    assert process.context.trace_id == send.context.trace_id
    assert process.parent is not None
    assert process.parent.span_id == send.context.span_id
    assert dict(process.attributes or {}) == {
        "messaging.system": "redis",
        "messaging.destination.name": "agent.tasks",
        "messaging.operation.type": "process",
        "messaging.operation.name": "process",
        "messaging.consumer.group.name": "workers",
        "messaging.message.id": "m-1",
    }
    assert trace["traceparent"].split("-")[1] == f"{send.context.trace_id:032x}"


def test_batch_spans_carry_the_count_and_errors_carry_error_type(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    with telemetry.receive("agent.tasks", "workers", 3):
        pass
    with telemetry.process("agent.tasks", "workers", "m-2", None) as span:
        Telemetry.error(span, "invalid")
    with (
        pytest.raises(KeyError),
        telemetry.process("agent.tasks", "workers", "m-3", None),
    ):
        raise KeyError("boom")
    receive, invalid, failed = spans.get_finished_spans()
    assert receive.attributes is not None
    assert receive.attributes["messaging.batch.message_count"] == 3
    assert invalid.attributes is not None and failed.attributes is not None
    assert invalid.attributes["error.type"] == "invalid"
    assert invalid.status.status_code is StatusCode.ERROR
    assert failed.attributes["error.type"] == "KeyError"
    assert failed.status.status_code is StatusCode.ERROR
    assert invalid.parent is None  # no trace in the envelope: a new trace


def test_a_malformed_traceparent_starts_a_new_trace(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    with telemetry.process("s", "g", "m", {"traceparent": "00-zz-yy-01"}):
        pass
    (span,) = spans.get_finished_spans()
    assert span.parent is None


def test_http_headers_carry_the_current_span(telemetry: Telemetry) -> None:
    headers: dict[str, str] = {}
    telemetry.inject_headers(headers)
    assert headers == {}  # no current span: nothing to continue
    with telemetry.send("s"):
        telemetry.inject_headers(headers)
    assert headers["traceparent"].startswith("00-")


def test_every_metric_is_recorded_with_its_attributes(
    telemetry: Telemetry, reader: InMemoryMetricReader
) -> None:
    stream = {"messaging.destination.name": "agent.tasks"}
    telemetry.count("contracts.messages.published", stream, 2)
    telemetry.count("contracts.messages.consumed", stream)
    telemetry.count(
        "contracts.messages.invalid", {"contract": "a.v1.json", "reason": "invalid"}
    )
    telemetry.count("contracts.messages.dead_lettered", {"reason": "delivery-limit"})
    telemetry.count("contracts.drift", {"fingerprint": "sha256:ab"})
    telemetry.record("contracts.handler.duration", 0.25, stream)
    telemetry.record("contracts.validation.duration", 0.001, {"contract": "a"})
    telemetry.observe_group("agent.tasks", "workers", pending=4, lag=7)
    points = metric_points(reader)
    assert sorted(points) == sorted(METRICS)
    assert points["contracts.messages.published"] == [(2, stream)]
    assert points["contracts.messages.invalid"] == [
        (1, {"contract": "a.v1.json", "reason": "invalid"})
    ]
    assert points["contracts.messages.dead_lettered"] == [
        (1, {"reason": "delivery-limit"})
    ]
    assert points["contracts.drift"] == [(1, {"fingerprint": "sha256:ab"})]
    assert points["contracts.handler.duration"] == [((1, 0.25), stream)]
    group = {
        "messaging.destination.name": "agent.tasks",
        "messaging.consumer.group.name": "workers",
    }
    assert points["contracts.consumer.pending"] == [(4, group)]
    assert points["contracts.consumer.lag"] == [(7, group)]


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_an_sdk_nothing_is_created() -> None:
    out = run_python(
        """
        from runtime.telemetry import Telemetry
        t = Telemetry()
        parent = {"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"}
        with t.process("s", "g", "m", parent) as span:
            assert span is None
        t.count("contracts.messages.published", {"a": "b"})
        print(t.tracing, t.metering, t.inject(), t.clock())
        """
    )
    assert out == "False False None 0.0"


def test_an_sdk_configured_later_is_picked_up() -> None:
    out = run_python(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from runtime.telemetry import Telemetry
        t = Telemetry()
        before = t.tracing
        trace.set_tracer_provider(TracerProvider())
        print(before, t.tracing)
        """
    )
    assert out == "False True"


def test_without_the_api_installed_the_runtime_still_works() -> None:
    out = run_python(
        """
        import sys
        sys.modules["opentelemetry"] = None  # as if the otel extra were not installed
        from runtime.telemetry import Telemetry
        t = Telemetry()
        with t.send("s", 3) as span:
            assert span is None
        t.record("contracts.handler.duration", 1.0, {})
        print(t.tracing, t.metering, t.inject())
        """
    )
    assert out == "False False None"


def test_the_docs_list_every_metric() -> None:
    text = (ROOT / "docs" / "observability.md").read_text()
    for name, (kind, unit, _) in METRICS.items():
        assert f"| `{name}` | {kind} | {unit} |" in text


TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"


def test_an_unsampled_parent_gives_a_span_that_records_nothing_and_propagates(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    # the default sampler (parent-based) follows the producer's "not sampled" flag
    parent = {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-00"}
    with telemetry.process("agent.tasks", "workers", "m-1", parent) as span:
        assert span is not None and not span.is_recording()
        context = span.get_span_context()
        downstream = telemetry.inject()
    assert f"{context.trace_id:032x}" == TRACE_ID
    assert f"{context.span_id:016x}" != PARENT_ID  # a span of its own
    # what a publish inside the handler writes in its envelope: the same trace, this
    # span as the parent, not sampled
    assert downstream == {
        "traceparent": f"00-{TRACE_ID}-{context.span_id:016x}-00",
    }
    assert spans.get_finished_spans() == ()


def test_the_sampler_sees_the_sampling_attributes_and_a_recorded_span_the_id(
    spans: InMemorySpanExporter,
) -> None:
    from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult

    seen: list[dict[str, Any]] = []

    class Recording(Sampler):
        def should_sample(
            self, parent_context: Any, trace_id: int, name: str, *args: Any, **kw: Any
        ) -> SamplingResult:
            attributes = kw.get("attributes", args[1] if len(args) > 1 else None)
            seen.append(dict(attributes or {}))
            return SamplingResult(Decision.RECORD_AND_SAMPLE)

        def get_description(self) -> str:
            return "recording"

    provider = TracerProvider(sampler=Recording())
    provider.add_span_processor(SimpleSpanProcessor(spans))
    telemetry = Telemetry(provider)
    parent = {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}
    with telemetry.process("agent.tasks", "workers", 42, parent):
        pass
    assert seen == [
        {
            "messaging.system": "redis",
            "messaging.destination.name": "agent.tasks",
            "messaging.operation.type": "process",
            "messaging.operation.name": "process",
            "messaging.consumer.group.name": "workers",
        }
    ]
    (span,) = spans.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["messaging.message.id"] == "42"  # made a string


def test_entries_of_one_producer_share_its_context_and_the_next_gets_its_own(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    other = "00f067aa0ba902b7"
    parents = [
        {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"},
        {"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"},
        {"traceparent": f"00-{TRACE_ID}-{other}-01"},
        {"traceparent": f"00-{TRACE_ID}-{other}-01", "tracestate": "k=v"},
        None,
    ]
    for parent in parents:
        with telemetry.process("agent.tasks", "workers", "m", parent):
            pass
    got = [
        (
            None if s.parent is None else f"{s.parent.span_id:016x}",
            s.context.trace_state,
        )
        for s in spans.get_finished_spans()
    ]
    assert [p for p, _ in got] == [PARENT_ID, PARENT_ID, other, other, None]
    assert [dict(state or {}) for _, state in got] == [{}, {}, {}, {"k": "v"}, {}]


def test_an_exception_in_a_span_is_recorded_as_the_sdk_does(
    telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    class Stop(BaseException):
        pass

    with pytest.raises(KeyError), telemetry.send("agent.tasks"):
        raise KeyError("boom")
    with pytest.raises(Stop), telemetry.send("agent.tasks"):
        raise Stop
    failed, stopped = spans.get_finished_spans()
    assert failed.attributes is not None and stopped.attributes is not None
    assert failed.attributes["error.type"] == "KeyError"
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.status.description == "KeyError: 'boom'"
    assert [e.name for e in failed.events] == ["exception"]
    # a BaseException that is not an Exception is not an error of the span's work:
    # error.type only, as before (the SDK records only an Exception)
    assert (
        stopped.attributes["error.type"]
        == "test_an_exception_in_a_span_is_recorded_as_the_sdk_does.<locals>.Stop"
    )
    assert stopped.events == () and stopped.status.status_code is StatusCode.UNSET
