"""Redis Streams: validated publish, and consumers that never lose a message.

Wire layout: ``docs/wire.md``. A :class:`Publisher` validates a payload, wraps it in
the envelope and ``XADD`` s it to ``stream:{name}``. A :class:`Consumer` (or
:class:`AsyncConsumer`) reads a consumer group in batches, validates each entry,
dispatches it to the handler of its type and major version, and acknowledges the
successes with one ``XACK`` per batch. Invalid entries move to ``stream:{name}:dlq``
in the same ``MULTI`` as their ack; a failing handler leaves the entry pending, to be
reclaimed after ``claim_idle_ms`` and dead-lettered past ``max_deliveries``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import redis
import redis.asyncio
from pydantic import BaseModel

from runtime.catalog import Catalog
from runtime.contracts import ContractValidator
from runtime.envelope import Codec, Message, dumps
from runtime.errors import ContractViolation, RuntimeContractError, UnknownContract

log = logging.getLogger("runtime.streams")

FIELD = b"envelope"


def stream_key(stream: str) -> str:
    """The key of a catalogue stream; the braces are a Redis Cluster hash tag."""
    return f"stream:{{{stream}}}"


def dead_letter_key(stream: str) -> str:
    """The dead-letter stream of ``stream``: same hash tag, so same slot."""
    return f"stream:{{{stream}}}:dlq"


def retry_key(stream: str, group: str) -> str:
    """The retry stream of one consumer group: replays of that group's dead letters go
    here, so only the group that dead-lettered a message gets it again. Same hash tag as
    the stream, so the same cluster slot."""
    return f"stream:{{{stream}}}:retry:{group}"


class NotInCatalog(RuntimeContractError):
    """The catalogue does not allow this message type on this stream."""


class Delivery(NamedTuple):
    """What a handler is told besides the payload (immutable)."""

    stream: str
    entry_id: str
    deliveries: int
    message: Message


@dataclass
class BatchResult:
    handled: int = 0
    dead_lettered: int = 0
    failed: int = 0
    claimed: int = 0

    def __iadd__(self, other: BatchResult) -> BatchResult:
        self.handled += other.handled
        self.dead_lettered += other.dead_lettered
        self.failed += other.failed
        self.claimed += other.claimed
        return self


Outgoing = BaseModel | tuple[dict[str, Any], str, int]


class Publisher:
    """Validates, wraps and ``XADD`` s messages (sync)."""

    def __init__(
        self,
        client: redis.Redis,
        codec: Codec,
        *,
        catalog: Catalog | None = None,
        maxlen: int | None = None,
    ) -> None:
        self.client = client
        self.codec = codec
        self.catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
        self.maxlen = maxlen
        self._allowed: dict[Any, ContractValidator] = {}  # checked (stream, type)

    def encode(
        self,
        stream: str,
        item: Outgoing,
        *,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        """The envelope bytes of ``item``, validated, if the catalogue allows it on
        ``stream`` (the check is made once per stream and type)."""
        if isinstance(item, BaseModel):
            key: Any = (stream, type(item))
            payload = item.model_dump(mode="json", by_alias=True, exclude_unset=True)
        else:
            payload, message_type, version = item
            key = (stream, message_type, version)
        validator = self._allowed.get(key)
        if validator is None:
            validator = self._allowed[key] = self._check(stream, item)
        return self.codec.seal(validator, payload, trace, correlation_id, message_id)

    def _check(self, stream: str, item: Outgoing) -> ContractValidator:
        """The contract of an item, if the catalogue allows it on ``stream``."""
        if isinstance(item, BaseModel):
            validator = self.codec.contract_of(item)
        else:
            validator = self.codec.contracts.for_message(item[1], item[2])
        assert validator.message_type is not None and validator.version is not None
        if self.catalog is not None and not self.catalog.allows(
            stream, validator.message_type, validator.version
        ):
            raise NotInCatalog(
                f"the catalogue does not allow {validator.message_type}"
                f" v{validator.version} on stream {stream}"
            )
        return validator

    def publish(
        self,
        stream: str,
        item: Outgoing,
        *,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> str:
        """Publish one message; returns the entry id."""
        raw = self.encode(
            stream,
            item,
            trace=trace,
            correlation_id=correlation_id,
            message_id=message_id,
        )
        command = self._xadd(stream_key(stream), raw)
        return _text(self.client.execute_command(*command))  # type: ignore[no-untyped-call]

    def _xadd(self, key: str, raw: bytes) -> tuple[Any, ...]:
        """``XADD key [MAXLEN ~ n] * envelope <raw>`` (the command, without
        redis-py's argument handling: this is the hot path of a batch)."""
        if self.maxlen is None:
            return ("XADD", key, "*", FIELD, raw)
        return ("XADD", key, "MAXLEN", "~", self.maxlen, "*", FIELD, raw)

    def publish_many(
        self, stream: str, items: Iterable[Outgoing], batch: int = 100
    ) -> list[str]:
        """Validate every message first (nothing is written if one is invalid),
        then publish them in pipelines of ``batch``."""
        encoded = [self.encode(stream, item) for item in items]
        key = stream_key(stream)
        ids: list[str] = []
        for start in range(0, len(encoded), batch):
            pipe = self.client.pipeline(transaction=False)
            for raw in encoded[start : start + batch]:
                pipe.execute_command(*self._xadd(key, raw))  # type: ignore[no-untyped-call]
            ids += [_text(i) for i in pipe.execute()]
        return ids


Handler = Callable[[Any, Delivery], Any]


@dataclass
class _Outcome:
    acks: list[str] = field(default_factory=list)
    dead: list[tuple[str, dict[bytes, bytes], str, list[dict[str, str]], int]] = field(
        default_factory=list
    )
    result: BatchResult = field(default_factory=BatchResult)


class _ConsumerCore:
    """What sync and async consumers share: decoding, routing, dead-letter fields."""

    def __init__(
        self,
        codec: Codec,
        stream: str,
        group: str,
        consumer: str,
        *,
        catalog: Catalog | None,
        batch: int,
        block_ms: int,
        claim_idle_ms: int,
        max_deliveries: int,
        claim_every_ms: int | None = None,
    ) -> None:
        self.codec = codec
        self.stream = stream
        self.key = stream_key(stream)
        self.dlq = dead_letter_key(stream)
        self.group = group
        self.consumer = consumer
        self.catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
        self.batch = batch
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        # XAUTOCLAIM at most this often (the first cycle always claims): an entry
        # is reclaimed between claim_idle_ms and claim_idle_ms + claim_every_ms.
        self.claim_every_ms = (
            claim_every_ms if claim_every_ms is not None else claim_idle_ms // 4
        )
        self._next_claim = 0.0  # time.monotonic() of the next claim
        self.max_deliveries = max_deliveries
        self.handlers: dict[tuple[str, int], Handler] = {}
        self.drift: Counter[tuple[str, int, str]] = Counter()
        self.last_errors: dict[str, str] = {}  # entry id -> last handler failure
        if self.catalog is not None and stream not in self.catalog.stream_types:
            raise NotInCatalog(f"stream {stream} is not in the catalogue")
        # The (type, version) pairs the stream carries; None: no catalogue.
        self._carried = (
            self.catalog.stream_types[stream] if self.catalog is not None else None
        )

    def _claim_due(self) -> bool:
        return time.monotonic() >= self._next_claim

    def _claimed(self, count: int) -> None:
        """Schedule the next claim; at once when a full batch came back."""
        self._next_claim = (
            0.0 if count >= self.batch else time.monotonic() + self.claim_every_ms / 1e3
        )

    def on(self, message_type: str, version: int) -> Callable[[Handler], Handler]:
        """Register the handler of a message type and major version."""
        self.codec.contracts.for_message(message_type, version)  # must exist

        def register(handler: Handler) -> Handler:
            self.handlers[(message_type, version)] = handler
            return handler

        return register

    def route(
        self, entry_id: str, fields: dict[bytes, bytes], deliveries: int, out: _Outcome
    ) -> tuple[Handler, Any, Delivery] | None:
        """Check one entry (envelope, contract, catalogue, payload, handler, in that
        order, as the Node consumer does); ``None`` when it was dead-lettered."""

        def dead(reason: str, errors: list[dict[str, str]]) -> None:
            out.dead.append((entry_id, fields, reason, errors, deliveries))

        if deliveries > self.max_deliveries:
            last = self.last_errors.pop(entry_id, None)
            dead("delivery-limit", [{"error": last}] if last else [])
            return None
        raw = fields.get(FIELD)
        if raw is None:
            names = json.dumps([k.decode(errors="replace") for k in fields])
            dead("invalid", [_v("", 'a field "envelope"', f"fields {names}")])
            return None
        try:
            self.codec.envelope.check_limits(raw)
        except ContractViolation as exc:
            dead("invalid", [v.as_dict() for v in exc.violations])
            return None
        fast = self.codec.decode_fast(raw)
        if fast is not None:  # valid envelope and payload, validated in one pass
            key = (fast.type, fast.version)
            if self._carried is not None and key not in self._carried:
                dead("not-in-catalog", [self._refused(fast.type, fast.version)])
                return None
            if not fast.fingerprint_matches:
                self._drifted(fast.type, fast.version, fast.fingerprint)
            handler = self.handlers.get(key)
            if handler is None:
                dead("no-handler", [self._no_handler(fast.type, fast.version)])
                return None
            return handler, fast.data, Delivery(self.stream, entry_id, deliveries, fast)
        try:
            envelope, instance = self.codec.open_envelope(raw)
        except ContractViolation as exc:
            dead("invalid", [v.as_dict() for v in exc.violations])
            return None
        message_type, version = envelope.type, envelope.version
        try:
            validator = self.codec.contracts.for_message(message_type, version)
        except UnknownContract:
            dead("unknown-contract", self._unknown(message_type, version))
            return None
        key = (message_type, version)
        if self._carried is not None and key not in self._carried:
            dead("not-in-catalog", [self._refused(message_type, version)])
            return None
        if envelope.fingerprint != validator.fingerprint:
            self._drifted(message_type, version, envelope.fingerprint)
        try:
            message = self.codec.payload(envelope, instance, validator)
        except ContractViolation as exc:
            dead("invalid", [v.as_dict() for v in exc.violations])
            return None
        handler = self.handlers.get(key)
        if handler is None:
            dead("no-handler", [self._no_handler(message_type, version)])
            return None
        return (
            handler,
            message.data,
            Delivery(self.stream, entry_id, deliveries, message),
        )

    def _refused(self, message_type: str, version: int) -> dict[str, str]:
        assert self.catalog is not None
        carried = ", ".join(
            f"{t} v{v}" for t, v in sorted(self.catalog.stream_types[self.stream])
        )
        expected = f"a type stream {self.stream} carries ({carried})"
        return _v("/type", expected, f"{message_type} v{version}")

    def _no_handler(self, message_type: str, version: int) -> dict[str, str]:
        known = ", ".join(f"{t} v{v}" for t, v in sorted(self.handlers)) or "none"
        expected = f"a type with a handler in group {self.group} ({known})"
        return _v("/type", expected, f"{message_type} v{version}")

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
            return [_v("/version", f"one of {json.dumps(versions)}", str(version))]
        return [_v("/type", "a message type of this package", json.dumps(message_type))]

    def dead_fields(
        self,
        entry_id: str,
        fields: dict[bytes, bytes],
        reason: str,
        errors: list[dict[str, str]],
        deliveries: int,
    ) -> dict[Any, Any]:
        out: dict[Any, Any] = dict(fields)
        out.update(
            {
                "dlq.reason": reason,
                "dlq.errors": dumps(errors),
                "dlq.stream": self.key,
                "dlq.entry_id": entry_id,
                "dlq.group": self.group,
                "dlq.consumer": self.consumer,
                "dlq.deliveries": str(deliveries),
                "dlq.time": datetime.now(UTC)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
            }
        )
        return out


class Consumer(_ConsumerCore):
    """A consumer-group member (sync). ``run`` loops; ``run_once`` does one batch."""

    def __init__(
        self,
        client: redis.Redis,
        codec: Codec,
        stream: str,
        group: str,
        consumer: str,
        *,
        catalog: Catalog | None = None,
        batch: int = 100,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
        max_deliveries: int = 5,
        claim_every_ms: int | None = None,
    ) -> None:
        super().__init__(
            codec, stream, group, consumer, catalog=catalog, batch=batch,
            block_ms=block_ms, claim_idle_ms=claim_idle_ms,
            max_deliveries=max_deliveries, claim_every_ms=claim_every_ms,
        )  # fmt: skip
        self.client = client

    def ensure_group(self, start: str = "$") -> None:
        """Create the group (and the stream): ``$`` for new entries, ``0`` for all."""
        try:
            self.client.xgroup_create(self.key, self.group, id=start, mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _claim(self) -> list[tuple[str, dict[bytes, bytes], int]]:
        if not self._claim_due():
            return []
        reply = self.client.xautoclaim(
            self.key,
            self.group,
            self.consumer,
            self.claim_idle_ms,
            "0-0",
            count=self.batch,
        )
        entries = [(_text(i), f) for i, f in reply[1] if f is not None]
        self._claimed(len(reply[1]))
        if not entries:
            return []
        counts = _delivery_counts(
            self.client.xpending_range(
                self.key, self.group, entries[0][0], entries[-1][0], len(entries) * 2,
                consumername=self.consumer,
            )
        )  # fmt: skip
        return [(i, f, counts.get(i, 1)) for i, f in entries]

    def run_once(self) -> BatchResult:
        """Reclaim stuck entries, read a batch, handle, ack, dead-letter."""
        try:
            claimed = self._claim()
            block = None if claimed else self.block_ms
            reply: Any = self.client.xreadgroup(
                self.group,
                self.consumer,
                {self.key: ">"},
                count=self.batch,
                block=block,
            )
        except redis.ResponseError as exc:
            if "NOGROUP" in str(exc):
                log.warning(
                    "group %s on %s vanished; creating it again", self.group, self.key
                )
                self.ensure_group(start="0")
                return BatchResult()
            raise
        fresh = [(_text(i), f, 1) for _, entries in reply or [] for i, f in entries]
        out = _Outcome()
        out.result.claimed = len(claimed)
        for entry_id, fields, deliveries in claimed + fresh:
            routed = self.route(entry_id, fields, deliveries, out)
            if routed is None:
                continue
            handler, data, delivery = routed
            try:
                handler(data, delivery)
            except Exception:
                log.exception(
                    "handler failed on %s %s; left pending", self.key, entry_id
                )
                out.result.failed += 1
            else:
                out.acks.append(entry_id)
        self._settle(out)
        return out.result

    def _settle(self, out: _Outcome) -> None:
        """Dead letters and every ack of the batch: one MULTI (or one XACK)."""
        dead_ids = [d[0] for d in out.dead]
        if out.dead:
            pipe = self.client.pipeline(transaction=True)
            for dead in out.dead:
                pipe.xadd(self.dlq, self.dead_fields(*dead))
            pipe.xack(self.key, self.group, *dead_ids, *out.acks)
            pipe.execute()
        elif out.acks:
            self.client.xack(self.key, self.group, *out.acks)
        out.result.dead_lettered = len(out.dead)
        out.result.handled = len(out.acks)

    def run(
        self, stop: threading.Event | None = None, backoff: float = 0.5
    ) -> BatchResult:
        """Loop until ``stop`` is set (the batch in hand is finished first)."""
        total = BatchResult()
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                total += self.run_once()
            except redis.ConnectionError as exc:
                log.warning("redis unavailable (%s); retrying in %.1fs", exc, backoff)
                stop.wait(backoff)
        return total


class AsyncConsumer(_ConsumerCore):
    """The asyncio twin of :class:`Consumer`; handlers may be coroutines."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        codec: Codec,
        stream: str,
        group: str,
        consumer: str,
        *,
        catalog: Catalog | None = None,
        batch: int = 100,
        block_ms: int = 1000,
        claim_idle_ms: int = 30_000,
        max_deliveries: int = 5,
        claim_every_ms: int | None = None,
    ) -> None:
        super().__init__(
            codec, stream, group, consumer, catalog=catalog, batch=batch,
            block_ms=block_ms, claim_idle_ms=claim_idle_ms,
            max_deliveries=max_deliveries, claim_every_ms=claim_every_ms,
        )  # fmt: skip
        self.client = client

    async def ensure_group(self, start: str = "$") -> None:
        try:
            await self.client.xgroup_create(
                self.key, self.group, id=start, mkstream=True
            )
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def run_once(self) -> BatchResult:
        try:
            entries: list[tuple[str, dict[bytes, bytes]]] = []
            if self._claim_due():
                reply = await self.client.xautoclaim(
                    self.key, self.group, self.consumer, self.claim_idle_ms, "0-0",
                    count=self.batch,
                )  # fmt: skip
                entries = [(_text(i), f) for i, f in reply[1] if f is not None]
                self._claimed(len(reply[1]))
            claimed: list[tuple[str, dict[bytes, bytes], int]] = []
            if entries:
                pending = await self.client.xpending_range(
                    self.key, self.group, entries[0][0], entries[-1][0],
                    len(entries) * 2, consumername=self.consumer,
                )  # fmt: skip
                counts = _delivery_counts(pending)
                claimed = [(i, f, counts.get(i, 1)) for i, f in entries]
            block = None if claimed else self.block_ms
            read: Any = await self.client.xreadgroup(
                self.group,
                self.consumer,
                {self.key: ">"},
                count=self.batch,
                block=block,
            )
        except redis.ResponseError as exc:
            if "NOGROUP" in str(exc):
                log.warning(
                    "group %s on %s vanished; creating it again", self.group, self.key
                )
                await self.ensure_group(start="0")
                return BatchResult()
            raise
        fresh = [(_text(i), f, 1) for _, items in read or [] for i, f in items]
        out = _Outcome()
        out.result.claimed = len(claimed)
        for entry_id, fields, deliveries in claimed + fresh:
            routed = self.route(entry_id, fields, deliveries, out)
            if routed is None:
                continue
            handler, data, delivery = routed
            try:
                result = handler(data, delivery)
                if isinstance(result, Awaitable):
                    await result
            except Exception:
                log.exception(
                    "handler failed on %s %s; left pending", self.key, entry_id
                )
                out.result.failed += 1
            else:
                out.acks.append(entry_id)
        dead_ids = [d[0] for d in out.dead]
        if out.dead:
            async with self.client.pipeline(transaction=True) as pipe:
                for dead in out.dead:
                    pipe.xadd(self.dlq, self.dead_fields(*dead))
                pipe.xack(self.key, self.group, *dead_ids, *out.acks)
                await pipe.execute()
        elif out.acks:
            await self.client.xack(self.key, self.group, *out.acks)
        out.result.dead_lettered = len(out.dead)
        out.result.handled = len(out.acks)
        return out.result

    async def run(self, stop: Any = None, backoff: float = 0.5) -> BatchResult:
        """Loop until ``stop`` (an ``asyncio.Event``) is set."""
        import asyncio

        total = BatchResult()
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                total += await self.run_once()
            except redis.ConnectionError as exc:
                log.warning("redis unavailable (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
        return total


def _v(pointer: str, expected: str, got: str) -> dict[str, str]:
    return {"pointer": pointer, "expected": expected, "got": got}


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _delivery_counts(pending: list[dict[str, Any]]) -> dict[str, int]:
    return {_text(p["message_id"]): int(p["times_delivered"]) for p in pending}
