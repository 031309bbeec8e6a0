"""Validated publish: a :class:`Publisher` checks a payload against its contract and
the catalogue, wraps it in the envelope and ``XADD`` s it to ``stream:{name}``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from runtime._sansio import SyncClient
from runtime.catalog import Catalog
from runtime.contracts import ContractValidator
from runtime.envelope import Codec
from runtime.streams.keys import FIELD, stream_key, text
from runtime.streams.routing import NotInCatalog
from runtime.telemetry import Telemetry

Outgoing = BaseModel | tuple[dict[str, Any], str, int]


class Publisher:
    """Validates, wraps and ``XADD`` s messages (sync)."""

    def __init__(
        self,
        client: SyncClient,
        codec: Codec,
        *,
        catalog: Catalog | None = None,
        maxlen: int | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.client = client
        self.telemetry = telemetry or Telemetry()
        self.codec = codec
        self.catalog = catalog if catalog is not None else Catalog.load(codec.contracts)
        self.maxlen = maxlen
        self._allowed: dict[Any, ContractValidator] = {}  # checked (stream, type)

    def encode(
        self,
        stream: str,
        item: Outgoing,
        *,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        """The envelope bytes of ``item``, validated, if the catalogue allows it on
        ``stream`` (the check is made once per stream and type), for a caller that
        sends them itself: a ``create`` span, whose context the envelope carries
        when ``trace`` is not given."""
        tel = self.telemetry
        with tel.create(stream, message_id):
            return self._encode(
                stream,
                item,
                trace=trace or tel.inject(),
                correlation_id=correlation_id,
                message_id=message_id,
            )

    def _encode(
        self,
        stream: str,
        item: Outgoing,
        *,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> bytes:
        if isinstance(item, BaseModel):
            key: Any = (stream, type(item))
            payload = item.model_dump(mode="json", by_alias=True, exclude_unset=True)
        else:
            payload, message_type, version = item
            key = (stream, message_type, version)
        validator = self._allowed.get(key)
        if validator is None:
            validator = self._allowed[key] = self._check(stream, item)
        return self.codec.seal(validator, payload, trace, correlation_id, message_id)

    def _check(self, stream: str, item: Outgoing) -> ContractValidator:
        """The contract of an item, if the catalogue allows it on ``stream``."""
        if isinstance(item, BaseModel):
            validator = self.codec.contract_of(item)
        else:
            validator = self.codec.contracts.for_message(item[1], item[2])
        assert validator.message_type is not None and validator.version is not None
        if self.catalog is not None and not self.catalog.allows(
            stream, validator.message_type, validator.version
        ):
            raise NotInCatalog(
                f"the catalogue does not allow {validator.message_type}"
                f" v{validator.version} on stream {stream}"
            )
        return validator

    def publish(
        self,
        stream: str,
        item: Outgoing,
        *,
        trace: dict[str, str] | None = None,
        correlation_id: str | None = None,
        message_id: str | None = None,
    ) -> str:
        """Publish one message; returns the entry id. Without ``trace``, the
        current span's context goes in the envelope (with telemetry on)."""
        tel = self.telemetry
        with tel.send(stream, 1, message_id) as span:
            raw = self._encode(
                stream,
                item,
                trace=trace or tel.inject(),
                correlation_id=correlation_id,
                message_id=message_id,
            )
            command = self._xadd(stream_key(stream), raw)
            entry = text(self.client.execute_command(*command))  # type: ignore[no-untyped-call]
            if span is not None:
                span.set_attribute("messaging.redis.entry_id", entry)
        tel.count(
            "contracts.messages.published", {"messaging.destination.name": stream}
        )
        return entry

    def _xadd(self, key: str, raw: bytes) -> tuple[Any, ...]:
        """``XADD key [MAXLEN ~ n] * envelope <raw>`` (the command, without
        redis-py's argument handling: this is the hot path of a batch)."""
        if self.maxlen is None:
            return ("XADD", key, "*", FIELD, raw)
        return ("XADD", key, "MAXLEN", "~", self.maxlen, "*", FIELD, raw)

    def publish_many(
        self, stream: str, items: Iterable[Outgoing], batch: int = 100
    ) -> list[str]:
        """Validate every message first (nothing is written if one is invalid),
        then publish them in pipelines of ``batch``. One ``send`` span covers the
        call; every envelope carries its context."""
        tel = self.telemetry
        items = list(items)
        with tel.send(stream, len(items)):
            trace = tel.inject()
            encoded = [self._encode(stream, item, trace=trace) for item in items]
            key = stream_key(stream)
            ids: list[str] = []
            for start in range(0, len(encoded), batch):
                pipe = self.client.pipeline(transaction=False)
                for raw in encoded[start : start + batch]:
                    pipe.execute_command(*self._xadd(key, raw))
                ids += [text(i) for i in pipe.execute()]
        tel.count(
            "contracts.messages.published",
            {"messaging.destination.name": stream},
            len(ids),
        )
        return ids
