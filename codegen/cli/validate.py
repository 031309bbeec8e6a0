"""``contracts validate``: documents checked through the generated code."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from codegen.cli.config import resolve_config
from codegen.cli.options import EnvelopeOpt, FormatOpt, OutOpt, SchemasOpt, StrictOpt
from codegen.cli.output import (
    Annotation,
    Format,
    Report,
    compile_failure,
    show,
    usage_error,
)
from codegen.errors import CompileError


class RuntimeChoice(StrEnum):
    python = "python"
    node = "node"


def validate(
    documents: Annotated[list[Path], typer.Argument(help="JSON documents to validate")],
    contract: Annotated[
        str,
        typer.Option(
            "--contract",
            help="Schema file (relative to the schemas folder), or file#/$defs/Name",
        ),
    ],
    runtime: Annotated[
        RuntimeChoice, typer.Option("--runtime", help="Which generated code validates")
    ] = RuntimeChoice.python,
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    envelope: EnvelopeOpt = None,
    strict: StrictOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Validate JSON documents against a contract: VALID or INVALID for each."""
    from codegen.checks.validate import (
        ValidateError,
        prepare,
        validate_node,
        validate_python,
    )

    config = resolve_config(schemas, out, envelope, strict)
    missing = [d for d in documents if not d.is_file()]
    if missing:
        raise usage_error(f"no such file: {', '.join(map(str, missing))}")
    try:
        root, note = prepare(config.schemas, config.out, config.settings, runtime.value)
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    if note:
        typer.echo(note, err=True)
    try:
        if runtime is RuntimeChoice.node:
            verdicts = validate_node(root, contract, documents)
        else:
            package = config.settings.python_package
            verdicts = validate_python(root, package, contract, documents)
    except ValidateError as exc:
        raise usage_error(str(exc)) from None
    report = Report(
        data=[
            {"document": v.document, "valid": v.valid, "errors": list(v.errors)}
            for v in verdicts
        ]
    )
    for v in verdicts:
        report.text.append(f"{v.document}: {'VALID' if v.valid else 'INVALID'}")
        report.text += [f"  {line}" for line in v.errors]
        if not v.valid:
            message = "\n".join(v.errors) or "INVALID"
            report.annotations.append(
                Annotation("error", f"INVALID against {contract}", message, v.document)
            )
    show(report, error_format)
    if not all(v.valid for v in verdicts):
        raise typer.Exit(1)
