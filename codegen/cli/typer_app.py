"""The typer application of every command, built when typer parses the arguments.

``generate`` and ``check`` run their functions (:mod:`codegen.cli.generate`,
:mod:`codegen.cli.check`) without typer when their arguments are plain
(:mod:`codegen.cli.plain`): their flags are declared here, on commands that call
the same functions with what typer parsed."""

from __future__ import annotations

import typer

from codegen.cli.breaking import breaking
from codegen.cli.check import check as run_check
from codegen.cli.dlq import dlq_app
from codegen.cli.docs import docs
from codegen.cli.drift import drift
from codegen.cli.generate import generate as run_generate
from codegen.cli.options import EnvelopeOpt, FormatOpt, OutOpt, SchemasOpt, StrictOpt
from codegen.cli.output import Format
from codegen.cli.validate import validate


def generate(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    envelope: EnvelopeOpt = None,
    strict: StrictOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    run_generate(schemas, out, envelope, strict, error_format)


def check(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    envelope: EnvelopeOpt = None,
    strict: StrictOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    run_check(schemas, out, envelope, strict, error_format)


generate.__doc__ = run_generate.__doc__  # the help text, written once
check.__doc__ = run_check.__doc__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compile JSON Schema contracts to Pydantic v2 and TypeScript; check them.",
)
for command in (generate, check, validate, drift, docs, breaking):
    app.command()(command)
app.add_typer(dlq_app, name="dlq")
