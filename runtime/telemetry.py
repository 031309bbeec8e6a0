"""OpenTelemetry traces and metrics for the transports: optional, and free when unused.

The runtime reports through the OpenTelemetry *API* only (the ``otel`` extra,
``opentelemetry-api``); the application chooses an SDK and exporters, or none. Without
the API installed, or with it installed and no SDK configured, every call here returns
at the first check: no span object, no attribute dictionary, no clock read.

Names follow OpenTelemetry's messaging semantic conventions and are the same in the
Node runtime (``docs/observability.md`` lists them):

- spans ``create``, ``send``, ``receive``, ``process``, ``settle`` named
  ``"<operation> <stream>"``, with ``messaging.system``, ``messaging.destination.name``,
  ``messaging.operation.type``, ``messaging.message.id``,
  ``messaging.consumer.group.name`` and ``error.type`` for invalid, failed and
  dead-lettered messages;
- metrics under ``contracts.*``: published, consumed, invalid (by contract and reason),
  dead-lettered (by reason), handler and validation duration, pending and lag per
  group, drift by fingerprint.

Trace context travels in the envelope's ``trace`` object (W3C ``traceparent`` and
``tracestate``) on streams, and in the same headers over HTTP.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import Span, TracerProvider

try:  # the otel extra
    from opentelemetry import context as _context
    from opentelemetry import metrics as _metrics
    from opentelemetry import trace as _trace
    from opentelemetry.metrics import Observation as _Observation
    from opentelemetry.trace.propagation.tracecontext import (
        TraceContextTextMapPropagator as _TraceContext,
    )

    _HAVE_OTEL = True
except ImportError:  # pragma: no cover - exercised by the no-extra test in a subprocess
    _HAVE_OTEL = False

__all__ = ["METRICS", "SCOPE", "TRACE_FIELDS", "Telemetry"]

SCOPE = "contracts.runtime"
SYSTEM = "redis"
TRACE_FIELDS = ("traceparent", "tracestate")

# name -> (instrument kind, unit, description); the Node runtime uses the same table.
METRICS: dict[str, tuple[str, str, str]] = {
    "contracts.messages.published": ("counter", "{message}", "Messages published."),
    "contracts.messages.consumed": (
        "counter",
        "{message}",
        "Messages handled and acknowledged.",
    ),
    "contracts.messages.invalid": (
        "counter",
        "{message}",
        "Messages refused by their contract, by contract and reason.",
    ),
    "contracts.messages.dead_lettered": (
        "counter",
        "{message}",
        "Messages moved to a dead-letter stream, by reason.",
    ),
    "contracts.handler.duration": ("histogram", "s", "Time spent in handlers."),
    "contracts.validation.duration": (
        "histogram",
        "s",
        "Time spent validating one message against its contract.",
    ),
    "contracts.consumer.pending": (
        "gauge",
        "{message}",
        "Entries delivered to a group and not yet acknowledged.",
    ),
    "contracts.consumer.lag": (
        "gauge",
        "{message}",
        "Entries in the stream not yet delivered to a group.",
    ),
    "contracts.drift": (
        "counter",
        "{message}",
        "Messages whose contract fingerprint differs from this service's.",
    ),
}

_NULL: AbstractContextManager[None] = nullcontext()
_propagator = _TraceContext() if _HAVE_OTEL else None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("contracts-toolkit")
    except PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "0"


def _sdk_tracer_provider() -> Any:
    """The global tracer provider when an SDK set one, else ``None``."""
    provider = _trace.get_tracer_provider()
    return None if isinstance(provider, _trace.ProxyTracerProvider) else provider


def _sdk_meter_provider() -> Any:
    provider = _metrics.get_meter_provider()
    # The API's default is a proxy (private class) that forwards once an SDK is set.
    return None if type(provider).__name__.startswith("_Proxy") else provider


class Telemetry:
    """Spans and metrics of one consumer, publisher, client or middleware.

    Pass providers explicitly (tests, several SDKs in one process) or leave them out to
    use the global ones, looked up until an SDK has set them, so a provider configured
    after the runtime was created is still picked up.
    """

    def __init__(
        self,
        tracer_provider: TracerProvider | None = None,
        meter_provider: MeterProvider | None = None,
    ) -> None:
        self._tracer_provider: Any = tracer_provider
        self._meter_provider: Any = meter_provider
        self._tracer: Any = None
        self._instruments: dict[str, Any] | None = None
        self._gauges: dict[str, dict[tuple[str, str], int]] = {
            "contracts.consumer.pending": {},
            "contracts.consumer.lag": {},
        }
        # the last W3C context extracted: (traceparent, tracestate, its Context)
        self._last_parent: tuple[str | None, str | None, Any] | None = None
        self._process_of: str | None = None
        self._process_name = ""

    # -- tracing -----------------------------------------------------------------

    def _get_tracer(self) -> Any:
        if self._tracer is None and _HAVE_OTEL:
            provider = self._tracer_provider or _sdk_tracer_provider()
            if provider is not None:
                self._tracer = provider.get_tracer(SCOPE, _version())
        return self._tracer

    @property
    def tracing(self) -> bool:
        """Whether spans are recorded (an SDK tracer provider is configured)."""
        return self._get_tracer() is not None

    def inject(self) -> dict[str, str] | None:
        """The current span's W3C context for an envelope's ``trace``, or ``None``."""
        if self._get_tracer() is None:
            return None
        carrier: dict[str, str] = {}
        assert _propagator is not None
        _propagator.inject(carrier)
        trace = {k: carrier[k] for k in TRACE_FIELDS if k in carrier}
        return trace or None

    def inject_headers(self, headers: dict[str, str]) -> None:
        """Add ``traceparent``/``tracestate`` of the current span to HTTP headers."""
        trace = self.inject()
        if trace:
            headers.update(trace)

    def _span(
        self,
        operation: str,
        destination: str,
        kind: str,
        *,
        group: str | None = None,
        message_id: str | None = None,
        count: int | None = None,
        parent: Mapping[str, str] | None = None,
    ) -> AbstractContextManager[Span | None]:
        tracer = self._get_tracer()
        if tracer is None:
            return _NULL
        attributes: dict[str, Any] = {
            "messaging.system": SYSTEM,
            "messaging.destination.name": destination,
            "messaging.operation.type": operation,
            "messaging.operation.name": operation,
        }
        if group is not None:
            attributes["messaging.consumer.group.name"] = group
        if message_id is not None:
            attributes["messaging.message.id"] = message_id
        if count is not None and count != 1:
            attributes["messaging.batch.message_count"] = count
        return self._start(f"{operation} {destination}", kind, attributes, parent)

    def _start(
        self,
        name: str,
        kind: str,
        attributes: dict[str, Any],
        parent: Mapping[str, str] | None,
    ) -> AbstractContextManager[Span | None]:
        tracer = self._get_tracer()
        if tracer is None:
            return _NULL
        ctx = None if parent is None else self._extract(parent)
        return _SpanScope(tracer, name, getattr(_trace.SpanKind, kind), attributes, ctx)

    def _extract(self, parent: Mapping[str, str]) -> Any:
        """The context of a W3C trace context (an envelope's ``trace``, HTTP headers).
        The last one is kept: the entries of one traced ``publish_many`` share
        theirs, so a consumer extracts it once per batch rather than per message."""
        traceparent = parent.get("traceparent")
        tracestate = parent.get("tracestate")
        last = self._last_parent
        if last is not None and last[0] == traceparent and last[1] == tracestate:
            return last[2]
        carrier = {}
        if traceparent is not None:
            carrier["traceparent"] = traceparent
        if tracestate is not None:
            carrier["tracestate"] = tracestate
        assert _propagator is not None
        ctx = _propagator.extract(carrier)
        self._last_parent = (traceparent, tracestate, ctx)
        return ctx

    def http_client(
        self, method: str, route: str, operation: str
    ) -> AbstractContextManager[Span | None]:
        """One call of a catalogue operation (a client span); send
        :meth:`inject_headers` inside it."""
        if self._get_tracer() is None:
            return _NULL
        return self._start(
            f"{method} {route}", "CLIENT", _http(method, route, operation), None
        )

    def http_server(
        self, method: str, route: str, operation: str, headers: Mapping[str, str]
    ) -> AbstractContextManager[Span | None]:
        """One request to a catalogue operation (a server span), continuing the
        caller's trace from its ``traceparent``/``tracestate`` headers."""
        if self._get_tracer() is None:
            return _NULL
        return self._start(
            f"{method} {route}", "SERVER", _http(method, route, operation), headers
        )

    def create(
        self, destination: str, message_id: str | None
    ) -> AbstractContextManager[Span | None]:
        """One message being built for ``destination`` (a producer span)."""
        return self._span("create", destination, "PRODUCER", message_id=message_id)

    def send(
        self, destination: str, count: int = 1, message_id: str | None = None
    ) -> AbstractContextManager[Span | None]:
        """The ``XADD`` s of one publish call; a batch gets one span."""
        return self._span(
            "send", destination, "PRODUCER", message_id=message_id, count=count
        )

    def receive(
        self, destination: str, group: str, count: int
    ) -> AbstractContextManager[Span | None]:
        """One read of a batch of entries by a consumer group."""
        return self._span("receive", destination, "CONSUMER", group=group, count=count)

    def process(
        self,
        destination: str,
        group: str,
        message_id: object,
        trace: Mapping[str, str] | None,
    ) -> AbstractContextManager[Span | None]:
        """Handling of one message, a child of the producer's span when the envelope
        carries its ``trace``.

        The consumer's path per message: the tracer's sampler decides, given the
        attributes the semantic conventions list for sampling (system, destination,
        operation, consumer group); ``messaging.message.id``, not among them, is set
        only on a span that records (``message_id`` is made a string only then). A
        span that does not record still has its context, so the handler's publishes
        carry its trace."""
        tracer = self._get_tracer()
        if tracer is None:
            return _NULL
        if destination != self._process_of:
            self._process_of = destination
            self._process_name = f"process {destination}"
        attributes = {
            "messaging.system": SYSTEM,
            "messaging.destination.name": destination,
            "messaging.operation.type": "process",
            "messaging.operation.name": "process",
            "messaging.consumer.group.name": group,
        }
        ctx = None if trace is None else self._extract(trace)
        return _SpanScope(
            tracer, self._process_name, _CONSUMER, attributes, ctx, message_id
        )

    def settle(
        self, destination: str, group: str, count: int
    ) -> AbstractContextManager[Span | None]:
        """The ``XACK`` (and dead-letter ``XADD``) of a batch."""
        return self._span("settle", destination, "CLIENT", group=group, count=count)

    @staticmethod
    def error(span: Span | None, error_type: str) -> None:
        """Mark a span as failed with ``error.type`` (invalid, dead-lettered...)."""
        if span is not None:
            from opentelemetry.trace import Status, StatusCode

            span.set_attribute("error.type", error_type)
            span.set_status(Status(StatusCode.ERROR))

    # -- metrics -----------------------------------------------------------------

    def _meters(self) -> dict[str, Any] | None:
        if self._instruments is None and _HAVE_OTEL:
            provider = self._meter_provider or _sdk_meter_provider()
            if provider is None:
                return None
            meter = provider.get_meter(SCOPE, _version())
            made: dict[str, Any] = {}
            for name, (kind, unit, doc) in METRICS.items():
                if kind == "counter":
                    made[name] = meter.create_counter(name, unit=unit, description=doc)
                elif kind == "histogram":
                    made[name] = meter.create_histogram(
                        name, unit=unit, description=doc
                    )
                else:
                    made[name] = meter.create_observable_gauge(
                        name,
                        callbacks=[self._observe(name)],
                        unit=unit,
                        description=doc,
                    )
            self._instruments = made
        return self._instruments

    def _observe(self, name: str) -> Any:
        def callback(_options: Any) -> Iterator[Any]:
            for (destination, group), value in sorted(self._gauges[name].items()):
                yield _Observation(
                    value,
                    {
                        "messaging.destination.name": destination,
                        "messaging.consumer.group.name": group,
                    },
                )

        return callback

    @property
    def metering(self) -> bool:
        """Whether metrics are recorded (an SDK meter provider is configured)."""
        return self._meters() is not None

    def count(self, name: str, attributes: Mapping[str, str], n: int = 1) -> None:
        """Add ``n`` to the counter ``name`` (one of :data:`METRICS`)."""
        meters = self._meters()
        if meters is not None and n:
            meters[name].add(n, attributes)

    def record(self, name: str, value: float, attributes: Mapping[str, str]) -> None:
        """Record ``value`` in the histogram ``name``."""
        meters = self._meters()
        if meters is not None:
            meters[name].record(value, attributes)

    def observe_group(
        self, destination: str, group: str, *, pending: int, lag: int | None
    ) -> None:
        """The latest pending count and lag of a group, read by the gauges."""
        if self._meters() is None:
            return
        self._gauges["contracts.consumer.pending"][destination, group] = pending
        if lag is not None:
            self._gauges["contracts.consumer.lag"][destination, group] = lag

    def clock(self) -> float:
        """A start time for a duration, or 0.0 when nothing would record it."""
        return time.perf_counter() if self._meters() is not None else 0.0


def _http(method: str, route: str, operation: str) -> dict[str, Any]:
    return {
        "http.request.method": method,
        "url.template": route,
        "contracts.operation": operation,
    }


class _SpanScope:
    """``tracer.start_as_current_span(name, ..., record_exception=True,
    set_status_on_exception=True)`` as one object rather than two nested generator
    context managers (``start_as_current_span`` and ``use_span``), which cost the
    consumer more than the span's context per message. The span starts on entry and
    is current inside; an exception sets ``error.type`` (any ``BaseException``) and,
    for an ``Exception``, records it and sets the status as the SDK does. A
    ``message_id`` is set as ``messaging.message.id`` when the span records."""

    __slots__ = (
        "_attributes",
        "_ctx",
        "_kind",
        "_message_id",
        "_name",
        "_span",
        "_token",
        "_tracer",
    )

    def __init__(
        self,
        tracer: Any,
        name: str,
        kind: Any,
        attributes: dict[str, Any],
        ctx: Any,
        message_id: object = None,
    ) -> None:
        self._tracer = tracer
        self._name = name
        self._kind = kind
        self._attributes = attributes
        self._ctx = ctx
        self._message_id = message_id

    def __enter__(self) -> Span:
        span = self._tracer.start_span(
            self._name,
            context=self._ctx,
            kind=self._kind,
            attributes=self._attributes,
        )
        if self._message_id is not None and span.is_recording():
            span.set_attribute("messaging.message.id", str(self._message_id))
        self._span = span
        self._token = _context.attach(_trace.set_span_in_context(span, self._ctx))
        return span  # type: ignore[no-any-return]

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        span = self._span
        try:
            _context.detach(self._token)
        finally:
            if exc is not None and span.is_recording():
                span.set_attribute("error.type", type(exc).__qualname__)
                if isinstance(exc, Exception):
                    from opentelemetry.trace import Status, StatusCode

                    span.record_exception(exc)
                    description = f"{type(exc).__name__}: {exc}"
                    span.set_status(Status(StatusCode.ERROR, description))
            span.end()


_CONSUMER: Any = _trace.SpanKind.CONSUMER if _HAVE_OTEL else None
