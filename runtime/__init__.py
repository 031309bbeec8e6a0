"""Validate every message that crosses a boundary against its contract.

The runtime reads a generated contracts package (see ``codegen``) and validates
raw JSON into typed Pydantic models, reporting every violation with a JSON pointer.
"""

from runtime.contracts import Contracts, ContractValidator, Limits
from runtime.envelope import Codec, Message
from runtime.errors import (
    ContractViolation,
    RuntimeContractError,
    UnknownContract,
    Violation,
)

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
