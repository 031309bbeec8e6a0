"""The ``contracts`` command line: one small module per command, one output layer.

Each command module parses its flags, calls library code and turns the result into
an :class:`~codegen.cli.output.Report`; ``output.show`` prints it as text, json or
GitHub Actions annotations (``--error-format``, the same flag everywhere). Only this
layer exits. Exit codes: 0 ok, 1 findings (stale files, invalid documents,
incompatible changes), 2 usage or input error.
"""

from __future__ import annotations

import sys

import typer

from codegen.cli import plain
from codegen.cli.breaking import breaking
from codegen.cli.check import check
from codegen.cli.dlq import dlq_app
from codegen.cli.docs import docs
from codegen.cli.drift import drift
from codegen.cli.generate import generate
from codegen.cli.validate import validate

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compile JSON Schema contracts to Pydantic v2 and TypeScript; check them.",
)
for command in (generate, check, validate, drift, docs, breaking):
    app.command()(command)
app.add_typer(dlq_app, name="dlq")


def main() -> None:
    try:
        # generate and check with plain arguments skip typer's parsing (plain.py)
        if not plain.run(sys.argv[1:], {"generate": generate, "check": check}):
            app()
    except KeyboardInterrupt:
        sys.exit(130)
