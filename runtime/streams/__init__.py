"""Redis Streams: validated publish, and consumers that never lose a message.

Wire layout: ``docs/wire.md``; guarantees: ``docs/runtime.md``. A :class:`Publisher`
validates a payload, wraps it in the envelope and ``XADD`` s it to ``stream:{name}``.
A :class:`Consumer` (or :class:`AsyncConsumer`) reads a consumer group in batches,
from the stream and from the group's retry stream, validates each entry, dispatches
it to the handler of its type and major version, and acknowledges the successes with
one ``XACK`` per batch. Invalid entries move to ``stream:{name}:dlq`` in the same
atomic step as their ack (one script a batch); a failing handler leaves the entry
pending, to be reclaimed after ``claim_idle_ms`` and dead-lettered past
``max_deliveries``. The dead-letter stream is bounded: ``XADD MAXLEN ~
dead_letter_maxlen`` (10,000 by default; ``docs/deadletters.md``).

Rooms: ``keys`` (key names), ``routing`` (checking one entry), ``core`` (a batch as
commands, sans I/O), ``shells`` (the sync and asyncio consumers), ``publisher``.
"""

from runtime.streams.core import BatchResult, ConsumerCore, ConsumerOptions
from runtime.streams.keys import FIELD, dead_letter_key, retry_key, stream_key
from runtime.streams.publisher import Outgoing, Publisher
from runtime.streams.routing import Delivery, Handler, NotInCatalog
from runtime.streams.shells import AsyncConsumer, Consumer

__all__ = [
    "AsyncConsumer",
    "BatchResult",
    "Consumer",
    "ConsumerCore",
    "ConsumerOptions",
    "Delivery",
    "FIELD",
    "Handler",
    "NotInCatalog",
    "Outgoing",
    "Publisher",
    "dead_letter_key",
    "retry_key",
    "stream_key",
]
