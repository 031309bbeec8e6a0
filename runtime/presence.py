"""Live presence: each running service announces the contracts it was built from.

A service that uses the runtime keeps a record in Redis, refreshed by a heartbeat
and gone ``ttl`` seconds after its last one (a crashed service disappears on its
own). ``contracts drift --redis URL`` reads the records of every live service,
Python or Node, and lists each contract two of them run with different
fingerprints, and whether the difference is compatible.

Keys (docs/wire.md), all with the hash tag ``{presence}`` so that they share a
Redis Cluster slot:

- ``contracts:{presence}:services``: a sorted set, instance id -> expiry (Unix ms);
- ``contracts:{presence}:service:<instance>``: the record (JSON), ``EX ttl``;
- ``contracts:{presence}:schema:<fingerprint>``: the schema files behind a contract
  fingerprint (JSON), kept ``SCHEMA_TTL`` seconds after the last service that runs
  it, so the drift check can compare the versions it has never seen on disk.

The Node package's ``presence.js`` writes the same keys and records.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any, Protocol

import redis
import redis.asyncio

from runtime.contracts import Contracts

log = logging.getLogger("runtime.presence")

PREFIX = "contracts:{presence}"
SERVICES_KEY = f"{PREFIX}:services"
SCHEMA_TTL = 7 * 24 * 3600  # seconds a schema outlives the last service running it
RECORD_VERSION = 1


def service_key(instance: str) -> str:
    return f"{PREFIX}:service:{instance}"


def schema_key(fingerprint: str) -> str:
    return f"{PREFIX}:schema:{fingerprint}"


class _Drifting(Protocol):
    """A consumer: its counts of messages built from another fingerprint."""

    drift: Counter[tuple[str, int, str]]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Announcer:
    """The record and the schema bundles; the heartbeat loops are below."""

    def __init__(
        self,
        contracts: Contracts,
        service: str,
        *,
        ttl: float,
        interval: float | None,
        instance: str | None,
    ) -> None:
        if not service:
            raise ValueError("a service name is required")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self.contracts = contracts
        self.service = service
        self.ttl = ttl
        self.interval = interval if interval is not None else ttl / 3
        if not 0 < self.interval < ttl:
            raise ValueError("the heartbeat interval must be positive and below ttl")
        host = socket.gethostname()
        self.instance = instance or (
            f"{service}/{host}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
        )
        self.host = host
        self.started = _now()
        self.consumers: list[_Drifting] = []
        # By schema file: a $defs entry shares its file's fingerprint and files.
        self.files: dict[str, dict[str, Any]] = {}
        for e in contracts.manifest["contracts"]:
            self.files.setdefault(e["contract"].partition("#")[0], e)

    def watch(self, consumer: _Drifting) -> None:
        """Report this consumer's drift counts in the record."""
        self.consumers.append(consumer)

    def record(self) -> dict[str, Any]:
        drift: Counter[tuple[str, int, str]] = Counter()
        for consumer in self.consumers:
            # dict() copies in one step: the consumer's thread may be adding to it.
            drift.update(dict(consumer.drift))
        manifest = self.contracts.manifest
        return {
            "record": RECORD_VERSION,
            "service": self.service,
            "instance": self.instance,
            "runtime": "python",
            "package": self.contracts.package,
            "generator": manifest.get("generator", ""),
            "fingerprint": self.contracts.fingerprint,
            "contracts": {c: e["fingerprint"] for c, e in sorted(self.files.items())},
            "host": self.host,
            "pid": os.getpid(),
            "started": self.started,
            "heartbeat": _now(),
            "ttl": self.ttl,
            "drift": [
                {"type": t, "version": v, "fingerprint": f, "count": n}
                for (t, v, f), n in sorted(drift.items())
            ],
        }

    def bundle(self, contract: str) -> bytes:
        """The schema files behind a contract's fingerprint, as stored in Redis."""
        entry = self.files[contract]
        root = files(self.contracts.package).joinpath("schemas")
        documents = {
            path: root.joinpath(*path.split("/")).read_text("utf-8-sig")
            for path in entry["documents"]
        }
        return json.dumps(
            {
                "contract": contract,
                "fingerprint": entry["fingerprint"],
                "documents": documents,
            },
            sort_keys=True,
            ensure_ascii=False,
        ).encode()

    def heartbeat_commands(self, pipe: Any) -> list[str]:
        """Queue one heartbeat; returns the schema keys whose EXPIRE says if they
        still exist (their results follow the first three)."""
        expiry_ms = int((time.time() + self.ttl) * 1000)
        pipe.set(
            service_key(self.instance),
            json.dumps(self.record(), sort_keys=True),
            px=int(self.ttl * 1000),
        )
        pipe.zadd(SERVICES_KEY, {self.instance: expiry_ms})
        pipe.zremrangebyscore(SERVICES_KEY, "-inf", int(time.time() * 1000))
        keys = sorted({schema_key(e["fingerprint"]) for e in self.files.values()})
        for key in keys:
            pipe.expire(key, SCHEMA_TTL)
        return keys

    def missing(self, keys: list[str], results: list[Any]) -> list[tuple[str, bytes]]:
        """The schema bundles to store: those whose EXPIRE found no key."""
        by_key = {
            schema_key(e["fingerprint"]): contract
            for contract, e in sorted(self.files.items())
        }
        return [
            (key, self.bundle(by_key[key]))
            for key, found in zip(keys, results[3:], strict=True)
            if not found
        ]


