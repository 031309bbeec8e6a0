"""Both shells of a twin API behind one synchronous face, so that one test runs
against the sync and the asyncio consumer (or presence): the ``shell`` fixture is
parametrised ``"sync"`` / ``"async"``. The asyncio objects run on one event loop
per test (``asyncio.Runner``), with their own ``redis.asyncio`` client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import redis
import redis.asyncio

from runtime.contracts import Contracts
from runtime.envelope import Codec
from runtime.presence import AsyncPresence, Presence
from runtime.streams import AsyncConsumer, BatchResult, Consumer, Handler


class Driven:
    """A consumer or presence of either shell; its coroutines are run to the end."""

    def __init__(self, target: Any, runner: asyncio.Runner | None) -> None:
        self.target = target
        self.runner = runner

    def _do(self, result: Any) -> Any:
        return result if self.runner is None else self.runner.run(result)

    def run_once(self) -> BatchResult:
        result: BatchResult = self._do(self.target.run_once())
        return result

    def ensure_group(self, start: str = "$") -> None:
        self._do(self.target.ensure_group(start))

    def beat(self) -> None:
        self._do(self.target.beat())

    def start(self) -> Driven:
        self._do(self.target.start())
        return self

    def stop(self) -> None:
        self._do(self.target.stop())

    def __enter__(self) -> Driven:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def on(self, message_type: str, version: int) -> Callable[[Handler], Handler]:
        register: Callable[[Handler], Handler] = self.target.on(message_type, version)
        return register

    def __getattr__(self, name: str) -> Any:  # drift, instance, ...
        return getattr(self.target, name)


class Shell:
    """Makes consumers and presences of one kind, sync or asyncio."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind = kind
        self.runner: asyncio.Runner | None = None
        self.client: Any
        if kind == "sync":
            self.client = redis.Redis.from_url(url)
        else:
            self.runner = asyncio.Runner()
            self.client = redis.asyncio.Redis.from_url(url)

    def consumer(
        self, codec: Codec, stream: str, group: str, name: str, **options: Any
    ) -> Driven:
        kind = Consumer if self.runner is None else AsyncConsumer
        made = kind(self.client, codec, stream, group, name, **options)
        return Driven(made, self.runner)

    def presence(self, contracts: Contracts, service: str, **options: Any) -> Driven:
        kind = Presence if self.runner is None else AsyncPresence
        return Driven(kind(self.client, contracts, service, **options), self.runner)

    def close(self) -> None:
        if self.runner is None:
            self.client.close()
        else:
            self.runner.run(self.client.aclose())
            self.runner.close()
