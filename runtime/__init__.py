"""Validate every message that crosses a boundary against its contract.

The runtime reads a generated contracts package (see ``codegen``) and validates
raw JSON into typed Pydantic models, reporting every violation with a JSON pointer.
"""

from runtime.contracts import Contracts, ContractValidator, Limits
from runtime.errors import (
    ContractViolation,
    RuntimeContractError,
    UnknownContract,
    Violation,
)

__all__ = [
    "ContractValidator",
    "ContractViolation",
    "Contracts",
    "Limits",
    "RuntimeContractError",
    "UnknownContract",
    "Violation",
]