class Presence(_Announcer):
    """Announces a service in Redis from a daemon thread (sync services).

    ``with Presence(client, contracts, "planner-agent"):`` announces at once (so a
    Redis that cannot be reached fails the start, not silently later), then every
    ``interval`` seconds (default ``ttl / 3``); leaving withdraws the record. A
    heartbeat that fails later is logged and retried at the next interval: the
    service is never stopped by its presence.
    """

    def __init__(
        self,
        client: redis.Redis,
        contracts: Contracts,
        service: str,
        *,
        ttl: float = 30.0,
        interval: float | None = None,
        instance: str | None = None,
    ) -> None:
        super().__init__(
            contracts, service, ttl=ttl, interval=interval, instance=instance
        )
        self.client = client
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        """One heartbeat: the record, its expiry, and any schema Redis lacks."""
        pipe = self.client.pipeline(transaction=False)
        keys = self.heartbeat_commands(pipe)
        results = pipe.execute()
        missing = self.missing(keys, results)
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for key, value in missing:
                pipe.set(key, value, ex=SCHEMA_TTL, nx=True)
            pipe.execute()

    def start(self) -> Presence:
        self.beat()
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, name=f"presence:{self.service}", daemon=True
        )
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # anything: the heartbeat must go on
                log.warning("presence heartbeat of %s failed: %s", self.service, exc)

    def stop(self) -> None:
        """Stop the heartbeat and withdraw the record."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.delete(service_key(self.instance))
            pipe.zrem(SERVICES_KEY, self.instance)
            pipe.execute()
        except redis.RedisError as exc:
            log.warning("presence of %s not withdrawn: %s", self.service, exc)

    def __enter__(self) -> Presence:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AsyncPresence(_Announcer):
    """:class:`Presence` for asyncio services: the heartbeat is a task."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        contracts: Contracts,
        service: str,
        *,
        ttl: float = 30.0,
        interval: float | None = None,
        instance: str | None = None,
    ) -> None:
        super().__init__(
            contracts, service, ttl=ttl, interval=interval, instance=instance
        )
        self.client = client
        self._task: Any = None

    async def beat(self) -> None:
        pipe = self.client.pipeline(transaction=False)
        keys = self.heartbeat_commands(pipe)
        results = await pipe.execute()
        missing = self.missing(keys, results)
        if missing:
            pipe = self.client.pipeline(transaction=False)
            for key, value in missing:
                pipe.set(key, value, ex=SCHEMA_TTL, nx=True)
            await pipe.execute()

    async def start(self) -> AsyncPresence:
        import asyncio

        await self.beat()
        self._task = asyncio.create_task(self._loop())
        return self

    async def _loop(self) -> None:
        import asyncio

        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.beat()
            except Exception as exc:  # anything: the heartbeat must go on
                log.warning("presence heartbeat of %s failed: %s", self.service, exc)

    async def stop(self) -> None:
        import asyncio

        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        try:
            pipe = self.client.pipeline(transaction=False)
            pipe.delete(service_key(self.instance))
            pipe.zrem(SERVICES_KEY, self.instance)
            await pipe.execute()
        except redis.RedisError as exc:
            log.warning("presence of %s not withdrawn: %s", self.service, exc)

    async def __aenter__(self) -> AsyncPresence:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


