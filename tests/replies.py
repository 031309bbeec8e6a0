"""redis-py's replies as the tests' clients give them.

redis-py types a reply for either decoding mode (``bytes | str``; an entry or its
fields may be ``None``). The clients of these tests are made without
``decode_responses``, so every reply is bytes: these functions say so, for mypy,
and assert what is cheap to check."""

from __future__ import annotations

from typing import cast

from redis.typing import StreamRangeResponse

Fields = dict[bytes, bytes]
Entry = tuple[bytes, Fields]


def text(reply: bytes | str) -> str:
    """A reply of bytes (an id, a member), as text."""
    assert isinstance(reply, bytes), reply
    return reply.decode()


def xadd_id(reply: bytes | str) -> str:
    """An ``XADD`` reply: the new entry's id, as text."""
    return text(reply)


def xrange_rows(reply: StreamRangeResponse | None) -> list[Entry]:
    """An ``XRANGE`` reply: each entry's id and fields, in bytes."""
    assert reply is not None
    return cast(list[Entry], reply)
