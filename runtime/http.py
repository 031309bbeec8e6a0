"""HTTP boundary: catalogue operations validated on both sides of every call.

:class:`ContractMiddleware` is plain ASGI (Starlette, FastAPI, any ASGI app). For a
request to a catalogue operation it checks the content type (415), size (413),
nesting depth (400) and JSON syntax (400) of the raw body, validates it against the
operation's request contract (422), and hands the app the body it read. In
``strict`` mode it also validates the response against the contract of its status
and turns a breach into a 500 (the bad body is never sent); in ``report`` mode it
logs the breach and lets the response through. Every error answer is RFC 9457
``application/problem+json`` listing each violation as pointer / expected / got.

:class:`ContractClient` and :class:`AsyncContractClient` (httpx) validate what they
send and what they receive, and return typed bodies.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ValidationError

from runtime.catalog import Catalog
from runtime.contracts import (
    Contracts,
    ContractValidator,
    Limits,
    json_marks,
    nesting_depth,
    non_json_constant,
)
from runtime.envelope import dumps, loads
from runtime.errors import (
    ContractViolation,
    RuntimeContractError,
    Violation,
    capped,
    omitted_line,
)
from runtime.telemetry import Telemetry

if TYPE_CHECKING:  # the middleware runs without httpx; the clients need it
    import httpx

__all__ = [
    "AsyncContractClient",
    "ContractClient",
    "ContractMiddleware",
    "Operation",
    "Operations",
    "PROBLEM_BASE",
    "Response",
    "UndeclaredStatus",
    "problem",
]

log = logging.getLogger("runtime.http")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROBLEM_BASE = "https://contracts.example.com/problems/"
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Operation:
    """A catalogue HTTP operation with its contracts."""

    id: str
    method: str
    path: str
    pattern: re.Pattern[str]
    server: str
    request: ContractValidator | None
    responses: dict[int, ContractValidator]

    def url(self, params: dict[str, str]) -> str:
        def fill(m: re.Match[str]) -> str:
            return quote(str(params[m[1]]), safe="")

        return _PARAM.sub(fill, self.path)


class Operations:
    """The catalogue's HTTP operations, matched by method and path."""

    def __init__(self, contracts: Contracts, catalog: Catalog | None = None) -> None:
        catalog = catalog if catalog is not None else Catalog.load(contracts)
        self.by_id: dict[str, Operation] = {}
        data = catalog.data if catalog is not None else {}
        for op_id, op in data.get("operations", {}).items():
            regex = (
                "^"
                + _PARAM.sub(
                    r"(?P<\1>[^/]+)",
                    re.escape(op["path"]).replace(r"\{", "{").replace(r"\}", "}"),
                )
                + "$"
            )
            self.by_id[op_id] = Operation(
                id=op_id,
                method=op["method"].upper(),
                path=op["path"],
                pattern=re.compile(regex),
                server=op.get("server", "python"),
                request=contracts.get(op["request"]["contract"])
                if "request" in op
                else None,
                responses={
                    int(status): contracts.get(r["contract"])
                    for status, r in op.get("responses", {}).items()
                },
            )

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for op in self.by_id.values():
            if op.method == method:
                m = op.pattern.match(path)
                if m:
                    return op, m.groupdict()
        return None


