"""The HTTP part of ``make demo``: a Node module calls a Python agent service.

The agent service is a Starlette app behind ``ContractMiddleware`` under uvicorn on a
free loopback port. The Node module calls it with the generated, typed fetch client;
a bad request is refused by the client before it is sent, and a hand-written bad
request is answered 422 application/problem+json by the middleware.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runtime import Contracts
from runtime.http import ContractMiddleware
from runtime.testing import free_port

NODE = Path(__file__).parent / "node" / "http_client.mjs"


async def start_run(request: Request) -> Response:
    body: Any = request.state.contract_body  # validated and typed by the middleware
    name = type(body).__name__
    print(f"python agent service receives a typed {name} for {body.agent_id}")
    return JSONResponse(
        {
            "run_id": str(uuid.uuid4()),
            "status": "accepted",
            "queued_at": "2026-11-24T09:30:00Z",
            "estimated_seconds": 30,
        },
        status_code=202,
    )


def main() -> None:
    node = shutil.which("node")
    if node is None:
        print("(node is not installed: skipping the HTTP demo)")
        return
    app = Starlette(
        routes=[Route("/v1/agents/{agent_id}/runs", start_run, methods=["POST"])]
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            ContractMiddleware(app, Contracts("platform_contracts")),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"\n--- HTTP, a Python agent service on http://127.0.0.1:{port}")
    subprocess.run([node, str(NODE), f"http://127.0.0.1:{port}"], check=True)
    server.should_exit = True
    thread.join(timeout=5)


if __name__ == "__main__":
    main()
