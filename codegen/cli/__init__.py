"""The ``contracts`` command line: parse flags, call library code, set the exit code.

Exit codes: 0 ok, 1 findings (stale files, invalid documents), 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from codegen.api import check as check_files
from codegen.api import generate_to
from codegen.cli.config import Config, load_config
from codegen.errors import CompileError, format_errors

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Compile JSON Schema contracts to Pydantic v2 and TypeScript; check them.",
)


class ErrorFormat(StrEnum):
    text = "text"
    json = "json"
    github_actions = "github-actions"


SchemasOpt = Annotated[
    Path | None,
    typer.Option("--schemas", help="Schemas folder [tool.contracts] schemas"),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Output folder [tool.contracts] out")
]
FormatOpt = Annotated[
    ErrorFormat, typer.Option("--error-format", help="How to print errors")
]
EnvelopeOpt = Annotated[
    str | None,
    typer.Option(
        "--envelope",
        help="The envelope contract, a file of the schemas folder [tool.contracts]"
        " envelope (that setting applies to the configured folder only)",
    ),
]


def _config(
    schemas: Path | None, out: Path | None, envelope: str | None = None
) -> Config:
    """The configuration, with the command line's options over it.

    ``[tool.contracts] envelope`` names a file of the configured schemas folder, so
    it does not follow ``--schemas`` to another folder: there only ``--envelope``
    sets one.
    """
    config = load_config()
    settings = config.settings
    if schemas is not None and schemas.resolve() != config.schemas.resolve():
        settings = replace(settings, envelope=None)
    if envelope is not None:
        settings = replace(settings, envelope=envelope)
    return Config(
        schemas=schemas or config.schemas,
        out=out or config.out,
        settings=settings,
        source=config.source,
    )


def _fail(exc: CompileError, fmt: ErrorFormat) -> typer.Exit:
    typer.echo(format_errors(exc.errors, fmt.value), err=True)
    if fmt is ErrorFormat.text:
        typer.echo(f"{len(exc.errors)} error(s); nothing was written", err=True)
    return typer.Exit(2)


@app.command()
def generate(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """Generate the Python package (and TypeScript package) from the schemas."""
    config = _config(schemas, out, envelope)
    try:
        changed = generate_to(config.schemas, config.out, config.settings)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    for line in changed:
        typer.echo(
            line.replace("missing:", "wrote:")
            .replace("changed:", "updated:")
            .replace("extra:", "removed:")
        )
    typer.echo(f"{config.out}: {len(changed)} file(s) changed")


@app.command()
def check(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """Exit 1 when the generated files are not what the schemas give."""
    config = _config(schemas, out, envelope)
    try:
        problems = check_files(config.schemas, config.out, config.settings)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    if not problems:
        typer.echo(f"{config.out} is up to date with {config.schemas}")
        return
    if error_format is ErrorFormat.json:
        typer.echo(json.dumps(problems, indent=2))
    elif error_format is ErrorFormat.github_actions:
        for line in problems:
            kind, _, path = line.partition(": ")
            typer.echo(
                f"::error file={config.out / path},title=stale generated code::{kind}"
            )
    else:
        for line in problems:
            typer.echo(line)
        typer.echo(
            f"{len(problems)} generated file(s) are stale; run `contracts generate`"
        )
    raise typer.Exit(1)


class RuntimeChoice(StrEnum):
    python = "python"
    node = "node"


@app.command()
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
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """Validate JSON documents against a contract: VALID or INVALID for each."""
    from codegen.checks.validate import (
        ValidateError,
        prepare,
        validate_node,
        validate_python,
    )

    config = _config(schemas, out, envelope)
    missing = [d for d in documents if not d.is_file()]
    if missing:
        typer.echo(f"error: no such file: {', '.join(map(str, missing))}", err=True)
        raise typer.Exit(2)
    try:
        root, note = prepare(config.schemas, config.out, config.settings, runtime.value)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    if note:
        typer.echo(note, err=True)
    try:
        if runtime is RuntimeChoice.node:
            verdicts = validate_node(root, contract, documents)
        else:
            package = config.settings.python_package
            verdicts = validate_python(root, package, contract, documents)
    except ValidateError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if error_format is ErrorFormat.json:
        rows = [
            {"document": v.document, "valid": v.valid, "errors": list(v.errors)}
            for v in verdicts
        ]
        typer.echo(json.dumps(rows, indent=2))
    else:
        for v in verdicts:
            typer.echo(f"{v.document}: {'VALID' if v.valid else 'INVALID'}")
            for line in v.errors:
                typer.echo(f"  {line}")
    if not all(v.valid for v in verdicts):
        raise typer.Exit(1)


@app.command()
def drift(
    schemas: SchemasOpt = None,
    out: OutOpt = None,
    redis_url: Annotated[
        str | None,
        typer.Option(
            "--redis",
            help="Check the live services announced in this Redis (redis://host:port/db)"
            " instead of the generated packages",
        ),
    ] = None,
    packages: Annotated[
        list[Path] | None,
        typer.Option(
            "--package",
            help="Check this generated package (e.g. a service's"
            " node_modules/@platform/contracts) against the schemas; repeatable",
        ),
    ] = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """Exit 1 when the Python package, the npm package and the schemas disagree;
    with --redis, when live services run incompatible versions of a contract; with
    --package, when a service's installed package does (at build time)."""
    config = _config(schemas, out, envelope)
    if redis_url is not None or packages:
        _live_drift(redis_url, packages or [], config, error_format)
        return
    from codegen.checks.drift import static_drift

    try:
        findings = static_drift(config.schemas, config.out, config.settings)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    if error_format is ErrorFormat.json:
        rows = [f.__dict__ for f in findings]
        typer.echo(json.dumps(rows, indent=2))
    elif error_format is ErrorFormat.github_actions:
        for f in findings:
            typer.echo(f"::error title=contract drift::{f}")
    else:
        for f in findings:
            typer.echo(str(f))
        typer.echo(
            f"{len(findings)} contract(s) differ"
            if findings
            else "python, node and schemas agree on every contract fingerprint"
        )
    if findings:
        raise typer.Exit(1)


