"""Routing one stream entry: envelope, contract, catalogue, payload, handler, in
that order (as the Node consumer does). Pure: no Redis, no handler call. Every
entry comes out as a handler to call or a dead letter with a reason; no content
can make routing raise."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any, NamedTuple

from runtime.catalog import Catalog
from runtime.envelope import Codec, Message
from runtime.errors import (
    ContractViolation,
    RuntimeContractError,
    UnknownContract,
    capped,
)
from runtime.streams.keys import FIELD

log = logging.getLogger("runtime.streams")

Handler = Callable[[Any, "Delivery"], Any]


class NotInCatalog(RuntimeContractError):
    """The catalogue does not allow this message type on this stream."""


class Delivery(NamedTuple):
    """What a handler is told besides the payload (immutable)."""

    stream: str
    entry_id: str
    deliveries: int
    message: Message


class Routed(NamedTuple):
    """An entry to hand to its handler."""

    handler: Handler
    data: Any
    delivery: Delivery


class Refused(NamedTuple):
    """An entry to dead-letter: why, the violations (pointer, expected, got), at
    most ``MAX_VIOLATIONS``, and how many more there were."""

    reason: str
    errors: list[dict[str, str]]
    omitted: int = 0


def invalid(exc: ContractViolation) -> Refused:
    shown, omitted = capped(exc.violations)
    return Refused("invalid", [v.as_dict() for v in shown], omitted)


def violation(pointer: str, expected: str, got: str) -> dict[str, str]:
    return {"pointer": pointer, "expected": expected, "got": got}


class Router:
    """Checks entries of one stream for one consumer group."""

    def __init__(
        self, codec: Codec, stream: str, group: str, catalog: Catalog | None
    ) -> None:
        self.codec = codec
        self.stream = stream
        self.group = group
        self.catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
        self.handlers: dict[tuple[str, int], Handler] = {}
        self.drift: Counter[tuple[str, int, str]] = Counter()
        if self.catalog is not None and stream not in self.catalog.stream_types:
            raise NotInCatalog(f"stream {stream} is not in the catalogue")
        # The (type, version) pairs the stream carries; None: no catalogue.
        self._carried = (
            self.catalog.stream_types[stream] if self.catalog is not None else None
        )

    def on(self, message_type: str, version: int) -> Callable[[Handler], Handler]:
        """Register the handler of a message type and major version."""
        self.codec.contracts.for_message(message_type, version)  # must exist

        def register(handler: Handler) -> Handler:
            self.handlers[(message_type, version)] = handler
            return handler

        return register

    def route(
        self, entry_id: str, fields: dict[bytes, bytes], deliveries: int
    ) -> Routed | Refused:
        """Check one entry; total: an unexpected failure is a dead letter too."""
        try:
            return self._route(entry_id, fields, deliveries)
        except Exception as exc:  # a bug or a library failure: never stop the batch
            log.exception("entry %s of %s could not be checked", entry_id, self.stream)
            got = f"{type(exc).__name__} while checking it"
            expected = "an entry the consumer can read"
            return Refused("invalid", [violation("", expected, got)])

    def _route(
        self, entry_id: str, fields: dict[bytes, bytes], deliveries: int
    ) -> Routed | Refused:
        raw = fields.get(FIELD)
        if raw is None:
            names = json.dumps([k.decode(errors="replace") for k in fields])
            return Refused(
                "invalid", [violation("", 'a field "envelope"', f"fields {names}")]
            )
        try:
            self.codec.envelope.check_limits(raw)
        except ContractViolation as exc:
            return invalid(exc)
        fast = self.codec.decode_fast(raw)
        if fast is not None:  # valid envelope and payload, validated in one pass
            key = (fast.type, fast.version)
            if self._carried is not None and key not in self._carried:
                return Refused("not-in-catalog", [self._refused(*key)])
            if not fast.fingerprint_matches:
                self._drifted(fast.type, fast.version, fast.fingerprint)
            handler = self.handlers.get(key)
            if handler is None:
                return Refused("no-handler", [self._no_handler(*key)])
            delivery = Delivery(self.stream, entry_id, deliveries, fast)
            return Routed(handler, fast.data, delivery)
        try:
            envelope, instance = self.codec.open_envelope(raw)
        except ContractViolation as exc:
            return invalid(exc)
        key = (envelope.type, envelope.version)
        try:
            validator = self.codec.contracts.for_message(*key)
        except UnknownContract:
            return Refused("unknown-contract", self._unknown(*key))
        if self._carried is not None and key not in self._carried:
            return Refused("not-in-catalog", [self._refused(*key)])
        if envelope.fingerprint != validator.fingerprint:
            self._drifted(*key, envelope.fingerprint)
        try:
            message = self.codec.payload(envelope, instance, validator)
        except ContractViolation as exc:
            return invalid(exc)
        handler = self.handlers.get(key)
        if handler is None:
            return Refused("no-handler", [self._no_handler(*key)])
        delivery = Delivery(self.stream, entry_id, deliveries, message)
        return Routed(handler, message.data, delivery)

    def _refused(self, message_type: str, version: int) -> dict[str, str]:
        assert self.catalog is not None
        carried = ", ".join(
            f"{t} v{v}" for t, v in sorted(self.catalog.stream_types[self.stream])
        )
        expected = f"a type stream {self.stream} carries ({carried})"
        return violation("/type", expected, f"{message_type} v{version}")

    def _no_handler(self, message_type: str, version: int) -> dict[str, str]:
        known = ", ".join(f"{t} v{v}" for t, v in sorted(self.handlers)) or "none"
        expected = f"a type with a handler in group {self.group} ({known})"
        return violation("/type", expected, f"{message_type} v{version}")

    def _drifted(self, message_type: str, version: int, fingerprint: str) -> None:
        """Count a message built from another contract; log the first of each kind."""
        drift_key = (message_type, version, fingerprint)
        if drift_key not in self.drift:
            ours = self.codec.contracts.for_message(message_type, version).fingerprint
            log.warning(
                "contract drift: %s v%s arrives with fingerprint %s, ours is %s",
                message_type, version, fingerprint, ours,
            )  # fmt: skip
        self.drift[drift_key] += 1

    def _unknown(self, message_type: str, version: int) -> list[dict[str, str]]:
        versions = sorted(
            v.version
            for n in self.codec.contracts.names()
            if (v := self.codec.contracts.get(n)).message_type == message_type
            and v.version is not None
        )
        if versions:
            expected = f"one of {json.dumps(versions)}"
            return [violation("/version", expected, str(version))]
        got = json.dumps(message_type)
        return [violation("/type", "a message type of this package", got)]