def problem(
    status: int, kind: str, title: str, detail: str, instance: str,
    violations: list[Violation] = (),  # type: ignore[assignment]
) -> bytes:  # fmt: skip
    """An RFC 9457 problem document (the ProblemDetails contract)."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind,
        "title": title,
        "status": status,
        "detail": _clip(detail, 1000),  # the ProblemDetails contract bounds both
        "instance": _clip(instance, 1000),
    }
    if violations:
        shown, omitted = capped(violations)
        body["errors"] = [{**v.as_dict(), "message": str(v)[:1000]} for v in shown]
        if omitted:
            body["errors_omitted"] = omitted
    return dumps(body)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_json(content_type: str) -> bool:
    if content_type == "application/json":
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


class ContractMiddleware:
    """Validates requests and responses of catalogue operations (ASGI)."""

    def __init__(
        self,
        app: ASGIApp,
        contracts: Contracts,
        *,
        catalog: Catalog | None = None,
        mode: Literal["strict", "report"] = "strict",
        limits: Limits | None = None,
        server: str | None = "python",
        telemetry: Telemetry | None = None,
    ) -> None:
        self.app = app
        self.operations = Operations(contracts, catalog)
        self.mode = mode
        self.limits = limits or contracts.limits
        self.server = server
        self.telemetry = telemetry or Telemetry()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        matched = self.operations.match(scope["method"], scope["path"])
        if matched is None or (self.server and matched[0].server != self.server):
            await self.app(scope, receive, send)
            return
        op, params = matched
        if not self.telemetry.tracing:
            await self._handle(op, params, scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in scope.get("headers", ())
        }
        with self.telemetry.http_server(op.method, op.path, op.id, headers) as span:
            await self._handle(op, params, scope, receive, _status_to(span, send))

    async def _handle(
        self,
        op: Operation,
        params: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        state = scope.setdefault("state", {})
        state["contract_operation"] = op.id
        state["contract_params"] = params
        if op.request is not None:
            refused = self._refuse_headers(op, scope)
            if refused is not None:
                await _answer(send, *refused)
                return
            limit = self.limits.max_bytes
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            raw = message.get("body", b"")
            if message.get("more_body", False):  # a body in several messages
                chunks = [raw]
                size = len(raw)
                while size <= limit:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
                raw = b"".join(chunks)
            if len(raw) > limit:
                await _answer(send, 413, _too_large(limit, len(raw), scope["path"]))
                return
            checked = self._check_request(op, raw, scope["path"])
            if isinstance(checked, tuple):
                await _answer(send, *checked)
                return
            state["contract_body"] = checked.value
            receive = _replay(raw, receive)
        if op.responses:
            send = self._response_guard(op, scope, send)
        await self.app(scope, receive, send)

    def _refuse_headers(self, op: Operation, scope: Scope) -> tuple[int, bytes] | None:
        """415 for a body that is not JSON, 413 for a declared length over the
        limit (before reading it); ``None`` to go on."""
        content_type = declared = ""
        for key, value in scope.get("headers", ()):
            key = key.lower()  # ASGI servers send them lower-case; others may not
            if key == b"content-type":
                content_type = value.decode("latin-1")
            elif key == b"content-length":
                declared = value.decode("latin-1")
        if not _is_json(content_type):
            return 415, problem(
                415, "unsupported-media-type", "Unsupported media type",
                f"{op.id} takes application/json, got {content_type[:200] or 'none'}",
                scope["path"],
            )  # fmt: skip
        limit = self.limits.max_bytes
        if declared.isascii() and declared.isdigit() and int(declared[:18]) > limit:
            return 413, _too_large(limit, int(declared), scope["path"])
        return None

    def _check_request(
        self, op: Operation, raw: bytes, path: str
    ) -> _Body | tuple[int, bytes]:
        """The typed body, or the status and problem document refusing it."""
        validator = op.request
        assert validator is not None
        marks = json_marks(raw)
        if marks.count(b"[") + marks.count(b"{") > self.limits.max_depth:
            depth = nesting_depth(raw)
            if depth > self.limits.max_depth:
                return 400, problem(
                    400, "nesting-too-deep", "Request body nested too deeply",
                    f"nesting depth {depth}, at most {self.limits.max_depth}", path,
                )  # fmt: skip
        constant = non_json_constant(raw) if b"N" in marks or b"I" in marks else None
        if not validator.full_check and constant is None:
            try:  # one pass from the bytes; the slow path below explains failures
                core = validator.core_for_json(raw)
                return _Body(core.validate_json(raw, by_alias=True, by_name=False))
            except ValidationError:
                pass
        try:
            if constant is not None:
                raise ValueError(constant)
            instance = loads(raw)
        except ValueError as exc:
            return 400, problem(
                400, "malformed-json", "Request body is not valid JSON", str(exc), path,
            )  # fmt: skip
        try:
            return _Body(validator.validate_python(instance))
        except ContractViolation as exc:
            return 422, problem(
                422, "contract-violation", "Request body breaks the contract",
                f"{len(exc.violations)} violation(s) of {validator.contract}",
                path, exc.violations,
            )  # fmt: skip

    def _response_guard(self, op: Operation, scope: Scope, send: Send) -> Send:
        start: Message = {}
        chunks: list[bytes] = []
        strict = self.mode == "strict"

        async def guarded(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                start.update(message)
                if not strict:
                    await send(message)
                return
            if kind != "http.response.body":
                await send(message)
                return
            if not strict:
                await send(message)
            if message.get("more_body", False):
                chunks.append(message.get("body", b""))
                return
            body = message.get("body", b"")
            if chunks:
                body = b"".join((*chunks, body))
            violations = self._check_response(op, start, body)
            if not violations:
                if strict:
                    await send(start)
                    if chunks:
                        await send({"type": "http.response.body", "body": body})
                    else:
                        await send(message)
                return
            shown, omitted = capped(violations)
            reason = "; ".join(
                [str(v) for v in shown] + ([omitted_line(omitted)] if omitted else [])
            )
            log.error(
                "response of %s %s (status %s) breaks its contract: %s",
                op.id, scope["path"], start.get("status"), reason,
            )  # fmt: skip
            if strict:
                await _answer(send, 500, problem(
                    500, "response-contract-violation", "Internal Server Error",
                    "the server produced a response that breaks its contract",
                    scope["path"],
                ))  # fmt: skip

        return guarded

    def _check_response(
        self, op: Operation, start: Message, body: bytes
    ) -> list[Violation]:
        status = int(start.get("status", 200))
        validator = op.responses.get(status)
        if validator is None:
            if status >= 500:
                return []  # the server's own failure: passed on as it is
            declared = ", ".join(str(s) for s in sorted(op.responses))
            return [
                Violation(
                    "", f"a status declared for {op.id} ({declared})", str(status)
                )
            ]
        content_type = ""
        for key, value in start.get("headers", ()):
            if key.lower() == b"content-type":
                content_type = value.decode("latin-1")
                break
        if not _is_json(content_type):
            return [Violation("", "a JSON response", content_type or "no content type")]
        try:
            validator.validate_json(body)
        except ContractViolation as exc:
            return exc.violations
        return []


@dataclass(slots=True)
class _Body:
    """A request body that satisfied its contract."""

    value: Any


def _too_large(limit: int, size: int, path: str) -> bytes:
    return problem(
        413, "payload-too-large", "Request body too large",
        f"at most {limit} bytes, got {size}", path,
    )  # fmt: skip


async def _answer(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _replay(raw: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": raw, "more_body": False}
        return await receive()

    return replay


# -- clients ------------------------------------------------------------------------


class UndeclaredStatus(RuntimeContractError):
    """The server answered with a status the operation does not declare."""


@dataclass(frozen=True)
class Response:
    """A validated answer: the status, the typed body, and the raw httpx response."""

    status: int
    data: Any
    raw: httpx.Response


def _status_to(span: Any, send: Send) -> Send:
    """``send``, recording the response status on the server span."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and span is not None:
            status = int(message["status"])
            span.set_attribute("http.response.status_code", status)
            if status >= 400:
                Telemetry.error(span, str(status))
        await send(message)

    return sending