def _live_drift(
    url: str | None, packages: list[Path], config: Config, error_format: ErrorFormat
) -> None:
    import redis

    from codegen.checks.livedrift import (
        live_drift,
        package_drift,
        render_github,
        render_text,
    )

    envelope = config.settings.envelope
    what = "live services" if url is not None else "packages"
    try:
        if url is not None:
            client = redis.Redis.from_url(url, socket_timeout=10)
            report = live_drift(client, config.schemas, envelope)
        else:
            report = package_drift(packages, config.schemas, envelope)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    except (redis.RedisError, ValueError) as exc:
        typer.echo(f"error: cannot read presence from {url}: {exc}", err=True)
        raise typer.Exit(2) from None
    if error_format is ErrorFormat.json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    elif error_format is ErrorFormat.github_actions:
        for line in render_github(report):
            typer.echo(line)
    else:
        for line in render_text(report, what):
            typer.echo(line)
    if report.failed:
        raise typer.Exit(1)


@app.command()
def docs(
    schemas: SchemasOpt = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", help="Where to write them (default docs/api)"),
    ] = None,
    envelope: EnvelopeOpt = None,
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """Write OpenAPI 3.1 (HTTP operations) and AsyncAPI 3.0 (streams) documents."""
    from codegen.docs import build_docs, write_docs

    config = _config(schemas, None, envelope)
    base = config.source.parent if config.source is not None else Path.cwd()
    try:
        documents = build_docs(config.schemas, config.settings)
    except CompileError as exc:
        raise _fail(exc, error_format) from None
    for path in write_docs(documents, out_dir or base / "docs" / "api"):
        typer.echo(str(path))


class CompatMode(StrEnum):
    backward = "backward"
    forward = "forward"
    full = "full"


