"""The Redis keys of a catalogue stream (docs/wire.md). The braces are a Redis
Cluster hash tag: a stream, its dead-letter stream and its groups' retry streams
share one slot, so one ``MULTI`` or one ``XREADGROUP`` may span them."""

from __future__ import annotations

FIELD = b"envelope"  # the entry field that holds the envelope


def stream_key(stream: str) -> str:
    """The key of a catalogue stream; the braces are a Redis Cluster hash tag."""
    return f"stream:{{{stream}}}"


def dead_letter_key(stream: str) -> str:
    """The dead-letter stream of ``stream``: same hash tag, so same slot."""
    return f"stream:{{{stream}}}:dlq"


def retry_key(stream: str, group: str) -> str:
    """The retry stream of one consumer group: replays of that group's dead letters go
    here, so only the group that dead-lettered a message gets it again. Same hash tag as
    the stream, so the same cluster slot."""
    return f"stream:{{{stream}}}:retry:{group}"


def text(value: bytes | str) -> str:
    """A key, id or field name as redis-py returns it (bytes unless decoding)."""
    return value.decode() if isinstance(value, bytes) else value
