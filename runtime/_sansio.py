"""The sans-IO protocol between a core and its sync and asyncio shells.

A core's operation (one consumer batch, one heartbeat) is a generator that does no
I/O. It yields a :class:`Send` (Redis commands to send in one round trip, as a
pipeline or one ``MULTI``) and is sent back their replies, or a :class:`Call` (a
function to run, such as a message handler) and is sent back the exception it
raised, or ``None``. What it returns is the operation's result.

The shells only drive it: :func:`drive` with a ``redis.Redis``, :func:`drive_async`
with a ``redis.asyncio.Redis`` (where a ``Call`` that returns an awaitable is
awaited). An error reply from Redis (``redis.ResponseError``) is sent back to the
core in place of the replies, for it to judge; a lost connection propagates to the
shell's caller.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import redis
import redis.asyncio
import redis.asyncio.cluster
import redis.cluster

T = TypeVar("T")

# The clients a shell drives: one server, or a Redis Cluster (the keys of one step
# share a hash tag, so a cluster client sends it to one node).
SyncClient = redis.Redis | redis.cluster.RedisCluster
AsyncClient = redis.asyncio.Redis | redis.asyncio.cluster.RedisCluster


@dataclass(frozen=True)
class Command:
    """One Redis command: the redis-py client method and its arguments (the same
    method exists on sync and asyncio clients and pipelines, and parses the reply
    the same way)."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


def command(method: str, *args: Any, **kwargs: Any) -> Command:
    return Command(method, args, kwargs)


@dataclass(frozen=True)
class Send:
    """Commands for one round trip; the reply is the list of their replies, or the
    ``redis.ResponseError`` the first failing one raised."""

    commands: tuple[Command, ...]
    transaction: bool = False


@dataclass(frozen=True)
class Call:
    """A function to run; the reply is the exception it raised, or ``None``."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()


Steps = Generator[Send | Call, Any, T]


def drive(client: SyncClient, steps: Steps[T]) -> T:
    """Run an operation with a sync client."""
    reply: Any = None
    while True:
        try:
            step = steps.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if isinstance(step, Call):
            try:
                returned = step.function(*step.args)
                reply = None
            except Exception as exc:
                reply = exc
            else:
                if inspect.isawaitable(returned):  # it never ran: not a success
                    getattr(returned, "close", lambda: None)()
                    reply = TypeError(
                        f"{getattr(step.function, '__qualname__', step.function)}"
                        " returned an awaitable: coroutine handlers need the asyncio"
                        " shell (AsyncConsumer)"
                    )
            continue
        try:
            if len(step.commands) == 1 and not step.transaction:
                c = step.commands[0]
                reply = [getattr(client, c.method)(*c.args, **c.kwargs)]
            else:
                with client.pipeline(transaction=step.transaction) as pipe:
                    for c in step.commands:
                        getattr(pipe, c.method)(*c.args, **c.kwargs)
                    reply = pipe.execute()
        except redis.ResponseError as exc:
            reply = exc


async def drive_async(client: AsyncClient, steps: Steps[T]) -> T:
    """Run an operation with an asyncio client."""
    reply: Any = None
    while True:
        try:
            step = steps.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result
        if isinstance(step, Call):
            try:
                returned = step.function(*step.args)
                if inspect.isawaitable(returned):
                    await returned
                reply = None
            except Exception as exc:
                reply = exc
            continue
        try:
            if len(step.commands) == 1 and not step.transaction:
                c = step.commands[0]
                reply = [await getattr(client, c.method)(*c.args, **c.kwargs)]
            else:
                async with client.pipeline(transaction=step.transaction) as pipe:
                    for c in step.commands:
                        getattr(pipe, c.method)(*c.args, **c.kwargs)
                    reply = await pipe.execute()
        except redis.ResponseError as exc:
            reply = exc
