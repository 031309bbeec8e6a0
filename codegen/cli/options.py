"""The options several commands share, spelled once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codegen.cli.output import Format

SchemasOpt = Annotated[
    Path | None,
    typer.Option("--schemas", help="Schemas folder [tool.contracts] schemas"),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Output folder [tool.contracts] out")
]
EnvelopeOpt = Annotated[
    str | None,
    typer.Option(
        "--envelope",
        help="The envelope contract, a file of the schemas folder [tool.contracts]"
        " envelope (that setting applies to the configured folder only)",
    ),
]
StrictOpt = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help="Refuse unknown keywords instead of keeping them as annotations"
        " [tool.contracts] strict (default: false)",
        show_default=False,
    ),
]
StreamOpt = Annotated[str, typer.Option("--stream", help="Catalogue stream name")]
RedisOpt = Annotated[
    str,
    typer.Option("--redis", envvar="REDIS_URL", help="Redis URL (env REDIS_URL)"),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--error-format",
        "--format",  # the name `breaking` had; kept working for existing CI files
        help="How to print results: text, json or github-actions",
    ),
]
