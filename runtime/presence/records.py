"""Reading presence: the records of the live services, checked (records are input:
another service, or anyone with write access, may have written them)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runtime.presence.keys import SERVICES_KEY, schema_key, service_key

if TYPE_CHECKING:
    # one server or a cluster: every presence key has the hash tag {presence}, so
    # the MGET of the records stays in one slot
    from runtime.connect import Client


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


def live_services(client: Client) -> tuple[list[LiveService], list[str]]:
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


def stored_bundle(client: Client, fingerprint: str) -> bytes | None:
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
