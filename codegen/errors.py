"""Errors raised by the compiler, and how they are printed.

Every problem the compiler finds in the input is a :class:`ContractError`: a stable
code, the schema file, a JSON pointer into it, and a message that says what was
expected. Library code never prints and never exits; it raises :class:`CompileError`
carrying every error it found, and the CLI prints them (``codegen.cli.output``).

Hierarchy::

    Exception
    └── CompileError            one or more ContractError, raised by any stage
        (ContractError is a plain frozen record, not an exception)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContractError:
    """One problem in the schemas.

    ``file`` is relative to the schemas folder (POSIX separators); ``pointer`` is a
    JSON pointer (RFC 6901) into that file, ``""`` for the whole document.
    """

    file: str
    pointer: str
    code: str
    message: str
    hint: str = ""

    def location(self) -> str:
        return f"{self.file}#{self.pointer}"

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message} [{self.code}]"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class CompileError(Exception):
    """The schemas cannot be compiled; ``errors`` lists every reason, sorted."""

    def __init__(self, errors: Iterable[ContractError]) -> None:
        self.errors: tuple[ContractError, ...] = tuple(sorted(set(errors)))
        super().__init__("\n".join(str(e) for e in self.errors))
