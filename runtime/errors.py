"""What the runtime raises when a message breaks its contract.

Every problem is a :class:`Violation` (JSON pointer, expected, got); one
:class:`ContractViolation` carries all of them for one message, with where the
message was (stream and entry id, or HTTP route) when a transport knows it.

Hierarchy::

    Exception
    └── RuntimeContractError        any error of this runtime
        ├── ContractViolation       a message does not satisfy its contract
        └── UnknownContract         no contract for that name / type and version
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

# Violations listed in a dead letter, an HTTP problem or an error's text; the rest
# are counted (``dlq.errors_omitted``, ``errors_omitted``, the omitted line). The
# Node runtime uses the same number and the same line.
MAX_VIOLATIONS = 100


def capped(violations: Sequence[T]) -> tuple[Sequence[T], int]:
    """The first ``MAX_VIOLATIONS`` and how many more there are."""
    return violations[:MAX_VIOLATIONS], max(0, len(violations) - MAX_VIOLATIONS)


def omitted_line(omitted: int) -> str:
    """The line that ends a capped list of violations."""
    return f"... and {omitted} more violation(s)"


@dataclass(frozen=True, order=True)
class Violation:
    """One broken rule: at ``pointer`` (RFC 6901), ``expected`` X, ``got`` Y."""

    pointer: str
    expected: str
    got: str

    def __post_init__(self) -> None:
        # Text from the wire may hold a lone surrogate, which UTF-8 cannot carry:
        # it is kept as its escape (\ud800), so a violation can always be printed,
        # logged and stored.
        if self.pointer.isascii() and self.expected.isascii() and self.got.isascii():
            return
        for name in ("pointer", "expected", "got"):
            value = getattr(self, name)
            if not value.isascii():
                safe = value.encode("utf-8", "backslashreplace").decode()
                if safe != value:
                    object.__setattr__(self, name, safe)

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: expected {self.expected}, got {self.got}"

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "expected": self.expected, "got": self.got}


class RuntimeContractError(Exception):
    """Base of the runtime's errors."""


class UnknownContract(RuntimeContractError):
    """The contract (file, message type or version) is not in the generated package."""


_TYPE_PHRASES = frozenset(
    {"a string", "an integer", "a number", "a boolean", "null", "an array", "an object"}
)


def beside_enum(violations: list[Violation]) -> list[Violation]:
    """Without a type error beside a failed ``enum`` or ``const`` of the same value
    (``{"type": "string", "enum": ["a"]}`` given 5): the allowed values say it, as
    Pydantic's Literal does alone. The Node runtime drops the same lines."""
    enums = {(v.pointer, v.got) for v in violations if v.expected.startswith("one of ")}
    if not enums:
        return violations
    return [
        v
        for v in violations
        if v.expected not in _TYPE_PHRASES or (v.pointer, v.got) not in enums
    ]


class ContractViolation(RuntimeContractError):
    """A message does not satisfy its contract; ``violations`` lists every error."""

    def __init__(
        self,
        contract: str,
        violations: list[Violation],
        where: dict[str, Any] | None = None,
    ) -> None:
        self.contract = contract
        self.violations = sorted(set(beside_enum(violations)))
        self.where = dict(where or {})
        super().__init__(self.describe())

    def describe(self) -> str:
        place = "".join(f" {k}={v}" for k, v in sorted(self.where.items()))
        head = f"{self.contract}{place}: {len(self.violations)} violation(s)"
        shown, omitted = capped(self.violations)
        lines = [head, *(f"  {v}" for v in shown)]
        if omitted:
            lines.append(f"  {omitted_line(omitted)}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "contract": self.contract,
            "where": self.where,
            "violations": [v.as_dict() for v in self.violations],
        }
