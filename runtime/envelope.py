"""Build and read the envelope around a typed payload (the Python side).

The envelope is itself a contract (``[tool.contracts] envelope``, e.g.
``envelope.v1.json``): id, type, version, fingerprint, time, source, trace
context, data. :class:`Codec` validates the payload against the contract its
type and version name, on encode and on decode, so no service hand-writes it.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError, create_model

from runtime.contracts import NOT_FAST, Contracts, ContractValidator, orjson_value
from runtime.errors import ContractViolation, UnknownContract

# How our producers (Python and Node) start an envelope: id, type, version.
_HEAD = re.compile(
    rb'\A\{"id":"[^"\\]*","type":"(([a-z0-9_.]+)","version":([0-9]{1,9})),'
)


def loads(data: bytes) -> Any:
    """Parse JSON fast with orjson; with the standard library when a number has 19
    or more digits (orjson turns integers beyond 64 bits into floats) or orjson
    refuses the text."""
    value = orjson_value(data)
    if value is not NOT_FAST:
        return value
    # Strict: UTF-8 only, no NaN/Infinity (orjson refuses them too).
    return json.loads(data.decode("utf-8"), parse_constant=_not_json)


_IDS: list[bytes] = []
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def _id_bytes() -> bytes:
    """A random (version 4) UUID as ASCII bytes: ``str(uuid.uuid4())`` in a fifth
    of the time (the random bytes of 256 ids are drawn and formatted at once)."""
    try:
        return _IDS.pop()  # atomic: threads never get the same id
    except IndexError:
        pass
    raw = bytearray(os.urandom(16 * 256))
    raw[6::16] = raw[6::16].translate(_VERSION_4)  # 0100xxxx
    raw[8::16] = raw[8::16].translate(_VARIANT)  # 10xxxxxx
    h = raw.hex()
    fresh = (
        " ".join(
            f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-"
            f"{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
            for i in range(0, len(h), 32)
        )
        .encode()
        .split()
    )
    _IDS.extend(fresh[1:])
    return fresh[0]


def new_id() -> str:
    """A random (version 4) UUID, as text."""
    return _id_bytes().decode()


_clock: tuple[int, str, bytes] = (-1, "", b"")


def _now() -> tuple[int, str, bytes]:
    global _clock
    ms = time.time_ns() // 1_000_000
    last = _clock
    if last[0] == ms:
        return last
    text = (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )
    _clock = last = (ms, text, text.encode())
    return last


def now_text() -> str:
    """The current UTC time as RFC 3339 with milliseconds (``...T08:00:00.123Z``),
    formatted once per millisecond."""
    return _now()[1]


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def dumps(value: Any) -> bytes:
    """Compact JSON bytes (orjson; the standard library for integers beyond 64 bits
    and for text with a lone surrogate, which is written as its escape, ``"\\ud800"``,
    as ``JSON.stringify`` does: UTF-8 cannot carry it)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        pass
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


class Message(NamedTuple):
    """A received message: the validated envelope and its typed payload (a named
    tuple: immutable, and built in a fifth of a frozen dataclass's time)."""

    envelope: Any
    data: Any
    type: str
    version: int
    fingerprint: str
    fingerprint_matches: bool  # False: the producer was built from another contract


