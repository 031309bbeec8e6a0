"""Presence's sans-IO core: the record, the schema bundles, and one heartbeat (or the
withdrawal) as Redis commands (:mod:`runtime._sansio`). The shells
(:mod:`runtime.presence.shells`) send them and loop."""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any, Protocol

import redis

from runtime._sansio import Send, Steps, command
from runtime.contracts import Contracts
from runtime.manifest import contract_documents
from runtime.presence.keys import (
    RECORD_VERSION,
    SCHEMA_TTL,
    SERVICES_KEY,
    schema_key,
    service_key,
)


class Drifting(Protocol):
    """A consumer: its counts of messages built from another fingerprint."""

    drift: Counter[tuple[str, int, str]]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PresenceCore:
    """A service's record and schema bundles, and the heartbeat as commands."""

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
        self.consumers: list[Drifting] = []
        # By schema file: a $defs entry shares its file's fingerprint and files.
        self.files: dict[str, dict[str, Any]] = {}
        for e in contracts.manifest["contracts"]:
            self.files.setdefault(e["contract"].partition("#")[0], e)

    def watch(self, consumer: Drifting) -> None:
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
            for path in contract_documents(self.contracts.manifest, entry)
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

    def heartbeat(self) -> Steps[None]:
        """One heartbeat: the record, its expiry, and any schema Redis lacks (an
        ``EXPIRE`` that finds no key says which)."""
        now = time.time()
        keys = sorted({schema_key(e["fingerprint"]) for e in self.files.values()})
        record = json.dumps(self.record(), sort_keys=True)
        reply = yield Send(
            (
                command(
                    "set", service_key(self.instance), record, px=int(self.ttl * 1000)
                ),
                command(
                    "zadd", SERVICES_KEY, {self.instance: int((now + self.ttl) * 1000)}
                ),
                command("zremrangebyscore", SERVICES_KEY, "-inf", int(now * 1000)),
                *(command("expire", key, SCHEMA_TTL) for key in keys),
            )
        )
        _raise(reply)
        by_key = {
            schema_key(e["fingerprint"]): contract
            for contract, e in sorted(self.files.items())
        }
        missing = [
            command("set", key, self.bundle(by_key[key]), ex=SCHEMA_TTL, nx=True)
            for key, found in zip(keys, reply[3:], strict=True)
            if not found
        ]
        if missing:
            _raise((yield Send(tuple(missing))))

    def withdraw(self) -> Steps[None]:
        """Remove the record at once (a stopped service)."""
        reply = yield Send(
            (
                command("delete", service_key(self.instance)),
                command("zrem", SERVICES_KEY, self.instance),
            )
        )
        _raise(reply)


def _raise(reply: Any) -> None:
    if isinstance(reply, redis.ResponseError):
        raise reply
