"""The comparison that ``shapes`` and ``combinators`` call back into.

``compare.Comparer`` walks two schemas side by side and hands object, array and
combinator keywords to those modules; they need only this much of it. Declaring it
here keeps the dependency one way: ``compare`` imports them, they import this.
"""

from __future__ import annotations

from typing import Protocol

from codegen.checks.breaking.normalize import Child, Norm, Side
from codegen.checks.breaking.rules import Direction, Finding


class Walk(Protocol):
    old: Side
    new: Side

    def compare(self, o: Child, n: Child) -> list[Finding]:
        """The findings between two subschemas (memoised)."""
        ...

    def verdict(self, o: Child, n: Child) -> tuple[frozenset[Direction], bool]:
        """The directions a subschema change breaks, and whether it needs review."""
        ...

    def equivalent(self, o: Child, n: Child) -> bool: ...

    def add(
        self,
        out: list[Finding],
        rule: str,
        new: Norm,
        tokens: tuple[str | int, ...],
        message: str,
        breaks: frozenset[Direction],
        review: bool = False,
        exact: bool = False,
    ) -> None:
        """Add a finding at ``tokens`` below the new schema object."""
        ...

    def counts(self, kind: str, old: Norm, new: Norm, out: list[Finding]) -> None: ...

    def open_rank(self, side: Side, child: Child | None) -> int: ...

    def compare_open(
        self, old: Norm, new: Norm, key: str, family: str, out: list[Finding]
    ) -> None: ...