class Codec:
    """Encodes payloads into envelopes and decodes envelopes into typed payloads."""

    def __init__(
        self, contracts: Contracts, source: str, envelope: str = "envelope.v1.json"
    ) -> None:
        self.contracts = contracts
        self.source = source
        self.envelope = contracts.get(envelope)
        self._by_model: dict[type, ContractValidator] = {}
        self._by_message: dict[tuple[str, int], ContractValidator] = {}
        self._composites: dict[str, TypeAdapter[Any] | None] = {}
        self._frames: dict[str, tuple[bytes, bytes]] = {}
        self._trace_tails: dict[tuple[Any, ...], bytes] = {}
        # b'<type>","version":<n>' -> (its contract, its composite) or (None, None)
        self._fast: dict[bytes, tuple[Any, Any]] = {}
        for name in contracts.names():
            validator = contracts.get(name)
            if validator.message_type is not None and validator.version is not None:
                self._by_model[validator.python_type] = validator
                self._by_message[(validator.message_type, validator.version)] = (
                    validator
                )

    def contract_of(self, data: Any) -> ContractValidator:
        validator = self._by_model.get(type(data))
        if validator is None:
            raise UnknownContract(
                f"{type(data).__name__} is not the root type of a message contract"
            )
        return validator

    def encode(
        self,
        data: BaseModel | dict[str, Any],
        *,
        message_type: str | None = None,
        version: int | None = None,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        """The envelope's JSON bytes; the payload is validated against its contract.

        A generated model names its own contract; a dict needs ``message_type``
        and ``version``.
        """
        if isinstance(data, BaseModel):
            validator = self.contract_of(data)
            payload = data.model_dump(mode="json", by_alias=True, exclude_unset=True)
        else:
            if message_type is None or version is None:
                raise TypeError("a dict payload needs message_type and version")
            validator = self.contracts.for_message(message_type, version)
            payload = data
        return self.seal(validator, payload, trace, correlation_id, message_id)

    def wrap(
        self,
        validator: ContractValidator,
        payload: Any,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        """The envelope bytes around an already validated payload."""
        envelope = self._envelope_dict(
            validator, payload, trace, correlation_id, message_id
        )
        self.envelope.validate_python(envelope)
        return dumps(envelope)

    def seal(
        self,
        validator: ContractValidator,
        payload: Any,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        """Validate ``payload`` against its contract and return the envelope bytes.

        Without correlation or message id every envelope field is the codec's own
        (checked once per contract) or the trace context (checked once per value),
        so only the payload is validated and the envelope is assembled as bytes
        around it. Otherwise envelope and
        payload are validated in one pass; when that fails, the payload and then
        the envelope are validated on their own, so the error says which and where.
        """
        if correlation_id is None and message_id is None:
            head, tail = self._frame(validator)
            if trace is not None:
                tail = self._traced(validator, tail, trace)
            validator.validate_python(payload)
            body = dumps(payload)
            raw = b"".join((b'{"id":"', _id_bytes(), head, _now()[2], tail, body, b"}"))
            # Size and depth (orjson writes no NaN or Infinity: no scan for them);
            # the envelope adds one level and no brackets besides its own "{".
            limits = self.contracts.limits
            if (
                len(raw) > limits.max_bytes
                or body.count(b"[") + body.count(b"{") >= limits.max_depth
            ):
                self.envelope.check_limits(raw)
            return raw
        composite = self._composite(validator)
        if composite is not None:
            envelope = self._envelope_dict(
                validator, payload, trace, correlation_id, message_id
            )
            try:
                composite.validate_python(envelope, by_alias=True, by_name=False)
            except ValidationError:
                pass
            else:
                return dumps(envelope)
        validator.validate_python(payload)
        return self.wrap(validator, payload, trace, correlation_id, message_id)

    def _traced(
        self, validator: ContractValidator, tail: bytes, trace: dict[str, str]
    ) -> bytes:
        """``tail`` with the ``trace`` member before ``"data"``; the trace is
        checked against the envelope once per value (a batch shares one)."""
        key = (validator.contract, *sorted(trace.items()))
        found = self._trace_tails.get(key)
        if found is None:
            self.envelope.validate_python(
                self._envelope_dict(validator, {}, trace, None, None)
            )
            if len(self._trace_tails) >= 256:  # one per publish call: keep a few
                self._trace_tails.clear()
            cut = tail.removesuffix(b',"data":')
            found = self._trace_tails[key] = (
                cut + b',"trace":' + dumps(trace) + b',"data":'
            )
        return found

    def _frame(self, validator: ContractValidator) -> tuple[bytes, bytes]:
        """The envelope bytes around the id and around the time, for payloads of
        this contract: ``{"id":"<id>","type":...,"time":"<time>","source":...,
        "data":<payload>}``. The first use validates an envelope built this way."""
        frame = self._frames.get(validator.contract)
        if frame is None:
            self.envelope.validate_python(
                self._envelope_dict(validator, {}, None, None, None)
            )
            head = b"".join(
                (b'","type":', dumps(validator.message_type), b',"version":',
                 dumps(validator.version), b',"fingerprint":',
                 dumps(validator.fingerprint), b',"time":"')
            )  # fmt: skip
            tail = b'","source":' + dumps(self.source) + b',"data":'
            frame = self._frames[validator.contract] = (head, tail)
        return frame

    def _envelope_dict(
        self,
        validator: ContractValidator,
        payload: Any,
        trace: dict[str, str] | None,
        correlation_id: str | None,
        message_id: str | None,
    ) -> dict[str, Any]:
        envelope: dict[str, Any] = {
            "id": message_id or new_id(),
            "type": validator.message_type,
            "version": validator.version,
            "fingerprint": validator.fingerprint,
            "time": now_text(),
            "source": self.source,
        }
        if trace is not None:
            envelope["trace"] = trace
        if correlation_id is not None:
            envelope["correlation_id"] = correlation_id
        envelope["data"] = payload
        return envelope

    def open_envelope(self, raw: bytes | str) -> tuple[Any, Any]:
        """Validate the envelope only: (typed envelope, parsed instance).

        Raises ContractViolation (limits, JSON syntax, envelope shape).
        """
        data_bytes = raw.encode() if isinstance(raw, str) else raw
        self.envelope.check_limits(data_bytes)
        try:
            instance = loads(data_bytes)
        except ValueError:
            self.envelope.validate_json(data_bytes)  # raises with the JSON error
            raise
        return self.envelope.validate_python(instance), instance

    def open(self, raw: bytes | str) -> tuple[Any, Any, ContractValidator]:
        """The envelope, the parsed instance and the payload's contract.

        Raises ContractViolation (envelope) or UnknownContract (type/version).
        """
        envelope, instance = self.open_envelope(raw)
        validator = self.contracts.for_message(envelope.type, envelope.version)
        return envelope, instance, validator

    def payload(
        self, envelope: Any, instance: Any, validator: ContractValidator
    ) -> Message:
        """Validate the payload of an opened envelope (pointers start at ``/data``
        in the violations this raises)."""
        try:
            data = validator.validate_python(instance["data"])
        except ContractViolation as exc:
            raise ContractViolation(
                exc.contract,
                [replace(v, pointer="/data" + v.pointer) for v in exc.violations],
            ) from None
        return Message(
            envelope=envelope,
            data=data,
            type=envelope.type,
            version=envelope.version,
            fingerprint=envelope.fingerprint,
            fingerprint_matches=envelope.fingerprint == validator.fingerprint,
        )

    def _composite(self, validator: ContractValidator) -> TypeAdapter[Any] | None:
        """One model for the envelope and a payload type: validates both in a
        single pass, with ``type`` and ``version`` pinned. ``None`` when the
        payload contract needs the full check (the two-step path handles it)."""
        key = validator.contract
        if key in self._composites:
            return self._composites[key]
        adapter: TypeAdapter[Any] | None = None
        envelope_type = self.envelope.python_type
        if (
            not validator.full_check
            and not self.envelope.full_check
            and isinstance(envelope_type, type)
            and issubclass(envelope_type, BaseModel)
            and "data" in envelope_type.model_fields
        ):
            fields: dict[str, Any] = {
                "type": (Literal[validator.message_type], ...),
                "version": (Literal[validator.version], ...),
                "data": (validator.python_type, ...),
            }
            model = create_model(
                f"{envelope_type.__name__}Of{validator.name}",
                __base__=envelope_type,
                **fields,
            )
            adapter = TypeAdapter(model)
        self._composites[key] = adapter
        return adapter

    def decode_fast(self, raw: bytes) -> Message | None:
        """Envelopes as our producers write them (id, type, version first) are
        validated in one pass from the bytes; anything else, or anything invalid,
        takes the two-step path, which reports precise errors."""
        head = _HEAD.match(raw)
        if head is None:
            return None
        found = self._fast.get(head[1])
        if found is None:
            found = self._fast_route(head[2].decode(), int(head[3]))
            if len(self._fast) < 1024:  # keys come from the wire: bounded
                self._fast[head[1]] = found
        validator, adapter = found
        if adapter is None:
            return None
        try:
            envelope = adapter.validate_json(raw, by_alias=True, by_name=False)
        except ValidationError:
            return None
        fingerprint = envelope.fingerprint
        return Message(
            envelope,
            envelope.data,
            envelope.type,
            envelope.version,
            fingerprint,
            fingerprint == validator.fingerprint,
        )

    def _fast_route(self, message_type: str, version: int) -> tuple[Any, Any]:
        validator = self._by_message.get((message_type, version))
        if validator is None:
            return None, None
        composite = self._composite(validator)
        return validator, composite.validator if composite is not None else None

    def decode(self, raw: bytes | str) -> Message:
        """Validate an envelope and its payload; raise ContractViolation or
        UnknownContract (type or version this package has no contract for).

        The bytes are parsed once; the envelope and then its ``data`` are validated
        from the parsed value. Payload violations point into the envelope
        (``/data/...``).
        """
        data_bytes = raw.encode() if isinstance(raw, str) else raw
        self.envelope.check_limits(data_bytes)
        fast = self.decode_fast(data_bytes)
        if fast is not None:
            return fast
        return self.payload(*self.open(data_bytes))
