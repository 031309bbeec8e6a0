"""Inspect and replay a dead-letter stream (``contracts dlq list|replay``).

Replay validates each entry again; a valid one goes back on its stream and leaves
the dead-letter stream in one ``MULTI``, an invalid one stays where it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis

from runtime.catalog import Catalog
from runtime.envelope import Codec
from runtime.errors import ContractViolation, UnknownContract
from runtime.streams import FIELD, dead_letter_key, stream_key


@dataclass(frozen=True)
class DeadEntry:
    id: str
    reason: str
    errors: list[Any]
    source_entry: str
    deliveries: int
    time: str
    envelope: bytes


@dataclass
class ReplayReport:
    replayed: list[str]
    still_invalid: list[tuple[str, str]]


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def list_dead(client: redis.Redis, stream: str, count: int = 100) -> list[DeadEntry]:
    """The oldest ``count`` entries of the stream's dead-letter stream."""
    entries = []
    rows: Any = client.xrange(dead_letter_key(stream), count=count)
    for entry_id, fields in rows or []:
        get: dict[str, Any] = {_text(k): v for k, v in (fields or {}).items()}
        try:
            errors = json.loads(get.get("dlq.errors", b"[]"))
        except ValueError:
            errors = [_text(get.get("dlq.errors", b""))]
        entries.append(
            DeadEntry(
                id=_text(entry_id),
                reason=_text(get.get("dlq.reason", b"?")),
                errors=errors,
                source_entry=_text(get.get("dlq.entry_id", b"")),
                deliveries=int(_text(get.get("dlq.deliveries", b"0")) or 0),
                time=_text(get.get("dlq.time", b"")),
                envelope=bytes(get.get(FIELD.decode(), b"")),
            )
        )
    return entries


def replay(
    client: redis.Redis,
    codec: Codec,
    stream: str,
    ids: list[str] | None = None,
    catalog: Catalog | None = None,
) -> ReplayReport:
    """Validate dead-lettered entries again; move the valid ones back to the stream."""
    catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
    report = ReplayReport([], [])
    wanted = set(ids) if ids else None
    for entry in list_dead(client, stream, count=10_000):
        if wanted is not None and entry.id not in wanted:
            continue
        try:
            message = codec.decode(entry.envelope)
        except (ContractViolation, UnknownContract, ValueError) as exc:
            report.still_invalid.append((entry.id, str(exc).splitlines()[0]))
            continue
        if catalog is not None and not catalog.allows(
            stream, message.type, message.version
        ):
            reason = f"{message.type} v{message.version} is not carried by {stream}"
            report.still_invalid.append((entry.id, reason))
            continue
        pipe = client.pipeline(transaction=True)
        pipe.xadd(stream_key(stream), {FIELD: entry.envelope})
        pipe.xdel(dead_letter_key(stream), entry.id)
        pipe.execute()
        report.replayed.append(entry.id)
    return report
