"""The consumer shells: :class:`Consumer` (sync) and :class:`AsyncConsumer`
(asyncio) drive :class:`~runtime.streams.core.ConsumerCore` and do only its I/O."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

import redis
import redis.asyncio

from runtime._sansio import AsyncClient, SyncClient, drive, drive_async
from runtime.envelope import Codec
from runtime.streams.core import BatchResult, ConsumerCore

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from runtime.streams.core import ConsumerOptions

log = logging.getLogger("runtime.streams")


class Consumer(ConsumerCore):
    """A consumer-group member (sync). ``run`` loops; ``run_once`` does one batch."""

    def __init__(
        self, client: SyncClient, codec: Codec, stream: str, group: str,
        consumer: str, **options: Unpack[ConsumerOptions],
    ) -> None:  # fmt: skip
        super().__init__(codec, stream, group, consumer, **options)
        self.client = client

    def ensure_group(self, start: str = "$") -> None:
        """Create the group (and the stream): ``$`` for new entries, ``0`` for all."""
        drive(self.client, self.create_groups(start))

    def run_once(self) -> BatchResult:
        """Reclaim stuck entries, read a batch, handle, ack, dead-letter."""
        return drive(self.client, self.cycle())

    def run(
        self, stop: threading.Event | None = None, backoff: float = 0.5
    ) -> BatchResult:
        """Loop until ``stop`` is set (the batch in hand is finished first); a
        Redis fault is logged and retried after ``backoff`` seconds."""
        total = BatchResult()
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                total += self.run_once()
            except redis.RedisError as exc:
                _unavailable(exc, backoff)
                stop.wait(backoff)
        return total


class AsyncConsumer(ConsumerCore):
    """The asyncio twin of :class:`Consumer`; handlers may be coroutines."""

    def __init__(
        self, client: AsyncClient, codec: Codec, stream: str, group: str,
        consumer: str, **options: Unpack[ConsumerOptions],
    ) -> None:  # fmt: skip
        super().__init__(codec, stream, group, consumer, **options)
        self.client = client

    async def ensure_group(self, start: str = "$") -> None:
        await drive_async(self.client, self.create_groups(start))

    async def run_once(self) -> BatchResult:
        return await drive_async(self.client, self.cycle())

    async def run(
        self, stop: asyncio.Event | None = None, backoff: float = 0.5
    ) -> BatchResult:
        """Loop until ``stop`` is set."""
        total = BatchResult()
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                total += await self.run_once()
            except redis.RedisError as exc:
                _unavailable(exc, backoff)
                await asyncio.sleep(backoff)
        return total


def _unavailable(error: redis.RedisError, backoff: float) -> None:
    """A Redis fault in ``run``: logged, retried after ``backoff`` (a lost
    connection, a timeout, a failover's READONLY, or a refusal that an operator must
    fix, which is logged as an error each time); the loop goes on."""
    if isinstance(error, redis.ConnectionError | redis.TimeoutError):
        log.warning("redis unavailable (%s); retrying in %.1fs", error, backoff)
    else:
        log.error("redis refused the batch (%s); retrying in %.1fs", error, backoff)
