"""The consumer's sans-IO core: one batch as Redis commands and handler calls.

:meth:`ConsumerCore.cycle` yields the commands of a batch (``XAUTOCLAIM`` of idle
entries, ``XPENDING`` for their delivery counts, ``XREADGROUP``, then the dead
letters and acks in one script, ``SETTLE``) and the handler calls, and takes their
replies (:mod:`runtime._sansio`). The sync and asyncio shells
(:mod:`runtime.streams.shells`) only send and call. A group reads two keys: its
stream and its retry stream (``retry_key``), where replays of its own dead letters
arrive.
"""

from __future__ import annotations

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypedDict

import redis

from runtime._sansio import Call, Command, Send, Steps, command
from runtime.catalog import Catalog
from runtime.envelope import Codec, dumps
from runtime.streams.keys import dead_letter_key, retry_key, stream_key, text
from runtime.streams.routing import Refused, Router
from runtime.telemetry import Telemetry

log = logging.getLogger("runtime.streams")

LAST_ERRORS_KEPT = 10_000  # handler failures remembered for delivery-limit letters

# Dead letters and acks of one batch, atomically. The server copies each entry's
# own fields into the dead letter (XRANGE of its id), so the client never sends a
# payload back: a batch of huge entries costs the client what it read, not twice
# that. KEYS: the dead-letter stream, the stream, the retry stream. ARGV: group,
# MAXLEN ('' for none), the number of dead letters; then per dead letter: its key's
# index in KEYS (0-based), its id, the number of dlq.* fields and those fields;
# then per key to ack: its index, the number of ids, the ids. Lua unpacks at most
# ~8,000 values: an entry of more than COPIED_FIELDS fields is sent by the client
# (XADD just before the script, which acks it; a cluster pipeline cannot hold EVAL).
COPIED_FIELDS = 1000
SETTLE = """
local group, maxlen, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  local source, id = KEYS[tonumber(ARGV[i]) + 1], ARGV[i + 1]
  local extra = tonumber(ARGV[i + 2])
  i = i + 3
  local fields = {}
  local found = redis.call('XRANGE', source, id, id)
  if found[1] then fields = found[1][2] end
  for j = 0, extra * 2 - 1 do fields[#fields + 1] = ARGV[i + j] end
  i = i + extra * 2
  if maxlen == '' then
    redis.call('XADD', KEYS[1], '*', unpack(fields))
  else
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(fields))
  end
end
while i <= #ARGV do
  local source, count = KEYS[tonumber(ARGV[i]) + 1], tonumber(ARGV[i + 1])
  redis.call('XACK', source, group, unpack(ARGV, i + 2, i + 1 + count))
  i = i + 2 + count
end
return n
"""
# The dead-letter stream's default bound: XADD MAXLEN ~ this (None: unbounded).
DEAD_LETTER_MAXLEN = 10_000


class ConsumerOptions(TypedDict, total=False):
    """The keyword options of a consumer (both shells)."""

    catalog: Catalog | None
    batch: int
    block_ms: int
    claim_idle_ms: int
    max_deliveries: int
    claim_every_ms: int | None
    dead_letter_maxlen: int | None
    telemetry: Telemetry | None


@dataclass
class BatchResult:
    handled: int = 0
    dead_lettered: int = 0
    failed: int = 0
    claimed: int = 0
    trimmed: int = 0  # pending entries MAXLEN had trimmed (dead-lettered, no payload)

    def __iadd__(self, other: BatchResult) -> BatchResult:
        self.handled += other.handled
        self.dead_lettered += other.dead_lettered
        self.failed += other.failed
        self.claimed += other.claimed
        self.trimmed += other.trimmed
        return self


class Entry(NamedTuple):
    key: str  # the stream or the group's retry stream
    entry_id: str
    fields: dict[bytes, bytes]
    deliveries: int


class DeadLetter(NamedTuple):
    entry: Entry
    reason: str
    errors: list[dict[str, str]]
    omitted: int = 0  # violations beyond MAX_VIOLATIONS, not listed


def trace_of(message: Any) -> dict[str, str] | None:
    """The producer's W3C trace context an envelope carries, if any."""
    trace = getattr(message.envelope, "trace", None)
    if trace is None:
        return None
    out = {"traceparent": str(trace.traceparent)}
    if getattr(trace, "tracestate", None):
        out["tracestate"] = str(trace.tracestate)
    return out


def _refused_script(reply: Any) -> bool:
    """Is this the answer of a Redis that does not let this client run scripts?"""
    if not isinstance(reply, redis.ResponseError):
        return False
    text = str(reply).lower()
    return "noperm" in text or "no permissions" in text or "unknown command" in text


