"""The one output layer of every command: text, json or GitHub Actions annotations.

A command turns its result into a :class:`Report` (lines for people, a JSON value
for machines, annotations for a CI log) and :func:`show` prints the form the user
chose with ``--error-format``. Commands never branch on the format themselves.

No typer here (its flag, :data:`~codegen.cli.options.FormatOpt`, is declared with
the others): ``generate`` and ``check`` with plain arguments run without importing
it (:mod:`codegen.cli.plain`). An exit is a ``SystemExit``, which typer lets
through as it is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from codegen.errors import CompileError, ContractError


class Format(StrEnum):
    text = "text"
    json = "json"
    github_actions = "github-actions"


Level = Literal["error", "warning", "notice"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True)
class Annotation:
    """One GitHub Actions workflow command (``::error file=...,title=...::message``)."""

    level: Level
    title: str
    message: str
    file: str | None = None

    def command(self) -> str:
        props = [f"file={_property(self.file)}"] if self.file else []
        props.append(f"title={_property(self.title)}")
        return f"::{self.level} {','.join(props)}::{_data(self.message)}"


@dataclass
class Report:
    """What a command prints, in every form."""

    text: list[str] = field(default_factory=list)
    data: Any = None  # the JSON form
    annotations: list[Annotation] = field(default_factory=list)


def echo(text: str, *, err: bool = False) -> None:
    """One line on standard output (or error), flushed."""
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


def show(report: Report, fmt: Format, *, err: bool = False) -> None:
    if fmt is Format.json:
        echo(json.dumps(report.data, indent=2, ensure_ascii=False), err=err)
    elif fmt is Format.github_actions:
        for annotation in report.annotations:
            echo(annotation.command(), err=err)
    elif report.text:  # one write: a line per file is thousands of writes
        echo("\n".join(report.text), err=err)


def errors_report(errors: Sequence[ContractError]) -> Report:
    return Report(
        text=[str(e) for e in errors],
        data=[
            {
                "code": e.code,
                "file": e.file,
                "hint": e.hint,
                "message": e.message,
                "pointer": e.pointer,
            }
            for e in errors
        ],
        annotations=[
            Annotation(
                "error",
                e.code,
                f"{e.pointer or '/'}: {e.message} [{e.code}]"
                + (f" (hint: {e.hint})" if e.hint else ""),
                e.file,
            )
            for e in errors
        ],
    )


def compile_failure(exc: CompileError, fmt: Format) -> SystemExit:
    """Print why the schemas cannot be compiled; the exit to raise (code 2)."""
    show(errors_report(exc.errors), fmt, err=True)
    if fmt is Format.text:
        echo(f"{len(exc.errors)} error(s); nothing was written", err=True)
    return SystemExit(2)


def usage_error(message: str) -> SystemExit:
    """A one-line error about the command's input (never a traceback); exit 2."""
    echo(f"error: {message}", err=True)
    return SystemExit(2)
