"""The catalogue shipped in a generated package: which types travel on which stream."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from runtime.contracts import Contracts


class Catalog:
    """Streams and operations of ``schemas/catalog.json``, resolved to message types."""

    def __init__(self, data: dict[str, Any], contracts: Contracts) -> None:
        self.data = data
        self.stream_types: dict[str, set[tuple[str, int]]] = {}
        for name, stream in data.get("streams", {}).items():
            allowed = set()
            for message in stream.get("messages", []):
                validator = contracts.get(message["contract"])
                if validator.message_type is not None and validator.version is not None:
                    allowed.add((validator.message_type, validator.version))
            self.stream_types[name] = allowed

    @classmethod
    def load(cls, contracts: Contracts) -> Catalog | None:
        """The package's catalogue, or ``None`` when it was generated without one."""
        resource = files(contracts.package).joinpath("catalog.json")
        if not resource.is_file():
            return None
        return cls(json.loads(resource.read_text("utf-8")), contracts)

    def allows(self, stream: str, message_type: str, version: int) -> bool:
        return (message_type, version) in self.stream_types.get(stream, set())

    def streams(self) -> list[str]:
        return sorted(self.stream_types)
