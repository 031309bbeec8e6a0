"""Trace context over HTTP: the clients send their span's ``traceparent`` and the
middleware continues it, with a real ASGI transport and a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from runtime import Contracts, ContractViolation
from runtime.http import AsyncContractClient, ContractClient
from runtime.telemetry import Telemetry
from runtime.testing import free_port
from tests.conftest import ROOT
from tests.http_app import build_app

SAMPLE = ROOT / "tests/samples/http/start_agent_run_request.v1/valid-full.json"
ROUTE = "/v1/agents/{agent_id}/runs"


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def telemetry(spans: InMemorySpanExporter) -> Telemetry:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return Telemetry(provider)


def body() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE.read_text())
    return data


def client_and_server(spans: InMemorySpanExporter) -> tuple[ReadableSpan, ReadableSpan]:
    finished = spans.get_finished_spans()
    (client,) = [s for s in finished if s.kind is SpanKind.CLIENT]
    (server,) = [s for s in finished if s.kind is SpanKind.SERVER]
    return client, server


def assert_continued(client: ReadableSpan, server: ReadableSpan, status: int) -> None:
    assert client.name == server.name == f"POST {ROUTE}"
    assert server.context.trace_id == client.context.trace_id
    assert server.parent is not None
    assert server.parent.span_id == client.context.span_id
    for span in (client, server):
        assert span.attributes is not None
        assert span.attributes["http.response.status_code"] == status
        assert span.attributes["contracts.operation"] == "startAgentRun"


def test_async_client_trace_continues_in_the_middleware(
    contracts: Contracts, telemetry: Telemetry, spans: InMemorySpanExporter
) -> None:
    app = build_app(contracts, telemetry=telemetry)

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://a") as http:
            client = AsyncContractClient(contracts, http, telemetry=telemetry)
            answer = await client.call(
                "startAgentRun", path_params={"agent_id": "x"}, body=body()
            )
            assert answer.status == 202

    asyncio.run(go())
    assert_continued(*client_and_server(spans), 202)


@pytest.fixture
def server(contracts: Contracts, telemetry: Telemetry) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        build_app(contracts, telemetry=telemetry),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=5)


def test_sync_client_trace_continues_over_a_real_server(
    contracts: Contracts,
    telemetry: Telemetry,
    spans: InMemorySpanExporter,
    server: str,
) -> None:
    with httpx.Client(base_url=server) as http:
        client = ContractClient(contracts, http, telemetry=telemetry)
        missing = client.call(
            "startAgentRun", path_params={"agent_id": "missing"}, body=body()
        )
    assert missing.status == 404
    client_span, server_span = client_and_server(spans)
    assert_continued(client_span, server_span, 404)
    for span in (client_span, server_span):
        assert span.attributes is not None and span.attributes["error.type"] == "404"
        assert span.status.status_code is StatusCode.ERROR


def test_a_refused_request_marks_the_server_span(
    contracts: Contracts, telemetry: Telemetry, spans: InMemorySpanExporter, server: str
) -> None:
    headers = {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}
    r = httpx.post(
        f"{server}/v1/agents/x/runs",
        json=dict(body(), priority="urgent"),
        headers=headers,
    )
    assert r.status_code == 422
    (span,) = spans.get_finished_spans()
    assert span.kind is SpanKind.SERVER
    assert span.context.trace_id == int("a" * 32, 16)
    assert span.attributes is not None and span.attributes["error.type"] == "422"
    with pytest.raises(ContractViolation), httpx.Client(base_url=server) as http:
        ContractClient(contracts, http, telemetry=telemetry).call(
            "startAgentRun", path_params={"agent_id": "x"}, body={"bad": 1}
        )
