"""HTTP benchmark: ContractMiddleware vs bare Starlette and FastAPI with a model.

What is measured
    Requests per second of ``POST /v1/agents/{agent_id}/runs`` (``startAgentRun``)
    served by three apps, each under one uvicorn worker in its own process
    (loopback, ``--log-level warning``, no access log), driven by the same load
    generator with the same ~1 KB valid request body, best of ``--repeat`` runs:

    - Starlette, unvalidated: the endpoint reads ``await request.body()`` and
      answers 202 with a fixed ``AgentRunAccepted`` JSONResponse;
    - Starlette + ContractMiddleware: the same endpoint wrapped in
      ``runtime.http.ContractMiddleware(mode="strict")`` (request and response
      validated);
    - FastAPI: the generated Pydantic model ``StartAgentRunRequest`` as the body
      parameter, returning the same dict (status 202, ``response_model=None``).

    The body is ``tests/samples/http/start_agent_run_request.v1/valid-full.json``
    with labels added to ``metadata`` and a note to ``input`` (``--size`` bytes).
    Load: ``wrk`` (one thread, ``--connections``) when on PATH, else an asyncio
    httpx client in its own process (itself the bottleneck at a few hundred
    req/s, which compresses the ratios: prefer wrk). With two or more CPUs the
    server is pinned to CPU 0 and the load generator to CPU 1.

Printed
    A table of req/s per variant, then two ratio lines (validated / Starlette,
    validated / FastAPI) with the targets of the issue (>= 0.6x, >= 1.5x) and
    whether each is met. Speed is reported, never asserted.

Run it from the repository root::

    .venv/bin/python benchmarks/http.py                 # 5 s per variant, best of 2
    .venv/bin/python benchmarks/http.py --quick         # 1 s, one run (smoke)
    .venv/bin/python benchmarks/http.py --json out.json --loadgen python
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root, not benchmarks/
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # (shadows stdlib http)

import httpx

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "samples" / "http"
REQUEST = SAMPLES / "start_agent_run_request.v1" / "valid-full.json"
ANSWER: dict[str, Any] = json.loads(
    (SAMPLES / "agent_run_accepted.v1" / "valid-full.json").read_text()
)
PATH = "/v1/agents/invoice-extractor/runs"
ROUTE = "/v1/agents/{agent_id}/runs"
TARGETS = {"starlette": 0.6, "fastapi": 1.5}
NAMES = {
    "starlette": "Starlette, no validation",
    "validated": "Starlette + ContractMiddleware (strict)",
    "fastapi": "FastAPI, Pydantic body model",
}


def make_body(size: int) -> bytes:
    """The full sample with 8 metadata labels and ``input.note`` padded to size."""
    body: dict[str, Any] = json.loads(REQUEST.read_text())
    body["metadata"].update({f"label.{i}": f"value-{i:02d}" for i in range(8)})
    body["input"]["note"] = ""
    unpadded = len(json.dumps(body, separators=(",", ":")))
    body["input"]["note"] = "x" * max(0, size - unpadded)
    return json.dumps(body, separators=(",", ":")).encode()


def build_app(variant: str) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def start_run(request: Request) -> JSONResponse:
        assert await request.body()
        return JSONResponse(ANSWER, status_code=202)

    app = Starlette(routes=[Route(ROUTE, start_run, methods=["POST"])])
    if variant == "starlette":
        return app
    if variant == "validated":
        from runtime import Contracts
        from runtime.http import ContractMiddleware

        return ContractMiddleware(app, Contracts("platform_contracts"), mode="strict")
    from fastapi import FastAPI
    from platform_contracts.http.start_agent_run_request_v1 import (
        StartAgentRunRequest,
    )

    api = FastAPI()

    async def fastapi_run(agent_id: str, body: StartAgentRunRequest) -> Any:
        return ANSWER

    fastapi_run.__annotations__["body"] = StartAgentRunRequest  # resolved, not str
    api.post(ROUTE, status_code=202, response_model=None)(fastapi_run)
    return api


def serve(variant: str, port: int) -> None:
    import uvicorn

    app = build_app(variant)
    options: dict[str, Any] = {"log_level": "warning", "access_log": False}
    config = uvicorn.Config(app, host="127.0.0.1", port=port, **options)
    uvicorn.Server(config).run()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pin(pid: int, cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(pid, {cpu})


@dataclass
class Server:
    variant: str
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    runs: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def start(self, body: bytes) -> None:
        argv = [sys.executable, __file__, "--serve", self.variant, "--port"]
        argv.append(str(self.port))
        self.proc = subprocess.Popen(argv, cwd=REPO)
        pin(self.proc.pid, 0)
        headers = {"content-type": "application/json"}
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.post(self.url, content=body, headers=headers)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert answer.status_code == 202 and answer.json() == ANSWER, answer.text
        bad = httpx.post(self.url, content=b'{"agent_id":"x"}', headers=headers)
        assert (bad.status_code == 202) == (self.variant == "starlette"), bad.text

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def run_wrk(url: str, body: bytes, seconds: float, connections: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            f"wrk.body = [==[{body.decode()}]==]\n"
        )
    duration = f"-d{max(1, round(seconds))}s"
    argv = ["wrk", "-t1", f"-c{connections}", duration, "-s", script.name, url]
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        pin(proc.pid, 1)
        out, _ = proc.communicate(timeout=seconds + 60)
    finally:
        os.unlink(script.name)
    if "Non-2xx" in out or "Socket errors" in out or proc.returncode:
        raise RuntimeError(f"wrk saw failed requests:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert match, out
    return float(match[1])


async def python_load(url: str, body: bytes, seconds: float, conns: int) -> float:
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    headers = {"content-type": "application/json"}
    done = 0
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def worker(stop: float) -> None:
            nonlocal done
            while time.perf_counter() < stop:
                answer = await client.post(url, content=body, headers=headers)
                if answer.status_code != 202:
                    raise RuntimeError(f"{answer.status_code}: {answer.text}")
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(conns)))
        return done / (time.perf_counter() - started)


def run_python(url: str, body: bytes, seconds: float, connections: int) -> float:
    argv = [sys.executable, __file__, "--load", url, "--duration", str(seconds)]
    argv += ["--connections", str(connections), "--size", str(len(body))]
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, text=True)
    pin(proc.pid, 1)
    out, _ = proc.communicate(timeout=seconds + 120)
    if proc.returncode:
        raise RuntimeError(f"load generator failed ({proc.returncode})")
    return float(out.strip().splitlines()[-1])


def environment(loadgen: str, args: argparse.Namespace) -> dict[str, Any]:
    wrk = "wrk -t1" if loadgen == "wrk" else "httpx.AsyncClient"
    return {
        "load": f"{wrk}, {args.connections} connections, {args.duration:g} s",
        "uvicorn loop": "uvloop" if find_spec("uvloop") else "asyncio",
        "uvicorn http": "httptools" if find_spec("httptools") else "h11",
        "python": platform.python_version(),
        **{p: version(p) for p in ("uvicorn", "starlette", "fastapi", "pydantic")},
        "cpus": os.cpu_count(),
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    body = make_body(args.size)
    loadgen = args.loadgen
    if loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    load = run_wrk if loadgen == "wrk" else run_python
    servers = [Server(v) for v in NAMES]
    try:
        for server in servers:
            server.start(body)
            load(server.url, body, min(1.0, args.duration), args.connections)  # warm
        for _ in range(args.repeat):
            for server in servers:
                server.runs.append(
                    load(server.url, body, args.duration, args.connections)
                )
    finally:
        for server in servers:
            server.stop()
    env = environment(loadgen, args)
    print(f"HTTP: POST {PATH}, {len(body)} B request body, best of {args.repeat}")
    print("  " + ", ".join(f"{k} {v}" for k, v in env.items()))
    print(f"\n{'variant':<44}{'req/s':>10}{'worst':>10}")
    rate = {s.variant: max(s.runs) for s in servers}
    for s in servers:
        print(f"{NAMES[s.variant]:<44}{max(s.runs):>10,.0f}{min(s.runs):>10,.0f}")
    print()
    ratios: dict[str, dict[str, Any]] = {}
    for name, target in TARGETS.items():
        ratio = rate["validated"] / rate[name]
        ratios[name] = {"ratio": ratio, "target": target, "met": ratio >= target}
        label = f"validated / {NAMES[name]}"
        verdict = "met" if ratio >= target else "MISSED"
        print(
            f"ratio {name:<10}{label:<44}{ratio:>7.2f}x"
            f"  target >= {target:g}x  {verdict}"
        )
    return {
        "request_bytes": len(body),
        "repeat": args.repeat,
        "environment": env,
        "variants": {
            NAMES[s.variant]: {"req_per_s": max(s.runs), "runs": s.runs}
            for s in servers
        },
        "ratios": ratios,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    first_line = (__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(description=first_line)
    parser.add_argument("--duration", type=float, default=5.0, help="s per run")
    parser.add_argument("--repeat", type=int, default=2, help="runs; best is kept")
    parser.add_argument("--quick", action="store_true", help="1 s, one run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--size", type=int, default=1024, help="request bytes")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--serve", choices=list(NAMES), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.repeat = 1.0, 1
    if args.duration <= 0 or args.repeat < 1 or args.connections < 1:
        parser.error("--duration, --repeat and --connections must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:  # internal: one server process
        serve(args.serve, args.port)
        return 0
    if args.load:  # internal: the Python load generator process
        body = make_body(args.size)
        print(
            asyncio.run(python_load(args.load, body, args.duration, args.connections))
        )
        return 0
    result = measure(args)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