class _ClientCore:
    def __init__(
        self,
        contracts: Contracts,
        catalog: Catalog | None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.operations = Operations(contracts, catalog)
        self.telemetry = telemetry or Telemetry()

    def headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        """JSON content type, the current trace context, then the caller's own."""
        headers = dict(_JSON)
        self.telemetry.inject_headers(headers)
        if extra:
            headers.update(extra)
        return headers

    def prepare(
        self, operation: str, path_params: dict[str, str] | None, body: Any
    ) -> tuple[Operation, str, bytes | None]:
        op = self.operations.by_id[operation]
        url = op.url(path_params or {})
        if op.request is None:
            return op, url, None
        if isinstance(body, BaseModel):
            body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        op.request.validate_python(body)
        return op, url, dumps(body)

    def answer(self, op: Operation, raw: httpx.Response, span: Any) -> Response:
        """:meth:`receive`, recording the status (and a refused answer) on the span."""
        if span is None:
            return self.receive(op, raw)
        span.set_attribute("http.response.status_code", raw.status_code)
        if raw.status_code >= 400:
            Telemetry.error(span, str(raw.status_code))
        try:
            return self.receive(op, raw)
        except RuntimeContractError as exc:
            Telemetry.error(span, type(exc).__name__)
            raise

    def receive(self, op: Operation, raw: httpx.Response) -> Response:
        validator = op.responses.get(raw.status_code)
        if validator is None:
            raise UndeclaredStatus(
                f"{op.id} answered {raw.status_code}, which it does not declare"
                f" ({', '.join(map(str, sorted(op.responses)))})"
            )
        return Response(raw.status_code, validator.validate_json(raw.content), raw)


_JSON = {"content-type": "application/json"}


class ContractClient(_ClientCore):
    """An httpx client for catalogue operations (sync)."""

    def __init__(
        self,
        contracts: Contracts,
        client: httpx.Client,
        catalog: Catalog | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        super().__init__(contracts, catalog, telemetry)
        self.client = client

    def call(
        self,
        operation: str,
        *,
        path_params: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Validate ``body``, send it, validate and type the answer."""
        op, url, content = self.prepare(operation, path_params, body)
        with self.telemetry.http_client(op.method, op.path, op.id) as span:
            raw = self.client.request(
                op.method, url, content=content, headers=self.headers(headers)
            )
            return self.answer(op, raw, span)


class AsyncContractClient(_ClientCore):
    """An httpx client for catalogue operations (asyncio)."""

    def __init__(
        self,
        contracts: Contracts,
        client: httpx.AsyncClient,
        catalog: Catalog | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        super().__init__(contracts, catalog, telemetry)
        self.client = client

    async def call(
        self,
        operation: str,
        *,
        path_params: dict[str, str] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        op, url, content = self.prepare(operation, path_params, body)
        with self.telemetry.http_client(op.method, op.path, op.id) as span:
            raw = await self.client.request(
                op.method, url, content=content, headers=self.headers(headers)
            )
            return self.answer(op, raw, span)
