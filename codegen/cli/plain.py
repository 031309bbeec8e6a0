"""``contracts generate`` and ``contracts check`` with plain arguments, without
typer's parsing.

The typer installed here coerces every parameter through a Pydantic
``TypeAdapter``: processing the seven options of ``generate`` imports Pydantic's
models and builds the adapters, 44 ms of CPU of a 0.18 s start, the largest part
of the fixed cost of the two commands that run on every commit (a CI step, a
pre-commit hook) and that issue #15 times. When every argument is one of their
plain options with a plain value, :func:`plain_arguments` gives the keyword
arguments typer would pass and :func:`run` calls the same command function;
anything else (``--help``, an unknown option, an odd or missing value, shell
completion) goes to typer, which parses and words every error as before.
``tests/test_cli_plain.py`` checks that both parse alike.

Nor is typer imported on this path (another 20 ms of that start): the two
command functions, their output and their exits (``SystemExit``) use none of it;
typer's application and the flags' declarations are in :mod:`codegen.cli.typer_app`,
imported only when typer runs.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from codegen.cli.output import Format

_PATHS = {"--schemas": "schemas", "--out": "out"}
_TEXTS = {"--envelope": "envelope"}
_FORMATS = frozenset({"--error-format", "--format"})
_FLAGS = {"--strict": True, "--no-strict": False}


def plain_arguments(args: Sequence[str]) -> dict[str, Any] | None:
    """The keyword arguments of ``generate`` or ``check`` for ``args``, or ``None``
    when typer must parse them."""
    kwargs: dict[str, Any] = {}
    rest = list(args)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        if name in _FLAGS and not equals:
            kwargs["strict"] = _FLAGS[name]
            continue
        if name not in _PATHS and name not in _TEXTS and name not in _FORMATS:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        if name in _PATHS:
            kwargs[_PATHS[name]] = Path(value)
        elif name in _TEXTS:
            kwargs[_TEXTS[name]] = value
        elif value in {f.value for f in Format}:
            kwargs["error_format"] = Format(value)
        else:
            return None
    return kwargs


def run(argv: Sequence[str], commands: dict[str, Callable[..., None]]) -> bool:
    """Run ``argv`` (without the program name) if it is one of ``commands`` with
    plain arguments, exiting as typer would; ``False`` if typer must run it."""
    if not argv or argv[0] not in commands or "_CONTRACTS_COMPLETE" in os.environ:
        return False
    kwargs = plain_arguments(argv[1:])
    if kwargs is None:
        return False
    try:
        commands[argv[0]](**kwargs)  # an exit is a SystemExit, as under typer
    except OSError as exc:  # as typer: a closed pipe (`| head`) exits 1 quietly
        if exc.errno != errno.EPIPE:
            raise
        sys.stdout = open(os.devnull, "w")  # until exit: flushing it fails no more
        sys.exit(1)
    return True
