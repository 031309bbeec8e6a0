"""Validate every message that crosses a boundary against its contract.

The runtime reads a generated contracts package (see ``codegen``) and validates
raw JSON into typed Pydantic models, reporting every violation with a JSON pointer.

The names below are imported on first use, so a tool that needs only a part of
the runtime (``runtime.jsonpointer``, say, which the compiler uses) does not load
Pydantic and the validators with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runtime.contracts import Contracts, ContractValidator, Limits
    from runtime.envelope import Codec, Message
    from runtime.errors import (
        ContractViolation,
        RuntimeContractError,
        UnknownContract,
        Violation,
    )

_WHERE = {
    "Codec": "runtime.envelope",
    "ContractValidator": "runtime.contracts",
    "ContractViolation": "runtime.errors",
    "Contracts": "runtime.contracts",
    "Limits": "runtime.contracts",
    "Message": "runtime.envelope",
    "RuntimeContractError": "runtime.errors",
    "UnknownContract": "runtime.errors",
    "Violation": "runtime.errors",
}

__all__ = [
    "Codec",
    "ContractValidator",
    "ContractViolation",
    "Contracts",
    "Limits",
    "Message",
    "RuntimeContractError",
    "UnknownContract",
    "Violation",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