@app.command()
def breaking(
    against: Annotated[
        str, typer.Option("--against", help="Git revision, or a folder of old schemas")
    ],
    schemas: SchemasOpt = None,
    mode: Annotated[
        CompatMode | None,
        typer.Option("--mode", help="For every file (default: per catalogue entry)"),
    ] = None,
    fmt: Annotated[
        ErrorFormat, typer.Option("--format", help="How to print findings")
    ] = ErrorFormat.text,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Accepted findings (default: contracts-baseline.json)"
        ),
    ] = None,
    write_baseline: Annotated[
        bool, typer.Option("--write-baseline", help="Accept the current findings")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list compatible changes")
    ] = False,
    envelope: EnvelopeOpt = None,
) -> None:
    """Exit 1 when the schemas break compatibility with those at --against."""
    from codegen.checks.breaking.report import (
        BASELINE_FILE,
        check_breaking,
        render,
        save_baseline,
    )

    config = _config(schemas, None, envelope)
    root = config.source.parent if config.source else Path.cwd()
    path = baseline or root / BASELINE_FILE
    read = path.is_file() or (baseline is not None and not write_baseline)
    try:
        report = check_breaking(
            config.schemas,
            against,
            mode and mode.value,
            path if read else None,
            config.settings.envelope,
        )
        if write_baseline:
            report = save_baseline(path, report)
            typer.echo(f"wrote {path}", err=True)
    except CompileError as exc:
        raise _fail(exc, fmt) from None
    typer.echo(render(report, fmt.value, verbose, config.schemas))
    if report.failed:
        raise typer.Exit(1)


dlq_app = typer.Typer(no_args_is_help=True, help="Inspect and replay dead letters.")
app.add_typer(dlq_app, name="dlq")

StreamOpt = Annotated[str, typer.Option("--stream", help="Catalogue stream name")]
RedisOpt = Annotated[
    str,
    typer.Option("--redis", envvar="REDIS_URL", help="Redis URL (env REDIS_URL)"),
]


def _codec(out: Path | None) -> Any:
    from codegen.checks.validate import validate_package_path
    from runtime import Codec, Contracts

    config = _config(None, out)
    package = config.settings.python_package
    validate_package_path(config.out / "python", package)
    envelope = config.settings.envelope or "envelope.v1.json"
    return Codec(Contracts(package), source="contracts-cli", envelope=envelope)


@dlq_app.command("list")
def dlq_list(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    count: Annotated[int, typer.Option("--count")] = 100,
    error_format: FormatOpt = ErrorFormat.text,
) -> None:
    """List the dead-lettered entries of a stream, with reasons and errors."""
    import redis

    from runtime.deadletter import list_dead

    try:
        entries = list_dead(redis.Redis.from_url(redis_url), stream, count)
    except redis.ConnectionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if error_format is ErrorFormat.json:
        rows = [
            {
                "id": e.id,
                "reason": e.reason,
                "errors": e.errors,
                "source_entry": e.source_entry,
                "deliveries": e.deliveries,
                "time": e.time,
            }
            for e in entries
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    for e in entries:
        typer.echo(
            f"{e.id} {e.reason} (from {e.source_entry}, {e.deliveries} deliveries)"
        )
        for err in e.errors:
            if isinstance(err, dict) and "pointer" in err:
                where = err["pointer"] or "/"
                typer.echo(f"  {where}: expected {err['expected']}, got {err['got']}")
            else:
                typer.echo(
                    f"  {err.get('error', err) if isinstance(err, dict) else err}"
                )
    typer.echo(
        f"{len(entries)} dead-lettered entr{'y' if len(entries) == 1 else 'ies'}"
    )


@dlq_app.command("replay")
def dlq_replay(
    stream: StreamOpt,
    redis_url: RedisOpt = "redis://127.0.0.1:6379/0",
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Only these entries (repeat)")
    ] = None,
    out: OutOpt = None,
) -> None:
    """Validate dead letters again and put the valid ones back on their stream."""
    import redis

    from runtime.deadletter import replay

    codec = _codec(out)
    try:
        report = replay(redis.Redis.from_url(redis_url), codec, stream, ids)
    except redis.ConnectionError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    for entry_id in report.replayed:
        typer.echo(f"replayed {entry_id}")
    for entry_id, reason in report.still_invalid:
        typer.echo(f"still invalid {entry_id}: {reason}")
    typer.echo(
        f"{len(report.replayed)} replayed, {len(report.still_invalid)} still invalid"
    )
    if report.still_invalid:
        raise typer.Exit(1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
