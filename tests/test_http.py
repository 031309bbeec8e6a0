"""HTTP boundary: the ASGI middleware and the httpx clients, with real servers."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from runtime import Contracts, ContractViolation
from runtime.http import AsyncContractClient, ContractClient, UndeclaredStatus
from runtime.testing import free_port
from tests.conftest import ROOT
from tests.http_app import build_app

SAMPLES = ROOT / "tests" / "samples" / "http"
URL = "/v1/agents/invoice-extractor/runs"


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


def body(name: str = "valid-full.json") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SAMPLES / "start_agent_run_request.v1" / name).read_text()
    )
    return data


def asgi(contracts: Contracts, **options: Any) -> httpx.Client:
    app = build_app(contracts, **options)
    transport = httpx.ASGITransport(app=app)

    class Sync(httpx.Client):
        def request(self, *args: Any, **kwargs: Any) -> httpx.Response:
            async def go() -> httpx.Response:
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://agent"
                ) as c:
                    return await c.request(*args, **kwargs)

            return asyncio.run(go())

    return Sync(base_url="http://agent")


def problem_ok(contracts: Contracts, response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    contracts.get("common/problem.json#/$defs/ProblemDetails").validate_json(
        response.content
    )
    data: dict[str, Any] = response.json()
    assert data["status"] == response.status_code
    return data


def test_valid_request_reaches_the_app_typed(contracts: Contracts) -> None:
    client = asgi(contracts)
    r = client.post(URL, json=body())
    assert r.status_code == 202, r.text
    contracts.get("http/agent_run_accepted.v1.json").validate_json(r.content)
    assert client.get("/health").json() == {"ok": True}  # not an operation: untouched


@pytest.mark.parametrize(
    ("kind", "status", "problem_type", "detail"),
    [
        (
            "content-type",
            415,
            "unsupported-media-type",
            "takes application/json, got text/plain",
        ),
        ("malformed", 400, "malformed-json", ""),
        ("oversized", 413, "payload-too-large", "at most 1048576 bytes"),
        ("deep", 400, "nesting-too-deep", "nesting depth 201, at most 64"),
        (
            "contract",
            422,
            "contract-violation",
            "2 violation(s) of http/start_agent_run_request.v1.json",
        ),
    ],
)
def test_bad_requests_get_their_own_status_and_problem(
    contracts: Contracts, kind: str, status: int, problem_type: str, detail: str
) -> None:
    client = asgi(contracts)
    headers = {"content-type": "application/json"}
    if kind == "content-type":
        r = client.post(
            URL, content=json.dumps(body()), headers={"content-type": "text/plain"}
        )
    elif kind == "malformed":
        r = client.post(URL, content=b'{"agent_id": ', headers=headers)
    elif kind == "oversized":
        r = client.post(URL, content=b" " * (1 << 20) + b"{}", headers=headers)
    elif kind == "deep":
        r = client.post(URL, content=b"[" * 201 + b"]" * 201, headers=headers)
    else:
        bad = dict(body(), priority="urgent", callback_url="relative/path")
        r = client.post(URL, json=bad)
    assert r.status_code == status, r.text
    data = problem_ok(contracts, r)
    assert data["type"].endswith("/" + problem_type)
    assert detail in data["detail"]
    if kind == "contract":
        assert [e["pointer"] for e in data["errors"]] == ["/callback_url", "/priority"]
        assert data["errors"][1]["expected"] == 'one of "low", "normal", "high"'
        assert data["errors"][1]["got"] == '"urgent"'


def test_strict_mode_never_sends_a_contract_breaking_response(
    contracts: Contracts, caplog: pytest.LogCaptureFixture
) -> None:
    client = asgi(contracts, behaviour={"break": True})
    with caplog.at_level(logging.ERROR, logger="runtime.http"):
        r = client.post(URL, json=body())
    assert r.status_code == 500
    assert "soon" not in r.text
    problem_ok(contracts, r)
    assert '/estimated_seconds: expected an integer, got "soon"' in caplog.text


def test_undeclared_status_is_a_breach_in_strict_mode(contracts: Contracts) -> None:
    r = asgi(contracts, behaviour={"undeclared": True}).post(URL, json=body())
    assert r.status_code == 500


def test_report_mode_logs_and_passes(
    contracts: Contracts, caplog: pytest.LogCaptureFixture
) -> None:
    client = asgi(contracts, mode="report", behaviour={"break": True})
    with caplog.at_level(logging.ERROR, logger="runtime.http"):
        r = client.post(URL, json=body())
    assert r.status_code == 202 and r.json()["estimated_seconds"] == "soon"
    assert "breaks its contract" in caplog.text


def test_declared_error_status_passes(contracts: Contracts) -> None:
    r = asgi(contracts).post("/v1/agents/missing/runs", json=body())
    assert r.status_code == 404
    problem_ok(contracts, r)


@pytest.fixture(scope="module")
def server(contracts: Contracts) -> Iterator[str]:
    """The sample app under a real uvicorn on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        build_app(contracts), host="127.0.0.1", port=port, log_level="warning"
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


def test_python_client_against_real_server(contracts: Contracts, server: str) -> None:
    from platform_contracts.http.agent_run_accepted_v1 import AgentRunAccepted

    with httpx.Client(base_url=server) as http:
        client = ContractClient(contracts, http)
        answer = client.call(
            "startAgentRun", path_params={"agent_id": "invoice-extractor"}, body=body()
        )
        assert answer.status == 202 and isinstance(answer.data, AgentRunAccepted)
        with pytest.raises(ContractViolation):  # refused before anything is sent
            client.call(
                "startAgentRun",
                path_params={"agent_id": "x"},
                body=dict(body(), priority="urgent"),
            )
        missing = client.call(
            "startAgentRun", path_params={"agent_id": "missing"}, body=body()
        )
        assert missing.status == 404 and missing.data.title == "Not Found"


def test_async_client_and_undeclared_status(contracts: Contracts) -> None:
    app = build_app(contracts, mode="report", behaviour={"undeclared": True})

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://agent"
        ) as http:
            client = AsyncContractClient(contracts, http)
            with pytest.raises(UndeclaredStatus, match="answered 200"):
                await client.call(
                    "startAgentRun", path_params={"agent_id": "a"}, body=body()
                )

    asyncio.run(go())
    assert Path(SAMPLES).is_dir()


def test_a_problem_lists_at_most_100_violations_and_counts_the_rest(
    contracts: Contracts,
) -> None:
    """#13.7: 80,000 extra properties made a 14.6 MB problem. The first 100
    violations are listed, ``errors_omitted`` counts the others."""
    bad = dict(body(), **{f"extra_{i:04}": i for i in range(1000)})
    r = asgi(contracts).post(URL, json=bad)
    assert r.status_code == 422, r.text
    data = problem_ok(contracts, r)
    assert len(data["errors"]) == 100 and data["errors_omitted"] == 900
    assert data["errors"][0]["pointer"] == "/extra_0000"
    assert "1000 violation(s)" in data["detail"]
    assert len(r.content) < 40_000
