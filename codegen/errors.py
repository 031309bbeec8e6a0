"""Errors raised by the compiler, and how they are printed.

Every problem the compiler finds in the input is a :class:`ContractError`: a stable
code, the schema file, a JSON pointer into it, and a message that says what was
expected. Library code never prints and never exits; it raises :class:`CompileError`
carrying every error it found, and the CLI formats them.

Hierarchy::

    Exception
    └── CompileError            one or more ContractError, raised by any stage
        (ContractError is a plain frozen record, not an exception)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

ErrorFormat = Literal["text", "json", "github-actions"]


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


def format_errors(errors: Sequence[ContractError], fmt: ErrorFormat) -> str:
    """Render errors for humans (text), machines (json) or GitHub annotations."""
    if fmt == "json":
        return json.dumps([asdict(e) for e in errors], indent=2, sort_keys=True)
    if fmt == "github-actions":
        lines = []
        for e in errors:
            message = f"{e.pointer or '/'}: {e.message} [{e.code}]"
            if e.hint:
                message += f" (hint: {e.hint})"
            message = message.replace("%", "%25").replace("\n", "%0A")
            lines.append(f"::error file={e.file},title={e.code}::{message}")
        return "\n".join(lines)
    return "\n".join(str(e) for e in errors)