class ConsumerCore(Router):
    """What a consumer-group member decides; its shells do the I/O."""

    def __init__(
        self,
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
        dead_letter_maxlen: int | None = DEAD_LETTER_MAXLEN,
        telemetry: Telemetry | None = None,
    ) -> None:
        super().__init__(codec, stream, group, catalog)
        self.telemetry = telemetry or Telemetry()
        self._where = {
            "messaging.destination.name": stream,
            "messaging.consumer.group.name": group,
        }
        # (type, version) -> the attributes of its duration metrics
        self._attributes: dict[tuple[str, int], tuple[dict[str, str], ...]] = {}
        self.dead_letter_maxlen = dead_letter_maxlen
        self.key = stream_key(stream)
        self.dlq = dead_letter_key(stream)
        self.retry = retry_key(stream, group)
        self.consumer = consumer
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
        # (key, entry id) -> the last handler failure, oldest first, bounded.
        self.last_errors: dict[tuple[str, str], str] = {}
        self.recovered = 0  # times the stream or group was created again
        # Settle with SETTLE; False once Redis refused scripts (ACL, EVAL disabled).
        self.scripting = True

    # -- operations (generators the shells drive) ------------------------------

    def create_groups(self, start: str = "$") -> Steps[None]:
        """Create the group (and the stream): ``$`` for new entries, ``0`` for all;
        and the group on its retry stream, from its start."""
        for key, first in ((self.key, start), (self.retry, "0")):
            create = command("xgroup_create", key, self.group, id=first, mkstream=True)
            reply = yield Send((create,))
            if isinstance(reply, redis.ResponseError) and "BUSYGROUP" not in str(reply):
                raise reply

    def cycle(self) -> Steps[BatchResult]:
        """One batch: reclaim idle entries, read new ones, handle, ack, dead-letter."""
        result = BatchResult()
        dead: list[DeadLetter] = []
        entries: list[Entry] = []
        tel = self.telemetry
        metering, tracing = tel.metering, tel.tracing
        times: dict[tuple[str, int, str], list[float]] = {}
        if self._claim_due():
            if metering:
                yield from self._observe_group()
            claimed = yield from self._claim(dead)
            if claimed is None:
                return (yield from self._recover())
            entries += claimed
            result.claimed = len(claimed)
            result.trimmed = len(dead)
        read = command(
            "xreadgroup", self.group, self.consumer, {self.key: ">", self.retry: ">"},
            count=self.batch, block=None if entries else self.block_ms,
        )  # fmt: skip
        reply = yield Send((read,))
        if isinstance(reply, redis.ResponseError):
            self._vanished(reply)
            return (yield from self._recover())
        for key, items in reply[0] or []:
            entries += [Entry(text(key), text(i), f, 1) for i, f in items]
        if entries and tracing:
            with tel.receive(self.stream, self.group, len(entries)):
                pass
        acks: list[Entry] = []
        for entry in entries:
            if entry.deliveries > self.max_deliveries:
                last = self.last_errors.pop(entry[:2], None)
                errors = [{"error": last}] if last else []
                dead.append(DeadLetter(entry, "delivery-limit", errors))
                continue
            started = time.perf_counter() if metering else 0.0
            routed = self.route(entry.entry_id, entry.fields, entry.deliveries)
            if isinstance(routed, Refused):
                dead.append(DeadLetter(entry, *routed))
                if tracing:
                    with tel.process(self.stream, self.group, None, None) as span:
                        Telemetry.error(span, routed.reason)
                continue
            message = routed.delivery.message
            parent = trace_of(message) if tracing else None
            # made a string only for a span that records
            message_id = message.envelope.id if tracing else None
            scope = (
                tel.process(self.stream, self.group, message_id, parent)
                if parent
                else nullcontext()
            )
            with scope as span:
                handling = time.perf_counter() if metering else 0.0
                error = yield Call(routed.handler, (routed.data, routed.delivery))
                if error is not None:
                    Telemetry.error(span, type(error).__qualname__)
            if error is not None and tracing and parent is None:
                with tel.process(self.stream, self.group, message_id, None) as span:
                    Telemetry.error(span, type(error).__qualname__)
            if metering:
                self._timed(times, message, started, handling, error)
            if error is None:
                acks.append(entry)
                self.last_errors.pop(entry[:2], None)
            else:
                log.error(
                    "handler failed on %s %s; left pending", entry.key, entry.entry_id,
                    exc_info=error,
                )  # fmt: skip
                self._remember(entry, error)
                result.failed += 1
        with tel.settle(self.stream, self.group, len(dead) + len(acks)):
            reply = yield from self._settle(dead, acks)
        if isinstance(reply, redis.ResponseError):
            self._vanished(reply)
            return (yield from self._recover())
        result.dead_lettered = len(dead)
        result.handled = len(acks)
        if metering:
            self._count(dead, len(acks))
            self._record(times)
        return result

    def _timed(
        self,
        times: dict[tuple[str, int, str], list[float]],
        message: Any,
        started: float,
        handling: float,
        error: Any,
    ) -> None:
        """Add one message's validation and handler durations to the batch's."""
        done = time.perf_counter()
        failed = "" if error is None else type(error).__qualname__
        acc = times.setdefault((message.type, message.version, failed), [0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += handling - started
        acc[2] += done - handling

    def _record(self, times: dict[tuple[str, int, str], list[float]]) -> None:
        """The batch's durations: per contract (and handler error), the mean per
        message over the batch, one value each (one per message would cost more
        than the message itself in the SDK)."""
        tel = self.telemetry
        for (message_type, version, failed), (n, validating, handling) in times.items():
            key = (message_type, version)
            attrs = self._attributes.get(key)
            if attrs is None:
                contract = {"contract": f"{message_type}.v{version}"}
                attrs = self._attributes[key] = (contract, {**self._where, **contract})
            tel.record("contracts.validation.duration", validating / n, attrs[0])
            where = {**attrs[1], "error.type": failed} if failed else attrs[1]
            tel.record("contracts.handler.duration", handling / n, where)

    def _drifted(self, message_type: str, version: int, fingerprint: str) -> None:
        super()._drifted(message_type, version, fingerprint)
        self.telemetry.count(
            "contracts.drift",
            {"contract": f"{message_type}.v{version}", "fingerprint": fingerprint},
        )

    def _count(self, dead: list[DeadLetter], handled: int) -> None:
        """The batch's consumed, invalid and dead-lettered counts."""
        tel = self.telemetry
        tel.count("contracts.messages.consumed", self._where, handled)
        for d in dead:
            tel.count(
                "contracts.messages.dead_lettered", {**self._where, "reason": d.reason}
            )
            if d.reason not in ("delivery-limit", "trimmed"):
                tel.count(
                    "contracts.messages.invalid",
                    {"messaging.destination.name": self.stream, "reason": d.reason},
                )

    def _observe_group(self) -> Steps[None]:
        """The group's pending count and lag (``XINFO GROUPS``) for the gauges."""
        reply = yield Send((command("xinfo_groups", self.key),))
        if isinstance(reply, redis.ResponseError):
            return
        for info in reply[0]:
            if text(info.get("name", b"")) == self.group:
                lag = info.get("lag")
                self.telemetry.observe_group(
                    self.stream,
                    self.group,
                    pending=int(info.get("pending", 0)),
                    lag=None if lag is None else int(lag),
                )

    # -- steps ----------------------------------------------------------------

    def _claim(self, dead: list[DeadLetter]) -> Steps[list[Entry] | None]:
        """Idle entries of both keys, with their delivery counts (``None``: the
        group or stream vanished). Entries trimmed while pending are added to
        ``dead``, as ``trimmed``, by their ids."""
        reply = yield Send(
            tuple(
                command(
                    "xautoclaim",
                    key,
                    self.group,
                    self.consumer,
                    self.claim_idle_ms,
                    "0-0",
                    count=self.batch,
                )  # fmt: skip
                for key in (self.key, self.retry)
            )
        )
        if isinstance(reply, redis.ResponseError):
            self._vanished(reply)
            return None
        found: list[tuple[str, str, dict[bytes, bytes]]] = []
        most = 0
        for key, (_, items, *rest) in zip((self.key, self.retry), reply, strict=True):
            most = max(most, len(items))
            gone = [text(i) for i in rest[0]] if rest else []
            for i, fields in items:
                if fields is None:  # Redis 6.2 returns trimmed entries as nil
                    gone.append(text(i))
                else:
                    found.append((key, text(i), fields))
            for entry_id in gone:
                log.warning(
                    "entry %s of %s was trimmed (MAXLEN) while pending in group %s;"
                    " dead-lettered as trimmed", entry_id, key, self.group,
                )  # fmt: skip
                dead.append(DeadLetter(Entry(key, entry_id, {}, 0), "trimmed", []))
        self._claimed(most)
        if not found:
            return []
        ranges: dict[str, list[str]] = {}
        for key, entry_id, _ in found:
            ranges.setdefault(key, []).append(entry_id)
        reply = yield Send(
            tuple(
                command(
                    "xpending_range",
                    key,
                    self.group,
                    ids[0],
                    ids[-1],
                    len(ids) * 2,
                    consumername=self.consumer,
                )  # fmt: skip
                for key, ids in ranges.items()
            )
        )
        if isinstance(reply, redis.ResponseError):
            self._vanished(reply)
            return None
        counts = {
            (key, text(p["message_id"])): int(p["times_delivered"])
            for key, pending in zip(ranges, reply, strict=True)
            for p in pending
        }
        return [Entry(k, i, f, counts.get((k, i), 1)) for k, i, f in found]

    def _settle(
        self, dead: list[DeadLetter], acks: list[Entry]
    ) -> Steps[list[Any] | redis.ResponseError | None]:
        """Dead letters and every ack of the batch in one atomic step: one script
        (``SETTLE``) when there are dead letters, else one XACK a key."""
        ids: dict[str, list[str]] = {}
        for entry in [d.entry for d in dead] + acks:
            ids.setdefault(entry.key, []).append(entry.entry_id)
        if not dead:
            if not ids:
                return None
            reply: list[Any] | redis.ResponseError = yield Send(
                tuple(command("xack", k, self.group, *i) for k, i in ids.items())
            )
            return reply
        if self.scripting:
            maxlen = self.dead_letter_maxlen
            keys = (self.dlq, self.key, self.retry)
            copied = [d for d in dead if len(d.entry.fields) <= COPIED_FIELDS]
            args: list[Any] = [self.group, "" if maxlen is None else maxlen]
            args.append(len(copied))
            for d in copied:
                extra = self.dead_letter_fields(d)
                args += [keys.index(d.entry.key), d.entry.entry_id, len(extra)]
                for name, value in extra.items():
                    args += [name, value]
            for key, entry_ids in ids.items():
                args += [keys.index(key), len(entry_ids), *entry_ids]
            wide = [d for d in dead if len(d.entry.fields) > COPIED_FIELDS]
            if wide:  # written before the script acks them (a crash between the
                # two may write such a dead letter twice, never lose it)
                reply = yield Send(tuple(self._xadds(wide)))
                if isinstance(reply, redis.ResponseError):
                    return reply
            script = command("eval", SETTLE, len(keys), *keys, *args)
            reply = yield Send((script,))
            if not _refused_script(reply):
                return reply
            log.warning(
                "Redis refused the settle script (%s); dead letters of %s are sent"
                " by the client in a MULTI from now on", reply, self.key,
            )  # fmt: skip
            self.scripting = False
        xacks = [command("xack", k, self.group, *i) for k, i in ids.items()]
        reply = yield Send((*self._xadds(dead), *xacks), transaction=True)
        return reply

    def _xadds(self, dead: list[DeadLetter]) -> list[Command]:
        """Dead letters the client sends, fields and all."""
        maxlen = self.dead_letter_maxlen
        return [
            command(
                "xadd", self.dlq, self.dead_fields(d), maxlen=maxlen, approximate=True
            )
            for d in dead
        ]

    def _recover(self) -> Steps[BatchResult]:
        """The stream or the group is gone (deleted under the consumer): create it
        again, from the start, and go on with the next batch."""
        log.warning(
            "stream %s or its group %s vanished; creating them again",
            self.key, self.group,
        )  # fmt: skip
        self.recovered += 1
        yield from self.create_groups(start="0")
        return BatchResult()

    @staticmethod
    def _vanished(error: redis.ResponseError) -> None:
        """Raise ``error`` unless it says that the stream or the group is gone."""
        message = str(error)
        if "NOGROUP" not in message and "no longer exists" not in message:
            raise error

    # -- state ----------------------------------------------------------------

    def _claim_due(self) -> bool:
        return time.monotonic() >= self._next_claim

    def _claimed(self, count: int) -> None:
        """Schedule the next claim; at once when a full batch came back."""
        self._next_claim = (
            0.0 if count >= self.batch else time.monotonic() + self.claim_every_ms / 1e3
        )

    def _remember(self, entry: Entry, error: BaseException) -> None:
        key = entry[:2]
        self.last_errors.pop(key, None)
        self.last_errors[key] = f"{type(error).__name__}: {error}"
        if len(self.last_errors) > LAST_ERRORS_KEPT:
            del self.last_errors[next(iter(self.last_errors))]

    def dead_fields(self, dead: DeadLetter) -> dict[Any, Any]:
        """The dead-letter entry: the original fields and ``dlq.*`` fields."""
        out: dict[Any, Any] = dict(dead.entry.fields)
        out.update(self.dead_letter_fields(dead))
        return out

    def dead_letter_fields(self, dead: DeadLetter) -> dict[str, Any]:
        """The ``dlq.*`` fields a dead letter adds to the entry's own."""
        entry = dead.entry
        out: dict[str, Any] = {
            "dlq.reason": dead.reason,
            "dlq.errors": dumps(dead.errors),
            "dlq.stream": self.key,
            "dlq.entry_id": entry.entry_id,
            "dlq.group": self.group,
            "dlq.consumer": self.consumer,
            "dlq.deliveries": str(entry.deliveries),
            "dlq.time": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        if dead.omitted:
            out["dlq.errors_omitted"] = str(dead.omitted)
        return out
