"""The presence shells: :class:`Presence` beats from a daemon thread (sync services),
:class:`AsyncPresence` from an asyncio task. Both drive
:class:`~runtime.presence.core.PresenceCore` and do only its I/O."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import redis
import redis.asyncio

from runtime._sansio import AsyncClient, SyncClient, drive, drive_async
from runtime.contracts import Contracts
from runtime.presence.core import PresenceCore

log = logging.getLogger("runtime.presence")


class Presence(PresenceCore):
    """Announces a service in Redis from a daemon thread (sync services).

    ``with Presence(client, contracts, "planner-agent"):`` announces at once (so a
    Redis that cannot be reached fails the start, not silently later), then every
    ``interval`` seconds (default ``ttl / 3``); leaving withdraws the record. A
    heartbeat that fails later is logged and retried at the next interval: the
    service is never stopped by its presence.
    """

    def __init__(
        self, client: SyncClient, contracts: Contracts, service: str, *,
        ttl: float = 30.0, interval: float | None = None, instance: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(
            contracts, service, ttl=ttl, interval=interval, instance=instance
        )
        self.client = client
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        """One heartbeat: the record, its expiry, and any schema Redis lacks."""
        drive(self.client, self.heartbeat())

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
            drive(self.client, self.withdraw())
        except redis.RedisError as exc:
            log.warning("presence of %s not withdrawn: %s", self.service, exc)

    def __enter__(self) -> Presence:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AsyncPresence(PresenceCore):
    """:class:`Presence` for asyncio services: the heartbeat is a task."""

    def __init__(
        self, client: AsyncClient, contracts: Contracts, service: str, *,
        ttl: float = 30.0, interval: float | None = None, instance: str | None = None,
    ) -> None:  # fmt: skip
        super().__init__(
            contracts, service, ttl=ttl, interval=interval, instance=instance
        )
        self.client = client
        self._task: asyncio.Task[Any] | None = None
        self._stopping = False

    async def beat(self) -> None:
        await drive_async(self.client, self.heartbeat())

    async def start(self) -> AsyncPresence:
        await self.beat()
        self._task = asyncio.create_task(self._loop())
        return self

    async def _loop(self) -> None:
        while not self._stopping:
            await asyncio.sleep(self.interval)
            try:
                await self.beat()
            except Exception as exc:  # anything: the heartbeat must go on
                if self._stopping:
                    # stop()'s cancel can come back as a TimeoutError when it races
                    # redis-py's socket timeout (asyncio.timeout on Python 3.11): the
                    # flag ends the loop all the same.
                    break
                log.warning("presence heartbeat of %s failed: %s", self.service, exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            self._stopping = False
        try:
            await drive_async(self.client, self.withdraw())
        except redis.RedisError as exc:
            log.warning("presence of %s not withdrawn: %s", self.service, exc)

    async def __aenter__(self) -> AsyncPresence:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
