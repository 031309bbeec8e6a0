"""A sample Python agent service for the HTTP tests (Starlette + the middleware)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runtime import Contracts
from runtime.http import ContractMiddleware
from runtime.telemetry import Telemetry


def build_app(
    contracts: Contracts,
    mode: Literal["strict", "report"] = "strict",
    behaviour: dict[str, Any] | None = None,
    telemetry: Telemetry | None = None,
) -> Any:
    """``behaviour['break']`` makes the handler answer a contract-breaking body."""
    behaviour = behaviour if behaviour is not None else {}

    async def start_run(request: Request) -> Response:
        body = request.state.contract_body  # validated, typed by the middleware
        assert body.agent_id
        raw = await request.body()  # the app can still read the body itself
        assert raw
        if request.path_params["agent_id"] == "missing":
            return JSONResponse(
                {"type": "about:blank", "title": "Not Found", "status": 404},
                status_code=404,
                media_type="application/problem+json",
            )
        answer: dict[str, Any] = {
            "run_id": str(uuid.uuid4()),
            "status": "accepted",
            "queued_at": "2026-11-24T09:30:00Z",
            "estimated_seconds": 12,
        }
        if behaviour.get("break"):
            answer["estimated_seconds"] = "soon"
        if behaviour.get("undeclared"):
            return JSONResponse(answer, status_code=200)
        return JSONResponse(answer, status_code=202)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    app = Starlette(
        routes=[
            Route("/v1/agents/{agent_id}/runs", start_run, methods=["POST"]),
            Route("/health", health),
        ]
    )
    return ContractMiddleware(app, contracts, mode=mode, telemetry=telemetry)
