"""``contracts generate``: write both packages from the schemas.

Without typer (its flags: :mod:`codegen.cli.typer_app`), so that plain arguments run it
without importing typer (:mod:`codegen.cli.plain`)."""

from __future__ import annotations

from pathlib import Path

from codegen import api
from codegen.cli.config import resolve_config
from codegen.cli.output import Format, Report, compile_failure, echo, show
from codegen.errors import CompileError

_DONE = {"missing": "wrote", "changed": "updated", "extra": "removed"}


def generate(
    schemas: Path | None = None,
    out: Path | None = None,
    envelope: str | None = None,
    strict: bool | None = None,
    error_format: Format = Format.text,
) -> None:
    """Generate the Python package (and TypeScript package) from the schemas."""
    api.collector_off_until_exit()
    config = resolve_config(schemas, out, envelope, strict)
    try:
        result, changed = api.generate_into(
            config.schemas, config.out, config.settings, bundles=False
        )
    except CompileError as exc:
        raise compile_failure(exc, error_format) from None
    for summary in (
        api.annotation_summary(result.program),
        api.format_summary(result.program),
    ):
        if summary:
            echo(summary, err=True)
    rows = [line.split(": ", 1) for line in changed]
    show(
        Report(
            text=[f"{_DONE[kind]}: {path}" for kind, path in rows]
            + [f"{config.out}: {len(changed)} file(s) changed"],
            data=[{"file": path, "change": _DONE[kind]} for kind, path in rows],
        ),
        error_format,
    )
