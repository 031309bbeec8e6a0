"""``contracts docs``: OpenAPI 3.1 and AsyncAPI 3.0 documents from the catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codegen.cli.config import resolve_config
from codegen.cli.options import EnvelopeOpt, FormatOpt, SchemasOpt
from codegen.cli.output import Format, Report, compile_failure, show
from codegen.errors import CompileError


def docs(
    schemas: SchemasOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", help="Where to write them (default docs/api)"),
    ] = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = Format.text,
) -> None:
    """Write OpenAPI 3.1 (HTTP operations) and AsyncAPI 3.0 (streams) documents."""
    from codegen.docs import build_docs, write_docs

    config = resolve_config(schemas, None, envelope)
    base = config.source.parent if config.source is not None else Path.cwd()
    try:
        documents = build_docs(config.schemas, config.settings)
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    written = write_docs(documents, out_dir or base / "docs" / "api")
    show(Report(text=[str(p) for p in written], data=[str(p) for p in written]),
         error_format)  # fmt: skip
