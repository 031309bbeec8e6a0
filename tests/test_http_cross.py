"""HTTP across runtimes: Node client -> Python server, Python client -> Node server.

The Python side is the sample agent service (tests/http_app.py) under a real uvicorn;
the Node side is the Express example of ``tests/node_http`` (the generated package's
``@platform/contracts/http`` validator) in its own process. Both answer the same bad
requests with the same statuses and problem documents.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from benchmarks.npm import npm_ci
from runtime import Contracts, ContractViolation
from runtime.http import AsyncContractClient, ContractClient, UndeclaredStatus
from runtime.testing import free_port
from tests.conftest import ROOT
from tests.http_app import build_app

NODE_DIR = ROOT / "tests" / "node_http"
NODE = shutil.which("node") or "node"
NPM = shutil.which("npm") or "npm"
KNOWN_ORDER = "7c1e2a4b-5d6f-4a8b-9c0d-1e2f3a4b5c6d"
BROKEN_ORDER = "00000000-0000-4000-8000-000000000000"
RUNS = "/v1/agents/invoice-extractor/runs"


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=NODE_DIR, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def node_http() -> None:
    """Dependencies installed, the generated package copied in, TypeScript built."""
    npm_ci(NODE_DIR)
    result = _run([NPM, "run", "build"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def contracts() -> Contracts:
    return Contracts("platform_contracts")


@pytest.fixture(scope="module")
def python_server(contracts: Contracts) -> Iterator[str]:
    """The sample agent service under a real uvicorn on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        build_app(contracts), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def node_server(
    node_http: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The Express example in its own process; it prints its port once listening."""
    log = tmp_path_factory.mktemp("express") / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [NODE, "express_app.mjs", "0"],
            cwd=NODE_DIR, stdout=subprocess.PIPE, stderr=stderr, text=True,
        )  # fmt: skip
    lines: list[str] = []

    def first_line() -> None:
        assert process.stdout is not None
        lines.append(process.stdout.readline())

    reader = threading.Thread(target=first_line, daemon=True)
    reader.start()
    reader.join(timeout=15)
    if not lines or not lines[0].startswith("listening "):
        process.kill()
        process.wait()
        pytest.fail(f"the Express server did not start: {lines} {log.read_text()}")
    yield f"http://127.0.0.1:{int(lines[0].split()[1])}"
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_node_http_project_passes(node_http: None) -> None:
    """Express and Fastify examples, the validator, the typed client (tsc --strict)."""
    result = _run([NODE, "--test"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout, result.stdout


def test_node_client_against_python_server(node_http: None, python_server: str) -> None:
    result = _run([NODE, "dist/cross.js", python_server], timeout=60)
    assert result.returncode == 0, result.stderr
    accepted, missing, refused = json.loads(result.stdout)
    assert accepted["answered"] == 202 and accepted["status"] == "accepted"
    assert accepted["estimated_seconds"] == 12
    assert accepted["queued_at"] == "2026-11-24T09:30:00Z"
    assert len(accepted["run_id"]) == 36
    assert missing == {"agent_id": "missing", "answered": 404, "title": "Not Found"}
    assert refused == {"refused": True, "pointers": ["/priority"]}


def test_python_client_against_node_server(
    contracts: Contracts, node_server: str
) -> None:
    from platform_contracts.common.problem import ProblemDetails
    from platform_contracts.http.order_summary_v1 import OrderSummary

    with httpx.Client(base_url=node_server) as http:
        client = ContractClient(contracts, http)
        found = client.call("lookupOrder", path_params={"order_id": KNOWN_ORDER})
        assert found.status == 200 and isinstance(found.data, OrderSummary)
        assert found.data.order_id == KNOWN_ORDER
        assert found.data.total.amount == "59.97" and found.data.item_count == 3
        missing = client.call("lookupOrder", path_params={"order_id": "nope"})
        assert missing.status == 404 and isinstance(missing.data, ProblemDetails)
        assert missing.data.detail == "no order nope"
        # The Node server refuses to send its broken record (strict): a 500 the
        # operation does not declare.
        with pytest.raises(UndeclaredStatus, match="answered 500"):
            client.call("lookupOrder", path_params={"order_id": BROKEN_ORDER})


def test_async_python_client_against_node_server(
    contracts: Contracts, node_server: str
) -> None:
    import asyncio

    async def go() -> Any:
        async with httpx.AsyncClient(base_url=node_server) as http:
            client = AsyncContractClient(contracts, http)
            return await client.call(
                "lookupOrder", path_params={"order_id": KNOWN_ORDER}
            )

    answer = asyncio.run(go())
    assert answer.status == 200 and answer.data.status == "shipped"


BAD_REQUESTS: dict[str, tuple[bytes, str]] = {
    "content-type": (b'{"agent_id": "invoice-extractor", "input": {}}', "text/plain"),
    "no-content-type": (b"{}", ""),
    "malformed": (b'{"agent_id": ', "application/json"),
    "empty": (b"", "application/json"),
    "oversized": (b" " * (1 << 20) + b"{}", "application/json"),
    "deep": (b"[" * 65 + b"]" * 65, "application/json"),
    "contract": (
        json.dumps(
            {
                "agent_id": "invoice-extractor",
                "input": [],
                "priority": "urgent",
                "callback_url": "relative/path",
                "extra": True,
            }
        ).encode(),
        "application/problem+json",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_REQUESTS))
def test_both_servers_refuse_alike(
    contracts: Contracts, python_server: str, node_server: str, kind: str
) -> None:
    """Same status, problem type, title, detail and errors from Python and Node."""
    content, content_type = BAD_REQUESTS[kind]
    headers = {"content-type": content_type} if content_type else {}
    problems = []
    for base in (python_server, node_server):
        r = httpx.post(base + RUNS, content=content, headers=headers, timeout=10)
        assert r.headers["content-type"].startswith("application/problem+json")
        contracts.get("common/problem.json#/$defs/ProblemDetails").validate_json(
            r.content
        )
        problem: dict[str, Any] = r.json()
        assert problem["status"] == r.status_code
        problems.append(problem)
    py, node = problems
    assert node["status"] == py["status"] and node["type"] == py["type"]
    assert node["title"] == py["title"] and node["instance"] == py["instance"] == RUNS
    if kind not in ("malformed", "empty"):  # the detail is each JSON parser's message
        assert node["detail"] == py["detail"]
    assert list(node) == list(py)
    # The two runtimes describe each violation in the same words.
    assert node.get("errors", []) == py.get("errors", [])
    for e in node.get("errors", []):
        assert list(e) == ["pointer", "expected", "got", "message"]
        assert (
            e["message"]
            == f"{e['pointer'] or '/'}: expected {e['expected']}, got {e['got']}"
        )


def _problem_breaches(contracts: Contracts, base: str) -> list[str]:
    """Refusals whose problem document breaks the ProblemDetails contract."""
    validator = contracts.get("common/problem.json#/$defs/ProblemDetails")
    requests = {
        "a 2100-character path (instance)": (
            "/v1/agents/" + "a" * 2100 + "/runs",
            "application/json",
        ),
        "a 5000-character content type (detail)": (RUNS, "text/" + "x" * 5000),
    }
    breaches = []
    for what, (path, content_type) in requests.items():
        r = httpx.post(
            base + path, content=b"{}", headers={"content-type": content_type}
        )
        assert r.status_code in (415, 422), r.text[:200]
        try:
            validator.validate_json(r.content)
        except ContractViolation as exc:
            breaches.append(f"{what}: {r.status_code} {exc}")
    return breaches


def test_node_problem_documents_stay_within_their_contract(
    contracts: Contracts, node_server: str
) -> None:
    assert _problem_breaches(contracts, node_server) == []


def test_python_problem_documents_stay_within_their_contract(
    contracts: Contracts, python_server: str
) -> None:
    """BUG in runtime/http.py (problem()): `instance` is the raw path and `detail`
    quotes the whole Content-Type header, so a long path or header gives a problem
    document that breaks ProblemDetails (instance <= 2000, detail <= 4000
    characters); a ContractClient then raises ContractViolation instead of
    returning the 422/415. The Node validator clips them (http.js problem())."""
    breaches = _problem_breaches(contracts, python_server)
    assert breaches == [], (
        "runtime/http.py answers problem documents that break ProblemDetails:\n"
        + "\n".join(breaches)
    )


NOT_JSON = {
    "NaN": b'{"agent_id": "invoice-extractor", "input": {"x": NaN}}',
    "Infinity": b'{"agent_id": "invoice-extractor", "input": {"x": -Infinity}}',
    "UTF-16": '{"agent_id": "invoice-extractor", "input": {}}'.encode("utf-16"),
}


def test_node_refuses_text_that_is_not_json(node_server: str) -> None:
    for what, content in NOT_JSON.items():
        r = httpx.post(
            node_server + RUNS,
            content=content,
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 400, what
        assert r.json()["type"].endswith("/malformed-json"), what


def test_python_refuses_text_that_is_not_json(python_server: str) -> None:
    """BUG in runtime/http.py (via runtime.envelope.loads): when orjson refuses a
    body, the standard library's json.loads is tried, which accepts NaN, Infinity
    and -Infinity (not JSON, RFC 8259) and UTF-16/32 text (JSON between systems is
    UTF-8). The middleware then hands the app float('nan') etc. with a 202 where
    the Node validator answers 400 malformed-json."""
    accepted = []
    for what, content in NOT_JSON.items():
        r = httpx.post(
            python_server + RUNS,
            content=content,
            headers={"content-type": "application/json"},
        )
        if r.status_code != 400:
            accepted.append(f"{what}: {r.status_code}")
    assert accepted == [], (
        "runtime/http.py accepts request bodies that are not JSON: "
        + ", ".join(accepted)
    )
