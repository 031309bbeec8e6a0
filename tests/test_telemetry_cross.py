"""One trace across runtimes: Python publishes, a Node module handles the message
and publishes its answer from inside the handler, a Python agent handles that. Real
redis-server, the generated npm package, both SDKs' in-memory exporters. The Node
hop also reads its metrics after a known sequence (one valid, one invalid entry)."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import redis
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from benchmarks.npm import npm_ci
from runtime import Codec, Contracts
from runtime.catalog import Catalog
from runtime.streams import Consumer, Delivery, Publisher, stream_key
from runtime.telemetry import Telemetry
from tests.conftest import ROOT
from tests.test_streams import task

NODE_DIR = ROOT / "tests" / "node_streams"
ACCEPTED = ROOT / "tests/samples/agent/task_accepted.v1/valid-full.json"


def node_package() -> None:
    npm_ci(NODE_DIR)
    package = NODE_DIR / "node_modules" / "@platform" / "contracts"
    shutil.rmtree(package, ignore_errors=True)
    shutil.copytree(
        ROOT / "generated" / "ts",
        package,
        ignore=shutil.ignore_patterns("node_modules"),
    )


def catalog(contracts: Contracts, first: str, second: str) -> Catalog:
    def carries(contract: str) -> dict[str, Any]:
        message = {"contract": contract, "producers": [], "consumers": []}
        return {"description": "test", "messages": [message]}

    data = {
        "streams": {
            first: carries("agent/task_requested.v1.json"),
            second: carries("agent/task_accepted.v1.json"),
        }
    }
    return Catalog(data, contracts)


def test_python_node_python_keeps_one_trace(redis_url: str, tmp_path: Path) -> None:
    node_package()
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    telemetry = Telemetry(provider)
    # the Node package's catalogue knows the catalogue streams only
    first, second = "agent.tasks", "agent.events"
    client = redis.Redis.from_url(redis_url)
    for s in (first, second):
        client.delete(stream_key(s), f"{stream_key(s)}:dlq")
    contracts = Contracts("platform_contracts")
    codec = Codec(contracts, source="python:trace-test")
    cat = catalog(contracts, first, second)
    publisher = Publisher(client, codec, catalog=cat, telemetry=telemetry)
    consumer = Consumer(
        client, codec, second, f"py-{uuid.uuid4().hex[:6]}", "py-1",
        catalog=cat, block_ms=100, telemetry=telemetry,
    )  # fmt: skip
    consumer.ensure_group("0")
    seen: list[Delivery] = []
    consumer.on("agent.task.accepted", 1)(lambda data, d: seen.append(d))

    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("python request") as root:
        publisher.publish(first, (task(), "agent.task.requested", 1))
    client.xadd(stream_key(first), {"envelope": b'{"forged": true}'})
    done = subprocess.run(
        ["node", str(NODE_DIR / "trace.mjs"), redis_url, first, second, str(ACCEPTED)],
        cwd=NODE_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    node = json.loads(done.stdout)
    assert (node["handled"], node["dead"]) == (1, 1)
    for _ in range(20):
        if consumer.run_once().handled:
            break
    assert len(seen) == 1

    trace_id = f"{root.get_span_context().trace_id:032x}"
    python = {s.name: s for s in spans.get_finished_spans()}
    py_send = python[f"send {first}"]
    py_process = python[f"process {second}"]
    by_name = {
        s["name"]: s for s in node["spans"] if "error.type" not in s["attributes"]
    }
    node_process = by_name[f"process {first}"]
    node_send = by_name[f"send {second}"]
    assert f"{py_send.context.trace_id:032x}" == trace_id
    assert node_process["traceId"] == node_send["traceId"] == trace_id
    assert f"{py_process.context.trace_id:032x}" == trace_id
    assert node_process["parent"] == f"{py_send.context.span_id:016x}"
    assert node_process["kind"] == "CONSUMER" and node_send["kind"] == "PRODUCER"
    assert node_send["parent"] == node_process["spanId"]
    assert py_process.parent is not None
    assert f"{py_process.parent.span_id:016x}" == node_send["spanId"]
    assert node_process["attributes"]["messaging.consumer.group.name"] == "node-module"
    failed = [
        s for s in node["spans"] if s["attributes"].get("error.type") == "invalid"
    ]
    assert len(failed) == 1  # the forged entry's process span

    metrics = node["metrics"]
    where = {"messaging.destination.name": first}
    group = {**where, "messaging.consumer.group.name": "node-module"}
    assert metrics["contracts.messages.consumed"] == [[1, group]]
    assert metrics["contracts.messages.published"] == [
        [1, {"messaging.destination.name": second}]
    ]
    assert metrics["contracts.messages.invalid"] == [
        [1, {**where, "reason": "invalid"}]
    ]
    assert metrics["contracts.messages.dead_lettered"] == [
        [1, {**group, "reason": "invalid"}]
    ]
    contract = {"contract": "agent.task.requested.v1"}
    assert metrics["contracts.handler.duration"] == [[1, {**group, **contract}]]
    assert metrics["contracts.validation.duration"] == [[1, contract]]
    client.close()


HTTP_DIR = ROOT / "tests" / "node_http"
REQUEST = ROOT / "tests/samples/http/start_agent_run_request.v1/valid-full.json"


def node_http_package() -> None:
    npm_ci(HTTP_DIR)
    subprocess.run(["node", "setup.mjs"], cwd=HTTP_DIR, check=True)


def test_node_client_call_continues_in_the_python_server(tmp_path: Path) -> None:
    import threading
    import time

    import uvicorn

    from runtime.testing import free_port
    from tests.http_app import build_app

    node_http_package()
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    app = build_app(Contracts("platform_contracts"), telemetry=Telemetry(provider))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        done = subprocess.run(
            ["node", "trace_http.mjs", "client", f"http://127.0.0.1:{port}",
             str(REQUEST)],
            cwd=HTTP_DIR, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        server.should_exit = True
        thread.join(timeout=5)
    assert done.returncode == 0, done.stderr
    node = json.loads(done.stdout)
    assert node["status"] == 202
    (client,) = [s for s in node["spans"] if s["kind"] == "CLIENT"]
    (root,) = [s for s in node["spans"] if s["name"] == "node request"]
    assert client["name"] == "POST /v1/agents/{agent_id}/runs"
    assert client["parent"] == root["spanId"]
    assert client["attributes"]["http.response.status_code"] == 202
    (served,) = spans.get_finished_spans()
    assert f"{served.context.trace_id:032x}" == client["traceId"] == root["traceId"]
    assert served.parent is not None
    assert f"{served.parent.span_id:016x}" == client["spanId"]


def test_python_client_call_continues_in_the_node_server() -> None:
    import httpx

    from runtime.http import ContractClient

    node_http_package()
    process = subprocess.Popen(
        ["node", "trace_http.mjs", "serve"],
        cwd=HTTP_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("listening "), (
            process.stderr.read() if process.stderr else ""
        )
        spans = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(spans))
        telemetry = Telemetry(provider)
        body = json.loads(REQUEST.read_text())
        with (
            provider.get_tracer("test").start_as_current_span("python request"),
            httpx.Client(base_url=f"http://127.0.0.1:{int(first.split()[1])}") as http,
        ):
            answer = ContractClient(
                Contracts("platform_contracts"), http, telemetry=telemetry
            ).call("startAgentRun", path_params={"agent_id": "x"}, body=body)
        assert answer.status == 202
        node = json.loads(process.stdout.readline())
    finally:
        process.wait(timeout=30)
    (client,) = [s for s in spans.get_finished_spans() if s.name.startswith("POST")]
    (served,) = node["spans"]
    assert served["kind"] == "SERVER" and served["name"] == client.name
    assert served["traceId"] == f"{client.context.trace_id:032x}"
    assert served["parent"] == f"{client.context.span_id:016x}"
    assert served["attributes"]["http.response.status_code"] == 202