# -- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveService:
    """One live instance, as it announced itself."""

    service: str
    instance: str
    runtime: str
    package: str
    fingerprint: str
    contracts: dict[str, str]
    heartbeat: str
    generator: str = ""
    drift: tuple[dict[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        if self.runtime == "*":  # the schemas folder, in a build-time check
            return self.service
        return f"{self.service} ({self.runtime})"


def _text_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return value


def parse_record(instance: str, raw: bytes | str) -> LiveService | str:
    """A record read from Redis, or why it is not one (records are input: another
    service, or anyone with write access, may have written them)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return f"record of {instance} is not JSON: {exc}"
    if not isinstance(data, dict):
        return f"record of {instance} is not a JSON object"
    texts = ("service", "instance", "runtime", "package", "fingerprint", "heartbeat")
    bad = [k for k in texts if not isinstance(data.get(k), str)]
    contracts = _text_map(data.get("contracts"))
    if contracts is None:
        bad.append("contracts")
    if bad:
        return f"record of {instance}: missing or malformed {', '.join(bad)}"
    assert contracts is not None
    drift = data.get("drift")
    generator = data.get("generator")
    return LiveService(
        service=data["service"],
        instance=data["instance"],
        runtime=data["runtime"],
        package=data["package"],
        fingerprint=data["fingerprint"],
        contracts=contracts,
        heartbeat=data["heartbeat"],
        generator=generator if isinstance(generator, str) else "",
        drift=tuple(d for d in drift if isinstance(d, dict))
        if isinstance(drift, list)
        else (),
        extra={k: v for k, v in data.items() if k in ("host", "pid", "started")},
    )


def live_services(client: redis.Redis) -> tuple[list[LiveService], list[str]]:
    """Every live service, sorted by name, runtime and instance; and the records
    that could not be read (with why)."""
    now_ms = int(time.time() * 1000)
    instances = [
        i.decode() if isinstance(i, bytes) else str(i)
        for i in client.zrangebyscore(SERVICES_KEY, now_ms, "+inf")
    ]
    if not instances:
        return [], []
    raws = client.mget([service_key(i) for i in instances])
    services: list[LiveService] = []
    problems: list[str] = []
    for instance, raw in zip(instances, raws, strict=True):
        if raw is None:
            continue  # expired between the two reads
        parsed = parse_record(instance, raw)
        if isinstance(parsed, str):
            problems.append(parsed)
        else:
            services.append(parsed)
    services.sort(key=lambda s: (s.service, s.runtime, s.instance))
    return services, problems


def stored_bundle(client: redis.Redis, fingerprint: str) -> bytes | None:
    """The schema files of a contract fingerprint, as a service stored them."""
    value = client.get(schema_key(fingerprint))
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else bytes(value)


def fingerprints_by_contract(
    services: Iterable[LiveService],
) -> dict[str, dict[str, list[LiveService]]]:
    """contract -> fingerprint -> the services running it."""
    out: dict[str, dict[str, list[LiveService]]] = {}
    for s in services:
        for contract, fingerprint in s.contracts.items():
            out.setdefault(contract, {}).setdefault(fingerprint, []).append(s)
    return out
