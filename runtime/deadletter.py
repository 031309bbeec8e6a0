"""Inspect, replay and purge a dead-letter stream (``contracts dlq list|replay|purge``).

A dead letter records the group that gave up on it (``dlq.group``). A replay
validates the entry again and, when it is valid, moves it to that group's retry
stream (:func:`runtime.streams.retry_key`): only that group gets it again, the
other groups of the stream do not see it twice. The move is one Lua script per page
of entries, so it is atomic per entry: the script copies the original fields
(``dlq.*`` dropped, ``replay.of`` added) and deletes the dead letter only if the
dead letter is still there, so two replays running at once deliver each entry once.
It also creates the group on the retry stream, reading from its start, if it is not
there yet (a consumer that creates it later, at ``$``, finds it and misses nothing).

Every function pages through the whole dead-letter stream, up to the last entry it
held when the call began (entries dead-lettered meanwhile wait for the next run).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import redis
from redis.commands.core import Script

from runtime.catalog import Catalog
from runtime.connect import Client
from runtime.envelope import Codec
from runtime.errors import ContractViolation, UnknownContract
from runtime.streams import FIELD, dead_letter_key, retry_key, stream_key

PAGE = 500  # entries read per XRANGE (and moved per script call)
# A replayed entry's fields go through one Lua unpack(): Redis's Lua stack holds
# about 8,000 values. Consumers write one field (plus dlq.*); more is forged.
MAX_FIELDS = 1000

# KEYS[1]: the dead-letter stream; KEYS[2..]: retry streams (same hash tag).
# ARGV: triples (dead-letter id, index of its retry stream in KEYS, group).
# Returns the ids moved; an id no longer there (replayed or purged by another
# run meanwhile) is skipped.
MOVE = """
local moved = {}
for i = 1, #ARGV, 3 do
  local id, key, group = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2]
  local found = redis.call('XRANGE', KEYS[1], id, id)
  if #found == 1 then
    local fields, out = found[1][2], {}
    for j = 1, #fields, 2 do
      local name = fields[j]
      if string.sub(name, 1, 4) ~= 'dlq.' and string.sub(name, 1, 7) ~= 'replay.' then
        out[#out + 1] = name
        out[#out + 1] = fields[j + 1]
      end
    end
    out[#out + 1] = 'replay.of'
    out[#out + 1] = id
    redis.pcall('XGROUP', 'CREATE', key, group, '0', 'MKSTREAM')
    redis.call('XADD', key, '*', unpack(out))
    redis.call('XDEL', KEYS[1], id)
    moved[#moved + 1] = id
  end
end
return moved
"""


@dataclass(frozen=True)
class DeadEntry:
    id: str
    reason: str
    errors: list[Any]
    source_entry: str
    group: str
    deliveries: int
    time: str
    envelope: bytes
    fields: int = 0  # how many fields the entry has, dlq.* included


@dataclass(frozen=True)
class DeadFilter:
    """Which dead letters a command touches: all of them, or those matching every
    criterion given."""

    ids: frozenset[str] | None = None
    group: str | None = None
    reason: str | None = None

    def matches(self, entry: DeadEntry) -> bool:
        return (
            (self.ids is None or entry.id in self.ids)
            and (self.group is None or entry.group == self.group)
            and (self.reason is None or entry.reason == self.reason)
        )


@dataclass
class ReplayReport:
    replayed: list[str] = field(default_factory=list)
    still_invalid: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # moved or purged by another run


def _text(value: Any) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _entry(entry_id: Any, fields: Any) -> DeadEntry:
    get: dict[str, Any] = {_text(k): v for k, v in (fields or {}).items()}
    try:
        errors = json.loads(get.get("dlq.errors", b"[]"))
    except ValueError:
        errors = [_text(get.get("dlq.errors", b""))]
    deliveries = _text(get.get("dlq.deliveries", b"0"))
    return DeadEntry(
        id=_text(entry_id),
        reason=_text(get.get("dlq.reason", b"?")),
        errors=errors if isinstance(errors, list) else [errors],
        source_entry=_text(get.get("dlq.entry_id", b"")),
        group=_text(get.get("dlq.group", b"")),
        deliveries=int(deliveries)
        if deliveries.isascii() and deliveries.isdigit()
        else 0,
        time=_text(get.get("dlq.time", b"")),
        envelope=bytes(get.get(FIELD.decode(), b"")),
        fields=len(get),
    )


def pages(client: Client, stream: str, page: int = PAGE) -> Iterator[list[DeadEntry]]:
    """The dead letters of ``stream``, oldest first, ``page`` at a time, up to the
    newest one there when the walk began."""
    key = dead_letter_key(stream)
    newest: Any = client.xrevrange(key, count=1)
    if not newest:
        return
    end = _text(newest[0][0])
    start = "-"
    while True:
        rows: Any = client.xrange(key, min=start, max=end, count=page)
        if not rows:
            return
        yield [_entry(i, f) for i, f in rows]
        last = _text(rows[-1][0])
        if last == end:
            return
        start = f"({last}"


def count_dead(client: Client, stream: str) -> int:
    return int(client.xlen(dead_letter_key(stream)))


def list_dead(client: Client, stream: str, count: int = 100) -> list[DeadEntry]:
    """The oldest ``count`` entries of the stream's dead-letter stream."""
    rows: Any = client.xrange(dead_letter_key(stream), count=count)
    return [_entry(i, f) for i, f in rows or []]


def replay(
    client: Client,
    codec: Codec,
    stream: str,
    wanted: DeadFilter | None = None,
    catalog: Catalog | None = None,
    page: int = PAGE,
) -> ReplayReport:
    """Validate the dead letters ``wanted`` selects again; move each valid one to the
    retry stream of the group that dead-lettered it (see the module's docstring)."""
    catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
    wanted = wanted or DeadFilter()
    groups = _groups(client, stream)
    move = Script(client, MOVE)
    report = ReplayReport()
    for entries in pages(client, stream, page):
        ready: list[DeadEntry] = []
        for entry in entries:
            if not wanted.matches(entry):
                continue
            reason = _why_not(entry, codec, catalog, stream, groups)
            if reason is None:
                ready.append(entry)
            else:
                report.still_invalid.append((entry.id, reason))
        if not ready:
            continue
        keys = [dead_letter_key(stream)]
        args: list[str] = []
        for entry in ready:
            retry = retry_key(stream, entry.group)
            if retry not in keys:
                keys.append(retry)
            args += [entry.id, str(keys.index(retry) + 1), entry.group]
        moved = {_text(i) for i in move(keys=keys, args=args)}
        for entry in ready:
            (report.replayed if entry.id in moved else report.gone).append(entry.id)
    return report


def _groups(client: Client, stream: str) -> set[str]:
    try:
        rows: Any = client.xinfo_groups(stream_key(stream))
    except redis.ResponseError as exc:  # no such key: the stream has no group at all
        if "no such key" in str(exc).lower():
            return set()
        raise
    return {_text(g["name"]) for g in rows}


def _why_not(
    entry: DeadEntry,
    codec: Codec,
    catalog: Catalog | None,
    stream: str,
    groups: set[str],
) -> str | None:
    """Why a dead letter cannot be replayed, or None."""
    if not entry.group:
        return "no dlq.group: the group to deliver it to is unknown"
    if entry.group not in groups:
        return f"group {entry.group} no longer exists on {stream}"
    if not entry.envelope:
        return f"no {FIELD.decode()} field (nothing to deliver)"
    if entry.fields > MAX_FIELDS:
        return f"{entry.fields} fields, more than {MAX_FIELDS}"
    try:
        message = codec.decode(entry.envelope)
    except (ContractViolation, UnknownContract, ValueError) as exc:
        lines = [line.strip() for line in str(exc).splitlines()] or [repr(exc)]
        return lines[0] + (f"; first: {lines[1]}" if len(lines) > 1 else "")
    if catalog is not None and not catalog.allows(
        stream, message.type, message.version
    ):
        return f"{message.type} v{message.version} is not carried by {stream}"
    return None


def purge(
    client: Client, stream: str, wanted: DeadFilter | None = None, page: int = PAGE
) -> list[str]:
    """Delete the dead letters ``wanted`` selects (all of them by default); the ids
    deleted (not those another run deleted or replayed first)."""
    wanted = wanted or DeadFilter()
    key = dead_letter_key(stream)
    deleted: list[str] = []
    for entries in pages(client, stream, page):
        ids = [e.id for e in entries if wanted.matches(e)]
        if not ids:
            continue
        # XDEL one by one in a pipeline: each reply says whether this id was there.
        pipe = client.pipeline(transaction=False)
        for entry_id in ids:
            pipe.xdel(key, entry_id)
        for entry_id, gone in zip(ids, pipe.execute(), strict=True):
            if gone:
                deleted.append(entry_id)
    return deleted


def matching(client: Client, stream: str, wanted: DeadFilter | None = None) -> int:
    """How many dead letters ``wanted`` selects now."""
    wanted = wanted or DeadFilter()
    return sum(wanted.matches(e) for entries in pages(client, stream) for e in entries)
