"""``contracts check``: exit 1 when generated/ is not what the schemas give.

Without typer (its flags: :mod:`codegen.cli.typer_app`), so that plain arguments run it
without importing typer (:mod:`codegen.cli.plain`)."""

from __future__ import annotations

from pathlib import Path

from codegen import api
from codegen.api import check as stale_files
from codegen.cli.config import resolve_config
from codegen.cli.output import Annotation, Format, Report, compile_failure, show
from codegen.errors import CompileError


def check(
    schemas: Path | None = None,
    out: Path | None = None,
    envelope: str | None = None,
    strict: bool | None = None,
    error_format: Format = Format.text,
) -> None:
    """Exit 1 when the generated files are not what the schemas give."""
    api.collector_off_until_exit()
    config = resolve_config(schemas, out, envelope, strict)
    try:
        problems = stale_files(config.schemas, config.out, config.settings)
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    if not problems:
        show(
            Report(text=[f"{config.out} is up to date with {config.schemas}"], data=[]),
            error_format,
        )
        return
    rows = [line.split(": ", 1) for line in problems]
    show(
        Report(
            text=[
                *problems,
                f"{len(problems)} generated file(s) are stale;"
                " run `contracts generate`",
            ],
            data=problems,
            annotations=[
                Annotation("error", "stale generated code", kind, str(config.out / p))
                for kind, p in rows
            ],
        ),
        error_format,
    )
    raise SystemExit(1)
