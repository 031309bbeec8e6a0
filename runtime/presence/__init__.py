"""Live presence: each running service announces the contracts it was built from.

A service that uses the runtime keeps a record in Redis, refreshed by a heartbeat
and gone ``ttl`` seconds after its last one (a crashed service disappears on its
own). ``contracts drift --redis URL`` reads the records of every live service,
Python or Node, and lists each contract two of them run with different
fingerprints, and whether the difference is compatible.

Rooms: ``keys`` (key names, docs/wire.md), ``core`` (the record and one heartbeat
as commands, sans I/O), ``shells`` (:class:`Presence` on a thread,
:class:`AsyncPresence` on a task), ``records`` (reading the live services). The
Node package's ``presence.js`` writes the same keys and records.
"""

from runtime.presence.core import Drifting, PresenceCore
from runtime.presence.keys import (
    PREFIX,
    RECORD_VERSION,
    SCHEMA_TTL,
    SERVICES_KEY,
    schema_key,
    service_key,
)
from runtime.presence.records import (
    LiveService,
    fingerprints_by_contract,
    live_services,
    parse_record,
    stored_bundle,
)
from runtime.presence.shells import AsyncPresence, Presence

__all__ = [
    "AsyncPresence",
    "Drifting",
    "LiveService",
    "PREFIX",
    "Presence",
    "PresenceCore",
    "RECORD_VERSION",
    "SCHEMA_TTL",
    "SERVICES_KEY",
    "fingerprints_by_contract",
    "live_services",
    "parse_record",
    "schema_key",
    "service_key",
    "stored_bundle",
]
