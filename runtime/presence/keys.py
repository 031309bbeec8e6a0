"""The presence keys (docs/wire.md), all with the hash tag ``{presence}`` so that
they share a Redis Cluster slot:

- ``contracts:{presence}:services``: a sorted set, instance id -> expiry (Unix ms);
- ``contracts:{presence}:service:<instance>``: the record (JSON), ``EX ttl``;
- ``contracts:{presence}:schema:<fingerprint>``: the schema files behind a contract
  fingerprint (JSON), kept ``SCHEMA_TTL`` seconds after the last service that runs
  it, so the drift check can compare the versions it has never seen on disk.
"""

from __future__ import annotations

PREFIX = "contracts:{presence}"
SERVICES_KEY = f"{PREFIX}:services"
SCHEMA_TTL = 7 * 24 * 3600  # seconds a schema outlives the last service running it
RECORD_VERSION = 1


def service_key(instance: str) -> str:
    return f"{PREFIX}:service:{instance}"


def schema_key(fingerprint: str) -> str:
    return f"{PREFIX}:schema:{fingerprint}"
